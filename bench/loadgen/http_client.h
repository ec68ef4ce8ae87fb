// A minimal blocking HTTP/1.1 client for the load generator: one kept-alive connection,
// every operation bounded by a timeout. Asio and Beast stay in the .cpp (pimpl).
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>

namespace telco::bench {

struct Endpoint {
  std::string host = "127.0.0.1";
  std::uint16_t port = 8640;
  std::string url() const { return "http://" + host + ":" + std::to_string(port); }
};

// "http://HOST:PORT" (a trailing "/" is fine). Throws std::invalid_argument with a sentence.
Endpoint parse_node_url(std::string_view url);

// The node could not be reached or did not answer in time: refused, reset, timed out.
class TransportError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct HttpResponse {
  int status = 0;
  std::string body;
};

class HttpClient {
 public:
  explicit HttpClient(Endpoint endpoint, std::chrono::milliseconds timeout = std::chrono::seconds(30));
  ~HttpClient();
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;

  // Connects lazily and reconnects after any failure. A GET on a kept-alive connection that
  // the server had closed is retried once on a fresh one; a POST never is (the node may have
  // acted on it). Throws TransportError.
  HttpResponse get(std::string_view target);
  HttpResponse post(std::string_view target, std::string_view content_type, std::string body);

  const Endpoint& endpoint() const { return endpoint_; }

 private:
  struct Impl;
  Endpoint endpoint_;
  std::unique_ptr<Impl> impl_;
};

}  // namespace telco::bench
