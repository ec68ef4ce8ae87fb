// `telcod init`: lays out a node's home directory.
//   HOME/config.json         node settings (node/config.h)
//   HOME/genesis.json        the chain (chain/genesis.h)
//   HOME/validator_key.json  the validator's signing key, mode 0600
//   HOME/node_key.json       the p2p identity (node id = its public key), mode 0600
//   HOME/demo_key.seed       devnet only: the seed of an account funded in genesis
//   HOME/data/               the RocksDB store, created on first start
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "crypto/ed25519.h"

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

// `telcod testnet`: N validator homes DIR/validator-0..N-1 sharing one genesis (N validators
// of equal power, one funded demo account), each with its own keys, API port api_port + i
// and p2p port p2p_port + i on host, and the others as persistent peers. The demo seed is
// written to DIR/demo_key.seed. Throws like init_home.
struct TestnetOptions {
  std::size_t validators = 4;
  std::string host = "127.0.0.1";
  std::uint16_t api_port = 8640;
  std::uint16_t p2p_port = 26656;
};
struct TestnetResult {
  std::vector<std::filesystem::path> homes;
  std::vector<std::string> api_listen;
  std::string demo_address;
  std::filesystem::path demo_seed_file;
};
// A home for a node joining an existing chain: its genesis file (copied, validated), a new
// validator key (not yet in any set: an authority adds it with validator.update), a node
// key, and a config from `config` (the caller sets p2p.persistent_peers to reach the chain).
struct JoinResult {
  std::string validator_public_key;  // hex
  std::string node_id;               // hex, for other nodes' persistent_peers
};
JoinResult init_join(const std::filesystem::path& home, const std::filesystem::path& genesis_file,
                     const NodeConfig& config);

TestnetResult init_testnet(const std::filesystem::path& dir, const InitOptions& options,
                           const TestnetOptions& testnet);

// HOME/node_key.json, created on first use (a node initialised before p2p existed has none).
crypto::KeyPair load_or_create_node_key(const std::filesystem::path& home);

}  // namespace telco::node
