#include "http_client.h"

// Boost 1.74's Asio needs <utility> before it with g++ 12 (docs/TOOLCHAIN.md).
#include <utility>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include <charconv>
#include <optional>

namespace telco::bench {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = boost::beast::http;
using tcp = boost::asio::ip::tcp;

namespace {
// A submit response lists every transaction (~150 bytes each, 10,000 at most); blocks
// fetched for backfill carry full transactions. 64 MiB covers both with room.
constexpr std::uint64_t kResponseBytesMax = 64ULL << 20;
}  // namespace

Endpoint parse_node_url(std::string_view url) {
  constexpr std::string_view kScheme = "http://";
  if (url.substr(0, kScheme.size()) != kScheme) {
    throw std::invalid_argument("node URL must look like http://127.0.0.1:8640 (got '" + std::string(url) + "')");
  }
  std::string_view rest = url.substr(kScheme.size());
  while (!rest.empty() && rest.back() == '/') rest.remove_suffix(1);
  const auto colon = rest.rfind(':');
  if (rest.find('/') != std::string_view::npos || colon == std::string_view::npos || colon == 0) {
    throw std::invalid_argument("node URL must be http://HOST:PORT without a path (got '" + std::string(url) + "')");
  }
  Endpoint e;
  e.host = std::string(rest.substr(0, colon));
  const std::string_view port = rest.substr(colon + 1);
  unsigned value = 0;
  const auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), value);
  if (ec != std::errc() || end != port.data() + port.size() || value == 0 || value > 65535) {
    throw std::invalid_argument("bad port in node URL '" + std::string(url) + "'");
  }
  e.port = static_cast<std::uint16_t>(value);
  return e;
}

// Blocking calls are built from Asio's async operations run to completion on a private
// io_context: only async operations honour beast::tcp_stream's timeouts, and a benchmark
// must never hang on a node that stopped answering.
struct HttpClient::Impl {
  Impl(const Endpoint& endpoint, std::chrono::milliseconds timeout)
      : endpoint(endpoint), timeout(timeout), stream(ioc) {}

  const Endpoint& endpoint;
  const std::chrono::milliseconds timeout;
  asio::io_context ioc;
  beast::tcp_stream stream;
  beast::flat_buffer buffer;
  bool connected = false;

  [[noreturn]] void fail(const char* what, const beast::error_code& ec) {
    close();
    const std::string reason = ec == beast::error::timeout ? "timed out" : ec.message();
    throw TransportError(std::string(what) + " " + endpoint.url() + ": " + reason);
  }

  void close() {
    beast::error_code ignored;
    stream.socket().shutdown(tcp::socket::shutdown_both, ignored);
    stream.close();
    buffer.clear();
    connected = false;
  }

  // Runs the operations started on ioc until they complete; returns their error.
  void run() {
    ioc.restart();
    ioc.run();
  }

  void connect() {
    beast::error_code ec;
    tcp::resolver resolver(ioc);
    tcp::resolver::results_type endpoints;
    resolver.async_resolve(endpoint.host, std::to_string(endpoint.port),
                           [&](const beast::error_code& e, tcp::resolver::results_type r) {
                             ec = e;
                             endpoints = std::move(r);
                           });
    run();
    if (ec) fail("cannot resolve", ec);
    stream.expires_after(timeout);
    stream.async_connect(endpoints, [&](const beast::error_code& e, const tcp::endpoint&) { ec = e; });
    run();
    if (ec) fail("cannot connect to the node at", ec);
    stream.socket().set_option(tcp::no_delay(true));
    connected = true;
  }

  // One exchange on the current connection; nullopt if the connection turned out to be one
  // the server had already closed (so nothing of the request was processed).
  std::optional<HttpResponse> exchange(http::request<http::string_body>& req, bool reused) {
    beast::error_code ec;
    stream.expires_after(timeout);
    http::async_write(stream, req, [&](const beast::error_code& e, std::size_t) { ec = e; });
    run();
    if (ec && reused) {
      close();
      return std::nullopt;
    }
    if (ec) fail("cannot send a request to", ec);
    http::response_parser<http::string_body> parser;
    parser.body_limit(kResponseBytesMax);
    stream.expires_after(timeout);
    http::async_read(stream, buffer, parser, [&](const beast::error_code& e, std::size_t) { ec = e; });
    run();
    const bool closed_before_answer = ec == http::error::end_of_stream || ec == asio::error::connection_reset ||
                                      ec == asio::error::eof;
    if (ec && reused && closed_before_answer) {
      close();
      return std::nullopt;
    }
    if (ec) fail("no answer from", ec);
    auto res = parser.release();
    HttpResponse out{static_cast<int>(res.result_int()), std::move(res.body())};
    if (!res.keep_alive()) close();
    return out;
  }

  HttpResponse request(http::verb verb, std::string_view target, std::string_view content_type,
                       std::string body) {
    http::request<http::string_body> req{verb, std::string(target), 11};
    req.set(http::field::host, endpoint.host + ":" + std::to_string(endpoint.port));
    req.set(http::field::user_agent, "telco-bench");
    req.keep_alive(true);
    if (verb == http::verb::post) {
      req.set(http::field::content_type, std::string(content_type));
      req.body() = std::move(body);
      req.prepare_payload();
    }
    const bool may_retry = verb == http::verb::get;
    for (int attempt = 0; attempt < 2; ++attempt) {
      const bool reused = connected;
      if (!connected) connect();
      if (auto res = exchange(req, reused && may_retry)) return std::move(*res);
    }
    throw TransportError("the node at " + endpoint.url() + " keeps closing the connection");
  }
};

HttpClient::HttpClient(Endpoint endpoint, std::chrono::milliseconds timeout)
    : endpoint_(std::move(endpoint)), impl_(std::make_unique<Impl>(endpoint_, timeout)) {}

HttpClient::~HttpClient() = default;

HttpResponse HttpClient::get(std::string_view target) { return impl_->request(http::verb::get, target, {}, {}); }

HttpResponse HttpClient::post(std::string_view target, std::string_view content_type, std::string body) {
  return impl_->request(http::verb::post, target, content_type, std::move(body));
}

}  // namespace telco::bench
