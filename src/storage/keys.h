// Key layouts of the store's column families. Heights are big-endian so that RocksDB's
// byte order is height order (range scans for block lists and account history).
#pragma once

#include <cstdint>

#include "crypto/address.h"
#include "crypto/hash.h"
#include "util/bytes.h"

namespace telco::storage {

Bytes height_key(std::uint64_t height);
std::uint64_t parse_height_key(ByteView key);  // key must be 8 bytes (asserted)

// tx index value: height (8, BE) || index (4, BE)
Bytes tx_location_value(std::uint64_t height, std::uint32_t index);

// account history: address (20) || height (8, BE) || index (4, BE)
Bytes account_tx_key(const crypto::Address& address, std::uint64_t height, std::uint32_t index);

}  // namespace telco::storage
