// telcod: the Telcochain node daemon.
//   telcod init  --home DIR   lay out a new single-validator chain (genesis, keys, config)
//   telcod testnet --dir DIR  lay out N validator homes of one new chain, peered on loopback
//   telcod start --home DIR   run a node: block production or consensus, p2p, the HTTP API
//   telcod snapshot export|restore   write the state at a height to a directory / start a
//                             new node from one (docs/STATE.md, "Snapshots")
#include <CLI/CLI.hpp>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include <malloc.h>

#include <csignal>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <optional>
#include <thread>

#include "api/http_server.h"
#include "dns/dns_server.h"
#include "modules/naming/state.h"
#include "chain/amount.h"
#include "crypto/hash.h"
#include "node/config.h"
#include "node/consensus_service.h"
#include "node/genesis_cache.h"
#include "node/home.h"
#include "node/node.h"
#include "node/snapshot_files.h"
#include "node/snapshot_restore.h"
#include "node/snapshot_sync.h"
#include "node/validator_key.h"

namespace {

using telco::node::NodeConfig;

volatile std::sig_atomic_t g_stop_signal = 0;

void on_signal(int signal) { g_stop_signal = signal; }

std::filesystem::path default_home() {
  if (const char* env = std::getenv("TELCOD_HOME")) return env;
  if (const char* home = std::getenv("HOME")) return std::filesystem::path(home) / ".telcod";
  return ".telcod";
}

// Flags given on the command line override the config file; unset flags leave it alone.
struct ConfigFlags {
  std::optional<std::string> api_listen;
  std::optional<std::string> log_level;
  std::optional<std::string> static_root;
  std::optional<std::uint32_t> block_interval_ms;
  std::optional<std::uint32_t> api_threads;
  std::optional<std::uint32_t> verify_threads;
  std::optional<std::string> p2p_listen;
  std::vector<std::string> peers;
  std::optional<std::uint32_t> timeout_commit_ms;
  std::optional<std::string> dns_listen;
  std::optional<std::uint64_t> state_versions_kept;
  std::optional<std::uint64_t> snapshot_interval;
  bool fast_sync = false;
  bool no_sync = false;
  bool empty_blocks = false;

  void add_to(CLI::App* cmd) {
    cmd->add_option("--api-listen", api_listen, "HTTP API address HOST:PORT (config api.listen)");
    cmd->add_option("--log-level", log_level, "trace|debug|info|warn|error (config log.level)");
    cmd->add_option("--static-root", static_root, "directory of explorer files to serve (config api.static_root)");
    cmd->add_option("--block-interval-ms", block_interval_ms, "empty-block interval (config block.interval_ms)");
    cmd->add_option("--api-threads", api_threads, "HTTP worker threads (config api.threads)");
    cmd->add_option("--verify-threads", verify_threads, "signature verification threads, 0 = per core");
    cmd->add_option("--p2p-listen", p2p_listen, "p2p address HOST:PORT (config p2p.listen)");
    cmd->add_option("--peer", peers, "persistent peer NODEID@HOST:PORT, repeatable (added to config p2p.persistent_peers)");
    cmd->add_option("--timeout-commit-ms", timeout_commit_ms, "wait after a block before the next (config consensus.timeout_commit_ms)");
    cmd->add_option("--dns-listen", dns_listen, "serve DNS (UDP and TCP) on HOST:PORT (config dns.enabled, dns.listen)");
    cmd->add_option("--state-versions-kept", state_versions_kept,
                    "state tree versions kept provable; older ones are pruned (config storage.state_versions_kept)");
    cmd->add_option("--snapshot-interval", snapshot_interval,
                    "export a state snapshot every N heights for peers to fast-sync from, 0 = never (config snapshot.interval)");
    cmd->add_flag("--fast-sync", fast_sync,
                  "with an empty data directory, restore a peer's state snapshot instead of replaying every block (config state_sync.enabled)");
    cmd->add_flag("--no-sync", no_sync, "do not fsync each block (faster; may lose the last blocks on power loss)");
    cmd->add_flag("--empty-blocks", empty_blocks, "produce a block every interval even without transactions");
  }
  void apply(NodeConfig& c) const {
    if (api_listen) c.api.listen = *api_listen;
    if (log_level) c.log.level = *log_level;
    if (static_root) c.api.static_root = *static_root;
    if (block_interval_ms) c.block.interval_ms = *block_interval_ms;
    if (api_threads) c.api.threads = *api_threads;
    if (verify_threads) c.mempool.verify_threads = *verify_threads;
    if (p2p_listen) c.p2p.listen = *p2p_listen;
    for (const auto& p : peers) c.p2p.persistent_peers.push_back(p);
    if (timeout_commit_ms) c.consensus.timeout_commit_ms = *timeout_commit_ms;
    if (dns_listen) {
      c.dns.enabled = true;
      c.dns.listen = *dns_listen;
    }
    if (state_versions_kept) c.storage.state_versions_kept = *state_versions_kept;
    if (snapshot_interval) c.snapshot.interval = *snapshot_interval;
    if (fast_sync) c.state_sync.enabled = true;
    if (no_sync) c.storage.sync = false;
    if (empty_blocks) c.block.empty_blocks = true;
    telco::node::validate(c);
  }
};

// What `init` and `testnet` share: the new chain's genesis choices and the node config flags.
struct ChainFlags {
  telco::node::InitOptions options;
  std::string demo_balance = "1000000";
  ConfigFlags config;

