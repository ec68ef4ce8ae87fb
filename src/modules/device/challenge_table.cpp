#include "modules/device/challenge_table.h"

#include <algorithm>

namespace telco::modules::device {

ChallengeTable::ChallengeTable(std::size_t capacity, std::size_t used_capacity)
    : capacity_(capacity), used_capacity_(used_capacity ? used_capacity : 4 * capacity) {
  // Reserved up front: a rehash of a full table would stall the API thread that triggers it.
  entries_.reserve(capacity_);
  used_.reserve(used_capacity_);
}

bool ChallengeTable::holds_used(const Expiry& e) const {
  auto it = used_.find(e.second);
  return it != used_.end() && it->second == e.first;
}

void ChallengeTable::forget_expired(std::uint64_t now_ms) {
  // After expiry an answer is refused whether or not the nonce is remembered.
  while (!expiry_.empty() && expiry_.top().first < now_ms) {
    const Expiry e = expiry_.top();
    expiry_.pop();
    if (auto it = entries_.find(e.second); it != entries_.end() && it->second.expires_ms == e.first) {
      entries_.erase(it);
    } else if (holds_used(e)) {
      used_.erase(e.second);
    }
  }
  while (!answered_order_.empty() && !holds_used(answered_order_.front())) answered_order_.pop_front();
}

bool ChallengeTable::issue(const Challenge& c, std::uint64_t now_ms) {
  return issue_all(std::span<const Challenge>(&c, 1), now_ms);
}

bool ChallengeTable::issue_all(std::span<const Challenge> batch, std::uint64_t now_ms) {
  forget_expired(now_ms);
  // The heap also holds nonces already erased; past twice the bound it is rebuilt from the
  // maps so that it stays bounded however clients time their answers.
  if (expiry_.size() + batch.size() >= 2 * (capacity_ + used_capacity_) + 16) {
    std::vector<Expiry> live;
    live.reserve(entries_.size() + used_.size() + batch.size());
    for (const auto& [nonce, c] : entries_) live.emplace_back(c.expires_ms, nonce);
    for (const auto& [nonce, expires] : used_) live.emplace_back(expires, nonce);
    expiry_ = decltype(expiry_)(std::greater<>{}, std::move(live));
  }
  if (batch.size() > capacity_ - std::min(capacity_, entries_.size())) return false;
  for (std::size_t i = 0; i < batch.size(); ++i) {
    if (entries_.contains(batch[i].nonce) || used_.contains(batch[i].nonce)) return false;
    for (std::size_t j = 0; j < i; ++j) {
      if (batch[j].nonce == batch[i].nonce) return false;
    }
  }
  for (const Challenge& c : batch) {
    entries_.emplace(c.nonce, c);
    expiry_.emplace(c.expires_ms, c.nonce);
  }
  return true;
}

void ChallengeTable::remember_used(const crypto::Hash32& nonce, std::uint64_t expires_ms) {
  while (used_.size() >= used_capacity_ && !answered_order_.empty()) {
    const Expiry oldest = answered_order_.front();
    answered_order_.pop_front();
    if (holds_used(oldest)) used_.erase(oldest.second);
  }
  // Stale elements behind the front (nonces that expired out of order) are dropped, order
  // kept, once they could outnumber the live ones.
  if (answered_order_.size() >= 2 * used_capacity_ + 16)
    std::erase_if(answered_order_, [&](const Expiry& e) { return !holds_used(e); });
  used_.emplace(nonce, expires_ms);
  answered_order_.emplace_back(expires_ms, nonce);
}

AuthOutcome ChallengeTable::check(const Challenge& c, std::uint64_t now_ms) const {
  if (used_.contains(c.nonce)) return AuthOutcome::kNonceUsed;
  auto it = entries_.find(c.nonce);
  if (it == entries_.end() || !(it->second == c)) return AuthOutcome::kNonceUnknown;
  return now_ms > c.expires_ms ? AuthOutcome::kExpired : AuthOutcome::kOk;
}

AuthOutcome ChallengeTable::consume(const Challenge& c, std::uint64_t now_ms) {
  const AuthOutcome o = check(c, now_ms);
  if (o == AuthOutcome::kExpired) entries_.erase(c.nonce);
  if (o != AuthOutcome::kOk) return o;
  entries_.erase(c.nonce);
  remember_used(c.nonce, c.expires_ms);
  return AuthOutcome::kOk;
}

}  // namespace telco::modules::device
