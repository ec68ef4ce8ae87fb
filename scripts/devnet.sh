#!/usr/bin/env bash
# `make devnet`: install what is missing, build, create a local chain on first use, and run
# it in the foreground with the HTTP API (and the explorer) on 127.0.0.1. Ctrl-C stops it;
# running it again resumes the same chain. Remove the devnet directory to start afresh.
#   TELCO_DEVNET_DIR   where the chain lives (default: ./.devnet)
#   TELCO_DEVNET_PORT  API port (default: 8640)
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
# Let ccache hit across clones in other directories (CI builds a fresh clone every time):
# paths under the tree are hashed relative to it, and -g's working directory is ignored.
export CCACHE_BASEDIR="$root" CCACHE_NOHASHDIR=1
dir=${TELCO_DEVNET_DIR:-$root/.devnet}
port=${TELCO_DEVNET_PORT:-8640}

bash scripts/install-deps.sh
echo "devnet: building (first build takes a few minutes on 2 cores)..."
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
ninja -C build -j"$(nproc)" telcod telco

telcod=$root/build/apps/telcod/telcod
telco=$root/build/apps/telco/telco
node_home=$dir/validator-0
cli_home=$dir/wallet

if [ ! -f "$node_home/genesis.json" ]; then
  "$telcod" --home "$node_home" init --chain-id telco-devnet --api-listen "127.0.0.1:$port"
  # The demo key is imported into a wallet with an empty passphrase: devnet convenience only.
  TELCO_PASSPHRASE="" "$telco" --home "$cli_home" keys import demo --seed-file "$node_home/demo_key.seed" >/dev/null
fi
demo_address=$(TELCO_PASSPHRASE="" "$telco" --home "$cli_home" --key demo address)
explorer_line="   Explorer:  (not built yet: issue #6)"
if [ -f "$root/web/explorer/index.html" ]; then explorer_line="   Explorer:  http://127.0.0.1:$port/"; fi

cat <<MSG

================================================================================
 Telcochain devnet (1 validator) — chain id telco-devnet
   API:       http://127.0.0.1:$port/v1/status
$explorer_line
   OpenAPI:   http://127.0.0.1:$port/openapi.yaml
   Demo key:  "demo" = $demo_address (funded with 1,000,000 TEL)

 In another terminal:
   export TELCO_HOME=$cli_home TELCO_NODE=http://127.0.0.1:$port TELCO_PASSPHRASE=
   alias telco=$telco
   telco --key demo balance
   telco keys new alice                     # asks nothing: TELCO_PASSPHRASE is set
   telco --key demo send --to \$(telco --key alice address) --amount 1.5
   telco head ; telco block latest
 Ctrl-C stops the node; \`make devnet\` resumes it. Data: $dir
================================================================================

MSG
# The explorer is served from the source tree, so edits to web/explorer show on reload.
exec "$telcod" --home "$node_home" start --api-listen "127.0.0.1:$port" --static-root "$root/web/explorer"
