#include "state/snapshot.h"

#include <algorithm>
#include <map>
#include <span>
#include <stdexcept>

#include "codec/writer.h"
#include "state/smt_hash.h"
#include "state/tree_build.h"

namespace telco::state {
namespace {

std::size_t prefix_bytes(const NibblePath& p) { return 1 + (p.len + 1u) / 2; }

void write_prefix(codec::Writer& w, const NibblePath& p) {
  w.u8(p.len);
  w.fixed(ByteView(p.packed.data(), (p.len + 1u) / 2));
}

NibblePath read_prefix(codec::Reader& r) {
  NibblePath p;
  const std::uint8_t len = r.u8();
  if (len > smt::kPathNibbles) {
    r.fail(codec::DecodeError::kInvalid);
    return p;
  }
  p.len = len;
  for (std::size_t i = 0; i < (len + 1u) / 2; ++i) p.packed[i] = r.u8();
  if ((len & 1) && (p.packed[len >> 1] & 0x0f)) r.fail(codec::DecodeError::kNonCanonical);
  return p;
}

// Whether `path` starts with the nibbles of `prefix`.
bool under(const crypto::Hash32& path, const NibblePath& prefix) {
  for (std::size_t i = 0; i < prefix.len; ++i) {
    if (smt::path_nibble(path, i) != prefix.nibble(i)) return false;
  }
  return true;
}

std::size_t chunk_header_bytes(const NibblePath& p) { return 1 + prefix_bytes(p) + 4; }
std::size_t leaf_bytes(const Bytes& key, const Bytes& value) { return 8 + key.size() + value.size(); }

// A subtree's hash and key count, combined by the SMT rule: no key = empty, one key = that
// leaf's hash whatever the depth, more = internal of the halves.
struct Summary {
  crypto::Hash32 hash;
  std::uint64_t keys;
};

Summary combine(const Summary& left, const Summary& right) {
  const std::uint64_t keys = left.keys + right.keys;
  if (keys == 0) return {smt::empty_hash(), 0};
  if (keys == 1) return left.keys == 1 ? left : right;
  return {smt::internal_hash(left.hash, right.hash), keys};
}

Summary combine_slots(std::span<const Summary> slots) {
  if (slots.size() == 1) return slots[0];
  const std::size_t half = slots.size() / 2;
  return combine(combine_slots(slots.first(half)), combine_slots(slots.subspan(half)));
}

struct PathedLeaf {
  crypto::Hash32 path;
  crypto::Hash32 value_hash;
};

// root(S, depth) of docs/STATE.md over leaves sorted by path, all sharing `depth` bits.
crypto::Hash32 subtree_root(std::span<const PathedLeaf> leaves, std::size_t depth) {
  if (leaves.empty()) return smt::empty_hash();
  if (leaves.size() == 1) return smt::leaf_hash(leaves[0].path, leaves[0].value_hash);
  const auto split = std::partition_point(leaves.begin(), leaves.end(),
                                          [&](const PathedLeaf& l) { return !smt::path_bit(l.path, depth); });
  const std::size_t left = static_cast<std::size_t>(split - leaves.begin());
  return smt::internal_hash(subtree_root(leaves.first(left), depth + 1),
                            subtree_root(leaves.subspan(left), depth + 1));
}

bool siblings_complete(std::span<const NibblePath> top) {
  const std::uint8_t len = top[0].len;
  if (len == 0) return false;
  for (unsigned s = 0; s < kNodeChildrenMax; ++s) {
    const NibblePath& p = top[s];
    if (p.len != len || p.nibble(len - 1u) != s) return false;
    for (std::size_t i = 0; i + 1 < len; ++i) {
      if (p.nibble(i) != top[0].nibble(i)) return false;
    }
  }
  return true;
}

}  // namespace

const char* describe(SnapshotFailure f) {
  switch (f) {
    case SnapshotFailure::kNone:
      return "snapshot verified";
    case SnapshotFailure::kWrongHeight:
      return "manifest is of another height than the trusted header";
    case SnapshotFailure::kNotACover:
      return "manifest prefixes do not partition the key space in order";
    case SnapshotFailure::kRootMismatch:
      return "manifest does not lead to the trusted state root";
    case SnapshotFailure::kKeyCountMismatch:
      return "key counts do not match the manifest";
    case SnapshotFailure::kWrongPrefix:
      return "chunk holds keys outside its prefix";
    case SnapshotFailure::kWrongSize:
      return "chunk size differs from the manifest's";
    case SnapshotFailure::kOutOfOrder:
      return "chunk leaves are not in strictly increasing key-path order";
    case SnapshotFailure::kHashMismatch:
      return "chunk leaves do not hash to the manifest's subtree hash";
    case SnapshotFailure::kUndecodable:
      return "chunk does not decode";
  }
  return "unknown snapshot failure";
}

Bytes SnapshotManifest::encode() const {
  codec::Writer w(1 + 8 + 32 + 8 + 4 + entries.size() * kSnapshotEntryBytesMax);
  w.u8(kSnapshotFormat);
  w.u64(height);
  w.fixed(state_root);
  w.u64(total_keys);
  w.count(entries.size());
  for (const SnapshotEntry& e : entries) {
    write_prefix(w, e.prefix);
    w.u64(e.keys);
    w.u32(e.chunk_bytes);
    w.fixed(e.hash);
  }
  return w.take();
}

crypto::Hash32 SnapshotManifest::hash() const { return crypto::blake2b_256(encode()); }

Bytes SnapshotChunk::encode() const {
  std::size_t size = chunk_header_bytes(prefix);
  for (const SnapshotLeaf& l : leaves) size += leaf_bytes(l.key, l.value);
  codec::Writer w(size);
  w.u8(kSnapshotFormat);
  write_prefix(w, prefix);
  w.count(leaves.size());
  for (const SnapshotLeaf& l : leaves) {
    w.bytes(l.key);
    w.bytes(l.value);
  }
  return w.take();
}

std::optional<SnapshotManifest> decode_manifest(ByteView bytes, codec::DecodeError* error) {
  codec::DecodeError ignored = codec::DecodeError::kNone;
  if (!error) error = &ignored;
  if (bytes.size() > kSnapshotManifestBytesMax) {
    *error = codec::DecodeError::kTooLong;
    return std::nullopt;
  }
  codec::Reader r(bytes);
  SnapshotManifest m;
  if (r.u8() != kSnapshotFormat && r.ok()) r.fail(codec::DecodeError::kInvalid);
  m.height = r.u64();
  m.state_root = r.fixed<32>();
  m.total_keys = r.u64();
  const std::size_t n = r.count(kSnapshotChunksMax, 1 + 8 + 4 + 32);
  if (r.ok() && n == 0) r.fail(codec::DecodeError::kInvalid);
  m.entries.reserve(n);
  for (std::size_t i = 0; i < n && r.ok(); ++i) {
    SnapshotEntry e;
    e.prefix = read_prefix(r);
    e.keys = r.u64();
    e.chunk_bytes = r.u32();
    e.hash = r.fixed<32>();
    if (!r.ok()) break;
    // One form per entry: no chunk without keys, a chunk within bounds with room for them.
    const bool empty_ok = e.keys == 0 && e.chunk_bytes == 0 && e.hash == smt::empty_hash();
    const bool full_ok =
        e.keys > 0 && e.chunk_bytes <= kSnapshotChunkBytesMax &&
        e.keys <= (e.chunk_bytes - std::min<std::size_t>(e.chunk_bytes, chunk_header_bytes(e.prefix))) /
                      kSnapshotLeafBytesMin;
    if (!empty_ok && !full_ok) r.fail(codec::DecodeError::kInvalid);
    m.entries.push_back(e);
  }
  if (!r.finish()) {
    *error = r.error();
    return std::nullopt;
  }
  return m;
}

std::optional<SnapshotChunk> decode_chunk(ByteView bytes, codec::DecodeError* error) {
  codec::DecodeError ignored = codec::DecodeError::kNone;
  if (!error) error = &ignored;
  if (bytes.size() > kSnapshotChunkBytesMax) {
    *error = codec::DecodeError::kTooLong;
    return std::nullopt;
  }
  codec::Reader r(bytes);
  SnapshotChunk c;
  if (r.u8() != kSnapshotFormat && r.ok()) r.fail(codec::DecodeError::kInvalid);
  c.prefix = read_prefix(r);
  const std::size_t n = r.count(kSnapshotChunkBytesMax / kSnapshotLeafBytesMin, kSnapshotLeafBytesMin);
  if (r.ok() && n == 0) r.fail(codec::DecodeError::kInvalid);
  c.leaves.reserve(n);
  for (std::size_t i = 0; i < n && r.ok(); ++i) {
    SnapshotLeaf l;
    l.key = r.bytes(kStateKeyBytesMax);
    l.value = r.bytes(kStateValueBytesMax);
    c.leaves.push_back(std::move(l));
  }
  if (!r.finish()) {
    *error = r.error();
    return std::nullopt;
  }
  return c;
}

SnapshotFailure verify_manifest(const SnapshotManifest& manifest, Version trusted_height,
                                const crypto::Hash32& trusted_root) {
  if (manifest.height != trusted_height) return SnapshotFailure::kWrongHeight;
  // A stack of finished subtrees; 16 complete siblings on top fold into their parent. The
  // prefixes are a cover in path order exactly when everything folds into one root.
  std::vector<NibblePath> paths;
  std::vector<Summary> sums;
  std::uint64_t keys = 0;
  for (const SnapshotEntry& e : manifest.entries) {
    if (e.keys > manifest.total_keys - std::min(keys, manifest.total_keys))
      return SnapshotFailure::kKeyCountMismatch;
    keys += e.keys;
    paths.push_back(e.prefix);
    sums.push_back({e.hash, e.keys});
    while (paths.size() >= kNodeChildrenMax && siblings_complete(std::span(paths).last(kNodeChildrenMax))) {
      const Summary parent = combine_slots(std::span(sums).last(kNodeChildrenMax));
      NibblePath parent_path = paths[paths.size() - kNodeChildrenMax];
      parent_path.pop();
      paths.resize(paths.size() - kNodeChildrenMax + 1);
      sums.resize(sums.size() - kNodeChildrenMax + 1);
      paths.back() = parent_path;
      sums.back() = parent;
    }
  }
  if (paths.size() != 1 || paths[0].len != 0) return SnapshotFailure::kNotACover;
  if (keys != manifest.total_keys) return SnapshotFailure::kKeyCountMismatch;
  if (sums[0].hash != trusted_root || manifest.state_root != trusted_root)
    return SnapshotFailure::kRootMismatch;
  return SnapshotFailure::kNone;
}

namespace {

// The checks both verifiers share: size, decoding, prefix, count, strictly increasing paths.
SnapshotFailure check_chunk(const SnapshotEntry& entry, ByteView chunk_bytes, SnapshotChunk* chunk,
                            std::vector<crypto::Hash32>* paths) {
  if (entry.keys == 0 || chunk_bytes.size() != entry.chunk_bytes) return SnapshotFailure::kWrongSize;
  auto decoded = decode_chunk(chunk_bytes);
  if (!decoded) return SnapshotFailure::kUndecodable;
  if (!(decoded->prefix == entry.prefix)) return SnapshotFailure::kWrongPrefix;
  if (decoded->leaves.size() != entry.keys) return SnapshotFailure::kKeyCountMismatch;
  paths->reserve(decoded->leaves.size());
  for (const SnapshotLeaf& l : decoded->leaves) {
    const crypto::Hash32 path = smt::key_path(l.key);
    if (!under(path, entry.prefix)) return SnapshotFailure::kWrongPrefix;
    if (!paths->empty() && !(paths->back() < path)) return SnapshotFailure::kOutOfOrder;
    paths->push_back(path);
  }
  *chunk = std::move(*decoded);
  return SnapshotFailure::kNone;
}

}  // namespace

SnapshotFailure verify_chunk(const SnapshotEntry& entry, ByteView chunk_bytes, SnapshotChunk* chunk) {
  SnapshotChunk decoded;
  std::vector<crypto::Hash32> paths;
  if (auto f = check_chunk(entry, chunk_bytes, &decoded, &paths); f != SnapshotFailure::kNone) return f;
  std::vector<PathedLeaf> leaves;
  leaves.reserve(paths.size());
  for (std::size_t i = 0; i < paths.size(); ++i)
    leaves.push_back({paths[i], smt::value_hash(decoded.leaves[i].value)});
  if (subtree_root(leaves, 4u * entry.prefix.len) != entry.hash) return SnapshotFailure::kHashMismatch;
  *chunk = std::move(decoded);
  return SnapshotFailure::kNone;
}

SnapshotFailure verify_chunk_nodes(const SnapshotEntry& entry, Version version, ByteView chunk_bytes,
                                   SnapshotChunk* chunk, std::vector<std::pair<Bytes, Bytes>>* nodes) {
  SnapshotChunk decoded;
  std::vector<crypto::Hash32> paths;
  if (auto f = check_chunk(entry, chunk_bytes, &decoded, &paths); f != SnapshotFailure::kNone) return f;
  std::vector<SubtreeLeaf> refs;
  refs.reserve(paths.size());
  for (std::size_t i = 0; i < paths.size(); ++i)
    refs.push_back({&paths[i], &decoded.leaves[i].key, &decoded.leaves[i].value});
  std::vector<std::pair<Bytes, Bytes>> built;
  const Child top = build_subtree(version, decoded.prefix, refs, built);
  // One key: a leaf in its parent's slot (no node); more: the node written at the prefix.
  const crypto::Hash32 hash = top.kind == Child::Kind::kLeaf ? top.leaf_hash() : top.hash;
  if (hash != entry.hash) return SnapshotFailure::kHashMismatch;
  *chunk = std::move(decoded);
  *nodes = std::move(built);
  return SnapshotFailure::kNone;
}

// --- export ----------------------------------------------------------------------------

namespace {

std::optional<Node> read_node(const NodeReader& nodes, Version version, const NibblePath& path) {
  auto bytes = nodes.get_node(encode_node_key(version, path));
  if (!bytes) return std::nullopt;
  auto node = decode_node(*bytes);
  if (!node) throw TreeError("state tree node corrupt at version " + std::to_string(version));
  return node;
}

struct Size {
  std::uint64_t keys = 0;
  std::uint64_t leaf_bytes = 0;
};

class Exporter {
 public:
  Exporter(const NodeReader& nodes, std::size_t target,
           const std::function<void(std::size_t, const Bytes&)>& on_chunk)
      : nodes_(nodes), target_(target), on_chunk_(on_chunk) {}

