#include "modules/device/challenge_table.h"

#include <algorithm>
#include <bit>
#include <cstring>
#include <functional>

namespace telco::modules::device {

namespace {

// Min-heap order on expiry.
constexpr auto kLater = [](const auto& a, const auto& b) { return a.expires_ms > b.expires_ms; };

void update_u64(crypto::Hasher& h, std::uint64_t v) {
  std::uint8_t b[8];
  for (int i = 0; i < 8; ++i) b[i] = static_cast<std::uint8_t>(v >> (8 * i));
  h.update(ByteView(b, sizeof(b)));
}

void update_string(crypto::Hasher& h, std::string_view s) {
  update_u64(h, s.size());
  h.update(s);
}

}  // namespace

crypto::Hash32 challenge_digest(const Challenge& c) {
  crypto::Hasher h;
  h.update(std::string_view("telco/challenge-table/v1"));
  update_string(h, c.chain_id);
  update_string(h, c.purpose);
  h.update(ByteView(c.nonce.data(), c.nonce.size()));
  update_string(h, c.verifier_id);
  update_u64(h, c.expires_ms);
  h.update(ByteView(c.id_hash.data(), c.id_hash.size()));
  return h.finish();
}

ChallengeTable::ChallengeTable(std::size_t capacity, std::size_t used_capacity)
    : capacity_(capacity), used_capacity_(used_capacity ? used_capacity : 4 * capacity) {
  // Allocated once, at twice the most it can hold: no rehash stalls the API thread, and
  // linear probing stays short at a load factor of at most one half.
  const std::size_t slots = std::bit_ceil(std::max<std::size_t>(16, 2 * (capacity_ + used_capacity_)));
  slots_.resize(slots);
  mask_ = slots - 1;
  shift_ = 64 - std::countr_zero(slots);
}

std::uint64_t ChallengeTable::prefix_of(const crypto::Hash32& nonce) {
  std::uint64_t v;
  std::memcpy(&v, nonce.data(), sizeof(v));
  return v;
}

// Nonces are random, but an offline verifier's may not be drawn well: a multiplicative
// hash spreads any prefix over the table.
std::size_t ChallengeTable::home_of(std::uint64_t prefix) const {
  return static_cast<std::size_t>((prefix * 0x9E3779B97F4A7C15ull) >> shift_);
}

std::size_t ChallengeTable::find(const crypto::Hash32& nonce) const {
  std::size_t i = home_of(prefix_of(nonce));
  while (slots_[i].state != SlotState::kEmpty && slots_[i].nonce != nonce) i = (i + 1) & mask_;
  return i;
}

// Backward-shift deletion: every entry after the hole whose home is not between the hole
// and itself moves into the hole, so lookups never need tombstones.
void ChallengeTable::erase_at(std::size_t i) {
  if (slots_[i].state == SlotState::kOutstanding) {
    --outstanding_;
  } else {
    --answered_;
  }
  std::size_t hole = i;
  for (std::size_t j = (i + 1) & mask_; slots_[j].state != SlotState::kEmpty; j = (j + 1) & mask_) {
    const std::size_t home = home_of(prefix_of(slots_[j].nonce));
    // j may move to the hole when its home is cyclically outside (hole, j].
    const bool stays = hole <= j ? (hole < home && home <= j) : (hole < home || home <= j);
    if (!stays) {
      slots_[hole] = slots_[j];
      hole = j;
    }
  }
  slots_[hole] = Slot{};
}

bool ChallengeTable::holds_used(const Answered& a) const {
  const Slot& s = slots_[find(a.nonce)];
  return s.state == SlotState::kUsed && s.expires_ms == a.expires_ms;
}

void ChallengeTable::push_expiry(std::uint64_t expires_ms, std::uint64_t prefix) {
  expiry_.push_back({expires_ms, prefix});
  std::push_heap(expiry_.begin(), expiry_.end(), kLater);
}

void ChallengeTable::rebuild_expiry() {
  expiry_.clear();
  for (const Slot& s : slots_) {
    if (s.state != SlotState::kEmpty) expiry_.push_back({s.expires_ms, prefix_of(s.nonce)});
  }
  std::make_heap(expiry_.begin(), expiry_.end(), kLater);
}

void ChallengeTable::forget_expired(std::uint64_t now_ms) {
  // After expiry an answer is refused whether or not the nonce is remembered.
  while (!expiry_.empty() && expiry_.front().expires_ms < now_ms) {
    const Expiry e = expiry_.front();
    std::pop_heap(expiry_.begin(), expiry_.end(), kLater);
    expiry_.pop_back();
    // Every entry with this prefix and expiry has expired, whichever nonce pushed e.
    std::size_t i = home_of(e.prefix);
    while (slots_[i].state != SlotState::kEmpty) {
      if (slots_[i].expires_ms == e.expires_ms && prefix_of(slots_[i].nonce) == e.prefix) {
        erase_at(i);  // i now holds what came after it, or is empty
      } else {
        i = (i + 1) & mask_;
      }
    }
  }
  while (answered_head_ < answered_order_.size() && !holds_used(answered_order_[answered_head_]))
    ++answered_head_;
}

bool ChallengeTable::issue(const Challenge& c, std::uint64_t now_ms) {
  return issue_all(std::span<const Challenge>(&c, 1), now_ms);
}

bool ChallengeTable::issue_all(std::span<const Challenge> batch, std::uint64_t now_ms) {
  forget_expired(now_ms);
  // The heap also holds nonces already erased; past twice the bound it is rebuilt from the
  // table so that it stays bounded however clients time their answers.
  if (expiry_.size() + batch.size() >= 2 * (capacity_ + used_capacity_) + 16) rebuild_expiry();
  if (batch.size() > capacity_ - std::min(capacity_, outstanding_)) return false;
  for (std::size_t i = 0; i < batch.size(); ++i) {
    if (slots_[find(batch[i].nonce)].state != SlotState::kEmpty) return false;
    for (std::size_t j = 0; j < i; ++j) {
      if (batch[j].nonce == batch[i].nonce) return false;
    }
  }
  for (const Challenge& c : batch) {
    Slot& s = slots_[find(c.nonce)];
    s.nonce = c.nonce;
    s.digest = challenge_digest(c);
    s.expires_ms = c.expires_ms;
    s.state = SlotState::kOutstanding;
    ++outstanding_;
    push_expiry(c.expires_ms, prefix_of(c.nonce));
  }
  return true;
}

void ChallengeTable::remember_used(std::size_t slot) {
  Slot& s = slots_[slot];
  s.state = SlotState::kUsed;
  --outstanding_;
  ++answered_;
  answered_order_.push_back({s.nonce, s.expires_ms});
  // Evicting the earliest answered never reaches the one just added while others are live.
  while (answered_ > used_capacity_ && answered_head_ < answered_order_.size()) {
    const Answered oldest = answered_order_[answered_head_++];
    if (const std::size_t i = find(oldest.nonce);
        slots_[i].state == SlotState::kUsed && slots_[i].expires_ms == oldest.expires_ms) {
      erase_at(i);
    }
  }
  // The consumed front is dropped once it is most of the vector; stale elements behind the
  // front (nonces that expired out of order) are dropped, order kept, once they could
  // outnumber the live ones.
  if (answered_head_ >= 1024 && 2 * answered_head_ >= answered_order_.size()) {
    answered_order_.erase(answered_order_.begin(),
                          answered_order_.begin() + static_cast<std::ptrdiff_t>(answered_head_));
    answered_head_ = 0;
  }
  if (answered_order_.size() - answered_head_ >= 2 * used_capacity_ + 16) {
    // The consumed front goes first: a record there may read as live again (its nonce was
    // issued anew with the same expiry and answered) and must not come back to the front.
    answered_order_.erase(answered_order_.begin(),
                          answered_order_.begin() + static_cast<std::ptrdiff_t>(answered_head_));
    answered_head_ = 0;
    std::erase_if(answered_order_, [&](const Answered& a) { return !holds_used(a); });
  }
}

AuthOutcome ChallengeTable::check(const Challenge& c, std::uint64_t now_ms) const {
  return check(c, challenge_digest(c), now_ms);
}

AuthOutcome ChallengeTable::check(const Challenge& c, const crypto::Hash32& digest,
                                  std::uint64_t now_ms) const {
  const Slot& s = slots_[find(c.nonce)];
  if (s.state == SlotState::kUsed) return AuthOutcome::kNonceUsed;
  if (s.state != SlotState::kOutstanding || s.digest != digest) return AuthOutcome::kNonceUnknown;
  return now_ms > c.expires_ms ? AuthOutcome::kExpired : AuthOutcome::kOk;
}

AuthOutcome ChallengeTable::consume(const Challenge& c, std::uint64_t now_ms) {
  return consume(c, challenge_digest(c), now_ms);
}

AuthOutcome ChallengeTable::consume(const Challenge& c, const crypto::Hash32& digest, std::uint64_t now_ms) {
  const AuthOutcome o = check(c, digest, now_ms);
  if (o == AuthOutcome::kExpired) erase_at(find(c.nonce));
  if (o != AuthOutcome::kOk) return o;
  remember_used(find(c.nonce));
  return AuthOutcome::kOk;
}

}  // namespace telco::modules::device
