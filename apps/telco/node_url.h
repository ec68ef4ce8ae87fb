// The node address given with --node / TELCO_NODE, e.g. "http://127.0.0.1:8640".
// Only plain http is spoken (the node listens on loopback or behind a TLS proxy).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace telco::cli {

inline constexpr std::uint16_t kDefaultNodePort = 8640;

struct NodeUrl {
  std::string host;  // without brackets, also for IPv6 literals
  std::uint16_t port = kDefaultNodePort;
  std::string base_path;  // "" or a prefix such as "/telco" (never ends in '/')

  // Value of the Host header: brackets around IPv6 literals, port always explicit.
  std::string host_header() const;
  // Normalised form used in messages: http://host:port[/base].
  std::string text() const;
  // base_path + path, where path starts with '/'.
  std::string target(std::string_view path) const;
};

// Accepts "http://host[:port][/base]", "host:port" and "host". An explicit http:// without a
// port means port 80 (URL rules); a bare host without scheme means the node's port 8640.
// Throws UsageError with a sentence on anything else (https, user info, query, bad port).
NodeUrl parse_node_url(std::string_view text);

}  // namespace telco::cli
