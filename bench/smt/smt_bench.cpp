// telco-smt-bench: the authenticated state (state tree in the RocksDB store) at a given
// key count, through the node's own paths: state::advance_tree (the executor's part) and
// storage::Store::commit_block (one batch per block with the tree's nodes and pruning).
//
//   load     N account-like keys (21-byte key, 16-byte value) in blocks of --load-batch
//   update   --updates random existing keys in blocks of --batch: updates/s
//   read     --reads random keys: flat-state read and read through the tree at the head
//   prove    --proofs random keys (half absent): proof build time, size, and verifications/s
//   disk     bytes of the store directory vs raw key + value bytes, with pruning on
//   snapshot export of the head to a snapshot directory, then restore of it into a fresh
//            store through the node's restorer (node/snapshot_restore.h): keys/s, bytes
// Progress goes to stderr; the result is one JSON line on stdout (docs/PERFORMANCE.md).
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <cstring>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>
#include <random>
#include <string>
#include <vector>

#include "common/measure.h"
#include "common/store_block.h"
#include "node/snapshot_files.h"
#include "node/snapshot_restore.h"
#include "state/commitment.h"
#include "state/proof.h"
#include "state/tree.h"
#include "storage/store.h"

namespace telco::bench::smt {
namespace {

using Clock = std::chrono::steady_clock;

constexpr std::size_t kKeyBytes = 21;    // prefix byte + 20-byte address, as bank accounts
constexpr std::size_t kValueBytes = 16;  // balance + nonce
constexpr std::uint64_t kKeysMax = 100'000'000;

std::uint64_t splitmix(std::uint64_t x) {
  x += 0x9e3779b97f4a7c15;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9;
  x = (x ^ (x >> 27)) * 0x94d049bb133111eb;
  return x ^ (x >> 31);
}

// Key i: 0x01 || 20 pseudo-random bytes derived from i (distinct for distinct i).
Bytes key_of(std::uint64_t i) {
  Bytes k(kKeyBytes);
  k[0] = 0x01;
  std::uint64_t words[3] = {splitmix(i), splitmix(i ^ 0x5555), i};
  std::memcpy(k.data() + 1, words, 20);
  return k;
}

Bytes value_of(std::uint64_t balance, std::uint64_t nonce) {
  Bytes v(kValueBytes);
  std::memcpy(v.data(), &balance, 8);
  std::memcpy(v.data() + 8, &nonce, 8);
  return v;
}

struct Options {
  std::uint64_t keys = 100'000;
  std::uint64_t batch = 10'000;
  std::uint64_t load_batch = 100'000;
  std::uint64_t updates = 200'000;
  std::uint64_t reads = 20'000;
  std::uint64_t proofs = 20'000;
  std::uint64_t keep = 100;
  std::uint64_t seed = 1;
  bool sync = true;
  bool snapshot = true;
  std::string dir;
  bool keep_dir = false;
};

// Commits one block of state writes: tree update (timed as `tree_s`), then the store's
// batch (timed as `commit_s`).
BlockTimes commit_block(storage::Store& store, const state::Writes& writes) {
  return commit_state_block(store, writes, "telco-smt-bench");
}

std::uint64_t dir_bytes_matching(const std::filesystem::path& dir, const std::string& ext) {
  std::uint64_t n = 0;
  for (const auto& e : std::filesystem::directory_iterator(dir)) {
    if (e.is_regular_file() && e.path().extension() == ext) n += e.file_size();
  }
  return n;
}

// Exports the head into dir.snapshot/, restores it into dir.restored/ (a fresh store, as a
// new node would) and checks the restored root; both directories are removed afterwards.
nlohmann::json snapshot_round_trip(const storage::Store& store, const std::filesystem::path& dir) {
  const std::filesystem::path snap = dir.string() + ".snapshot", target = dir.string() + ".restored";
  const std::uint64_t head = store.head()->height;
  auto started = Clock::now();
  double cpu0 = thread_cpu_s();
  const node::SnapshotFiles files = node::export_snapshot_dir(store, head, snap);
  const double export_s = seconds_since(started), export_cpu_s = thread_cpu_s() - cpu0;
  std::size_t chunks = 0;
  for (const auto& e : files.manifest.entries) chunks += e.keys > 0 ? 1 : 0;
  const std::uint64_t snap_bytes = dir_bytes(snap);
  const double rss_before = peak_rss_mib();
  started = Clock::now();
  cpu0 = thread_cpu_s();
  storage::StoreOptions so;
  so.sync = true;
  {
    auto restored = storage::Store::open(target, so);
    node::SnapshotRestorer restorer(*restored, crypto::Hash32{}, files);
    if (state::verify_manifest(files.manifest, files.header.height, files.header.state_root) != state::SnapshotFailure::kNone) {
      throw std::runtime_error("exported manifest does not verify");
    }
    for (std::size_t i = 0; i < files.manifest.entries.size(); ++i) {
      if (!restorer.needed(i)) continue;
      auto bytes = node::read_snapshot_chunk(snap, i);
      if (!bytes || restorer.add_chunk(i, *bytes) != state::SnapshotFailure::kNone) {
        throw std::runtime_error("snapshot chunk " + std::to_string(i) + " does not restore");
      }
      progress("restore", restorer.keys_done(), files.manifest.total_keys,
               static_cast<double>(restorer.keys_done()) / seconds_since(started), "keys/s");
    }
    restorer.finish();
    if (restored->head()->state_root != files.header.state_root) throw std::runtime_error("restored root differs");
  }
  const double restore_s = seconds_since(started), restore_cpu_s = thread_cpu_s() - cpu0;
  const std::uint64_t restored_bytes = dir_bytes(target);
  std::error_code ec;
  std::filesystem::remove_all(snap, ec);
  std::filesystem::remove_all(target, ec);
  const double keys = static_cast<double>(files.manifest.total_keys);
  return {{"height", head},
          {"chunks", chunks},
          {"entries", files.manifest.entries.size()},
          {"snapshot_bytes", snap_bytes},
          {"export_s", export_s},
          {"export_writer_cpu_s", export_cpu_s},
          {"restore_s", restore_s},
          {"restore_writer_cpu_s", restore_cpu_s},
          {"restore_keys_per_s", keys / restore_s},
          {"restored_store_bytes", restored_bytes},
          {"rss_peak_mib_before_restore", rss_before},
          {"rss_peak_mib_after_restore", peak_rss_mib()}};
}

nlohmann::json run(const Options& o) {
  const std::filesystem::path dir = o.dir;
  storage::StoreOptions so;
  so.sync = o.sync;
  so.state_versions_kept = o.keep;
  auto store = storage::Store::open(dir, so);
  nlohmann::json out = {{"keys", o.keys}, {"batch", o.batch}, {"keep_versions", o.keep}, {"sync", o.sync}};

  // Load: keys 0..N-1 in blocks (version 0 is the empty genesis).
  store->init_genesis(crypto::Hash32{}, {}, state::genesis_tree({}), 0);
  auto started = Clock::now();
  double load_tree_s = 0;
  for (std::uint64_t i = 0; i < o.keys;) {
    state::Writes w;
    const std::uint64_t end = std::min(o.keys, i + o.load_batch);
    for (; i < end; ++i) w[key_of(i)] = value_of(1'000'000, 0);
    load_tree_s += commit_block(*store, w).tree_s;
    progress("load", i, o.keys, static_cast<double>(i) / seconds_since(started), "keys/s");
  }
  const double load_s = seconds_since(started);
  const double load_cpu_s = thread_cpu_s();
  out["load"] = {{"seconds", load_s}, {"keys_per_s", static_cast<double>(o.keys) / load_s}, {"tree_s", load_tree_s},
                 {"writer_cpu_s", load_cpu_s}};

  // Update: random existing keys, per-block batches.
  std::mt19937_64 rng(o.seed);
  double tree_s = 0, commit_s = 0;
  std::size_t new_nodes = 0, stale_nodes = 0, blocks = 0;
  std::uint64_t done = 0;
  started = Clock::now();
  const double thread0 = thread_cpu_s(), process0 = process_cpu_s();
  while (done < o.updates) {
    state::Writes w;
    const std::uint64_t n = std::min(o.batch, o.updates - done);
    while (w.size() < n) w[key_of(rng() % o.keys)] = value_of(rng(), done + w.size());
    const BlockTimes t = commit_block(*store, w);
    tree_s += t.tree_s;
    commit_s += t.commit_s;
    new_nodes += t.new_nodes;
    stale_nodes += t.stale_nodes;
    ++blocks;
    done += n;
    progress("update", done, o.updates, static_cast<double>(done) / (tree_s + commit_s), "updates/s");
  }
  const double update_s = tree_s + commit_s;
  const double thread_s = thread_cpu_s() - thread0, process_s = process_cpu_s() - process0;
  out["update"] = {{"updates", done},
                   {"blocks", blocks},
                   {"updates_per_s", static_cast<double>(done) / update_s},
                   {"updates_per_writer_cpu_s", static_cast<double>(done) / thread_s},
                   {"writer_cpu_s", thread_s},
                   {"process_cpu_s", process_s},
                   {"tree_s", tree_s},
                   {"commit_s", commit_s},
                   {"wall_s", seconds_since(started)},
                   {"new_nodes_per_block", static_cast<double>(new_nodes) / static_cast<double>(blocks)},
                   {"stale_nodes_per_block", static_cast<double>(stale_nodes) / static_cast<double>(blocks)}};

  // Reads at the head: the flat latest-state table, and through the tree.
  const std::uint64_t head = store->head()->height;
  std::vector<double> flat_us, tree_us;
  flat_us.reserve(o.reads);
  tree_us.reserve(o.reads);
  for (std::uint64_t r = 0; r < o.reads; ++r) {
    const Bytes key = key_of(rng() % o.keys);
    auto t0 = Clock::now();
    const auto flat = store->get(key);
    flat_us.push_back(seconds_since(t0) * 1e6);
    t0 = Clock::now();
    const auto through_tree = state::get_at(*store, head, key);
    tree_us.push_back(seconds_since(t0) * 1e6);
    if (!flat || !through_tree || *through_tree != flat) throw std::runtime_error("read mismatch at key " + std::to_string(r));
  }
  out["read"] = {{"reads", o.reads},
                 {"flat_p50_us", percentile(flat_us, 0.5)},
                 {"flat_p99_us", percentile(flat_us, 0.99)},
                 {"tree_p50_us", percentile(tree_us, 0.5)},
                 {"tree_p99_us", percentile(tree_us, 0.99)}};

  // Proofs: build at the head (half for absent keys), then verify them all in one loop.
  const crypto::Hash32 root = store->head()->state_root;
  std::vector<std::pair<Bytes, state::ValueProof>> proofs;
  std::vector<double> prove_us;
  std::size_t bytes_max = 0, bytes_sum = 0;
  for (std::uint64_t p = 0; p < o.proofs; ++p) {
    const Bytes key = (p % 2 == 0) ? key_of(rng() % o.keys) : key_of(kKeysMax + rng() % kKeysMax);
    const auto t0 = Clock::now();
    auto vp = state::get_with_proof(*store, head, key);
    prove_us.push_back(seconds_since(t0) * 1e6);
    if (!vp) throw std::runtime_error("no proof at the head");
    const std::size_t size = vp->proof.encode().size();
    bytes_max = std::max(bytes_max, size);
    bytes_sum += size;
    proofs.emplace_back(key, std::move(*vp));
  }
  started = Clock::now();
  const double verify_cpu0 = thread_cpu_s();
  std::size_t verified = 0;
  for (const auto& [key, vp] : proofs) {
    const std::optional<ByteView> claim = vp.value ? std::optional<ByteView>(*vp.value) : std::nullopt;
    verified += state::verify_proof(root, key, claim, vp.proof) == state::ProofFailure::kNone;
  }
  const double verify_s = seconds_since(started);
  const double verify_cpu_s = thread_cpu_s() - verify_cpu0;
  if (verified != proofs.size()) throw std::runtime_error("a proof failed to verify");
  out["proof"] = {{"proofs", proofs.size()},
                  {"bytes_avg", static_cast<double>(bytes_sum) / static_cast<double>(proofs.size())},
                  {"bytes_max", bytes_max},
                  {"prove_p50_us", percentile(prove_us, 0.5)},
                  {"prove_p99_us", percentile(prove_us, 0.99)},
                  {"verify_per_s", static_cast<double>(proofs.size()) / verify_s},
                  {"verify_per_cpu_s", static_cast<double>(proofs.size()) / verify_cpu_s}};

  // Disk with pruning on (the last --keep versions are provable).
  const double raw = static_cast<double>(o.keys * (kKeyBytes + kValueBytes));
  const std::uint64_t disk = dir_bytes(dir);
  out["disk"] = {{"raw_bytes", raw},
                 {"store_bytes", disk},
                 {"sst_bytes", dir_bytes_matching(dir, ".sst")},
                 {"wal_bytes", dir_bytes_matching(dir, ".log")},
                 {"ratio", static_cast<double>(disk) / raw},
                 {"oldest_version", store->state_oldest_version()},
                 {"head_version", head}};
  out["rss_peak_mib"] = peak_rss_mib();
  if (o.snapshot) out["snapshot"] = snapshot_round_trip(*store, dir);
  return out;
}

}  // namespace
}  // namespace telco::bench::smt

