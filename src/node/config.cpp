#include "node/config.h"

#include <fstream>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>
#include <stdexcept>

namespace telco::node {
namespace {

using Json = nlohmann::json;

[[noreturn]] void fail(const std::string& what) { throw std::invalid_argument("config: " + what); }

void only(const Json& j, const std::set<std::string>& known, const std::string& where) {
  if (!j.is_object()) fail("'" + where + "' must be an object");
  for (auto it = j.begin(); it != j.end(); ++it) {
    if (!known.count(it.key())) fail("unknown field '" + where + "." + it.key() + "'");
  }
}

template <typename T>
void read(const Json& j, const char* key, const std::string& where, T* out) {
  if (!j.contains(key)) return;
  const Json& v = j[key];
  const std::string name = where + "." + key;
  if constexpr (std::is_same_v<T, bool>) {
    if (!v.is_boolean()) fail("'" + name + "' must be true or false");
    *out = v.get<bool>();
  } else if constexpr (std::is_same_v<T, std::string>) {
    if (!v.is_string()) fail("'" + name + "' must be a string");
    *out = v.get<std::string>();
  } else {
    if (!v.is_number_unsigned()) fail("'" + name + "' must be a non-negative integer");
    const auto n = v.get<std::uint64_t>();
    if (n > std::numeric_limits<T>::max()) fail("'" + name + "' is too large");
    *out = static_cast<T>(n);
  }
}

}  // namespace

std::pair<std::string, std::uint16_t> split_listen(const std::string& listen) {
  const auto colon = listen.rfind(':');
  if (colon == std::string::npos || colon == 0 || colon + 1 == listen.size()) {
    throw std::invalid_argument("listen address '" + listen + "' must look like HOST:PORT");
  }
  const std::string port_text = listen.substr(colon + 1);
  if (port_text.size() > 5 || port_text.find_first_not_of("0123456789") != std::string::npos) {
    throw std::invalid_argument("listen address '" + listen + "' has a bad port");
  }
  const unsigned long port = std::stoul(port_text);
  if (port > 65535) throw std::invalid_argument("listen address '" + listen + "' has a bad port");
  std::string host = listen.substr(0, colon);
  if (host.size() > 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
  return {host, static_cast<std::uint16_t>(port)};
}

void validate(const NodeConfig& c) {
  try {
    split_listen(c.api.listen);
  } catch (const std::invalid_argument& e) {
    fail(std::string("api.listen: ") + e.what());
  }
  if (c.api.threads == 0 || c.api.threads > 64) fail("api.threads must be 1..64");
  if (c.api.max_body_bytes < 1024 || c.api.max_body_bytes > (256u << 20))
    fail("api.max_body_bytes must be 1 KiB..256 MiB");
  if (c.block.interval_ms < 10 || c.block.interval_ms > 3'600'000)
    fail("block.interval_ms must be 10..3600000");
  if (c.storage.cache_mb < 8 || c.storage.cache_mb > 65536) fail("storage.cache_mb must be 8..65536");
  if (c.storage.row_cache_mb > 65536) fail("storage.row_cache_mb must be 0..65536");
  if (c.storage.state_cache_mb > 65536) fail("storage.state_cache_mb must be 0..65536");
  if (c.storage.state_versions_kept < 2 || c.storage.state_versions_kept > 100'000'000) {
    fail("storage.state_versions_kept must be 2..100000000");
  }
  if (c.snapshot.interval > 100'000'000) fail("snapshot.interval must be 0..100000000");
  if (c.snapshot.keep < 1 || c.snapshot.keep > 16) fail("snapshot.keep must be 1..16");
  if (c.snapshot.interval > 0 && c.snapshot.interval >= c.storage.state_versions_kept) {
    // The exporter reads the version at a multiple of the interval while newer blocks
    // commit; it must stay unpruned for the export's duration.
    fail("snapshot.interval must be below storage.state_versions_kept");
  }
  if (c.state_sync.discovery_ms < 100 || c.state_sync.discovery_ms > 3'600'000) {
    fail("state_sync.discovery_ms must be 100..3600000");
  }
  if (c.mempool.txs_max == 0 || c.mempool.txs_max > 10'000'000) fail("mempool.txs_max must be 1..10000000");
  if (c.mempool.bytes_max < 65536 || c.mempool.bytes_max > (std::uint64_t{16} << 30))
    fail("mempool.bytes_max must be 64 KiB..16 GiB");
  if (c.mempool.verify_threads > 256) fail("mempool.verify_threads must be 0..256");
  try {
    split_listen(c.p2p.listen);
  } catch (const std::invalid_argument& e) {
    fail(std::string("p2p.listen: ") + e.what());
  }
  if (c.p2p.persistent_peers.size() > 100) fail("p2p.persistent_peers lists more than 100 peers");
  for (const std::string& peer : c.p2p.persistent_peers) {
    if (peer.empty() || peer.size() > 300)
      fail("p2p.persistent_peers: '" + peer + "' is not NODEID@HOST:PORT");
  }
  if (c.p2p.inbound_peers_max > 1000) fail("p2p.inbound_peers_max must be 0..1000");
  if (c.p2p.outbound_peers_max > 1000) fail("p2p.outbound_peers_max must be 0..1000");
  const ConsensusConfig& k = c.consensus;
  if (k.timeout_commit_ms < 1 || k.timeout_commit_ms > 60'000)
    fail("consensus.timeout_commit_ms must be 1..60000");
  if (k.timeout_propose_ms < 10 || k.timeout_propose_ms > 600'000)
    fail("consensus.timeout_propose_ms must be 10..600000");
  if (k.timeout_vote_ms < 10 || k.timeout_vote_ms > 600'000)
    fail("consensus.timeout_vote_ms must be 10..600000");
  if (k.timeout_propose_delta_ms > 60'000 || k.timeout_vote_delta_ms > 60'000) {
    fail("consensus.timeout_*_delta_ms must be 0..60000");
  }
  static const std::set<std::string> kLevels = {"trace", "debug", "info", "warn", "error", "off"};
  if (!kLevels.count(c.log.level)) fail("log.level must be one of trace, debug, info, warn, error, off");
  if (c.dns.threads > 64) fail("dns.threads must be 0..64 (0: one per core)");
  try {
    split_listen(c.dns.listen);
  } catch (const std::invalid_argument& e) {
    fail(std::string("dns.listen: ") + e.what());
  }
}

NodeConfig parse_config_json(std::string_view text) {
  const Json j = Json::parse(text, nullptr, false);
  if (j.is_discarded()) fail("not valid JSON");
  only(j, {"api", "block", "storage", "mempool", "p2p", "consensus", "log", "dns", "snapshot", "state_sync"},
       "config");
  NodeConfig c;
  if (j.contains("api")) {
    const Json& a = j["api"];
    only(a, {"listen", "threads", "max_body_bytes", "static_root"}, "api");
    read(a, "listen", "api", &c.api.listen);
    read(a, "threads", "api", &c.api.threads);
    read(a, "max_body_bytes", "api", &c.api.max_body_bytes);
    read(a, "static_root", "api", &c.api.static_root);
  }
  if (j.contains("block")) {
    const Json& b = j["block"];
    only(b, {"interval_ms", "empty_blocks"}, "block");
    read(b, "interval_ms", "block", &c.block.interval_ms);
    read(b, "empty_blocks", "block", &c.block.empty_blocks);
  }
  if (j.contains("storage")) {
    const Json& s = j["storage"];
    only(s, {"sync", "cache_mb", "row_cache_mb", "state_cache_mb", "state_versions_kept"}, "storage");
    read(s, "sync", "storage", &c.storage.sync);
    read(s, "cache_mb", "storage", &c.storage.cache_mb);
    read(s, "row_cache_mb", "storage", &c.storage.row_cache_mb);
    read(s, "state_cache_mb", "storage", &c.storage.state_cache_mb);
    read(s, "state_versions_kept", "storage", &c.storage.state_versions_kept);
  }
  if (j.contains("mempool")) {
    const Json& m = j["mempool"];
    only(m, {"txs_max", "bytes_max", "verify_threads"}, "mempool");
    read(m, "txs_max", "mempool", &c.mempool.txs_max);
    read(m, "bytes_max", "mempool", &c.mempool.bytes_max);
    read(m, "verify_threads", "mempool", &c.mempool.verify_threads);
  }
  if (j.contains("p2p")) {
    const Json& p = j["p2p"];
    only(p, {"listen", "persistent_peers", "inbound_peers_max", "outbound_peers_max"}, "p2p");
    read(p, "listen", "p2p", &c.p2p.listen);
    if (p.contains("persistent_peers")) {
      const Json& peers = p["persistent_peers"];
      if (!peers.is_array()) fail("'p2p.persistent_peers' must be an array of strings");
      for (const Json& peer : peers) {
        if (!peer.is_string()) fail("'p2p.persistent_peers' must be an array of strings");
        c.p2p.persistent_peers.push_back(peer.get<std::string>());
      }
    }
    read(p, "inbound_peers_max", "p2p", &c.p2p.inbound_peers_max);
    read(p, "outbound_peers_max", "p2p", &c.p2p.outbound_peers_max);
  }
  if (j.contains("consensus")) {
    const Json& k = j["consensus"];
    only(k,
         {"timeout_commit_ms", "timeout_propose_ms", "timeout_propose_delta_ms", "timeout_vote_ms",
          "timeout_vote_delta_ms"},
         "consensus");
    read(k, "timeout_commit_ms", "consensus", &c.consensus.timeout_commit_ms);
    read(k, "timeout_propose_ms", "consensus", &c.consensus.timeout_propose_ms);
    read(k, "timeout_propose_delta_ms", "consensus", &c.consensus.timeout_propose_delta_ms);
    read(k, "timeout_vote_ms", "consensus", &c.consensus.timeout_vote_ms);
    read(k, "timeout_vote_delta_ms", "consensus", &c.consensus.timeout_vote_delta_ms);
  }
  if (j.contains("log")) {
    only(j["log"], {"level"}, "log");
    read(j["log"], "level", "log", &c.log.level);
  }
  if (j.contains("dns")) {
    only(j["dns"], {"enabled", "listen", "threads"}, "dns");
    read(j["dns"], "enabled", "dns", &c.dns.enabled);
    read(j["dns"], "listen", "dns", &c.dns.listen);
    read(j["dns"], "threads", "dns", &c.dns.threads);
  }
  if (j.contains("snapshot")) {
    only(j["snapshot"], {"interval", "keep"}, "snapshot");
    read(j["snapshot"], "interval", "snapshot", &c.snapshot.interval);
    read(j["snapshot"], "keep", "snapshot", &c.snapshot.keep);
  }
  if (j.contains("state_sync")) {
    only(j["state_sync"], {"enabled", "discovery_ms"}, "state_sync");
    read(j["state_sync"], "enabled", "state_sync", &c.state_sync.enabled);
    read(j["state_sync"], "discovery_ms", "state_sync", &c.state_sync.discovery_ms);
  }
  validate(c);
  return c;
}

NodeConfig load_config(const std::filesystem::path& path) {
  std::ifstream in(path);
  if (!in) throw std::invalid_argument("config: cannot open " + path.string());
  std::stringstream ss;
  ss << in.rdbuf();
  return parse_config_json(ss.str());
}

std::string config_to_json(const NodeConfig& c) {
  Json j = {
      {"api",
       {{"listen", c.api.listen},
        {"threads", c.api.threads},
        {"max_body_bytes", c.api.max_body_bytes},
        {"static_root", c.api.static_root}}},
      {"block", {{"interval_ms", c.block.interval_ms}, {"empty_blocks", c.block.empty_blocks}}},
      {"storage",
       {{"sync", c.storage.sync},
        {"cache_mb", c.storage.cache_mb},
        {"row_cache_mb", c.storage.row_cache_mb},
        {"state_cache_mb", c.storage.state_cache_mb},
        {"state_versions_kept", c.storage.state_versions_kept}}},
      {"mempool",
       {{"txs_max", c.mempool.txs_max},
        {"bytes_max", c.mempool.bytes_max},
        {"verify_threads", c.mempool.verify_threads}}},
      {"p2p",
       {{"listen", c.p2p.listen},
        {"persistent_peers", c.p2p.persistent_peers},
        {"inbound_peers_max", c.p2p.inbound_peers_max},
        {"outbound_peers_max", c.p2p.outbound_peers_max}}},
      {"consensus",
       {{"timeout_commit_ms", c.consensus.timeout_commit_ms},
        {"timeout_propose_ms", c.consensus.timeout_propose_ms},
        {"timeout_propose_delta_ms", c.consensus.timeout_propose_delta_ms},
        {"timeout_vote_ms", c.consensus.timeout_vote_ms},
        {"timeout_vote_delta_ms", c.consensus.timeout_vote_delta_ms}}},
      {"log", {{"level", c.log.level}}},
      {"dns", {{"enabled", c.dns.enabled}, {"listen", c.dns.listen}, {"threads", c.dns.threads}}},
      {"snapshot", {{"interval", c.snapshot.interval}, {"keep", c.snapshot.keep}}},
      {"state_sync", {{"enabled", c.state_sync.enabled}, {"discovery_ms", c.state_sync.discovery_ms}}},
  };
  return j.dump(2) + "\n";
}

}  // namespace telco::node
