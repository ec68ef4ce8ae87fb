// One block of state writes committed to a storage::Store through the node's own paths:
// state::advance_tree (what the executor does), then Store::commit_block (one batch with the
// tree's nodes and pruning). For benches that fill a store without running a chain
// (telco-smt-bench, telco-device-store-bench); the block carries no transactions.
#pragma once

#include <chrono>
#include <string>
#include <utility>
#include <vector>

#include "common/measure.h"
#include "state/tree.h"
#include "storage/store.h"

namespace telco::bench {

struct BlockTimes {
  double tree_s = 0;    // advance_tree
  double commit_s = 0;  // Store::commit_block
  std::size_t new_nodes = 0;
  std::size_t stale_nodes = 0;
};

// The block at the head's height + 1 carrying `writes` and the tree update `tree` (whose
// root becomes the header's state root), committed in one batch.
inline void commit_block_with(storage::Store& store, const state::Writes& writes, const std::string& chain_id,
                              const state::TreeUpdate& tree) {
  const storage::Head parent = *store.head();
  chain::Block block;
  block.header.chain_id = chain_id;
  block.header.height = parent.height + 1;
  block.header.time_ms = parent.time_ms + 1;
  block.header.prev_hash = parent.hash;
  block.header.state_root = tree.root_hash;
  const crypto::Hash32 hash = block.header.hash();
  const chain::Commit commit{block.header.height, 0, hash, {}};
  const std::vector<crypto::Hash32> no_txs;
  const std::vector<chain::Receipt> no_receipts;
  const std::vector<std::pair<crypto::Address, std::uint32_t>> no_touched;
  store.commit_block({block, hash, no_txs, no_receipts, commit, writes, no_touched}, tree);
}

inline BlockTimes commit_state_block(storage::Store& store, const state::Writes& writes,
                                     const std::string& chain_id) {
  using Clock = std::chrono::steady_clock;
  BlockTimes t;
  const storage::Head parent = *store.head();
  auto started = Clock::now();
  const state::TreeUpdate tree = state::advance_tree(store, parent.height + 1, parent.state_root, writes);
  t.tree_s = seconds_since(started);
  t.new_nodes = tree.new_nodes.size();
  t.stale_nodes = tree.stale_nodes.size();
  started = Clock::now();
  commit_block_with(store, writes, chain_id, tree);
  t.commit_s = seconds_since(started);
  return t;
}

}  // namespace telco::bench
