// Store::commit_block of one executed block (block, receipts, commit, tx index, history
// index, state writes, head) as one RocksDB WriteBatch, with fsync off and on.
#include <benchmark/benchmark.h>

#include <cstring>

#include "chain/merkle.h"
#include "micro/fixtures.h"
#include "modules/bank/account.h"
#include "storage/store.h"

namespace telco::bench::micro {
namespace {

void BM_StoreCommitBlock(benchmark::State& state) {
  const auto n = static_cast<std::size_t>(state.range(0));
  const bool sync = state.range(1) != 0;
  const Chain c = make_chain(n);
  const exec::Executor executor(c.genesis);
  state::MemoryState committed;
  const state::Writes genesis = executor.genesis_writes();
  committed.apply(genesis, state::genesis_tree(genesis));
  const auto txs = transfers(c, n);
  const auto candidates = checked(txs);
  const exec::BlockOutcome out = executor.build(committed, executor.genesis_state_root(), candidates, {1, 1});

  chain::Block block;
  std::vector<crypto::Hash32> hashes;
  for (const auto& ct : candidates) hashes.push_back(ct.hash);
  block.txs = txs;
  block.header.chain_id = c.genesis.chain_id;
  block.header.tx_root = chain::merkle_root(hashes);
  block.header.tx_count = static_cast<std::uint32_t>(n);
  block.header.state_root = out.state_root;
  chain::Commit commit{1, 0, {}, {{c.keys[0].public_key(), 1, {}}}};

  TempDir dir;
  storage::StoreOptions options;
  options.sync = sync;
  auto store = storage::Store::open(dir.path() / "db", options);
  store->init_genesis({}, genesis, state::genesis_tree(genesis), 0);
  std::uint64_t height = 0;
  crypto::Hash32 root = executor.genesis_state_root();
  for (auto _ : state) {
    // A new height each time, as the node commits; the rest of the record is the same.
    block.header.height = ++height;
    // The state tree update for this height is the executor's work, not the store's.
    state.PauseTiming();
    const state::TreeUpdate tree = state::advance_tree(*store, height, root, out.writes);
    root = block.header.state_root = tree.root_hash;
    state.ResumeTiming();
    // Fresh transaction hashes per block, as on a real chain (index keys never repeat).
    for (crypto::Hash32& h : hashes) std::memcpy(h.data(), &height, sizeof height);
    const crypto::Hash32 block_hash = block.header.hash();
    commit.height = height;
    commit.block_hash = block_hash;
    store->commit_block({block, block_hash, hashes, out.receipts, commit, out.writes, out.touched}, tree);
  }
  state.SetItemsProcessed(state.iterations() * state.range(0));
  state.SetLabel(sync ? "sync on (fsync per block)" : "sync off");
}
BENCHMARK(BM_StoreCommitBlock)
    ->Args({1'000, 0})
    ->Args({1'000, 1})
    ->Args({10'000, 0})
    ->Args({10'000, 1})
    ->ArgNames({"txs", "sync"})
    ->UseRealTime()
    ->Unit(benchmark::kMillisecond);

// A committed-state read, as execution and mempool admission do for every account.
void BM_StoreGetAccount(benchmark::State& state) {
  const Chain c = make_chain(1'000);
  const exec::Executor executor(c.genesis);
  TempDir dir;
  auto store = storage::Store::open(dir.path() / "db", {});
  const state::Writes genesis = executor.genesis_writes();
  store->init_genesis({}, genesis, state::genesis_tree(genesis), 0);
  std::size_t i = 0;
  for (auto _ : state) {
    benchmark::DoNotOptimize(modules::bank::load_account(*store, c.addresses[i++ % c.addresses.size()]));
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_StoreGetAccount);

}  // namespace
}  // namespace telco::bench::micro
