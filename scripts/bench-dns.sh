#!/usr/bin/env bash
# DNS throughput of telcod's server against NSD serving the same ENUM records from a zone
# file, measured with dnsperf in the same run (docs/PERFORMANCE.md, "DNS").
#   scripts/bench-dns.sh [BUILD_DIR] [NUMBERS] [SECONDS]     defaults: build 1000000 10
# NUMBERS numbers (at most 1,000,000: the block +4155 of 10-digit numbers) are assigned on
# chain with `telco number assign --file` and written to NSD's zone; dnsperf then queries
# NAPTR for every one of them in turn, against each server for SECONDS, twice, alternating;
# the rates reported are the means of the two rounds.
# Environment: BENCH_DNS_CLIENTS [8] dnsperf sockets (-c; a resolver's spread of source
# ports), BENCH_DNS_OUTSTANDING [200] queries in flight (-q). Both servers get one thread
# per core (telcod dns.threads, NSD server-count).
# Loopback only; everything lives in a temporary directory removed at the end. The last line
# of stdout is one JSON object with both rates and their ratio.
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build}
numbers=${2:-1000000}
seconds=${3:-10}
clients=${BENCH_DNS_CLIENTS:-8}
outstanding=${BENCH_DNS_OUTSTANDING:-200}
if ! [[ "$numbers" =~ ^[0-9]+$ ]] || (( numbers < 1 || numbers > 1000000 )); then
  echo "bench-dns: NUMBERS must be 1..1000000" >&2; exit 2
fi
for tool in dnsperf nsd dig; do
  command -v "$tool" >/dev/null || { echo "bench-dns: $tool missing (scripts/install-deps.sh)" >&2; exit 1; }
done
log() { echo "bench-dns: $*" >&2; }
work=$(mktemp -d)
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
base=$(python3 scripts/free-port.py 3)  # three consecutive free ports
api=$base; dns=$((base + 1)); nsd_port=$((base + 2))
telcod="$build/apps/telcod/telcod"; telco="$build/apps/telco/telco"
"$telcod" --home "$work/node" init --chain-id bench-dns --api-listen "127.0.0.1:$api" --log-level warn >/dev/null
export TELCO_PASSPHRASE=bench
cli() { "$telco" --home "$work/wallet" --node "http://127.0.0.1:$api" "$@"; }
cli keys import demo --seed-file "$work/node/demo_key.seed" --kdf-cost test >/dev/null
demo=$(cli --key demo address)
python3 - "$work/node/genesis.json" "$demo" <<'PY'
import json, sys
g = json.load(open(sys.argv[1]))
g["naming"] = {"top_level_labels": ["tel"], "numbering_authority": sys.argv[2]}
g["params"]["max_tx_bytes"] = 65536  # 512 assignments a transaction
json.dump(g, open(sys.argv[1], "w"))
PY
"$telcod" --home "$work/node" start --dns-listen "127.0.0.1:$dns" --no-sync >"$work/telcod.log" 2>&1 &
pids+=($!)
for _ in $(seq 1 100); do curl -sf "http://127.0.0.1:$api/v1/status" >/dev/null && break; sleep 0.1; done
cli --key demo number allocate 4155 --length 10 --holder demo >/dev/null

# The same numbers three ways: the CSV for the chain, NSD's zone, dnsperf's queries.
zone="$work/e164.arpa.zone"
python3 - "$numbers" "$demo" "$work/numbers.csv" "$zone" "$work/queries" <<'PY'
import sys
n, demo, csv_path, zone_path, queries_path = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4], sys.argv[5]
with open(csv_path, "w") as csv, open(zone_path, "w") as zone, open(queries_path, "w") as queries:
    zone.write("$ORIGIN e164.arpa.\n$TTL 60\n@ IN SOA ns.e164.arpa. hostmaster.e164.arpa. 1 3600 600 86400 60\n"
               "@ IN NS ns.e164.arpa.\nns IN A 127.0.0.1\n")
    for i in range(n):
        number = str(4155000000 + i)
        uri = f"sip:+{number}@operator.example"
        owner = ".".join(reversed(number)) + ".e164.arpa"
        csv.write(f"+{number},{demo},{uri}\n")
        zone.write(f'{owner}. IN NAPTR 10 100 "u" "E2U+sip" "!^.*$!{uri}!" .\n')
        queries.write(f"{owner} NAPTR\n")
