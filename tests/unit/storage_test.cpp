#include <gtest/gtest.h>

#include <fstream>

#include "chain/merkle.h"
#include "exec/executor.h"
#include "modules/bank/account.h"
#include "storage/store.h"
#include "test_chain.h"

namespace telco {
namespace {

using test::addr;

struct BuiltBlock {
  chain::Block block;
  crypto::Hash32 hash;
  std::vector<crypto::Hash32> tx_hashes;
  exec::BlockOutcome outcome;
  chain::Commit commit;
};

BuiltBlock build_block(const exec::Executor& ex, const storage::Store& store, const storage::Head& parent,
                       const std::vector<chain::Transaction>& txs) {
  BuiltBlock b;
  std::vector<exec::CheckedTx> checked;
  for (const auto& tx : txs) checked.push_back({&tx, tx.hash(), tx.encode().size()});
  b.outcome = ex.build(store, parent.state_root, checked, {parent.height + 1, parent.time_ms + 1});
  for (std::size_t i : b.outcome.included) {
    b.block.txs.push_back(txs[i]);
    b.tx_hashes.push_back(checked[i].hash);
  }
  auto& h = b.block.header;
  h.chain_id = "telco-test";
  h.height = parent.height + 1;
  h.time_ms = parent.time_ms + 1;
  h.prev_hash = parent.hash;
  h.last_commit_hash = b.block.last_commit.hash();
  h.tx_root = chain::merkle_root(b.tx_hashes);
  h.tx_count = static_cast<std::uint32_t>(b.block.txs.size());
  h.receipts_root = chain::receipts_root(b.outcome.receipts);
  h.state_root = b.outcome.state_root;
  b.hash = h.hash();
  b.commit = {h.height, 0, b.hash, {}};
  return b;
}

void commit(storage::Store& store, const BuiltBlock& b) {
  store.commit_block(
      {b.block, b.hash, b.tx_hashes, b.outcome.receipts, b.commit, b.outcome.writes, b.outcome.touched},
      b.outcome.tree);
}

void init(storage::Store& store, const exec::Executor& ex, const crypto::Hash32& genesis_hash,
          std::uint64_t time_ms) {
  const state::Writes w = ex.genesis_writes();
  store.init_genesis(genesis_hash, w, state::genesis_tree(w), time_ms);
}

TEST(StorageTest, GenesisThenBlocksSurviveReopen) {
  test::TempDir dir;
  const chain::Genesis g = test::make_genesis();
  exec::Executor ex(g);
  std::vector<crypto::Hash32> tx_hashes;
  crypto::Hash32 last_hash{};
  {
    auto store = storage::Store::open(dir.path(), {});
    EXPECT_FALSE(store->head().has_value());
    init(*store, ex, g.hash(), g.genesis_time_ms);
    EXPECT_THROW(store->init_genesis(g.hash(), {}, {}, 0), storage::StorageError);
    for (std::uint64_t n = 0; n < 3; ++n) {
      auto b = build_block(ex, *store, *store->head(), {test::transfer(1, addr(2), 10, n)});
      commit(*store, b);
      tx_hashes.push_back(b.tx_hashes.at(0));
      last_hash = b.hash;
    }
  }
  auto store = storage::Store::open(dir.path(), {});
  ASSERT_TRUE(store->head());
  EXPECT_EQ(store->head()->height, 3u);
  EXPECT_EQ(store->head()->hash, last_hash);
  EXPECT_EQ(store->genesis_hash(), g.hash());
  EXPECT_EQ(store->height_of(last_hash), 3u);
  for (std::uint64_t h = 1; h <= 3; ++h) {
    auto block = store->block(h);
    ASSERT_TRUE(block);
    EXPECT_EQ(block->header.height, h);
    EXPECT_TRUE(block->body_matches_header());
    EXPECT_EQ(store->header(h), block->header);
    EXPECT_EQ(store->receipts(h)->size(), 1u);
    EXPECT_EQ(store->commit(h)->height, h);
    auto loc = store->tx_location(tx_hashes[h - 1]);
    ASSERT_TRUE(loc);
    EXPECT_EQ(loc->height, h);
    EXPECT_EQ(loc->index, 0u);
  }
  EXPECT_FALSE(store->block(4));
  EXPECT_FALSE(store->tx_location(crypto::Hash32{}));
}

TEST(StorageTest, AccountHistoryNewestFirstWithPaging) {
  test::TempDir dir;
  const chain::Genesis g = test::make_genesis();
  exec::Executor ex(g);
  auto store = storage::Store::open(dir.path(), {});
  init(*store, ex, g.hash(), 0);
  for (std::uint64_t n = 0; n < 5; ++n) {
    commit(*store, build_block(ex, *store, *store->head(), {test::transfer(1, addr(2), 10, n)}));
  }
  auto all = store->account_txs(addr(2), 10, std::nullopt);
  ASSERT_EQ(all.size(), 5u);
  EXPECT_EQ(all.front().first.height, 5u);
  EXPECT_EQ(all.back().first.height, 1u);
  auto page = store->account_txs(addr(2), 2, 4);
  ASSERT_EQ(page.size(), 2u);
  EXPECT_EQ(page[0].first.height, 3u);
  EXPECT_EQ(page[1].first.height, 2u);
  EXPECT_TRUE(store->account_txs(addr(3), 10, std::nullopt).empty());
}

TEST(StorageTest, StateWritesAndDeletesApplyWithHead) {
  test::TempDir dir;
  const chain::Genesis g = test::make_genesis();
  exec::Executor ex(g);
  auto store = storage::Store::open(dir.path(), {});
  init(*store, ex, g.hash(), 0);
  const Bytes extra = {0x7f, 1, 2, 3};
  // Writes no transfer makes: the block's tree update and header follow them.
  const auto with_write = [&](BuiltBlock& b, const storage::Head& parent, std::optional<Bytes> value) {
    b.outcome.writes[extra] = std::move(value);
    b.outcome.tree = state::advance_tree(*store, parent.height + 1, parent.state_root, b.outcome.writes);
    b.outcome.state_root = b.block.header.state_root = b.outcome.tree.root_hash;
    b.hash = b.block.header.hash();
    b.commit.block_hash = b.hash;
  };
  auto b1 = build_block(ex, *store, *store->head(), {test::transfer(1, addr(2), 10, 0)});
  with_write(b1, *store->head(), Bytes{9});
  commit(*store, b1);
  EXPECT_EQ(store->get(extra), Bytes{9});
  EXPECT_EQ(store->head()->state_root, b1.outcome.state_root);
  for (const auto& [k, v] : b1.outcome.writes) EXPECT_EQ(store->get(k), v);
  auto b2 = build_block(ex, *store, *store->head(), {test::transfer(1, addr(2), 10, 1)});
  with_write(b2, *store->head(), std::nullopt);
  commit(*store, b2);
  EXPECT_FALSE(store->get(extra));
  EXPECT_EQ(store->head()->height, 2u);
}

// A row cache holds values read from table files, the state value cache values read from
// the store; a later block's overwrite or delete of the key must win over either, before and
// after the store is reopened (which flushes to files).
void expect_overwrites_win(const storage::StoreOptions& options) {
  test::TempDir dir;
  const chain::Genesis g = test::make_genesis();
  exec::Executor ex(g);
  auto store = storage::Store::open(dir.path(), options);
  init(*store, ex, g.hash(), 0);
  const Bytes extra = {0x7f, 4, 5, 6};
  std::uint64_t nonce = 0;
  const auto commit_write = [&](std::optional<Bytes> value) {
    const storage::Head parent = *store->head();
    auto b = build_block(ex, *store, parent, {test::transfer(1, addr(2), 10, nonce++)});
    b.outcome.writes[extra] = std::move(value);
    b.outcome.tree = state::advance_tree(*store, parent.height + 1, parent.state_root, b.outcome.writes);
    b.outcome.state_root = b.block.header.state_root = b.outcome.tree.root_hash;
    b.hash = b.block.header.hash();
    b.commit.block_hash = b.hash;
    commit(*store, b);
  };
  const auto reopen = [&] {
    store.reset();
    store = storage::Store::open(dir.path(), options);
  };
  commit_write(Bytes{9});
  reopen();
  for (int i = 0; i < 2; ++i) EXPECT_EQ(store->get(extra), Bytes{9});  // the second read is a hit
  commit_write(Bytes{8});
  EXPECT_EQ(store->get(extra), Bytes{8});
  reopen();
  for (int i = 0; i < 2; ++i) EXPECT_EQ(store->get(extra), Bytes{8});
  commit_write(std::nullopt);
  EXPECT_FALSE(store->get(extra));
  reopen();
  EXPECT_FALSE(store->get(extra));
  EXPECT_EQ(store->head()->height, 3u);
  // Read while held: the new value comes from the cache, not from a stale copy.
  EXPECT_FALSE(store->get(extra));
  commit_write(Bytes{7});
  for (int i = 0; i < 2; ++i) EXPECT_EQ(store->get(extra), Bytes{7});
  commit_write(Bytes{6});
  EXPECT_EQ(store->get(extra), Bytes{6});
  commit_write(std::nullopt);
  EXPECT_FALSE(store->get(extra));
}

TEST(StorageTest, RowCacheNeverAnswersWithAnOverwrittenValue) {
  storage::StoreOptions options;
  options.row_cache_bytes = 1 << 20;
  options.state_cache_bytes = 0;
  expect_overwrites_win(options);
}

TEST(StorageTest, StateValueCacheNeverAnswersWithAnOverwrittenValue) {
  storage::StoreOptions options;
  options.state_cache_bytes = 1 << 20;
  expect_overwrites_win(options);
}

TEST(StorageTest, StateValueCacheServesRepeatedReads) {
  test::TempDir dir;
  const chain::Genesis g = test::make_genesis();
  exec::Executor ex(g);
  storage::StoreOptions options;
  options.state_cache_bytes = 1 << 20;
  auto store = storage::Store::open(dir.path(), options);
  init(*store, ex, g.hash(), 0);
  const Bytes key = modules::bank::account_key(addr(1));
  const auto first = store->get(key);
  ASSERT_TRUE(first);
  const storage::StateCacheStats before = store->state_cache_stats();
  for (int i = 0; i < 5; ++i) EXPECT_EQ(store->get(key), first);
  const storage::StateCacheStats after = store->state_cache_stats();
  EXPECT_EQ(after.hits - before.hits, 5u);
  EXPECT_EQ(after.misses, before.misses);
  EXPECT_GE(after.entries, 1u);
  // Absent keys are read from the store every time, and never held.
  const Bytes absent = {0x7f, 1, 2, 3};
  EXPECT_FALSE(store->get(absent));
  EXPECT_FALSE(store->get(absent));
  EXPECT_EQ(store->state_cache_stats().entries, after.entries);
  // A block's writes reach a held key at once.
  auto b = build_block(ex, *store, *store->head(), {test::transfer(1, addr(2), 10, 0)});
  commit(*store, b);
  EXPECT_EQ(store->get(key), b.outcome.writes.at(key));
  EXPECT_NE(store->get(key), first);
}

TEST(StorageTest, OpeningAFileIsALocalError) {
  test::TempDir dir;
  const auto file = dir.path() / "not-a-dir";
  { std::ofstream(file) << "x"; }
  EXPECT_ANY_THROW(storage::Store::open(file, {}));
}

}  // namespace
}  // namespace telco