  // Pass 1: every subtree's size; the slots of nodes too big for one chunk are kept.
  std::optional<Size> measure(const Child& c, NibblePath& prefix) {
    if (c.kind == Child::Kind::kNone) return Size{};
    if (c.kind == Child::Kind::kLeaf) return Size{1, leaf_bytes(c.key, c.value)};
    auto node = read_node(nodes_, c.version, prefix);
    if (!node || node->kind != Node::Kind::kInternal) return std::nullopt;
    std::array<Size, kNodeChildrenMax> slots{};
    Size total;
    for (unsigned s = 0; s < kNodeChildrenMax; ++s) {
      prefix.push(s);
      auto sz = measure(node->children[s], prefix);
      prefix.pop();
      if (!sz) return std::nullopt;
      slots[s] = *sz;
      total.keys += sz->keys;
      total.leaf_bytes += sz->leaf_bytes;
    }
    if (chunk_header_bytes(prefix) + total.leaf_bytes > target_) big_.emplace(key_of(prefix), slots);
    return total;
  }

  // Pass 2: entries in path order; each chunk is read and handed out as it is cut.
  bool cut(const Child& c, NibblePath& prefix, const Size& size) {
    if (c.kind == Child::Kind::kInternal && big_.contains(key_of(prefix))) {
      auto node = read_node(nodes_, c.version, prefix);
      if (!node) return false;
      const auto slots = big_.at(key_of(prefix));
      for (unsigned s = 0; s < kNodeChildrenMax; ++s) {
        prefix.push(s);
        const bool ok = cut(node->children[s], prefix, slots[s]);
        prefix.pop();
        if (!ok) return false;
      }
      return true;
    }
    SnapshotEntry e;
    e.prefix = prefix;
    e.keys = size.keys;
    e.hash = smt::empty_hash();
    if (c.kind != Child::Kind::kNone) {
      SnapshotChunk chunk;
      chunk.prefix = prefix;
      chunk.leaves.reserve(size.keys);
      if (c.kind == Child::Kind::kLeaf) {
        chunk.leaves.push_back({c.key, c.value});
        e.hash = c.leaf_hash();
      } else {
        if (!collect(c.version, prefix, chunk.leaves)) return false;
        e.hash = c.hash;
      }
      if (chunk.leaves.size() != size.keys) return false;  // the version changed under us: it was pruned
      const Bytes bytes = chunk.encode();
      if (bytes.size() > kSnapshotChunkBytesMax) throw std::logic_error("snapshot chunk above its bound");
      e.chunk_bytes = static_cast<std::uint32_t>(bytes.size());
      on_chunk_(entries.size(), bytes);
    }
    if (entries.size() >= kSnapshotChunksMax)
      throw std::length_error("state too large for one snapshot manifest");
    entries.push_back(e);
    return true;
  }

