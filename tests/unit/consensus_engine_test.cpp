// One test per upon-rule of Algorithm 1 (arXiv 1807.04938) as the engine implements it,
// driven through events with four validators of equal power (quorum 3, f+1 = 2).
#include <gtest/gtest.h>

#include "consensus_fixture.h"

namespace telco::consensus {
namespace {

using namespace testing;

class EngineTest : public ::testing::Test {
 protected:
  ValidatorSet set = make_set();
  std::uint64_t now = kGenesisMs + 1'000;

  std::size_t proposer_of(Round r) const { return set.advanced(static_cast<std::uint64_t>(r)).proposer(); }
  // A validator that proposes none of rounds 0..3.
  std::size_t bystander() const {
    for (std::size_t i = 0; i < set.size(); ++i) {
      bool proposes = false;
      for (Round r = 0; r < 4; ++r) proposes |= proposer_of(r) == i;
      if (!proposes) return i;
    }
    return proposer_of(1);  // with four equal validators rounds 0..3 rotate through all
  }
  // commit_ms 0: round 0 starts with the height, as in the paper.
  static EngineConfig config() {
    EngineConfig c{kChainId, {}, {}};
    c.timeouts.commit_ms = 0;
    return c;
  }
  Engine make(std::size_t self) { return Engine(config(), key(self).public_key()); }
  chain::Block block(std::uint8_t salt) { return make_block(set, now, salt, proposer_of(0)); }

