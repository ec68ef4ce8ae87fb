// Canonical encodings of proposals, votes and evidence: round trips, and every reject.
#include <gtest/gtest.h>

#include "consensus_fixture.h"

namespace telco::consensus {
namespace {

using namespace testing;

TEST(ConsensusMessages, VoteRoundTripAndLayout) {
  const Vote v = vote(1, VoteType::kPrecommit, 3, chain::Commit{}.hash(), 9);
  const Bytes bytes = v.encode();
  ASSERT_EQ(bytes.size(), kVoteBytes);
  EXPECT_EQ(bytes[0], 2);  // precommit
  EXPECT_EQ(decode_vote(bytes), v);
  EXPECT_TRUE(verify_vote_signature(v, kChainId));
  EXPECT_FALSE(verify_vote_signature(v, "other-chain"));
}

// A precommit signs exactly what a commit signature covers.
TEST(ConsensusMessages, PrecommitSignsCommitBytes) {
  const Vote v = vote(0, VoteType::kPrecommit, 2, chain::Commit{}.hash());
  EXPECT_EQ(v.signing_bytes(kChainId),
            chain::vote_signing_bytes(kChainId, chain::kVotePrecommit, 1, 2, v.block_hash, v.time_ms));
  const Vote p = vote(0, VoteType::kPrevote, 2, v.block_hash);
  EXPECT_NE(p.signing_bytes(kChainId), v.signing_bytes(kChainId)) << "the type is signed";
}

TEST(ConsensusMessages, VoteRejects) {
  const Bytes good = vote(1, VoteType::kPrevote, 0, kNilHash).encode();
  codec::DecodeError e{};
  Bytes bad_type = good;
  bad_type[0] = 3;
  EXPECT_FALSE(decode_vote(bad_type, &e));
  EXPECT_EQ(e, codec::DecodeError::kInvalid);
  Bytes sentinel_round = good;
  for (int i = 9; i < 13; ++i) sentinel_round[i] = 0xFF;
  EXPECT_FALSE(decode_vote(sentinel_round, &e));
  Bytes trailing = good;
  trailing.push_back(0);
  EXPECT_FALSE(decode_vote(trailing, &e));
  EXPECT_EQ(e, codec::DecodeError::kTooLong);
  EXPECT_FALSE(decode_vote(ByteView(good).first(good.size() - 1), &e));
  EXPECT_EQ(e, codec::DecodeError::kTruncated);
}

TEST(ConsensusMessages, ProposalRoundTripAndPolSentinel) {
  const ValidatorSet set = make_set();
  const chain::Block b = make_block(set, kGenesisMs + 5, 1, 0);
  for (Round pol : {kNoRound, Round{0}, Round{3}}) {
    const Proposal p = proposal(0, 4, pol, b);
    const Bytes bytes = p.encode();
    EXPECT_EQ(decode_proposal(bytes), p);
    const std::uint32_t wire = bytes[12] | bytes[13] << 8 | bytes[14] << 16 | static_cast<std::uint32_t>(bytes[15]) << 24;
    EXPECT_EQ(wire, pol == kNoRound ? kNoRoundWire : static_cast<std::uint32_t>(pol));
  }
  Proposal p = proposal(0, 4, 1, b);
  Proposal q = p;
  q.pol_round = 2;
  EXPECT_NE(p.signing_bytes(kChainId), q.signing_bytes(kChainId)) << "pol_round is signed";
}

TEST(ConsensusMessages, ProposalRejects) {
  const ValidatorSet set = make_set();
  const chain::Block b = make_block(set, kGenesisMs + 5, 1, 0);
  codec::DecodeError e{};
  EXPECT_FALSE(decode_proposal(proposal(0, 2, 2, b).encode(), &e)) << "pol_round must be below round";
  EXPECT_EQ(e, codec::DecodeError::kInvalid);
  Bytes bytes = proposal(0, 2, kNoRound, b).encode();
  bytes.push_back(0);
  EXPECT_FALSE(decode_proposal(bytes, &e));
  EXPECT_EQ(e, codec::DecodeError::kTrailing);
  Bytes bad_block = proposal(0, 2, kNoRound, b).encode();
  bad_block[84] ^= 0xFF;  // the header version inside the block
  EXPECT_FALSE(decode_proposal(bad_block, &e));
  Bytes oversize(kProposalBytesMax + 1, 0);
  EXPECT_FALSE(decode_proposal(oversize, &e));
  EXPECT_EQ(e, codec::DecodeError::kTooLong);
}

TEST(ConsensusMessages, EvidenceIsCanonicalAndVerifies) {
  const ValidatorSet set = make_set();
  const Vote a = vote(2, VoteType::kPrevote, 1, kNilHash);
  const Vote b = vote(2, VoteType::kPrevote, 1, chain::Commit{}.hash());
  const DuplicateVoteEvidence ev = DuplicateVoteEvidence::of(a, b);
  EXPECT_EQ(ev, DuplicateVoteEvidence::of(b, a));
  const Bytes bytes = ev.encode();
  ASSERT_EQ(bytes.size(), kEvidenceBytes);
  EXPECT_EQ(decode_evidence(bytes), ev);
  EXPECT_EQ(verify_evidence(ev, kChainId, set), EvidenceError::kOk);

  codec::DecodeError e{};
  const DuplicateVoteEvidence swapped{ev.second, ev.first};
  EXPECT_FALSE(decode_evidence(swapped.encode(), &e));
  EXPECT_EQ(e, codec::DecodeError::kNonCanonical);
  EXPECT_EQ(verify_evidence(swapped, kChainId, set), EvidenceError::kNonCanonical);
  EXPECT_EQ(verify_evidence(DuplicateVoteEvidence::of(a, vote(2, VoteType::kPrevote, 2, b.block_hash)), kChainId, set),
            EvidenceError::kNotConflicting);
  EXPECT_EQ(verify_evidence(DuplicateVoteEvidence::of(a, vote(3, VoteType::kPrevote, 1, b.block_hash)), kChainId, set),
            EvidenceError::kNotConflicting);
  Vote forged = b;
  forged.signature[5] ^= 1;
  EXPECT_EQ(verify_evidence(DuplicateVoteEvidence::of(a, forged), kChainId, set), EvidenceError::kBadSignature);
  EXPECT_EQ(verify_evidence(ev, kChainId, make_set({1, 1})), EvidenceError::kUnknownValidator);
  Bytes bad_kind = bytes;
  bad_kind[0] = 2;
  EXPECT_FALSE(decode_evidence(bad_kind, &e));
}

}  // namespace
}  // namespace telco::consensus
