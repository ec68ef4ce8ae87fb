#!/usr/bin/env bash
# Online device authentication over HTTP (issue #4; docs/PERFORMANCE.md, "Device identity"):
#   scripts/bench-device.sh [BUILD_DIR] [DEVICES] [SECONDS]     defaults: build 100000 10
# Starts a fresh single-validator chain funded for 100 bench accounts, registers DEVICES
# bench devices one by one (a device.register transaction each, `telco-bench devices`), then
# runs verifiers against it (`telco-bench auth`: POST /v1/devices/challenge, the device's
# signature, POST /v1/devices/authenticate): flat out for SECONDS to find the peak, then
# paced at half the peak for latency. The last stdout line is one JSON object.
# Environment: BENCH_AUTH_CONNECTIONS [8] verifiers in parallel; BENCH_AUTH_BATCH [1]
# devices per request pair (above 1: POST /v1/devices/challenge/batch and
# /authenticate/batch, the way a verifier that checks many devices talks to the node);
# BENCH_AUTH_WIRE [json] json or binary (the batches as application/octet-stream).
# BENCH_DEVICE_LOADER [tx] tx: register by transactions as above; store: write the registry
#   straight into the node's store with telco-device-store-bench --onto-node-data (what
#   device.register writes, flat state only, every device its own key; 10M take ~12 min
#   against ~21 by transactions), for the issue's 10M-device registry.
# BENCH_DEVICE_HOME [a temporary one] with the store loader: the node home, kept and reused
#   by later runs of the same DEVICES. BENCH_ROW_CACHE_MB [0] the node's storage.row_cache_mb;
#   BENCH_STATE_CACHE_MB [the node's default] its storage.state_cache_mb (latest state values
#   in memory; about 300 bytes a device).
# BENCH_AUTH_SWEEP [0] 1: first authenticate every device once, in order (its first read; it
#   leaves a cache sized to the registry holding all of it), then the runs above.
# Everything lives in a temporary directory removed at the end; ports are free loopback ports.
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build}
devices=${2:-100000}
seconds=${3:-10}
connections=${BENCH_AUTH_CONNECTIONS:-8}
batch=${BENCH_AUTH_BATCH:-1}
wire=${BENCH_AUTH_WIRE:-json}
case "$wire" in
  json) wire_flag=() ;;
  binary) wire_flag=(--binary) ;;
  *) echo "bench-device: BENCH_AUTH_WIRE must be json or binary" >&2; exit 2 ;;
esac
if ! [[ "$devices" =~ ^[0-9]+$ ]] || (( devices < 1 || devices > 10000000 )); then
  echo "bench-device: DEVICES must be 1..10000000" >&2; exit 2
fi
telcod=$build/apps/telcod/telcod
bench=$build/bench/telco-bench
for bin in "$telcod" "$bench"; do
  [ -x "$bin" ] || { echo "bench-device: $bin is not built (ninja -C $build)" >&2; exit 1; }
done
log() { echo "bench-device: $*" >&2; }
work=$(mktemp -d "${TMPDIR:-/tmp}/telco-bench-device.XXXXXX")
node_pid=""
cleanup() {
  if [ -n "$node_pid" ] && kill -0 "$node_pid" 2>/dev/null; then kill "$node_pid"; wait "$node_pid" 2>/dev/null || true; fi
  # A kept home keeps the node's log of its last run too.
  if [ -n "${BENCH_DEVICE_HOME:-}" ] && [ -d "$BENCH_DEVICE_HOME" ] && [ -f "$work/telcod.log" ]; then
    cp "$work/telcod.log" "$BENCH_DEVICE_HOME/telcod-last-run.log"
  fi
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

port=$(python3 scripts/free-port.py)
url=http://127.0.0.1:$port
loader=${BENCH_DEVICE_LOADER:-tx}
home=$work/node
registry_flag=()
start_node() {
  "$telcod" --home "$home" start --api-listen "127.0.0.1:$port" --log-level warn >"$work/telcod.log" 2>&1 &
  node_pid=$!
  for _ in $(seq 1 600); do curl -fsS -m 2 "$url/v1/status" >/dev/null 2>&1 && return 0; sleep 0.05; done
  log "telcod did not answer on $url"; cat "$work/telcod.log" >&2; exit 1
}
stop_node() { kill "$node_pid"; wait "$node_pid" 2>/dev/null || true; node_pid=""; }
init_home() {
  "$bench" accounts --count 100 --balance 1000000000000 --out "$work/accounts.json" 2>/dev/null
  "$telcod" --home "$home" init --chain-id telco-bench-device --accounts-file "$work/accounts.json" \
    --max-pending-per-sender 1000000 --log-level warn >/dev/null
}
case "$loader" in
  tx)
    init_home ;;
  store)
    store_bench=$build/bench/telco-device-store-bench
    [ -x "$store_bench" ] || { echo "bench-device: $store_bench is not built" >&2; exit 1; }
    [ -n "${BENCH_DEVICE_HOME:-}" ] && home=$BENCH_DEVICE_HOME
    marker=$home/bench-device-registry.json
    want="{\"devices\": $devices, \"sample_every\": 1}"
    if [ -f "$marker" ] && [ "$(cat "$marker")" = "$want" ]; then
      log "reusing the registry of $devices devices in $home"
    else
      if [ -e "$home" ] && [ -n "$(ls -A "$home" 2>/dev/null)" ]; then
        echo "bench-device: $home holds something else; give an empty or new BENCH_DEVICE_HOME" >&2; exit 2
      fi
      init_home
      start_node; stop_node  # commits the genesis
      "$store_bench" --devices "$devices" --sample-every 1 --onto-node-data "$home/data" \
        --chain-id telco-bench-device >"$work/load.json"
      echo "$want" >"$marker"
    fi
    registry_flag=(--registry-sample-every 1)
    ;;
  *) echo "bench-device: BENCH_DEVICE_LOADER must be tx or store" >&2; exit 2 ;;
