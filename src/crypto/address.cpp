#include "crypto/address.h"

#include "crypto/bech32.h"
#include "crypto/hash.h"

namespace telco::crypto {

Address Address::from_public_key(const PublicKey& key) {
  const Hash32 h = Hasher().update(std::string_view("telco/address/v1")).update(key).finish();
  Address a;
  std::copy_n(h.begin(), kAddressBytes, a.bytes.begin());
  return a;
}

std::optional<Address> Address::parse(std::string_view text) {
  auto decoded = bech32m_decode(text);
  if (!decoded || decoded->hrp != kAddressPrefix || decoded->data.size() != kAddressBytes) {
    return std::nullopt;
  }
  Address a;
  std::copy(decoded->data.begin(), decoded->data.end(), a.bytes.begin());
  return a;
}

std::string Address::to_string() const { return bech32m_encode(kAddressPrefix, bytes); }

}  // namespace telco::crypto
