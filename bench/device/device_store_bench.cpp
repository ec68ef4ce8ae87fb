// telco-device-store-bench: online device authentication against a registry of N devices
// registered one by one, in the node's RocksDB store (docs/PERFORMANCE.md, "Device identity").
//
//   load     N registrations in blocks of --load-batch, each writing what device.register
//            writes (the record, its key version, its first history entry) through the
//            module's own store functions, committed with the state tree by the node's
//            paths (state::advance_tree, Store::commit_block); with --no-tree the flat
//            state only (the tree lives in its own column family, which online
//            authentication never reads). Every --sample-every-th device has its own key;
//            the others share one (a lookup costs the same).
//   reopen   the store is closed and opened again, as a restarted node opens it: an empty
//            block cache, the operating system's page cache as the machine left it.
//   warm     with --warm-all, every registered device's record is read once (on every
//            core) before the clock starts: the steady state of a node whose devices have
//            all authenticated since it started, which is what a --row-cache-mb sized to
//            the registry serves from memory. Without it the sampled reads are first ones.
//   auth     --auths authentications of random sampled devices on one thread, each what the
//            node does for one exchange apart from HTTP and JSON: issue the challenge into
//            the single-use table, then for the answer check the table, read and decode the
//            record from the store (Store::get, as the API reads committed state),
//            verify_answer, consume. The devices' signatures are made before the clock
//            starts (devices sign on their own CPUs).
//   bound    raw Ed25519 verification of the same messages on the same thread, in chunks
//            of 1,000 alternating with the auth chunks: the ratio auth/bound is the
//            issue's "share of the verify rate per core" (ratio_halves: over each half).
//   lookup   the record read alone, for the same devices in another order: p50/p99.
//
// With --dir DIR --keep-dir the loaded store is kept and reused by later runs with the same
// --devices and --sample-every (the load of 10M takes minutes; the measurement seconds).
// Progress goes to stderr; the result is one JSON line on stdout.

#include <unistd.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "bench_registry.h"
#include "common/measure.h"
#include "common/store_block.h"
#include "modules/device/auth.h"
#include "modules/device/challenge_table.h"
#include "state/commitment.h"
#include "state/write_set.h"
#include "storage/store.h"

