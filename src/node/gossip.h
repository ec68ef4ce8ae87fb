// What validators and full nodes say to each other on the p2p channels the node declares
// (p2p/channel.h ids 1..5). Every message starts with a one-byte kind, then canonical codec
// fields (docs/P2P.md, "Node messages"); decoders reject unknown kinds, trailing bytes and
// anything above the bounds below, so a peer's malformed message is its fault, never ours.
//
//   channel 1 consensus state  kStatus: the sender's committed height (block sync trigger)
//   channel 2 votes            kVote (consensus::Vote), kEvidence (duplicate votes)
//   channel 3 block parts      kProposal (consensus::Proposal with its whole block; the p2p
//                              envelope layer splits it into fragments)
//   channel 4 mempool          kTxs: a batch of signed transactions
//   channel 5 block sync       kBlocksRequest(from, count), kBlockResponse(block, commit),
//                              kBlocksUnavailable(from)
#pragma once

#include <cstdint>
#include <optional>
#include <variant>
#include <vector>

#include "consensus/messages.h"

namespace telco::node::gossip {

inline constexpr std::size_t kTxsPerMessageMax = 4'096;
inline constexpr std::size_t kTxsMessageBytesMax = 1 + 4 + kTxsPerMessageMax * (4 + 1024) + (4 << 20);
inline constexpr std::uint32_t kBlocksPerRequestMax = 64;
inline constexpr std::size_t kBlockResponseBytesMax = 1 + 8 + 4 + chain::kBlockEncodingBytesMax + 4 + chain::kCommitBytesMax;

enum class Kind : std::uint8_t {
  kStatus = 1,
  kVote = 2,
  kEvidence = 3,
  kProposal = 4,
  kTxs = 5,
  kBlocksRequest = 6,
  kBlockResponse = 7,
  kBlocksUnavailable = 8,
};

struct Status {
  std::uint64_t height = 0;  // the sender's committed head
  bool operator==(const Status&) const = default;
};
struct Txs {
  std::vector<chain::Transaction> txs;
};
struct BlocksRequest {
  std::uint64_t from = 0;
  std::uint32_t count = 0;  // 1..kBlocksPerRequestMax
  bool operator==(const BlocksRequest&) const = default;
};
struct BlockResponse {
  chain::Block block;
  chain::Commit commit;  // the commit that decided block (for its height)
};
struct BlocksUnavailable {
  std::uint64_t from = 0;
  bool operator==(const BlocksUnavailable&) const = default;
};

using Message = std::variant<Status, consensus::Vote, consensus::DuplicateVoteEvidence, consensus::Proposal, Txs,
                             BlocksRequest, BlockResponse, BlocksUnavailable>;

Bytes encode(const Status& m);
Bytes encode(const consensus::Vote& m);
Bytes encode(const consensus::DuplicateVoteEvidence& m);
Bytes encode(const consensus::Proposal& m);
Bytes encode_txs(const std::vector<Bytes>& encoded_txs);  // each a canonical transaction
Bytes encode(const BlocksRequest& m);
Bytes encode(const BlockResponse& m);
Bytes encode(const BlocksUnavailable& m);
// Any decoded message back to its bytes (a Txs batch re-encodes each transaction).
Bytes encode(const Message& m);

// nullopt: malformed (*error says how when given).
std::optional<Message> decode(ByteView bytes, codec::DecodeError* error = nullptr);

}  // namespace telco::node::gossip
