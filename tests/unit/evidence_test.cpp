// Evidence of a double-signing validator: carried in blocks, checked before a block is
// accepted, pooled until proposed, and recorded in state by the executor.
#include <gtest/gtest.h>

#include "chain/limits.h"
#include "consensus_fixture.h"
#include "exec/executor.h"
#include "node/chain_application.h"
#include "node/evidence_pool.h"
#include "node/node.h"
#include "state/write_set.h"
#include "test_chain.h"

namespace telco {
namespace {

using consensus::DuplicateVoteEvidence;
using crypto::Hash32;
using consensus::VoteType;
using namespace consensus::testing;

Hash32 block_hash(std::uint8_t b) {
  Hash32 h{};
  h.fill(b);
  return h;
}

// Validator `signer` prevoted two different blocks at (height, round).
DuplicateVoteEvidence double_vote(std::size_t signer, std::uint64_t height, consensus::Round round = 0) {
  return DuplicateVoteEvidence::of(vote(signer, VoteType::kPrevote, round, block_hash(1), height),
                                   vote(signer, VoteType::kPrevote, round, block_hash(2), height));
}

class BlockEvidenceTest : public ::testing::Test {
 protected:
  std::optional<std::vector<exec::Misbehaviour>> check(const std::vector<Bytes>& items, std::uint64_t height) {
    reason_.clear();
    return node::verify_block_evidence(items, height, kChainId, [this](std::uint64_t) { return set_; }, state_, &reason_);
  }
  consensus::ValidatorSet set_ = make_set();
  state::MemoryState state_;
  std::string reason_;
};

TEST_F(BlockEvidenceTest, AcceptsADoubleVoteOfAMemberAtAnEarlierHeight) {
  const auto e = double_vote(2, 5, 1);
  const auto offences = check({e.encode()}, 6);
  ASSERT_TRUE(offences) << reason_;
  ASSERT_EQ(offences->size(), 1u);
  const exec::Misbehaviour& m = offences->front();
  EXPECT_EQ(m.validator, key(2).public_key());
  EXPECT_EQ(m.height, 5u);
  EXPECT_EQ(m.round, 1u);
  EXPECT_EQ(m.vote_type, static_cast<std::uint8_t>(VoteType::kPrevote));
  EXPECT_EQ(m.evidence_hash, crypto::blake2b_256(e.encode()));
  EXPECT_TRUE(check({}, 6)) << "no evidence is valid evidence";
}

TEST_F(BlockEvidenceTest, RefusesEachBadItemWithAReason) {
  Bytes garbage = double_vote(1, 3).encode();
  garbage.pop_back();
  EXPECT_FALSE(check({garbage}, 4));
  EXPECT_NE(reason_.find("malformed"), std::string::npos) << reason_;

  EXPECT_FALSE(check({double_vote(1, 4).encode()}, 4));  // same height as the block
  EXPECT_NE(reason_.find("earlier height"), std::string::npos) << reason_;

  EXPECT_FALSE(check({double_vote(1, 1).encode()}, 2 + node::kEvidenceAgeMax));
  EXPECT_NE(reason_.find("age"), std::string::npos) << reason_;
  EXPECT_TRUE(check({double_vote(1, 1).encode()}, 1 + node::kEvidenceAgeMax)) << "exactly at the limit";

  // Signed by a key outside the set.
  consensus::Vote a = vote(0, VoteType::kPrevote, 0, block_hash(1), 3);
  consensus::Vote b = vote(0, VoteType::kPrevote, 0, block_hash(2), 3);
  const crypto::KeyPair outsider = key(9);
  a.validator = b.validator = outsider.public_key();
  a.signature = outsider.sign(a.signing_bytes(kChainId));
  b.signature = outsider.sign(b.signing_bytes(kChainId));
  EXPECT_FALSE(check({DuplicateVoteEvidence::of(a, b).encode()}, 4));
  EXPECT_FALSE(reason_.empty());

  // A forged second signature.
  DuplicateVoteEvidence forged = double_vote(1, 3);
  forged.second.signature[0] ^= 1;
  EXPECT_FALSE(check({forged.encode()}, 4));
  EXPECT_FALSE(reason_.empty());

  // One offence twice, even as two different pairs of votes.
  const auto once = double_vote(1, 3);
  const auto again = DuplicateVoteEvidence::of(vote(1, VoteType::kPrevote, 0, block_hash(1), 3),
                                               vote(1, VoteType::kPrevote, 0, block_hash(7), 3));
  EXPECT_FALSE(check({once.encode(), again.encode()}, 4));
  EXPECT_NE(reason_.find("twice"), std::string::npos) << reason_;

  std::vector<Bytes> too_many;
  for (std::size_t i = 0; i <= chain::kBlockEvidenceMax; ++i) too_many.push_back(double_vote(1, 1 + i).encode());
  EXPECT_FALSE(check(too_many, 100));
}

TEST_F(BlockEvidenceTest, RefusesAnOffenceAlreadyRecorded) {
  const auto e = double_vote(3, 2);
  const exec::Misbehaviour m = node::misbehaviour_of(e);
  state_.values[exec::misbehaviour_key(m)] = Bytes(40, 0);
  EXPECT_FALSE(check({e.encode()}, 3));
  EXPECT_NE(reason_.find("already recorded"), std::string::npos) << reason_;
}

TEST(EvidencePool, HoldsEachOffenceOnceAndHandsOutOnlyWhatABlockMayCarry) {
  node::EvidencePool pool;
  state::MemoryState recorded;
  EXPECT_TRUE(pool.add(double_vote(1, 7)));
  EXPECT_FALSE(pool.add(double_vote(1, 7))) << "same offence";
  EXPECT_TRUE(pool.add(double_vote(2, 3)));
  EXPECT_TRUE(pool.add(double_vote(0, 9)));
  EXPECT_EQ(pool.size(), 3u);

  // A block at height 8 may carry the offences at 3 and 7 (oldest first), not the one at 9.
  const auto items = pool.for_block(8, recorded, chain::kBlockEvidenceMax);
  ASSERT_EQ(items.size(), 2u);
  EXPECT_EQ(items[0], double_vote(2, 3).encode());
  EXPECT_EQ(items[1], double_vote(1, 7).encode());
  EXPECT_EQ(pool.for_block(8, recorded, 1).size(), 1u);

  // Recorded elsewhere (another proposer's block): dropped when next asked.
  recorded.values[exec::misbehaviour_key(node::misbehaviour_of(double_vote(2, 3)))] = Bytes(40, 0);
  EXPECT_EQ(pool.for_block(8, recorded, chain::kBlockEvidenceMax).size(), 1u);
  EXPECT_EQ(pool.size(), 2u);

  chain::Block block;
  block.evidence = {double_vote(1, 7).encode()};
  pool.committed(block);
  EXPECT_EQ(pool.size(), 1u);

  // Too old for a block: dropped.
  EXPECT_TRUE(pool.for_block(10 + node::kEvidenceAgeMax, recorded, chain::kBlockEvidenceMax).empty());
  EXPECT_EQ(pool.size(), 0u);
}

TEST(EvidencePool, IsBounded) {
  node::EvidencePool pool;
  for (std::size_t i = 0; i < node::EvidencePool::kCapacity; ++i) ASSERT_TRUE(pool.add(double_vote(i % 4, 1 + i)));
  EXPECT_FALSE(pool.add(double_vote(0, 100'000)));
  EXPECT_EQ(pool.size(), node::EvidencePool::kCapacity);
}

TEST(BlockEvidenceEncoding, RoundTripsAndIsBoundByTheHeader) {
  chain::Block b;
  b.header.chain_id = kChainId;
  b.header.height = 9;
  b.header.last_commit_hash = b.last_commit.hash();
  b.header.tx_root = chain::tx_root({});
  EXPECT_EQ(b.header.evidence_root, Hash32{}) << "no evidence: a zero root";
  EXPECT_TRUE(b.body_matches_header());

  b.evidence = {double_vote(1, 4).encode(), double_vote(2, 5).encode()};
  EXPECT_FALSE(b.body_matches_header());
  b.header.evidence_root = chain::evidence_root(b.evidence);
  EXPECT_NE(b.header.evidence_root, Hash32{});
  EXPECT_TRUE(b.body_matches_header());

  const auto decoded = chain::decode_block(b.encode());
  ASSERT_TRUE(decoded);
  EXPECT_EQ(*decoded, b);

  chain::Block swapped = b;
  std::swap(swapped.evidence[0], swapped.evidence[1]);
  EXPECT_FALSE(swapped.body_matches_header()) << "order is bound";

  // An item over the size bound does not decode.
  chain::Block big = b;
  big.evidence = {Bytes(chain::kEvidenceItemBytesMax + 1, 7)};
  EXPECT_FALSE(chain::decode_block(big.encode()));
}

TEST(MisbehaviourRecord, ExecutorRecordsEachOffenceAndCountsThemPerValidator) {
  const chain::Genesis genesis = test::make_genesis();
  const exec::Executor ex(genesis);
  state::MemoryState view;
  const state::Writes w = ex.genesis_writes();
  view.apply(w, state::genesis_tree(w));
  const Hash32 root0 = ex.genesis_state_root();

  const std::vector<exec::Misbehaviour> offences = {node::misbehaviour_of(double_vote(1, 1)),
                                                    node::misbehaviour_of(double_vote(1, 1, 2)),
                                                    node::misbehaviour_of(double_vote(2, 1))};
  const exec::BlockOutcome out = ex.build(view, root0, {}, {1, 1'700'000'001'000, offences});
  EXPECT_NE(out.state_root, root0) << "the record is covered by the state root";
  view.apply(out.writes, out.tree);

  for (const exec::Misbehaviour& m : offences) {
    const auto rec = exec::load_misbehaviour(view, m);
    ASSERT_TRUE(rec);
    EXPECT_EQ(rec->recorded_at, 1u);
    EXPECT_EQ(rec->evidence_hash, m.evidence_hash);
  }
  EXPECT_EQ(exec::misbehaviour_count(view, key(1).public_key()), 2u);
  EXPECT_EQ(exec::misbehaviour_count(view, key(2).public_key()), 1u);
  EXPECT_EQ(exec::misbehaviour_count(view, key(0).public_key()), 0u);

  // The same offence again is the caller's bug, never a second record.
  const std::vector<exec::Misbehaviour> repeat = {offences[0]};
  EXPECT_THROW(ex.build(view, out.state_root, {}, {2, 1'700'000'002'000, repeat}), std::logic_error);
}

}  // namespace
}  // namespace telco

// Through the real node: a proposer's ChainApplication puts pooled evidence in its block,
// another node's accepts that block and records the offence (provable from state), and a
// block with a forged item is refused.
namespace telco {
namespace {

std::unique_ptr<node::Node> evidence_node(const chain::Genesis& g, const std::filesystem::path& dir,
                                          std::uint64_t* clock) {
  node::NodeConfig config;
  config.storage.sync = false;
  return std::make_unique<node::Node>(std::make_shared<const chain::Genesis>(g), test::key(0), config, dir,
                                      [clock] { return *clock; });
}

DuplicateVoteEvidence signed_double_vote(const crypto::KeyPair& k, std::uint64_t height) {
  auto v = [&](std::uint8_t b) {
    consensus::Vote vote{VoteType::kPrecommit, height, 0, block_hash(b), k.public_key(), 1, {}};
    vote.signature = k.sign(vote.signing_bytes("telco-test"));
    return vote;
  };
  return DuplicateVoteEvidence::of(v(1), v(2));
}

TEST(ChainApplicationEvidence, AProposedOffenceIsAcceptedRecordedAndProvable) {
  test::TempDir dir_a, dir_b;
  const chain::Genesis g = test::make_genesis();
  std::uint64_t clock = g.genesis_time_ms + 1'000;
  auto a = evidence_node(g, dir_a.path(), &clock);
  auto b = evidence_node(g, dir_b.path(), &clock);
  ASSERT_TRUE(a->produce_block(true));  // height 1, the same block on both
  ASSERT_TRUE(b->produce_block(true));
  ASSERT_EQ(a->head().hash, b->head().hash);

  node::ChainApplication app_a(*a, 1);
  node::ChainApplication app_b(*b, 1);
  const DuplicateVoteEvidence offence = signed_double_vote(test::key(0), 1);
  using Verdict = node::ChainApplication::EvidenceVerdict;
  EXPECT_EQ(app_a.add_evidence(offence), Verdict::kAdded);
  EXPECT_EQ(app_a.add_evidence(offence), Verdict::kNotKept);
  DuplicateVoteEvidence forged = signed_double_vote(test::key(0), 1);
  forged.second.signature[5] ^= 0x40;
  std::string reason;
  EXPECT_EQ(app_a.add_evidence(forged, &reason), Verdict::kInvalid);
  EXPECT_FALSE(reason.empty());
  EXPECT_EQ(app_a.add_evidence(signed_double_vote(test::key(7), 1), &reason), Verdict::kInvalid)
      << "not a validator";

  chain::BlockHeader header;
  header.chain_id = g.chain_id;
  header.height = 2;
  header.time_ms = a->head().time_ms + 1;
  header.prev_hash = a->head().hash;
  const chain::Commit last_commit = *a->commit_at(1);
  header.last_commit_hash = last_commit.hash();
  header.validators_hash = a->header_at(1)->validators_hash;
  header.proposer = crypto::Address::from_public_key(test::key(0).public_key());
  const chain::Block block = app_a.prepare_proposal(header, last_commit);
  ASSERT_EQ(block.evidence.size(), 1u);
  EXPECT_EQ(block.evidence[0], offence.encode());
  EXPECT_TRUE(block.body_matches_header());

  // The same block with the forged item in place of the real one (root fixed up to match).
  chain::Block tampered = block;
  tampered.evidence = {forged.encode()};
  tampered.header.evidence_root = chain::evidence_root(tampered.evidence);
  EXPECT_FALSE(app_b.process_proposal(tampered));
  // Evidence dropped but the state root still counting it: execution differs from the header.
  chain::Block dropped = block;
  dropped.evidence.clear();
  dropped.header.evidence_root = {};
  EXPECT_FALSE(app_b.process_proposal(dropped));

  ASSERT_TRUE(app_b.process_proposal(block));
  chain::Commit commit{2, 0, block.header.hash(), {}};
  const auto finalized = app_b.finalize_block(block, commit);
  EXPECT_EQ(finalized.app_hash, block.header.state_root);
  app_b.commit();
  ASSERT_EQ(b->head().height, 2u);

  const exec::Misbehaviour m = node::misbehaviour_of(offence);
  const auto proof = b->state_proof(exec::misbehaviour_key(m), 2);
  ASSERT_TRUE(proof && proof->value);
  EXPECT_EQ(proof->state_root, block.header.state_root);
  const auto count = b->state_proof(exec::misbehaviour_count_key(test::key(0).public_key()), 2);
  ASSERT_TRUE(count && count->value);
  EXPECT_EQ(*count->value, (Bytes{1, 0, 0, 0, 0, 0, 0, 0}));

  // Recorded now: the same offence cannot be put in a block again.
  EXPECT_EQ(app_b.add_evidence(offence), Verdict::kNotKept);
  const auto api_block = b->block_at(2);
  ASSERT_TRUE(api_block);
  EXPECT_EQ(api_block->block.evidence, block.evidence);
}

}  // namespace
}  // namespace telco
