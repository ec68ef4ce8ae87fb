// Standard base64 (RFC 4648 section 4, with padding), as used at the API edge.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "util/bytes.h"

namespace telco {

std::string to_base64(ByteView bytes);
// Rejects whitespace, missing padding and characters outside the alphabet.
std::optional<Bytes> from_base64(std::string_view text);

}  // namespace telco
