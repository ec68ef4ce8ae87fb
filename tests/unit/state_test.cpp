// state/: WriteSet layering and savepoints, and the state commitment (tree root) API.
#include <gtest/gtest.h>

#include <map>
#include <set>

#include "state/commitment.h"
#include "state/prefixes.h"
#include "state/smt_hash.h"
#include "state/write_set.h"
#include "util/hex.h"

namespace telco::state {
namespace {

Bytes b(std::string_view s) { return Bytes(s.begin(), s.end()); }

// A committed store stand-in.
class MapView final : public StateView {
 public:
  std::optional<Bytes> get(ByteView key) const override {
    ++reads;
    auto it = data.find(key);
    if (it == data.end()) return std::nullopt;
    return it->second;
  }
  std::map<Bytes, Bytes, BytesLess> data;
  mutable int reads = 0;
};

TEST(WriteSet, ReadsFallThroughToBase) {
  MapView base;
  base.data[b("a")] = b("1");
  WriteSet ws(base);
  EXPECT_EQ(ws.get(b("a")), b("1"));
  EXPECT_EQ(ws.get(b("missing")), std::nullopt);
  EXPECT_TRUE(ws.writes().empty());
}

TEST(WriteSet, PutShadowsBaseWithoutWritingIt) {
  MapView base;
  base.data[b("a")] = b("1");
  WriteSet ws(base);
  ws.put(b("a"), b("2"));
  ws.put(b("new"), b("3"));
  EXPECT_EQ(ws.get(b("a")), b("2"));
  EXPECT_EQ(ws.get(b("new")), b("3"));
  EXPECT_EQ(base.data.at(b("a")), b("1"));
  EXPECT_EQ(base.data.count(b("new")), 0u);
  const int reads_before = base.reads;
  ws.get(b("a"));
  EXPECT_EQ(base.reads, reads_before);  // a pending write is served without the base
}

TEST(WriteSet, EraseHidesBaseValue) {
  MapView base;
  base.data[b("a")] = b("1");
  WriteSet ws(base);
  ws.erase(b("a"));
  EXPECT_EQ(ws.get(b("a")), std::nullopt);
  ASSERT_EQ(ws.writes().size(), 1u);
  EXPECT_EQ(ws.writes().begin()->second, std::nullopt);
  ws.put(b("a"), b("back"));
  EXPECT_EQ(ws.get(b("a")), b("back"));
  ws.erase(b("never-existed"));
  EXPECT_EQ(ws.get(b("never-existed")), std::nullopt);
  EXPECT_EQ(ws.writes().size(), 2u);  // a deletion of an absent key is still recorded
}

TEST(WriteSet, EmptyValueIsNotADeletion) {
  MapView base;
  WriteSet ws(base);
  ws.put(b("k"), Bytes{});
  auto v = ws.get(b("k"));
  ASSERT_TRUE(v);
  EXPECT_TRUE(v->empty());
}

TEST(WriteSet, LayersOverAnotherWriteSet) {
  MapView base;
  base.data[b("a")] = b("base");
  WriteSet block(base);
  block.put(b("a"), b("block"));
  block.put(b("b"), b("block"));
  WriteSet tx(block);
  tx.erase(b("b"));
  EXPECT_EQ(tx.get(b("a")), b("block"));
  EXPECT_EQ(tx.get(b("b")), std::nullopt);
  EXPECT_EQ(block.get(b("b")), b("block"));
}

TEST(WriteSet, WritesAreSortedByUnsignedKeyBytes) {
  MapView base;
  WriteSet ws(base);
  ws.put(Bytes{0xff}, b("x"));
  ws.put(Bytes{0x01, 0x02}, b("x"));
  ws.put(Bytes{0x01}, b("x"));
  ws.put(Bytes{0x80}, b("x"));
  std::vector<Bytes> keys;
  for (const auto& [k, v] : ws.writes()) keys.push_back(k);
  EXPECT_EQ(keys, (std::vector<Bytes>{{0x01}, {0x01, 0x02}, {0x80}, {0xff}}));
}

TEST(WriteSet, RollbackRestoresEveryKeyWrittenSince) {
  MapView base;
  base.data[b("a")] = b("base");
  WriteSet ws(base);
  ws.put(b("a"), b("1"));
  ws.put(b("b"), b("1"));
  const Writes before = ws.writes();
  const std::size_t sp = ws.savepoint();
  ws.put(b("a"), b("2"));
  ws.put(b("a"), b("3"));
  ws.erase(b("b"));
  ws.put(b("c"), b("2"));
  ws.erase(b("a"));
  ws.rollback(sp);
  EXPECT_EQ(ws.writes(), before);
  EXPECT_EQ(ws.get(b("a")), b("1"));
  EXPECT_EQ(ws.get(b("b")), b("1"));
  EXPECT_EQ(ws.get(b("c")), std::nullopt);
  EXPECT_EQ(ws.savepoint(), sp);
}

TEST(WriteSet, RollbackToStartRevealsBase) {
  MapView base;
  base.data[b("a")] = b("base");
  WriteSet ws(base);
  const std::size_t sp = ws.savepoint();
  EXPECT_EQ(sp, 0u);
  ws.erase(b("a"));
  ws.put(b("z"), b("1"));
  ws.rollback(sp);
  EXPECT_TRUE(ws.writes().empty());
  EXPECT_EQ(ws.get(b("a")), b("base"));
}

TEST(WriteSet, NestedSavepoints) {
  MapView base;
  WriteSet ws(base);
  ws.put(b("k"), b("0"));
  const std::size_t outer = ws.savepoint();
  ws.put(b("k"), b("1"));
  ws.put(b("x"), b("1"));
  const std::size_t inner = ws.savepoint();
  ws.put(b("k"), b("2"));
  ws.erase(b("x"));
  ws.put(b("y"), b("2"));
  EXPECT_GT(inner, outer);

  ws.rollback(inner);
  EXPECT_EQ(ws.get(b("k")), b("1"));
  EXPECT_EQ(ws.get(b("x")), b("1"));
  EXPECT_EQ(ws.get(b("y")), std::nullopt);

  ws.put(b("k"), b("3"));  // continue after an inner rollback
  ws.rollback(outer);
  EXPECT_EQ(ws.get(b("k")), b("0"));
  EXPECT_EQ(ws.get(b("x")), std::nullopt);
  EXPECT_EQ(ws.writes().size(), 1u);
}

TEST(WriteSet, RollbackToCurrentPositionIsNoOp) {
  MapView base;
  WriteSet ws(base);
  ws.put(b("a"), b("1"));
  const Writes before = ws.writes();
  ws.rollback(ws.savepoint());
  EXPECT_EQ(ws.writes(), before);
}

// ---------------------------------------------------------------- commitment

Writes sample_writes() {
  Writes w;
  w[Bytes{0x01, 0xaa}] = b("balance");
  w[Bytes{0x00, 's'}] = b("supply");
  w[Bytes{0x01, 0xbb}] = std::nullopt;
  return w;
}

crypto::Hash32 root_of(const Writes& w) { return genesis_tree(w).root_hash; }

// The state root is the tree root of the contents alone (docs/STATE.md); these pin the
// commitment's behaviour through the API the executor uses. tree_smt tests go deeper.
TEST(Commitment, EmptyStateIsTheEmptyHashAndDeletionsOfAbsentKeysAreNoOps) {
  EXPECT_EQ(root_of({}), smt::empty_hash());
  Writes only_deletes;
  only_deletes[b("gone")] = std::nullopt;
  EXPECT_EQ(root_of(only_deletes), smt::empty_hash());
}

TEST(Commitment, OneKeyIsItsLeaf) {
  Writes w;
  w[b("k")] = b("v");
  EXPECT_EQ(root_of(w), smt::leaf_hash(smt::key_path(b("k")), smt::value_hash(b("v"))));
}

TEST(Commitment, DeterministicAndInsertionOrderIndependent) {
  MapView base;
  WriteSet forward(base), backward(base);
  forward.put(b("a"), b("1"));
  forward.put(b("b"), b("2"));
  forward.erase(b("c"));
  backward.erase(b("c"));
  backward.put(b("b"), b("2"));
  backward.put(b("a"), b("0"));
  backward.put(b("a"), b("1"));  // overwritten: only the final value counts
  EXPECT_EQ(root_of(forward.writes()), root_of(backward.writes()));
}

TEST(Commitment, SensitiveToEveryChange) {
  const Writes base = sample_writes();
  std::set<crypto::Hash32> roots = {root_of(base)};
  const auto expect_new = [&](const Writes& w, const char* what) { EXPECT_TRUE(roots.insert(root_of(w)).second) << what; };
  {
    Writes w = base;
    w[Bytes{0x01, 0xaa}] = b("balancf");
    expect_new(w, "value byte");
  }
  {
    Writes w = base;
    w[Bytes{0x01, 0xaa}] = b("balance!");
    expect_new(w, "value length");
  }
  {
    Writes w = base;
    w[Bytes{0x01, 0xaa}] = std::nullopt;
    expect_new(w, "value -> deletion");
  }
  {
    Writes w = base;
    w[Bytes{0x01, 0xbb}] = Bytes{};
    expect_new(w, "deletion -> empty value");
  }
  {
    Writes w = base;
    auto node = w.extract(Bytes{0x01, 0xaa});
    node.key() = Bytes{0x01, 0xab};
    w.insert(std::move(node));
    expect_new(w, "key byte");
  }
  {
    Writes w = base;
    w[Bytes{0x02}] = b("extra");
    expect_new(w, "extra write");
  }
}

TEST(Commitment, KeyValueBoundariesAreUnambiguous) {
  Writes x, y;
  x[b("ab")] = b("c");
  y[b("a")] = b("bc");
  EXPECT_NE(root_of(x), root_of(y));
}

TEST(Commitment, RootDependsOnContentsNotHistory) {
  Writes w1, w2;
  w1[b("a")] = b("1");
  w1[b("x")] = b("9");
  w2[b("b")] = b("2");
  w2[b("x")] = std::nullopt;
  MemoryState s;
  const TreeUpdate g = genesis_tree(w1);
  s.apply(w1, g);
  const TreeUpdate t1 = advance_tree(s, 1, g.root_hash, w2);
  Writes merged;
  merged[b("a")] = b("1");
  merged[b("b")] = b("2");
  EXPECT_EQ(t1.root_hash, root_of(merged));
  EXPECT_NE(t1.root_hash, g.root_hash);
  s.apply(w2, t1);
  const TreeUpdate t2 = advance_tree(s, 2, t1.root_hash, {});
  EXPECT_EQ(t2.root_hash, t1.root_hash) << "an empty block keeps the root";
  EXPECT_EQ(t2.version, 2u);
  EXPECT_THROW(advance_tree(s, 2, g.root_hash, {}), std::logic_error) << "previous root must be the committed one";
}


TEST(Prefixes, NumbersAreFrozen) {
  EXPECT_EQ(static_cast<int>(Prefix::kChain), 0x00);
  EXPECT_EQ(static_cast<int>(Prefix::kAccount), 0x01);
}

}  // namespace
}  // namespace telco::state
