// Validator sets: thresholds without overflow, weighted proposer rotation, updates at a
// height boundary, and commit verification.
#include <gtest/gtest.h>

#include <map>

#include "consensus_fixture.h"

namespace telco::consensus {
namespace {

using namespace testing;

TEST(ValidatorSet, Thresholds) {
  EXPECT_EQ(make_set({1, 1, 1, 1}).quorum_power(), 3u);
  EXPECT_EQ(make_set({1, 1, 1, 1}).one_third_plus_power(), 2u);
  EXPECT_EQ(make_set({1, 1, 1}).quorum_power(), 3u);  // 2 is exactly 2/3: not more
  EXPECT_EQ(make_set({1, 1, 1}).one_third_plus_power(), 2u);
  EXPECT_EQ(make_set({1}).quorum_power(), 1u);
  const std::uint64_t big = kTotalPowerMax / 2;
  const ValidatorSet s = make_set({big, big});
  EXPECT_EQ(s.total_power(), kTotalPowerMax);
  EXPECT_EQ(s.quorum_power(), kTotalPowerMax / 3 * 2 + (kTotalPowerMax % 3 * 2) / 3 + 1);
}

TEST(ValidatorSet, RejectsBadSets) {
  std::string error;
  EXPECT_FALSE(ValidatorSet::create({}, &error));
  const auto k = key(0).public_key();
  EXPECT_FALSE(ValidatorSet::create({{"a", k, 1}, {"b", k, 1}}, &error));
  EXPECT_FALSE(ValidatorSet::create({{"a", k, 0}}, &error));
  EXPECT_FALSE(ValidatorSet::create({{"a", k, kTotalPowerMax}, {"b", key(1).public_key(), 1}}, &error));
  EXPECT_NE(error, "");
}

// Over total_power steps each validator proposes exactly `power` times, and the order is a
// pure function of the set.
TEST(ValidatorSet, RotationIsProportionalToPower) {
  const std::vector<std::uint64_t> powers{1, 2, 3, 10};
  ValidatorSet s = make_set(powers);
  const std::uint64_t total = s.total_power();
  for (int cycle = 0; cycle < 5; ++cycle) {
    std::map<std::size_t, std::uint64_t> count;
    for (std::uint64_t i = 0; i < total; ++i) {
      ++count[s.proposer()];
      s = s.advanced(1);
    }
    for (std::size_t v = 0; v < powers.size(); ++v) EXPECT_EQ(count[v], powers[v]) << "validator " << v;
  }
  EXPECT_EQ(make_set(powers).advanced(37).proposer(), make_set(powers).advanced(37).proposer());
}

TEST(ValidatorSet, EqualPowerRoundRobin) {
  ValidatorSet s = make_set({5, 5, 5, 5});
  std::vector<std::size_t> first;
  for (int i = 0; i < 4; ++i, s = s.advanced(1)) first.push_back(s.proposer());
  std::sort(first.begin(), first.end());
  EXPECT_EQ(first, (std::vector<std::size_t>{0, 1, 2, 3}));
}

// Priorities stay bounded (rescaled and centred) even with very unequal powers.
TEST(ValidatorSet, PrioritiesStayBounded) {
  ValidatorSet s = make_set({1, kTotalPowerMax / 4});
  for (int i = 0; i < 1000; ++i) {
    s = s.advanced(1);
    for (const Validator& v : s.validators()) {
      EXPECT_LE(std::abs(v.priority), static_cast<std::int64_t>(3 * s.total_power()));
    }
  }
}

TEST(ValidatorSet, UpdatesAtHeightBoundary) {
  const ValidatorSet s = make_set({1, 1, 1});
  std::string error;
  const auto next = s.with_updates({{key(1).public_key(), 0, ""}, {key(0).public_key(), 5, ""},
                                    {key(7).public_key(), 2, "new"}},
                                   &error);
  ASSERT_TRUE(next) << error;
  EXPECT_EQ(next->size(), 3u);
  EXPECT_FALSE(next->index_of(key(1).public_key()));
  EXPECT_EQ(next->at(*next->index_of(key(0).public_key())).power, 5u);
  const Validator& joined = next->at(*next->index_of(key(7).public_key()));
  EXPECT_LT(joined.priority, 0) << "a newcomer waits its turn";
  EXPECT_NE(next->hash(), s.hash());
  EXPECT_FALSE(s.with_updates({{key(9).public_key(), 0, ""}}, &error)) << "removing a stranger";
  EXPECT_FALSE(s.with_updates({{key(0).public_key(), 0, ""}, {key(1).public_key(), 0, ""},
                               {key(2).public_key(), 0, ""}},
                              &error))
      << "an empty set";
  EXPECT_FALSE(s.with_updates({{key(0).public_key(), 2, ""}, {key(0).public_key(), 3, ""}}, &error));
}

TEST(ValidatorSet, HashMatchesGenesisRule) {
  const ValidatorSet s = make_set({3, 4});
  EXPECT_EQ(s.hash(), chain::validators_hash(s.to_genesis_list()));
}

TEST(ValidatorSet, VerifyCommit) {
  const ValidatorSet set = make_set();
  const Hash32 h = chain::Commit{}.hash();
  chain::Commit c{1, 2, h, {}};
  auto add = [&](std::size_t i) {
    const Vote v = vote(i, VoteType::kPrecommit, 2, h);
    c.signatures.push_back({v.validator, v.time_ms, v.signature});
  };
  add(0);
  add(1);
  EXPECT_EQ(verify_commit(set, kChainId, c, 1, h), CommitError::kInsufficientPower);
  add(3);
  EXPECT_EQ(verify_commit(set, kChainId, c, 1, h), CommitError::kOk);
  EXPECT_EQ(verify_commit(set, kChainId, c, 2, h), CommitError::kWrongHeight);
  EXPECT_EQ(verify_commit(set, kChainId, c, 1, Hash32{1}), CommitError::kWrongBlock);
  EXPECT_EQ(verify_commit(set, "other", c, 1, h), CommitError::kBadSignature);
  chain::Commit dup = c;
  dup.signatures.push_back(dup.signatures[0]);
  EXPECT_EQ(verify_commit(set, kChainId, dup, 1, h), CommitError::kDuplicateSigner);
  chain::Commit stranger = c;
  stranger.signatures[0].validator = key(9).public_key();
  EXPECT_EQ(verify_commit(set, kChainId, stranger, 1, h), CommitError::kUnknownValidator);
  const Vote prevote = vote(2, VoteType::kPrevote, 2, h);
  chain::Commit with_prevote = c;
  with_prevote.signatures[2] = {prevote.validator, prevote.time_ms, prevote.signature};
  EXPECT_EQ(verify_commit(set, kChainId, with_prevote, 1, h), CommitError::kBadSignature)
      << "a prevote signature is not a precommit";
}

}  // namespace
}  // namespace telco::consensus
