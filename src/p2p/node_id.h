// Who a peer is and where to reach it. A node's identity is its long-term Ed25519 public key
// (the "node key"); its text form, the node id, is that key's 64 lower-case hex characters
// (the full key, not a hash of it, so a dialer can check the handshake signature without a
// lookup). Peer addresses are written `host:port` or `nodeid@host:port`; an IPv6 host is
// bracketed (`[::1]:26656`). Parsing never throws and says what is wrong.
#pragma once

#include <cstdint>
#include <cstring>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "crypto/ed25519.h"

namespace telco::p2p {

using NodeId = crypto::PublicKey;

inline constexpr std::size_t kNodeIdHexChars = 64;
// RFC 1035's longest name; IP literals are shorter.
inline constexpr std::size_t kHostBytesMax = 253;

std::string node_id_hex(const NodeId& id);
// The first 8 hex characters, for log lines.
std::string short_id(const NodeId& id);
std::optional<NodeId> parse_node_id(std::string_view hex);

struct NodeIdHasher {
  std::size_t operator()(const NodeId& id) const noexcept {
    std::size_t v;
    std::memcpy(&v, id.data(), sizeof(v));
    return v;
  }
};

// True when `host` is an IPv4/IPv6 literal (without brackets) or a DNS name: 1..253 bytes
// of letters, digits, '.', '-', and ':' for IPv6. Peer exchange refuses anything else, so a
// hostile peer cannot plant arbitrary text in our address book or logs.
bool valid_host(std::string_view host);

// `text` with every byte outside printable ASCII replaced by '?', at most 64 bytes: for
// peer-supplied strings (chain id, agent) in log lines.
std::string printable(std::string_view text);

struct PeerAddress {
  std::optional<NodeId> id;  // present when the text named the node key
  std::string host;          // without IPv6 brackets
  std::uint16_t port = 0;    // never 0 once parsed

  // `nodeid@host:port` or `host:port`, brackets around IPv6 hosts.
  std::string to_string() const;
  // `host:port` only.
  std::string endpoint() const;
  bool operator==(const PeerAddress&) const = default;
};

// Parses `host:port` or `nodeid@host:port`. On failure returns nullopt and, if `error` is
// given, a sentence naming the problem.
std::optional<PeerAddress> parse_peer_address(std::string_view text, std::string* error = nullptr);

}  // namespace telco::p2p
