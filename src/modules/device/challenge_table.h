// A verifier's outstanding challenges: bounded, single use, forgotten after expiry. The
// node's API keeps one (POST /v1/device/challenge issues, /authenticate consumes) and so
// does an offline verifier. Not thread-safe: the owner serialises access. Time is passed in.
#pragma once

#include <cstddef>
#include <optional>
#include <unordered_map>

#include "modules/device/auth.h"

namespace telco::modules::device {

class ChallengeTable {
 public:
  explicit ChallengeTable(std::size_t capacity) : capacity_(capacity) {}

  // Records a challenge whose nonce the caller drew at random. False when the table is full
  // of unexpired challenges (the caller refuses: retry later) or the nonce is already held.
  bool issue(const Challenge& c, std::uint64_t now_ms);

  // Consumes the challenge with c's nonce: it must have been issued here, identical, not yet
  // answered and not expired. kOk marks it used, so a second answer is kNonceUsed.
  AuthOutcome consume(const Challenge& c, std::uint64_t now_ms);
  // What consume would answer, without marking anything.
  AuthOutcome check(const Challenge& c, std::uint64_t now_ms) const;

  std::size_t size() const { return entries_.size(); }
  std::size_t capacity() const { return capacity_; }

 private:
  void forget_expired(std::uint64_t now_ms);

  struct Entry {
    Challenge challenge;
    bool used = false;
  };
  std::size_t capacity_;
  std::unordered_map<crypto::Hash32, Entry, crypto::Hash32Hasher> entries_;
};

}  // namespace telco::modules::device
