#!/usr/bin/env bash
# `make devnet`: install what is missing, build, create a local chain of 4 validators on first
# use (`telcod testnet`), and run them, each a separate telcod process with its own home, keys
# and ports, with the HTTP API (and the explorer on validator-0) on 127.0.0.1. Ctrl-C stops
# them all; running it again resumes the same chain. Remove the devnet directory to start afresh.
#   TELCO_DEVNET_DIR   where the chain lives (default: ./.devnet)
#   TELCO_DEVNET_PORT  API port of validator-0 (default: 8640; validator-i gets 8640 + i)
#   TELCO_DEVNET_P2P_PORT  p2p port of validator-0 (default: 26656)
#   TELCO_DEVNET_VALIDATORS  validators of a new devnet (default: 4)
#   TELCO_DEVNET_DNS_PORT  DNS port (UDP and TCP) of validator-0 (default: 5353; 0 = no DNS)
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
# Let ccache hit across clones in other directories (CI builds a fresh clone every time):
# paths under the tree are hashed relative to it, and -g's working directory is ignored.
export CCACHE_BASEDIR="$root" CCACHE_NOHASHDIR=1
dir=${TELCO_DEVNET_DIR:-$root/.devnet}
port=${TELCO_DEVNET_PORT:-8640}
dns_port=${TELCO_DEVNET_DNS_PORT:-5353}

bash scripts/install-deps.sh
echo "devnet: building (first build takes a few minutes on 2 cores)..."
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
ninja -C build -j"$(nproc)" telcod telco

telcod=$root/build/apps/telcod/telcod
telco=$root/build/apps/telco/telco
validators=${TELCO_DEVNET_VALIDATORS:-4}
p2p_port=${TELCO_DEVNET_P2P_PORT:-26656}
cli_home=$dir/wallet

if [ ! -f "$dir/demo_key.seed" ]; then
  if [ -d "$dir/validator-0" ]; then
    echo "devnet: $dir holds a chain from an older version (one validator); remove it to start the $validators-validator devnet" >&2
    exit 1
  fi
  "$telcod" testnet --dir "$dir" --validators "$validators" --chain-id telco-devnet \
    --api-port "$port" --p2p-port "$p2p_port"
  # The demo key is imported into a wallet with an empty passphrase: devnet convenience only.
  TELCO_PASSPHRASE="" "$telco" --home "$cli_home" keys import demo --seed-file "$dir/demo_key.seed" >/dev/null
fi
validators=$(ls -d "$dir"/validator-* | wc -l)
demo_address=$(TELCO_PASSPHRASE="" "$telco" --home "$cli_home" --key demo address)

pids=()
stop_all() {
  trap - INT TERM EXIT
  echo
  echo "devnet: stopping $validators validators..."
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  echo "devnet: stopped. \`make devnet\` resumes the same chain; data in $dir"
}
trap stop_all INT TERM EXIT
for ((i = 0; i < validators; i++)); do
  home=$dir/validator-$i
  # Each node's log goes to its home; validator-0 also serves the explorer from the source
  # tree, so edits to web/explorer show on reload.
  extra=()
  if [ "$i" -eq 0 ]; then extra=(--static-root "$root/web/explorer"); fi
  # validator-0 also answers DNS for the chain's names and e164.arpa (docs/modules/naming.md).
  if [ "$i" -eq 0 ] && [ "$dns_port" != 0 ]; then extra+=(--dns-listen "127.0.0.1:$dns_port"); fi
  "$telcod" --home "$home" start "${extra[@]}" >"$home/telcod.log" 2>&1 &
  pids+=($!)
done
# Wait for the first node's API before printing the banner.
for _ in $(seq 1 100); do
  if curl -sf "http://127.0.0.1:$port/v1/status" >/dev/null 2>&1; then break; fi
  sleep 0.1
done

api_lines=""
for ((i = 0; i < validators; i++)); do
  api_lines+="   validator-$i  http://127.0.0.1:$((port + i))/v1/status   log: $dir/validator-$i/telcod.log"$'\n'
done

cat <<MSG

================================================================================
 Telcochain devnet ($validators validators, Tendermint BFT) — chain id telco-devnet
$api_lines   Explorer:  http://127.0.0.1:$port/
   OpenAPI:   http://127.0.0.1:$port/openapi.yaml
   Demo key:  "demo" = $demo_address (funded with 1,000,000 TEL)

 In another terminal:
   export TELCO_HOME=$cli_home TELCO_NODE=http://127.0.0.1:$port TELCO_PASSPHRASE=
   alias telco=$telco
   telco --key demo balance
   telco keys new alice                     # asks nothing: TELCO_PASSPHRASE is set
   telco --key demo send --to \$(telco --key alice address) --amount 1.5
   telco head ; telco block latest
   TELCO_NODE=http://127.0.0.1:$((port + 1)) telco --key alice balance   # any validator answers
 Stop one validator to see the chain go on:  kill -9 <pid of validator-1>
 Ctrl-C stops them all; \`make devnet\` resumes the chain. Data: $dir
================================================================================

MSG
# Runs until Ctrl-C; a validator that exits is reported (the others go on).
while true; do
  for i in "${!pids[@]}"; do
    if ! kill -0 "${pids[$i]}" 2>/dev/null; then
      echo "devnet: validator-$i (pid ${pids[$i]}) exited; see $dir/validator-$i/telcod.log" >&2
      unset "pids[$i]"
    fi
  done
  sleep 1
done
