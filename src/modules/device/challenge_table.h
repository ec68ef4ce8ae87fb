// A verifier's challenges: bounded, single use, forgotten after expiry. The
// node's API keeps one (POST /v1/device/challenge issues, /authenticate consumes) and so
// does an offline verifier. Not thread-safe: the owner serialises access. Time is passed in.
#pragma once

#include <cstddef>
#include <deque>
#include <optional>
#include <queue>
#include <span>
#include <unordered_map>
#include <utility>
#include <vector>

#include "modules/device/auth.h"

namespace telco::modules::device {

// Two bounds: `capacity` outstanding (unanswered) challenges, and `used_capacity` answered
// nonces remembered until they expire, so that a replay reads nonce_used rather than
// nonce_unknown (both are refused). Answered nonces do not take outstanding room: the
// sustained rate is not capped at capacity / TTL. When the answered set is full its
// earliest-answered nonce is forgotten (a replay of it then reads nonce_unknown).
// Expired entries leave through a min-heap on expiry time, a few at each issue: an issue
// costs O(log n) amortised, never a sweep of the whole table.
class ChallengeTable {
 public:
  // used_capacity 0 = four times capacity.
  explicit ChallengeTable(std::size_t capacity, std::size_t used_capacity = 0);

  // Records a challenge whose nonce the caller drew at random. False when `capacity`
  // unexpired challenges are outstanding (the caller refuses: retry later) or the nonce is
  // already held.
  bool issue(const Challenge& c, std::uint64_t now_ms);
  // Records every challenge of `batch` or none: false when there is no room for all of
  // them, or a nonce is already held or repeated within the batch.
  bool issue_all(std::span<const Challenge> batch, std::uint64_t now_ms);

  // Consumes the challenge with c's nonce: it must have been issued here, identical, not yet
  // answered and not expired. kOk marks it used, so a second answer is kNonceUsed.
  AuthOutcome consume(const Challenge& c, std::uint64_t now_ms);
  // What consume would answer, without marking anything.
  AuthOutcome check(const Challenge& c, std::uint64_t now_ms) const;

  std::size_t outstanding() const { return entries_.size(); }
  std::size_t answered() const { return used_.size(); }
  std::size_t size() const { return entries_.size() + used_.size(); }
  std::size_t capacity() const { return capacity_; }
  std::size_t used_capacity() const { return used_capacity_; }

 private:
  using Expiry = std::pair<std::uint64_t, crypto::Hash32>;  // expires_ms, nonce
  void forget_expired(std::uint64_t now_ms);
  void remember_used(const crypto::Hash32& nonce, std::uint64_t expires_ms);
  bool holds_used(const Expiry& e) const;

  std::size_t capacity_;
  std::size_t used_capacity_;
  std::unordered_map<crypto::Hash32, Challenge, crypto::Hash32Hasher> entries_;  // outstanding
  std::unordered_map<crypto::Hash32, std::uint64_t, crypto::Hash32Hasher> used_;  // nonce -> expires_ms
  // One element per issued nonce until it expires, including nonces already erased (skipped
  // when they reach the top: neither map holds that nonce with that expiry).
  std::priority_queue<Expiry, std::vector<Expiry>, std::greater<>> expiry_;
  // used_ in the order answered, for eviction; stale elements are skipped the same way.
  std::deque<Expiry> answered_order_;
};

}  // namespace telco::modules::device
