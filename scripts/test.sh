#!/usr/bin/env bash
# The whole test suite, as CI runs it (.ci/run calls `make test`, which calls this):
#   1. install missing Debian packages
#   2. build (RelWithDebInfo, -Werror) and run unit tests (ctest)
#   3. end-to-end tests: real telcod processes, the real telco CLI, curl, kill -9 and restart;
#      then the explorer in Chromium against a real devnet (tests/browser, needs npm)
#   4. build again with AddressSanitizer + UndefinedBehaviorSanitizer (g++) and run the unit
#      tests and the end-to-end tests under it
#   5. libFuzzer targets (clang-14) for a short time each
#   6. a quick smoke run of the load benchmark
# Set TELCO_TEST_SKIP="browser asan fuzz bench" (any subset) to skip stages locally.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
# Let ccache hit across clones in other directories (CI builds a fresh clone every time):
# paths under the tree are hashed relative to it, and -g's working directory is ignored.
export CCACHE_BASEDIR="$root" CCACHE_NOHASHDIR=1
jobs=$(nproc)
skip=" ${TELCO_TEST_SKIP:-} "
started=$(date +%s)
stage_started=$started
stage_name=""
# Prints how long the previous stage took, then the next stage's banner.
stage() {
  local now
  now=$(date +%s)
  [[ -n "$stage_name" ]] && printf '(%s: %d s)\n' "$stage_name" $((now - stage_started))
  stage_name="$*"
  stage_started=$now
  printf '\n==== %s ====  (%d s since start)\n' "$*" $((now - started))
}
logs=$(mktemp -d)
trap 'rm -rf "$logs"' EXIT
total_passed=0
total_failed=0
# Adds the counts of a ctest log ("... tests failed out of N") or an e2e or browser log
# ("e2e: N passed, M failed", "browser: N passed, M failed").
count() {
  local p f
  if grep -q "tests failed out of" "$1"; then
    f=$(sed -nE 's/.* ([0-9]+) tests failed out of ([0-9]+)$/\1/p' "$1" | tail -1)
    p=$(( $(sed -nE 's/.* ([0-9]+) tests failed out of ([0-9]+)$/\2/p' "$1" | tail -1) - f ))
  else
    p=$(sed -nE 's/^(e2e|browser): ([0-9]+) passed, ([0-9]+) failed$/\2/p' "$1" | tail -1)
    f=$(sed -nE 's/^(e2e|browser): ([0-9]+) passed, ([0-9]+) failed$/\3/p' "$1" | tail -1)
  fi
  p=${p:-0}
  f=${f:-0}
  total_passed=$((total_passed + p))
  total_failed=$((total_failed + f))
}
run_logged() {  # run_logged NAME command...: shows output, keeps a copy for counting
  local log="$logs/$1"; shift
  set +e
  "$@" 2>&1 | tee "$log"
  local rc=${PIPESTATUS[0]}
  set -e
  count "$log"
  if [ "$rc" -ne 0 ]; then
    echo "tests: $total_passed passed, $total_failed failed"
    exit "$rc"
  fi
}

stage "dependencies"
bash scripts/install-deps.sh

# -g1 (line tables only): enough for backtraces and sanitizer reports, and a quarter less
# compile time than -g on the Beast-heavy files (README, "Tests").
stage "build (RelWithDebInfo)"
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O2 -g1 -DNDEBUG" >/dev/null
ninja -C build -j"$jobs"

stage "unit tests"
run_logged unit ctest --test-dir build --output-on-failure -j"$jobs" --timeout 300

stage "end-to-end tests"
run_logged e2e python3 tests/e2e/run_all.py --build build

if [[ "$skip" != *" browser "* ]]; then
  stage "explorer in a browser (npm ci, playwright-core + chromium, real devnet)"
  run_logged browser python3 tests/browser/run.py --build build --artifacts build/browser-artifacts
fi

if [[ "$skip" != *" asan "* ]]; then
  stage "build with ASan + UBSan (g++)"
  cmake -S . -B build-asan -G Ninja -DCMAKE_BUILD_TYPE=Debug -DCMAKE_CXX_FLAGS_DEBUG=-g1 -DTELCO_SANITIZE=ON \
    -DTELCO_BUILD_BENCH=OFF >/dev/null
  ninja -C build-asan -j"$jobs"
  stage "unit tests under ASan + UBSan"
  export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
  run_logged unit-asan ctest --test-dir build-asan --output-on-failure -j"$jobs" --timeout 600
  stage "end-to-end tests under ASan + UBSan"
  run_logged e2e-asan python3 tests/e2e/run_all.py --build build-asan --bench-build build --sanitized
fi

if [[ "$skip" != *" fuzz "* ]]; then
  stage "fuzzing (libFuzzer, clang-14, short)"
  bash scripts/fuzz.sh "${TELCO_FUZZ_SECONDS:-15}"
fi

if [[ "$skip" != *" bench "* ]]; then
  stage "benchmark smoke run"
  TELCO_BENCH_BUILD=build bash scripts/bench.sh --quick
fi

stage "done"
echo "all stages passed in $(( $(date +%s) - started )) s"
echo "tests: $total_passed passed, $total_failed failed"