int main(int argc, char** argv) {
  using telco::bench::smt::Options;
  Options o;
  CLI::App app{"telco-smt-bench: state tree load, updates, reads, proofs and disk at N keys (one JSON line)"};
  app.add_option("--keys", o.keys, "keys in state")->capture_default_str()->check(CLI::Range(1ull, 100'000'000ull));
  app.add_option("--batch", o.batch, "key updates per block in the update phase")->capture_default_str()
      ->check(CLI::Range(1ull, 1'000'000ull));
  app.add_option("--load-batch", o.load_batch, "keys inserted per block while loading")->capture_default_str()
      ->check(CLI::Range(1ull, 1'000'000ull));
  app.add_option("--updates", o.updates, "key updates measured")->capture_default_str();
  app.add_option("--reads", o.reads, "point reads measured")->capture_default_str();
  app.add_option("--proofs", o.proofs, "proofs built and verified (half for absent keys)")->capture_default_str()
      ->check(CLI::Range(1ull, 10'000'000ull));
  app.add_option("--keep", o.keep, "state versions kept by pruning (>= 2)")->capture_default_str()
      ->check(CLI::Range(2ull, 1'000'000ull));
  app.add_option("--sync", o.sync, "fsync every block, as the node does by default")->capture_default_str();
  app.add_option("--snapshot", o.snapshot, "export the head as a snapshot and restore it into a fresh store")
      ->capture_default_str();
  app.add_option("--seed", o.seed, "random seed of the update and read keys")->capture_default_str();
  app.add_option("--dir", o.dir, "store directory (must not exist; default: a new one under /tmp)");
  app.add_flag("--keep-dir", o.keep_dir, "leave the store directory in place");
  CLI11_PARSE(app, argc, argv);
  if (o.updates > 0 && o.keys == 0) return 2;
  if (o.dir.empty()) {
    o.dir = (std::filesystem::temp_directory_path() / ("telco-smt-bench-" + std::to_string(getpid()))).string();
  }
  if (std::filesystem::exists(o.dir)) {
    std::cerr << "telco-smt-bench: " << o.dir << " exists; give a new --dir\n";
    return 2;
  }
  int rc = 0;
  try {
    std::cout << telco::bench::smt::run(o).dump() << std::endl;
  } catch (const std::exception& e) {
    std::cerr << "\ntelco-smt-bench: " << e.what() << "\n";
    rc = 1;
  }
  if (!o.keep_dir) {
    std::error_code ec;
    std::filesystem::remove_all(o.dir, ec);
  }
  return rc;
}
