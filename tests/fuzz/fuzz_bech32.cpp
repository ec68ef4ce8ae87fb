// bech32m and addresses: decoding never crashes; a string that decodes re-encodes to its
// lower-case form; and any bytes encode and decode back unchanged.
#include <cstddef>
#include <cstdint>
#include <string>

#include "crypto/address.h"
#include "crypto/bech32.h"
#include "fuzz_check.h"

namespace {

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace telco;
  const std::string_view text(reinterpret_cast<const char*>(data), size);

  if (const auto d = crypto::bech32m_decode(text)) {
    FUZZ_CHECK(size <= 90);
    FUZZ_CHECK(crypto::bech32m_encode(d->hrp, d->data) == lower(text));
    FUZZ_CHECK(!d->hrp.empty());
  }
  if (const auto a = crypto::Address::parse(text)) {
    FUZZ_CHECK(a->to_string() == lower(text));
  }

  // The input as payload: up to 50 bytes under "tc" fits the 90-character limit.
  const ByteView payload(data, size < 50 ? size : 50);
  const std::string encoded = crypto::bech32m_encode(crypto::kAddressPrefix, payload);
  const auto back = crypto::bech32m_decode(encoded);
  FUZZ_CHECK(back && back->hrp == crypto::kAddressPrefix);
  FUZZ_CHECK(back->data.size() == payload.size() &&
             std::equal(payload.begin(), payload.end(), back->data.begin()));
  if (payload.size() == crypto::kAddressBytes) {
    const auto addr = crypto::Address::parse(encoded);
    FUZZ_CHECK(addr && addr->to_string() == encoded);
  }
  return 0;
}