namespace telco::bench::device {
namespace {

namespace dev = modules::device;
using Clock = std::chrono::steady_clock;
using Json = nlohmann::json;

constexpr std::string_view kChain = "telco-device-store-bench";
constexpr std::uint64_t kDevicesMax = 100'000'000;
constexpr const char* kMarker = "bench-registry.json";

struct Options {
  std::uint64_t devices = 1'000'000;
  std::uint64_t load_batch = 100'000;
  std::uint64_t sample_every = 10;
  std::uint64_t auths = 200'000;
  std::uint64_t seed = 1;
  std::string dir;
  bool keep_dir = false;
  bool tree = true;
  std::size_t cache_mb = storage::StoreOptions{}.block_cache_bytes >> 20;
  std::size_t row_cache_mb = storage::StoreOptions{}.row_cache_bytes >> 20;
  bool warm_all = false;
  std::string onto_node_data;  // load into a telcod home's data directory, then stop
  std::string chain_id;        // the blocks' chain id there (the home's genesis)
};

bool sampled(std::uint64_t n, const Options& o) { return n % o.sample_every == 0; }

// What one device.register leaves in state, through the module's store functions.
void register_into(state::WriteSet& ws, std::uint64_t n, const crypto::PublicKey& key, std::uint64_t height) {
  dev::DeviceRecord d = record_of(n, key);
  d.history_count = 0;
  d.registered_at = height;
  dev::HistoryEntry e;
  e.height = height;
  e.time_ms = height;
  e.event = dev::Event::kRegistered;
  e.actor = d.owner;
  e.other = d.owner;
  e.key = key;
  dev::append_history(ws, d, e);
  dev::store_device(ws, d);
}

// --no-tree: the block's state writes without a state tree update (the root stays the
// empty tree's). Online authentication reads the flat state column family only, so this
// store answers it as a full node's would, for a fraction of the load time; it serves no
// proofs.
BlockTimes commit_flat_block(storage::Store& store, const state::Writes& writes, std::string_view chain_id) {
  const storage::Head parent = *store.head();
  // The tree advances by a version with no writes (its root stays the empty tree's), so the
  // store opens as any node's does.
  const state::TreeUpdate unchanged = state::advance_tree(store, parent.height + 1, parent.state_root, {});
  const auto started = Clock::now();
  commit_block_with(store, writes, std::string(chain_id), unchanged);
  BlockTimes t;
  t.commit_s = seconds_since(started);
  return t;
}

// Runs fn(t, threads) on one thread per core; each takes every threads-th item from t.
template <typename Fn>
void on_every_core(Fn fn) {
  const unsigned threads = std::max(1u, std::thread::hardware_concurrency());
  std::vector<std::thread> pool;
  for (unsigned t = 0; t < threads; ++t) pool.emplace_back([&fn, t, threads] { fn(t, threads); });
  for (std::thread& th : pool) th.join();
}

Json load(storage::Store& store, const Options& o, std::string_view chain_id = kChain) {
  if (!store.head()) store.init_genesis(crypto::Hash32{}, {}, state::genesis_tree({}), 0);
  const crypto::PublicKey shared = key_of(0).public_key();
  const auto started = Clock::now();
  double tree_s = 0, commit_s = 0;
  for (std::uint64_t n = 0; n < o.devices;) {
    const std::uint64_t end = std::min(o.devices, n + o.load_batch);
    const std::uint64_t height = store.head()->height + 1;
    // Keys of the sampled devices of this block, derived on every core.
    std::vector<crypto::PublicKey> keys(end - n, shared);
    on_every_core([&](unsigned t, unsigned threads) {
      for (std::uint64_t i = n + t; i < end; i += threads) {
        if (sampled(i, o)) keys[i - n] = key_of(i).public_key();
      }
    });
    state::WriteSet ws(store);
    for (std::uint64_t i = n; i < end; ++i) register_into(ws, i, keys[i - n], height);
    const BlockTimes t = o.tree ? commit_state_block(store, ws.writes(), std::string(chain_id))
                                : commit_flat_block(store, ws.writes(), chain_id);
    tree_s += t.tree_s;
    commit_s += t.commit_s;
    n = end;
    progress("load", n, o.devices, static_cast<double>(n) / seconds_since(started), "devices/s");
  }
  const double s = seconds_since(started);
  return {{"seconds", s},
          {"devices_per_s", static_cast<double>(o.devices) / s},
          {"tree_s", tree_s},
          {"commit_s", commit_s},
          {"state_keys", 3 * o.devices}};
}

// Every registered device's record read once, split across the cores (Store::get is safe
// from many threads, as the API's are).
Json warm_all(const storage::Store& store, const Options& o) {
  const auto started = Clock::now();
  std::atomic<std::uint64_t> done{0};
  std::atomic<bool> missing{false};
  on_every_core([&](unsigned t, unsigned threads) {
    for (std::uint64_t n = t; n < o.devices; n += threads) {
      if (!dev::load_device(store, id_of(n))) missing = true;
      if (const std::uint64_t d = done.fetch_add(1) + 1; t == 0 && (n / threads) % 200'000 == 0) {
        progress("warm", d, o.devices, static_cast<double>(d) / seconds_since(started), "reads/s");
      }
    }
  });
  progress("warm", o.devices, o.devices, static_cast<double>(o.devices) / seconds_since(started), "reads/s");
  if (missing) throw std::runtime_error("a registered device is missing from the store");
  const double s = seconds_since(started);
  return {{"seconds", s}, {"reads_per_s", static_cast<double>(o.devices) / s}};
}

struct Attempt {
  dev::Challenge challenge;
  crypto::Signature signature;
  crypto::PublicKey key;
};

// The devices' answers, made before any clock starts: random sampled devices, fresh nonces.
std::vector<Attempt> make_attempts(const Options& o) {
  const std::uint64_t population = (o.devices + o.sample_every - 1) / o.sample_every;
  std::vector<Attempt> out(o.auths);
  on_every_core([&](unsigned t, unsigned threads) {
    std::mt19937_64 rng(o.seed * 1'000'003 + t);
    std::uniform_int_distribution<std::uint64_t> pick(0, population - 1);
    for (std::size_t i = t; i < out.size(); i += threads) {
      const std::uint64_t n = pick(rng) * o.sample_every;
      dev::Challenge c{std::string(kChain), "attach", {}, "gnb-0001", 2'000'000'000'000, id_of(n)};
      for (std::size_t b = 0; b < c.nonce.size(); b += 8) {
        const std::uint64_t r = rng();
        std::memcpy(c.nonce.data() + b, &r, 8);
      }
      const crypto::KeyPair k = key_of(n);
      out[i] = {c, dev::answer_challenge(k, c), k.public_key()};
    }
  });
  return out;
}

Json measure(const storage::Store& store, const Options& o) {
  std::fprintf(stderr, "signing %llu answers\n", static_cast<unsigned long long>(o.auths));
  const std::vector<Attempt> attempts = make_attempts(o);

  std::vector<Bytes> messages;
  messages.reserve(attempts.size());
  for (const Attempt& a : attempts) messages.push_back(dev::challenge_message(a.challenge));

  // The node's exchange minus HTTP and JSON, one thread. The table is the node's size, and
  // at most one challenge is outstanding at a time here (the HTTP bench loads it fully).
  // The bound, Ed25519 verification alone of the same messages on the same thread, is run
  // beside it: chunk by chunk, in alternating order, so that both see the same machine (this VM's
  // speed swings by tens of percent within a second; measured apart, the ratio swung too).
  dev::ChallengeTable table(100'000);
  std::vector<double> us;
  // (auth, verify) CPU seconds of each half of the run: the ratio's stability.
  struct Pair {
    double auth = 0, verify = 0;
    Pair& operator+=(const Pair& o) {
      auth += o.auth;
      verify += o.verify;
      return *this;
    }
  } first_half, second_half;
  us.reserve(attempts.size());
  const std::uint64_t now = 1'000;
  const auto started = Clock::now();
  double auth_cpu_s = 0, verify_cpu_s = 0;
  std::size_t ok = 0, verified = 0;
  const auto run_auths = [&](std::size_t begin, std::size_t end) {
    const double cpu0 = thread_cpu_s();
    for (std::size_t i = begin; i < end; ++i) {
      const Attempt& a = attempts[i];
      const auto t0 = Clock::now();
      if (!table.issue(a.challenge, now)) throw std::runtime_error("the challenge table refused an issue");
      dev::AuthOutcome out = table.check(a.challenge, now);
      if (out == dev::AuthOutcome::kOk)
        out = dev::verify_answer(kChain, a.challenge, a.signature,
                                 dev::load_device(store, a.challenge.id_hash), now);
      if (out == dev::AuthOutcome::kOk) out = table.consume(a.challenge, now);
      us.push_back(std::chrono::duration<double, std::micro>(Clock::now() - t0).count());
      ok += out == dev::AuthOutcome::kOk;
    }
    return thread_cpu_s() - cpu0;
  };
  const auto run_verifies = [&](std::size_t begin, std::size_t end) {
    const double cpu0 = thread_cpu_s();
    for (std::size_t i = begin; i < end; ++i)
      verified += crypto::verify(attempts[i].key, messages[i], attempts[i].signature);
    return thread_cpu_s() - cpu0;
  };
  constexpr std::size_t kChunk = 1'000;
  for (std::size_t begin = 0, chunk = 0; begin < attempts.size(); begin += kChunk, ++chunk) {
    const std::size_t end = std::min(attempts.size(), begin + kChunk);
    double a = 0, v = 0;
    if (chunk % 2 == 0) {
      a = run_auths(begin, end);
      v = run_verifies(begin, end);
    } else {
      v = run_verifies(begin, end);
      a = run_auths(begin, end);
    }
    auth_cpu_s += a;
    verify_cpu_s += v;
    (2 * begin < attempts.size() ? first_half : second_half) += {a, v};
    if (chunk % 20 == 19 || end == attempts.size())
      progress("auth", end, attempts.size(), static_cast<double>(end) / seconds_since(started),
               "auth+verify/s");
  }
  const double auth_s = seconds_since(started);
  if (ok != attempts.size())
    throw std::runtime_error(std::to_string(attempts.size() - ok) + " authentications failed");
  if (verified != attempts.size()) throw std::runtime_error("a signature did not verify");

  // The record read alone, the same devices backwards.
  std::vector<double> lookup_us;
  lookup_us.reserve(attempts.size());
  const double cpu0 = thread_cpu_s();
  for (std::size_t i = attempts.size(); i-- > 0;) {
    const auto t0 = Clock::now();
    if (!dev::load_device(store, attempts[i].challenge.id_hash))
      throw std::runtime_error("a device is missing");
    lookup_us.push_back(std::chrono::duration<double, std::micro>(Clock::now() - t0).count());
  }
  const double lookup_cpu_s = thread_cpu_s() - cpu0;

  const double n = static_cast<double>(attempts.size());
  const double per_cpu_s = n / auth_cpu_s, bound = n / verify_cpu_s;
  return {{"auths", attempts.size()},
          {"auth_and_bound_s_wall", auth_s},
          {"auth_per_cpu_s", per_cpu_s},
          {"verify_per_cpu_s", bound},
          {"ratio_to_verify_per_core", per_cpu_s / bound},
          {"ratio_halves", {first_half.verify / first_half.auth, second_half.verify / second_half.auth}},
          {"auth_p50_us", percentile(us, 0.5)},
          {"auth_p99_us", percentile(us, 0.99)},
          {"auth_p999_us", percentile(us, 0.999)},
          {"auth_max_us", percentile(us, 1.0)},
          {"lookup_per_cpu_s", n / lookup_cpu_s},
          {"lookup_p50_us", percentile(lookup_us, 0.5)},
          {"lookup_p99_us", percentile(lookup_us, 0.99)}};
}

// --onto-node-data: the registry written on top of a telcod home's chain (initialised and
// started once, so its genesis is committed; stopped), as blocks of the home's chain id, so
// that telcod then serves it over HTTP (scripts/bench-device.sh with BENCH_DEVICE_LOADER=store).
// Flat state only, like --no-tree: online authentication reads nothing else, and such a home
// serves no proofs of these devices. A bench home, never a chain anyone relies on.
Json load_onto_node(const Options& o) {
  storage::StoreOptions so;
  so.sync = false;
  so.block_cache_bytes = o.cache_mb << 20;
  auto store = storage::Store::open(o.onto_node_data, so);
  if (!store->head())
    throw std::runtime_error(o.onto_node_data + " holds no chain: run telcod init and start it once first");
  Json out = {{"devices", o.devices},
              {"sample_every", o.sample_every},
              {"onto_node_data", o.onto_node_data},
              {"from_height", store->head()->height}};
  Options flat = o;
  flat.tree = false;
  out["load"] = load(*store, flat, o.chain_id);
  out["head_height"] = store->head()->height;
  return out;
}

Json run(const Options& o) {
  if (!o.onto_node_data.empty()) return load_onto_node(o);
  const bool temp = o.dir.empty();
  const std::filesystem::path dir = temp ? std::filesystem::temp_directory_path() /
                                               ("telco-device-store-bench." + std::to_string(::getpid()))
                                         : std::filesystem::path(o.dir);
  const Json want = {
      {"devices", o.devices}, {"sample_every", o.sample_every}, {"chain", kChain}, {"tree", o.tree}};
  const std::filesystem::path marker = dir / kMarker;
  bool reuse = false;
  if (std::filesystem::exists(marker)) {
    std::ifstream in(marker);
    reuse = Json::parse(in, nullptr, false) == want;
    if (!reuse) throw std::runtime_error(dir.string() + " holds a bench registry of another size; remove it");
  } else if (std::filesystem::exists(dir) && !std::filesystem::is_empty(dir)) {
    throw std::runtime_error(dir.string() +
                             " exists and is not a bench registry; give an empty or new --dir");
  }
  Json out = {{"devices", o.devices},
              {"sample_every", o.sample_every},
              {"state_tree", o.tree},
              {"reused_store", reuse}};
  storage::StoreOptions so;  // the node's defaults, fsync off for the load
  so.sync = false;
  so.block_cache_bytes = o.cache_mb << 20;
  so.row_cache_bytes = o.row_cache_mb << 20;
  if (!reuse) {
    auto store = storage::Store::open(dir, so);
    out["load"] = load(*store, o);
    std::ofstream(marker) << want.dump() << "\n";
  }
  {
    auto store = storage::Store::open(dir, so);  // reopened: an empty block cache
    out["block_cache_mib"] = so.block_cache_bytes >> 20;
    out["row_cache_mib"] = so.row_cache_bytes >> 20;
    out["store_bytes"] = dir_bytes(dir);
    if (o.warm_all) out["warm"] = warm_all(*store, o);
    out["auth"] = measure(*store, o);
  }
  out["rss_peak_mib"] = peak_rss_mib();
  if (temp || !o.keep_dir) {
    std::error_code ec;
    std::filesystem::remove_all(dir, ec);
  }
  return out;
}

}  // namespace
}  // namespace telco::bench::device

int main(int argc, char** argv) {
  using telco::bench::device::Options;
  Options o;
  CLI::App app{
      "telco-device-store-bench: online device authentication against N registered devices in RocksDB"};
  app.add_option("--devices", o.devices, "devices registered one by one")
      ->check(CLI::Range(std::uint64_t{10}, telco::bench::device::kDevicesMax))
      ->capture_default_str();
  app.add_option("--load-batch", o.load_batch, "registrations per block while loading")
      ->check(CLI::Range(1, 1'000'000))
      ->capture_default_str();
  app.add_option("--sample-every", o.sample_every, "every K-th device gets its own key and is authenticated")
      ->check(CLI::Range(1, 1'000'000))
      ->capture_default_str();
  app.add_option("--auths", o.auths, "authentications measured")
      ->check(CLI::Range(1, 10'000'000))
      ->capture_default_str();
  app.add_option("--cache-mb", o.cache_mb, "the store's block cache (telcod: storage.cache_mb)")
      ->check(CLI::Range(8, 65536))
      ->capture_default_str();
  app.add_option("--row-cache-mb", o.row_cache_mb,
                 "the store's row cache of whole records, 0 = none (telcod: storage.row_cache_mb)")
      ->check(CLI::Range(0, 65536))
      ->capture_default_str();
  app.add_flag("--warm-all", o.warm_all, "read every registered device once before measuring (steady state)");
  app.add_option("--seed", o.seed, "which sampled devices, which nonces")->capture_default_str();
  app.add_option("--dir", o.dir, "the store directory (default: a temporary one, removed)");
  app.add_flag("--keep-dir", o.keep_dir, "keep --dir for later runs of the same size");
  app.add_flag("--tree,!--no-tree", o.tree,
               "build the state tree while loading (default); --no-tree writes the flat state only, "
               "which is all online authentication reads");
  auto* onto = app.add_option("--onto-node-data", o.onto_node_data,
                              "load the registry (flat state) into this telcod home's data directory "
                              "(initialised, started once, stopped) and exit; telcod then serves it");
  app.add_option("--chain-id", o.chain_id, "with --onto-node-data: the home's chain id")->needs(onto);
  onto->needs("--chain-id");
  CLI11_PARSE(app, argc, argv);
  try {
    std::cout << telco::bench::device::run(o).dump() << std::endl;
  } catch (const std::exception& e) {
    std::cerr << "telco-device-store-bench: " << e.what() << "\n";
    return 1;
  }
  return 0;
}
