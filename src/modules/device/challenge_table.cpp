#include "modules/device/challenge_table.h"

#include <algorithm>

namespace telco::modules::device {

ChallengeTable::ChallengeTable(std::size_t capacity) : capacity_(capacity) {
  // Reserved up front: a rehash of a full table would stall the API thread that triggers it.
  entries_.reserve(capacity);
}

void ChallengeTable::forget_expired(std::uint64_t now_ms) {
  // A used nonce is kept until it expires, so that its replay is told apart from a nonce
  // never issued; after expiry either answer is refused anyway.
  while (!expiry_.empty() && expiry_.top().first < now_ms) {
    const auto [expires, nonce] = expiry_.top();
    expiry_.pop();
    auto it = entries_.find(nonce);
    if (it != entries_.end() && it->second.challenge.expires_ms == expires) entries_.erase(it);
  }
}

bool ChallengeTable::issue(const Challenge& c, std::uint64_t now_ms) {
  return issue_all(std::span<const Challenge>(&c, 1), now_ms);
}

bool ChallengeTable::issue_all(std::span<const Challenge> batch, std::uint64_t now_ms) {
  forget_expired(now_ms);
  // The heap also holds entries consume erased; past twice the capacity it is rebuilt from
  // the map so that it stays bounded however clients time their answers.
  if (expiry_.size() + batch.size() >= 2 * capacity_ + 16) {
    std::vector<Expiry> live;
    live.reserve(entries_.size() + batch.size());
    for (const auto& [nonce, e] : entries_) live.emplace_back(e.challenge.expires_ms, nonce);
    expiry_ = decltype(expiry_)(std::greater<>{}, std::move(live));
  }
  if (batch.size() > capacity_ - std::min(capacity_, entries_.size())) return false;
  for (std::size_t i = 0; i < batch.size(); ++i) {
    if (entries_.contains(batch[i].nonce)) return false;
    for (std::size_t j = 0; j < i; ++j) {
      if (batch[j].nonce == batch[i].nonce) return false;
    }
  }
  for (const Challenge& c : batch) insert(c);
  return true;
}

void ChallengeTable::insert(const Challenge& c) {
  entries_.emplace(c.nonce, Entry{c, false});
  expiry_.emplace(c.expires_ms, c.nonce);
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
