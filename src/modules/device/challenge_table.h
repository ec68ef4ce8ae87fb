// A verifier's outstanding challenges: bounded, single use, forgotten after expiry. The
// node's API keeps one (POST /v1/device/challenge issues, /authenticate consumes) and so
// does an offline verifier. Not thread-safe: the owner serialises access. Time is passed in.
#pragma once

#include <cstddef>
#include <optional>
#include <queue>
#include <span>
#include <unordered_map>
#include <utility>
#include <vector>

#include "modules/device/auth.h"

namespace telco::modules::device {

// Expired entries leave through a min-heap on expiry time, a few at each issue: the cost of
// an issue is O(log n) amortised, never a sweep of the whole table (which at capacity, with
// challenges expiring as fast as they are issued, would be paid on almost every issue).
class ChallengeTable {
 public:
  explicit ChallengeTable(std::size_t capacity);

  // Records a challenge whose nonce the caller drew at random. False when the table is full
  // of unexpired challenges (the caller refuses: retry later) or the nonce is already held.
  bool issue(const Challenge& c, std::uint64_t now_ms);
  // Records every challenge of `batch` or none: false when the table has no room for all of
  // them, or a nonce is already held or repeated within the batch.
  bool issue_all(std::span<const Challenge> batch, std::uint64_t now_ms);

  // Consumes the challenge with c's nonce: it must have been issued here, identical, not yet
  // answered and not expired. kOk marks it used, so a second answer is kNonceUsed.
  AuthOutcome consume(const Challenge& c, std::uint64_t now_ms);
  // What consume would answer, without marking anything.
  AuthOutcome check(const Challenge& c, std::uint64_t now_ms) const;

  std::size_t size() const { return entries_.size(); }
  std::size_t capacity() const { return capacity_; }

 private:
  void forget_expired(std::uint64_t now_ms);
  void insert(const Challenge& c);

  struct Entry {
    Challenge challenge;
    bool used = false;
  };
  using Expiry = std::pair<std::uint64_t, crypto::Hash32>;  // expires_ms, nonce
  std::size_t capacity_;
  std::unordered_map<crypto::Hash32, Entry, crypto::Hash32Hasher> entries_;
  // One element per issued entry, including entries consume already erased (skipped when
  // they reach the top: the map no longer holds that nonce with that expiry).
  std::priority_queue<Expiry, std::vector<Expiry>, std::greater<>> expiry_;
};

}  // namespace telco::modules::device
