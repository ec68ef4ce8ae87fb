// The hashes of the state tree (docs/STATE.md, "Hashing"). Every input starts with its own
// domain tag, and no tag is a prefix of another, so a key path, a value hash, a leaf, an
// internal node and the empty subtree can never be mistaken for one another:
//   key path    = H("telco/smt/key"   || state key)            256 bits, read MSB first
//   value hash  = H("telco/smt/value" || value)
//   leaf        = H("telco/smt/leaf"  || key path || value hash)
//   internal    = H("telco/smt/node"  || left || right)
//   empty       = H("telco/smt/empty")
// H is BLAKE2b-256. The header's state root is the hash of the whole logical binary tree:
// a subtree holding no key hashes to `empty`, one holding exactly one key hashes to that
// key's leaf, and any other to `internal` of its two halves.
#pragma once

#include <cstddef>
#include <cstdint>

#include "crypto/hash.h"
#include "util/bytes.h"

namespace telco::state::smt {

using crypto::Hash32;

inline constexpr std::size_t kPathBits = 256;
inline constexpr std::size_t kPathNibbles = kPathBits / 4;

Hash32 key_path(ByteView key);
Hash32 value_hash(ByteView value);
Hash32 leaf_hash(const Hash32& path, const Hash32& value_hash);
Hash32 internal_hash(const Hash32& left, const Hash32& right);
const Hash32& empty_hash();

// Bit i of a path, i = 0 is the most significant bit of byte 0 (the root's branch).
inline bool path_bit(const Hash32& path, std::size_t i) { return (path[i >> 3] >> (7 - (i & 7))) & 1; }
// Nibble i = bits 4i..4i+3, so nibble order and bit order agree with byte order.
inline unsigned path_nibble(const Hash32& path, std::size_t i) {
  const std::uint8_t b = path[i >> 1];
  return (i & 1) ? (b & 0x0f) : (b >> 4);
}

}  // namespace telco::state::smt
