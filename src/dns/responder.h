// The DNS responder of the naming module: one query's wire bytes in, one response's wire
// bytes out, over a committed state view. No sockets, no clock, no globals, so the unit
// tests, the fuzz target and the benchmark drive exactly the code telcod serves with.
//
// Zones: every top-level label of the chain ("tel") and e164.arpa. Names resolve while
// active (modules/naming/views.h); numbers resolve under e164.arpa as ENUM NAPTR records
// (RFC 6116) built from their routing. Outside those zones the answer is REFUSED.
// Bounded work: one question, a packet of at most kQueryBytesMax, at most a handful of
// state reads per query.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "chain/genesis.h"
#include "state/state_view.h"
#include "util/bytes.h"

namespace telco::dns {

enum class Transport { kUdp, kTcp };

// Largest query accepted; a larger one is dropped (a DNS message is at most 65 535 bytes).
inline constexpr std::size_t kQueryBytesMax = 65'535;
// A UDP answer without EDNS0 fits in 512 bytes (RFC 1035 §4.2.1); with EDNS0 the client's
// size, clamped to [512, kUdpPayloadMax].
inline constexpr std::size_t kUdpPlainBytesMax = 512;
inline constexpr std::size_t kUdpPayloadMax = 4'096;
// The EDNS0 size this server advertises (the 2020 DNS flag day's value).
inline constexpr std::uint16_t kAdvertisedUdpPayload = 1'232;
// SOA timers (seconds) and the negative-answer TTL (RFC 2308: SOA minimum).
inline constexpr std::uint32_t kNegativeTtl = 60;
// TTL of ENUM NAPTR answers: a port moves the routing at one height, so keep it short.
inline constexpr std::uint32_t kEnumTtl = 60;

// What the responder reads: committed state at `height` and the chain's naming parameters.
struct ZoneSource {
  const state::StateView& state;
  const chain::NamingParams& params;
  std::uint64_t height = 0;
};

// The response to `query`, or an empty vector when nothing must be sent (shorter than a
// DNS header, a response rather than a query, or larger than kQueryBytesMax). Never throws
// on any input.
Bytes respond(const ZoneSource& source, ByteView query, Transport transport);

}  // namespace telco::dns
