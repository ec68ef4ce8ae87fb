#include "api/server_context.h"

#include <spdlog/spdlog.h>

#include <chrono>
#include <vector>

namespace telco::api {
namespace {
constexpr std::int64_t kWarnIntervalMs = 10'000;
}

std::uint64_t ConnectionRegistry::add(std::weak_ptr<Connection> connection) {
  std::lock_guard lock(mutex_);
  const std::uint64_t id = next_id_++;
  connections_.emplace(id, std::move(connection));
  return id;
}

void ConnectionRegistry::remove(std::uint64_t id) {
  std::lock_guard lock(mutex_);
  connections_.erase(id);
}

void ConnectionRegistry::shutdown_all() {
  std::vector<std::shared_ptr<Connection>> live;
  {
    std::lock_guard lock(mutex_);
    for (const auto& [id, weak] : connections_) {
      if (auto c = weak.lock()) live.push_back(std::move(c));
    }
  }
  // Outside the lock: a session destroyed here unregisters itself, which takes the lock.
  for (const auto& c : live) c->shutdown();
}

ServerContext::ServerContext(HttpServerConfig cfg, Backend& b)
    : config(std::move(cfg)),
      backend(b),
      log(config.logger ? config.logger : spdlog::default_logger()),
      limits{config.txs_per_request_max, config.body_bytes_max, config.txs_per_request_max * 40, 32} {}

void ServerContext::warn_throttled(const std::string& what) {
  const std::int64_t now = std::chrono::duration_cast<std::chrono::milliseconds>(
                               std::chrono::steady_clock::now().time_since_epoch())
                               .count();
  std::int64_t last = last_warn_ms_.load();
  if (now - last < kWarnIntervalMs || !last_warn_ms_.compare_exchange_strong(last, now)) {
    suppressed_warnings_.fetch_add(1);
    return;
  }
  const std::uint64_t suppressed = suppressed_warnings_.exchange(0);
  log->warn("api: {} ({} similar warnings suppressed in the last {} s)", what, suppressed,
            kWarnIntervalMs / 1000);
}

}  // namespace telco::api
