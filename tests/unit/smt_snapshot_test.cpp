// State snapshots (state/snapshot.h): export cuts a tree into chunks under a prefix cover,
// the manifest recombines to the root, every chunk verifies alone, every tampered byte is
// refused, and a restore rebuilds a tree with the same root and the same stored shape (so
// blocks applied on top give the same roots as on the original).
#include <gtest/gtest.h>

#include <map>
#include <random>

#include "state/commitment.h"
#include "state/memory_node_store.h"
#include "state/smt_hash.h"
#include "state/snapshot.h"
#include "state/tree.h"

namespace telco::state {
namespace {

Bytes key_of(std::uint32_t n) {
  Bytes k = {0x01};
  for (int i = 0; i < 4; ++i) k.push_back(static_cast<std::uint8_t>(n >> (8 * i)));
  return k;
}

struct Tree {
  MemoryNodeStore nodes;
  std::map<Bytes, Bytes, BytesLess> model;
  Version version = 0;
  bool started = false;

  void commit(const Writes& w) {
    const std::optional<Version> base = started ? std::optional<Version>(version) : std::nullopt;
    const Version next = started ? version + 1 : 0;
    nodes.write(apply_writes(nodes, base, next, w));
    version = next;
    started = true;
    for (const auto& [k, v] : w) {
      if (v) {
        model[k] = *v;
      } else {
        model.erase(k);
      }
    }
  }
};

Writes random_writes(std::mt19937_64& rng, std::uint32_t key_space, int count, std::size_t value_max = 40) {
  Writes w;
  for (int i = 0; i < count; ++i) {
    const Bytes k = key_of(static_cast<std::uint32_t>(rng() % key_space));
    if (rng() % 5 == 0) {
      w[k] = std::nullopt;
    } else {
      w[k] = Bytes(1 + rng() % value_max, static_cast<std::uint8_t>(rng()));
    }
  }
  return w;
}

struct Exported {
  SnapshotManifest manifest;
  std::map<std::size_t, Bytes> chunks;
};

Exported export_all(const NodeReader& nodes, Version v, std::size_t target) {
  Exported e;
  auto m = export_snapshot(
      nodes, v, [&](std::size_t i, const Bytes& b) { e.chunks.emplace(i, b); }, target);
  EXPECT_TRUE(m.has_value());
  e.manifest = *m;
  return e;
}

// Restores into a fresh node store; returns it.
MemoryNodeStore restore_all(const Exported& e) {
  MemoryNodeStore out;
  TreeUpdate u;
  u.version = e.manifest.height;
  std::map<std::size_t, SnapshotLeaf> lone;
  for (const auto& [i, bytes] : e.chunks) {
    SnapshotChunk chunk, again;
    EXPECT_EQ(verify_chunk(e.manifest.entries[i], bytes, &chunk), SnapshotFailure::kNone) << "chunk " << i;
    if (chunk.leaves.size() == 1) lone.emplace(i, chunk.leaves[0]);
    std::vector<std::pair<Bytes, Bytes>> nodes;
    EXPECT_EQ(verify_chunk_nodes(e.manifest.entries[i], e.manifest.height, bytes, &again, &nodes),
              SnapshotFailure::kNone);
    EXPECT_EQ(again, chunk);
    EXPECT_EQ(nodes, chunk_nodes(e.manifest.height, chunk));
    for (auto& n : nodes) u.new_nodes.push_back(std::move(n));
  }
  TreeUpdate upper = upper_nodes(e.manifest, [&](std::size_t i) { return lone.at(i); });
  EXPECT_EQ(upper.root_hash, e.manifest.state_root);
  for (auto& n : upper.new_nodes) u.new_nodes.push_back(std::move(n));
  u.root_hash = upper.root_hash;
  out.write(u);
  return out;
}

std::map<Bytes, Bytes, BytesLess> leaves_of(const NodeReader& nodes, Version v) {
  std::map<Bytes, Bytes, BytesLess> out;
  EXPECT_TRUE(for_each_leaf(nodes, v, [&](ByteView k, ByteView val) {
    out.emplace(Bytes(k.begin(), k.end()), Bytes(val.begin(), val.end()));
  }));
  return out;
}

TEST(SmtSnapshot, RoundTripAtManyTargetsAndSizes) {
  std::mt19937_64 rng(7);
  for (std::uint32_t keys : {0u, 1u, 2u, 3u, 17u, 300u, 4'000u}) {
    Tree t;
    Writes w;
    for (std::uint32_t n = 0; n < keys; ++n)
      w[key_of(n)] = Bytes(1 + rng() % 60, static_cast<std::uint8_t>(n));
    t.commit(w);
    t.commit(random_writes(rng, keys + 10, static_cast<int>(keys / 3 + 1)));
    const crypto::Hash32 root = *root_hash_at(t.nodes, t.version);
    for (std::size_t target :
         {std::size_t{64}, std::size_t{2'000}, std::size_t{50'000}, kSnapshotChunkBytesTarget}) {
      SCOPED_TRACE("keys " + std::to_string(keys) + " target " + std::to_string(target));
      const Exported e = export_all(t.nodes, t.version, target);
      EXPECT_EQ(e.manifest.state_root, root);
      EXPECT_EQ(e.manifest.total_keys, t.model.size());
      EXPECT_EQ(verify_manifest(e.manifest, e.manifest.height, root), SnapshotFailure::kNone);
      auto decoded = decode_manifest(e.manifest.encode());
      ASSERT_TRUE(decoded);
      EXPECT_EQ(*decoded, e.manifest);
      for (const auto& [i, bytes] : e.chunks) {
        EXPECT_LE(bytes.size(),
                  std::max<std::size_t>(target, 8 + kStateKeyBytesMax + kStateValueBytesMax + 64));
        auto chunk = decode_chunk(bytes);
        ASSERT_TRUE(chunk);
        EXPECT_EQ(chunk->encode(), bytes);
      }
      MemoryNodeStore restored = restore_all(e);
      EXPECT_EQ(root_hash_at(restored, t.version), root);
      EXPECT_EQ(leaves_of(restored, t.version), t.model);
      // Same stored shape: the next block gives the same root and the same nodes on both.
      const Writes next = random_writes(rng, keys + 10, 25);
      const TreeUpdate a = apply_writes(t.nodes, t.version, t.version + 1, next);
      const TreeUpdate b = apply_writes(restored, t.version, t.version + 1, next);
      EXPECT_EQ(a.root_hash, b.root_hash);
      EXPECT_EQ(a.new_nodes.size(), b.new_nodes.size());
      // And proofs from the restored tree verify against the trusted root.
      for (std::uint32_t n = 0; n < keys + 10; n += 7) {
        auto vp = get_with_proof(restored, t.version, key_of(n));
        ASSERT_TRUE(vp);
        const std::optional<ByteView> claim = vp->value ? std::optional<ByteView>(*vp->value) : std::nullopt;
        EXPECT_EQ(verify_proof(root, key_of(n), claim, vp->proof), ProofFailure::kNone);
      }
    }
  }
}

TEST(SmtSnapshot, SmallTargetCutsIntoManyChunks) {
  std::mt19937_64 rng(11);
  Tree t;
  Writes w;
  for (std::uint32_t n = 0; n < 20'000; ++n) w[key_of(n)] = Bytes(16, static_cast<std::uint8_t>(n));
  t.commit(w);
  const Exported e = export_all(t.nodes, t.version, 16 * 1024);
  EXPECT_GT(e.chunks.size(), 16u);
  for (const auto& [i, bytes] : e.chunks) EXPECT_LE(bytes.size(), 16u * 1024);
  EXPECT_EQ(verify_manifest(e.manifest, e.manifest.height, *root_hash_at(t.nodes, t.version)),
            SnapshotFailure::kNone);
}

TEST(SmtSnapshot, EveryTamperedChunkByteIsRefused) {
  std::mt19937_64 rng(3);
  Tree t;
  Writes w;
  for (std::uint32_t n = 0; n < 600; ++n) w[key_of(n)] = Bytes(1 + rng() % 30, static_cast<std::uint8_t>(n));
  t.commit(w);
  const Exported e = export_all(t.nodes, t.version, 1'500);
  ASSERT_GT(e.chunks.size(), 4u);
  std::size_t checked = 0;
  for (const auto& [i, bytes] : e.chunks) {
    for (std::size_t pos = 0; pos < bytes.size(); ++pos) {
      for (std::uint8_t flip : {std::uint8_t{0x01}, std::uint8_t{0x80}}) {
        Bytes bad = bytes;
        bad[pos] ^= flip;
        SnapshotChunk out;
        EXPECT_NE(verify_chunk(e.manifest.entries[i], bad, &out), SnapshotFailure::kNone)
            << "chunk " << i << " byte " << pos;
        std::vector<std::pair<Bytes, Bytes>> nodes;
        EXPECT_NE(verify_chunk_nodes(e.manifest.entries[i], e.manifest.height, bad, &out, &nodes),
                  SnapshotFailure::kNone);
        ++checked;
      }
    }
    // Truncated, extended, or another entry's chunk.
    SnapshotChunk out;
    EXPECT_NE(verify_chunk(e.manifest.entries[i], ByteView(bytes).first(bytes.size() - 1), &out),
              SnapshotFailure::kNone);
    Bytes longer = bytes;
    longer.push_back(0);
    EXPECT_NE(verify_chunk(e.manifest.entries[i], longer, &out), SnapshotFailure::kNone);
    for (const auto& [j, other] : e.chunks) {
      if (j != i) {
        EXPECT_NE(verify_chunk(e.manifest.entries[i], other, &out), SnapshotFailure::kNone);
      }
    }
  }
  EXPECT_GT(checked, 1'000u);
}

TEST(SmtSnapshot, EveryTamperedManifestByteIsRefusedBeforeOrAtItsChunks) {
  std::mt19937_64 rng(5);
  Tree t;
  Writes w;
  for (std::uint32_t n = 0; n < 300; ++n) w[key_of(n)] = Bytes(1 + rng() % 30, static_cast<std::uint8_t>(n));
  t.commit(w);
  const crypto::Hash32 root = *root_hash_at(t.nodes, t.version);
  const Exported e = export_all(t.nodes, t.version, 1'000);
  const Bytes bytes = e.manifest.encode();
  for (std::size_t pos = 0; pos < bytes.size(); ++pos) {
    Bytes bad = bytes;
    bad[pos] ^= 0x01;
    auto m = decode_manifest(bad);
    if (!m) continue;
    if (verify_manifest(*m, t.version, root) != SnapshotFailure::kNone) continue;
    // Key counts and chunk sizes are not part of the root; a lie there is caught by the
    // chunk it describes (and blamed on who offered that manifest).
    bool caught = false;
    for (const auto& [i, chunk] : e.chunks) {
      SnapshotChunk out;
      if (verify_chunk(m->entries[i], chunk, &out) != SnapshotFailure::kNone) caught = true;
    }
    for (std::size_t i = 0; i < m->entries.size(); ++i) {
      if (m->entries[i].keys > 0 && !e.chunks.contains(i)) caught = true;
    }
    EXPECT_TRUE(caught) << "manifest byte " << pos;
  }
}

TEST(SmtSnapshot, ManifestThatIsNotACoverIsRefused) {
  Tree t;
  Writes w;
  for (std::uint32_t n = 0; n < 2'000; ++n) w[key_of(n)] = Bytes(8, static_cast<std::uint8_t>(n));
  t.commit(w);
  const crypto::Hash32 root = *root_hash_at(t.nodes, t.version);
  const Exported e = export_all(t.nodes, t.version, 2'000);
  ASSERT_GT(e.manifest.entries.size(), 16u);
  SnapshotManifest dropped = e.manifest;
  dropped.entries.erase(dropped.entries.begin() + 3);
  EXPECT_NE(verify_manifest(dropped, dropped.height, root), SnapshotFailure::kNone);
  SnapshotManifest swapped = e.manifest;
  std::swap(swapped.entries[1], swapped.entries[2]);
  EXPECT_NE(verify_manifest(swapped, swapped.height, root), SnapshotFailure::kNone);
  SnapshotManifest duplicated = e.manifest;
  duplicated.entries.insert(duplicated.entries.begin() + 5, duplicated.entries[5]);
  EXPECT_NE(verify_manifest(duplicated, duplicated.height, root), SnapshotFailure::kNone);
  EXPECT_EQ(verify_manifest(e.manifest, e.manifest.height, smt::empty_hash()),
            SnapshotFailure::kRootMismatch);
  EXPECT_EQ(verify_manifest(e.manifest, e.manifest.height + 1, root), SnapshotFailure::kWrongHeight);
}

TEST(SmtSnapshot, PrunedVersionIsNotExported) {
  Tree t;
  Writes w;
  w[key_of(1)] = Bytes{1};
  t.commit(w);
  EXPECT_FALSE(export_snapshot(t.nodes, 5, [](std::size_t, const Bytes&) {}).has_value());
}

}  // namespace
}  // namespace telco::state
