#include "p2p/node_id.h"

#include <charconv>

#include "util/hex.h"

namespace telco::p2p {

std::string node_id_hex(const NodeId& id) { return to_hex(ByteView(id.data(), id.size())); }

std::string short_id(const NodeId& id) { return node_id_hex(id).substr(0, 8); }

std::optional<NodeId> parse_node_id(std::string_view hex) {
  if (hex.size() != kNodeIdHexChars) return std::nullopt;
  const auto bytes = from_hex(hex);
  if (!bytes) return std::nullopt;
  NodeId id{};
  std::copy(bytes->begin(), bytes->end(), id.begin());
  return id;
}

bool valid_host(std::string_view host) {
  if (host.empty() || host.size() > kHostBytesMax) return false;
  for (const char c : host) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
                    c == '-' || c == ':';
    if (!ok) return false;
  }
  return true;
}

std::string printable(std::string_view text) {
  constexpr std::size_t kLogTextBytesMax = 64;
  std::string out(text.substr(0, kLogTextBytesMax));
  for (char& c : out) {
    if (c < 0x20 || c > 0x7e) c = '?';
  }
  return out;
}

std::string PeerAddress::endpoint() const {
  const bool v6 = host.find(':') != std::string::npos;
  return (v6 ? "[" + host + "]" : host) + ":" + std::to_string(port);
}

std::string PeerAddress::to_string() const { return id ? node_id_hex(*id) + "@" + endpoint() : endpoint(); }

namespace {

bool fail(std::string* error, std::string why) {
  if (error) *error = std::move(why);
  return false;
}

bool parse_port(std::string_view text, std::uint16_t* port, std::string* error) {
  unsigned value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || ec != std::errc() || end != text.data() + text.size() || value == 0 || value > 65535) {
    return fail(error, "port '" + std::string(text) + "' is not a number from 1 to 65535");
  }
  *port = static_cast<std::uint16_t>(value);
  return true;
}

// Splits `host:port` or `[v6]:port` into its parts.
bool parse_endpoint(std::string_view text, PeerAddress* out, std::string* error) {
  std::string_view host;
  std::string_view port;
  if (!text.empty() && text.front() == '[') {
    const auto close = text.find(']');
    if (close == std::string_view::npos || close + 1 >= text.size() || text[close + 1] != ':') {
      return fail(error, "'" + std::string(text) + "' is not [ipv6]:port");
    }
    host = text.substr(1, close - 1);
    port = text.substr(close + 2);
    if (host.find(':') == std::string_view::npos) return fail(error, "brackets are only for IPv6 hosts");
  } else {
    const auto colon = text.rfind(':');
    if (colon == std::string_view::npos) return fail(error, "'" + std::string(text) + "' has no :port");
    host = text.substr(0, colon);
    port = text.substr(colon + 1);
    if (host.find(':') != std::string_view::npos) return fail(error, "write an IPv6 host in brackets: [host]:port");
  }
  if (!valid_host(host)) return fail(error, "'" + std::string(host) + "' is not a host name or IP address");
  out->host = std::string(host);
  return parse_port(port, &out->port, error);
}

}  // namespace

std::optional<PeerAddress> parse_peer_address(std::string_view text, std::string* error) {
  PeerAddress out;
  const auto at = text.find('@');
  if (at != std::string_view::npos) {
    out.id = parse_node_id(text.substr(0, at));
    if (!out.id) {
      fail(error, "node id '" + std::string(text.substr(0, at)) + "' is not 64 hex characters");
      return std::nullopt;
    }
    text = text.substr(at + 1);
  }
  if (!parse_endpoint(text, &out, error)) return std::nullopt;
  return out;
}

}  // namespace telco::p2p
