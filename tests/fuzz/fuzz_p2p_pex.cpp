// Peer exchange messages and peer address text (src/p2p/pex_message.h, node_id.h). Accepted
// PEX messages re-encode to exactly their input and hold only valid hosts and ports;
// accepted address text prints back to a form that parses to the same address.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "fuzz_check.h"
#include "p2p/pex_message.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace telco;
  using namespace telco::p2p;
  const ByteView input(data, size);
  if (const auto m = decode_pex(input)) {
    FUZZ_CHECK(m->addresses.size() <= kPexAddressesMax);
    for (const PeerAddress& a : m->addresses) FUZZ_CHECK(a.id && valid_host(a.host) && a.port != 0);
    const Bytes again = encode_pex(*m);
    FUZZ_CHECK(again.size() == size && std::equal(again.begin(), again.end(), data));
  }
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  std::string error;
  if (const auto a = parse_peer_address(text, &error)) {
    FUZZ_CHECK(a->port != 0 && valid_host(a->host));
    const auto again = parse_peer_address(a->to_string());
    FUZZ_CHECK(again && *again == *a);
  } else {
    FUZZ_CHECK(!error.empty());
  }
  return 0;
}
