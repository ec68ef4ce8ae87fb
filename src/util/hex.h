// Lower-case hexadecimal text for bytes. Parsing accepts either case and rejects odd
// lengths and non-hex characters (returns nullopt, never throws).
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "util/bytes.h"

namespace telco {

std::string to_hex(ByteView bytes);
std::optional<Bytes> from_hex(std::string_view text);

}  // namespace telco
