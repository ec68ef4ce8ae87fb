#include "api/http_server.h"

#include <spdlog/spdlog.h>

#include <condition_variable>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>
#include <vector>

#include "api/beast.h"
#include "api/http_session.h"
#include "api/openapi_document.h"
#include "api/server_context.h"

namespace telco::api {
namespace {

// How long stop() lets connections close gracefully (WebSocket close frames, responses
// being written) before it abandons what is left and stops the io threads outright.
constexpr auto kStopGrace = std::chrono::seconds(3);
// After a failed accept (out of file descriptors, typically) wait before trying again
// instead of spinning on the error.
constexpr auto kAcceptRetryDelay = std::chrono::milliseconds(100);

std::string read_text_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("api: cannot read " + path.string());
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

}  // namespace

struct HttpServer::Impl {
  enum class State { kIdle, kRunning, kStopped };

  Impl(Config config, Backend& backend)
      : ctx(std::make_shared<ServerContext>(std::move(config), backend)),
        ioc(static_cast<int>(std::max(1u, ctx->config.io_threads))),
        acceptor(asio::make_strand(ioc)),
        accept_retry(acceptor.get_executor()) {}

  void start();
  void stop();
  void do_accept();
  void on_accept(beast::error_code ec, tcp::socket socket);
  void run_io_thread();

  std::shared_ptr<ServerContext> ctx;
  // Declaration order is destruction order reversed: the submit pool (whose queued tasks may
  // own sessions, and so sockets) must go before the io_context those sockets belong to.
  asio::io_context ioc;
  tcp::acceptor acceptor;
  asio::steady_timer accept_retry;
  std::optional<asio::thread_pool> submit_pool;
  std::optional<asio::executor_work_guard<asio::io_context::executor_type>> work;
  std::vector<std::thread> threads;

  std::mutex mutex;  // state and io_threads_running
  std::condition_variable io_threads_done;
  std::size_t io_threads_running = 0;
  State state = State::kIdle;
  std::uint64_t subscription = 0;
  std::atomic<std::uint16_t> bound_port{0};
};

void HttpServer::Impl::start() {
  std::lock_guard lock(mutex);
  if (state != State::kIdle) throw std::logic_error("api: HttpServer::start called twice");
  const HttpServerConfig& cfg = ctx->config;

  if (!cfg.static_root.empty()) {
    std::error_code ec;
    ctx->static_root = std::filesystem::canonical(cfg.static_root, ec);
    if (ec || !std::filesystem::is_directory(ctx->static_root)) {
      throw std::runtime_error("api: static root " + cfg.static_root.string() +
                               " is not a readable directory");
    }
  }
  ctx->openapi_yaml =
      cfg.openapi_path.empty() ? std::string(embedded_openapi_yaml()) : read_text_file(cfg.openapi_path);

  beast::error_code ec;
  const auto address = asio::ip::make_address(cfg.listen_address, ec);
  if (ec) throw std::runtime_error("api: '" + cfg.listen_address + "' is not an IP address");
  const tcp::endpoint endpoint(address, cfg.port);
  const std::string where = cfg.listen_address + ":" + std::to_string(cfg.port);
  acceptor.open(endpoint.protocol(), ec);
  if (!ec) acceptor.set_option(asio::socket_base::reuse_address(true), ec);
  if (!ec) acceptor.bind(endpoint, ec);
  if (!ec) acceptor.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) throw std::runtime_error("api: cannot listen on " + where + ": " + ec.message());
  bound_port = acceptor.local_endpoint().port();

  submit_pool.emplace(std::max(1u, cfg.submit_threads));
  ctx->post_submit = [pool = &*submit_pool](std::function<void()> task) {
    asio::post(*pool, std::move(task));
  };
  ctx->events = std::make_shared<EventHub>(
      [ex = ioc.get_executor()](std::function<void()> f) { asio::post(ex, std::move(f)); }, ctx->log,
      [backend = &ctx->backend](std::uint64_t height) { return backend->validators_at(height); });
  // The callback owns the hub, not the server: a backend that calls it late (after
  // unsubscribe returned) finds a stopped hub instead of freed memory.
  subscription = ctx->backend.subscribe([hub = ctx->events](const BlockEvent& e) { hub->on_block(e); });