  std::vector<SnapshotEntry> entries;

 private:
  static Bytes key_of(const NibblePath& p) { return encode_node_key(0, p); }

  bool collect(Version version, NibblePath& prefix, std::vector<SnapshotLeaf>& out) {
    auto node = read_node(nodes_, version, prefix);
    if (!node || node->kind != Node::Kind::kInternal) return false;
    for (unsigned s = 0; s < kNodeChildrenMax; ++s) {
      const Child& c = node->children[s];
      if (c.kind == Child::Kind::kLeaf) out.push_back({c.key, c.value});
      if (c.kind != Child::Kind::kInternal) continue;
      prefix.push(s);
      const bool ok = collect(c.version, prefix, out);
      prefix.pop();
      if (!ok) return false;
    }
    return true;
  }

  const NodeReader& nodes_;
  const std::size_t target_;
  const std::function<void(std::size_t, const Bytes&)>& on_chunk_;
  std::map<Bytes, std::array<Size, kNodeChildrenMax>, BytesLess> big_;
};

}  // namespace

std::optional<SnapshotManifest> export_snapshot(
    const NodeReader& nodes, Version version, const std::function<void(std::size_t, const Bytes&)>& on_chunk,
    std::size_t chunk_bytes_target) {
  if (chunk_bytes_target > kSnapshotChunkBytesMax)
    throw std::invalid_argument("snapshot chunk target above the bound");
  NibblePath prefix;
  auto root = read_node(nodes, version, prefix);
  if (!root) return std::nullopt;
  Child top;
  if (root->kind == Node::Kind::kLeaf) top = root->leaf;
  if (root->kind == Node::Kind::kInternal) top = Child::internal(version, node_hash(*root));
  Exporter exporter(nodes, chunk_bytes_target, on_chunk);
  auto size = exporter.measure(top, prefix);
  if (!size || !exporter.cut(top, prefix, *size)) return std::nullopt;
  SnapshotManifest m;
  m.height = version;
  m.state_root = node_hash(*root);
  m.total_keys = size->keys;
  m.entries = std::move(exporter.entries);
  return m;
}

// --- restore ---------------------------------------------------------------------------

std::vector<std::pair<Bytes, Bytes>> chunk_nodes(Version version, const SnapshotChunk& chunk) {
  std::vector<crypto::Hash32> paths;
  paths.reserve(chunk.leaves.size());
  for (const SnapshotLeaf& l : chunk.leaves) paths.push_back(smt::key_path(l.key));
  std::vector<SubtreeLeaf> refs;
  refs.reserve(chunk.leaves.size());
  for (std::size_t i = 0; i < chunk.leaves.size(); ++i)
    refs.push_back({&paths[i], &chunk.leaves[i].key, &chunk.leaves[i].value});
  std::vector<std::pair<Bytes, Bytes>> out;
  if (refs.size() >= 2) build_subtree(version, chunk.prefix, refs, out);
  return out;
}

namespace {

class UpperBuilder {
 public:
  UpperBuilder(const SnapshotManifest& m, const std::function<SnapshotLeaf(std::size_t)>& lone_leaf,
               TreeUpdate& out)
      : m_(m), lone_leaf_(lone_leaf), out_(out) {}

