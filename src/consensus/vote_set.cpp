#include "consensus/vote_set.h"

#include <algorithm>

namespace telco::consensus {

VoteSet::Added VoteSet::add(std::size_t index, std::uint64_t power, const Vote& vote, bool count_conflict,
                            Vote* first) {
  std::vector<Vote>& mine = votes_.at(index);
  if (mine.empty()) {
    mine.push_back(vote);
    power_by_hash_[vote.block_hash] += power;
    power_ += power;
    return Added::kNew;
  }
  for (const Vote& held : mine) {
    if (held.block_hash == vote.block_hash) return Added::kDuplicate;  // a re-timed vote is no offence
  }
  *first = mine.front();
  if (count_conflict && mine.size() < kVotesPerValidatorMax) {
    mine.push_back(vote);
    power_by_hash_[vote.block_hash] += power;
  }
  return Added::kConflict;
}

std::uint64_t VoteSet::power_for(const Hash32& block_hash) const {
  const auto it = power_by_hash_.find(block_hash);
  return it == power_by_hash_.end() ? 0 : it->second;
}

std::optional<Hash32> VoteSet::value_with(std::uint64_t quorum) const {
  for (const auto& [hash, power] : power_by_hash_) {
    if (power >= quorum) return hash;
  }
  return std::nullopt;
}

HeightVotes::RoundVotes& HeightVotes::round_votes(Round round) {
  auto it = rounds_.find(round);
  if (it == rounds_.end()) {
    const std::size_t n = set_.size();
    it = rounds_.emplace(round, RoundVotes{VoteSet(n), VoteSet(n), std::vector<bool>(n, false), 0}).first;
  }
  return it->second;
}

bool HeightVotes::admit(std::size_t index, Round round, Round current_round) {
  if (round <= current_round) return true;
  std::vector<Round>& mine = future_rounds_[index];
  std::erase_if(mine, [&](Round r) { return r <= current_round; });
  if (std::find(mine.begin(), mine.end(), round) != mine.end()) return true;
  if (mine.size() >= kFutureRoundsPerValidator) return false;
  mine.push_back(round);
  return true;
}

HeightVotes::AddOutcome HeightVotes::add(const Vote& vote, Round current_round, bool count_conflict) {
  const auto index = set_.index_of(vote.validator);
  if (!index) return {Result::kUnknownValidator, {}};
  if (!admit(*index, vote.round, current_round)) return {Result::kTooFarAhead, {}};
  RoundVotes& rv = round_votes(vote.round);
  VoteSet& set = vote.type == VoteType::kPrevote ? rv.prevotes : rv.precommits;
  Vote first;
  switch (set.add(*index, set_.at(*index).power, vote, count_conflict, &first)) {
    case VoteSet::Added::kDuplicate: return {Result::kDuplicate, {}};
    case VoteSet::Added::kConflict: return {Result::kConflict, first};
    case VoteSet::Added::kNew: break;
  }
  heard_from(*index, vote.round);
  return {Result::kNew, {}};
}

void HeightVotes::heard_from(std::size_t index, Round round) {
  RoundVotes& rv = round_votes(round);
  if (rv.senders[index]) return;
  rv.senders[index] = true;
  rv.sender_power += set_.at(index).power;
}

const VoteSet* HeightVotes::find(Round round, VoteType type) const {
  const auto it = rounds_.find(round);
  if (it == rounds_.end()) return nullptr;
  return type == VoteType::kPrevote ? &it->second.prevotes : &it->second.precommits;
}

std::uint64_t HeightVotes::sender_power(Round round) const {
  const auto it = rounds_.find(round);
  return it == rounds_.end() ? 0 : it->second.sender_power;
}

std::optional<Round> HeightVotes::highest_round_above(Round round, std::uint64_t power) const {
  for (auto it = rounds_.rbegin(); it != rounds_.rend() && it->first > round; ++it) {
    if (it->second.sender_power >= power) return it->first;
  }
  return std::nullopt;
}

bool HeightVotes::holds(const Vote& vote) const {
  const auto index = set_.index_of(vote.validator);
  const VoteSet* set = find(vote.round, vote.type);
  if (!index || !set) return false;
  const auto& mine = set->votes()[*index];
  return std::find(mine.begin(), mine.end(), vote) != mine.end();
}

std::vector<Round> HeightVotes::rounds() const {
  std::vector<Round> out;
  out.reserve(rounds_.size());
  for (const auto& [round, rv] : rounds_) out.push_back(round);
  return out;
}

}  // namespace telco::consensus
