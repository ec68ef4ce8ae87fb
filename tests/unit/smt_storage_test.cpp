// The state tree in the RocksDB store: nodes written in the block's batch, proofs after a
// reopen (no rebuild), pruning past the window, and a failed commit leaving no trace.
#include <gtest/gtest.h>

#include "smt_store_fixture.h"
#include "test_chain.h"

namespace telco {
namespace {

using test::smt_key;

TEST(SmtStorage, TreeSurvivesReopenWithoutRebuild) {
  test::TempDir dir;
  std::mt19937_64 rng(7);
  std::map<Bytes, Bytes> model;
  const auto apply = [&](const state::Writes& w) {
    for (const auto& [k, v] : w) {
      if (v) model[k] = *v; else model.erase(k);
    }
  };
  {
    auto store = storage::Store::open(dir.path(), {});
    const state::Writes genesis = test::random_writes(rng, 2'000, 1'500);
    test::init_empty_chain(*store, genesis);
    apply(genesis);
    for (int b = 0; b < 5; ++b) {
      const state::Writes w = test::random_writes(rng, 2'000, 200);
      test::commit_state_block(*store, w);
      apply(w);
    }
    EXPECT_EQ(test::check_store_consistent(*store, 2'000), "");
  }
  auto store = storage::Store::open(dir.path(), {});
  EXPECT_EQ(store->head()->height, 5u);
  EXPECT_EQ(test::check_store_consistent(*store, 2'000), "");
  for (int v = 0; v <= 5; ++v) EXPECT_TRUE(state::root_hash_at(*store, v)) << v;
  // The next block builds on the reopened tree; its root is that of the contents.
  const state::Writes w = test::random_writes(rng, 2'000, 100);
  const state::TreeUpdate t = test::commit_state_block(*store, w);
  apply(w);
  state::Writes all;
  for (const auto& [k, v] : model) all[k] = v;
  EXPECT_EQ(t.root_hash, state::genesis_tree(all).root_hash);
}

TEST(SmtStorage, PruningDropsVersionsPastTheWindowOnly) {
  test::TempDir dir;
  storage::StoreOptions options;
  options.state_versions_kept = 3;
  auto store = storage::Store::open(dir.path(), options);
  std::mt19937_64 rng(11);
  test::init_empty_chain(*store, test::random_writes(rng, 500, 300));
  std::map<std::uint64_t, crypto::Hash32> roots;
  for (int b = 1; b <= 12; ++b) roots[b] = test::commit_state_block(*store, test::random_writes(rng, 500, 40)).root_hash;
  EXPECT_EQ(store->state_oldest_version(), 10u);
  for (std::uint64_t v = 0; v < 10; ++v) EXPECT_FALSE(state::root_hash_at(*store, v)) << "version " << v;
  for (std::uint64_t v = 10; v <= 12; ++v) {
    ASSERT_EQ(state::root_hash_at(*store, v), roots[v]);
    EXPECT_TRUE(state::for_each_leaf(*store, v, [](ByteView, ByteView) {})) << "version " << v << " not whole";
    for (std::uint32_t n = 0; n < 500; n += 13) {
      auto vp = state::get_with_proof(*store, v, smt_key(n));
      ASSERT_TRUE(vp);
      const std::optional<ByteView> claim = vp->value ? std::optional<ByteView>(*vp->value) : std::nullopt;
      EXPECT_EQ(state::verify_proof(roots[v], smt_key(n), claim, vp->proof), state::ProofFailure::kNone);
    }
  }
  EXPECT_EQ(test::check_store_consistent(*store, 500), "");
  // A wider window on reopen keeps more from now on; a window under 2 is refused.
  store.reset();
  options.state_versions_kept = 1;
  EXPECT_THROW(storage::Store::open(dir.path(), options), storage::StorageError);
}

TEST(SmtStorage, LoweredWindowCatchesUpInBoundedSteps) {
  test::TempDir dir;
  std::mt19937_64 rng(5);
  {
    auto store = storage::Store::open(dir.path(), {});
    test::init_empty_chain(*store, test::random_writes(rng, 300, 100));
    for (int b = 0; b < 30; ++b) test::commit_state_block(*store, test::random_writes(rng, 300, 10));
    EXPECT_EQ(store->state_oldest_version(), 0u);
  }
  storage::StoreOptions options;
  options.state_versions_kept = 2;
  auto store = storage::Store::open(dir.path(), options);
  test::commit_state_block(*store, test::random_writes(rng, 300, 10));
  EXPECT_EQ(store->state_oldest_version(), storage::kPruneVersionsPerBatchMax);
  for (int b = 0; b < 4; ++b) test::commit_state_block(*store, test::random_writes(rng, 300, 10));
  EXPECT_EQ(store->state_oldest_version(), 34u) << "caught up: head 35, two versions kept";
  EXPECT_EQ(test::check_store_consistent(*store, 300), "");
}

TEST(SmtStorage, RejectedCommitWritesNothing) {
  test::TempDir dir;
  auto store = storage::Store::open(dir.path(), {});
  std::mt19937_64 rng(3);
  test::init_empty_chain(*store, test::random_writes(rng, 200, 100));
  test::commit_state_block(*store, test::random_writes(rng, 200, 20));
  const storage::Head before = *store->head();
  // A tree update for the wrong height is refused before anything reaches the batch.
  const state::Writes w = test::random_writes(rng, 200, 20);
  state::TreeUpdate tree = state::advance_tree(*store, 2, before.state_root, w);
  chain::Block block;
  block.header.height = 3;
  block.header.state_root = tree.root_hash;
  const crypto::Hash32 hash = block.header.hash();
  const std::vector<crypto::Hash32> none;
  const std::vector<chain::Receipt> no_receipts;
  const std::vector<std::pair<crypto::Address, std::uint32_t>> no_touched;
  EXPECT_THROW(store->commit_block({block, hash, none, no_receipts, {3, 0, hash, {}}, w, no_touched}, tree),
               std::logic_error);
  EXPECT_EQ(*store->head(), before);
  EXPECT_FALSE(state::root_hash_at(*store, 2));
  EXPECT_FALSE(store->block(3));
  EXPECT_EQ(test::check_store_consistent(*store, 200), "");
}

}  // namespace
}  // namespace telco
