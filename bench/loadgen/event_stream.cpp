#include "event_stream.h"

// Boost 1.74's Asio needs <utility> before it with g++ 12 (docs/TOOLCHAIN.md).
#include <utility>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/websocket.hpp>

namespace telco::bench {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace websocket = boost::beast::websocket;
using tcp = boost::asio::ip::tcp;

namespace {
// One block event lists every transaction with its payload (~300 bytes each); 10,000
// transactions per block make about 3 MB. The bound leaves a wide margin.
constexpr std::uint64_t kMessageBytesMax = 64ULL << 20;
constexpr auto kConnectTimeout = std::chrono::seconds(10);
constexpr auto kReconnectPause = std::chrono::milliseconds(200);
constexpr auto kCloseTimeout = std::chrono::seconds(2);
}  // namespace

// All socket work runs on the reading thread's io_context; stop() only posts to it, so the
// stream is never touched from two threads.
struct EventStream::Impl {
  explicit Impl(Endpoint endpoint) : endpoint(std::move(endpoint)), close_timer(ioc) {}

  Endpoint endpoint;
  asio::io_context ioc;
  std::unique_ptr<websocket::stream<beast::tcp_stream>> ws;
  beast::flat_buffer buffer;
  asio::steady_timer close_timer;

  // Blocking connect + handshake with a deadline (run on whichever thread owns ioc now).
  void connect() {
    ws = std::make_unique<websocket::stream<beast::tcp_stream>>(ioc);
    beast::error_code ec;
    tcp::resolver resolver(ioc);
    tcp::resolver::results_type endpoints;
    resolver.async_resolve(endpoint.host, std::to_string(endpoint.port),
                           [&](const beast::error_code& e, tcp::resolver::results_type r) {
                             ec = e;
                             endpoints = std::move(r);
                           });
    run_all();
    if (ec) throw TransportError("cannot resolve " + endpoint.url() + ": " + ec.message());
    beast::get_lowest_layer(*ws).expires_after(kConnectTimeout);
    beast::get_lowest_layer(*ws).async_connect(endpoints,
                                               [&](const beast::error_code& e, const tcp::endpoint&) { ec = e; });
    run_all();
    if (ec) throw TransportError("cannot connect to the node's event stream at " + endpoint.url() + ": " + ec.message());
    beast::get_lowest_layer(*ws).socket().set_option(tcp::no_delay(true));
    // The websocket's own timeouts take over from the tcp_stream's after the handshake:
    // ping the server after 10 s of silence, give up on it after 20 s.
    beast::get_lowest_layer(*ws).expires_never();
    websocket::stream_base::timeout timeouts{};
    timeouts.handshake_timeout = kConnectTimeout;
    timeouts.idle_timeout = std::chrono::seconds(20);
    timeouts.keep_alive_pings = true;
    ws->set_option(timeouts);
    ws->read_message_max(kMessageBytesMax);
    ws->async_handshake(endpoint.host + ":" + std::to_string(endpoint.port), "/v1/events",
                        [&](const beast::error_code& e) { ec = e; });
    run_all();
    if (ec) throw TransportError("WebSocket handshake with " + endpoint.url() + "/v1/events failed: " + ec.message());
  }

  void run_all() {
    ioc.restart();
    ioc.run();
  }
};

EventStream::EventStream(Endpoint endpoint, OnMessage on_message, OnNote on_note)
    : impl_(std::make_unique<Impl>(std::move(endpoint))),
      on_message_(std::move(on_message)),
      on_note_(std::move(on_note)) {}

EventStream::~EventStream() { stop(); }

void EventStream::start() {
  impl_->connect();
  thread_ = std::thread([this] { run(); });
}

void EventStream::stop() {
  if (stopping_.exchange(true)) {
    if (thread_.joinable()) thread_.join();
    return;
  }
  // A polite close handshake ends the pending read (closing the socket under Beast's
  // websocket does not: the read would wait for its ping timer). If the server does not
  // answer the close within kCloseTimeout, the socket is closed anyway.
  asio::post(impl_->ioc, [this] {
    if (!impl_->ws || !impl_->ws->is_open()) return;
    impl_->ws->async_close(websocket::close_code::normal, [](const beast::error_code&) {});
    impl_->close_timer.expires_after(kCloseTimeout);
    impl_->close_timer.async_wait([this](const beast::error_code& ec) {
      if (ec) return;
      beast::get_lowest_layer(*impl_->ws).close();
    });
  });
  if (thread_.joinable()) thread_.join();
}

void EventStream::run() {
  while (!stopping_.load()) {
    beast::error_code ec;
    // Read messages until the connection fails or stop() closes it. Each read is started
    // from the previous one's handler, so ioc.run() returns only when the loop ends.
    std::function<void()> read_next;
    read_next = [&] {
      impl_->ws->async_read(impl_->buffer, [&](const beast::error_code& e, std::size_t) {
        if (e) {
          ec = e;
          impl_->close_timer.cancel();
          return;
        }
        const auto received = std::chrono::steady_clock::now();
        std::string text = beast::buffers_to_string(impl_->buffer.data());
        impl_->buffer.consume(impl_->buffer.size());
        on_message_(std::move(text), received);
        if (!stopping_.load()) read_next();
      });
    };
    read_next();
    impl_->run_all();
    if (stopping_.load()) return;
    on_note_("event stream lost (" + ec.message() + "); reconnecting");
    // Reconnect until it works or we are told to stop; missed blocks are backfilled by
    // the caller from the heights.
    // Only the first failure of an outage is reported: a node that is down for a while
    // must not flood the output.
    std::string last_error;
    while (!stopping_.load()) {
      std::this_thread::sleep_for(kReconnectPause);
      try {
        impl_->buffer.clear();
        impl_->connect();
        reconnects_.fetch_add(1);
        on_note_("event stream reconnected");
        break;
      } catch (const TransportError& e) {
        if (last_error.empty()) on_note_(e.what());
        last_error = e.what();
      }
    }
  }
}

}  // namespace telco::bench
