// The state tree's two column families, private to storage/ (it names RocksDB types):
//   smt_nodes  node key (state/tree_node.h: version BE || nibble path) -> encoded node
//   smt_stale  stale-since version (8, BE) || node key -> empty: the pruning index
// and meta "state_oldest" -> u64: every node stale since a version <= it is deleted, so
// versions >= it are whole. Everything here adds to the caller's WriteBatch, the block's
// own, so a version's nodes, its stale index and its pruning land together or not at all.
#pragma once

#include <rocksdb/db.h>
#include <rocksdb/write_batch.h>

#include <optional>

#include "state/tree.h"

namespace telco::storage {

struct TreeColumns {
  rocksdb::DB* db = nullptr;
  rocksdb::ColumnFamilyHandle* nodes = nullptr;
  rocksdb::ColumnFamilyHandle* stale = nullptr;
  rocksdb::ColumnFamilyHandle* meta = nullptr;

  std::optional<Bytes> get_node(ByteView node_key) const;
  state::Version oldest_version() const;
  void put_oldest(rocksdb::WriteBatch& batch, state::Version oldest) const;
  // New nodes and the stale index of one version.
  void put_update(rocksdb::WriteBatch& batch, const state::TreeUpdate& update) const;
  // Deletes (in the batch) the nodes no version in the newest `versions_kept` needs, once
  // `version` is committed; advances state_oldest. versions_kept >= 2 (the executor builds
  // the next version from the current one while the API may read it).
  void prune(rocksdb::WriteBatch& batch, state::Version version, std::uint64_t versions_kept) const;
};

}  // namespace telco::storage
