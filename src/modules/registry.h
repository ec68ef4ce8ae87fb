// The one registration table of payload types. Adding a module = adding its handlers here.
// Type numbers are part of the protocol and never reused (docs/PROTOCOL.md lists them).
#pragma once

#include <span>
#include <string_view>

#include "modules/payload_handler.h"

namespace telco::modules {

const PayloadHandler* find_handler(std::uint16_t type);
const PayloadHandler* find_handler(std::string_view name);
std::span<const PayloadHandler* const> all_handlers();

}  // namespace telco::modules
