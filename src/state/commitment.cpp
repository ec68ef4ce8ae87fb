#include "state/commitment.h"

#include <stdexcept>

namespace telco::state {
namespace {

class NoNodes final : public NodeReader {
 public:
  std::optional<Bytes> get_node(ByteView) const override { return std::nullopt; }
};

}  // namespace

TreeUpdate genesis_tree(const Writes& writes) { return apply_writes(NoNodes{}, std::nullopt, 0, writes); }

TreeUpdate advance_tree(const NodeReader& committed, std::uint64_t height, const crypto::Hash32& previous_root,
                        const Writes& writes) {
  if (height == 0) throw std::logic_error("advance_tree: height 0 is the genesis");
  const auto root = root_hash_at(committed, height - 1);
  if (!root) throw TreeError("state tree has no root at height " + std::to_string(height - 1));
  if (*root != previous_root) throw std::logic_error("committed state tree root differs from the chain head's");
  return apply_writes(committed, height - 1, height, writes);
}

std::optional<Bytes> MemoryState::get(ByteView key) const {
  auto it = values.find(key);
  if (it == values.end()) return std::nullopt;
  return it->second;
}

void MemoryState::apply(const Writes& writes, const TreeUpdate& tree) {
  for (const auto& [key, value] : writes) {
    if (value) {
      values.insert_or_assign(key, *value);
    } else {
      values.erase(key);
    }
  }
  nodes.write(tree);
}

}  // namespace telco::state
