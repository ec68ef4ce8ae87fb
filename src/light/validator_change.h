// A validator-set hand-over as a light client receives it from a node, and its check.
//
// The header has no next_validators_hash (docs/CONSENSUS.md, "Not done yet"), so the
// hand-over is proven through state: the block whose execution changes the set (height
// h - 1) writes state::kNextValidatorsKey = validators_hash of the new set, and the old
// set's commit of block h - 1 signs that state root. A change record therefore carries the
// updates (consensus::ValidatorUpdate, applied to the old set exactly as the engine does)
// and the proof of that key at version h - 1. The light client accepts the new set only
// when old set + updates hashes to the header's validators_hash AND the proof shows that
// same hash under the old set's signed state root. A node cannot invent a set: it would
// need the old set's signatures.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "consensus/validator_set.h"
#include "light/rejection.h"
#include "state/proof.h"

namespace telco::light {

// Bounds a node's answer: a change names at most every member of the old and new sets.
inline constexpr std::size_t kValidatorUpdatesMax = 2 * chain::kValidatorsMax;

struct ValidatorSetChange {
  std::uint64_t height = 0;  // the first height the new set signs (>= 2)
  std::vector<consensus::ValidatorUpdate> updates;
  state::SparseMerkleProof proof;  // kNextValidatorsKey at version height - 1
};

Bytes next_validators_key();

// The set that signs change.height, if `change` is proven against `signed_state_root` (the
// state root of the verified header at change.height - 1, signed by `old_set`) and yields
// `expected_hash`. Otherwise nullopt and *why says which check failed.
std::optional<consensus::ValidatorSet> apply_change(const consensus::ValidatorSet& old_set,
                                                    const crypto::Hash32& signed_state_root,
                                                    const ValidatorSetChange& change,
                                                    const crypto::Hash32& expected_hash, Verdict* why);

}  // namespace telco::light
