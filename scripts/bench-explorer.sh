#!/usr/bin/env bash
# The explorer's first-render benchmark on a long chain (docs/PERFORMANCE.md, issue #6):
#   1. builds telcod and telco-fill-chain (Release, build-release/ or $TELCO_BENCH_BUILD)
#   2. writes a node home with $BENCH_EXPLORER_BLOCKS real blocks (default 1,000,000; about
#      a minute) through the node's own producer and store
#   3. starts telcod on it (free loopback port) serving web/explorer
#   4. loads the home page 5 times in Chromium, each with a fresh profile, and reports the
#      time from navigation start to the first render with data (target: <= 1 s)
# The last line of stdout is one JSON object. BENCH_EXPLORER_HOME=<dir> keeps (or reuses) the
# filled home instead of a temporary one.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
export CCACHE_BASEDIR="$root" CCACHE_NOHASHDIR=1
blocks=${BENCH_EXPLORER_BLOCKS:-1000000}
build=${TELCO_BENCH_BUILD:-build-release}

bash scripts/install-deps.sh >&2
if [ -z "${TELCO_BENCH_BUILD:-}" ]; then
  cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
fi
ninja -C "$build" -j"$(nproc)" telcod telco-fill-chain >&2

work=$(mktemp -d)
node_pid=""
cleanup() {
  if [ -n "$node_pid" ]; then kill "$node_pid" 2>/dev/null || true; wait "$node_pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

home=${BENCH_EXPLORER_HOME:-$work/home}
if [ ! -f "$home/genesis.json" ]; then
  echo "bench-explorer: filling $home with $blocks blocks..." >&2
  "$build/tests/browser/telco-fill-chain" --home "$home" --blocks "$blocks" >&2
fi
port=$(python3 scripts/free-port.py)
"$build/apps/telcod/telcod" --home "$home" start --api-listen "127.0.0.1:$port" --log-level warn \
  --static-root "$root/web/explorer" >"$work/telcod.log" 2>&1 &
node_pid=$!
for _ in $(seq 1 300); do
  curl -sf "http://127.0.0.1:$port/v1/status" >/dev/null && break
  sleep 0.1
done
height=$(curl -sf "http://127.0.0.1:$port/v1/status" | python3 -c 'import json,sys; print(json.load(sys.stdin)["head"]["height"])')
echo "bench-explorer: node at height $height on port $port; load: $(uptime | sed 's/.*load average: //')" >&2
python3 tests/browser/run.py --mode bench --url "http://127.0.0.1:$port" \
  --artifacts "$root/build-artifacts/browser" | tail -1 |
  python3 -c "import json,sys; r=json.load(sys.stdin); r['figures']['blocks']=$height; r['figures']['load']='$(uptime | sed 's/.*load average: //')'; print(json.dumps(r))"
