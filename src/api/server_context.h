// State shared by the server's sessions (internal to src/api). Sessions hold it by
// shared_ptr, so it outlives the last connection even when that one is destroyed while the
// io_context shuts down; it therefore owns no Asio object and touches no executor.
#pragma once

#include <atomic>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>

#include "api/backend.h"
#include "api/device_challenges.h"
#include "api/event_hub.h"
#include "api/http_server.h"
#include "api/json/submit_body.h"

namespace telco::api {

// Something stop() must close: an HTTP or WebSocket session.
class Connection {
 public:
  virtual ~Connection() = default;
  // Closes the connection from any thread (posts to the session's own strand).
  virtual void shutdown() = 0;
};

class ConnectionRegistry {
 public:
  std::uint64_t add(std::weak_ptr<Connection> connection);
  void remove(std::uint64_t id);
  void shutdown_all();

 private:
  std::mutex mutex_;
  std::uint64_t next_id_ = 1;
  std::unordered_map<std::uint64_t, std::weak_ptr<Connection>> connections_;
};

struct ServerContext {
  ServerContext(HttpServerConfig config, Backend& backend);

  const HttpServerConfig config;
  Backend& backend;
  const std::shared_ptr<spdlog::logger> log;
  const SubmitLimits limits;
  std::string openapi_yaml;           // set by start()
  std::filesystem::path static_root;  // canonical, set by start(); empty = none
  // Runs a task on the submit pool; set by start().
  std::function<void(std::function<void()>)> post_submit;
  std::shared_ptr<EventHub> events;  // set by start()

  std::atomic<std::size_t> connections{0};
  std::atomic<std::size_t> submits_in_flight{0};
  std::atomic<bool> stopping{false};
  ConnectionRegistry registry;
  DeviceChallenges device_challenges;  // POST /v1/devices/challenge and /authenticate

  // A warning that can repeat at network speed (connection limit reached) is logged at most
  // once per interval, with the count of what was suppressed.
  void warn_throttled(const std::string& what);

 private:
  std::atomic<std::int64_t> last_warn_ms_{-1'000'000'000};  // long ago: the first warning is logged
  std::atomic<std::uint64_t> suppressed_warnings_{0};
};

// One counted connection; the count drops when the slot is destroyed. Moves with the socket
// from the HTTP session to the WebSocket session on upgrade.
class ConnectionSlot {
 public:
  explicit ConnectionSlot(std::shared_ptr<ServerContext> ctx) : ctx_(std::move(ctx)) {}
  ConnectionSlot(ConnectionSlot&&) = default;
  ConnectionSlot& operator=(ConnectionSlot&&) = delete;
  ConnectionSlot(const ConnectionSlot&) = delete;
  ~ConnectionSlot() {
    if (ctx_) ctx_->connections.fetch_sub(1);
  }
  const std::shared_ptr<ServerContext>& context() const { return ctx_; }

 private:
  std::shared_ptr<ServerContext> ctx_;
};

}  // namespace telco::api
