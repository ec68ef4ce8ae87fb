// Fan-out of committed blocks to WebSocket clients (/v1/events).
//
// The backend calls on_block() on the node's committing thread, which must never wait for
// us: on_block only appends the event to a short bounded queue under a mutex and, if no
// drain is scheduled, schedules one on the io threads. The drain serializes each block's
// message once and hands the same immutable string to every subscriber; subscribers keep
// their own bounded queues (ws_session.h). One drain runs at a time, so every subscriber
// sees blocks in commit order.
//
// If the io side falls so far behind that the backlog fills, events are dropped and every
// subscriber is disconnected: a client that silently missed a block would show a wrong
// chain, one that reconnects resynchronizes over HTTP.
#pragma once

#include <cstddef>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "api/backend.h"

namespace spdlog {
class logger;
}

namespace telco::api {

// A WebSocket session as the hub sees it.
class EventSink {
 public:
  virtual ~EventSink() = default;
  // Queues a message; called on an io thread, must not block.
  virtual void deliver(std::shared_ptr<const std::string> message) = 0;
  // Disconnects the client (the hub could not keep its stream complete).
  virtual void disconnect() = 0;
};

class EventHub : public std::enable_shared_from_this<EventHub> {
 public:
  // Committed blocks waiting for the io threads; at one block per second this is minutes
  // of slack.
  static constexpr std::size_t kBacklogMax = 128;

  // post_to_io schedules a function on the server's io threads. Create with make_shared:
  // scheduled drains keep the hub alive. `validators_at(height)` gives each event's commit
  // its power: the set that signed that height.
  using ValidatorsAt = std::function<std::vector<chain::GenesisValidator>(std::uint64_t height)>;
  EventHub(std::function<void(std::function<void()>)> post_to_io, std::shared_ptr<spdlog::logger> log,
           ValidatorsAt validators_at = {});

  // The backend's subscriber callback. Constant time; safe from any thread, also after stop().
  void on_block(const BlockEvent& event);
  void join(std::weak_ptr<EventSink> sink);
  // After stop() nothing is scheduled any more and on_block is a no-op.
  void stop();
  std::size_t subscribers() const;

 private:
  void drain_one();

  const std::function<void(std::function<void()>)> post_to_io_;
  const std::shared_ptr<spdlog::logger> log_;
  const ValidatorsAt validators_at_;
  mutable std::mutex mutex_;
  std::deque<std::shared_ptr<const BlockData>> backlog_;
  std::vector<std::weak_ptr<EventSink>> sinks_;
  bool draining_ = false;
  bool overflowed_ = false;
  bool stopped_ = false;
};

}  // namespace telco::api
