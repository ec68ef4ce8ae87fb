// Building a subtree from nothing: the stored nodes (state/tree_node.h) of exactly a given set
// of leaves under a prefix, in the shape apply_writes would give them. Snapshot restore
// (state/snapshot.h) builds each chunk's subtree with it.
#pragma once

#include <span>
#include <utility>
#include <vector>

#include "state/tree_node.h"

namespace telco::state {

struct SubtreeLeaf {
  const crypto::Hash32* path;
  const Bytes* key;
  const Bytes* value;
};

// leaves: sorted by path, distinct, all under `prefix`. Appends every node it creates (at
// `version`) to new_nodes and returns what the parent's slot at `prefix` holds: nothing, the
// lone leaf, or the internal node written at prefix.
Child build_subtree(Version version, NibblePath prefix, std::span<const SubtreeLeaf> leaves,
                    std::vector<std::pair<Bytes, Bytes>>& new_nodes);

}  // namespace telco::state
