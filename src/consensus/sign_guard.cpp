#include "consensus/sign_guard.h"

namespace telco::consensus {
namespace {
constexpr std::uint8_t kSignedStateVersion = 1;
constexpr std::size_t kSignedStateBytes = 1 + 8 + 4 + 3 * (1 + 32);
}  // namespace

Bytes encode_signed_state(const SignedState& s) {
  codec::Writer w(kSignedStateBytes);
  w.u8(kSignedStateVersion);
  w.u64(s.height);
  w.u32(static_cast<std::uint32_t>(s.round));
  for (std::size_t i = 0; i < s.hash.size(); ++i) {
    w.boolean(s.signed_step[i]);
    w.fixed(s.hash[i]);
  }
  return w.take();
}

std::optional<SignedState> decode_signed_state(ByteView bytes) {
  codec::Reader r(bytes);
  SignedState s;
  if (r.u8() != kSignedStateVersion) r.fail(codec::DecodeError::kInvalid);
  s.height = r.u64();
  s.round = r.u32();
  for (std::size_t i = 0; i < s.hash.size(); ++i) {
    s.signed_step[i] = r.boolean();
    s.hash[i] = r.fixed<32>();
    if (!s.signed_step[i] && s.hash[i] != Hash32{}) r.fail(codec::DecodeError::kNonCanonical);
  }
  if (!r.finish()) return std::nullopt;
  return s;
}

SignGuard::SignGuard(RecordStorage& storage) : storage_(storage) {
  const auto bytes = storage_.load();
  if (!bytes) return;
  state_ = decode_signed_state(*bytes);
  if (!state_) throw StorageError("last-signed-state record is corrupt; refusing to sign");
}

bool SignGuard::permit(std::uint64_t height, Round round, SignStep step, ByteView signing_bytes) {
  const Hash32 hash = crypto::blake2b_256(signing_bytes);
  if (state_ && std::pair(height, round) < std::pair(state_->height, state_->round)) return false;
  const bool same_round = state_ && height == state_->height && round == state_->round;
  const auto i = static_cast<std::size_t>(step);
  if (same_round && state_->signed_step[i]) return state_->hash[i] == hash;
  SignedState next = same_round ? *state_ : SignedState{height, round, {}, {}};
  next.signed_step[i] = true;
  next.hash[i] = hash;
  storage_.replace(encode_signed_state(next));
  state_ = next;
  return true;
}

}  // namespace telco::consensus
