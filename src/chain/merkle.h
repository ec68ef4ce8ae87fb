// Binary Merkle root over a list of 32-byte hashes, RFC 6962 shape: leaf = H(0x00 || item),
// node = H(0x01 || left || right), split at the largest power of two below n (no duplicated
// last element, so two different lists never share a root). Empty list: H("").
#pragma once

#include <span>
#include <vector>

#include "crypto/hash.h"

namespace telco::chain {

crypto::Hash32 merkle_root(std::span<const crypto::Hash32> items);

}  // namespace telco::chain
