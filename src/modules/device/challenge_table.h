// A verifier's challenges: bounded, single use, forgotten after expiry. The
// node's API keeps one (POST /v1/device/challenge issues, /authenticate consumes) and so
// does an offline verifier. Not thread-safe: the owner serialises access. Time is passed in.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "modules/device/auth.h"

namespace telco::modules::device {

// Two bounds: `capacity` outstanding (unanswered) challenges, and `used_capacity` answered
// nonces remembered until they expire, so that a replay reads nonce_used rather than
// nonce_unknown (both are refused). Answered nonces do not take outstanding room: the
// sustained rate is not capped at capacity / TTL. When the answered set is full its
// earliest-answered nonce is forgotten (a replay of it then reads nonce_unknown).
//
// Layout: one open-addressed table (linear probing, deletion by backward shift) sized at
// construction for both bounds, so that issuing and answering allocate nothing: at a node's
// rate the table holds hundreds of thousands of nonces and a node allocation per entry,
// plus the cache misses of chasing it, was a measurable share of an authentication. An
// outstanding slot keeps a BLAKE2b-256 digest of the whole challenge (chain, purpose,
// verifier, expiry, device) instead of its strings: an answer matches when its digest does.
// Expired entries leave through a min-heap on expiry time, a few at each issue: an issue
// costs O(log n) amortised, never a sweep of the whole table.
class ChallengeTable {
 public:
  // used_capacity 0 = four times capacity. Memory: 80 bytes a slot, slots the power of
  // two at or above twice (capacity + used_capacity): 80 MiB for the node's 100,000 + 400,000.
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
  // The same with c's challenge_digest computed by the caller, once for a check then a consume.
  AuthOutcome consume(const Challenge& c, const crypto::Hash32& digest, std::uint64_t now_ms);
  AuthOutcome check(const Challenge& c, const crypto::Hash32& digest, std::uint64_t now_ms) const;

  std::size_t outstanding() const { return outstanding_; }
  std::size_t answered() const { return answered_; }
  std::size_t size() const { return outstanding_ + answered_; }
  std::size_t capacity() const { return capacity_; }
  std::size_t used_capacity() const { return used_capacity_; }

 private:
  enum class SlotState : std::uint8_t { kEmpty, kOutstanding, kUsed };
  struct Slot {
    crypto::Hash32 nonce{};
    crypto::Hash32 digest{};  // of the challenge, while outstanding
    std::uint64_t expires_ms = 0;
    SlotState state = SlotState::kEmpty;
  };
  // An issued nonce's expiry and the first 8 bytes of the nonce: popped, it removes every
  // entry with that prefix and that expiry (each of them has expired).
  struct Expiry {
    std::uint64_t expires_ms;
    std::uint64_t prefix;
  };
  // An answered nonce, in answer order, for eviction; stale once the nonce left.
  struct Answered {
    crypto::Hash32 nonce;
    std::uint64_t expires_ms;
  };

  static std::uint64_t prefix_of(const crypto::Hash32& nonce);
  std::size_t home_of(std::uint64_t prefix) const;
  // The slot holding `nonce`, or the empty slot where it would go.
  std::size_t find(const crypto::Hash32& nonce) const;
  void erase_at(std::size_t i);
  void forget_expired(std::uint64_t now_ms);
  void remember_used(std::size_t slot);
  bool holds_used(const Answered& a) const;
  void push_expiry(std::uint64_t expires_ms, std::uint64_t prefix);
  void rebuild_expiry();

  std::size_t capacity_;
  std::size_t used_capacity_;
  std::size_t outstanding_ = 0;
  std::size_t answered_ = 0;
  std::vector<Slot> slots_;  // size a power of two
  std::size_t mask_;
  int shift_;  // 64 - log2(slots_.size())
  // One element per issued nonce until it expires, including nonces already erased
  // (harmless when popped: nothing with that prefix and expiry is left).
  std::vector<Expiry> expiry_;
  std::vector<Answered> answered_order_;
  std::size_t answered_head_ = 0;  // answered_order_[answered_head_..] are live or stale
};

// BLAKE2b-256 of a challenge's fields, each length-prefixed: equal exactly when the
// challenges are (but for a collision of the hash).
crypto::Hash32 challenge_digest(const Challenge& c);

}  // namespace telco::modules::device
