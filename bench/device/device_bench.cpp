// The device module's verification costs (docs/PERFORMANCE.md, "Device identity"), each
// through the same functions the API, the CLI and the tests use:
//   BM_Ed25519Verify          raw libsodium verify of a challenge-sized message: the bound
//   BM_OnlineAuthVerify       a registry of 1M devices in memory: look the record up, decode
//                             it, check the single-use table, verify_answer, consume
//   BM_FleetMemberAuthVerify  verify_member_answer with a 20-hash path of a 1M-member fleet
//   BM_OfflineAuthVerify      decode + verify the device's state proof against the root of a
//                             1M-device state tree, decode the record, verify_answer
//   BM_AnchorBatchBuild       a gateway's batch of 2^17 signed readings: leaves + tree + root
//   BM_VerifyOneReading       verify_reading: signature, 17-hash path, range, block time
// Run: build/bench/telco-device-bench --benchmark_repetitions=3 --benchmark_report_aggregates_only=true
#include <benchmark/benchmark.h>

#include <random>
#include <unordered_map>

#include "bench_registry.h"
#include "modules/device/auth.h"
#include "modules/device/challenge_table.h"
#include "modules/device/limits.h"
#include "modules/device/merkle.h"
#include "state/memory_node_store.h"
#include "state/proof.h"
#include "state/tree.h"

