#include "http_client.h"

// Boost 1.74's Asio uses std::exchange without including <utility> (docs TOOLCHAIN.md).
#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>
#include <functional>
#include <optional>
#include <utility>

#include "cli_error.h"

namespace telco::cli {
namespace {

namespace net = boost::asio;
namespace http = boost::beast::http;
using tcp = net::ip::tcp;
using Clock = std::chrono::steady_clock;
using boost::system::error_code;

constexpr const char* kUserAgent = "telco/" TELCO_VERSION;

// Runs the single pending operation on ioc until it completes or the deadline passes; on
// the deadline, cancels it and drains the handler so nothing refers to the stack afterwards.
// Returns false when the deadline cut the operation short.
bool run_until(net::io_context& ioc, Clock::time_point deadline, const std::function<void()>& cancel) {
  ioc.restart();
  ioc.run_until(deadline);
  if (ioc.stopped()) return true;
  cancel();
  ioc.restart();
  ioc.run();
  return false;
}

[[noreturn]] void throw_timeout(const NodeUrl& url, std::chrono::milliseconds timeout, const char* step) {
  const auto ms = timeout.count();
  std::string seconds = std::to_string(ms / 1000);
  if (ms % 1000 != 0) {
    std::string fraction = std::to_string(1000 + ms % 1000).substr(1);
    while (fraction.back() == '0') fraction.pop_back();
    seconds += "." + fraction;
  }
  throw CliError("timeout",
                 "node at " + url.text() + " did not answer within " + seconds + " s (while " + step + ")");
}

[[noreturn]] void throw_transport(const NodeUrl& url, const error_code& ec) {
  std::string why = ec.message();
  if (ec == net::error::connection_refused) {
    why = "connection refused — is telcod running?";
  } else if (ec == net::error::host_not_found || ec == net::error::host_not_found_try_again) {
    why = "host name not found";
  }
  throw CliError("node_unreachable", "cannot reach node at " + url.text() + ": " + why);
}

tcp::resolver::results_type resolve(net::io_context& ioc, const NodeUrl& url, Clock::time_point deadline,
                                    std::chrono::milliseconds timeout) {
  tcp::resolver resolver(ioc);
  error_code ec;
  tcp::resolver::results_type results;
  resolver.async_resolve(url.host, std::to_string(url.port),
                         [&](const error_code& e, tcp::resolver::results_type r) {
                           ec = e;
                           results = std::move(r);
                         });
  if (!run_until(ioc, deadline, [&] { resolver.cancel(); }))
    throw_timeout(url, timeout, "resolving the host");
  if (ec) throw_transport(url, ec);
  return results;
}

http::request<http::string_body> make_request(const NodeUrl& url, const HttpRequest& request) {
  const http::verb verb = request.method == HttpMethod::kPost ? http::verb::post : http::verb::get;
  http::request<http::string_body> req{verb, url.target(request.path), 11};
  req.set(http::field::host, url.host_header());
  req.set(http::field::user_agent, kUserAgent);
  req.set(http::field::accept, "application/json");
  req.keep_alive(false);
  if (request.method == HttpMethod::kPost) {
    req.set(http::field::content_type, request.content_type);
    req.body() = request.body;
    req.prepare_payload();
  }
  return req;
}

}  // namespace

HttpResponse http_exchange(const NodeUrl& url, const HttpRequest& request,
                           std::chrono::milliseconds timeout) {
  const Clock::time_point deadline = Clock::now() + timeout;
  net::io_context ioc;
  const auto endpoints = resolve(ioc, url, deadline, timeout);

  tcp::socket socket(ioc);
  const auto cancel = [&] {
    error_code ignored;
    socket.close(ignored);
  };
  error_code ec;
  net::async_connect(socket, endpoints, [&](const error_code& e, const tcp::endpoint&) { ec = e; });
  if (!run_until(ioc, deadline, cancel)) throw_timeout(url, timeout, "connecting");
  if (ec) throw_transport(url, ec);

  auto req = make_request(url, request);
  http::async_write(socket, req, [&](const error_code& e, std::size_t) { ec = e; });
  if (!run_until(ioc, deadline, cancel)) throw_timeout(url, timeout, "sending the request");
  if (ec) throw_transport(url, ec);

  boost::beast::flat_buffer buffer;
  http::response_parser<http::string_body> parser;
  parser.body_limit(kResponseBytesMax);
  http::async_read(socket, buffer, parser, [&](const error_code& e, std::size_t) { ec = e; });
  if (!run_until(ioc, deadline, cancel)) throw_timeout(url, timeout, "waiting for the response");
  if (ec == http::error::body_limit) {
    throw CliError("bad_response", "node at " + url.text() + " sent a response larger than " +
                                       std::to_string(kResponseBytesMax >> 20) + " MiB");
  }
  if (ec == http::error::end_of_stream) {
    // It went away mid-request (a crash or restart): the same as not reaching it.
    throw CliError("node_unreachable", "node at " + url.text() + " closed the connection without answering");
  }
  if (ec && ec.category() == http::make_error_code(http::error::end_of_stream).category()) {
    throw CliError("bad_response",
                   "node at " + url.text() + " did not answer with valid HTTP: " + ec.message());
  }
  if (ec) throw_transport(url, ec);

  cancel();
  auto& res = parser.get();
  HttpResponse out;
  out.status = res.result_int();
  out.content_type = std::string(res[http::field::content_type]);
  out.body = std::move(res.body());
  return out;
}

}  // namespace telco::cli
