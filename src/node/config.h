// telcod's configuration: HOME/config.json, overridable by command-line flags. Unknown
// fields and out-of-range values are refused at start with a sentence naming the field,
// so a typo never silently falls back to a default.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace telco::node {

struct ApiConfig {
  std::string listen = "127.0.0.1:8640";
  std::uint32_t threads = 2;
  std::uint64_t max_body_bytes = 8 << 20;
  std::string static_root;  // explorer files; empty = the one installed beside the binary, if any
};

struct BlockConfig {
  std::uint32_t interval_ms = 1000;  // at most this long between blocks when empty_blocks
  bool empty_blocks = false;         // produce blocks with no transactions
};

struct StorageConfig {
  bool sync = true;  // fsync each block; false trades the last blocks on power loss for speed
  std::uint32_t cache_mb = 128;
  // Point-lookup results kept whole (storage::StoreOptions::row_cache_bytes), 0 = none.
  std::uint32_t row_cache_mb = 0;
  // Latest state values kept in memory for reads (storage::StoreOptions::state_cache_bytes),
  // 0 = none. A registry of 10M devices needs 4096 (3.7 GiB of RSS) to be held whole.
  std::uint32_t state_cache_mb = 64;
  // State tree versions (heights) kept provable; older ones are pruned (docs/STATE.md,
  // "Pruning"). The default is storage::kStateVersionsKeptDefault.
  std::uint64_t state_versions_kept = 1000;
};

// Periodic state snapshots that peers fast-sync from (docs/STATE.md, "Snapshots").
struct SnapshotConfig {
  std::uint64_t interval = 0;  // export the state every this many heights; 0 = never
  std::uint32_t keep = 2;      // newest snapshots kept under HOME/data/snapshots
};

// Fast sync: a node whose store is empty restores a peer's snapshot instead of replaying
// every block, then block-syncs from the snapshot's height.
struct StateSyncConfig {
  bool enabled = false;
  std::uint32_t discovery_ms = 10'000;  // how long to wait for a snapshot offer before starting from genesis
};

struct MempoolConfig {
  std::uint64_t txs_max = 200'000;
  std::uint64_t bytes_max = 64 << 20;
  std::uint32_t verify_threads = 0;  // 0 = one per core
};

// Peer-to-peer networking (src/p2p): used when the chain has more than one validator.
struct P2pConfig {
  std::string listen = "127.0.0.1:26656";
  // Peers kept connected for the node's life: "NODEID@HOST:PORT" (the id is checked) or
  // "HOST:PORT". A validator lists the other validators; a new full node lists any node.
  std::vector<std::string> persistent_peers;
  std::uint32_t inbound_peers_max = 40;
  std::uint32_t outbound_peers_max = 10;
};

// Tendermint timeouts (docs/CONSENSUS.md, "The engine"): a round-r timeout lasts
// base + r * delta. timeout_commit_ms is the wait after a decision before the next height
// starts: the block interval of an idle chain (blocks are made with or without transactions,
// so every validator's liveness shows on chain).
struct ConsensusConfig {
  std::uint32_t timeout_commit_ms = 200;
  std::uint32_t timeout_propose_ms = 3'000;
  std::uint32_t timeout_propose_delta_ms = 500;
  std::uint32_t timeout_vote_ms = 1'000;  // prevote and precommit
  std::uint32_t timeout_vote_delta_ms = 500;
};

// The naming module's DNS server (src/dns): off unless enabled here or by --dns-listen.
struct DnsConfig {
  bool enabled = false;
  std::string listen = "127.0.0.1:5353";
  unsigned threads = 0;  // UDP sockets on the port, each with its thread; 0 = one per core, at most 16
};

struct LogConfig {
  std::string level = "info";  // trace, debug, info, warn, error
};

struct NodeConfig {
  ApiConfig api;
  BlockConfig block;
  StorageConfig storage;
  MempoolConfig mempool;
  P2pConfig p2p;
  ConsensusConfig consensus;
  LogConfig log;
  DnsConfig dns;
  SnapshotConfig snapshot;
  StateSyncConfig state_sync;
};

// Throws std::invalid_argument("config: ...") on any problem.
NodeConfig parse_config_json(std::string_view text);
NodeConfig load_config(const std::filesystem::path& path);
std::string config_to_json(const NodeConfig& config);
void validate(const NodeConfig& config);

// "host:port" -> parts; throws std::invalid_argument on a malformed address.
std::pair<std::string, std::uint16_t> split_listen(const std::string& listen);

}  // namespace telco::node
