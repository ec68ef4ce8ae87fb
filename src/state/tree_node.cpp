#include "state/tree_node.h"

#include <bit>
#include <stdexcept>

#include "state/smt_hash.h"

namespace telco::state {
namespace {

constexpr std::size_t kVarintBytesMax = 10;

void put_varint(Bytes& out, std::uint64_t v) {
  while (v >= 0x80) {
    out.push_back(static_cast<std::uint8_t>(v | 0x80));
    v >>= 7;
  }
  out.push_back(static_cast<std::uint8_t>(v));
}

// Canonical LEB128: at most 10 bytes, no overflow, no redundant trailing zero group.
bool get_varint(ByteView in, std::size_t& pos, std::uint64_t* out) {
  std::uint64_t v = 0;
  for (std::size_t i = 0; i < kVarintBytesMax; ++i) {
    if (pos >= in.size()) return false;
    const std::uint8_t b = in[pos++];
    if (i == kVarintBytesMax - 1 && b > 1) return false;
    v |= static_cast<std::uint64_t>(b & 0x7f) << (7 * i);
    if (!(b & 0x80)) {
      if (b == 0 && i > 0) return false;
      *out = v;
      return true;
    }
  }
  return false;
}

void put_blob(Bytes& out, ByteView b) {
  put_varint(out, b.size());
  out.insert(out.end(), b.begin(), b.end());
}

bool get_blob(ByteView in, std::size_t& pos, std::size_t max_len, Bytes* out) {
  std::uint64_t len = 0;
  if (!get_varint(in, pos, &len) || len > max_len || len > in.size() - pos) return false;
  out->assign(in.begin() + static_cast<std::ptrdiff_t>(pos), in.begin() + static_cast<std::ptrdiff_t>(pos + len));
  pos += len;
  return true;
}

bool get_leaf(ByteView in, std::size_t& pos, Child* c) {
  Bytes key, value;
  if (!get_blob(in, pos, kStateKeyBytesMax, &key) || !get_blob(in, pos, kStateValueBytesMax, &value)) return false;
  *c = Child::leaf(std::move(key), std::move(value));
  return true;
}

}  // namespace

void NibblePath::push(unsigned n) {
  if (len >= smt::kPathNibbles || n > 0x0f) throw std::logic_error("nibble path overflow");
  if (len & 1) {
    packed[len >> 1] = static_cast<std::uint8_t>(packed[len >> 1] | n);
  } else {
    packed[len >> 1] = static_cast<std::uint8_t>(n << 4);
  }
  ++len;
}

void NibblePath::pop() {
  if (len == 0) throw std::logic_error("nibble path underflow");
  --len;
  packed[len >> 1] = (len & 1) ? static_cast<std::uint8_t>(packed[len >> 1] & 0xf0) : 0;
}

Bytes encode_node_key(Version version, const NibblePath& path) {
  Bytes out(8 + 1 + (path.len + 1u) / 2);
  for (int i = 0; i < 8; ++i) out[i] = static_cast<std::uint8_t>(version >> (56 - 8 * i));
  out[8] = path.len;
  std::copy(path.packed.begin(), path.packed.begin() + (path.len + 1) / 2, out.begin() + 9);
  return out;
}

std::optional<std::pair<Version, NibblePath>> decode_node_key(ByteView key) {
  if (key.size() < 9) return std::nullopt;
  Version v = 0;
  for (int i = 0; i < 8; ++i) v = (v << 8) | key[i];
  NibblePath p;
  p.len = key[8];
  if (p.len > smt::kPathNibbles || key.size() != 9 + (p.len + 1u) / 2) return std::nullopt;
  std::copy(key.begin() + 9, key.end(), p.packed.begin());
  if ((p.len & 1) && (p.packed[p.len >> 1] & 0x0f)) return std::nullopt;
  return std::pair{v, p};
}

Child Child::leaf(Bytes key, Bytes value) {
  if (key.size() > kStateKeyBytesMax || value.size() > kStateValueBytesMax) {
    throw std::logic_error("state key or value above the tree's bound");
  }
  Child c;
  c.kind = Kind::kLeaf;
  c.key = std::move(key);
  c.value = std::move(value);
  return c;
}

Child Child::leaf(Bytes key, Bytes value, const crypto::Hash32& path) {
  Child c = leaf(std::move(key), std::move(value));
  c.path_cache_ = path;
  return c;
}

Child Child::internal(Version version, const crypto::Hash32& hash) {
  Child c;
  c.kind = Kind::kInternal;
  c.version = version;
  c.hash = hash;
  return c;
}

const crypto::Hash32& Child::leaf_path() const {
  if (!path_cache_) path_cache_ = smt::key_path(key);
  return *path_cache_;
}

const crypto::Hash32& Child::leaf_hash() const {
  if (!hash_cache_) hash_cache_ = smt::leaf_hash(leaf_path(), smt::value_hash(value));
  return *hash_cache_;
}

bool Child::same_as(const Child& o) const {
  if (kind != o.kind) return false;
  switch (kind) {
    case Kind::kNone: return true;
    case Kind::kInternal: return version == o.version && hash == o.hash;
    case Kind::kLeaf: return key == o.key && value == o.value;
  }
  return false;
}

std::size_t Node::child_count() const {
  std::size_t n = 0;
  for (const Child& c : children) n += c.kind != Child::Kind::kNone;
  return n;
}

Bytes encode_node(const Node& node) {
  Bytes out;
  out.push_back(static_cast<std::uint8_t>(node.kind));
  switch (node.kind) {
    case Node::Kind::kNull: break;
    case Node::Kind::kLeaf:
      put_blob(out, node.leaf.key);
      put_blob(out, node.leaf.value);
      break;
    case Node::Kind::kInternal: {
      std::uint16_t present = 0, leaves = 0;
      for (unsigned s = 0; s < kNodeChildrenMax; ++s) {
        if (node.children[s].kind != Child::Kind::kNone) present = static_cast<std::uint16_t>(present | (1u << s));
        if (node.children[s].kind == Child::Kind::kLeaf) leaves = static_cast<std::uint16_t>(leaves | (1u << s));
      }
      for (std::uint16_t v : {present, leaves}) {
        out.push_back(static_cast<std::uint8_t>(v));
        out.push_back(static_cast<std::uint8_t>(v >> 8));
      }
      for (const Child& c : node.children) {
        if (c.kind == Child::Kind::kLeaf) {
          put_blob(out, c.key);
          put_blob(out, c.value);
        } else if (c.kind == Child::Kind::kInternal) {
          put_varint(out, c.version);
          out.insert(out.end(), c.hash.begin(), c.hash.end());
        }
      }
      break;
    }
  }
  return out;
}

std::optional<Node> decode_node(ByteView in) {
  if (in.empty()) return std::nullopt;
  Node node;
  std::size_t pos = 1;
  switch (in[0]) {
    case static_cast<std::uint8_t>(Node::Kind::kNull):
      node.kind = Node::Kind::kNull;
      break;
    case static_cast<std::uint8_t>(Node::Kind::kLeaf):
      node.kind = Node::Kind::kLeaf;
      if (!get_leaf(in, pos, &node.leaf)) return std::nullopt;
      break;
    case static_cast<std::uint8_t>(Node::Kind::kInternal): {
      node.kind = Node::Kind::kInternal;
      if (in.size() < 5) return std::nullopt;
      const unsigned present = in[1] | (in[2] << 8);
      const unsigned leaves = in[3] | (in[4] << 8);
      pos = 5;
      // A stored internal node holds two or more keys: never one leaf alone, never nothing.
      if ((leaves & ~present) || present == 0 || (present == leaves && std::popcount(present) == 1)) {
        return std::nullopt;
      }
      for (unsigned s = 0; s < kNodeChildrenMax; ++s) {
        if (!(present & (1u << s))) continue;
        Child& c = node.children[s];
        if (leaves & (1u << s)) {
          if (!get_leaf(in, pos, &c)) return std::nullopt;
        } else {
          std::uint64_t version = 0;
          if (!get_varint(in, pos, &version) || in.size() - pos < 32) return std::nullopt;
          crypto::Hash32 h;
          std::copy(in.begin() + static_cast<std::ptrdiff_t>(pos), in.begin() + static_cast<std::ptrdiff_t>(pos + 32),
                    h.begin());
          pos += 32;
          c = Child::internal(version, h);
        }
      }
      break;
    }
    default:
      return std::nullopt;
  }
  if (pos != in.size()) return std::nullopt;
  return node;
}

crypto::Hash32 range_hash(const std::array<Child, kNodeChildrenMax>& children, unsigned lo, unsigned hi) {
  unsigned count = 0, only = 0;
  for (unsigned s = lo; s < hi; ++s) {
    if (children[s].kind != Child::Kind::kNone) {
      ++count;
      only = s;
    }
  }
  if (count == 0) return smt::empty_hash();
  if (count == 1 && children[only].kind == Child::Kind::kLeaf) return children[only].leaf_hash();
  if (hi - lo == 1) return children[lo].hash;  // a lone internal child
  const unsigned mid = (lo + hi) / 2;
  return smt::internal_hash(range_hash(children, lo, mid), range_hash(children, mid, hi));
}

crypto::Hash32 node_hash(const Node& node) {
  switch (node.kind) {
    case Node::Kind::kNull: return smt::empty_hash();
    case Node::Kind::kLeaf: return node.leaf.leaf_hash();
    case Node::Kind::kInternal: return range_hash(node.children, 0, kNodeChildrenMax);
  }
  return smt::empty_hash();
}

}  // namespace telco::state
