#include "state/tree.h"

#include <algorithm>
#include <span>

#include "state/smt_hash.h"
#include "state/tree_build.h"

namespace telco::state {
namespace {

// One write with its key path; value == nullptr deletes.
struct Op {
  crypto::Hash32 path;
  const Bytes* key;
  const Bytes* value;
};

// A leaf to place under a subtree: a put, or an existing leaf that stays.
using LeafRef = SubtreeLeaf;

Node load_node(const NodeReader& reader, Version version, const NibblePath& path) {
  auto bytes = reader.get_node(encode_node_key(version, path));
  if (!bytes) throw TreeError("state tree node missing at version " + std::to_string(version));
  auto node = decode_node(*bytes);
  if (!node) throw TreeError("state tree node corrupt at version " + std::to_string(version));
  return std::move(*node);
}

// For readers: a missing node means the version is gone (pruned meanwhile), not corruption.
std::optional<Node> find_node(const NodeReader& reader, Version version, const NibblePath& path) {
  auto bytes = reader.get_node(encode_node_key(version, path));
  if (!bytes) return std::nullopt;
  auto node = decode_node(*bytes);
  if (!node) throw TreeError("state tree node corrupt at version " + std::to_string(version));
  return node;
}

// Splits a run sorted by path into the sub-runs sharing nibble `depth`, calling
// f(nibble, sub-run) for each.
template <typename T, typename PathOf, typename F>
void for_each_nibble_group(std::span<const T> items, std::size_t depth, PathOf path_of, F f) {
  std::size_t begin = 0;
  while (begin < items.size()) {
    const unsigned nib = smt::path_nibble(path_of(items[begin]), depth);
    std::size_t end = begin + 1;
    while (end < items.size() && smt::path_nibble(path_of(items[end]), depth) == nib) ++end;
    f(nib, items.subspan(begin, end - begin));
    begin = end;
  }
}

class Updater {
 public:
  Updater(const NodeReader& reader, Version version, TreeUpdate& out) : reader_(reader), version_(version), out_(out) {}

  Child update(const Child& old, std::span<const Op> ops, NibblePath& prefix) {
    switch (old.kind) {
      case Child::Kind::kNone: return update_empty(ops, prefix);
      case Child::Kind::kLeaf: return update_leaf(old, ops, prefix);
      case Child::Kind::kInternal: return update_internal(old, ops, prefix);
    }
    return old;
  }

  // The subtree holding exactly `leaves` (sorted by path, all under prefix).
  Child build(std::span<const LeafRef> leaves, NibblePath& prefix) {
    if (leaves.empty()) return Child{};
    if (leaves.size() == 1) return Child::leaf(*leaves[0].key, *leaves[0].value, *leaves[0].path);
    Node node;
    node.kind = Node::Kind::kInternal;
    for_each_nibble_group(leaves, prefix.len, [](const LeafRef& l) -> const crypto::Hash32& { return *l.path; },
                          [&](unsigned nib, std::span<const LeafRef> group) {
                            prefix.push(nib);
                            node.children[nib] = build(group, prefix);
                            prefix.pop();
                          });
    return emit(node, prefix);
  }

  Child emit(const Node& node, const NibblePath& prefix) {
    const crypto::Hash32 hash = node_hash(node);
    out_.new_nodes.emplace_back(encode_node_key(version_, prefix), encode_node(node));
    return Child::internal(version_, hash);
  }

 private:
  Child update_empty(std::span<const Op> ops, NibblePath& prefix) {
    std::vector<LeafRef> leaves;
    leaves.reserve(ops.size());
    for (const Op& op : ops) {
      if (op.value) leaves.push_back({&op.path, op.key, op.value});
    }
    return build(leaves, prefix);
  }

  Child update_leaf(const Child& old, std::span<const Op> ops, NibblePath& prefix) {
    const crypto::Hash32& old_path = old.leaf_path();
    std::vector<LeafRef> leaves;
    leaves.reserve(ops.size() + 1);
    bool old_placed = false;
    for (const Op& op : ops) {
      if (!old_placed && old_path <= op.path) {
        old_placed = true;
        if (old_path != op.path) leaves.push_back({&old_path, &old.key, &old.value});
      }
      if (op.value) leaves.push_back({&op.path, op.key, op.value});
    }
    if (!old_placed) leaves.push_back({&old_path, &old.key, &old.value});
    if (leaves.size() == 1 && *leaves[0].key == old.key && *leaves[0].value == old.value) return old;
    return build(leaves, prefix);
  }