namespace telco::bench::device {
namespace {

namespace dev = modules::device;

constexpr std::uint32_t kDevices = 1'000'000;
constexpr std::size_t kSamples = 1024;  // distinct devices the benchmarks cycle through
constexpr std::string_view kChain = "telco-bench";

std::uint32_t sample(std::size_t i) { return static_cast<std::uint32_t>((i * 977'861) % kDevices); }

struct Answers {
  std::vector<dev::Challenge> challenges;
  std::vector<crypto::Signature> sigs;
  std::vector<crypto::PublicKey> keys;
};

const Answers& answers() {
  static const Answers a = [] {
    Answers out;
    for (std::size_t i = 0; i < kSamples; ++i) {
      const auto k = key_of(sample(i));
      dev::Challenge c{std::string(kChain), "attach", {}, "gnb-0001", 2'000'000'000'000, id_of(sample(i))};
      c.nonce[0] = static_cast<std::uint8_t>(i);
      c.nonce[1] = static_cast<std::uint8_t>(i >> 8);
      out.challenges.push_back(c);
      out.sigs.push_back(dev::answer_challenge(k, c));
      out.keys.push_back(k.public_key());
    }
    return out;
  }();
  return a;
}

// The committed registry: state key -> encoded record, as the node's store answers it.
const std::unordered_map<std::string, Bytes>& registry() {
  static const std::unordered_map<std::string, Bytes> r = [] {
    std::unordered_map<std::string, Bytes> m;
    m.reserve(kDevices);
    const auto filler = key_of(0).public_key();
    for (std::uint32_t n = 0; n < kDevices; ++n) {
      const Bytes k = dev::device_key(id_of(n));
      m.emplace(std::string(k.begin(), k.end()), dev::encode_device(record_of(n, filler)));
    }
    const Answers& a = answers();
    for (std::size_t i = 0; i < kSamples; ++i) {
      const Bytes k = dev::device_key(a.challenges[i].id_hash);
      m[std::string(k.begin(), k.end())] = dev::encode_device(record_of(sample(i), a.keys[i]));
    }
    return m;
  }();
  return r;
}

void BM_Ed25519Verify(benchmark::State& state) {
  const Answers& a = answers();
  std::vector<Bytes> msgs;
  for (const auto& c : a.challenges) msgs.push_back(dev::challenge_message(c));
  std::size_t i = 0;
  for (auto _ : state) {
    if (!crypto::verify(a.keys[i], msgs[i], a.sigs[i])) state.SkipWithError("did not verify");
    i = (i + 1) % kSamples;
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_Ed25519Verify);

void BM_OnlineAuthVerify(benchmark::State& state) {
  const Answers& a = answers();
  const auto& reg = registry();
  dev::ChallengeTable table(2 * kSamples);
  std::size_t i = 0;
  for (auto _ : state) {
    state.PauseTiming();
    table = dev::ChallengeTable(2 * kSamples);
    for (const auto& c : a.challenges) table.issue(c, 0);
    state.ResumeTiming();
    for (std::size_t j = 0; j < kSamples; ++j, i = (i + 1) % kSamples) {
      const dev::Challenge& c = a.challenges[i];
      if (table.check(c, 1) != dev::AuthOutcome::kOk) state.SkipWithError("table");
      const Bytes k = dev::device_key(c.id_hash);
      auto it = reg.find(std::string(k.begin(), k.end()));
      auto record = it == reg.end() ? std::nullopt : dev::decode_device(it->second);
      if (dev::verify_answer(kChain, c, a.sigs[i], record, 1) != dev::AuthOutcome::kOk)
        state.SkipWithError("auth");
      table.consume(c, 1);
    }
  }
  state.SetItemsProcessed(state.iterations() * kSamples);
  state.SetLabel("registry of 1M devices in memory");
}
BENCHMARK(BM_OnlineAuthVerify)->Unit(benchmark::kMillisecond);

struct Fleet {
  crypto::Hash32 root{};
  std::vector<std::vector<crypto::Hash32>> paths;
  std::vector<std::uint64_t> index;
};

const Fleet& fleet() {
  static const Fleet f = [] {
    const Answers& a = answers();
    std::vector<crypto::Hash32> leaves(dev::kFleetSizeMax);
    const auto filler = key_of(0).public_key();
    for (std::uint32_t n = 0; n < leaves.size(); ++n) leaves[n] = dev::fleet_leaf(id_of(n), filler);
    Fleet out;
    for (std::size_t i = 0; i < kSamples; ++i) {
      out.index.push_back(sample(i));
      leaves[sample(i)] = dev::fleet_leaf(a.challenges[i].id_hash, a.keys[i]);
    }
    const dev::MerkleTree tree(dev::kFleetDomain, std::move(leaves));
    out.root = tree.root();
    for (std::size_t i = 0; i < kSamples; ++i) out.paths.push_back(tree.path(out.index[i]));
    return out;
  }();
  return f;
}

void BM_FleetMemberAuthVerify(benchmark::State& state) {
  const Answers& a = answers();
  const Fleet& f = fleet();
  dev::FleetRecord record;
  record.root = f.root;
  record.size = dev::kFleetSizeMax;
  std::size_t i = 0;
  for (auto _ : state) {
    const dev::MemberProof proof{f.index[i], a.keys[i], f.paths[i]};
    if (dev::verify_member_answer(kChain, a.challenges[i], a.sigs[i], record, std::nullopt, proof, 1) !=
        dev::AuthOutcome::kOk)
      state.SkipWithError("member auth");
    i = (i + 1) % kSamples;
  }
  state.SetItemsProcessed(state.iterations());
  state.SetLabel("fleet of 1,048,576, 20-hash path");
}
BENCHMARK(BM_FleetMemberAuthVerify);

struct ProvenRegistry {
  crypto::Hash32 root{};
  std::vector<Bytes> keys;
  std::vector<Bytes> values;
  std::vector<Bytes> proofs;
  std::size_t proof_bytes = 0;
};

const ProvenRegistry& proven() {
  static const ProvenRegistry p = [] {
    state::MemoryNodeStore nodes;
    state::Writes w;
    for (const auto& [k, v] : registry()) w[Bytes(k.begin(), k.end())] = v;
    const state::TreeUpdate u = state::apply_writes(nodes, std::nullopt, 0, w);
    nodes.write(u);
    ProvenRegistry out;
    out.root = u.root_hash;
    for (const auto& c : answers().challenges) {
      const Bytes key = dev::device_key(c.id_hash);
      auto got = state::get_with_proof(nodes, 0, key);
      out.keys.push_back(key);
      out.values.push_back(*got->value);
      out.proofs.push_back(got->proof.encode());
      out.proof_bytes += out.proofs.back().size();
    }
    return out;
  }();
  return p;
}

void BM_OfflineAuthVerify(benchmark::State& state) {
  const Answers& a = answers();
  const ProvenRegistry& p = proven();
  std::size_t i = 0;
  for (auto _ : state) {
    const auto proof = state::decode_proof(p.proofs[i]);
    if (!proof ||
        state::verify_proof(p.root, p.keys[i], ByteView(p.values[i]), *proof) != state::ProofFailure::kNone)
      state.SkipWithError("proof");
    if (dev::verify_answer(kChain, a.challenges[i], a.sigs[i], dev::decode_device(p.values[i]), 1) !=
        dev::AuthOutcome::kOk)
      state.SkipWithError("auth");
    i = (i + 1) % kSamples;
  }
  state.SetItemsProcessed(state.iterations());
  state.SetLabel("1M-device state tree, " + std::to_string(p.proof_bytes / kSamples) + " B per proof");
}
BENCHMARK(BM_OfflineAuthVerify);

constexpr std::size_t kBatch = std::size_t{1} << 17;

struct SignedReadings {
  std::vector<dev::Reading> readings;
  std::vector<crypto::Signature> sigs;
};

const SignedReadings& signed_readings() {
  static const SignedReadings s = [] {
    SignedReadings out;
    const auto k = key_of(sample(0));
    for (std::size_t i = 0; i < kBatch; ++i) {
      dev::Reading r{id_of(sample(i % 64)), 1'700'000'000'000 + i, 1 + i / 64, 0,
                     Bytes(16, static_cast<std::uint8_t>(i))};
      out.sigs.push_back(dev::sign_reading(k, kChain, r));
      out.readings.push_back(std::move(r));
    }
    return out;
  }();
  return s;
}

void BM_AnchorBatchBuild(benchmark::State& state) {
  const SignedReadings& s = signed_readings();
  for (auto _ : state) {
    std::vector<crypto::Hash32> leaves;
    leaves.reserve(kBatch);
    for (std::size_t i = 0; i < kBatch; ++i)
      leaves.push_back(dev::reading_leaf(kChain, s.readings[i], s.sigs[i]));
    const dev::MerkleTree tree(dev::kReadingDomain, std::move(leaves));
    benchmark::DoNotOptimize(tree.root());
  }
  state.SetItemsProcessed(state.iterations() * kBatch);
  state.SetLabel("2^17 readings of 16 value bytes per batch (leaves + tree)");
}
BENCHMARK(BM_AnchorBatchBuild)->Unit(benchmark::kMillisecond);

void BM_VerifyOneReading(benchmark::State& state) {
  const SignedReadings& s = signed_readings();
  std::vector<crypto::Hash32> leaves;
  for (std::size_t i = 0; i < kBatch; ++i)
    leaves.push_back(dev::reading_leaf(kChain, s.readings[i], s.sigs[i]));
  const dev::MerkleTree tree(dev::kReadingDomain, std::move(leaves));
  dev::AnchorRecord batch;
  batch.root = tree.root();
  batch.count = kBatch;
  batch.time_ms = 1'800'000'000'000;
  for (std::uint32_t d = 0; d < 64; ++d) batch.ranges.push_back({id_of(sample(d)), 1, kBatch / 64});
  const auto key = key_of(sample(0)).public_key();
  std::vector<std::vector<crypto::Hash32>> paths;
  for (std::size_t i = 0; i < kSamples; ++i) paths.push_back(tree.path(i * 97));
  std::size_t i = 0;
  for (auto _ : state) {
    const std::size_t at = i * 97;
    if (dev::verify_reading(kChain, s.readings[at], s.sigs[at], key, batch, at, paths[i]) !=
        dev::ReadingOutcome::kOk)
      state.SkipWithError("reading");
    i = (i + 1) % kSamples;
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_VerifyOneReading);

}  // namespace
}  // namespace telco::bench::device
