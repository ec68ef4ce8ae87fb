// State snapshots (docs/STATE.md, "Snapshots"): the whole state at one version, cut into
// chunks that a restoring node checks one by one against the state root it trusts.
//
// The cut is a prefix cover of the tree: every chunk holds all the leaves under one nibble
// prefix, and the prefixes partition the key-path space. The manifest lists, in path order,
// each prefix with its key count, its chunk's byte size and the subtree hash of its leaves.
// A verifier recombines those hashes (16 siblings at a time, by the SMT rules) into a root:
// if it equals the trusted state root, every listed subtree hash is right, so each chunk is
// then verified alone by recomputing its subtree from its leaves. A wrong chunk is caught
// the moment it arrives and is blamed on the peer that sent it; nothing waits for the end.
//
// Encodings (canonical codec; docs/STATE.md gives them byte for byte):
//   manifest = u8 format (1) · u64 height · fixed32 state root · u64 total keys
//              · u32 n (1..kSnapshotChunksMax) · n × entry
//   entry    = prefix · u64 keys · u32 chunk bytes · fixed32 subtree hash
//   prefix   = u8 nibble count (0..64) · ceil(count/2) bytes, high nibble first, pad zero
//   chunk    = u8 format (1) · prefix · u32 n (>= 1) · n × (bytes key · bytes value)
// An entry with 0 keys has no chunk (0 bytes, the empty hash); every other entry's chunk
// encodes to exactly its listed byte count.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <utility>
#include <vector>

#include "codec/reader.h"
#include "state/tree.h"

namespace telco::state {

inline constexpr std::uint8_t kSnapshotFormat = 1;
// The exporter cuts subtrees until each chunk is at most this (or one leaf).
inline constexpr std::size_t kSnapshotChunkBytesTarget = 4u << 20;
// What a decoder accepts: the target's range, and every chunk a peer may send us.
inline constexpr std::size_t kSnapshotChunkBytesMax = 16u << 20;
inline constexpr std::size_t kSnapshotChunksMax = 65'536;
inline constexpr std::size_t kSnapshotEntryBytesMax = 1 + 32 + 8 + 4 + 32;
inline constexpr std::size_t kSnapshotManifestBytesMax =
    1 + 8 + 32 + 8 + 4 + kSnapshotChunksMax * kSnapshotEntryBytesMax;
// A chunk's smallest leaf encoding (empty key and value): bounds a count against the input.
inline constexpr std::size_t kSnapshotLeafBytesMin = 8;

struct SnapshotEntry {
  NibblePath prefix;
  std::uint64_t keys = 0;
  std::uint32_t chunk_bytes = 0;  // 0 when keys == 0
  crypto::Hash32 hash{};          // subtree hash of the leaves under prefix
  bool operator==(const SnapshotEntry&) const = default;
};

struct SnapshotManifest {
  Version height = 0;
  crypto::Hash32 state_root{};
  std::uint64_t total_keys = 0;
  std::vector<SnapshotEntry> entries;
  Bytes encode() const;
  crypto::Hash32 hash() const;  // H(encode())
  bool operator==(const SnapshotManifest&) const = default;
};

struct SnapshotLeaf {
  Bytes key;
  Bytes value;
  bool operator==(const SnapshotLeaf&) const = default;
};

struct SnapshotChunk {
  NibblePath prefix;
  std::vector<SnapshotLeaf> leaves;  // in key-path order
  Bytes encode() const;
  bool operator==(const SnapshotChunk&) const = default;
};

std::optional<SnapshotManifest> decode_manifest(ByteView bytes, codec::DecodeError* error = nullptr);
std::optional<SnapshotChunk> decode_chunk(ByteView bytes, codec::DecodeError* error = nullptr);

enum class SnapshotFailure : std::uint8_t {
  kNone = 0,
  kWrongHeight,       // manifest is of another height than the trusted header's
  kNotACover,         // manifest prefixes do not partition the key space, in order
  kRootMismatch,      // manifest recombines to another root than the trusted one
  kKeyCountMismatch,  // entries' keys do not add up to total_keys, or a chunk has another count
  kWrongPrefix,       // chunk is for another prefix, or a leaf lies outside it
  kWrongSize,         // chunk does not encode to the entry's byte count
  kOutOfOrder,        // chunk leaves not in strictly increasing key-path order
  kHashMismatch,      // chunk's leaves hash to another subtree than the entry's
  kUndecodable,       // chunk bytes do not decode
};
const char* describe(SnapshotFailure f);

// The manifest against the height and root the caller trusts (a verified header's height
// and state_root). Pure.
SnapshotFailure verify_manifest(const SnapshotManifest& manifest, Version trusted_height,
                                const crypto::Hash32& trusted_root);
// One chunk's bytes against its (verified) manifest entry; on success *chunk holds it.
SnapshotFailure verify_chunk(const SnapshotEntry& entry, ByteView chunk_bytes, SnapshotChunk* chunk);
// The same, and on success *nodes holds the chunk's stored nodes at `version` (as
// chunk_nodes gives them): the subtree is built once and its hash is the one compared, so
// a restore hashes each leaf once.
SnapshotFailure verify_chunk_nodes(const SnapshotEntry& entry, Version version, ByteView chunk_bytes,
                                   SnapshotChunk* chunk, std::vector<std::pair<Bytes, Bytes>>* nodes);

// --- export ----------------------------------------------------------------------------
// Cuts the tree at `version` and calls on_chunk(entry index, chunk bytes) for every entry
// with keys, in order; returns the manifest, or nullopt if the version is not (or no
// longer) whole. Reads each node of the version about twice; holds one chunk at a time.
std::optional<SnapshotManifest> export_snapshot(
    const NodeReader& nodes, Version version, const std::function<void(std::size_t, const Bytes&)>& on_chunk,
    std::size_t chunk_bytes_target = kSnapshotChunkBytesTarget);

// --- restore ---------------------------------------------------------------------------
// The stored nodes (at `version`) of one verified chunk's subtree, none when it holds one
// key (that leaf lives in its parent's slot).
std::vector<std::pair<Bytes, Bytes>> chunk_nodes(Version version, const SnapshotChunk& chunk);
// The nodes above the chunks and the root record, from a verified manifest; lone_leaf(i)
// gives the one leaf of entry i when it has exactly one key. The update's root_hash is the
// restored tree's root (the caller asserts it equals the manifest's).
TreeUpdate upper_nodes(const SnapshotManifest& manifest,
                       const std::function<SnapshotLeaf(std::size_t)>& lone_leaf);

}  // namespace telco::state
