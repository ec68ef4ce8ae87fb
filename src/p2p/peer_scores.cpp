#include "p2p/peer_scores.h"

#include <algorithm>

namespace telco::p2p {

const char* describe(PeerFault f) {
  switch (f) {
    case PeerFault::kMalformed: return "malformed message";
    case PeerFault::kInvalid: return "invalid message";
    case PeerFault::kUnwanted: return "unwanted message";
  }
  return "fault";
}

double penalty(PeerFault f) {
  switch (f) {
    case PeerFault::kMalformed: return kPenaltyMalformed;
    case PeerFault::kInvalid: return kPenaltyInvalid;
    case PeerFault::kUnwanted: return kPenaltyUnwanted;
  }
  return kPenaltyMalformed;
}

double PeerScores::decayed(const Score& s, Clock::time_point now) {
  const double seconds = std::chrono::duration<double>(now - s.updated).count();
  return std::max(0.0, s.value - std::max(0.0, seconds) * kScoreDecayPerSecond);
}

bool PeerScores::penalize(const NodeId& id, PeerFault fault, Clock::time_point now) {
  auto it = scores_.find(id);
  if (it == scores_.end()) {
    make_room_for_score(now);
    it = scores_.emplace(id, Score{0, now}).first;
  }
  it->second.value = decayed(it->second, now) + penalty(fault);
  it->second.updated = now;
  if (it->second.value < kBanScore) return false;
  scores_.erase(it);
  ban(id, now);
  return true;
}

void PeerScores::ban(const NodeId& id, Clock::time_point now) {
  if (!banned_until_.contains(id)) make_room_for_ban(now);
  banned_until_[id] = now + ban_duration_;
}

bool PeerScores::banned(const NodeId& id, Clock::time_point now) {
  const auto it = banned_until_.find(id);
  if (it == banned_until_.end()) return false;
  if (it->second > now) return true;
  banned_until_.erase(it);
  return false;
}

double PeerScores::score(const NodeId& id, Clock::time_point now) const {
  const auto it = scores_.find(id);
  return it == scores_.end() ? 0 : decayed(it->second, now);
}

std::size_t PeerScores::bans(Clock::time_point now) {
  std::erase_if(banned_until_, [now](const auto& entry) { return entry.second <= now; });
  return banned_until_.size();
}

void PeerScores::make_room_for_score(Clock::time_point now) {
  if (scores_.size() < kScoresTrackedMax) return;
  // Forget the most forgiven peer: the lowest current score.
  auto lowest = scores_.begin();
  for (auto it = scores_.begin(); it != scores_.end(); ++it) {
    if (decayed(it->second, now) < decayed(lowest->second, now)) lowest = it;
  }
  scores_.erase(lowest);
}

void PeerScores::make_room_for_ban(Clock::time_point now) {
  if (banned_until_.size() < kBansMax) return;
  std::erase_if(banned_until_, [now](const auto& entry) { return entry.second <= now; });
  if (banned_until_.size() < kBansMax) return;
  // Still full of live bans: lift the one that would end first.
  const auto soonest = std::min_element(banned_until_.begin(), banned_until_.end(),
                                        [](const auto& a, const auto& b) { return a.second < b.second; });
  banned_until_.erase(soonest);
}

}  // namespace telco::p2p
