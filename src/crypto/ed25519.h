// Ed25519 keys and signatures (RFC 8032, libsodium). libsodium rejects non-canonical
// signatures (S >= L) and small-order public keys, so a valid signature is not malleable.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string_view>

#include "util/bytes.h"

namespace telco::crypto {

using PublicKey = std::array<std::uint8_t, 32>;
using Signature = std::array<std::uint8_t, 64>;
using Seed = std::array<std::uint8_t, 32>;

class KeyPair {
 public:
  static KeyPair generate();
  static KeyPair from_seed(const Seed& seed);

  const PublicKey& public_key() const { return public_key_; }
  const Seed& seed() const { return seed_; }
  Signature sign(ByteView message) const;

  KeyPair(const KeyPair&) = default;
  KeyPair& operator=(const KeyPair&) = default;
  ~KeyPair();

 private:
  KeyPair() = default;
  Seed seed_{};
  PublicKey public_key_{};
  std::array<std::uint8_t, 64> secret_key_{};  // libsodium's expanded form: seed || public key
};

bool verify(const PublicKey& key, ByteView message, const Signature& sig);
// The key encodes a point on the curve, in the main subgroup and not of small order: one
// that some secret key could have produced (libsodium's crypto_core_ed25519_is_valid_point).
bool is_valid_public_key(const PublicKey& key);

std::optional<PublicKey> public_key_from_hex(std::string_view hex);
std::optional<Signature> signature_from_hex(std::string_view hex);

}  // namespace telco::crypto
