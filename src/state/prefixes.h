// The one table of state-key prefixes. A module's keys all start with its byte; a new module
// takes the next free one. Numbers never change once a chain has used them.
#pragma once

#include <cstdint>
#include <string_view>

namespace telco::state {

enum class Prefix : std::uint8_t {
  kChain = 0x00,     // chain-level records: token supply, burned fees
  kAccount = 0x01,   // bank: balance and nonce per address
  kNaming = 0x02,    // naming: names, reverse records, E.164 blocks and numbers, their history
  kDevice = 0x03,    // device: devices, fleets, key versions, stolen list, reading anchors
};

// Under kChain: the validators_hash (32 bytes) of the set that signs the NEXT height. The
// block whose execution changes the validator set writes it, so the old set's commit of that
// block's state root proves the hand-over to a light client (light/validator_change.h).
// Absent while the set is the genesis one. The explicit length keeps the leading NUL.
inline constexpr std::string_view kNextValidatorsKey("\x00next_validators", 16);

}  // namespace telco::state
