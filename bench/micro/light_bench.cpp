// The light client's two costs (docs/PERFORMANCE.md, "Light client"): verifying a state
// proof against a root of a 1M-key tree, and verifying headers through commits of four
// validators. Run: build/bench/telco-microbench --benchmark_filter=Light
#include <benchmark/benchmark.h>

#include <random>

#include "light/light_client.h"
#include "light_fixture.h"
#include "state/proof.h"

namespace telco::bench::micro {
namespace {

constexpr std::uint32_t kTreeKeys = 1'000'000;
constexpr std::size_t kProofs = 1024;  // half for present keys, half for absent ones

Bytes account_like_key(std::uint32_t n) {
  Bytes k(21, 0);
  k[0] = 0x01;
  for (int i = 0; i < 4; ++i) k[1 + i] = static_cast<std::uint8_t>(n >> (8 * i));
  return k;
}

struct ProofSet {
  crypto::Hash32 root{};
  std::vector<Bytes> keys;
  std::vector<std::optional<Bytes>> values;
  std::vector<Bytes> encoded;
  std::size_t siblings = 0;
  std::size_t bytes = 0;
};

// One 1M-key tree (16-byte values, as accounts), proofs taken, the tree then dropped.
const ProofSet& proofs_1m() {
  static const ProofSet set = [] {
    ProofSet s;
    state::MemoryNodeStore nodes;
    state::Writes w;
    for (std::uint32_t i = 0; i < kTreeKeys; ++i)
      w[account_like_key(2 * i)] = Bytes(16, static_cast<std::uint8_t>(i));
    const state::TreeUpdate u = state::apply_writes(nodes, std::nullopt, 0, w);
    nodes.write(u);
    s.root = u.root_hash;
    std::mt19937 rng(7);
    for (std::size_t i = 0; i < kProofs; ++i) {
      const std::uint32_t n = 2 * (rng() % kTreeKeys) + (i % 2);  // odd keys are absent
      auto p = state::get_with_proof(nodes, 0, account_like_key(n));
      s.keys.push_back(account_like_key(n));
      s.values.push_back(p->value);
      s.encoded.push_back(p->proof.encode());
      s.siblings += p->proof.siblings.size();
      s.bytes += s.encoded.back().size();
    }
    return s;
  }();
  return set;
}

void BM_LightProofVerify1M(benchmark::State& state) {
  const ProofSet& s = proofs_1m();
  std::vector<state::SparseMerkleProof> decoded;
  for (const Bytes& e : s.encoded) decoded.push_back(*state::decode_proof(e));
  std::size_t i = 0;
  for (auto _ : state) {
    const auto& v = s.values[i];
    const auto claim = v ? std::optional<ByteView>(*v) : std::nullopt;
    const auto f = state::verify_proof(s.root, s.keys[i], claim, decoded[i]);
    if (f != state::ProofFailure::kNone) state.SkipWithError("a proof did not verify");
    i = (i + 1) % kProofs;
  }
  state.SetItemsProcessed(state.iterations());
  state.SetLabel("1M keys, " + std::to_string(s.siblings / kProofs) + " siblings, " +
                 std::to_string(s.bytes / kProofs) + " B per proof on average");
}
BENCHMARK(BM_LightProofVerify1M);

// As `telco verify` does it: decode the bytes the node sent, then verify.
void BM_LightProofDecodeVerify1M(benchmark::State& state) {
  const ProofSet& s = proofs_1m();
  std::size_t i = 0;
  for (auto _ : state) {
    const auto p = state::decode_proof(s.encoded[i]);
    const auto& v = s.values[i];
    const auto claim = v ? std::optional<ByteView>(*v) : std::nullopt;
    if (!p || state::verify_proof(s.root, s.keys[i], claim, *p) != state::ProofFailure::kNone)
      state.SkipWithError("a proof did not verify");
    i = (i + 1) % kProofs;
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_LightProofDecodeVerify1M);

// Sequential header verification, every commit signed by all four validators (four
// Ed25519 verifications per header dominate).
void BM_LightHeaders4Validators(benchmark::State& state) {
  constexpr std::uint64_t kHeaders = 200;
  static const light::testing::TestChain chain(kHeaders);
  for (auto _ : state) {
    light::Verdict why;
    auto client = light::LightClient::from_genesis(chain.genesis, &why);
    for (const auto& s : chain.blocks) {
      if (!client->verify_next(s.header, s.commit).ok()) state.SkipWithError("a header did not verify");
    }
    benchmark::DoNotOptimize(client->head_hash());
  }
  state.SetItemsProcessed(state.iterations() * kHeaders);
  state.SetLabel("4 validators, 4 signatures per commit");
}
BENCHMARK(BM_LightHeaders4Validators)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace telco::bench::micro
