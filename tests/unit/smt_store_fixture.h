// Shared by the state tree's storage tests: commits blocks that carry only state writes
// through the real Store::commit_block path, and checks a store's flat state against its
// tree (the two are written in one batch, so they must always agree).
#pragma once

#include <gtest/gtest.h>

#include <map>
#include <random>

#include "state/commitment.h"
#include "state/tree.h"
#include "storage/store.h"

namespace telco::test {

inline Bytes smt_key(std::uint32_t n) {
  Bytes k = {0x7e};
  for (int i = 0; i < 4; ++i) k.push_back(static_cast<std::uint8_t>(n >> (8 * i)));
  return k;
}

inline void init_empty_chain(storage::Store& store, const state::Writes& genesis) {
  store.init_genesis(crypto::blake2b_256(Bytes{1}), genesis, state::genesis_tree(genesis), 1);
}

// One block with no transactions and these state writes, on top of the store's head.
inline state::TreeUpdate commit_state_block(storage::Store& store, const state::Writes& writes) {
  const storage::Head parent = *store.head();
  const std::uint64_t height = parent.height + 1;
  state::TreeUpdate tree = state::advance_tree(store, height, parent.state_root, writes);
  chain::Block block;
  block.header.chain_id = "telco-smt";
  block.header.height = height;
  block.header.time_ms = parent.time_ms + 1;
  block.header.prev_hash = parent.hash;
  block.header.state_root = tree.root_hash;
  const crypto::Hash32 hash = block.header.hash();
  const chain::Commit commit{height, 0, hash, {}};
  const std::vector<crypto::Hash32> no_txs;
  const std::vector<chain::Receipt> no_receipts;
  const std::vector<std::pair<crypto::Address, std::uint32_t>> no_touched;
  store.commit_block({block, hash, no_txs, no_receipts, commit, writes, no_touched}, tree);
  return tree;
}

inline state::Writes random_writes(std::mt19937_64& rng, std::uint32_t key_space, int count) {
  state::Writes w;
  for (int i = 0; i < count; ++i) {
    const Bytes key = smt_key(static_cast<std::uint32_t>(rng() % key_space));
    if (rng() % 4 == 0) {
      w[key] = std::nullopt;
    } else {
      w[key] = Bytes(8 + rng() % 24, static_cast<std::uint8_t>(rng()));
    }
  }
  return w;
}

// The store's head is whole: its tree root is the header's, the tree holds exactly the flat
// state's keys over the key space, and proofs verify. Returns a failure text, or "".
inline std::string check_store_consistent(const storage::Store& store, std::uint32_t key_space) {
  const auto head = store.head();
  if (!head) return "no head";
  const auto root = state::root_hash_at(store, head->height);
  if (!root) return "no tree root at head " + std::to_string(head->height);
  if (*root != head->state_root) return "tree root differs from head's state root";
  std::map<Bytes, Bytes> tree;
  if (!state::for_each_leaf(store, head->height, [&](ByteView k, ByteView v) {
        tree.emplace(Bytes(k.begin(), k.end()), Bytes(v.begin(), v.end()));
      })) {
    return "tree at head is not whole";
  }
  std::size_t flat = 0;
  for (std::uint32_t n = 0; n < key_space; ++n) {
    const Bytes key = smt_key(n);
    const auto value = store.get(key);
    auto it = tree.find(key);
    if (value.has_value() != (it != tree.end())) return "flat state and tree disagree on presence";
    if (value && *value != it->second) return "flat state and tree disagree on a value";
    flat += value.has_value();
    if (n % 37 == 0) {
      auto vp = state::get_with_proof(store, head->height, key);
      if (!vp || vp->value != value) return "proof read differs from flat state";
      const std::optional<ByteView> claim = value ? std::optional<ByteView>(*value) : std::nullopt;
      if (state::verify_proof(*root, key, claim, vp->proof) != state::ProofFailure::kNone) return "proof fails";
    }
  }
  if (flat != tree.size()) return "tree holds keys the flat state lacks";
  return "";
}

}  // namespace telco::test
