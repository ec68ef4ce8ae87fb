// Executor::build of one block over an in-memory committed state: the single-writer cost of
// execution (envelope checks, fee and nonce, the bank handler, write set, state root),
// without storage. Senders are distinct, as in a block reaped round-robin from the mempool.
#include <benchmark/benchmark.h>

#include "micro/fixtures.h"

namespace telco::bench::micro {
namespace {

void BM_ExecutorBuild(benchmark::State& state) {
  const auto n = static_cast<std::size_t>(state.range(0));
  const Chain c = make_chain(n);
  const exec::Executor executor(c.genesis);
  state::MemoryState committed;
  const state::Writes genesis = executor.genesis_writes();
  committed.apply(genesis, state::genesis_tree(genesis));
  const crypto::Hash32 root = executor.genesis_state_root();
  const auto txs = transfers(c, n);
  const auto candidates = checked(txs);
  const exec::BlockContext ctx{1, c.genesis.genesis_time_ms + 1};
  for (auto _ : state) {
    exec::BlockOutcome out = executor.build(committed, root, candidates, ctx);
    if (out.included.size() != n) state.SkipWithError("not every transaction was included");
    benchmark::DoNotOptimize(out.state_root);
  }
  state.SetItemsProcessed(state.iterations() * state.range(0));
}
BENCHMARK(BM_ExecutorBuild)->Arg(1'000)->Arg(10'000)->Unit(benchmark::kMillisecond);

// The state commitment alone: the state tree update for the block's sorted writes.
void BM_StateRoot(benchmark::State& state) {
  const auto n = static_cast<std::size_t>(state.range(0));
  const Chain c = make_chain(n);
  const exec::Executor executor(c.genesis);
  state::MemoryState committed;
  const state::Writes genesis = executor.genesis_writes();
  committed.apply(genesis, state::genesis_tree(genesis));
  const auto txs = transfers(c, n);
  const auto candidates = checked(txs);
  const exec::BlockOutcome out = executor.build(committed, executor.genesis_state_root(), candidates, {1, 1});
  const crypto::Hash32 root = executor.genesis_state_root();
  for (auto _ : state) benchmark::DoNotOptimize(state::advance_tree(committed, 1, root, out.writes).root_hash);
  state.SetItemsProcessed(state.iterations() * state.range(0));
  state.SetLabel(std::to_string(out.writes.size()) + " writes");
}
BENCHMARK(BM_StateRoot)->Arg(1'000)->Unit(benchmark::kMicrosecond);

}  // namespace
}  // namespace telco::bench::micro
