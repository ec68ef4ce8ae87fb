// BLAKE2b-256, the one hash function of the protocol (libsodium crypto_generichash).
#pragma once

#include <array>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

#include <sodium.h>

#include "util/bytes.h"

namespace telco::crypto {

using Hash32 = std::array<std::uint8_t, 32>;

// Calls sodium_init() once; safe from any thread. Every entry point calls it first so that
// libsodium picks its fastest implementations and seeds its RNG.
void init();

Hash32 blake2b_256(ByteView data);

// Incremental BLAKE2b-256 for hashing several pieces without concatenating them.
class Hasher {
 public:
  Hasher();
  Hasher& update(ByteView data);
  Hasher& update(std::string_view text) { return update(as_bytes(text)); }
  Hash32 finish();

 private:
  crypto_generichash_state state_;
};

std::string to_hex(const Hash32& h);

// For unordered containers keyed by a hash: its first 8 bytes are already uniform.
struct Hash32Hasher {
  std::size_t operator()(const Hash32& h) const noexcept {
    std::size_t v;
    std::memcpy(&v, h.data(), sizeof(v));
    return v;
  }
};

}  // namespace telco::crypto
