#!/usr/bin/env bash
# Installs the Debian 12 packages Telcochain needs, and only those that are missing.
# Safe to run repeatedly; a no-op (no apt-get call) when everything is present.
set -euo pipefail

packages=(
  # toolchain
  g++ cmake ninja-build ccache pkg-config clang-14 libclang-rt-14-dev
  # libraries the node links (see docs/ARCHITECTURE.md "Dependencies")
  libsodium-dev librocksdb-dev libboost-dev nlohmann-json3-dev
  libspdlog-dev libfmt-dev libcli11-dev
  # DNS wire format for the naming module's DNS server (src/dns): parsing and building
  # packets with a maintained library instead of our own codec of RFC 1035
  libldns-dev
  # tests and benchmarks
  libgtest-dev libgmock-dev libbenchmark-dev
  # real clients used by end-to-end tests
  curl jq python3 procps
  # dig queries telcod's DNS server in tests/e2e/test_naming.py, and through unbound (a
  # recursive resolver stub-forwarding e164.arpa and .tel to it); dnsperf and nsd for the
  # DNS benchmark against an authoritative server from Debian (docs/PERFORMANCE.md)
  bind9-dnsutils unbound dnsperf nsd
  # the explorer's browser tests (tests/browser): Playwright drives Debian's Chromium
  chromium
)
# Node.js and npm for the browser tests: a machine may already have a newer Node (with its
# own npm) from elsewhere, and Debian's npm would conflict with it, so only when missing.
if ! command -v node >/dev/null 2>&1; then packages+=(nodejs); fi
if ! command -v npm >/dev/null 2>&1; then packages+=(npm); fi

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: all ${#packages[@]} packages present"
  exit 0
fi

echo "install-deps: installing ${#missing[@]} missing packages: ${missing[*]}"
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
echo "install-deps: done"