  // Delivers a proposal and answers the application's validation with `valid`.
  Actions propose(Engine& e, Round round, Round pol, const chain::Block& b, bool valid = true) {
    Actions out = e.on_proposal(proposal(proposer_of(round), round, pol, b), now);
    for (const auto& v : all_of<ValidateBlock>(out)) {
      Actions more = e.on_block_validated(v.hash, valid, now);
      out.insert(out.end(), more.begin(), more.end());
    }
    return out;
  }
  Actions votes(Engine& e, std::vector<std::size_t> signers, VoteType type, Round round, const Hash32& h) {
    Actions out;
    for (std::size_t s : signers) {
      Actions more = e.on_vote(vote(s, type, round, h), now);
      out.insert(out.end(), more.begin(), more.end());
    }
    return out;
  }
  std::vector<std::size_t> others(std::size_t self) const {
    std::vector<std::size_t> out;
    for (std::size_t i = 0; i < set.size(); ++i) {
      if (i != self) out.push_back(i);
    }
    return out;
  }
};

// Lines 11-21: the proposer asks for a value (getValue) and proposes it with validRound −1.
TEST_F(EngineTest, StartRoundProposerProposesFreshValue) {
  Engine e = make(proposer_of(0));
  const Actions started = e.start(genesis_context(set), now);
  const PrepareBlock prepare = only<PrepareBlock>(started);
  EXPECT_EQ(prepare.header.height, 1u);
  EXPECT_EQ(prepare.header.time_ms, now);
  EXPECT_EQ(prepare.header.validators_hash, set.hash());
  EXPECT_EQ(prepare.header.proposer, crypto::Address::from_public_key(key(proposer_of(0)).public_key()));
  chain::Block b{prepare.header, {}, prepare.last_commit};
  b.header.tx_root = chain::tx_root({});
  const SignProposal sp = only<SignProposal>(e.on_block_prepared(0, b, now));
  EXPECT_EQ(sp.proposal.pol_round, kNoRound);
  EXPECT_EQ(sp.proposal.block, b);
  EXPECT_TRUE(e.on_block_prepared(0, b, now).empty()) << "one proposal per round";
}

// The proposer's time is later than the previous block's even if its clock is behind.
TEST_F(EngineTest, ProposerTimeIsAfterPreviousBlock) {
  Engine e = make(proposer_of(0));
  const PrepareBlock prepare = only<PrepareBlock>(e.start(genesis_context(set), kGenesisMs - 5'000));
  EXPECT_EQ(prepare.header.time_ms, kGenesisMs + 1);
}

// Lines 11-21 and 57-60: a non-proposer schedules timeoutPropose and prevotes nil when it fires.
TEST_F(EngineTest, TimeoutProposePrevotesNil) {
  Engine e = make(bystander());
  const ScheduleTimeout t = only<ScheduleTimeout>(e.start(genesis_context(set), now));
  EXPECT_EQ(t.timeout, (Timeout{1, 0, Step::kPropose}));
  EXPECT_EQ(t.duration_ms, 3'000u);
  const SignVote v = only<SignVote>(e.on_timeout(t.timeout, now));
  EXPECT_EQ(v.vote.type, VoteType::kPrevote);
  EXPECT_TRUE(is_nil(v.vote.block_hash));
  EXPECT_EQ(e.step(), Step::kPrevote);
  EXPECT_TRUE(e.on_timeout(t.timeout, now).empty()) << "a stale timeout does nothing";
}

// Lines 22-27: a valid, timely fresh proposal gets a prevote for it.
TEST_F(EngineTest, FreshValidProposalGetsPrevote) {
  Engine e = make(bystander());
  e.start(genesis_context(set), now);
  const chain::Block b = block(1);
  const Actions out = propose(e, 0, kNoRound, b);
  ASSERT_EQ(all_of<ValidateBlock>(out).size(), 1u);
  const SignVote v = only<SignVote>(out);
  EXPECT_EQ(v.vote.block_hash, b.header.hash());
  EXPECT_EQ(e.step(), Step::kPrevote);
}

TEST_F(EngineTest, InvalidProposalGetsNilPrevote) {
  Engine e = make(bystander());
  e.start(genesis_context(set), now);
  EXPECT_TRUE(is_nil(only<SignVote>(propose(e, 0, kNoRound, block(1), false)).vote.block_hash));
}

// valid(v), consensus half: a block that does not link to the previous one is refused
// without asking the application.
TEST_F(EngineTest, BrokenLinkIsInvalidWithoutAskingTheApp) {
  Engine e = make(bystander());
  e.start(genesis_context(set), now);
  chain::Block b = block(1);
  b.header.prev_hash[0] = 1;
  const Actions out = propose(e, 0, kNoRound, b);
  EXPECT_TRUE(all_of<ValidateBlock>(out).empty());
  EXPECT_TRUE(is_nil(only<SignVote>(out).vote.block_hash));
}

// The time rule: a fresh proposal far from the validator's clock gets a nil prevote.
TEST_F(EngineTest, UntimelyProposalGetsNilPrevote) {
  Engine e = make(bystander());
  e.start(genesis_context(set), now);
  const chain::Block late = make_block(set, now - 10'000, 1, proposer_of(0));
  EXPECT_TRUE(is_nil(only<SignVote>(propose(e, 0, kNoRound, late)).vote.block_hash));
  Engine f = make(bystander());
  f.start(genesis_context(set), now);
  const chain::Block early = make_block(set, now + 1'000, 1, proposer_of(0));
  EXPECT_TRUE(is_nil(only<SignVote>(propose(f, 0, kNoRound, early)).vote.block_hash));
}

TEST_F(EngineTest, ProposalFromWrongProposerIsIgnored) {
  Engine e = make(bystander());
  e.start(genesis_context(set), now);
  const Proposal p = proposal(proposer_of(1), 0, kNoRound, block(1));
  EXPECT_TRUE(e.on_proposal(p, now).empty());
}

// Lines 34-35 and 61-64: 2f+1 prevotes of any kind schedule timeoutPrevote, whose firing
// precommits nil.
TEST_F(EngineTest, MixedPrevotesScheduleTimeoutPrevote) {
  const std::size_t self = bystander();
  Engine e = make(self);
  e.start(genesis_context(set), now);
  const chain::Block b = block(1);
  propose(e, 0, kNoRound, b);
  const auto peers = others(self);
  Actions out = votes(e, {peers[0]}, VoteType::kPrevote, 0, b.header.hash());
  out = votes(e, {peers[1]}, VoteType::kPrevote, 0, kNilHash);
  EXPECT_TRUE(out.empty()) << "two prevotes are not 2f+1";
  out = e.on_vote(vote(self, VoteType::kPrevote, 0, b.header.hash()), now);
  const ScheduleTimeout t = only<ScheduleTimeout>(out);
  EXPECT_EQ(t.timeout.step, Step::kPrevote);
  EXPECT_EQ(t.duration_ms, 1'000u);
  const SignVote pc = only<SignVote>(e.on_timeout(t.timeout, now));
  EXPECT_EQ(pc.vote.type, VoteType::kPrecommit);
  EXPECT_TRUE(is_nil(pc.vote.block_hash));
}

// Lines 36-43: the proposal with 2f+1 prevotes: lock, precommit it, and set the valid value.
TEST_F(EngineTest, PolkaLocksAndPrecommits) {
  const std::size_t self = bystander();
  Engine e = make(self);
  e.start(genesis_context(set), now);
  const chain::Block b = block(1);
  propose(e, 0, kNoRound, b);
  const Actions out = votes(e, others(self), VoteType::kPrevote, 0, b.header.hash());
  const auto pcs = all_of<SignVote>(out);
  ASSERT_EQ(pcs.size(), 1u);
  EXPECT_EQ(pcs[0].vote.type, VoteType::kPrecommit);
  EXPECT_EQ(pcs[0].vote.block_hash, b.header.hash());
  EXPECT_EQ(e.locked_value(), b.header.hash());
  EXPECT_EQ(e.locked_round(), 0);
  EXPECT_EQ(e.valid_value(), b.header.hash());
  EXPECT_EQ(e.valid_round(), 0);
}

// Lines 36-43 with step precommit: no new lock, but the valid value is updated.
TEST_F(EngineTest, LatePolkaSetsValidValueOnly) {
  const std::size_t self = bystander();
  Engine e = make(self);
  e.start(genesis_context(set), now);
  e.on_timeout({1, 0, Step::kPropose}, now);
  e.on_timeout({1, 0, Step::kPrevote}, now);  // not scheduled, but step is prevote: precommit nil
  ASSERT_EQ(e.step(), Step::kPrecommit);
  const chain::Block b = block(1);
  propose(e, 0, kNoRound, b);
  votes(e, others(self), VoteType::kPrevote, 0, b.header.hash());
  EXPECT_EQ(e.locked_round(), kNoRound);
  EXPECT_EQ(e.valid_value(), b.header.hash());
  EXPECT_EQ(e.valid_round(), 0);
}

// Lines 44-46: 2f+1 nil prevotes precommit nil.
TEST_F(EngineTest, NilPolkaPrecommitsNil) {
  const std::size_t self = bystander();
  Engine e = make(self);
  e.start(genesis_context(set), now);
  e.on_timeout({1, 0, Step::kPropose}, now);
  const auto peers = others(self);
  const Actions out = votes(e, {peers[0], peers[1], peers[2]}, VoteType::kPrevote, 0, kNilHash);
  const auto pcs = all_of<SignVote>(out);
  ASSERT_EQ(pcs.size(), 1u);
  EXPECT_TRUE(is_nil(pcs[0].vote.block_hash));
  EXPECT_EQ(pcs[0].vote.type, VoteType::kPrecommit);
}

// Lines 47-48 and 65-67: 2f+1 precommits of any kind schedule timeoutPrecommit; its firing
// starts the next round, whose timeouts are longer.
TEST_F(EngineTest, PrecommitTimeoutStartsNextRoundWithLongerTimeouts) {
  const std::size_t self = bystander();
  Engine e = make(self);
  e.start(genesis_context(set), now);
  const auto peers = others(self);
  const Actions out = votes(e, {peers[0], peers[1], peers[2]}, VoteType::kPrecommit, 0, kNilHash);
  const ScheduleTimeout t = only<ScheduleTimeout>(out);
  EXPECT_EQ(t.timeout.step, Step::kPrecommit);
  const Actions next = e.on_timeout(t.timeout, now);
  EXPECT_EQ(e.round(), 1);
  EXPECT_EQ(e.step(), Step::kPropose);
  EXPECT_EQ(only<ScheduleTimeout>(next).duration_ms, 3'500u);
}

// Lines 22-27 with a lock: a locked validator prevotes nil for a different fresh value.
TEST_F(EngineTest, LockedValidatorRejectsOtherFreshValue) {
  const std::size_t self = bystander();
  Engine e = make(self);
  e.start(genesis_context(set), now);
  const chain::Block v = block(1);
  propose(e, 0, kNoRound, v);
  votes(e, others(self), VoteType::kPrevote, 0, v.header.hash());
  ASSERT_EQ(e.locked_round(), 0);
  votes(e, {others(self)[0], others(self)[1]}, VoteType::kPrecommit, 0, kNilHash);
  e.on_vote(vote(self, VoteType::kPrecommit, 0, v.header.hash()), now);
  e.on_timeout({1, 0, Step::kPrecommit}, now);
  ASSERT_EQ(e.round(), 1);
  const chain::Block w = block(2);
  EXPECT_TRUE(is_nil(only<SignVote>(propose(e, 1, kNoRound, w)).vote.block_hash));
  EXPECT_EQ(e.locked_value(), v.header.hash());
}

// Lines 28-33: a proof-of-lock from a round after our lock unlocks us (prevote the new
// value); one from before our lock does not.
class LockedEngineTest : public EngineTest {
 protected:
  // Locks `self` on v at round 0, then moves it to `round` (precommit timeouts).
  Engine locked_at(std::size_t self, const chain::Block& v, Round round) {
    Engine e = make(self);
    e.start(genesis_context(set), now);
    propose(e, 0, kNoRound, v);
    votes(e, others(self), VoteType::kPrevote, 0, v.header.hash());
    votes(e, others(self), VoteType::kPrecommit, 0, kNilHash);
    for (Round r = 0; r < round; ++r) e.on_timeout({1, r, Step::kPrecommit}, now);
    EXPECT_EQ(e.round(), round);
    return e;
  }
};

TEST_F(LockedEngineTest, HigherPolUnlocks) {
  const std::size_t self = bystander();
  const chain::Block v = block(1), w = block(2);
  Engine e = locked_at(self, v, 1);
  // Round 1: w gets 2f+1 prevotes while we are in it (we prevoted nil: locked on v).
  propose(e, 1, kNoRound, w);
  votes(e, others(self), VoteType::kPrevote, 1, w.header.hash());
  ASSERT_EQ(e.locked_value(), w.header.hash()) << "a polka in a later round moves the lock";
  Engine f = locked_at(self, v, 2);
  votes(f, others(self), VoteType::kPrevote, 1, w.header.hash());  // POL for w in round 1
  const SignVote pv = only<SignVote>(propose(f, 2, 1, w));
  EXPECT_EQ(pv.vote.block_hash, w.header.hash()) << "lockedRound 0 <= vr 1: unlock";
}

TEST_F(LockedEngineTest, OlderPolDoesNotUnlock) {
  const std::size_t self = bystander();
  const chain::Block v = block(1), w = block(2);
  Engine e = make(self);
  e.start(genesis_context(set), now);
  // A POL for w forms in round 0 without us seeing the proposal; we then lock v in round 1.
  votes(e, others(self), VoteType::kPrevote, 0, w.header.hash());
  e.on_timeout({1, 0, Step::kPropose}, now);
  votes(e, others(self), VoteType::kPrecommit, 0, kNilHash);
  e.on_timeout({1, 0, Step::kPrecommit}, now);
  ASSERT_EQ(e.round(), 1);
  propose(e, 1, kNoRound, v);
  votes(e, others(self), VoteType::kPrevote, 1, v.header.hash());
  ASSERT_EQ(e.locked_round(), 1);
  votes(e, others(self), VoteType::kPrecommit, 1, kNilHash);
  e.on_timeout({1, 1, Step::kPrecommit}, now);
  ASSERT_EQ(e.round(), 2);
  const SignVote pv = only<SignVote>(propose(e, 2, 0, w));
  EXPECT_TRUE(is_nil(pv.vote.block_hash)) << "vr 0 < lockedRound 1 and w != lockedValue";
}

// Lines 11-21: a proposer with a valid value re-proposes it with its validRound.
TEST_F(LockedEngineTest, ProposerReproposesValidValue) {
  const chain::Block v = block(1);
  const std::size_t self = proposer_of(1);
  Engine e = make(self);
  e.start(genesis_context(set), now);
  propose(e, 0, kNoRound, v);
  votes(e, others(self), VoteType::kPrevote, 0, v.header.hash());
  votes(e, others(self), VoteType::kPrecommit, 0, kNilHash);
  const Actions next = e.on_timeout({1, 0, Step::kPrecommit}, now);
  const SignProposal sp = only<SignProposal>(next);
  EXPECT_EQ(sp.proposal.round, 1);
  EXPECT_EQ(sp.proposal.pol_round, 0);
  EXPECT_EQ(sp.proposal.block, v);
  EXPECT_TRUE(all_of<PrepareBlock>(next).empty());
}

// Lines 49-54: 2f+1 precommits for a valid proposed value decide it, in any round.
TEST_F(EngineTest, PrecommitQuorumDecides) {
  const std::size_t self = bystander();
  Engine e = make(self);
  e.start(genesis_context(set), now);
  const chain::Block b = block(1);
  propose(e, 0, kNoRound, b);
  // We move on to round 2 before the precommits of round 0 arrive.
  e.on_timeout({1, 0, Step::kPropose}, now);
  const Actions out = votes(e, others(self), VoteType::kPrecommit, 0, b.header.hash());
  const Decide d = only<Decide>(out);
  EXPECT_EQ(d.round, 0);
  EXPECT_EQ(*d.block, b);
  EXPECT_EQ(d.commit.signatures.size(), 3u);
  EXPECT_EQ(verify_commit(set, kChainId, d.commit, 1, b.header.hash()), CommitError::kOk);
  EXPECT_TRUE(e.decided());
  EXPECT_TRUE(e.on_vote(vote(self, VoteType::kPrecommit, 0, b.header.hash()), now).empty());
}

TEST_F(EngineTest, PrecommitQuorumWithoutTheBlockWaits) {
  const std::size_t self = bystander();
  Engine e = make(self);
  e.start(genesis_context(set), now);
  const chain::Block b = block(1);
  EXPECT_TRUE(all_of<Decide>(votes(e, others(self), VoteType::kPrecommit, 0, b.header.hash())).empty());
  EXPECT_EQ(all_of<Decide>(propose(e, 0, kNoRound, b)).size(), 1u);
}

// Lines 55-56: f+1 messages from a higher round move us there; f messages do not.
TEST_F(EngineTest, FPlusOneSkipsToHigherRound) {
  const std::size_t self = bystander();
  Engine e = make(self);
  e.start(genesis_context(set), now);
  const auto peers = others(self);
  e.on_vote(vote(peers[0], VoteType::kPrevote, 5, kNilHash), now);
  EXPECT_EQ(e.round(), 0);
  const Actions out = e.on_vote(vote(peers[1], VoteType::kPrecommit, 5, kNilHash), now);
  EXPECT_EQ(e.round(), 5);
  EXPECT_EQ(e.step(), Step::kPropose);
  EXPECT_EQ(only<ScheduleTimeout>(out).duration_ms, 3'000u + 5 * 500u);
}

// Equivocation: two different votes by one validator for one height, round and type.
TEST_F(EngineTest, ConflictingVotesYieldEvidenceOnce) {
  Engine e = make(bystander());
  e.start(genesis_context(set), now);
  const std::size_t bad = others(bystander())[0];
  const Hash32 a = block(1).header.hash(), b = block(2).header.hash();
  EXPECT_TRUE(e.on_vote(vote(bad, VoteType::kPrevote, 0, a), now).empty());
  const ReportEvidence ev = only<ReportEvidence>(e.on_vote(vote(bad, VoteType::kPrevote, 0, b), now));
  EXPECT_EQ(verify_evidence(ev.evidence, kChainId, set), EvidenceError::kOk);
  EXPECT_TRUE(e.on_vote(vote(bad, VoteType::kPrevote, 0, kNilHash), now).empty()) << "reported once";
  // Only the first vote counts: two more prevotes for b are not a quorum for b.
  const auto peers = others(bystander());
  votes(e, {peers[1], peers[2]}, VoteType::kPrevote, 0, b);
  EXPECT_EQ(e.locked_round(), kNoRound);
}

TEST_F(EngineTest, BadSignatureIsIgnored) {
  Engine e = make(bystander());
  e.start(genesis_context(set), now);
  Vote v = vote(others(bystander())[0], VoteType::kPrevote, 7, kNilHash);
  v.signature[0] ^= 1;
  Vote w = vote(others(bystander())[1], VoteType::kPrevote, 7, kNilHash);
  e.on_vote(v, now);
  e.on_vote(w, now);
  EXPECT_EQ(e.round(), 0) << "a forged vote must not count towards f+1";
}

// Block sync: a valid commit for our height decides without the round's messages.
TEST_F(EngineTest, CommitFromSyncDecides) {
  Engine e = make(bystander());
  e.start(genesis_context(set), now);
  const chain::Block b = block(1);
  chain::Commit c{1, 3, b.header.hash(), {}};
  for (std::size_t i : {0, 1, 2}) {
    const Vote v = vote(i, VoteType::kPrecommit, 3, b.header.hash());
    c.signatures.push_back({v.validator, v.time_ms, v.signature});
  }
  chain::Commit weak = c;
  weak.signatures.pop_back();
  EXPECT_TRUE(e.on_commit(b, weak, now).empty()) << "two of four is no quorum";
  const ValidateBlock vb = only<ValidateBlock>(e.on_commit(b, c, now));
  const Decide d = only<Decide>(e.on_block_validated(vb.hash, true, now));
  EXPECT_EQ(d.commit, c);
}

// An observer (no key in the set) follows and decides without signing anything.
TEST_F(EngineTest, ObserverNeverVotes) {
  Engine e(config(), std::nullopt);
  e.start(genesis_context(set), now);
  const chain::Block b = block(1);
  EXPECT_TRUE(all_of<SignVote>(propose(e, 0, kNoRound, b)).empty());
  EXPECT_EQ(all_of<Decide>(votes(e, {0, 1, 2}, VoteType::kPrecommit, 0, b.header.hash())).size(), 1u);
}

}  // namespace
}  // namespace telco::consensus

namespace telco::consensus {
namespace {

using namespace testing;

// TimeoutConfig: after a non-empty block precommitted by the whole set, round 0 of the next
// height starts at once; otherwise the engine waits commit_ms.
class CommitWaitTest : public ::testing::Test {
 protected:
  ValidatorSet set = make_set();

  HeightContext height2(std::size_t signers, std::uint32_t prev_txs) const {
    chain::Commit commit{1, 0, make_block(set, kGenesisMs + 1, 1, 0).header.hash(), {}};
    for (std::size_t i = 0; i < signers; ++i) commit.signatures.push_back({key(i).public_key(), kGenesisMs + 5, {}});
    return HeightContext{2, set.advanced(1), set, commit, commit.block_hash, kGenesisMs + 1, prev_txs};
  }
  static bool waits(const Actions& actions) {
    for (const auto& t : all_of<ScheduleTimeout>(actions)) {
      if (t.timeout.step == Step::kNewHeight) return true;
    }
    return false;
  }
  Actions start(const HeightContext& c) {
    EngineConfig config{kChainId, {}, {}};
    config.timeouts.commit_ms = 200;
    Engine e(config, key(3).public_key());
    return e.start(c, kGenesisMs + 10);
  }
};

TEST_F(CommitWaitTest, SkippedOnlyWhenEveryValidatorSignedANonEmptyBlock) {
  EXPECT_FALSE(waits(start(height2(4, 10))));
  EXPECT_TRUE(waits(start(height2(3, 10)))) << "a validator is still to be heard";
  EXPECT_TRUE(waits(start(height2(4, 0)))) << "an idle chain keeps its block interval";
  EXPECT_TRUE(waits(start(genesis_context(set)))) << "height 1 has no previous block";
}

TEST_F(CommitWaitTest, ADuplicatedSignatureDoesNotStandForAMissingValidator) {
  HeightContext c = height2(3, 10);
  c.last_commit.signatures.push_back(c.last_commit.signatures.front());
  EXPECT_TRUE(waits(start(c)));
}

// Precommits of the decided block that arrive after the quorum (height - 1) end the wait
// once every validator's is in; anything else about them leaves the wait alone.
class LatePrecommitTest : public CommitWaitTest {
 protected:
  static EngineConfig config() {
    EngineConfig c{kChainId, {}, {}};
    c.timeouts.commit_ms = 200;
    return c;
  }
  Engine engine{config(), key(3).public_key()};
  HeightContext context = height2(3, 10);  // validator 3's precommit is missing
  Vote late(std::size_t signer = 3) const { return vote(signer, VoteType::kPrecommit, 0, context.last_commit.block_hash, 1); }
  void SetUp() override { ASSERT_TRUE(waits(engine.start(context, kGenesisMs + 10))); }
};

TEST_F(LatePrecommitTest, TheLastMissingPrecommitStartsRoundZero) {
  engine.on_vote(late(), kGenesisMs + 12);
  EXPECT_EQ(engine.step(), Step::kPropose);
  EXPECT_EQ(engine.round(), 0);
  EXPECT_EQ(engine.height(), 2u);
}

TEST_F(LatePrecommitTest, AnythingElseKeepsWaiting) {
  Hash32 other = context.last_commit.block_hash;
  other[0] ^= 1;
  Vote wrong_block = vote(3, VoteType::kPrecommit, 0, other, 1);
  Vote wrong_round = vote(3, VoteType::kPrecommit, 1, context.last_commit.block_hash, 1);
  Vote prevote = vote(3, VoteType::kPrevote, 0, context.last_commit.block_hash, 1);
  Vote forged = late();
  forged.signature[0] ^= 1;
  Vote outsider = late();
  outsider.validator = key(9).public_key();
  Vote already_in = late(0);
  Vote too_old = vote(3, VoteType::kPrecommit, 0, context.last_commit.block_hash, 0);
  for (const Vote& v : {wrong_block, wrong_round, prevote, forged, outsider, already_in, too_old}) {
    EXPECT_TRUE(engine.on_vote(v, kGenesisMs + 12).empty());
    EXPECT_EQ(engine.step(), Step::kNewHeight);
  }
  engine.on_vote(late(), kGenesisMs + 13);  // the real one still counts after all that
  EXPECT_EQ(engine.step(), Step::kPropose);
}

TEST_F(LatePrecommitTest, AnIdleChainKeepsItsBlockInterval) {
  Engine idle(config(), key(3).public_key());
  ASSERT_TRUE(waits(idle.start(height2(3, 0), kGenesisMs + 10)));
  EXPECT_TRUE(idle.on_vote(late(), kGenesisMs + 12).empty());
  EXPECT_EQ(idle.step(), Step::kNewHeight);
}

}  // namespace
}  // namespace telco::consensus
