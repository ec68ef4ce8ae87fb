// Restoring a node's store from a snapshot (node/snapshot_restore.h, storage restore_*):
// the snapshot is believed only with a header whose commit a quorum signed; the restored
// store has the original state root, flat state equal to the tree, a head at the snapshot
// height that blocks build on; an interrupted restore leaves no head and resumes (or is
// wiped) cleanly; the snapshot directory round-trips; the wire messages round-trip.
#include <gtest/gtest.h>

#include <map>

#include "light_fixture.h"
#include "node/snapshot_files.h"
#include "node/snapshot_messages.h"
#include "node/snapshot_restore.h"
#include "smt_store_fixture.h"
#include "state/snapshot.h"
#include "test_chain.h"

namespace telco::node {
namespace {

using light::testing::TestChain;

constexpr std::uint64_t kHeights = 12;

// A chain whose state has many keys beyond the fixture's one per block.
struct BigChain {
  TestChain chain{kHeights};
  std::map<std::size_t, Bytes> chunks;
  SnapshotFiles files;

  explicit BigChain(std::uint64_t height, std::size_t target = 2'000) {
    auto m = state::export_snapshot(
        chain.nodes, height, [&](std::size_t i, const Bytes& b) { chunks.emplace(i, b); }, target);
    files = {*m, chain.at(height).header, chain.at(height).commit};
  }
};

std::unique_ptr<storage::Store> open_store(const std::filesystem::path& dir) {
  storage::StoreOptions o;
  o.sync = false;
  o.state_versions_kept = 4;
  return storage::Store::open(dir, o);
}

TEST(NodeSnapshot, VerifiesOnlyWithAQuorumCommitOfThisChain) {
  BigChain b(8, 200);
  EXPECT_EQ(verify_snapshot(b.chain.genesis, b.files), "");
  {
    SnapshotFiles f = b.files;
    f.commit = light::testing::sign_commit({0, 1}, 8, f.header.hash());  // 2 of 4: no quorum
    EXPECT_NE(verify_snapshot(b.chain.genesis, f), "");
  }
  {
    SnapshotFiles f = b.files;
    f.header.state_root[0] ^= 1;  // a root the validators never signed
    f.manifest.state_root = f.header.state_root;
    EXPECT_NE(verify_snapshot(b.chain.genesis, f), "");
  }
  {
    SnapshotFiles f = b.files;
    f.manifest.state_root[0] ^= 1;  // manifest of another state
    EXPECT_NE(verify_snapshot(b.chain.genesis, f), "");
  }
  {
    SnapshotFiles f = b.files;
    f.manifest.entries.back().hash[0] ^= 1;  // cover that does not recombine to the root
    EXPECT_NE(verify_snapshot(b.chain.genesis, f), "");
  }
  {
    chain::Genesis other = b.chain.genesis;
    other.chain_id = "telco-other";
    EXPECT_NE(verify_snapshot(other, b.files), "");
  }
}

void restore_chunks(SnapshotRestorer& r, const std::map<std::size_t, Bytes>& chunks,
                    std::size_t limit = SIZE_MAX) {
  std::size_t n = 0;
  for (const auto& [i, bytes] : chunks) {
    if (n == limit) return;
    if (!r.needed(i)) continue;
    ASSERT_EQ(r.add_chunk(i, bytes), state::SnapshotFailure::kNone);
    ++n;
  }
}

void expect_restored(const storage::Store& store, const TestChain& chain, std::uint64_t height) {
  const auto head = store.head();
  ASSERT_TRUE(head);
  EXPECT_EQ(head->height, height);
  EXPECT_EQ(head->hash, chain.at(height).header.hash());
  EXPECT_EQ(head->state_root, chain.at(height).header.state_root);
  EXPECT_EQ(state::root_hash_at(store, height), chain.at(height).header.state_root);
  EXPECT_EQ(store.state_oldest_version(), height);
  EXPECT_EQ(store.header(height)->hash(), chain.at(height).header.hash());
  EXPECT_EQ(store.commit(height)->encode(), chain.at(height).commit.encode());
  // Flat state = tree = the original state, key by key.
  std::map<Bytes, Bytes> original;
  state::for_each_leaf(chain.nodes, height, [&](ByteView k, ByteView v) {
    original.emplace(Bytes(k.begin(), k.end()), Bytes(v.begin(), v.end()));
  });
  std::size_t seen = 0;
  state::for_each_leaf(store, height, [&](ByteView k, ByteView v) {
    const Bytes key(k.begin(), k.end());
    EXPECT_EQ(original.at(key), Bytes(v.begin(), v.end()));
    EXPECT_EQ(store.get(key), Bytes(v.begin(), v.end()));
    ++seen;
  });
  EXPECT_EQ(seen, original.size());
  for (std::uint32_t n = 0; n <= kHeights + 2; ++n) {
    const Bytes key = light::testing::user_key(n);
    EXPECT_EQ(store.get(key).has_value(), original.contains(key)) << n;
  }
}

TEST(NodeSnapshot, RestoreEqualsTheOriginalAndBlocksBuildOnIt) {
  BigChain b(9, 64);
  ASSERT_GT(b.chunks.size(), 3u);
  test::TempDir dir;
  auto store = open_store(dir.path());
  SnapshotRestorer r(*store, b.chain.genesis.hash(), b.files);
  EXPECT_EQ(r.chunks_total(), b.chunks.size());
  restore_chunks(r, b.chunks);
  ASSERT_TRUE(r.complete());
  r.finish();
  expect_restored(*store, b.chain, 9);
  EXPECT_FALSE(store->restore_manifest());
  EXPECT_EQ(*store->genesis_hash(), b.chain.genesis.hash());
  // The next block's state builds on the restored version, and pruning works from there.
  for (std::uint64_t h = 10; h < 20; ++h) {
    state::Writes w;
    w[light::testing::user_key(static_cast<std::uint32_t>(100 + h))] = Bytes{1, 2, 3};
    const storage::Head parent = *store->head();
    const state::TreeUpdate tree = state::advance_tree(*store, h, parent.state_root, w);
    chain::Block block;
    block.header.chain_id = light::testing::kChainId;
    block.header.height = h;
    block.header.time_ms = parent.time_ms + 1;
    block.header.prev_hash = parent.hash;
    block.header.state_root = tree.root_hash;
    const crypto::Hash32 hash = block.header.hash();
    const chain::Commit commit{h, 0, hash, {}};
    store->commit_block({block, hash, {}, {}, commit, w, {}}, tree);
  }
  EXPECT_EQ(store->head()->height, 19u);
  EXPECT_EQ(store->state_oldest_version(), 16u);
  EXPECT_FALSE(state::root_hash_at(*store, 9));
}

TEST(NodeSnapshot, InterruptedRestoreLeavesNoHeadAndResumes) {
  BigChain b(7, 64);
  ASSERT_GT(b.chunks.size(), 3u);
  test::TempDir dir;
  {
    auto store = open_store(dir.path());
    SnapshotRestorer r(*store, b.chain.genesis.hash(), b.files);
    restore_chunks(r, b.chunks, b.chunks.size() / 2);
  }  // the process goes away here
  {
    auto store = open_store(dir.path());
    EXPECT_FALSE(store->head());  // no half state that looks whole
    EXPECT_TRUE(store->restore_manifest());
    const state::Writes genesis;
    EXPECT_THROW(store->init_genesis(b.chain.genesis.hash(), genesis, state::genesis_tree(genesis), 1),
                 storage::StorageError);
    SnapshotRestorer r(*store, b.chain.genesis.hash(), b.files);
    EXPECT_EQ(r.chunks_done(), b.chunks.size() / 2);
    restore_chunks(r, b.chunks);
    r.finish();
    expect_restored(*store, b.chain, 7);
  }
}

TEST(NodeSnapshot, InterruptedRestoreOfAnotherSnapshotIsWiped) {
  BigChain older(5, 64);
  BigChain newer(10, 64);
  test::TempDir dir;
  {
    auto store = open_store(dir.path());
    SnapshotRestorer r(*store, older.chain.genesis.hash(), older.files);
    restore_chunks(r, older.chunks, older.chunks.size() - 1);
  }
  auto store = open_store(dir.path());
  SnapshotRestorer r(*store, newer.chain.genesis.hash(), newer.files);
  EXPECT_EQ(r.chunks_done(), 0u);
  restore_chunks(r, newer.chunks);
  r.finish();
  expect_restored(*store, newer.chain, 10);
  // Nothing of the abandoned one is left: height 5's tree is gone.
  EXPECT_FALSE(state::root_hash_at(*store, 5));
}

TEST(NodeSnapshot, AbandonedRestoreLetsGenesisStart) {
  BigChain b(6, 64);
  test::TempDir dir;
  auto store = open_store(dir.path());
  {
    SnapshotRestorer r(*store, b.chain.genesis.hash(), b.files);
    restore_chunks(r, b.chunks, 2);
  }
  store->restore_abandon();
  EXPECT_FALSE(store->restore_manifest());
  for (std::uint32_t n = 0; n <= kHeights; ++n) EXPECT_FALSE(store->get(light::testing::user_key(n)));
  test::init_empty_chain(*store, {});
  EXPECT_EQ(test::check_store_consistent(*store, 100), "");
}

TEST(NodeSnapshot, BadChunkWritesNothing) {
  BigChain b(6, 64);
  test::TempDir dir;
  auto store = open_store(dir.path());
  SnapshotRestorer r(*store, b.chain.genesis.hash(), b.files);
  const auto& [index, bytes] = *b.chunks.begin();
  Bytes bad = bytes;
  bad.back() ^= 0x40;
  EXPECT_NE(r.add_chunk(index, bad), state::SnapshotFailure::kNone);
  EXPECT_TRUE(r.needed(index));
  EXPECT_TRUE(store->restore_chunks_done().empty());
  EXPECT_EQ(r.add_chunk(index, bytes), state::SnapshotFailure::kNone);
}

TEST(NodeSnapshot, ExportedDirectoryRestoresIntoAFreshStore) {
  // A store with history, exported at a height inside the window, restored elsewhere.
  test::TempDir source_dir, out_dir, target_dir;
  auto source = open_store(source_dir.path());
  std::mt19937_64 rng(9);
  test::init_empty_chain(*source, test::random_writes(rng, 2'000, 1'500));
  for (int i = 0; i < 6; ++i) test::commit_state_block(*source, test::random_writes(rng, 2'000, 200));
  const std::uint64_t height = 5;
  const SnapshotFiles exported = export_snapshot_dir(*source, height, out_dir.path() / "s", 4'096);
  EXPECT_THROW(export_snapshot_dir(*source, 1, out_dir.path() / "t"), std::runtime_error);  // pruned (kept 4)
  const SnapshotFiles loaded = load_snapshot_dir(out_dir.path() / "s");
  EXPECT_EQ(loaded.manifest, exported.manifest);
  EXPECT_EQ(loaded.header.hash(), source->header(height)->hash());
  auto target = open_store(target_dir.path());
  SnapshotRestorer r(*target, *source->genesis_hash(), loaded);
  for (std::size_t i = 0; i < loaded.manifest.entries.size(); ++i) {
    if (!r.needed(i)) continue;
    auto bytes = read_snapshot_chunk(out_dir.path() / "s", i);
    ASSERT_TRUE(bytes);
    ASSERT_EQ(r.add_chunk(i, *bytes), state::SnapshotFailure::kNone);
  }
  r.finish();
  EXPECT_EQ(target->head()->state_root, source->header(height)->state_root);
  for (std::uint32_t n = 0; n < 2'000; ++n) {
    EXPECT_EQ(state::get_at(*target, height, test::smt_key(n)),
              state::get_at(*source, height, test::smt_key(n)));
  }
  EXPECT_TRUE(list_snapshot_dirs(out_dir.path()).empty());  // "s" is not a height: only numeric names count
  std::filesystem::rename(out_dir.path() / "s", out_dir.path() / "5");
  const auto dirs = list_snapshot_dirs(out_dir.path());
  ASSERT_EQ(dirs.size(), 1u);
  EXPECT_EQ(dirs[0].first, 5u);
}

TEST(NodeSnapshot, WireMessagesRoundTrip) {
  using namespace snapshot_wire;
  BigChain b(4, 64);
  const std::vector<Message> messages = {
      OffersRequest{},
      Offers{{Offer{4, b.files.manifest.hash(), 3, 17}, Offer{8, {}, 1, 2}}},
      ManifestRequest{4},
      ManifestResponse{b.files.manifest, b.files.header, b.files.commit},
      ChunkRequest{4, 2},
      ChunkResponse{4, 2, b.chunks.begin()->second},
      Unavailable{4, kManifestIndex},
  };
  for (const Message& m : messages) {
    const Bytes bytes = encode(m);
    auto decoded = decode(bytes);
    ASSERT_TRUE(decoded) << "kind " << int(bytes[0]);
    EXPECT_EQ(encode(*decoded), bytes);
    if (bytes.size() > 1) {
      EXPECT_FALSE(decode(ByteView(bytes).first(bytes.size() - 1)));
    }
    Bytes longer = bytes;
    longer.push_back(0);
    EXPECT_FALSE(decode(longer));
  }
  EXPECT_FALSE(decode(Bytes{}));
  EXPECT_FALSE(decode(Bytes{0}));
  EXPECT_FALSE(decode(Bytes{8}));
  EXPECT_FALSE(decode(encode(ChunkResponse{4, 2, {}})));  // an empty chunk is never sent
}

}  // namespace
}  // namespace telco::node
