// The one registration table of payload types. Adding a module = adding its handlers here.
// Type numbers are part of the protocol and never reused (docs/PROTOCOL.md lists them).
#pragma once

#include <span>
#include <string_view>

#include "chain/genesis.h"
#include "modules/payload_handler.h"

namespace telco::modules {

const PayloadHandler* find_handler(std::uint16_t type);
const PayloadHandler* find_handler(std::string_view name);
std::span<const PayloadHandler* const> all_handlers();

// Each module's records derived from the genesis (beyond bank balances, which exec writes),
// e.g. the naming parameters. Called once by exec when it builds the genesis state.
void write_genesis_state(const chain::Genesis& genesis, state::WriteSet& ws);

}  // namespace telco::modules
