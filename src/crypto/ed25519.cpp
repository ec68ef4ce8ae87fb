#include "crypto/ed25519.h"

#include <sodium.h>

#include "crypto/hash.h"
#include "util/hex.h"

namespace telco::crypto {

KeyPair KeyPair::generate() {
  init();
  Seed seed;
  randombytes_buf(seed.data(), seed.size());
  KeyPair kp = from_seed(seed);
  sodium_memzero(seed.data(), seed.size());
  return kp;
}

KeyPair KeyPair::from_seed(const Seed& seed) {
  init();
  KeyPair kp;
  kp.seed_ = seed;
  crypto_sign_seed_keypair(kp.public_key_.data(), kp.secret_key_.data(), seed.data());
  return kp;
}

KeyPair::~KeyPair() {
  sodium_memzero(seed_.data(), seed_.size());
  sodium_memzero(secret_key_.data(), secret_key_.size());
}

Signature KeyPair::sign(ByteView message) const {
  Signature sig;
  crypto_sign_detached(sig.data(), nullptr, message.data(), message.size(), secret_key_.data());
  return sig;
}

bool is_valid_public_key(const PublicKey& key) { return crypto_core_ed25519_is_valid_point(key.data()) == 1; }

bool verify(const PublicKey& key, ByteView message, const Signature& sig) {
  init();
  return crypto_sign_verify_detached(sig.data(), message.data(), message.size(), key.data()) == 0;
}

namespace {
template <std::size_t N>
std::optional<std::array<std::uint8_t, N>> fixed_from_hex(std::string_view hex) {
  auto bytes = telco::from_hex(hex);
  if (!bytes || bytes->size() != N) return std::nullopt;
  std::array<std::uint8_t, N> out;
  std::copy(bytes->begin(), bytes->end(), out.begin());
  return out;
}
}  // namespace

std::optional<PublicKey> public_key_from_hex(std::string_view hex) { return fixed_from_hex<32>(hex); }
std::optional<Signature> signature_from_hex(std::string_view hex) { return fixed_from_hex<64>(hex); }

}  // namespace telco::crypto
