// telcod's configuration: HOME/config.json, overridable by command-line flags. Unknown
// fields and out-of-range values are refused at start with a sentence naming the field,
// so a typo never silently falls back to a default.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>

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
};

struct MempoolConfig {
  std::uint64_t txs_max = 200'000;
  std::uint64_t bytes_max = 64 << 20;
  std::uint32_t verify_threads = 0;  // 0 = one per core
};

struct LogConfig {
  std::string level = "info";  // trace, debug, info, warn, error
};

struct NodeConfig {
  ApiConfig api;
  BlockConfig block;
  StorageConfig storage;
  MempoolConfig mempool;
  LogConfig log;
};

// Throws std::invalid_argument("config: ...") on any problem.
NodeConfig parse_config_json(std::string_view text);
NodeConfig load_config(const std::filesystem::path& path);
std::string config_to_json(const NodeConfig& config);
void validate(const NodeConfig& config);

// "host:port" -> parts; throws std::invalid_argument on a malformed address.
std::pair<std::string, std::uint16_t> split_listen(const std::string& listen);

}  // namespace telco::node
