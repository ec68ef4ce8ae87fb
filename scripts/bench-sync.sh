#!/usr/bin/env bash
# Block-sync throughput (issue #7 target: >= 2,000 blocks/s of 100-transaction blocks from a
# peer on loopback). Lays out a 4-validator testnet, fills validator-0's store with full
# blocks carrying commits of all four validators (telco-sync-fill), starts validator-0 alone
# as the source (it serves blocks; it cannot decide new ones without the others), joins a
# fresh node to it with `telcod join`, and times the new node from start to the source's
# head. The last line is one JSON object.
#
#   bash scripts/bench-sync.sh [--blocks N] [--txs-per-block K]
#   env: TELCO_BENCH_BUILD [build]  BENCH_KEEP [0; 1 keeps the directory]
set -euo pipefail
cd "$(dirname "$0")/.."
blocks=2000
txs=100
while [[ $# -gt 0 ]]; do
  case "$1" in
    --blocks) blocks="$2"; shift 2 ;;
    --txs-per-block) txs="$2"; shift 2 ;;
    -h|--help) sed -n '2,11p' "$0"; exit 0 ;;
    *) echo "bench-sync: unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
done
build="${TELCO_BENCH_BUILD:-build}"
for bin in apps/telcod/telcod bench/telco-bench bench/telco-sync-fill; do
  [[ -x "$build/$bin" ]] || { echo "bench-sync: $build/$bin is missing; build first (ninja -C $build)" >&2; exit 1; }
done
telcod="$build/apps/telcod/telcod"
dir="$(mktemp -d -t telco-bench-sync-XXXXXX)"
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill -9 "$p" 2>/dev/null || true; done
  if [[ "${BENCH_KEEP:-0}" != 1 ]]; then rm -rf "$dir"; else echo "bench-sync: kept $dir" >&2; fi
}
trap cleanup EXIT
port() { python3 scripts/free-port.py; }
accounts=$(( txs > 1000 ? txs : 1000 ))
"$build/bench/telco-bench" accounts --count "$accounts" --out "$dir/accounts.json" >/dev/null
api_base=$(port); p2p_base=$(port)
"$telcod" testnet --dir "$dir/net" --validators 4 --chain-id telco-bench-sync --accounts-file "$dir/accounts.json" \
  --api-port "$api_base" --p2p-port "$p2p_base" --no-sync --max-block-txs "$txs" >/dev/null
keys=()
for i in 0 1 2 3; do keys+=(--validator-key "$dir/net/validator-$i/validator_key.json"); done
echo "bench-sync: filling $blocks blocks of $txs transfers (4 signatures each)" >&2
"$build/bench/telco-sync-fill" --home "$dir/net/validator-0" "${keys[@]}" --blocks "$blocks" --txs-per-block "$txs" \
  --accounts "$accounts" >/dev/null
listen=$(python3 -c 'import json,sys;print(json.load(open(sys.argv[1]))["p2p"]["listen"])' "$dir/net/validator-0/config.json")
node_id=$(python3 -c 'import json,sys;print(json.load(open(sys.argv[1]))["public_key"])' "$dir/net/validator-0/node_key.json")
source_api=$(python3 -c 'import json,sys;print(json.load(open(sys.argv[1]))["api"]["listen"])' "$dir/net/validator-0/config.json")
follower_api="127.0.0.1:$(port)"
"$telcod" --home "$dir/follower" join --genesis "$dir/net/validator-0/genesis.json" --peer "$node_id@$listen" \
  --api-listen "$follower_api" --p2p-listen "127.0.0.1:$(port)" --no-sync >/dev/null
"$telcod" --home "$dir/net/validator-0" start >"$dir/source.log" 2>&1 &
pids+=($!)
python3 - "$source_api" "$blocks" <<'PY'
import json, sys, time, urllib.request
url, want = sys.argv[1], int(sys.argv[2])
deadline = time.time() + 60
while time.time() < deadline:
    try:
        with urllib.request.urlopen(f"http://{url}/v1/status", timeout=1) as r:
            if json.load(r)["head"]["height"] >= want:
                sys.exit(0)
    except Exception:
        pass
    time.sleep(0.05)
sys.exit("bench-sync: the source node did not come up with its blocks")
PY
load_start=$(cut -d' ' -f1 /proc/loadavg)
"$telcod" --home "$dir/follower" start >"$dir/follower.log" 2>&1 &
pids+=($!)
python3 - "$follower_api" "$blocks" "$txs" "$load_start" "$dir/follower.log" <<'PY'
import json, os, re, sys, time, urllib.request
url, want, txs, load, log = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), float(sys.argv[4]), sys.argv[5]
started = time.time()
first = None   # when the API answered: the sync itself starts about then
deadline = started + 600
height = 0
last_print = 0.0
while time.time() < deadline:
    try:
        with urllib.request.urlopen(f"http://{url}/v1/status", timeout=1) as r:
            height = json.load(r)["head"]["height"]
            if first is None:
                first = (time.time(), height)
    except Exception:
        pass
    now = time.time()
    if now - last_print > 2:
        print(f"bench-sync: follower at {height} of {want}", file=sys.stderr)
        last_print = now
    if height >= want:
        break
    time.sleep(0.02)
end = time.time()
if height < want:
    sys.exit(f"bench-sync: the follower reached only {height} of {want} blocks in 600 s; see {log}")
t0, h0 = first
rate = (want - h0) / max(end - t0, 1e-9)
with open(log, errors="replace") as f:
    logged = re.findall(r"block sync: height \d+ of \d+, (\d+) blocks/s", f.read())
print(json.dumps({"blocks": want, "txs_per_block": txs, "seconds": round(end - t0, 3),
                  "blocks_per_s": round(rate, 1), "txs_per_s": round(rate * txs),
                  "seconds_from_process_start": round(end - started, 3),
                  "logged_blocks_per_s": [int(x) for x in logged][-5:],
                  "target_blocks_per_s": 2000, "met": rate >= 2000,
                  "loadavg_1m_at_start": load, "cores": os.cpu_count()}))
PY
