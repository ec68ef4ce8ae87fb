#include "api/event_hub.h"

#include <spdlog/spdlog.h>

#include "api/json/error.h"
#include "api/json/views.h"

namespace telco::api {

EventHub::EventHub(std::function<void(std::function<void()>)> post_to_io, std::shared_ptr<spdlog::logger> log,
                   ValidatorsAt validators_at)
    : post_to_io_(std::move(post_to_io)), log_(std::move(log)), validators_at_(std::move(validators_at)) {}

void EventHub::on_block(const BlockEvent& event) {
  if (!event.data) return;
  bool schedule = false;
  {
    std::lock_guard lock(mutex_);
    if (stopped_ || sinks_.empty()) return;
    if (backlog_.size() >= kBacklogMax) {
      backlog_.clear();
      overflowed_ = true;
    }
    backlog_.push_back(event.data);
    schedule = !draining_;
    draining_ = true;
  }
  // Posting outside the lock: post allocates, and the committing thread should hold our
  // mutex for as little as possible.
  if (schedule) post_to_io_([self = shared_from_this()] { self->drain_one(); });
}

void EventHub::join(std::weak_ptr<EventSink> sink) {
  std::lock_guard lock(mutex_);
  if (!stopped_) sinks_.push_back(std::move(sink));
}

void EventHub::stop() {
  std::lock_guard lock(mutex_);
  stopped_ = true;
  backlog_.clear();
  sinks_.clear();
}

std::size_t EventHub::subscribers() const {
  std::lock_guard lock(mutex_);
  return sinks_.size();
}

// One block per call, then reschedule: a burst of large blocks never holds an io thread
// for long, and HTTP requests queued behind it get their turn.
void EventHub::drain_one() {
  std::shared_ptr<const BlockData> block;
  std::vector<std::shared_ptr<EventSink>> sinks;
  bool overflowed = false;
  {
    std::lock_guard lock(mutex_);
    if (stopped_) return;
    overflowed = std::exchange(overflowed_, false);
    if (backlog_.empty()) {
      draining_ = false;
    } else {
      block = std::move(backlog_.front());
      backlog_.pop_front();
    }
    std::erase_if(sinks_, [](const std::weak_ptr<EventSink>& w) { return w.expired(); });
    sinks.reserve(sinks_.size());
    for (const auto& w : sinks_) {
      if (auto s = w.lock()) sinks.push_back(std::move(s));
    }
    if (overflowed) sinks_.clear();
  }
  if (overflowed) {
    log_->warn(
        "api: block event backlog exceeded {} blocks; disconnecting {} WebSocket clients so they resync",
        kBacklogMax, sinks.size());
    for (const auto& s : sinks) s->disconnect();
    sinks.clear();
  }
  if (!block) return;
  if (!sinks.empty()) {
    // Serialized once per block, shared read-only by every session.
    const auto validators = validators_at_ ? validators_at_(block->block.header.height)
                                           : std::vector<chain::GenesisValidator>{};
    auto message = std::make_shared<const std::string>(to_json_text(block_event_json(*block, validators)));
    for (const auto& s : sinks) s->deliver(message);
  }
  post_to_io_([self = shared_from_this()] { self->drain_one(); });
}

}  // namespace telco::api
