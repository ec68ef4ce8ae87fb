// The bench registry's devices, shared by telco-device-bench (in memory) and
// telco-device-store-bench (in the RocksDB store): device n has the identifier hash of
// "IMEI<n>", a record of the size a real registration writes, and, when sampled, a real key
// derived from n. Benchmark chains only.
#pragma once

#include <cstdint>
#include <string>

#include "crypto/ed25519.h"
#include "modules/device/state.h"

namespace telco::bench::device {

inline crypto::Hash32 id_of(std::uint64_t n) {
  return modules::device::device_id_hash("IMEI" + std::to_string(n));
}

// Key generation would dominate loading a large registry, so only sampled devices get their
// own key; the others share one valid key, which costs a lookup and a verify the same.
inline crypto::KeyPair key_of(std::uint64_t n) {
  crypto::Seed s{};
  for (int i = 0; i < 8; ++i) s[i] = static_cast<std::uint8_t>(n >> (8 * i));
  s[31] = 0x5A;
  return crypto::KeyPair::from_seed(s);
}

inline modules::device::DeviceRecord record_of(std::uint64_t n, const crypto::PublicKey& key) {
  modules::device::DeviceRecord d;
  d.id_hash = id_of(n);
  d.public_key = key;
  d.owner.bytes.fill(1);
  d.serving.bytes.fill(2);
  d.attributes = {{"model", "T-100"}};
  d.history_count = 1;
  d.registered_at = 1;
  return d;
}

}  // namespace telco::bench::device
