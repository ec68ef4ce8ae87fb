// The state root that block headers carry: the root hash of the state tree (state/tree.h)
// at the block's height. Version 0 is the genesis state; block h moves version h-1 to h by
// its sorted write set. The root commits to every (key, value) in state and nothing else:
// two states with the same contents have the same root however they were reached, and one
// key's value or absence can be proven against it (state/proof.h).
//
// The executor computes the new root from the committed state and the block's writes
// (pure: nothing is written); the store persists the TreeUpdate in the block's batch.
#pragma once

#include <map>

#include "state/memory_node_store.h"
#include "state/state_view.h"
#include "state/tree.h"
#include "state/write_set.h"

namespace telco::state {

// Committed state as the executor sees it: the latest values, and the tree's nodes.
class CommittedState : public StateView, public NodeReader {};

// Version 0: the genesis writes over the empty tree.
TreeUpdate genesis_tree(const Writes& writes);
// Version `height` (>= 1) from the committed tree at height - 1, whose root must be
// previous_root (std::logic_error otherwise: committed state and chain head disagree).
TreeUpdate advance_tree(const NodeReader& committed, std::uint64_t height, const crypto::Hash32& previous_root,
                        const Writes& writes);

// Committed state in memory (tests, benchmarks): a value map and a MemoryNodeStore.
class MemoryState final : public CommittedState {
 public:
  std::optional<Bytes> get(ByteView key) const override;
  std::optional<Bytes> get_node(ByteView node_key) const override { return nodes.get_node(node_key); }
  // Commits one version: its writes and the tree update computed from them.
  void apply(const Writes& writes, const TreeUpdate& tree);

  std::map<Bytes, Bytes, BytesLess> values;
  MemoryNodeStore nodes;
};

}  // namespace telco::state