  // The slot content at `prefix`, consuming the entries under it.
  std::pair<Child, std::uint64_t> build(NibblePath& prefix) {
    if (next_ >= m_.entries.size()) throw std::logic_error("snapshot manifest is not a cover");
    const SnapshotEntry& e = m_.entries[next_];
    if (e.prefix == prefix) {
      ++next_;
      if (e.keys == 0) return {Child{}, 0};
      if (e.keys == 1) {
        SnapshotLeaf leaf = lone_leaf_(next_ - 1);
        return {Child::leaf(std::move(leaf.key), std::move(leaf.value)), 1};
      }
      return {Child::internal(out_.version, e.hash), e.keys};
    }
    Node node;
    node.kind = Node::Kind::kInternal;
    std::uint64_t keys = 0;
    for (unsigned s = 0; s < kNodeChildrenMax; ++s) {
      prefix.push(s);
      auto [child, n] = build(prefix);
      prefix.pop();
      node.children[s] = std::move(child);
      keys += n;
    }
    if (keys == 0) return {Child{}, 0};
    if (keys == 1) {
      for (Child& c : node.children) {
        if (c.kind == Child::Kind::kLeaf) return {std::move(c), 1};
      }
    }
    out_.new_nodes.emplace_back(encode_node_key(out_.version, prefix), encode_node(node));
    return {Child::internal(out_.version, node_hash(node)), keys};
  }

