// The device module's Merkle trees: fleets (leaves are (identifier hash, public key)) and
// anchored reading batches (leaves are signed readings). Each tree kind has its own leaf and
// node domain tags, so a fleet leaf can never pass for a node or for a reading, and the
// other way round. Shape: pairs are hashed level by level; an unpaired last node is carried
// up unchanged. A path is checked against the leaf's index and the tree's size, which fix
// the shape, so a path for another size or position does not verify.
#pragma once

#include <span>
#include <string_view>
#include <vector>

#include "crypto/hash.h"

namespace telco::modules::device {

struct MerkleDomain {
  std::string_view leaf_tag;
  std::string_view node_tag;
};
inline constexpr MerkleDomain kFleetDomain{"telco/device-fleet-leaf/v1", "telco/device-fleet-node/v1"};
inline constexpr MerkleDomain kReadingDomain{"telco/device-reading-leaf/v1", "telco/device-reading-node/v1"};

crypto::Hash32 merkle_leaf(const MerkleDomain& d, ByteView data);
crypto::Hash32 merkle_node(const MerkleDomain& d, const crypto::Hash32& left, const crypto::Hash32& right);

// Root over leaf hashes (already merkle_leaf'ed). Empty input: all-zero hash (never a valid
// fleet or batch root: both need at least one leaf).
crypto::Hash32 merkle_root(const MerkleDomain& d, std::span<const crypto::Hash32> leaves);

// The siblings from the leaf at `index` up to the root (at most ceil(log2(size)) hashes).
std::vector<crypto::Hash32> merkle_path(const MerkleDomain& d, std::span<const crypto::Hash32> leaves,
                                        std::uint64_t index);

// All levels built once, for many paths from one tree (the CLI's fleet file, a gateway).
class MerkleTree {
 public:
  MerkleTree(const MerkleDomain& d, std::vector<crypto::Hash32> leaves);
  const crypto::Hash32& root() const { return root_; }
  std::uint64_t size() const { return levels_.empty() ? 0 : levels_[0].size(); }
  std::vector<crypto::Hash32> path(std::uint64_t index) const;

 private:
  std::vector<std::vector<crypto::Hash32>> levels_;
  crypto::Hash32 root_{};
};

// True iff `path` leads from `leaf` at `index` in a tree of `size` leaves to `root`, using
// every hash of the path exactly once.
bool merkle_verify(const MerkleDomain& d, const crypto::Hash32& leaf, std::uint64_t index, std::uint64_t size,
                   std::span<const crypto::Hash32> path, const crypto::Hash32& root);

}  // namespace telco::modules::device
