#include "modules/device/challenge_table.h"

namespace telco::modules::device {

void ChallengeTable::forget_expired(std::uint64_t now_ms) {
  // A used nonce is kept until it expires, so that its replay is told apart from a nonce
  // never issued; after expiry either answer is refused anyway.
  std::erase_if(entries_, [&](const auto& kv) { return kv.second.challenge.expires_ms < now_ms; });
}

bool ChallengeTable::issue(const Challenge& c, std::uint64_t now_ms) {
  if (entries_.size() >= capacity_) forget_expired(now_ms);
  if (entries_.size() >= capacity_) return false;
  return entries_.emplace(c.nonce, Entry{c, false}).second;
}

AuthOutcome ChallengeTable::check(const Challenge& c, std::uint64_t now_ms) const {
  auto it = entries_.find(c.nonce);
  if (it == entries_.end() || !(it->second.challenge == c)) return AuthOutcome::kNonceUnknown;
  if (it->second.used) return AuthOutcome::kNonceUsed;
  return now_ms > c.expires_ms ? AuthOutcome::kExpired : AuthOutcome::kOk;
}

AuthOutcome ChallengeTable::consume(const Challenge& c, std::uint64_t now_ms) {
  auto it = entries_.find(c.nonce);
  if (it == entries_.end() || !(it->second.challenge == c)) return AuthOutcome::kNonceUnknown;
  if (it->second.used) return AuthOutcome::kNonceUsed;
  if (now_ms > c.expires_ms) {
    entries_.erase(it);
    return AuthOutcome::kExpired;
  }
  it->second.used = true;
  return AuthOutcome::kOk;
}

}  // namespace telco::modules::device
