// The node's record of every validator-set change, kept in the store beside the blocks
// (storage::Store::put_validator_change), so that the set of any height — for the engine at
// restart, for evidence of an old height, for the API and light clients — is one lookup.
// The chain's state holds only the current set (modules/validator/state.h); this history is
// derived from the blocks and written in the same batch as the block that makes the change.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "chain/genesis.h"
#include "util/bytes.h"

namespace telco::node {

struct ValidatorChangeRecord {
  std::uint64_t effective_height = 0;               // first height the new set signs
  std::vector<chain::GenesisValidator> updates;     // the block's updates (power 0 removes)
  std::vector<chain::GenesisValidator> validators;  // the new set's members, in set order
  // Proof of state key next_validators at version effective_height - 1 (light clients need
  // it after that version is pruned). Empty until taken: the tree nodes it walks are written
  // by the same batch as the record, so the node adds it right after that batch.
  Bytes proof;
  bool operator==(const ValidatorChangeRecord&) const = default;
};

Bytes encode_change_record(const ValidatorChangeRecord& r);
// Throws std::runtime_error if the stored bytes do not decode (a corrupt store).
ValidatorChangeRecord decode_change_record(ByteView bytes);

}  // namespace telco::node
