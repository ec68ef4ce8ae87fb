// One peer's outgoing messages: a bounded FIFO per channel, and the scheduler that decides
// which channel's next fragment goes on the wire. Scheduling is weighted fair queueing over
// bytes (start-time fair queueing): each channel has a virtual finish tag that advances by
// fragment bytes / priority, the active channel with the smallest tag sends next, and a
// channel that was idle starts at the current virtual time (no credit saved up while idle).
// So a 16 MiB block-sync message interleaves with votes fragment by fragment instead of
// holding the link, and no channel starves another.
//
// Not thread-safe: the connection guards it with its own mutex. No Asio.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <memory>
#include <optional>
#include <vector>

#include "p2p/channel.h"
#include "util/bytes.h"

namespace telco::p2p {

// A message shared by every peer it is broadcast to (one copy in memory).
using SharedMessage = std::shared_ptr<const Bytes>;

enum class QueueResult : std::uint8_t {
  kQueued,
  kFull,                // dropped under OverflowPolicy::kDropNewest
  kOverflowDisconnect,  // dropped under OverflowPolicy::kDisconnect: the caller closes the peer
  kUnknownChannel,
  kTooLarge,            // over the channel's message_bytes_max
};

struct OutgoingFragment {
  ChannelId channel = 0;
  bool last = false;
  SharedMessage message;  // keeps the bytes alive while the fragment is sealed
  std::size_t offset = 0;
  std::size_t size = 0;
  ByteView chunk() const { return ByteView(message->data() + offset, size); }
};

struct ChannelQueueDepth {
  ChannelId channel = 0;
  std::size_t messages = 0;
  std::size_t bytes = 0;
  std::uint64_t dropped = 0;  // messages refused because the queue was full
};

class SendQueues {
 public:
  explicit SendQueues(const ChannelTable& channels);

  QueueResult push(ChannelId channel, SharedMessage message);
  // The next fragment by the fair schedule, or nullopt when every queue is empty. A message
  // leaves its queue's accounting when its last fragment is taken.
  std::optional<OutgoingFragment> next();
  bool empty() const { return active_ == 0; }
  std::size_t bytes_queued() const { return bytes_total_; }
  std::vector<ChannelQueueDepth> depths() const;

 private:
  struct Queue {
    const ChannelConfig* config = nullptr;
    std::deque<SharedMessage> messages;
    std::size_t bytes = 0;
    std::size_t head_offset = 0;  // bytes of the front message already taken
    std::uint64_t dropped = 0;
    std::uint64_t finish_tag = 0;
  };

  std::vector<Queue> queues_;
  std::array<std::int16_t, 256> index_{};  // channel id -> queues_ index, -1 = none
  std::size_t active_ = 0;                 // queues with at least one message
  std::size_t bytes_total_ = 0;
  std::uint64_t virtual_now_ = 0;
};

}  // namespace telco::p2p
