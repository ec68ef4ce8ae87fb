#!/usr/bin/env bash
# DNS throughput of telcod's server against NSD serving the same ENUM records from a zone
# file, measured with dnsperf in the same run (docs/PERFORMANCE.md, "DNS").
#   scripts/bench-dns.sh [BUILD_DIR] [NUMBERS] [SECONDS]     defaults: build 20 10
# Loopback only; everything lives in a temporary directory removed at the end.
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build}
numbers=${2:-20}
seconds=${3:-10}
for tool in dnsperf nsd dig; do
  command -v "$tool" >/dev/null || { echo "bench-dns: $tool missing (scripts/install-deps.sh)" >&2; exit 1; }
done
work=$(mktemp -d)
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
free_port() { python3 scripts/free-port.py; }

api=$(free_port); dns=$(free_port); nsd_port=$(free_port)
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
json.dump(g, open(sys.argv[1], "w"))
PY
"$telcod" --home "$work/node" start --dns-listen "127.0.0.1:$dns" --no-sync >"$work/telcod.log" 2>&1 &
pids+=($!)
for _ in $(seq 1 100); do curl -sf "http://127.0.0.1:$api/v1/status" >/dev/null && break; sleep 0.1; done
cli --key demo number allocate 4155 --length 10 --holder demo >/dev/null

zone="$work/e164.arpa.zone"
printf '$ORIGIN e164.arpa.\n$TTL 60\n@ IN SOA ns.e164.arpa. hostmaster.e164.arpa. 1 3600 600 86400 60\n@ IN NS ns.e164.arpa.\nns IN A 127.0.0.1\n' >"$zone"
: >"$work/queries"
for ((i = 0; i < numbers; i++)); do
  n=$((4155000000 + i * 7919))
  cli --key demo number assign "$n" --subscriber demo --uri "sip:+$n@operator.example" >/dev/null
  owner=$(echo "$n" | rev | sed 's/./&./g')e164.arpa
  echo "$owner. IN NAPTR 10 100 \"u\" \"E2U+sip\" \"!^.*\$!sip:+$n@operator.example!\" ." >>"$zone"
  echo "$owner NAPTR" >>"$work/queries"
done

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
  server-count: 1
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
sleep 1

first=$(head -1 "$work/queries" | cut -d' ' -f1)
a=$(dig @127.0.0.1 -p "$dns" +short "$first" NAPTR)
b=$(dig @127.0.0.1 -p "$nsd_port" +short "$first" NAPTR)
[ "$a" = "$b" ] || { echo "bench-dns: answers differ: telcod '$a' nsd '$b'" >&2; exit 1; }

run() {  # port -> queries per second
  dnsperf -s 127.0.0.1 -p "$1" -d "$work/queries" -l "$seconds" -c 1 -T 1 -q 100 2>&1 |
    tee -a "$work/dnsperf.log" | awk '/Queries per second/ {print $4}'
}
telcod_qps=$(run "$dns")
nsd_qps=$(run "$nsd_port")
echo "bench-dns: $numbers numbers, ${seconds} s each, dnsperf -c 1 -T 1 -q 100 on $(nproc) cores"
grep -E 'Queries (sent|completed|lost)' "$work/dnsperf.log" | sed 's/^/bench-dns: /'
echo "bench-dns: telcod $telcod_qps q/s, nsd $nsd_qps q/s, nsd/telcod = $(python3 -c "print(round($nsd_qps/$telcod_qps, 2))")"
