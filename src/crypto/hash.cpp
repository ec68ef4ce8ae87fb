#include "crypto/hash.h"

#include <stdexcept>

#include "util/hex.h"

namespace telco::crypto {

void init() {
  static const bool ok = sodium_init() >= 0;
  if (!ok) throw std::runtime_error("libsodium failed to initialise");
}

Hash32 blake2b_256(ByteView data) {
  init();
  Hash32 out;
  crypto_generichash(out.data(), out.size(), data.data(), data.size(), nullptr, 0);
  return out;
}

Hasher::Hasher() {
  init();
  crypto_generichash_init(&state_, nullptr, 0, sizeof(Hash32));
}

Hasher& Hasher::update(ByteView data) {
  crypto_generichash_update(&state_, data.data(), data.size());
  return *this;
}

Hash32 Hasher::finish() {
  Hash32 out;
  crypto_generichash_final(&state_, out.data(), out.size());
  return out;
}

std::string to_hex(const Hash32& h) { return telco::to_hex(h); }

}  // namespace telco::crypto
