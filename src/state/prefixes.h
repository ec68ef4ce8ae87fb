// The one table of state-key prefixes. A module's keys all start with its byte; a new module
// takes the next free one. Numbers never change once a chain has used them.
#pragma once

#include <cstdint>

namespace telco::state {

enum class Prefix : std::uint8_t {
  kChain = 0x00,     // chain-level records: token supply, burned fees
  kAccount = 0x01,   // bank: balance and nonce per address
  kNaming = 0x02,    // naming: names, reverse records, E.164 blocks and numbers, their history
};

}  // namespace telco::state
