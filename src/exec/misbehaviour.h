// Validator misbehaviour recorded in state (docs/PROTOCOL.md "Evidence"). consensus/
// defines and verifies the evidence; a block carries it, and executing the block records
// each offence here, under the chain prefix, so that it is covered by the state root and any
// light client can prove what a validator did. What an offence costs its validator is for
// governance to decide; the record is what it will read.
//
//   key   "\x00evidence/" ‖ fixed[32] validator ‖ u64 height ‖ u32 round ‖ u8 vote type
//   value u64 block height that recorded it ‖ fixed[32] H(evidence encoding)
//   key   "\x00misbehaviour/" ‖ fixed[32] validator
//   value u64 offences recorded against the validator
#pragma once

#include <cstdint>
#include <optional>

#include "crypto/hash.h"
#include "crypto/ed25519.h"
#include "state/write_set.h"

namespace telco::exec {

// One offence, identified by who, where and which step: a second piece of evidence for the
// same (validator, height, round, vote type) is the same offence and is not recorded twice.
struct Misbehaviour {
  crypto::PublicKey validator{};
  std::uint64_t height = 0;
  std::uint32_t round = 0;
  std::uint8_t vote_type = 0;
  crypto::Hash32 evidence_hash{};
  bool operator==(const Misbehaviour&) const = default;
};

struct MisbehaviourRecord {
  std::uint64_t recorded_at = 0;
  crypto::Hash32 evidence_hash{};
};

Bytes misbehaviour_key(const Misbehaviour& m);
Bytes misbehaviour_count_key(const crypto::PublicKey& validator);
std::optional<MisbehaviourRecord> load_misbehaviour(const state::StateView& state, const Misbehaviour& m);
std::uint64_t misbehaviour_count(const state::StateView& state, const crypto::PublicKey& validator);

}  // namespace telco::exec
