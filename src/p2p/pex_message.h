// Peer-exchange messages on channel 6 (docs/P2P.md, "Peer exchange"):
//   request   = u8 1
//   addresses = u8 2 || list<node key[32] || string host || u16 port>   (at most 64 entries)
// Hosts must pass valid_host and ports are 1..65535; anything else is malformed, so a peer
// cannot plant arbitrary text in the address book. No Asio: the fuzz build compiles it.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "p2p/node_id.h"
#include "util/bytes.h"

namespace telco::p2p {

inline constexpr std::size_t kPexAddressesMax = 64;
inline constexpr std::uint8_t kPexRequest = 1;
inline constexpr std::uint8_t kPexAddresses = 2;
// node key + host length + shortest host + port
inline constexpr std::size_t kPexEntryBytesMin = 32 + 4 + 1 + 2;
inline constexpr std::size_t kPexMessageBytesMax = 1 + 4 + kPexAddressesMax * (32 + 4 + kHostBytesMax + 2);

struct PexMessage {
  std::uint8_t type = kPexRequest;
  std::vector<PeerAddress> addresses;  // kPexAddresses only; every entry has an id
};

// Entries without an id or beyond kPexAddressesMax are not encoded.
Bytes encode_pex(const PexMessage& message);
std::optional<PexMessage> decode_pex(ByteView bytes);

}  // namespace telco::p2p
