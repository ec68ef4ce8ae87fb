// An account address: the first 20 bytes of BLAKE2b-256("telco/address/v1" || public key).
// Text form: bech32m with prefix "tc", e.g. tc1q...; a typo fails the checksum.
#pragma once

#include <array>
#include <compare>
#include <cstring>
#include <functional>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "crypto/ed25519.h"

namespace telco::crypto {

inline constexpr std::string_view kAddressPrefix = "tc";
inline constexpr std::size_t kAddressBytes = 20;

struct Address {
  std::array<std::uint8_t, kAddressBytes> bytes{};

  static Address from_public_key(const PublicKey& key);
  static std::optional<Address> parse(std::string_view text);
  std::string to_string() const;

  auto operator<=>(const Address&) const = default;
};

}  // namespace telco::crypto

template <>
struct std::hash<telco::crypto::Address> {
  std::size_t operator()(const telco::crypto::Address& a) const noexcept {
    std::size_t h;
    static_assert(sizeof(h) <= telco::crypto::kAddressBytes);
    std::memcpy(&h, a.bytes.data(), sizeof(h));
    return h;
  }
};
