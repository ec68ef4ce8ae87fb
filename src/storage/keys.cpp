#include "storage/keys.h"

#include <cassert>

namespace telco::storage {
namespace {

void put_be(Bytes& out, std::uint64_t v, int width) {
  for (int i = width - 1; i >= 0; --i) out.push_back(static_cast<std::uint8_t>(v >> (8 * i)));
}

}  // namespace

Bytes height_key(std::uint64_t height) {
  Bytes k;
  k.reserve(8);
  put_be(k, height, 8);
  return k;
}

std::uint64_t parse_height_key(ByteView key) {
  assert(key.size() >= 8);
  std::uint64_t h = 0;
  for (int i = 0; i < 8; ++i) h = (h << 8) | key[i];
  return h;
}

Bytes tx_location_value(std::uint64_t height, std::uint32_t index) {
  Bytes v;
  v.reserve(12);
  put_be(v, height, 8);
  put_be(v, index, 4);
  return v;
}

Bytes account_tx_key(const crypto::Address& address, std::uint64_t height, std::uint32_t index) {
  Bytes k(address.bytes.begin(), address.bytes.end());
  k.reserve(32);
  put_be(k, height, 8);
  put_be(k, index, 4);
  return k;
}

}  // namespace telco::storage
