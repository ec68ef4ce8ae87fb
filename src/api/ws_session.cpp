#include "api/ws_session.h"

#include <spdlog/spdlog.h>

namespace telco::api {
namespace {

// Clients have nothing to say on this channel; anything larger than this is abuse.
constexpr std::size_t kClientMessageBytesMax = 4096;
constexpr auto kHandshakeTimeout = std::chrono::seconds(10);
constexpr auto kCloseTimeout = std::chrono::seconds(1);

}  // namespace

WsSession::WsSession(tcp::socket socket, std::shared_ptr<ServerContext> ctx, ConnectionSlot slot)
    : ctx_(std::move(ctx)), slot_(std::move(slot)), ws_(std::move(socket)) {}

WsSession::~WsSession() { ctx_->registry.remove(registry_id_); }

void WsSession::run(http::request<http::string_body> request) {
  registry_id_ = ctx_->registry.add(weak_from_this());
  // Registered first, checked second: a stop() that began meanwhile either finds us in the
  // registry or is seen here.
  if (ctx_->stopping) return close_now();
  // Joined before the handshake completes, so a client that has seen the 101 response is
  // guaranteed every block committed after it; messages wait in the queue until then.
  ctx_->events->join(std::weak_ptr<EventSink>(shared_from_this()));
  beast::get_lowest_layer(ws_).expires_never();  // the websocket stream's own timeouts apply
  websocket::stream_base::timeout timeouts{};
  timeouts.handshake_timeout = kHandshakeTimeout;
  timeouts.idle_timeout = ctx_->config.idle_timeout;
  timeouts.keep_alive_pings = true;  // an idle client is pinged; a dead one is dropped
  ws_.set_option(timeouts);
  ws_.set_option(websocket::stream_base::decorator(
      [server = "telcod/" + ctx_->config.node_version](websocket::response_type& res) {
        res.set(http::field::server, server);
      }));
  ws_.read_message_max(kClientMessageBytesMax);
  ws_.text(true);
  ws_.async_accept(request, [self = shared_from_this()](beast::error_code ec) { self->on_accept(ec); });
}

void WsSession::on_accept(beast::error_code ec) {
  if (ec) {
    ctx_->log->debug("api: WebSocket handshake failed: {}", ec.message());
    return close_now();
  }
  accepted_ = true;
  if (going_away_) return start_close();
  read();
  if (!queue_.empty() && !writing_) write_next();
}

void WsSession::read() {
  ws_.async_read(read_buffer_, [self = shared_from_this()](beast::error_code ec, std::size_t) {
    if (ec) {
      // Closed by the client, timed out, or aborted by close_now(): the session ends when
      // its last handler returns.
      self->closed_ = true;
      self->queue_.clear();
      self->queued_bytes_ = 0;
      return;
    }
    self->read_buffer_.clear();
    self->read();
  });
}

void WsSession::deliver(std::shared_ptr<const std::string> message) {
  asio::post(ws_.get_executor(), [self = shared_from_this(), message = std::move(message)]() mutable {
    if (self->closed_) return;
    const auto& cfg = self->ctx_->config;
    if (self->queue_.size() >= cfg.ws_queue_messages_max ||
        self->queued_bytes_ + message->size() > cfg.ws_queue_bytes_max) {
      self->ctx_->warn_throttled("a WebSocket client fell too far behind the block stream; disconnected it");
      return self->close_now();
    }
    self->queued_bytes_ += message->size();
    self->queue_.push_back(std::move(message));
    if (self->accepted_ && !self->writing_) self->write_next();
  });
}

void WsSession::write_next() {
  // The message leaves the queue now and the handler owns it: clearing the queue (on a
  // failed read, say) must not free a buffer the write is still sending.
  std::shared_ptr<const std::string> message = std::move(queue_.front());
  queue_.pop_front();
  queued_bytes_ -= message->size();
  writing_ = true;
  ws_.async_write(asio::buffer(*message),
                  [self = shared_from_this(), message](beast::error_code ec, std::size_t) {
                    self->writing_ = false;
                    if (ec || self->closed_) return self->close_now();
                    if (self->going_away_) return self->start_close();
                    if (!self->queue_.empty()) self->write_next();
                  });
}

void WsSession::disconnect() {
  asio::post(ws_.get_executor(), [self = shared_from_this()] { self->close_now(); });
}

void WsSession::shutdown() {
  asio::post(ws_.get_executor(), [self = shared_from_this()] {
    if (self->closed_) return;
    self->going_away_ = true;
    // A handshake or a write in progress finishes first; its handler starts the close.
    if (self->accepted_ && !self->writing_) self->start_close();
  });
}

void WsSession::start_close() {
  closed_ = true;
  queue_.clear();
  queued_bytes_ = 0;
  // Wait only briefly for the client's close reply: stop() is waiting for us.
  websocket::stream_base::timeout timeouts =
      websocket::stream_base::timeout::suggested(beast::role_type::server);
  timeouts.handshake_timeout = kCloseTimeout;
  timeouts.idle_timeout = websocket::stream_base::none();
  ws_.set_option(timeouts);
  ws_.async_close(websocket::close_code::going_away, [self = shared_from_this()](beast::error_code) {
    beast::error_code ignored;
    beast::get_lowest_layer(self->ws_).socket().close(ignored);
  });
}

void WsSession::close_now() {
  queue_.clear();
  queued_bytes_ = 0;
  if (closed_ && !beast::get_lowest_layer(ws_).socket().is_open()) return;
  closed_ = true;
  beast::get_lowest_layer(ws_).close();
}

}  // namespace telco::api
