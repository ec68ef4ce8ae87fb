#include <gtest/gtest.h>

#include <thread>

#include "modules/bank/account.h"
#include "node/node.h"
#include "test_chain.h"

namespace telco {
namespace {

using test::addr;
using test::transfer;

std::unique_ptr<node::Node> make_node(const chain::Genesis& g, const std::filesystem::path& dir,
                                      std::uint64_t* clock) {
  node::NodeConfig config;
  config.storage.sync = false;
  return std::make_unique<node::Node>(std::make_shared<const chain::Genesis>(g), test::key(0), config, dir, [clock] { return *clock; });
}

TEST(NodeTest, SubmitProduceQueryAndRestart) {
  test::TempDir dir;
  const chain::Genesis g = test::make_genesis();
  std::uint64_t clock = g.genesis_time_ms + 1'000;
  const auto tx = transfer(1, addr(2), 1'500'000, 0);
  crypto::Hash32 block_hash{};
  {
    auto node = make_node(g, dir.path(), &clock);
    EXPECT_EQ(node->head().height, 0u);
    std::vector<std::uint64_t> event_heights;
    std::vector<crypto::Hash32> event_tx_hashes;
    node->subscribe([&](const api::BlockEvent& e) {
      event_heights.push_back(e.data->block.header.height);
      event_tx_hashes = e.data->tx_hashes;
    });

    auto results = node->submit({tx});
    ASSERT_EQ(results.size(), 1u);
    EXPECT_EQ(results[0].code, chain::ResultCode::kOk);
    EXPECT_EQ(results[0].hash, tx.hash());
    EXPECT_EQ(node->tx_status(tx.hash()).state, api::TxState::kPending);
    EXPECT_EQ(node->account(addr(1)).pending_nonce, 1u);

    EXPECT_TRUE(node->produce_block(false));
    EXPECT_FALSE(node->produce_block(false)) << "no empty blocks unless asked";
    EXPECT_EQ(event_heights, std::vector<std::uint64_t>{1});
    EXPECT_EQ(event_tx_hashes, std::vector<crypto::Hash32>{tx.hash()}) << "events carry the producer's hashes";

    const api::ChainHead head = node->head();
    EXPECT_EQ(head.height, 1u);
    EXPECT_EQ(head.time_ms, clock);
    block_hash = head.hash;
    const api::TxStatus st = node->tx_status(tx.hash());
    ASSERT_EQ(st.state, api::TxState::kFinalized);
    EXPECT_EQ(st.location->height, 1u);
    EXPECT_EQ(st.receipt->code, chain::ResultCode::kOk);
    EXPECT_EQ(st.block_hash, block_hash);

    auto block = node->block_at(1);
    ASSERT_TRUE(block);
    EXPECT_TRUE(block->block.body_matches_header());
    ASSERT_EQ(block->commit.signatures.size(), 1u);
    const auto& sig = block->commit.signatures[0];
    EXPECT_TRUE(crypto::verify(sig.validator,
                               chain::vote_signing_bytes(g.chain_id, chain::kVotePrecommit, 1, 0, block_hash, sig.time_ms),
                               sig.signature));
    EXPECT_EQ(node->height_of(block_hash), 1u);
    EXPECT_EQ(node->header_at(1), block->block.header);
    EXPECT_FALSE(node->header_at(2));
    EXPECT_EQ(node->account(addr(2)).balance, 1'000'000'000u + 1'500'000);
    EXPECT_EQ(node->account_txs(addr(2), 10, std::nullopt).size(), 1u);

    // Time never goes backwards even if the clock does.
    clock -= 10'000;
    node->submit({transfer(1, addr(2), 1, 1)});
    EXPECT_TRUE(node->produce_block(false));
    EXPECT_EQ(node->head().time_ms, head.time_ms + 1);
    EXPECT_TRUE(node->produce_block(true));
    EXPECT_EQ(node->head().height, 3u);
  }
  auto node = make_node(g, dir.path(), &clock);
  EXPECT_EQ(node->head().height, 3u);
  EXPECT_EQ(node->tx_status(tx.hash()).state, api::TxState::kFinalized);
  EXPECT_EQ(node->block_at(1)->hash, block_hash);
  EXPECT_EQ(node->submit({tx})[0].code, chain::ResultCode::kNonceTooLow) << "replay after restart";
}

TEST(NodeTest, ProducerThreadCommitsPendingTransactions) {
  test::TempDir dir;
  const chain::Genesis g = test::make_genesis();
  node::NodeConfig config;
  config.storage.sync = false;
  node::Node node(std::make_shared<const chain::Genesis>(g), test::key(0), config, dir.path());
  node.start();
  std::vector<chain::Transaction> txs;
  for (std::uint64_t n = 0; n < 50; ++n) txs.push_back(transfer(1, addr(2), 1, n));
  for (const auto& r : node.submit(txs)) ASSERT_EQ(r.code, chain::ResultCode::kOk);
  for (int i = 0; i < 200 && node.tx_status(txs.back().hash()).state != api::TxState::kFinalized; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  node.stop();
  for (const auto& tx : txs) EXPECT_EQ(node.tx_status(tx.hash()).state, api::TxState::kFinalized);
  EXPECT_EQ(node.account(addr(1)).nonce, 50u);
}

TEST(NodeTest, RefusesForeignDataDirAndFollowsWithAnotherKey) {
  test::TempDir dir;
  std::uint64_t clock = 1;
  const chain::Genesis g = test::make_genesis();
  { make_node(g, dir.path(), &clock); }
  chain::Genesis other = g;
  other.chain_id = "another-chain";
  EXPECT_THROW(make_node(other, dir.path(), &clock), std::runtime_error);
  node::NodeConfig config;
  test::TempDir dir2;
  // A key that is not the sole validator makes a node that cannot produce blocks itself:
  // it needs consensus (and follows the chain when the key is in no validator set).
  node::Node follower(std::make_shared<const chain::Genesis>(g), test::key(9), config, dir2.path());
  EXPECT_FALSE(follower.single_validator());
  EXPECT_THROW(follower.start(), std::logic_error);
  EXPECT_TRUE(make_node(g, dir.path(), &clock)->single_validator());
}

}  // namespace
}  // namespace telco