  std::size_t consumed() const { return next_; }

 private:
  const SnapshotManifest& m_;
  const std::function<SnapshotLeaf(std::size_t)>& lone_leaf_;
  TreeUpdate& out_;
  std::size_t next_ = 0;
};

}  // namespace

TreeUpdate upper_nodes(const SnapshotManifest& manifest,
                       const std::function<SnapshotLeaf(std::size_t)>& lone_leaf) {
  TreeUpdate out;
  out.version = manifest.height;
  UpperBuilder builder(manifest, lone_leaf, out);
  NibblePath root_path;
  auto [root, keys] = builder.build(root_path);
  if (builder.consumed() != manifest.entries.size())
    throw std::logic_error("snapshot manifest is not a cover");
  (void)keys;
  if (root.kind == Child::Kind::kInternal) {
    out.root_hash = root.hash;  // the root node was written by its chunk or just above
    return out;
  }
  Node record;
  record.kind = root.kind == Child::Kind::kLeaf ? Node::Kind::kLeaf : Node::Kind::kNull;
  if (root.kind == Child::Kind::kLeaf) record.leaf = std::move(root);
  out.root_hash = node_hash(record);
  out.new_nodes.emplace_back(encode_node_key(out.version, root_path), encode_node(record));
  return out;
}

}  // namespace telco::state
