#include "node_url.h"

#include <charconv>

#include "cli_error.h"

namespace telco::cli {
namespace {

[[noreturn]] void fail(std::string_view text, std::string_view why) {
  throw UsageError("invalid node URL '" + std::string(text) + "': " + std::string(why));
}

bool valid_host_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '.' ||
         c == '_';
}

std::uint16_t parse_port(std::string_view text, std::string_view port) {
  unsigned value = 0;
  const auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), value);
  if (port.empty() || ec != std::errc{} || end != port.data() + port.size() || value == 0 || value > 65535) {
    fail(text, "the port must be a number from 1 to 65535");
  }
  return static_cast<std::uint16_t>(value);
}

}  // namespace

std::string NodeUrl::host_header() const {
  const bool ipv6 = host.find(':') != std::string::npos;
  return (ipv6 ? "[" + host + "]" : host) + ":" + std::to_string(port);
}

std::string NodeUrl::text() const { return "http://" + host_header() + base_path; }

std::string NodeUrl::target(std::string_view path) const { return base_path + std::string(path); }

NodeUrl parse_node_url(std::string_view text) {
  std::string_view rest = text;
  bool has_scheme = false;
  if (const auto sep = rest.find("://"); sep != std::string_view::npos) {
    const std::string_view scheme = rest.substr(0, sep);
    if (scheme == "https") fail(text, "https is not supported; use http:// (or a TLS-terminating proxy)");
    if (scheme != "http") fail(text, "the scheme must be http://");
    rest.remove_prefix(sep + 3);
    has_scheme = true;
  }
  const std::size_t slash = rest.find('/');
  std::string_view authority = rest.substr(0, slash);
  std::string_view path = slash == std::string_view::npos ? std::string_view{} : rest.substr(slash);
  if (path.find_first_of("?#") != std::string_view::npos) fail(text, "a query or fragment is not allowed");
  if (authority.find('@') != std::string_view::npos) fail(text, "user information is not allowed");

  NodeUrl url;
  url.port = has_scheme ? 80 : kDefaultNodePort;
  std::string_view host = authority;
  if (!authority.empty() && authority.front() == '[') {
    const std::size_t close = authority.find(']');
    if (close == std::string_view::npos) fail(text, "missing ']' after the IPv6 address");
    host = authority.substr(1, close - 1);
    const std::string_view after = authority.substr(close + 1);
    if (!after.empty()) {
      if (after.front() != ':') fail(text, "expected ':port' after the IPv6 address");
      url.port = parse_port(text, after.substr(1));
    }
    if (host.empty() || host.find_first_not_of("0123456789abcdefABCDEF:.") != std::string_view::npos) {
      fail(text, "malformed IPv6 address");
    }
  } else {
    if (const std::size_t colon = authority.rfind(':'); colon != std::string_view::npos) {
      host = authority.substr(0, colon);
      url.port = parse_port(text, authority.substr(colon + 1));
    }
    if (host.empty()) fail(text, "the host is missing");
    for (char c : host) {
      if (!valid_host_char(c)) fail(text, "the host contains a character that is not allowed");
    }
  }
  url.host = std::string(host);
  while (!path.empty() && path.back() == '/') path.remove_suffix(1);
  url.base_path = std::string(path);
  return url;
}

}  // namespace telco::cli
