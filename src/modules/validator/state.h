// The validator set as chain state (docs/CONSENSUS.md "Validator-set changes", docs/PROTOCOL.md
// "State keys"). Under the chain prefix 0x00:
//
//   "validator_authority/" ‖ address   present (value 0x01) for each genesis-named authority
//   "validators"                        u64 effective_height ‖ u32 count: the set that signs
//                                       heights >= effective_height (until the next change)
//   "validators/" ‖ u16 page (BE)       that set's members in set order, 32 per page
//   "validator_updates"                 the updates of the change that produced it
//   "next_validators"                   validators_hash of that set (state/prefixes.h)
//
// All but the last are written at genesis when the genesis names authorities; without
// authorities the set is the genesis one forever and none of these keys exists.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "chain/genesis.h"
#include "chain/result_code.h"
#include "codec/reader.h"
#include "codec/writer.h"
#include "state/write_set.h"

namespace telco::modules::validator {

inline constexpr std::size_t kUpdatesPerTxMax = 16;
inline constexpr std::size_t kUpdatesPerBlockMax = 32;
inline constexpr std::size_t kPageEntriesMax = 32;  // 32 × 108 bytes < kStateValueBytesMax

// An update: power 0 removes `public_key`, a known key takes the new power and name, an
// unknown key with power > 0 joins at the end (consensus::ValidatorUpdate, as chain types).
using Update = chain::GenesisValidator;

struct SetRecord {
  std::uint64_t effective_height = 1;
  std::vector<chain::GenesisValidator> validators;  // set order
  bool operator==(const SetRecord&) const = default;
};

// The list form every record here uses: count n ‖ n × (string name ‖ fixed[32] key ‖ u64 power).
// read_members refuses more than `max` entries (the reader fails, as codec::Reader does).
void write_members(codec::Writer& w, const std::vector<chain::GenesisValidator>& list);
std::vector<chain::GenesisValidator> read_members(codec::Reader& r, std::size_t max);

Bytes authority_key(const crypto::Address& address);
bool is_authority(const state::StateView& state, const crypto::Address& address);

// nullopt when the chain has no authorities (the genesis set signs every height).
// Throws std::logic_error if the stored record does not decode (corrupt state).
std::optional<SetRecord> load_set(const state::StateView& state);
// Writes the record, its pages (erasing pages beyond the new count) and next_validators.
void store_set(state::WriteSet& state, const SetRecord& record);

std::vector<Update> load_updates(const state::StateView& state);
void store_updates(state::WriteSet& state, const std::vector<Update>& updates);

// `members` after `updates`, in order, with the rules consensus::ValidatorSet::with_updates
// and ValidatorSet::create apply (so the engine never refuses what a block did): removing a
// non-member is kValidatorNotFound; an empty set, more than kValidatorsMax members or a total
// power above 2^60 is kValidatorSetInvalid. On failure `members` is unchanged.
chain::ResultCode apply_updates(std::vector<chain::GenesisValidator>& members, const std::vector<Update>& updates);

// The genesis records (authorities, the genesis set at effective height 1), if any authority.
void write_genesis_state(const chain::Genesis& genesis, state::WriteSet& state);

// The change a block made, read after its transactions ran: the updates and the new set,
// if the block at `height` changed the set (its record's effective height is height + 1).
struct BlockChange {
  std::vector<Update> updates;
  std::vector<chain::GenesisValidator> validators;
};
std::optional<BlockChange> change_made_by_block(const state::StateView& state, std::uint64_t height);

// The members, in set order, of the set that signs `height` as far as `state` (the state
// after block height - 1, or later while no change happened since) tells: the record's set,
// or the genesis list when there is no record.
std::vector<chain::GenesisValidator> members(const state::StateView& state, const chain::Genesis& genesis);

}  // namespace telco::modules::validator
