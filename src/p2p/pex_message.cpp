#include "p2p/pex_message.h"

#include "codec/reader.h"
#include "codec/writer.h"

namespace telco::p2p {

Bytes encode_pex(const PexMessage& message) {
  codec::Writer w;
  w.u8(message.type);
  if (message.type != kPexAddresses) return w.take();
  std::size_t n = 0;
  for (const PeerAddress& a : message.addresses) n += a.id ? 1 : 0;
  n = std::min(n, kPexAddressesMax);
  w.count(n);
  for (const PeerAddress& a : message.addresses) {
    if (n == 0) break;
    if (!a.id) continue;
    w.fixed(*a.id);
    w.string(a.host);
    w.u16(a.port);
    --n;
  }
  return w.take();
}

std::optional<PexMessage> decode_pex(ByteView bytes) {
  codec::Reader r(bytes);
  PexMessage m;
  m.type = r.u8();
  if (m.type == kPexAddresses) {
    const std::size_t n = r.count(kPexAddressesMax, kPexEntryBytesMin);
    m.addresses.reserve(n);
    for (std::size_t i = 0; i < n && r.ok(); ++i) {
      PeerAddress a;
      a.id = r.fixed<32>();
      a.host = r.string(kHostBytesMax);
      a.port = r.u16();
      if (r.ok() && (!valid_host(a.host) || a.port == 0)) r.fail(codec::DecodeError::kInvalid);
      m.addresses.push_back(std::move(a));
    }
  } else if (m.type != kPexRequest) {
    r.fail(codec::DecodeError::kInvalid);
  }
  if (!r.finish()) return std::nullopt;
  return m;
}

}  // namespace telco::p2p
