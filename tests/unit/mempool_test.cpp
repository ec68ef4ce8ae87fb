#include <gtest/gtest.h>

#include <map>
#include <thread>

#include "mempool/mempool.h"
#include "modules/bank/account.h"
#include "test_chain.h"

namespace telco {
namespace {

using chain::ResultCode;
using test::addr;
using test::transfer;

class MempoolTest : public ::testing::Test {
 protected:
  MempoolTest() : genesis_(make()), exec_(genesis_) {
    const state::Writes w = exec_.genesis_writes();
    view_.apply(w, state::genesis_tree(w));
    pool_ = std::make_unique<mempool::Mempool>(exec_, view_, config());
  }
  static chain::Genesis make() {
    auto g = test::make_genesis(4, 100'000);
    g.params.max_pending_per_sender = 8;
    return g;
  }
  static mempool::MempoolConfig config() {
    mempool::MempoolConfig c;
    c.txs_max = 20;
    c.verify_threads = 2;
    return c;
  }
  ResultCode submit_one(chain::Transaction tx) { return pool_->submit({std::move(tx)}).at(0).code; }

  chain::Genesis genesis_;
  exec::Executor exec_;
  state::MemoryState view_;
  std::unique_ptr<mempool::Mempool> pool_;
};

TEST_F(MempoolTest, AdmitsInNonceOrderAndRejectsWithCodes) {
  EXPECT_EQ(submit_one(transfer(1, addr(2), 10, 0)), ResultCode::kOk);
  EXPECT_EQ(submit_one(transfer(1, addr(2), 10, 0)), ResultCode::kDuplicate);
  EXPECT_EQ(submit_one(transfer(1, addr(2), 11, 0)), ResultCode::kNonceTooLow);
  EXPECT_EQ(submit_one(transfer(1, addr(2), 10, 5)), ResultCode::kNonceTooHigh);
  EXPECT_EQ(submit_one(transfer(1, addr(2), 10, 1)), ResultCode::kOk);
  auto bad_sig = transfer(2, addr(1), 10, 0);
  bad_sig.signature[0] ^= 1;
  EXPECT_EQ(submit_one(bad_sig), ResultCode::kBadSignature);
  EXPECT_EQ(submit_one(transfer(2, addr(1), 10, 0, 1'000, "other")), ResultCode::kWrongChainId);
  EXPECT_EQ(submit_one(transfer(2, addr(1), 10, 0, 10)), ResultCode::kFeeBelowMinimum);
  EXPECT_EQ(pool_->size(), 2u);
  EXPECT_EQ(pool_->sender(addr(1)).pending, 2u);
  EXPECT_EQ(pool_->sender(addr(1)).next_nonce, 2u);
  EXPECT_EQ(pool_->rejection(bad_sig.hash()), ResultCode::kBadSignature);
}

TEST_F(MempoolTest, BalanceCoversAllPendingSpends) {
  // 100'000 uTEL: two spends of 49'000 + fee 1'000 fit exactly, a third does not.
  EXPECT_EQ(submit_one(transfer(1, addr(2), 49'000, 0)), ResultCode::kOk);
  EXPECT_EQ(submit_one(transfer(1, addr(2), 49'000, 1)), ResultCode::kOk);
  EXPECT_EQ(submit_one(transfer(1, addr(2), 1, 2)), ResultCode::kCannotPayFee);
}

TEST_F(MempoolTest, BoundsPerSenderAndTotal) {
  for (std::uint64_t n = 0; n < 8; ++n) ASSERT_EQ(submit_one(transfer(1, addr(2), 1, n)), ResultCode::kOk);
  EXPECT_EQ(submit_one(transfer(1, addr(2), 1, 8)), ResultCode::kSenderQueueFull);
  for (std::uint64_t n = 0; n < 8; ++n) ASSERT_EQ(submit_one(transfer(2, addr(1), 1, n)), ResultCode::kOk);
  for (std::uint64_t n = 0; n < 4; ++n) ASSERT_EQ(submit_one(transfer(3, addr(1), 1, n)), ResultCode::kOk);
  EXPECT_EQ(submit_one(transfer(3, addr(1), 1, 4)), ResultCode::kMempoolFull);
  EXPECT_EQ(pool_->size(), 20u);
}

TEST_F(MempoolTest, ReapInterleavesSendersInNonceOrderWithinLimits) {
  for (std::uint64_t n = 0; n < 3; ++n) submit_one(transfer(1, addr(2), 1, n));
  for (std::uint64_t n = 0; n < 3; ++n) submit_one(transfer(2, addr(1), 1, n));
  auto all = pool_->reap(100, 1 << 20);
  ASSERT_EQ(all.size(), 6u);
  std::map<crypto::Address, std::uint64_t> next;
  for (const auto& p : all) EXPECT_EQ(p->tx.nonce, next[p->sender]++);
  EXPECT_EQ(pool_->reap(4, 1 << 20).size(), 4u);
  EXPECT_EQ(pool_->reap(100, all[0]->encoded_bytes * 2).size(), 2u);
}

TEST_F(MempoolTest, CommittedBlockRemovesIncludedAndRevalidates) {
  std::vector<chain::Transaction> txs;
  for (std::uint64_t n = 0; n < 3; ++n) txs.push_back(transfer(1, addr(2), 1, n));
  for (const auto& a : pool_->submit(txs)) ASSERT_EQ(a.code, ResultCode::kOk);
  // Commit the first two as a block would.
  std::vector<exec::CheckedTx> checked;
  for (int i = 0; i < 2; ++i) checked.push_back({&txs[i], txs[i].hash(), 200});
  auto out = exec_.build(view_, exec_.genesis_state_root(), checked, {1, 1});
  view_.apply(out.writes, out.tree);
  pool_->on_block_committed({txs[0].hash(), txs[1].hash()}, {});
  EXPECT_EQ(pool_->size(), 1u);
  EXPECT_TRUE(pool_->find(txs[2].hash()));
  EXPECT_FALSE(pool_->find(txs[0].hash()));
  EXPECT_EQ(submit_one(transfer(1, addr(2), 1, 3)), ResultCode::kOk);
}

TEST_F(MempoolTest, InvalidInBlockDropsTheSendersLaterTxs) {
  std::vector<chain::Transaction> txs;
  for (std::uint64_t n = 0; n < 3; ++n) txs.push_back(transfer(1, addr(2), 1, n));
  pool_->submit(txs);
  pool_->on_block_committed({}, {{txs[0].hash(), ResultCode::kCannotPayFee}});
  EXPECT_EQ(pool_->size(), 0u);
  EXPECT_EQ(pool_->rejection(txs[2].hash()), ResultCode::kCannotPayFee);
}

TEST_F(MempoolTest, ConcurrentSubmittersKeepInvariants) {
  std::vector<std::thread> threads;
  for (std::uint8_t s = 1; s <= 4; ++s) {
    threads.emplace_back([this, s] {
      std::vector<chain::Transaction> batch;
      for (std::uint64_t n = 0; n < 5; ++n) batch.push_back(transfer(s, addr(1), 1, n));
      pool_->submit(batch);
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(pool_->size(), 20u);
  std::size_t bytes = 0;
  for (const auto& p : pool_->reap(100, 1 << 20)) bytes += p->encoded_bytes;
  EXPECT_EQ(bytes, pool_->bytes());
}

}  // namespace
}  // namespace telco
