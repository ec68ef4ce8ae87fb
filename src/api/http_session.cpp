#include "api/http_session.h"

#include <spdlog/spdlog.h>

#include <boost/beast/core/string.hpp>

#include "api/device_routes.h"
#include "api/ws_session.h"

namespace telco::api {
namespace {

// A request's header (request line included). Beast's default is 8 KiB; browsers with
// cookies for another app on localhost can exceed that.
constexpr std::uint32_t kHeaderBytesMax = 16 * 1024;
// Unparsed input held per connection: the header, or one chunk of body on its way into the
// request (the parser consumes it as it goes).
constexpr std::size_t kReadBufferBytesMax = 64 * 1024;
// After refusing a request whose body we will not read, keep reading (and discarding) for
// a moment before closing, so the kernel does not answer the client's unread bytes with a
// reset that destroys our error response before the client reads it.
constexpr auto kLingerTime = std::chrono::seconds(2);
constexpr std::size_t kLingerBytesMax = 1024 * 1024;
constexpr std::size_t kLingerChunkBytes = 16 * 1024;

std::string_view sv(beast::string_view s) { return {s.data(), s.size()}; }

bool is_http_parse_error(const beast::error_code& ec) {
  return ec.category() == http::make_error_code(http::error::bad_target).category();
}

}  // namespace

HttpSession::HttpSession(tcp::socket socket, std::shared_ptr<ServerContext> ctx, ConnectionSlot slot)
    : ctx_(std::move(ctx)),
      slot_(std::move(slot)),
      stream_(std::move(socket)),
      buffer_(kReadBufferBytesMax) {}

HttpSession::~HttpSession() { ctx_->registry.remove(registry_id_); }

void HttpSession::run() {
  registry_id_ = ctx_->registry.add(weak_from_this());
  asio::dispatch(stream_.get_executor(), [self = shared_from_this()] { self->read_header(); });
}

void HttpSession::shutdown() {
  asio::post(stream_.get_executor(), [self = shared_from_this()] { self->close(); });
}

void HttpSession::close() {
  if (closed_) return;
  closed_ = true;
  beast::error_code ignored;
  stream_.socket().shutdown(tcp::socket::shutdown_both, ignored);
  stream_.close();
}

void HttpSession::read_header() {
  if (closed_ || ctx_->stopping) return close();
  parser_.emplace();
  parser_->header_limit(kHeaderBytesMax);
  parser_->body_limit(ctx_->config.body_bytes_max);
  stream_.expires_after(ctx_->config.idle_timeout);
  http::async_read_header(
      stream_, buffer_, *parser_,
      [self = shared_from_this()](beast::error_code ec, std::size_t) { self->on_header(ec); });
}

// True when the error ended the request (and was handled).
bool HttpSession::on_read_error(beast::error_code ec) {
  if (!ec) return false;
  if (ec == http::error::body_limit) {
    refuse(413, error_code::kBodyTooLarge,
           "request body exceeds " + std::to_string(ctx_->config.body_bytes_max) + " bytes");
  } else if (ec == http::error::header_limit) {
    refuse(400, error_code::kBadRequest, "request header exceeds 16 KiB");
  } else if (is_http_parse_error(ec) && ec != http::error::end_of_stream &&
             ec != http::error::partial_message) {
    refuse(400, error_code::kBadRequest, "malformed HTTP request: " + ec.message());
  } else {
    // The client went away, timed out or the server is stopping: nothing to answer.
    if (ec != asio::error::operation_aborted && ec != http::error::end_of_stream &&
        ec != beast::error::timeout) {
      ctx_->log->debug("api: connection read failed: {}", ec.message());
    }
    close();
  }
  return true;
}

void HttpSession::on_header(beast::error_code ec) {
  if (on_read_error(ec)) return;
  request_start_ = std::chrono::steady_clock::now();
  const auto& req = parser_->get();
  if (ctx_->log->should_log(spdlog::level::debug)) {
    request_line_ = std::string(sv(req.method_string())) + " " + std::string(sv(req.target()));
  }
  if (req.method() == http::verb::post && !parser_->content_length() && !parser_->chunked()) {
    // No length and not chunked means "no body" in HTTP/1.1; for a submission that is
    // almost always a client that forgot the header, so say so instead of "empty list".
    const auto [path, query] = split_target(sv(req.target()));
    if (path == "/v1/txs") {
      send(error_response(make_error(411, error_code::kLengthRequired,
                                     "POST /v1/txs needs a Content-Length header (or chunked encoding)")),
           req.keep_alive());
      return;
    }
  }
  if (beast::iequals(req[http::field::expect], "100-continue")) {
    continue_ = http::response<http::empty_body>{http::status::continue_, 11};
    http::async_write(stream_, continue_, [self = shared_from_this()](beast::error_code wec, std::size_t) {
      if (wec) return self->close();
      self->read_body();
    });
    return;
  }
  read_body();
}

void HttpSession::read_body() {
  stream_.expires_after(ctx_->config.request_timeout);
  http::async_read(stream_, buffer_, *parser_,
                   [self = shared_from_this()](beast::error_code ec, std::size_t) { self->on_body(ec); });
}

void HttpSession::on_body(beast::error_code ec) {
  if (on_read_error(ec)) return;
  dispatch();
}

void HttpSession::dispatch() {
  http::request<http::string_body> req = parser_->release();
  parser_.reset();
  head_ = req.method() == http::verb::head;
  const auto [path, query] = split_target(sv(req.target()));
  if (path == "/v1/events" && req.method() == http::verb::get) {
    if (websocket::is_upgrade(req)) return upgrade(std::move(req));
    return send(
        error_response(make_error(400, error_code::kBadRequest, "/v1/events takes a WebSocket upgrade")),
        req.keep_alive());
  }
  if (path == "/v1/txs" && req.method() == http::verb::post) {
    return run_pooled(std::move(req), [](ServerContext& ctx, const http::request<http::string_body>& r) {
      return handle_submit(ctx, sv(r[http::field::content_type]), r.body());
    });
  }
  if (req.method() == http::verb::post && is_device_post_path(path)) {
    // The wall clock is read here, in the shell; the device library takes it as an argument.
    const auto wall_ms = [] {
      return static_cast<std::uint64_t>(std::chrono::duration_cast<std::chrono::milliseconds>(
                                            std::chrono::system_clock::now().time_since_epoch())
                                            .count());
    };
    if (is_device_pooled_path(path)) {
      return run_pooled(std::move(req), [path = std::string(path), wall_ms](
                                            ServerContext& ctx, const http::request<http::string_body>& r) {
        return handle_device_post(ctx, path, sv(r[http::field::content_type]), r.body(), wall_ms());
      });
    }
    // One signature check at most: cheap enough for the io thread.
    return send(handle_device_post(*ctx_, path, sv(req[http::field::content_type]), req.body(), wall_ms()),
                req.keep_alive());
  }
  send(handle_request(*ctx_, sv(req.method_string()), sv(req.target())), req.keep_alive());
}

void HttpSession::run_pooled(
    http::request<http::string_body> req,
    std::function<Response(ServerContext&, const http::request<http::string_body>&)> handler) {
  const bool keep_alive = req.keep_alive();
  if (ctx_->stopping) {
    return send(error_response(make_error(503, error_code::kUnavailable, "the node is shutting down")),
                false);
  }
  if (ctx_->submits_in_flight.fetch_add(1) >= ctx_->config.submits_in_flight_max) {
    ctx_->submits_in_flight.fetch_sub(1);
    ctx_->warn_throttled("too many submissions or batch authentications in flight; answering 503");
    return send(error_response(
                    make_error(503, error_code::kUnavailable,
                               "too many submissions or batch authentications in progress; retry shortly")),
                keep_alive);
  }
  // Released when the task runs or, if the pool is stopped first, when it is destroyed.
  struct InFlight {
    explicit InFlight(ServerContext* c) : ctx(c) {}
    InFlight(const InFlight&) = delete;
    InFlight& operator=(const InFlight&) = delete;
    ~InFlight() { ctx->submits_in_flight.fetch_sub(1); }
    ServerContext* ctx;
  };
  auto in_flight = std::make_shared<InFlight>(ctx_.get());
  // The request is fully read: from here on the node is the slow party, not the client.
  stream_.expires_never();
  ctx_->post_submit([self = shared_from_this(),
                     req = std::make_shared<http::request<http::string_body>>(std::move(req)), in_flight,
                     keep_alive, handler = std::move(handler)] {
    Response response = handler(*self->ctx_, *req);
    asio::post(self->stream_.get_executor(), [self, keep_alive, response = std::move(response)]() mutable {
      self->send(std::move(response), keep_alive);
    });
  });
}

void HttpSession::upgrade(http::request<http::string_body> req) {
  stream_.expires_never();
  auto ws = std::make_shared<WsSession>(stream_.release_socket(), ctx_, std::move(*slot_));
  slot_.reset();
  closed_ = true;  // the socket now belongs to the WebSocket session
  ws->run(std::move(req));
}

void HttpSession::send(Response r, bool keep_alive) {
  if (closed_) return;
  keep_alive = keep_alive && !ctx_->stopping;
  response_ = {};
  response_.version(11);
  response_.result(static_cast<unsigned>(r.status));
  response_.set(http::field::server, "telcod/" + ctx_->config.node_version);
  response_.set(http::field::content_type, r.content_type);
  response_.set("X-Content-Type-Options", "nosniff");
  response_.set(http::field::cache_control, "no-store");
  for (auto& [name, value] : r.headers) response_.set(name, value);
  response_.keep_alive(keep_alive);
  response_.body() = std::move(r.body);
  if (head_) {
    response_.content_length(response_.body().size());
    response_.body().clear();
  } else {
    response_.prepare_payload();
  }
  if (!request_line_.empty()) {
    const auto us = std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() -
                                                                          request_start_)
                        .count();
    ctx_->log->debug("api: {} -> {} in {} us", request_line_, r.status, us);
    request_line_.clear();
  }
  stream_.expires_after(ctx_->config.request_timeout);
  http::async_write(stream_, response_,
                    [self = shared_from_this(), keep_alive](beast::error_code ec, std::size_t) {
                      self->on_write(ec, keep_alive);
                    });
}

void HttpSession::on_write(beast::error_code ec, bool keep_alive) {
  if (ec) {
    if (ec != asio::error::operation_aborted)
      ctx_->log->debug("api: response write failed: {}", ec.message());
    return close();
  }
  if (!keep_alive) return linger_close();
  read_header();
}

void HttpSession::refuse(int status, std::string_view code, std::string message) {
  head_ = false;
  send(error_response(make_error(status, code, std::move(message))), /*keep_alive=*/false);
}

void HttpSession::linger_close() {
  if (closed_) return;
  beast::error_code ignored;
  stream_.socket().shutdown(tcp::socket::shutdown_send, ignored);
  stream_.expires_after(kLingerTime);
  linger_read(0);
}

// Discards what the client still sends until it closes, the linger time passes or enough
// has been discarded.
void HttpSession::linger_read(std::size_t discarded) {
  buffer_.clear();
  stream_.async_read_some(buffer_.prepare(kLingerChunkBytes),
                          [self = shared_from_this(), discarded](beast::error_code ec, std::size_t n) {
                            if (ec || discarded + n > kLingerBytesMax) return self->close();
                            self->linger_read(discarded + n);
                          });
}

}  // namespace telco::api