  Child update_internal(const Child& old, std::span<const Op> ops, NibblePath& prefix) {
    Node node = load_node(reader_, old.version, prefix);
    if (node.kind != Node::Kind::kInternal) throw TreeError("state tree: expected an internal node");
    bool changed = false;
    for_each_nibble_group(ops, prefix.len, [](const Op& op) -> const crypto::Hash32& { return op.path; },
                          [&](unsigned nib, std::span<const Op> group) {
                            prefix.push(nib);
                            Child c = update(node.children[nib], group, prefix);
                            prefix.pop();
                            if (!c.same_as(node.children[nib])) {
                              node.children[nib] = std::move(c);
                              changed = true;
                            }
                          });
    if (!changed) return old;
    // The root's record is retired by apply_writes for every version, changed or not.
    if (prefix.len > 0) out_.stale_nodes.push_back(encode_node_key(old.version, prefix));
    const std::size_t count = node.child_count();
    if (count == 0) return Child{};
    if (count == 1) {
      for (Child& c : node.children) {
        if (c.kind == Child::Kind::kLeaf) return std::move(c);  // a lone leaf moves up
      }
    }
    return emit(node, prefix);
  }

  const NodeReader& reader_;
  const Version version_;
  TreeUpdate& out_;
};

Child root_child(const Node& root, Version version) {
  switch (root.kind) {
    case Node::Kind::kNull: return Child{};
    case Node::Kind::kLeaf: return root.leaf;
    case Node::Kind::kInternal: return Child::internal(version, node_hash(root));
  }
  return Child{};
}

}  // namespace

Child build_subtree(Version version, NibblePath prefix, std::span<const SubtreeLeaf> leaves,
                    std::vector<std::pair<Bytes, Bytes>>& new_nodes) {
  struct NoNodes final : NodeReader {
    std::optional<Bytes> get_node(ByteView) const override { return std::nullopt; }
  };
  const NoNodes none;
  TreeUpdate out;
  out.version = version;
  Updater updater(none, version, out);
  Child child = updater.build(leaves, prefix);
  for (auto& node : out.new_nodes) new_nodes.push_back(std::move(node));
  return child;
}

TreeUpdate apply_writes(const NodeReader& nodes, std::optional<Version> base, Version version, const Writes& writes) {
  if (base && *base >= version) throw std::logic_error("state tree versions must increase");
  std::vector<Op> ops;
  ops.reserve(writes.size());
  for (const auto& [key, value] : writes) {
    if (key.size() > kStateKeyBytesMax || (value && value->size() > kStateValueBytesMax)) {
      throw std::logic_error("state write above the tree's key or value bound");
    }
    ops.push_back({smt::key_path(key), &key, value ? &*value : nullptr});
  }
  std::sort(ops.begin(), ops.end(), [](const Op& a, const Op& b) { return a.path < b.path; });

  TreeUpdate out;
  out.version = version;
  Updater updater(nodes, version, out);
  const NibblePath root_path;
  Node base_root;
  if (base) base_root = load_node(nodes, *base, root_path);
  const Child old_root = root_child(base_root, base.value_or(0));
  NibblePath prefix;
  Child new_root = ops.empty() ? old_root : updater.update(old_root, ops, prefix);
  if (base) out.stale_nodes.push_back(encode_node_key(*base, root_path));

  if (new_root.kind == Child::Kind::kInternal && new_root.version == version) {
    out.root_hash = new_root.hash;  // written by the update itself
  } else if (new_root.kind == Child::Kind::kInternal) {
    out.root_hash = updater.emit(base_root, root_path).hash;  // unchanged: the same root, new version
  } else {
    Node record;
    record.kind = new_root.kind == Child::Kind::kLeaf ? Node::Kind::kLeaf : Node::Kind::kNull;
    if (new_root.kind == Child::Kind::kLeaf) record.leaf = std::move(new_root);
    out.root_hash = node_hash(record);
    out.new_nodes.emplace_back(encode_node_key(version, root_path), encode_node(record));
  }
  return out;
}

std::optional<crypto::Hash32> root_hash_at(const NodeReader& nodes, Version version) {
  auto root = find_node(nodes, version, NibblePath{});
  if (!root) return std::nullopt;
  return node_hash(*root);
}

namespace {

bool walk_leaves(const NodeReader& nodes, Version version, NibblePath& prefix,
                 const std::function<void(ByteView, ByteView)>& f) {
  auto node = find_node(nodes, version, prefix);
  if (!node) return false;
  if (node->kind == Node::Kind::kLeaf) f(node->leaf.key, node->leaf.value);
  if (node->kind != Node::Kind::kInternal) return true;
  for (unsigned s = 0; s < kNodeChildrenMax; ++s) {
    const Child& c = node->children[s];
    if (c.kind == Child::Kind::kLeaf) f(c.key, c.value);
    if (c.kind != Child::Kind::kInternal) continue;
    prefix.push(s);
    const bool ok = walk_leaves(nodes, c.version, prefix, f);
    prefix.pop();
    if (!ok) return false;
  }
  return true;
}

}  // namespace

bool for_each_leaf(const NodeReader& nodes, Version version, const std::function<void(ByteView, ByteView)>& f) {
  NibblePath prefix;
  return walk_leaves(nodes, version, prefix, f);
}

std::optional<std::optional<Bytes>> get_at(const NodeReader& nodes, Version version, ByteView key) {
  const crypto::Hash32 path = smt::key_path(key);
  NibblePath prefix;
  auto node = find_node(nodes, version, prefix);
  if (!node) return std::nullopt;
  auto leaf_value = [&](const Child& leaf) -> std::optional<Bytes> {
    if (std::equal(leaf.key.begin(), leaf.key.end(), key.begin(), key.end())) return leaf.value;
    return std::nullopt;
  };
  if (node->kind == Node::Kind::kNull) return std::optional<Bytes>{};
  if (node->kind == Node::Kind::kLeaf) return leaf_value(node->leaf);
  for (;;) {
    const unsigned nib = smt::path_nibble(path, prefix.len);
    const Child& c = node->children[nib];
    if (c.kind == Child::Kind::kNone) return std::optional<Bytes>{};
    if (c.kind == Child::Kind::kLeaf) return leaf_value(c);
    prefix.push(nib);
    node = find_node(nodes, c.version, prefix);
    if (!node || node->kind != Node::Kind::kInternal) return std::nullopt;
  }
}

namespace {

struct ProofBuilder {
  ByteView key;
  crypto::Hash32 path;
  ValueProof out;
  std::size_t depth = 0;

