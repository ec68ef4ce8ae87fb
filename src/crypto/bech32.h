// Bech32m text encoding (BIP-173 alphabet, BIP-350 checksum constant): human-readable
// prefix, separator '1', 5-bit data, 6-character checksum that detects any error in up to
// 4 characters. Used for addresses, so a mistyped address is refused, not paid.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "util/bytes.h"

namespace telco::crypto {

std::string bech32m_encode(std::string_view hrp, ByteView data);

struct Bech32Decoded {
  std::string hrp;
  Bytes data;
};
// Rejects mixed case, bad characters, bad checksum, non-zero padding and strings over 90
// characters.
std::optional<Bech32Decoded> bech32m_decode(std::string_view text);

}  // namespace telco::crypto
