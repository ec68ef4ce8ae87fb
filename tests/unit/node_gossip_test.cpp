// node/gossip: every node-to-node message round-trips, and the decoder refuses unknown
// kinds, truncations, trailing bytes, empty or oversized batches and out-of-range requests.
#include <gtest/gtest.h>

#include "consensus_fixture.h"
#include "node/gossip.h"
#include "test_chain.h"

namespace telco::node::gossip {
namespace {

using consensus::testing::make_block;
using consensus::testing::make_set;

std::vector<Bytes> samples() {
  const auto set = make_set();
  const chain::Block block = make_block(set, consensus::testing::kGenesisMs + 1, 7, set.proposer());
  const auto vote = consensus::testing::vote(0, consensus::VoteType::kPrecommit, 0, block.header.hash());
  const auto other = consensus::testing::vote(0, consensus::VoteType::kPrecommit, 0, consensus::kNilHash);
  chain::Commit commit{1, 0, block.header.hash(), {{vote.validator, vote.time_ms, vote.signature}}};
  return {
      encode(Status{42}),
      encode(vote),
      encode(consensus::DuplicateVoteEvidence::of(vote, other)),
      encode(consensus::testing::proposal(set.proposer(), 0, consensus::kNoRound, block)),
      encode_txs({test::transfer(1, test::addr(2), 5, 0).encode(), test::transfer(1, test::addr(3), 6, 1).encode()}),
      encode(BlocksRequest{10, kBlocksPerRequestMax}),
      encode(BlockResponse{block, commit}),
      encode(BlocksUnavailable{11}),
  };
}

TEST(NodeGossip, EveryMessageRoundTripsAndEveryPrefixIsRefused) {
  for (const Bytes& bytes : samples()) {
    auto m = decode(bytes);
    ASSERT_TRUE(m.has_value()) << "kind " << int(bytes[0]);
    EXPECT_EQ(encode(*m), bytes) << "kind " << int(bytes[0]);
    for (std::size_t n = 0; n < bytes.size(); ++n) {
      EXPECT_FALSE(decode(ByteView(bytes).first(n)).has_value()) << "kind " << int(bytes[0]) << " prefix " << n;
    }
    Bytes longer = bytes;
    longer.push_back(0);
    EXPECT_FALSE(decode(longer).has_value()) << "kind " << int(bytes[0]) << " with a trailing byte";
  }
}

TEST(NodeGossip, RefusesUnknownKindsEmptyBatchesAndBadRequests) {
  codec::DecodeError error = codec::DecodeError::kNone;
  EXPECT_FALSE(decode(Bytes{}, &error));
  EXPECT_EQ(error, codec::DecodeError::kTruncated);
  for (int kind : {0, 9, 200, 255}) {
    EXPECT_FALSE(decode(Bytes{static_cast<std::uint8_t>(kind), 0, 0, 0, 0, 0, 0, 0, 0}, &error)) << kind;
    EXPECT_EQ(error, codec::DecodeError::kInvalid);
  }
  EXPECT_FALSE(decode(encode_txs({})));
  EXPECT_FALSE(decode(encode(BlocksRequest{1, 0})));
  EXPECT_FALSE(decode(encode(BlocksRequest{1, kBlocksPerRequestMax + 1})));
  Bytes garbage_tx = encode_txs({Bytes{1, 2, 3}});
  EXPECT_FALSE(decode(garbage_tx));
}

}  // namespace
}  // namespace telco::node::gossip
