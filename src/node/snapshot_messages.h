// What nodes say to each other on the snapshot channel (p2p channel 7) for fast sync
// (docs/STATE.md, "Fast sync over p2p"). Every message starts with a one-byte kind, then
// canonical codec fields; decoders reject unknown kinds, trailing bytes and anything above
// the bounds below, so a malformed message is the sender's fault.
//
//   kOffersRequest                      which snapshots do you serve?
//   kOffers(list<offer>)                height, manifest hash, chunk count, keys (<= 16)
//   kManifestRequest(height)
//   kManifestResponse(manifest, header, commit)   the header and commit of that height
//   kChunkRequest(height, index)
//   kChunkResponse(height, index, chunk bytes)    checked against the manifest entry
//   kUnavailable(height, index)         index kManifestIndex: the manifest
#pragma once

#include <algorithm>
#include <cstdint>
#include <optional>
#include <variant>
#include <vector>

#include "chain/block.h"
#include "chain/limits.h"
#include "state/snapshot.h"

namespace telco::node::snapshot_wire {

inline constexpr std::size_t kOffersMax = 16;
inline constexpr std::uint32_t kManifestIndex = 0xffffffff;
inline constexpr std::size_t kManifestResponseBytesMax =
    1 + 4 + state::kSnapshotManifestBytesMax + 4 + chain::kHeaderBytesMax + 4 + chain::kCommitBytesMax;
inline constexpr std::size_t kChunkResponseBytesMax = 1 + 8 + 4 + 4 + state::kSnapshotChunkBytesMax;
inline constexpr std::size_t kMessageBytesMax = std::max(kManifestResponseBytesMax, kChunkResponseBytesMax);

enum class Kind : std::uint8_t {
  kOffersRequest = 1,
  kOffers = 2,
  kManifestRequest = 3,
  kManifestResponse = 4,
  kChunkRequest = 5,
  kChunkResponse = 6,
  kUnavailable = 7,
};

struct OffersRequest {
  bool operator==(const OffersRequest&) const = default;
};
struct Offer {
  std::uint64_t height = 0;
  crypto::Hash32 manifest_hash{};
  std::uint32_t chunks = 0;  // entries with keys
  std::uint64_t keys = 0;
  bool operator==(const Offer&) const = default;
};
struct Offers {
  std::vector<Offer> offers;
  bool operator==(const Offers&) const = default;
};
struct ManifestRequest {
  std::uint64_t height = 0;
  bool operator==(const ManifestRequest&) const = default;
};
struct ManifestResponse {
  state::SnapshotManifest manifest;
  chain::BlockHeader header;  // of manifest.height
  chain::Commit commit;       // that decided it
};
struct ChunkRequest {
  std::uint64_t height = 0;
  std::uint32_t index = 0;
  bool operator==(const ChunkRequest&) const = default;
};
struct ChunkResponse {
  std::uint64_t height = 0;
  std::uint32_t index = 0;
  Bytes chunk;
  bool operator==(const ChunkResponse&) const = default;
};
struct Unavailable {
  std::uint64_t height = 0;
  std::uint32_t index = 0;
  bool operator==(const Unavailable&) const = default;
};

using Message = std::variant<OffersRequest, Offers, ManifestRequest, ManifestResponse, ChunkRequest,
                             ChunkResponse, Unavailable>;

Bytes encode(const Message& m);
// nullopt: malformed (*error says how when given).
std::optional<Message> decode(ByteView bytes, codec::DecodeError* error = nullptr);

}  // namespace telco::node::snapshot_wire
