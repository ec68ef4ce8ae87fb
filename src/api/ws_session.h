// One /v1/events WebSocket client (internal to src/api). It receives the block messages the
// EventHub fans out, through a queue bounded in messages and bytes: a client that cannot
// keep up is disconnected rather than buffered without limit (it reconnects and catches up
// over HTTP). Client messages are read only to answer pings and closes, and are capped.
// All handlers run on the connection's strand.
#pragma once

#include <deque>
#include <memory>
#include <string>

#include "api/beast.h"
#include "api/event_hub.h"
#include "api/server_context.h"

namespace telco::api {

class WsSession : public std::enable_shared_from_this<WsSession>, public Connection, public EventSink {
 public:
  WsSession(tcp::socket socket, std::shared_ptr<ServerContext> ctx, ConnectionSlot slot);
  ~WsSession() override;

  // Completes the handshake for an upgrade request already read by the HTTP session.
  void run(http::request<http::string_body> request);

  void shutdown() override;  // server stopping: close frame "going away"
  void deliver(std::shared_ptr<const std::string> message) override;
  void disconnect() override;

 private:
  void on_accept(beast::error_code ec);
  void read();
  void write_next();
  void start_close();  // close frame "going away", then the socket
  void close_now();    // the socket, at once

  const std::shared_ptr<ServerContext> ctx_;
  ConnectionSlot slot_;
  websocket::stream<beast::tcp_stream> ws_;
  beast::flat_buffer read_buffer_;
  std::deque<std::shared_ptr<const std::string>> queue_;
  std::size_t queued_bytes_ = 0;
  std::uint64_t registry_id_ = 0;
  bool accepted_ = false;
  bool writing_ = false;
  bool closed_ = false;
  bool going_away_ = false;  // the server is stopping
};

}  // namespace telco::api
