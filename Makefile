# The two commands a newcomer needs (README.md): `make devnet` and `make test`.
# Each installs missing Debian packages, builds from scratch if needed, and runs.
.PHONY: devnet test build bench fuzz asan clean

JOBS ?= $(shell nproc)

devnet:
	bash scripts/devnet.sh

test:
	bash scripts/test.sh

build:
	bash scripts/install-deps.sh
	cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo
	ninja -C build -j$(JOBS)

bench:
	bash scripts/bench.sh $(BENCH_ARGS)

fuzz:
	bash scripts/fuzz.sh 60

clean:
	rm -rf build build-asan build-fuzz build-release
