#include "node/p2p_channels.h"

#include "node/gossip.h"
#include "node/snapshot_messages.h"

namespace telco::node {

std::vector<p2p::ChannelConfig> node_channels() {
  using p2p::ChannelConfig;
  using p2p::OverflowPolicy;
  return {
      ChannelConfig{.id = p2p::kChannelConsensusState,
                    .priority = 5,
                    .message_bytes_max = 64,
                    .queue_messages_max = 64,
                    .queue_bytes_max = 4096,
                    .overflow = OverflowPolicy::kDropNewest},
      ChannelConfig{.id = p2p::kChannelVotes,
                    .priority = 10,
                    .message_bytes_max = 1 + consensus::kEvidenceBytes,
                    .queue_messages_max = 8192,
                    .queue_bytes_max = 4 << 20,
                    .overflow = OverflowPolicy::kDropNewest},
      ChannelConfig{.id = p2p::kChannelBlockParts,
                    .priority = 10,
                    .message_bytes_max = 1 + consensus::kProposalBytesMax,
                    .queue_messages_max = 16,
                    .queue_bytes_max = 48 << 20,
                    .overflow = OverflowPolicy::kDropNewest},
      ChannelConfig{.id = p2p::kChannelMempool,
                    .priority = 2,
                    .message_bytes_max = gossip::kTxsMessageBytesMax,
                    .queue_messages_max = 1024,
                    .queue_bytes_max = 32 << 20,
                    .overflow = OverflowPolicy::kDropNewest},
      ChannelConfig{.id = p2p::kChannelBlockSync,
                    .priority = 3,
                    .message_bytes_max = gossip::kBlockResponseBytesMax,
                    .queue_messages_max = 256,
                    .queue_bytes_max = 48 << 20,
                    .overflow = OverflowPolicy::kDropNewest},
      // Snapshot chunks are bulky and never urgent: the lowest share, a few in flight per peer.
      ChannelConfig{.id = p2p::kChannelSnapshot,
                    .priority = 1,
                    .message_bytes_max = snapshot_wire::kMessageBytesMax,
                    .queue_messages_max = 8,
                    .queue_bytes_max = 48 << 20,
                    .overflow = OverflowPolicy::kDropNewest},
  };
}

}  // namespace telco::node
