// One HTTP/1.1 connection (internal to src/api): reads requests one at a time with bounded
// header and body sizes and timeouts, answers them through router.h, keeps the connection
// alive when the client asks, hands POST /v1/txs to the submit pool and an upgrade at
// /v1/events to a WsSession. All of its handlers run on the connection's strand.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "api/beast.h"
#include "api/router.h"
#include "api/server_context.h"

namespace telco::api {

class HttpSession : public std::enable_shared_from_this<HttpSession>, public Connection {
 public:
  // The socket's executor must be a strand. `slot` carries this connection's count.
  HttpSession(tcp::socket socket, std::shared_ptr<ServerContext> ctx, ConnectionSlot slot);
  ~HttpSession() override;

  void run();
  void shutdown() override;

 private:
  void read_header();
  void on_header(beast::error_code ec);
  void read_body();
  void on_body(beast::error_code ec);
  void dispatch();
  // Answers `req` with `handler` on the submit pool (bounded by submits_in_flight_max, 503
  // beyond): for requests that cost milliseconds of CPU, which an io thread must not spend.
  void run_pooled(http::request<http::string_body> req,
                  std::function<Response(ServerContext&, const http::request<http::string_body>&)> handler);
  void upgrade(http::request<http::string_body> req);
  void send(Response response, bool keep_alive);
  void on_write(beast::error_code ec, bool keep_alive);
  // Answers a request that cannot be read to its end, then closes.
  void refuse(int status, std::string_view code, std::string message);
  bool on_read_error(beast::error_code ec);
  void linger_close();
  void linger_read(std::size_t discarded);
  void close();

  const std::shared_ptr<ServerContext> ctx_;
  std::optional<ConnectionSlot> slot_;  // moves to the WsSession on upgrade
  beast::tcp_stream stream_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  http::response<http::string_body> response_;
  http::response<http::empty_body> continue_;
  std::string request_line_;  // for the debug log
  std::chrono::steady_clock::time_point request_start_;
  std::uint64_t registry_id_ = 0;
  bool head_ = false;
  bool closed_ = false;
};

}  // namespace telco::api
