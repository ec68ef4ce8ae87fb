// Vote accounting for one height: for each round and vote type, the votes of each
// validator, the power behind each block hash (nil included) and the power of every
// validator heard from in a round (for the round-skip rule).
//
// A validator's first vote counts towards "any" quorums. A different vote of the same
// validator for the same round and type is an equivocation: it is returned as a conflict
// (for evidence) and, when its value is relevant (nil, or a block we hold), also counted
// towards that value. Counting both values of an equivocator is what the paper's "2f+1
// messages for v" means, and it is needed for liveness: otherwise two correct validators
// that each received a different vote of the equivocator first could never agree that a
// proof-of-lock exists. Safety does not suffer, since quorum intersection already allows
// f faulty validators in both quorums.
//
// Memory is bounded: at most kVotesPerValidatorMax votes per validator per round and type;
// rounds at or below the engine's current round are those it lived through; above it each
// validator may occupy at most kFutureRoundsPerValidator rounds, so a faulty validator cannot
// make us store votes for arbitrarily many future rounds.
#pragma once

#include <map>
#include <optional>
#include <vector>

#include "consensus/messages.h"
#include "consensus/validator_set.h"

namespace telco::consensus {

inline constexpr std::size_t kFutureRoundsPerValidator = 2;
inline constexpr std::size_t kVotesPerValidatorMax = 4;

class VoteSet {
 public:
  explicit VoteSet(std::size_t validators) : votes_(validators) {}

  enum class Added : std::uint8_t { kNew, kDuplicate, kConflict };
  // `index` is the signer's index in the set; its power is `power`. A conflicting vote is
  // counted for its value only when `count_conflict`; *first is the validator's first vote.
  Added add(std::size_t index, std::uint64_t power, const Vote& vote, bool count_conflict, Vote* first);

  // Power of distinct validators with any vote here.
  std::uint64_t power() const { return power_; }
  std::uint64_t power_for(const Hash32& block_hash) const;
  // The hash (nil included) backed by at least `quorum` power, if any.
  std::optional<Hash32> value_with(std::uint64_t quorum) const;
  // Votes by validator index, the first one first.
  const std::vector<std::vector<Vote>>& votes() const { return votes_; }

 private:
  std::vector<std::vector<Vote>> votes_;
  std::map<Hash32, std::uint64_t> power_by_hash_;
  std::uint64_t power_ = 0;
};

class HeightVotes {
 public:
  explicit HeightVotes(ValidatorSet set) : set_(std::move(set)) {}

  enum class Result : std::uint8_t { kNew, kDuplicate, kConflict, kUnknownValidator, kTooFarAhead };
  struct AddOutcome {
    Result result = Result::kNew;
    Vote first;  // the validator's first vote, on kConflict
  };
  // The vote's signature must have been verified by the caller; see VoteSet::add for
  // count_conflict.
  AddOutcome add(const Vote& vote, Round current_round, bool count_conflict);
  // Records that validator `index` sent a message in `round` (a vote or the proposal).
  void heard_from(std::size_t index, Round round);
  // Whether validator `index` may occupy `round` (see kFutureRoundsPerValidator).
  bool admit(std::size_t index, Round round, Round current_round);
  // True when exactly this vote is already held (checked before paying for a signature check).
  bool holds(const Vote& vote) const;
  const ValidatorSet& validators() const { return set_; }

  const VoteSet* find(Round round, VoteType type) const;
  // Power of distinct validators heard from in `round`.
  std::uint64_t sender_power(Round round) const;
  // The highest round above `round` whose senders hold at least `power`.
  std::optional<Round> highest_round_above(Round round, std::uint64_t power) const;
  // Rounds with votes of `type` (for scanning the decision rule over every round).
  std::vector<Round> rounds() const;

 private:
  struct RoundVotes {
    VoteSet prevotes;
    VoteSet precommits;
    std::vector<bool> senders;
    std::uint64_t sender_power = 0;
  };
  RoundVotes& round_votes(Round round);

  ValidatorSet set_;
  std::map<Round, RoundVotes> rounds_;
  std::map<std::size_t, std::vector<Round>> future_rounds_;  // validator → rounds above ours
};

}  // namespace telco::consensus