esac
python3 - "$home/config.json" "${BENCH_ROW_CACHE_MB:-0}" "${BENCH_STATE_CACHE_MB:-}" <<'PY'
import json, sys
path, mb, state_mb = sys.argv[1], int(sys.argv[2]), sys.argv[3]
c = json.load(open(path))
storage = c.setdefault("storage", {})
storage["row_cache_mb"] = mb
if state_mb:
    storage["state_cache_mb"] = int(state_mb)
else:
    storage.pop("state_cache_mb", None)
json.dump(c, open(path, "w"), indent=2)
PY
# The page cache of a node that has been serving a while (a no-op for a small registry).
cat "$home"/data/*.sst >/dev/null 2>&1 || true
start_node

load1=$(cut -d' ' -f1 /proc/loadavg)
if [ "$loader" = tx ]; then
  registered=$("$bench" devices --node "$url" --devices "$devices" --accounts 100 | tail -1)
else
  registered=$(python3 -c 'import json,sys; print(json.dumps({"devices": int(sys.argv[1]), "registrations_per_s": None, "loader": "store"}))' "$devices")
fi
sweep='{}'
if [ "${BENCH_AUTH_SWEEP:-0}" = 1 ]; then
  log "sweep: every device once"
  sweep=$("$bench" auth --node "$url" --devices "$devices" --seconds 3600 --connections "$connections" \
    --batch "$batch" "${wire_flag[@]}" "${registry_flag[@]}" --sweep --node-pid "$node_pid" | tail -1)
fi
flat=$("$bench" auth --node "$url" --devices "$devices" --seconds "$seconds" --connections "$connections" \
  --batch "$batch" "${wire_flag[@]}" "${registry_flag[@]}" --node-pid "$node_pid" | tail -1)
peak=$(python3 -c 'import json,sys; print(json.loads(sys.argv[1])["auth_per_s"])' "$flat")
half=$(python3 -c 'import sys; print(max(1.0, float(sys.argv[1]) / 2))' "$peak")
log "peak $peak authentications/s; paced run at $half/s"
paced=$("$bench" auth --node "$url" --devices "$devices" --seconds "$seconds" --connections "$connections" \
  --batch "$batch" "${wire_flag[@]}" "${registry_flag[@]}" --rate "$half" --node-pid "$node_pid" | tail -1)
python3 - "$registered" "$flat" "$paced" "$load1" "$sweep" "$loader" "${BENCH_ROW_CACHE_MB:-0}" \
  "$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1])).get("storage", {}).get("state_cache_mb", "default"))' "$home/config.json")" <<'PY'
import json, os, sys
reg, flat, paced = (json.loads(a) for a in sys.argv[1:4])
sweep = json.loads(sys.argv[5])
cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), "?")
clean = all(r["authenticated"] > 0 and r["failed"] == 0 and r["refused"] == 0 for r in (flat, paced))
print(json.dumps({
    "devices": reg["devices"], "registrations_per_s": reg["registrations_per_s"],
    "peak_auth_per_s": flat["auth_per_s"], "ratio_to_verify_per_core": flat.get("ratio_to_verify_per_core"),
    "batch": paced["batch"], "wire": paced.get("wire", "json"), "half_peak_auth_per_s": paced["auth_per_s"],
    "p50_ms": paced["latency_ms"]["p50_ms"], "p99_ms": paced["latency_ms"]["p99_ms"],
    "challenge_request_p99_ms": paced["challenge_request_latency_ms"]["p99_ms"],
    "authenticate_request_p99_ms": paced["authenticate_request_latency_ms"]["p99_ms"],
    # A run where exchanges failed or none succeeded measures nothing: no target is met.
    "targets": {"ratio_ge_0.8_per_core": clean and (flat.get("ratio_to_verify_per_core") or 0) >= 0.8,
                "p99_le_5ms_at_half_peak": clean and paced["latency_ms"]["p99_ms"] <= 5},
    "machine": {"nproc": os.cpu_count(), "cpu": cpu, "loadavg_1m_at_start": float(sys.argv[4])},
    "loader": sys.argv[6], "row_cache_mb": int(sys.argv[7]), "state_cache_mb": sys.argv[8],
    "sweep_ratio_to_verify_per_core": sweep.get("ratio_to_verify_per_core"),
    "register": reg, "sweep": sweep, "flat": flat, "paced": paced}))
PY
