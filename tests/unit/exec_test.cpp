#include <gtest/gtest.h>

#include "exec/executor.h"
#include "modules/bank/account.h"
#include "test_chain.h"

namespace telco {
namespace {

using chain::ResultCode;
using test::addr;
using test::transfer;

class ExecTest : public ::testing::Test {
 protected:
  ExecTest() : genesis_(test::make_genesis()), exec_(genesis_) {
    const state::Writes w = exec_.genesis_writes();
    view_.apply(w, state::genesis_tree(w));
  }

  exec::BlockOutcome run(const std::vector<chain::Transaction>& txs, bool commit = true) {
    std::vector<exec::CheckedTx> checked;
    for (const auto& tx : txs) checked.push_back({&tx, tx.hash(), tx.encode().size()});
    exec::BlockOutcome out = exec_.build(view_, root_, checked, {height_ + 1, 1'700'000'001'000 + height_});
    if (commit) {
      view_.apply(out.writes, out.tree);
      root_ = out.state_root;
      ++height_;
    }
    return out;
  }
  modules::bank::Account account(std::uint8_t n) { return modules::bank::load_account(view_, addr(n)); }

  chain::Genesis genesis_;
  exec::Executor exec_;
  state::MemoryState view_;
  crypto::Hash32 root_ = exec_.genesis_state_root();
  std::uint64_t height_ = 0;
};

TEST_F(ExecTest, TransferMovesFundsBurnsFeeAndAdvancesNonce) {
  auto out = run({transfer(1, addr(2), 500, 0)});
  ASSERT_EQ(out.included.size(), 1u);
  EXPECT_EQ(out.receipts[0].code, ResultCode::kOk);
  EXPECT_EQ(out.receipts[0].fee_charged, 1'000u);
  EXPECT_EQ(account(1).balance, 1'000'000'000u - 500 - 1'000);
  EXPECT_EQ(account(1).nonce, 1u);
  EXPECT_EQ(account(2).balance, 1'000'000'000u + 500);
  const auto supply = modules::bank::load_supply(view_);
  EXPECT_EQ(supply.burned, 1'000u);
  EXPECT_EQ(supply.total + supply.burned, genesis_.total_supply());
}

TEST_F(ExecTest, ReplayIsExcludedNotApplied) {
  const auto tx = transfer(1, addr(2), 500, 0);
  run({tx});
  const auto before = view_.values;
  auto out = run({tx});
  EXPECT_TRUE(out.included.empty());
  ASSERT_EQ(out.excluded.size(), 1u);
  EXPECT_EQ(out.excluded[0].second, ResultCode::kNonceTooLow);
  EXPECT_EQ(view_.values, before) << "a replay must not change state";
}

TEST_F(ExecTest, NonceGapIsExcluded) {
  auto out = run({transfer(1, addr(2), 500, 5)});
  ASSERT_EQ(out.excluded.size(), 1u);
  EXPECT_EQ(out.excluded[0].second, ResultCode::kNonceTooHigh);
}

TEST_F(ExecTest, InsufficientFundsChargesFeeButMovesNothing) {
  auto out = run({transfer(1, addr(2), 2'000'000'000, 0)});
  ASSERT_EQ(out.included.size(), 1u);
  EXPECT_EQ(out.receipts[0].code, ResultCode::kInsufficientFunds);
  EXPECT_EQ(account(1).balance, 1'000'000'000u - 1'000);
  EXPECT_EQ(account(1).nonce, 1u);
  EXPECT_EQ(account(2).balance, 1'000'000'000u);
}

TEST_F(ExecTest, FeeLargerThanBalanceIsExcluded) {
  auto out = run({transfer(1, addr(2), 1, 0, 2'000'000'000)});
  ASSERT_EQ(out.excluded.size(), 1u);
  EXPECT_EQ(out.excluded[0].second, ResultCode::kCannotPayFee);
  EXPECT_EQ(account(1).nonce, 0u);
}

// Supply fits in u64, so a valid history can never overflow a balance; the check is a
// defensive guard. Forge such a state directly to prove the guard fails the payload only.
TEST_F(ExecTest, RecipientOverflowFailsPayloadOnly) {
  state::WriteSet forge(view_);
  modules::bank::store_account(forge, addr(2), {UINT64_MAX - 10, 0});
  const state::TreeUpdate forged = state::advance_tree(view_, height_ + 1, root_, forge.writes());
  view_.apply(forge.writes(), forged);
  root_ = forged.root_hash;
  ++height_;
  auto out = run({transfer(1, addr(2), 100, 0)});
  ASSERT_EQ(out.receipts.size(), 1u);
  EXPECT_EQ(out.receipts[0].code, ResultCode::kBalanceOverflow);
  EXPECT_EQ(account(2).balance, UINT64_MAX - 10);
  EXPECT_EQ(account(1).balance, 1'000'000'000u - 1'000);
  EXPECT_EQ(account(1).nonce, 1u);
}

TEST_F(ExecTest, StatelessChecks) {
  auto tx = transfer(1, addr(2), 1, 0);
  EXPECT_EQ(exec_.check_stateless(tx, tx.encode().size()), ResultCode::kOk);
  auto wrong_chain = transfer(1, addr(2), 1, 0, 1'000, "other-chain");
  EXPECT_EQ(exec_.check_stateless(wrong_chain, 100), ResultCode::kWrongChainId);
  auto cheap = transfer(1, addr(2), 1, 0, 999);
  EXPECT_EQ(exec_.check_stateless(cheap, 100), ResultCode::kFeeBelowMinimum);
  EXPECT_EQ(exec_.check_stateless(tx, genesis_.params.max_tx_bytes + 1), ResultCode::kTxTooLarge);
  auto unknown = tx;
  unknown.payload.type = 999;
  EXPECT_EQ(exec_.check_stateless(unknown, 100), ResultCode::kUnknownPayloadType);
  auto garbage = tx;
  garbage.payload.body = {1, 2, 3};
  EXPECT_EQ(exec_.check_stateless(garbage, 100), ResultCode::kMalformedPayload);
  auto zero = transfer(1, addr(2), 0, 0);
  EXPECT_EQ(exec_.check_stateless(zero, 100), ResultCode::kZeroAmount);
  auto version = tx;
  version.version = 2;
  EXPECT_EQ(exec_.check_stateless(version, 100), ResultCode::kUnsupportedVersion);
}

TEST_F(ExecTest, BadSignatureIsDetected) {
  auto tx = transfer(1, addr(2), 1, 0);
  EXPECT_TRUE(tx.verify_signature());
  tx.nonce = 1;
  EXPECT_FALSE(tx.verify_signature());
}

TEST_F(ExecTest, ReplayRejectsInvalidBlockButBuildSkips) {
  const auto good = transfer(1, addr(2), 1, 0);
  const auto bad = transfer(2, addr(1), 1, 7);
  std::vector<exec::CheckedTx> checked = {{&good, good.hash(), 200}, {&bad, bad.hash(), 200}};
  chain::ResultCode reason = ResultCode::kOk;
  EXPECT_FALSE(exec_.replay(view_, root_, checked, {1, 1}, &reason).has_value());
  EXPECT_EQ(reason, ResultCode::kNonceTooHigh);
  auto built = exec_.build(view_, root_, checked, {1, 1});
  EXPECT_EQ(built.included, std::vector<std::size_t>{0});
}

TEST_F(ExecTest, DeterministicRootsAndHistoryIndex) {
  const std::vector<chain::Transaction> txs = {transfer(1, addr(2), 7, 0), transfer(2, addr(3), 9, 0),
                                               transfer(1, addr(1), 3, 1)};
  auto a = run(txs, false);
  auto b = run(txs, false);
  EXPECT_EQ(a.state_root, b.state_root);
  EXPECT_EQ(a.writes, b.writes);
  // sender and recipient per transfer; a self-transfer touches the sender once
  EXPECT_EQ(a.touched.size(), 5u);
  auto different = run({transfer(1, addr(2), 8, 0)}, false);
  EXPECT_NE(a.state_root, different.state_root);
}

TEST_F(ExecTest, BlockTxLimitIsRespected) {
  chain::Genesis g = test::make_genesis();
  g.params.max_block_txs = 2;
  exec::Executor ex(g);
  state::MemoryState view;
  const state::Writes w = ex.genesis_writes();
  view.apply(w, state::genesis_tree(w));
  std::vector<chain::Transaction> txs;
  for (std::uint64_t n = 0; n < 5; ++n) txs.push_back(transfer(1, addr(2), 1, n));
  std::vector<exec::CheckedTx> checked;
  for (const auto& tx : txs) checked.push_back({&tx, tx.hash(), 200});
  EXPECT_EQ(ex.build(view, ex.genesis_state_root(), checked, {1, 1}).included.size(), 2u);
}

}  // namespace
}  // namespace telco