  void sibling(const crypto::Hash32& h) {
    if (h != smt::empty_hash()) {
      out.proof.bitmap[depth >> 3] = static_cast<std::uint8_t>(out.proof.bitmap[depth >> 3] | (0x80u >> (depth & 7)));
      out.proof.siblings.push_back(h);
    }
    ++depth;
  }
  void end_at_leaf(const Child& leaf) {
    if (std::equal(leaf.key.begin(), leaf.key.end(), key.begin(), key.end())) {
      out.proof.terminal = ProofTerminal::kLeaf;
      out.value = leaf.value;
    } else {
      out.proof.terminal = ProofTerminal::kOtherLeaf;
      out.proof.other_path = leaf.leaf_path();
      out.proof.other_value_hash = smt::value_hash(leaf.value);
    }
  }
  ValueProof finish() {
    out.proof.depth = static_cast<std::uint16_t>(depth);
    return std::move(out);
  }
};

}  // namespace

std::optional<ValueProof> get_with_proof(const NodeReader& nodes, Version version, ByteView key) {
  ProofBuilder b{key, smt::key_path(key), {}, 0};
  NibblePath prefix;
  auto node = find_node(nodes, version, prefix);
  if (!node) return std::nullopt;
  if (node->kind == Node::Kind::kNull) return b.finish();
  if (node->kind == Node::Kind::kLeaf) {
    b.end_at_leaf(node->leaf);
    return b.finish();
  }
  for (;;) {
    const auto& children = node->children;
    const unsigned nib = smt::path_nibble(b.path, prefix.len);
    unsigned lo = 0, hi = kNodeChildrenMax;
    // Four binary levels inside this node; stop early where the key's range holds <= 1 key.
    while (hi - lo > 1) {
      unsigned count = 0, only = 0;
      for (unsigned s = lo; s < hi; ++s) {
        if (children[s].kind != Child::Kind::kNone) {
          ++count;
          only = s;
        }
      }
      if (count == 0) return b.finish();
      if (count == 1 && children[only].kind == Child::Kind::kLeaf) {
        b.end_at_leaf(children[only]);
        return b.finish();
      }
      const unsigned mid = (lo + hi) / 2;
      if (nib >= mid) {
        b.sibling(range_hash(children, lo, mid));
        lo = mid;
      } else {
        b.sibling(range_hash(children, mid, hi));
        hi = mid;
      }
    }
    const Child& c = children[nib];
    if (c.kind == Child::Kind::kNone) return b.finish();
    if (c.kind == Child::Kind::kLeaf) {
      b.end_at_leaf(c);
      return b.finish();
    }
    prefix.push(nib);
    node = find_node(nodes, c.version, prefix);
    if (!node || node->kind != Node::Kind::kInternal) return std::nullopt;
  }
}

}  // namespace telco::state
