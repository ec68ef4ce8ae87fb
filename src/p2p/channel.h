// Channels: the p2p layer carries opaque messages tagged with a one-byte channel id and knows
// nothing of what they mean. The node declares its channels (limits, priority, what to do
// when a peer's send queue is full); the host adds the two it owns itself, control (0:
// ping/pong) and peer exchange (6).
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace telco::p2p {

using ChannelId = std::uint8_t;

// The ids the node is expected to use; the host attaches no meaning to 1..5.
inline constexpr ChannelId kChannelControl = 0;  // reserved: keepalive (owned by the host)
inline constexpr ChannelId kChannelConsensusState = 1;
inline constexpr ChannelId kChannelVotes = 2;
inline constexpr ChannelId kChannelBlockParts = 3;
inline constexpr ChannelId kChannelMempool = 4;
inline constexpr ChannelId kChannelBlockSync = 5;
inline constexpr ChannelId kChannelPex = 6;  // reserved: peer exchange (owned by the host)
inline constexpr ChannelId kChannelSnapshot = 7;  // state snapshots for fast sync

// No message on any channel may exceed this, whatever a channel declares: it bounds what one
// peer can make us buffer for one message (docs/P2P.md, "Limits").
inline constexpr std::size_t kMessageBytesHardMax = 64 * 1024 * 1024;
inline constexpr std::uint32_t kPriorityMax = 1000;

// What happens when a message is sent to a peer whose queue for the channel is full.
enum class OverflowPolicy : std::uint8_t {
  // The new message is not queued (send reports kQueueFull). For gossip: the peer will get the
  // data from someone else or ask again; dropping the newest keeps what is queued in order.
  kDropNewest,
  // The peer is disconnected: for channels where a missing message breaks the protocol with
  // that peer and a peer that cannot keep up is better reconnected (or replaced).
  kDisconnect,
};

struct ChannelConfig {
  ChannelId id = 0;
  // Share of the send bandwidth to a peer while several channels have data queued (weighted
  // fair queueing over bytes): priority 10 gets ten times the bytes of priority 1.
  std::uint32_t priority = 1;
  // Largest message, both directions: larger sends are refused, a larger incoming message is
  // a peer fault.
  std::size_t message_bytes_max = 64 * 1024;
  // Bounds of one peer's send queue for this channel (messages waiting, bytes waiting).
  std::size_t queue_messages_max = 1024;
  std::size_t queue_bytes_max = 4 * 1024 * 1024;
  OverflowPolicy overflow = OverflowPolicy::kDropNewest;
};

// Lookup by id. Built once and then read-only, so every thread may share it.
class ChannelTable {
 public:
  ChannelTable() = default;
  // Returns a sentence when the configs are invalid (duplicate id, zero or too large bounds
  // or priority), nullopt when they were all added.
  std::optional<std::string> add_all(const std::vector<ChannelConfig>& channels);
  const ChannelConfig* find(ChannelId id) const { return known_[id] ? &configs_[id] : nullptr; }
  const std::vector<ChannelId>& ids() const { return ids_; }

 private:
  std::array<ChannelConfig, 256> configs_{};
  std::array<bool, 256> known_{};
  std::vector<ChannelId> ids_;
};

}  // namespace telco::p2p
