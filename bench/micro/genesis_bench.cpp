// What a node start pays for a large genesis before it can answer: reading genesis.json
// (JSON parse, bech32 decoding, validation), hashing it, and the executor's validation.
// A million accounts is the restart target's size (docs/PERFORMANCE.md); addresses are
// arbitrary 20-byte values, which costs the setup nothing and the parser the same.
#include <benchmark/benchmark.h>

#include "exec/executor.h"
#include "micro/fixtures.h"

namespace telco::bench::micro {
namespace {

const chain::Genesis& big_genesis(std::size_t accounts) {
  static std::map<std::size_t, chain::Genesis> cache;
  auto it = cache.find(accounts);
  if (it != cache.end()) return it->second;
  chain::Genesis g = make_chain(1).genesis;
  g.accounts.clear();
  g.accounts.reserve(accounts);
  for (std::size_t i = 0; i < accounts; ++i) {
    // A hash of the index spreads the addresses as real ones are spread.
    const crypto::Hash32 h = crypto::blake2b_256(ByteView(reinterpret_cast<const std::uint8_t*>(&i), sizeof(i)));
    crypto::Address a;
    std::copy_n(h.begin(), a.bytes.size(), a.bytes.begin());
    g.accounts.push_back({a, 1'000'000});
  }
  return cache.emplace(accounts, std::move(g)).first->second;
}

void BM_GenesisParseJson(benchmark::State& state) {
  const std::string text = chain::genesis_to_json(big_genesis(static_cast<std::size_t>(state.range(0))));
  for (auto _ : state) benchmark::DoNotOptimize(chain::parse_genesis_json(text));
  state.SetItemsProcessed(state.iterations() * state.range(0));
  state.SetLabel(std::to_string(text.size() >> 20) + " MiB of JSON");
}
BENCHMARK(BM_GenesisParseJson)->Arg(1'000'000)->Iterations(2)->Unit(benchmark::kMillisecond);

void BM_GenesisValidate(benchmark::State& state) {
  const chain::Genesis& g = big_genesis(static_cast<std::size_t>(state.range(0)));
  for (auto _ : state) chain::validate(g);
  state.SetItemsProcessed(state.iterations() * state.range(0));
}
BENCHMARK(BM_GenesisValidate)->Arg(1'000'000)->Iterations(2)->Unit(benchmark::kMillisecond);

void BM_GenesisHash(benchmark::State& state) {
  const chain::Genesis& g = big_genesis(static_cast<std::size_t>(state.range(0)));
  for (auto _ : state) benchmark::DoNotOptimize(g.hash());
  state.SetItemsProcessed(state.iterations() * state.range(0));
}
BENCHMARK(BM_GenesisHash)->Arg(1'000'000)->Iterations(2)->Unit(benchmark::kMillisecond);

// The Node constructor builds an Executor, which validates the genesis again.
void BM_ExecutorConstruct(benchmark::State& state) {
  const chain::Genesis& g = big_genesis(static_cast<std::size_t>(state.range(0)));
  for (auto _ : state) benchmark::DoNotOptimize(exec::Executor(g));
  state.SetItemsProcessed(state.iterations() * state.range(0));
}
BENCHMARK(BM_ExecutorConstruct)->Arg(1'000'000)->Iterations(2)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace telco::bench::micro
