// The node's whole block pipeline without HTTP: Node::submit of a batch (mempool admission
// with signature checks on the verify pool), then Node::produce_block (reap, execute, sign,
// commit to RocksDB, notify). Comparing this with the load generator's figure shows what the
// API layer and the event stream cost on top.
#include <benchmark/benchmark.h>
#include <spdlog/spdlog.h>

#include "micro/fixtures.h"
#include "node/node.h"

namespace telco::bench::micro {
namespace {

void BM_NodeSubmitAndCommit(benchmark::State& state) {
  const auto n = static_cast<std::size_t>(state.range(0));
  const bool sync = state.range(1) != 0;
  spdlog::set_level(spdlog::level::warn);  // the node logs every block at info
  const Chain c = make_chain(n);
  TempDir dir;
  node::NodeConfig config;
  config.storage.sync = sync;
  node::Node node(std::make_shared<const chain::Genesis>(c.genesis), key(0), config, dir.path() / "data");
  std::uint64_t nonce = 0;
  for (auto _ : state) {
    state.PauseTiming();
    // Each iteration sends every account's next nonce, so every batch is admissible.
    std::vector<chain::Transaction> txs;
    txs.reserve(n);
    for (std::size_t i = 0; i < n; ++i) txs.push_back(transfer(c, i, (i + 1) % n, nonce));
    ++nonce;
    state.ResumeTiming();
    const auto results = node.submit(std::move(txs));
    if (!node.produce_block(false)) state.SkipWithError("no block was produced");
    state.PauseTiming();
    for (const auto& r : results) {
      if (r.code != chain::ResultCode::kOk) state.SkipWithError("a transaction was not admitted");
    }
    state.ResumeTiming();
  }
  state.SetItemsProcessed(state.iterations() * state.range(0));
  state.SetLabel(sync ? "sync on" : "sync off");
}
BENCHMARK(BM_NodeSubmitAndCommit)
    ->Args({1'000, 0})
    ->Args({1'000, 1})
    ->Args({10'000, 0})
    ->ArgNames({"txs", "sync"})
    ->UseRealTime()
    ->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace telco::bench::micro
