// An in-memory node store with the same semantics as the RocksDB one (storage/): writes a
// TreeUpdate's nodes and stale-node index, prunes by that index. For tests, benchmarks of
// the tree logic alone, and building a tree that is never persisted (genesis root).
#pragma once

#include <map>
#include <vector>

#include "state/tree.h"

namespace telco::state {

class MemoryNodeStore final : public NodeReader {
 public:
  std::optional<Bytes> get_node(ByteView node_key) const override;

  void write(const TreeUpdate& update);
  // Deletes every node stale since a version <= keep_from, so versions >= keep_from stay
  // whole and older ones are gone. Returns the number of nodes deleted.
  std::size_t prune(Version keep_from);

  std::size_t node_count() const { return nodes_.size(); }
  std::size_t node_bytes() const { return node_bytes_; }
  std::size_t stale_count() const;

 private:
  std::map<Bytes, Bytes, BytesLess> nodes_;
  std::map<Version, std::vector<Bytes>> stale_;  // stale-since version -> node keys
  std::size_t node_bytes_ = 0;
};

}  // namespace telco::state