PY
started=$(date +%s)
cli --key demo number assign --file "$work/numbers.csv" >/dev/null
log "assigned $numbers numbers on chain in $(( $(date +%s) - started )) s"

cat >"$work/nsd.conf" <<CONF
server:
  ip-address: 127.0.0.1
  port: $nsd_port
  username: ""
  chroot: ""
  zonesdir: "$work"
  pidfile: "$work/nsd.pid"
  database: ""
  zonelistfile: "$work/zone.list"
  xfrdfile: "$work/xfrd.state"
  logfile: "$work/nsd.log"
  server-count: $(nproc)
  verbosity: 0
  # Response rate limiting (on by default, 200 q/s per client) would measure the limiter.
  rrl-ratelimit: 0
  rrl-whitelist-ratelimit: 0
remote-control:
  control-enable: no
zone:
  name: e164.arpa
  zonefile: e164.arpa.zone
CONF
nsd -d -c "$work/nsd.conf" &
pids+=($!)

# Both servers must give the same answer, for the first, a middle and the last number.
for k in 1 $(( (numbers + 1) / 2 )) "$numbers"; do
  q=$(sed -n "${k}p" "$work/queries" | cut -d' ' -f1)
  b=""
  for _ in $(seq 1 600); do  # NSD reads a zone of a million records for a while
    # dig exits 9 while nothing answers (and prints the error to stdout).
    if b=$(dig @127.0.0.1 -p "$nsd_port" +short +time=1 +tries=1 "$q" NAPTR 2>/dev/null); then
      [ -n "$b" ] && break
    fi
    b=""
    sleep 0.2
  done
  a=$(dig @127.0.0.1 -p "$dns" +short "$q" NAPTR)
  [ -n "$a" ] && [ "$a" = "$b" ] || { echo "bench-dns: answers differ for $q: telcod '$a' nsd '$b'" >&2; exit 1; }
done

run() {  # name port round: dnsperf against it; prints its queries per second
  dnsperf -s 127.0.0.1 -p "$2" -d "$work/queries" -l "$seconds" -c "$clients" -q "$outstanding" \
    >"$work/dnsperf-$1-$3.log" 2>&1
  awk '/Queries per second/ {print $4}' "$work/dnsperf-$1-$3.log"
}
lost() { awk '/Queries lost/ {s += $3} END {print s + 0}' "$work"/dnsperf-"$1"-*.log; }
load1=$(cut -d' ' -f1 /proc/loadavg)
# Two rounds, alternating, so that neither server always runs on the warmer or busier machine.
t1=$(run telcod "$dns" 1); n1=$(run nsd "$nsd_port" 1)
t2=$(run telcod "$dns" 2); n2=$(run nsd "$nsd_port" 2)
telcod_qps=$(python3 -c "print(($t1 + $t2) / 2)")
nsd_qps=$(python3 -c "print(($n1 + $n2) / 2)")
log "$numbers numbers, 2 x ${seconds} s each, dnsperf -c $clients -q $outstanding on $(nproc) cores (load $load1 at start)"
log "telcod $t1, $t2 q/s (lost $(lost telcod)); nsd $n1, $n2 q/s (lost $(lost nsd))"
python3 - "$numbers" "$seconds" "$clients" "$outstanding" "$telcod_qps" "$nsd_qps" "$(lost telcod)" "$(lost nsd)" \
  "$load1" "$(nsd -v 2>&1 | head -1)" "$t1,$t2" "$n1,$n2" <<'PY'
import json, os, sys
a = sys.argv[1:]
telcod, nsd = float(a[4]), float(a[5])
cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), "?")
print(json.dumps({
    "numbers": int(a[0]), "seconds": int(a[1]), "dnsperf_clients": int(a[2]), "outstanding": int(a[3]),
    "telcod_qps": telcod, "nsd_qps": nsd, "nsd_over_telcod": round(nsd / telcod, 3) if telcod else None,
    "telcod_rounds": [float(x) for x in a[10].split(",")], "nsd_rounds": [float(x) for x in a[11].split(",")],
    "telcod_lost": int(a[6]), "nsd_lost": int(a[7]),
    "targets": {"telcod_ge_30k_qps": telcod >= 30000, "within_2x_of_nsd": telcod > 0 and nsd / telcod <= 2.0},
    "machine": {"nproc": os.cpu_count(), "cpu": cpu, "loadavg_1m_at_start": float(a[8])},
    "nsd": a[9]}))
PY
