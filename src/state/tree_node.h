// The stored form of the state tree (docs/STATE.md, "Storage"): versioned 16-ary nodes
// keyed by (version, nibble path), each standing for four levels of the logical binary
// tree of state/smt_hash.h.
//
// Node key   = u64 version (big-endian, so a block's new nodes sort after all older ones
//              and RocksDB appends them) · u8 nibble count · the nibbles packed two per
//              byte, high half first, unused low half zero.
// Node value = u8 kind, then
//   null      (0) the empty tree; only as a root
//   leaf      (1) varint key length · key · varint value length · value; only as a root
//   internal  (2) u16 children present · u16 of those that are leaves (bit s = slot s),
//             then per present child in slot order:
//               leaf      varint key length · key · varint value length · value
//               internal  varint version · fixed32 subtree hash
// Leaves live inside their parent: updating a leaf rewrites its parent anyway (its hash
// changes), so a separate leaf record would only add a write, a read and ~40 bytes of
// key overhead per key. The cost is bounded by kStateKeyBytesMax / kStateValueBytesMax.
#pragma once

#include <array>
#include <cstdint>
#include <optional>

#include "crypto/hash.h"
#include "util/bytes.h"

namespace telco::state {

using Version = std::uint64_t;

// Bounds on what the tree stores. State keys are a prefix byte and an id; values are small
// records. A write above these is a module bug (std::logic_error), never a peer's input.
inline constexpr std::size_t kStateKeyBytesMax = 128;
inline constexpr std::size_t kStateValueBytesMax = 4096;
inline constexpr std::size_t kNodeChildrenMax = 16;

// The first len nibbles of a key path; the root's path is empty.
struct NibblePath {
  crypto::Hash32 packed{};
  std::uint8_t len = 0;

  unsigned nibble(std::size_t i) const { return (i & 1) ? (packed[i >> 1] & 0x0f) : (packed[i >> 1] >> 4); }
  void push(unsigned nibble);
  void pop();
  bool operator==(const NibblePath&) const = default;
};

inline constexpr std::size_t kNodeKeyBytesMax = 8 + 1 + 32;
Bytes encode_node_key(Version version, const NibblePath& path);
// For the pruner and the tests; nullopt if not a canonical node key.
std::optional<std::pair<Version, NibblePath>> decode_node_key(ByteView key);

// One slot of an internal node. Leaves carry their key and value; their path and hash are
// computed on first use and cached.
struct Child {
  enum class Kind : std::uint8_t { kNone, kInternal, kLeaf };
  Kind kind = Kind::kNone;
  Version version = 0;    // kInternal: the version its node was written at
  crypto::Hash32 hash{};  // kInternal: the subtree hash
  Bytes key;              // kLeaf
  Bytes value;            // kLeaf

  static Child leaf(Bytes key, Bytes value);
  static Child leaf(Bytes key, Bytes value, const crypto::Hash32& path);  // path known already
  static Child internal(Version version, const crypto::Hash32& hash);
  const crypto::Hash32& leaf_path() const;
  const crypto::Hash32& leaf_hash() const;
  // Same content: same kind, and same (version, hash) or same (key, value).
  bool same_as(const Child& other) const;

 private:
  mutable std::optional<crypto::Hash32> path_cache_;
  mutable std::optional<crypto::Hash32> hash_cache_;
};

struct Node {
  enum class Kind : std::uint8_t { kNull = 0, kLeaf = 1, kInternal = 2 };
  Kind kind = Kind::kNull;
  Child leaf;                                        // kLeaf
  std::array<Child, kNodeChildrenMax> children;      // kInternal

  std::size_t child_count() const;
};

Bytes encode_node(const Node& node);
// nullopt if the bytes are not a canonical node (corruption: we only store what we encoded).
std::optional<Node> decode_node(ByteView bytes);

// The logical-tree hash of slots [lo, hi) of an internal node: empty, a lone leaf's hash, a
// lone slot's internal child, or internal_hash of the two halves. hi - lo is a power of two.
crypto::Hash32 range_hash(const std::array<Child, kNodeChildrenMax>& children, unsigned lo, unsigned hi);
crypto::Hash32 node_hash(const Node& node);

}  // namespace telco::state
