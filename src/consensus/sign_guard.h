// The last-signed-state guard: the final check before this validator's key signs a
// proposal or vote. It remembers the highest (height, round) signed and, for it, the hash
// of what was signed at each step, in a record replaced atomically before the signature is
// released. It refuses
//   - anything for an earlier (height, round) than the last signed one, and
//   - different bytes for a step of the last (height, round) that already has a signature;
// re-signing identical bytes is allowed (Ed25519 is deterministic: same signature), which
// is how a node that replays its WAL after a crash resends its votes.
// It guards even when the WAL is lost or cut: then the node may fail to vote, never double-sign.
#pragma once

#include <array>
#include <optional>

#include "consensus/messages.h"
#include "consensus/storage.h"

namespace telco::consensus {

enum class SignStep : std::uint8_t { kProposal = 0, kPrevote = 1, kPrecommit = 2 };

struct SignedState {
  std::uint64_t height = 0;
  Round round = 0;
  std::array<bool, 3> signed_step{};  // by SignStep
  std::array<Hash32, 3> hash{};        // of the signing bytes; zero where not signed
  bool operator==(const SignedState&) const = default;
};

// u8 version (1) ‖ u64 height ‖ u32 round ‖ 3 × (bool present ‖ fixed[32] hash, zero if absent).
Bytes encode_signed_state(const SignedState& state);
std::optional<SignedState> decode_signed_state(ByteView bytes);

class SignGuard {
 public:
  // Throws StorageError if the stored record does not decode: a guard that cannot tell what
  // was signed must not sign at all.
  explicit SignGuard(RecordStorage& storage);

  // True when signing `signing_bytes` at (height, round, step) cannot conflict with anything
  // signed before; the new state is durable when it returns true.
  bool permit(std::uint64_t height, Round round, SignStep step, ByteView signing_bytes);
  const std::optional<SignedState>& state() const { return state_; }

 private:
  RecordStorage& storage_;
  std::optional<SignedState> state_;
};

}  // namespace telco::consensus