  work.emplace(ioc.get_executor());
  asio::dispatch(acceptor.get_executor(), [this] { do_accept(); });
  const unsigned n = std::max(1u, cfg.io_threads);
  io_threads_running = n;
  for (unsigned i = 0; i < n; ++i) threads.emplace_back([this] { run_io_thread(); });
  state = State::kRunning;
  ctx->log->info("api: listening on http://{}:{}", cfg.listen_address, bound_port.load());
}

void HttpServer::Impl::run_io_thread() {
  for (;;) {
    try {
      ioc.run();
      break;
    } catch (const std::exception& e) {
      // A handler threw: a bug, but one connection's bug must not take the API down.
      ctx->log->error("api: unexpected exception in an io thread: {}", e.what());
    }
  }
  std::lock_guard lock(mutex);
  --io_threads_running;
  io_threads_done.notify_all();
}

void HttpServer::Impl::do_accept() {
  acceptor.async_accept(asio::make_strand(ioc), [this](beast::error_code ec, tcp::socket socket) {
    on_accept(ec, std::move(socket));
  });
}

void HttpServer::Impl::on_accept(beast::error_code ec, tcp::socket socket) {
  if (ec == asio::error::operation_aborted || !acceptor.is_open()) return;
  if (ec) {
    ctx->warn_throttled("accept failed: " + ec.message());
    accept_retry.expires_after(kAcceptRetryDelay);
    accept_retry.async_wait([this](beast::error_code wait_ec) {
      if (!wait_ec && acceptor.is_open()) do_accept();
    });
    return;
  }
  if (ctx->stopping) return;
  if (ctx->connections.fetch_add(1) >= ctx->config.connections_max) {
    ctx->connections.fetch_sub(1);
    ctx->warn_throttled("connection limit of " + std::to_string(ctx->config.connections_max) +
                        " reached; refusing new connections");
    beast::error_code ignored;
    socket.close(ignored);
  } else {
    beast::error_code ignored;
    socket.set_option(tcp::no_delay(true), ignored);
    std::make_shared<HttpSession>(std::move(socket), ctx, ConnectionSlot(ctx))->run();
  }
  do_accept();
}

void HttpServer::Impl::stop() {
  {
    std::lock_guard lock(mutex);
    if (state != State::kRunning) {
      state = State::kStopped;
      return;
    }
    state = State::kStopped;
  }
  ctx->stopping = true;
  ctx->backend.unsubscribe(subscription);
  ctx->events->stop();
  asio::post(acceptor.get_executor(), [this] {
    beast::error_code ignored;
    acceptor.close(ignored);
    accept_retry.cancel();
  });
  // Running submissions finish (their clients get answers if still connected); queued ones
  // are dropped, which releases their sessions.
  submit_pool->stop();
  submit_pool->join();
  ctx->registry.shutdown_all();
  work.reset();
  {
    std::unique_lock lock(mutex);
    if (!io_threads_done.wait_for(lock, kStopGrace, [this] { return io_threads_running == 0; })) {
      ctx->log->warn("api: connections did not close within {} s; stopping anyway", kStopGrace.count());
      ioc.stop();
    }
  }
  for (std::thread& t : threads) t.join();
  threads.clear();
  ctx->log->info("api: stopped");
}

HttpServer::HttpServer(Config config, Backend& backend)
    : impl_(std::make_unique<Impl>(std::move(config), backend)) {}

HttpServer::~HttpServer() { stop(); }

void HttpServer::start() { impl_->start(); }

void HttpServer::stop() { impl_->stop(); }

std::uint16_t HttpServer::port() const { return impl_->bound_port.load(); }

}  // namespace telco::api
