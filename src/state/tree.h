// The versioned sparse Merkle tree that commits to the state (docs/STATE.md): one root per
// version (= block height), updated by one block's write set at a time, in the style of the
// Jellyfish Merkle Tree. The tree logic owns no storage: it reads nodes through a
// NodeReader and returns every node it creates and every node it makes stale as a
// TreeUpdate, which the caller writes in the same atomic batch as the block.
//
// Invariants: a node at (v, p) is written once and never changed; version v's root is at
// (v, empty path), written for every version even when nothing changed (one root per
// height); a node replaced or dropped by version v is listed as stale since v, so it is
// still part of every version before v and of none from v on. Pruning the nodes stale
// since <= P therefore keeps every version >= P whole.
#pragma once

#include <functional>
#include <optional>
#include <stdexcept>
#include <utility>
#include <vector>

#include "state/proof.h"
#include "state/tree_node.h"
#include "state/write_set.h"

namespace telco::state {

class NodeReader {
 public:
  virtual ~NodeReader() = default;
  // The encoded node stored under an encoded node key (state/tree_node.h), if any.
  virtual std::optional<Bytes> get_node(ByteView node_key) const = 0;
};

// A node the tree needs is missing or undecodable while applying writes: corruption, or a
// base version that was pruned. A broken invariant; the node stops.
class TreeError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct TreeUpdate {
  Version version = 0;
  crypto::Hash32 root_hash{};
  std::vector<std::pair<Bytes, Bytes>> new_nodes;  // encoded node key -> encoded node
  std::vector<Bytes> stale_nodes;                  // encoded node keys, stale since `version`
};

// Applies a write set (nullopt value = delete; deleting an absent key is a no-op) to the
// tree at `base` (nullopt = the empty tree) and returns version `version` > base. Pure:
// the same nodes and writes give the same update. Throws TreeError if the base is missing.
TreeUpdate apply_writes(const NodeReader& nodes, std::optional<Version> base, Version version, const Writes& writes);

// The root hash at a version; nullopt if that version has no root (pruned, or not yet).
std::optional<crypto::Hash32> root_hash_at(const NodeReader& nodes, Version version);

struct ValueProof {
  std::optional<Bytes> value;  // nullopt: the key is absent at that version
  SparseMerkleProof proof;
};

// Calls f(key, value) for every key at a version, in key-path order; false if the version
// is not (or no longer) whole. For consistency checks and, later, snapshot export.
bool for_each_leaf(const NodeReader& nodes, Version version, const std::function<void(ByteView, ByteView)>& f);

// A key's value at a version, read through the tree (not the flat latest-state table).
// The outer nullopt means the version is not (or no longer) stored.
std::optional<std::optional<Bytes>> get_at(const NodeReader& nodes, Version version, ByteView key);
// The same with its proof against root_hash_at(version).
std::optional<ValueProof> get_with_proof(const NodeReader& nodes, Version version, ByteView key);

}  // namespace telco::state