  void add_to(CLI::App* cmd) {
    cmd->add_option("--chain-id", options.chain_id, "chain identifier")->capture_default_str();
    cmd->add_option("--demo-balance", demo_balance, "TEL given to the demo account")->capture_default_str();
    cmd->add_option("--accounts-file", options.accounts_file,
                    "JSON array [{\"address\",\"balance\"}] of extra funded accounts (balance in uTEL)");
    cmd->add_option("--min-fee", options.params.min_fee, "minimum fee per transaction, uTEL")->capture_default_str();
    cmd->add_option("--max-block-txs", options.params.max_block_txs, "transactions per block at most")
        ->capture_default_str();
    cmd->add_option("--max-pending-per-sender", options.params.max_pending_per_sender,
                    "pending transactions per sender at most")->capture_default_str();
    config.add_to(cmd);
  }
  // The options with the demo balance parsed, the genesis time set and the flags applied.
  telco::node::InitOptions resolve() const {
    auto demo = telco::chain::parse_amount(demo_balance);
    if (!demo) throw std::invalid_argument("--demo-balance must be an amount of TEL like 1000000 or 2.5");
    telco::node::InitOptions o = options;
    o.demo_balance = *demo;
    o.genesis_time_ms = telco::node::system_clock_ms();
    config.apply(o.config);
    return o;
  }
};

// The explorer installed beside the binary (build tree or install prefix), if any.
std::string find_static_root(const std::string& configured) {
  if (!configured.empty()) return configured;
  std::error_code ec;
  const auto exe = std::filesystem::read_symlink("/proc/self/exe", ec);
  if (ec) return {};
  for (auto dir = exe.parent_path(); !dir.empty() && dir != dir.parent_path(); dir = dir.parent_path()) {
    for (const auto& candidate : {dir / "web" / "explorer", dir / "share" / "telco" / "explorer"}) {
      if (std::filesystem::exists(candidate / "index.html")) return candidate.string();
    }
  }
  return {};
}

int run_init(const std::filesystem::path& home, const ChainFlags& chain) {
  const telco::node::InitOptions options = chain.resolve();
  const std::string& demo_balance_tel = chain.demo_balance;
  const auto result = telco::node::init_home(home, options);
  std::cout << "Initialised a new chain '" << options.chain_id << "' in " << home.string() << "\n"
            << "  validator:    " << result.validator_address << "\n"
            << "  demo account: " << result.demo_address << " (" << demo_balance_tel << " TEL)\n"
            << "  demo seed:    " << result.demo_seed_file.string() << "  (devnet only: anyone with it can spend)\n"
            << "Start it with: telcod start --home " << home.string() << "\n";
  return 0;
}

int run_testnet(const std::filesystem::path& dir, const ChainFlags& chain, const telco::node::TestnetOptions& testnet) {
  const telco::node::InitOptions options = chain.resolve();
  const std::string& demo_balance_tel = chain.demo_balance;
  const auto result = telco::node::init_testnet(dir, options, testnet);
  std::cout << "Initialised chain '" << options.chain_id << "' with " << result.homes.size() << " validators in "
            << dir.string() << "\n";
  for (std::size_t i = 0; i < result.homes.size(); ++i) {
    std::cout << "  " << result.homes[i].string() << "  API " << result.api_listen[i] << "\n";
  }
  std::cout << "  demo account: " << result.demo_address << " (" << demo_balance_tel << " TEL), seed "
            << result.demo_seed_file.string() << "\n"
            << "Start each with: telcod start --home DIR/validator-I\n";
  return 0;
}

int run_join(const std::filesystem::path& home, const std::filesystem::path& genesis_file, const ConfigFlags& flags) {
  NodeConfig config;
  flags.apply(config);
  const auto result = telco::node::init_join(home, genesis_file, config);
  std::cout << "Prepared " << home.string() << " to join the chain of " << genesis_file.string() << "\n"
            << "  node id:              " << result.node_id << "\n"
            << "  validator public key: " << result.validator_public_key << "\n"
            << "Start it with: telcod start --home " << home.string()
            << "  (it block-syncs, then follows the head)\n"
            << "To make it a validator, an authority runs: telco validator update --public-key "
            << result.validator_public_key << " --power 10\n";
  return 0;
}

// The DNS server answers from committed state only: the store as of the head, never the
// mempool. The naming parameters are fixed at genesis, so they are read once.
std::unique_ptr<telco::dns::DnsServer> start_dns(const NodeConfig& config, telco::node::Node& node) {
  if (!config.dns.enabled) return nullptr;
  const auto [host, port] = telco::node::split_listen(config.dns.listen);
  telco::dns::DnsServerConfig dns_config;
  dns_config.listen_address = host;
  dns_config.port = port;
  // One per core by default, at most 16: beyond that the kernel's socket work, not answers, limits.
  dns_config.io_threads =
      config.dns.threads != 0 ? config.dns.threads : std::clamp(std::thread::hardware_concurrency(), 1u, 16u);
  const telco::state::StateView& committed = *node.committed_state();
  auto params = std::make_shared<const telco::chain::NamingParams>(telco::modules::naming::load_params(committed));
  auto answer = [&node, &committed, params](telco::ByteView query, telco::dns::Transport transport) {
    const telco::dns::ZoneSource source{committed, *params, node.head().height};
    return telco::dns::respond(source, query, transport);
  };
  auto server = std::make_unique<telco::dns::DnsServer>(dns_config, answer);
  server->start();
  spdlog::info("DNS on {}:{} (UDP and TCP, {} threads), zones: e164.arpa and the chain's top-level labels", host,
               server->port(), dns_config.io_threads);
  return server;
}

telco::storage::StoreOptions store_options(const NodeConfig& config) {
  return telco::node::store_options(config.storage);
}

// Fast sync runs before the node opens its store: with no head yet (or an interrupted
// restore), a peer's snapshot becomes the head; otherwise nothing happens.
void fast_sync_if_empty(const std::filesystem::path& home, const telco::chain::Genesis& genesis, const NodeConfig& config) {
  auto store = telco::storage::Store::open(home / "data", store_options(config));
  if (store->head()) return;
  const auto restored = telco::node::fast_sync(genesis, telco::node::load_or_create_node_key(home), config, *store);
  if (!restored && store->restore_manifest()) {
    spdlog::warn("state sync: discarding an interrupted restore that no peer serves any more; starting from genesis");
    store->restore_abandon();
  }
}

int run_start(const std::filesystem::path& home, const ConfigFlags& flags) {
  if (!std::filesystem::exists(home / "genesis.json")) {
    throw std::runtime_error("no node in " + home.string() + "; create one with `telcod init --home " + home.string() + "`");
  }
  NodeConfig config = telco::node::load_config(home / "config.json");
  flags.apply(config);
  spdlog::set_level(spdlog::level::from_str(config.log.level));
  telco::node::LoadedGenesis loaded =
      telco::node::load_genesis_cached(home / "genesis.json", home / "data" / "genesis.cache");
  spdlog::info("genesis of chain {} read ({} accounts{})", loaded.genesis->chain_id, loaded.genesis->accounts.size(),
               loaded.from_cache ? ", from the cache" : "");
  auto genesis = std::move(loaded.genesis);
  const telco::crypto::KeyPair key = telco::node::load_validator_key(home / "validator_key.json");
  if (config.state_sync.enabled && genesis->validators.size() > 1) {
    fast_sync_if_empty(home, *genesis, config);
  }

  telco::node::Node node(std::move(genesis), key, config, home / "data");
  std::unique_ptr<telco::node::ConsensusService> consensus;
  if (!node.single_validator()) {
    consensus = std::make_unique<telco::node::ConsensusService>(
        node, key, telco::node::load_or_create_node_key(home), config, home / "data" / "consensus");
  }
  // The genesis JSON document of a large chain leaves hundreds of MiB of freed heap behind;
  // hand it back to the system before serving.
  malloc_trim(0);
  const auto [host, port] = telco::node::split_listen(config.api.listen);
  telco::api::HttpServerConfig api_config;
  api_config.listen_address = host;
  api_config.port = port;
  api_config.io_threads = config.api.threads;
  api_config.submit_threads = config.api.threads;
  api_config.body_bytes_max = config.api.max_body_bytes;
  api_config.static_root = find_static_root(config.api.static_root);
  api_config.node_version = TELCO_VERSION;
  telco::api::HttpServer server(api_config, node);
  server.start();
  if (consensus) {
    consensus->start();
  } else {
    node.start();
  }
  if (!api_config.static_root.empty()) spdlog::info("explorer at http://{}:{}/", host, server.port());
  std::unique_ptr<telco::dns::DnsServer> dns = start_dns(config, node);

  std::signal(SIGINT, on_signal);
  std::signal(SIGTERM, on_signal);
  while (g_stop_signal == 0) std::this_thread::sleep_for(std::chrono::milliseconds(100));
  spdlog::info("signal {} received, shutting down", static_cast<int>(g_stop_signal));
  if (dns) dns->stop();
  server.stop();
  if (consensus) consensus->stop();
  node.stop();
  spdlog::info("stopped cleanly at height {}", node.head().height);
  return 0;
}

struct SnapshotFlags {
  std::optional<std::uint64_t> height;
  std::filesystem::path dir;
  std::size_t chunk_kib = telco::state::kSnapshotChunkBytesTarget / 1024;
};

// Both run on a stopped node (the store is locked by a running one).
int run_snapshot_export(const std::filesystem::path& home, const SnapshotFlags& f) {
  const NodeConfig config = telco::node::load_config(home / "config.json");
  auto store = telco::storage::Store::open(home / "data", store_options(config));
  const auto head = store->head();
  if (!head) throw std::runtime_error("no chain in " + home.string() + "/data");
  const std::uint64_t height = f.height.value_or(head->height);
  if (f.chunk_kib < 64 || f.chunk_kib * 1024 > telco::state::kSnapshotChunkBytesMax) {
    throw std::invalid_argument("--chunk-kib must be 64.." + std::to_string(telco::state::kSnapshotChunkBytesMax / 1024));
  }
  const auto started = std::chrono::steady_clock::now();
  const auto files = telco::node::export_snapshot_dir(*store, height, f.dir, f.chunk_kib * 1024);
  const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  std::size_t chunks = 0;
  for (const auto& e : files.manifest.entries) chunks += e.keys > 0 ? 1 : 0;
  std::cout << "Exported height " << height << " (state root " << telco::crypto::to_hex(files.manifest.state_root)
            << "): " << files.manifest.total_keys << " keys in " << chunks << " chunks to " << f.dir.string() << " in "
            << secs << " s\n";
  return 0;
}

int run_snapshot_restore(const std::filesystem::path& home, const SnapshotFlags& f) {
  const NodeConfig config = telco::node::load_config(home / "config.json");
  telco::node::LoadedGenesis loaded =
      telco::node::load_genesis_cached(home / "genesis.json", home / "data" / "genesis.cache");
  const telco::chain::Genesis& genesis = *loaded.genesis;
  telco::node::SnapshotFiles files = telco::node::load_snapshot_dir(f.dir);
  if (const std::string why = telco::node::verify_snapshot(genesis, files); !why.empty()) {
    throw std::runtime_error("snapshot in " + f.dir.string() + " does not verify: " + why);
  }
  auto store = telco::storage::Store::open(home / "data", store_options(config));
  if (store->head()) {
    throw std::runtime_error(home.string() + "/data already holds a chain (height " +
                             std::to_string(store->head()->height) + "); restore into a fresh home");
  }
  const std::uint64_t height = files.manifest.height;
  telco::node::SnapshotRestorer restorer(*store, genesis.hash(), std::move(files));
  telco::node::RestoreProgress progress;
  const auto& entries = restorer.manifest().entries;
  for (std::size_t i = 0; i < entries.size(); ++i) {
    if (!restorer.needed(i)) continue;
    auto bytes = telco::node::read_snapshot_chunk(f.dir, i);
    if (!bytes) throw std::runtime_error("chunk " + std::to_string(i) + " is missing from " + f.dir.string());
    const auto failure = restorer.add_chunk(i, *bytes);
    if (failure != telco::state::SnapshotFailure::kNone) {
      throw std::runtime_error("chunk " + std::to_string(i) + " does not verify: " + telco::state::describe(failure));
    }
    progress.report(restorer, restorer.complete());
  }
  restorer.finish();
  std::cout << "Restored height " << height << " (" << restorer.manifest().total_keys << " keys) into "
            << home.string() << "/data; `telcod start` continues with block sync from height " << height + 1 << "\n";
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  telco::crypto::init();
  spdlog::set_default_logger(spdlog::stderr_color_mt("telcod"));
  spdlog::set_pattern("%Y-%m-%dT%H:%M:%S.%e %^%l%$ %v");

  CLI::App app{"telcod — the Telcochain node.\nRun `telcod init` (one validator) or `telcod testnet` (N validators) once, then `telcod start`."};
  app.require_subcommand(1);
  app.fallthrough();  // `telcod init --home DIR` and `telcod --home DIR init` both work
  app.set_version_flag("--version", std::string("telcod ") + TELCO_VERSION);
  std::filesystem::path home = default_home();
  app.add_option("--home", home, "node directory (env TELCOD_HOME, default ~/.telcod)");

  CLI::App* init = app.add_subcommand("init", "create genesis, validator key and config for a new chain");
  ChainFlags init_chain;
  init_chain.add_to(init);

  CLI::App* testnet = app.add_subcommand("testnet", "create N validator homes of one new chain, peered on loopback");
  std::filesystem::path testnet_dir = ".testnet";
  telco::node::TestnetOptions testnet_options;
  ChainFlags testnet_chain;
  testnet->add_option("--dir", testnet_dir, "directory for the homes validator-0..N-1")->capture_default_str();
  testnet->add_option("--validators", testnet_options.validators, "number of validators")->capture_default_str();
  testnet->add_option("--host", testnet_options.host, "address every node listens on")->capture_default_str();
  testnet->add_option("--api-port", testnet_options.api_port, "API port of validator-0 (+i for validator-i)")
      ->capture_default_str();
  testnet->add_option("--p2p-port", testnet_options.p2p_port, "p2p port of validator-0 (+i for validator-i)")
      ->capture_default_str();
  testnet_chain.add_to(testnet);

  CLI::App* join = app.add_subcommand("join", "create a home for a new node of an existing chain, from its genesis file and a peer");
  std::filesystem::path join_genesis;
  ConfigFlags join_flags;
  join->add_option("--genesis", join_genesis, "the chain's genesis.json")->required()->check(CLI::ExistingFile);
  join_flags.add_to(join);

  CLI::App* start = app.add_subcommand("start", "run the node: produce blocks (or decide them with the other validators) and serve the API");
  ConfigFlags start_flags;
  start_flags.add_to(start);

  CLI::App* snapshot = app.add_subcommand("snapshot", "export the state at a height to a directory, or start a node from one");
  snapshot->require_subcommand(1);
  SnapshotFlags snapshot_flags;
  CLI::App* snapshot_export = snapshot->add_subcommand("export", "write the state at a height (default: the head) to --out; the node must be stopped");
  snapshot_export->add_option("--height", snapshot_flags.height, "height to export (its state must not be pruned)");
  snapshot_export->add_option("--out", snapshot_flags.dir, "directory to create")->required();
  snapshot_export->add_option("--chunk-kib", snapshot_flags.chunk_kib, "largest chunk, KiB")->capture_default_str();
  CLI::App* snapshot_restore = snapshot->add_subcommand("restore", "start this (fresh) node from a snapshot directory, verified against its header's commit");
  snapshot_restore->add_option("--from", snapshot_flags.dir, "snapshot directory written by `snapshot export`")->required();

  CLI11_PARSE(app, argc, argv);
  try {
    if (*snapshot_export) return run_snapshot_export(home, snapshot_flags);
    if (*snapshot_restore) return run_snapshot_restore(home, snapshot_flags);
    if (*init) return run_init(home, init_chain);
    if (*testnet) return run_testnet(testnet_dir, testnet_chain, testnet_options);
    if (*join) return run_join(home, join_genesis, join_flags);
    if (*start) return run_start(home, start_flags);
  } catch (const std::exception& e) {
    spdlog::error("{}", e.what());
    return 1;
  }
  return 0;
}
