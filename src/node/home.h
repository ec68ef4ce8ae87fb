// `telcod init`: lays out a node's home directory.
//   HOME/config.json         node settings (node/config.h)
//   HOME/genesis.json        the chain (chain/genesis.h)
//   HOME/validator_key.json  the validator's signing key, mode 0600
//   HOME/demo_key.seed       devnet only: the seed of an account funded in genesis
//   HOME/data/               the RocksDB store, created on first start
#pragma once

#include <filesystem>
#include <string>

#include "chain/genesis.h"
#include "node/config.h"

namespace telco::node {

struct InitOptions {
  std::string chain_id = "telco-devnet";
  std::uint64_t demo_balance = 1'000'000 * 1'000'000ULL;  // uTEL: one million TEL
  std::filesystem::path accounts_file;  // optional JSON [{"address","balance"}] added to genesis
  std::uint64_t genesis_time_ms = 0;    // the caller passes the wall clock
  NodeConfig config;
  chain::ChainParams params;
};

struct InitResult {
  std::string validator_address;
  std::string demo_address;
  std::filesystem::path demo_seed_file;
};

// Throws std::runtime_error if HOME already holds a node (genesis.json or a key), or on I/O
// failure; nothing is left half-written in a fresh directory on failure.
InitResult init_home(const std::filesystem::path& home, const InitOptions& options);

}  // namespace telco::node
