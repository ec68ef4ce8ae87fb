#include "modules/device/merkle.h"

#include <stdexcept>

namespace telco::modules::device {
namespace {

std::vector<crypto::Hash32> next_level(const MerkleDomain& d, const std::vector<crypto::Hash32>& level) {
  std::vector<crypto::Hash32> up;
  up.reserve((level.size() + 1) / 2);
  for (std::size_t i = 0; i + 1 < level.size(); i += 2) up.push_back(merkle_node(d, level[i], level[i + 1]));
  if (level.size() % 2 == 1) up.push_back(level.back());
  return up;
}

}  // namespace

crypto::Hash32 merkle_leaf(const MerkleDomain& d, ByteView data) {
  return crypto::Hasher().update(d.leaf_tag).update(data).finish();
}

crypto::Hash32 merkle_node(const MerkleDomain& d, const crypto::Hash32& left, const crypto::Hash32& right) {
  return crypto::Hasher().update(d.node_tag).update(left).update(right).finish();
}

MerkleTree::MerkleTree(const MerkleDomain& d, std::vector<crypto::Hash32> leaves) {
  if (leaves.empty()) return;
  levels_.push_back(std::move(leaves));
  while (levels_.back().size() > 1) levels_.push_back(next_level(d, levels_.back()));
  root_ = levels_.back()[0];
}

std::vector<crypto::Hash32> MerkleTree::path(std::uint64_t index) const {
  if (index >= size()) throw std::out_of_range("merkle path: index beyond the tree");
  std::vector<crypto::Hash32> out;
  for (std::size_t l = 0; l + 1 < levels_.size(); ++l) {
    const auto& level = levels_[l];
    const std::uint64_t sibling = index ^ 1;
    if (sibling < level.size()) out.push_back(level[sibling]);
    index /= 2;
  }
  return out;
}

crypto::Hash32 merkle_root(const MerkleDomain& d, std::span<const crypto::Hash32> leaves) {
  if (leaves.empty()) return {};
  std::vector<crypto::Hash32> level(leaves.begin(), leaves.end());
  while (level.size() > 1) level = next_level(d, level);
  return level[0];
}

std::vector<crypto::Hash32> merkle_path(const MerkleDomain& d, std::span<const crypto::Hash32> leaves,
                                        std::uint64_t index) {
  return MerkleTree(d, std::vector<crypto::Hash32>(leaves.begin(), leaves.end())).path(index);
}

bool merkle_verify(const MerkleDomain& d, const crypto::Hash32& leaf, std::uint64_t index, std::uint64_t size,
                   std::span<const crypto::Hash32> path, const crypto::Hash32& root) {
  if (size == 0 || index >= size) return false;
  crypto::Hash32 h = leaf;
  std::size_t used = 0;
  // Each level halves n, so the loop runs at most 64 times whatever the input.
  for (std::uint64_t n = size; n > 1; n = (n + 1) / 2, index /= 2) {
    if (index % 2 == 1) {
      if (used == path.size()) return false;
      h = merkle_node(d, path[used++], h);
    } else if (index + 1 < n) {
      if (used == path.size()) return false;
      h = merkle_node(d, h, path[used++]);
    }
  }
  return used == path.size() && h == root;
}

}  // namespace telco::modules::device
