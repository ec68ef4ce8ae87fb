// state/tree: the versioned sparse Merkle tree against a plain std::map model. Random
// puts and deletes over many versions; after each, the root equals a from-scratch build
// of the same contents, every read matches the model, and proofs of present and absent
// keys verify at the current and every unpruned older version. Pruning keeps exactly the
// nodes the kept versions reach. Seeds are printed; TELCO_SMT_SEED reruns one.
#include <gtest/gtest.h>

#include <cstdlib>
#include <map>
#include <random>
#include <set>

#include "state/commitment.h"
#include "state/memory_node_store.h"
#include "state/smt_hash.h"
#include "state/tree.h"

namespace telco::state {
namespace {

using Model = std::map<Bytes, Bytes>;

std::uint64_t test_seed() {
  if (const char* s = std::getenv("TELCO_SMT_SEED")) return std::strtoull(s, nullptr, 10);
  return std::random_device{}();
}

Bytes key_of(std::uint32_t n) {
  Bytes k = {0x01};
  for (int i = 0; i < 4; ++i) k.push_back(static_cast<std::uint8_t>(n >> (8 * i)));
  return k;
}

Writes as_writes(const Model& m) {
  Writes w;
  for (const auto& [k, v] : m) w[k] = v;
  return w;
}

Model contents(const NodeReader& nodes, Version v) {
  Model out;
  const bool whole = for_each_leaf(nodes, v, [&](ByteView k, ByteView val) {
    EXPECT_TRUE(out.emplace(Bytes(k.begin(), k.end()), Bytes(val.begin(), val.end())).second);
  });
  EXPECT_TRUE(whole);
  return out;
}

// Every node key reachable from a version's root.
void reachable(const NodeReader& nodes, Version version, NibblePath& prefix, std::set<Bytes>& out) {
  const Bytes key = encode_node_key(version, prefix);
  auto bytes = nodes.get_node(key);
  ASSERT_TRUE(bytes) << "missing node at version " << version;
  out.insert(key);
  auto node = decode_node(*bytes);
  ASSERT_TRUE(node);
  if (node->kind != Node::Kind::kInternal) return;
  for (unsigned s = 0; s < kNodeChildrenMax; ++s) {
    if (node->children[s].kind != Child::Kind::kInternal) continue;
    prefix.push(s);
    reachable(nodes, node->children[s].version, prefix, out);
    prefix.pop();
  }
}

// Proves `key` at `version` and checks the proof against the model's answer.
void expect_proves(const NodeReader& nodes, Version version, const crypto::Hash32& root, const Model& model,
                   const Bytes& key) {
  auto vp = get_with_proof(nodes, version, key);
  ASSERT_TRUE(vp);
  auto it = model.find(key);
  const std::optional<Bytes> expected = it == model.end() ? std::nullopt : std::optional<Bytes>(it->second);
  ASSERT_EQ(vp->value, expected);
  ASSERT_EQ(get_at(nodes, version, key), std::optional<std::optional<Bytes>>(expected));
  const Bytes encoded = vp->proof.encode();
  auto decoded = decode_proof(encoded);
  ASSERT_TRUE(decoded);
  ASSERT_EQ(*decoded, vp->proof);
  const std::optional<ByteView> claim = expected ? std::optional<ByteView>(*expected) : std::nullopt;
  ASSERT_EQ(verify_proof(root, key, claim, *decoded), ProofFailure::kNone);
  // The opposite claim, another value, and another root all fail.
  if (expected) {
    EXPECT_EQ(verify_proof(root, key, std::nullopt, *decoded), ProofFailure::kProvesPresence);
    Bytes other = *expected;
    other.push_back(0);
    EXPECT_EQ(verify_proof(root, key, ByteView(other), *decoded), ProofFailure::kRootMismatch);
  } else {
    const Bytes v = {1};
    EXPECT_EQ(verify_proof(root, key, ByteView(v), *decoded), ProofFailure::kProvesAbsence);
  }
  crypto::Hash32 wrong = root;
  wrong[0] ^= 1;
  EXPECT_NE(verify_proof(wrong, key, claim, *decoded), ProofFailure::kNone);
}

struct PropertyCase {
  std::uint32_t key_space;
  int versions;
  int writes_max;
  std::uint64_t keep;  // versions kept by pruning
};

void run_property(const PropertyCase& pc, std::uint64_t seed) {
  SCOPED_TRACE("seed " + std::to_string(seed) + " (rerun with TELCO_SMT_SEED)");
  std::mt19937_64 rng(seed);
  MemoryNodeStore nodes;
  Model model;
  std::map<Version, std::pair<crypto::Hash32, Model>> history;  // unpruned versions
  std::optional<Version> base;
  Version version = 0;
  for (int step = 0; step < pc.versions; ++step) {
    Writes writes;
    const int n = static_cast<int>(rng() % (pc.writes_max + 1));  // includes empty blocks
    for (int i = 0; i < n; ++i) {
      const Bytes key = key_of(static_cast<std::uint32_t>(rng() % pc.key_space));
      if (rng() % 3 == 0) {
        writes[key] = std::nullopt;
      } else {
        writes[key] = Bytes(rng() % 40, static_cast<std::uint8_t>(rng()));  // empty values too
      }
    }
    const TreeUpdate update = apply_writes(nodes, base, version, writes);
    nodes.write(update);
    for (const auto& [k, v] : writes) {
      if (v) model[k] = *v; else model.erase(k);
    }
    // Order independence: a fresh tree over the same contents has the same root.
    ASSERT_EQ(update.root_hash, genesis_tree(as_writes(model)).root_hash) << "version " << version;
    ASSERT_EQ(root_hash_at(nodes, version), update.root_hash);
    history[version] = {update.root_hash, model};
    if (version + 1 >= pc.keep) {
      const Version keep_from = version + 1 - pc.keep;
      nodes.prune(keep_from);
      while (!history.empty() && history.begin()->first < keep_from) {
        EXPECT_FALSE(root_hash_at(nodes, history.begin()->first)) << "pruned version still has a root";
        history.erase(history.begin());
      }
    }
    base = version;
    ++version;

    // Every few versions: full checks over every unpruned version.
    if (step % 7 != 6 && step != pc.versions - 1) continue;
    std::set<Bytes> live;
    for (const auto& [v, entry] : history) {
      const auto& [root, snapshot] = entry;
      ASSERT_EQ(contents(nodes, v), snapshot) << "version " << v;
      for (int probe = 0; probe < 12; ++probe) {
        const Bytes key = key_of(static_cast<std::uint32_t>(rng() % (pc.key_space + 8)));
        expect_proves(nodes, v, root, snapshot, key);
      }
      for (const auto& [k, val] : snapshot) {
        if (rng() % 8 == 0) expect_proves(nodes, v, root, snapshot, k);
      }
      NibblePath p;
      reachable(nodes, v, p, live);
    }
    // Pruning leaves exactly what the kept versions reach: nothing missing, no garbage.
    EXPECT_EQ(live.size(), nodes.node_count());
  }
}

TEST(SmtTree, MatchesMapModelSmallKeySpace) {
  // Few keys, many collisions of writes on the same keys, trees that empty out and refill.
  run_property({24, 120, 10, 6}, test_seed());
}

TEST(SmtTree, MatchesMapModelLargerTrees) {
  run_property({5'000, 40, 400, 4}, test_seed());
}

TEST(SmtTree, EmptyAndSingleKeyTrees) {
  MemoryNodeStore nodes;
  TreeUpdate u0 = apply_writes(nodes, std::nullopt, 0, {});
  nodes.write(u0);
  EXPECT_EQ(u0.root_hash, smt::empty_hash());
  expect_proves(nodes, 0, u0.root_hash, {}, key_of(1));
  Writes w;
  w[key_of(1)] = Bytes{7};
  TreeUpdate u1 = apply_writes(nodes, 0, 1, w);
  nodes.write(u1);
  EXPECT_EQ(u1.root_hash, smt::leaf_hash(smt::key_path(key_of(1)), smt::value_hash(Bytes{7})));
  const Model m = {{key_of(1), Bytes{7}}};
  expect_proves(nodes, 1, u1.root_hash, m, key_of(1));
  expect_proves(nodes, 1, u1.root_hash, m, key_of(2));  // absent: the other leaf at depth 0
  w[key_of(1)] = std::nullopt;
  TreeUpdate u2 = apply_writes(nodes, 1, 2, w);
  EXPECT_EQ(u2.root_hash, smt::empty_hash());
  EXPECT_EQ(u2.stale_nodes.size(), 1u);  // the old root record only
}

TEST(SmtTree, UnchangedVersionWritesOnlyANewRootRecord) {
  MemoryNodeStore nodes;
  Writes w;
  for (std::uint32_t i = 0; i < 500; ++i) w[key_of(i)] = Bytes{1, 2, 3};
  TreeUpdate u0 = apply_writes(nodes, std::nullopt, 0, w);
  nodes.write(u0);
  Writes same;
  same[key_of(3)] = Bytes{1, 2, 3};     // rewrites an equal value
  same[key_of(9'999)] = std::nullopt;   // deletes an absent key
  TreeUpdate u1 = apply_writes(nodes, 0, 1, same);
  EXPECT_EQ(u1.root_hash, u0.root_hash);
  EXPECT_EQ(u1.new_nodes.size(), 1u);
  EXPECT_EQ(u1.stale_nodes.size(), 1u);
}

// Keys whose paths share a long prefix make chains of one-child internal nodes and proofs
// with many empty siblings; deleting one of them must collapse the chain again.
TEST(SmtTree, LongCommonPrefixesChainAndCollapse) {
  std::map<std::uint32_t, Bytes> by_prefix;  // first 20 bits of the path -> key
  Bytes a, b;
  for (std::uint32_t i = 0; a.empty(); ++i) {
    const Bytes k = key_of(i);
    const crypto::Hash32 p = smt::key_path(k);
    const std::uint32_t top = (std::uint32_t{p[0]} << 12) | (std::uint32_t{p[1]} << 4) | (p[2] >> 4);
    auto [it, inserted] = by_prefix.emplace(top, k);
    if (!inserted) {
      a = it->second;
      b = k;
    }
  }
  MemoryNodeStore nodes;
  Writes w;
  w[a] = Bytes{1};
  w[b] = Bytes{2};
  TreeUpdate u0 = apply_writes(nodes, std::nullopt, 0, w);
  nodes.write(u0);
  EXPECT_GE(u0.new_nodes.size(), 6u);  // root .. depth 5 at least: one-child chain
  const Model m = {{a, Bytes{1}}, {b, Bytes{2}}};
  expect_proves(nodes, 0, u0.root_hash, m, a);
  expect_proves(nodes, 0, u0.root_hash, m, b);
  auto vp = get_with_proof(nodes, 0, a);
  EXPECT_GE(vp->proof.depth, 20u);
  EXPECT_EQ(vp->proof.siblings.size(), 1u);  // every sibling above the split is empty
  Writes del;
  del[b] = std::nullopt;
  TreeUpdate u1 = apply_writes(nodes, 0, 1, del);
  nodes.write(u1);
  EXPECT_EQ(u1.new_nodes.size(), 1u) << "the chain collapses to a lone leaf root";
  EXPECT_EQ(u1.root_hash, smt::leaf_hash(smt::key_path(a), smt::value_hash(Bytes{1})));
}

TEST(SmtTree, BoundsAndVersionOrderAreEnforced) {
  MemoryNodeStore nodes;
  Writes big;
  big[Bytes(kStateKeyBytesMax + 1, 1)] = Bytes{1};
  EXPECT_THROW(apply_writes(nodes, std::nullopt, 0, big), std::logic_error);
  Writes big_value;
  big_value[Bytes{1}] = Bytes(kStateValueBytesMax + 1, 1);
  EXPECT_THROW(apply_writes(nodes, std::nullopt, 0, big_value), std::logic_error);
  nodes.write(apply_writes(nodes, std::nullopt, 5, {}));
  EXPECT_THROW(apply_writes(nodes, 5, 5, {}), std::logic_error);
  EXPECT_THROW(apply_writes(nodes, 4, 6, {}), TreeError) << "base version without a root";
  EXPECT_FALSE(get_with_proof(nodes, 4, Bytes{1}));
  EXPECT_FALSE(get_at(nodes, 6, Bytes{1}));
}

TEST(SmtNode, EncodingRoundTripsAndRejectsNonCanonical) {
  Node n;
  n.kind = Node::Kind::kInternal;
  n.children[0] = Child::leaf(Bytes{1, 2}, Bytes{});
  n.children[7] = Child::internal(300, crypto::blake2b_256(Bytes{1}));
  n.children[15] = Child::leaf(Bytes(kStateKeyBytesMax, 9), Bytes(200, 4));
  const Bytes enc = encode_node(n);
  auto dec = decode_node(enc);
  ASSERT_TRUE(dec);
  EXPECT_EQ(encode_node(*dec), enc);
  EXPECT_EQ(node_hash(*dec), node_hash(n));
  Bytes trailing = enc;
  trailing.push_back(0);
  EXPECT_FALSE(decode_node(trailing));
  EXPECT_FALSE(decode_node(ByteView(enc.data(), enc.size() - 1)));
  EXPECT_FALSE(decode_node(Bytes{}));
  EXPECT_FALSE(decode_node(Bytes{3}));
  // A lone leaf child is never stored (it would have moved up); nor a node with no child.
  EXPECT_FALSE(decode_node(Bytes{2, 0x01, 0x00, 0x01, 0x00, 0x01, 0x05, 0x00}));
  EXPECT_FALSE(decode_node(Bytes{2, 0, 0, 0, 0}));
  // Overlong varint (version 1 as 0x81 0x00).
  Bytes overlong = {2, 0x03, 0x00, 0x01, 0x00, 0x00, 0x00, 0x81, 0x00};
  overlong.resize(overlong.size() + 32, 0);
  EXPECT_FALSE(decode_node(overlong));
  Bytes fine = {2, 0x03, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01};
  fine.resize(fine.size() + 32, 0);
  EXPECT_TRUE(decode_node(fine));

  NibblePath p;
  for (unsigned x : {0xa, 0x3, 0xf}) p.push(x);
  const Bytes key = encode_node_key(0x0102030405060708, p);
  EXPECT_EQ(key, (Bytes{1, 2, 3, 4, 5, 6, 7, 8, 3, 0xa3, 0xf0}));
  auto back = decode_node_key(key);
  ASSERT_TRUE(back);
  EXPECT_EQ(back->first, 0x0102030405060708u);
  EXPECT_EQ(back->second, p);
  Bytes bad_pad = key;
  bad_pad.back() = 0xf1;
  EXPECT_FALSE(decode_node_key(bad_pad));
}

}  // namespace
}  // namespace telco::state
