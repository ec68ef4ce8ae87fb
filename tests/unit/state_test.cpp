// state/: WriteSet layering and savepoints, and the write-log state commitment.
#include <gtest/gtest.h>

#include <map>
#include <set>

#include "codec/writer.h"
#include "state/commitment.h"
#include "state/prefixes.h"
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

crypto::Hash32 filled(std::uint8_t v) {
  crypto::Hash32 h;
  h.fill(v);
  return h;
}

TEST(Commitment, MatchesTheSpecifiedPreimage) {
  const crypto::Hash32 prev = filled(0x42);
  const Writes w = sample_writes();
  codec::Writer pre;
  pre.string("telco/state/v1");
  pre.fixed(prev);
  pre.count(w.size());
  for (const auto& [k, v] : w) {  // key order
    pre.bytes(k);
    pre.boolean(v.has_value());
    if (v) pre.bytes(*v);
  }
  EXPECT_EQ(WriteLogCommitment().advance(prev, w), crypto::blake2b_256(pre.data()));
}

TEST(Commitment, EmptyWriteSetStillAdvances) {
  const WriteLogCommitment c;
  const crypto::Hash32 zero{};
  const crypto::Hash32 r1 = c.advance(zero, {});
  EXPECT_NE(r1, zero);
  EXPECT_NE(c.advance(r1, {}), r1);  // every block moves the root, even with no writes
}

TEST(Commitment, DeterministicAndInsertionOrderIndependent) {
  const WriteLogCommitment c;
  MapView base;
  WriteSet forward(base), backward(base);
  forward.put(b("a"), b("1"));
  forward.put(b("b"), b("2"));
  forward.erase(b("c"));
  backward.erase(b("c"));
  backward.put(b("b"), b("2"));
  backward.put(b("a"), b("0"));
  backward.put(b("a"), b("1"));  // overwritten: only the final value counts
  EXPECT_EQ(c.advance(filled(1), forward.writes()), c.advance(filled(1), backward.writes()));
  EXPECT_EQ(c.advance(filled(1), forward.writes()), c.advance(filled(1), forward.writes()));
}

TEST(Commitment, SensitiveToEveryChange) {
  const WriteLogCommitment c;
  const crypto::Hash32 prev = filled(7);
  const Writes base = sample_writes();
  std::set<crypto::Hash32> roots = {c.advance(prev, base)};
  const auto expect_new = [&](const Writes& w, const crypto::Hash32& p, const char* what) {
    EXPECT_TRUE(roots.insert(c.advance(p, w)).second) << what;
  };
  expect_new(base, filled(8), "previous root");
  {
    Writes w = base;
    w[Bytes{0x01, 0xaa}] = b("balancf");
    expect_new(w, prev, "value byte");
  }
  {
    Writes w = base;
    w[Bytes{0x01, 0xaa}] = b("balance!");
    expect_new(w, prev, "value length");
  }
  {
    Writes w = base;
    w[Bytes{0x01, 0xaa}] = std::nullopt;
    expect_new(w, prev, "value -> deletion");
  }
  {
    Writes w = base;
    w[Bytes{0x01, 0xbb}] = Bytes{};
    expect_new(w, prev, "deletion -> empty value");
  }
  {
    Writes w = base;
    w.erase(Bytes{0x01, 0xbb});
    expect_new(w, prev, "deletion dropped");
  }
  {
    Writes w = base;
    auto node = w.extract(Bytes{0x01, 0xaa});
    node.key() = Bytes{0x01, 0xab};
    w.insert(std::move(node));
    expect_new(w, prev, "key byte");
  }
  {
    Writes w = base;
    w[Bytes{0x02}] = b("extra");
    expect_new(w, prev, "extra write");
  }
}

TEST(Commitment, KeyValueBoundariesAreUnambiguous) {
  // ("ab" -> "c") and ("a" -> "bc") must not collide: lengths are prefixed.
  const WriteLogCommitment c;
  Writes x, y;
  x[b("ab")] = b("c");
  y[b("a")] = b("bc");
  EXPECT_NE(c.advance({}, x), c.advance({}, y));
}

TEST(Commitment, ChainsThroughBlocks) {
  const WriteLogCommitment c;
  Writes w1, w2;
  w1[b("a")] = b("1");
  w2[b("b")] = b("2");
  const crypto::Hash32 g = c.advance({}, w1);
  const crypto::Hash32 r = c.advance(g, w2);
  // Applying the same writes in other blocks gives another history, another root.
  EXPECT_NE(r, c.advance(c.advance({}, w2), w1));
  Writes merged = w1;
  merged.insert(w2.begin(), w2.end());
  EXPECT_NE(r, c.advance({}, merged));
}

TEST(Commitment, UsableThroughTheInterface) {
  const WriteLogCommitment impl;
  const StateCommitment& iface = impl;
  EXPECT_EQ(iface.advance({}, sample_writes()), impl.advance({}, sample_writes()));
}

TEST(Prefixes, NumbersAreFrozen) {
  EXPECT_EQ(static_cast<int>(Prefix::kChain), 0x00);
  EXPECT_EQ(static_cast<int>(Prefix::kAccount), 0x01);
}

}  // namespace
}  // namespace telco::state
