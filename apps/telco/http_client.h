// A minimal synchronous HTTP/1.1 client: one request per TCP connection, one deadline for
// the whole exchange (resolve + connect + write + read), a bounded response. This header
// keeps Boost.Beast out of every other file of the CLI (it costs ~20 s per translation unit).
#pragma once

#include <chrono>
#include <cstddef>
#include <string>

#include "node_url.h"

namespace telco::cli {

// Far above any single API answer (a full block of 10,000 txs as JSON is a few MiB), and
// small enough that a misbehaving server cannot make the CLI swallow the machine's memory.
inline constexpr std::size_t kResponseBytesMax = 32 * 1024 * 1024;

enum class HttpMethod { kGet, kPost };

struct HttpRequest {
  HttpMethod method = HttpMethod::kGet;
  std::string path;  // starts with '/', relative to the URL's base path
  std::string content_type;
  std::string body;
};

struct HttpResponse {
  unsigned status = 0;
  std::string content_type;
  std::string body;
};

// Any HTTP status is a response. Transport failures throw CliError with code
// "node_unreachable" (refused, unresolvable, reset), "timeout" or "bad_response"
// (not HTTP, or larger than kResponseBytesMax), each with a sentence naming the node.
HttpResponse http_exchange(const NodeUrl& url, const HttpRequest& request, std::chrono::milliseconds timeout);

}  // namespace telco::cli
