// Mempool::submit of one batch into an empty pool: decode-free admission (encode, hash,
// stateless checks, signature on the verify pool; then nonce, balance and insertion under
// the lock). The pool is rebuilt outside the timed region for every iteration, since a
// batch can be admitted only once.
#include <benchmark/benchmark.h>

#include <memory>
#include <thread>

#include "mempool/mempool.h"
#include "micro/fixtures.h"

namespace telco::bench::micro {
namespace {

void BM_MempoolSubmit(benchmark::State& state) {
  const auto n = static_cast<std::size_t>(state.range(0));
  const auto threads = static_cast<std::size_t>(state.range(1));
  const Chain c = make_chain(n);
  const exec::Executor executor(c.genesis);
  MapView committed;
  committed.apply(executor.genesis_writes());
  const auto txs = transfers(c, n);
  mempool::MempoolConfig config;
  config.verify_threads = threads;
  for (auto _ : state) {
    state.PauseTiming();
    auto pool = std::make_unique<mempool::Mempool>(executor, committed, config);
    std::vector<chain::Transaction> batch = txs;
    state.ResumeTiming();
    const auto admissions = pool->submit(std::move(batch));
    state.PauseTiming();
    for (const auto& a : admissions) {
      if (a.code != chain::ResultCode::kOk) state.SkipWithError("a transaction was not admitted");
    }
    pool.reset();  // joins the verify threads, untimed
    state.ResumeTiming();
  }
  state.SetItemsProcessed(state.iterations() * state.range(0));
}
// Verify threads: 1, and one per core as the node runs it (the caller's thread also works).
BENCHMARK(BM_MempoolSubmit)
    ->Args({1'000, 1})
    ->Args({1'000, static_cast<std::int64_t>(std::max(1u, std::thread::hardware_concurrency()))})
    ->ArgNames({"txs", "verify_threads"})
    ->UseRealTime()
    ->Unit(benchmark::kMillisecond);

// Reaping a full block from a pool of 1,000 senders.
void BM_MempoolReap(benchmark::State& state) {
  const auto n = static_cast<std::size_t>(state.range(0));
  const Chain c = make_chain(1'000);
  const exec::Executor executor(c.genesis);
  MapView committed;
  committed.apply(executor.genesis_writes());
  mempool::MempoolConfig config;
  mempool::Mempool pool(executor, committed, config);
  pool.submit(transfers(c, n));
  for (auto _ : state) benchmark::DoNotOptimize(pool.reap(n, 64 << 20));
  state.SetItemsProcessed(state.iterations() * state.range(0));
}
BENCHMARK(BM_MempoolReap)->Arg(10'000)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace telco::bench::micro
