#include "p2p/send_queue.h"

#include <cassert>

#include "p2p/envelope.h"

namespace telco::p2p {
namespace {

// Virtual time advances by bytes * kTagScale / priority: exact for every priority up to
// kPriorityMax, and 64 bits last for 2^64 / (16 KiB * 1000) ≈ 10^12 fragments.
constexpr std::uint64_t kTagScale = kPriorityMax;
// The per-frame cost beyond the chunk, so many small messages are not scheduled as free.
constexpr std::uint64_t kFragmentWireOverhead = kFrameLengthBytes + kFrameTagBytes + kFragmentHeaderBytes;

}  // namespace

SendQueues::SendQueues(const ChannelTable& channels) {
  index_.fill(-1);
  queues_.reserve(channels.ids().size());
  for (const ChannelId id : channels.ids()) {
    index_[id] = static_cast<std::int16_t>(queues_.size());
    Queue q;
    q.config = channels.find(id);
    queues_.push_back(std::move(q));
  }
}

QueueResult SendQueues::push(ChannelId channel, SharedMessage message) {
  if (index_[channel] < 0) return QueueResult::kUnknownChannel;
  Queue& q = queues_[static_cast<std::size_t>(index_[channel])];
  if (message->size() > q.config->message_bytes_max) return QueueResult::kTooLarge;
  if (q.messages.size() >= q.config->queue_messages_max || q.bytes + message->size() > q.config->queue_bytes_max) {
    ++q.dropped;
    return q.config->overflow == OverflowPolicy::kDisconnect ? QueueResult::kOverflowDisconnect : QueueResult::kFull;
  }
  if (q.messages.empty()) {
    q.finish_tag = std::max(q.finish_tag, virtual_now_);
    ++active_;
  }
  q.bytes += message->size();
  bytes_total_ += message->size();
  q.messages.push_back(std::move(message));
  return QueueResult::kQueued;
}

std::optional<OutgoingFragment> SendQueues::next() {
  Queue* best = nullptr;
  for (Queue& q : queues_) {
    if (q.messages.empty()) continue;
    if (best == nullptr || q.finish_tag < best->finish_tag ||
        (q.finish_tag == best->finish_tag && q.config->priority > best->config->priority)) {
      best = &q;
    }
  }
  if (best == nullptr) return std::nullopt;
  Queue& q = *best;
  virtual_now_ = q.finish_tag;
  OutgoingFragment f;
  f.channel = q.config->id;
  f.message = q.messages.front();
  f.offset = q.head_offset;
  f.size = std::min(kFragmentChunkBytesMax, f.message->size() - f.offset);
  f.last = f.offset + f.size == f.message->size();
  q.finish_tag += (f.size + kFragmentWireOverhead) * kTagScale / q.config->priority;
  if (f.last) {
    q.bytes -= f.message->size();
    bytes_total_ -= f.message->size();
    q.messages.pop_front();
    q.head_offset = 0;
    if (q.messages.empty()) --active_;
  } else {
    q.head_offset += f.size;
  }
  assert(f.last || f.size == kFragmentChunkBytesMax);
  return f;
}

std::vector<ChannelQueueDepth> SendQueues::depths() const {
  std::vector<ChannelQueueDepth> out;
  out.reserve(queues_.size());
  for (const Queue& q : queues_) out.push_back({q.config->id, q.messages.size(), q.bytes, q.dropped});
  return out;
}

}  // namespace telco::p2p
