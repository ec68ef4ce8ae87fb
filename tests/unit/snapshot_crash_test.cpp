// Crash safety of a snapshot restore: a restoring process (storage restore_* through
// node::SnapshotRestorer) is killed with SIGKILL at random instants, over and over, on the
// same store. After every kill the store has no head (no half state that looks whole) or
// the whole restored state; each restart resumes from the chunks already stored, and the
// end result is the original state exactly. The restorer is a fork()ed child; this binary
// holds this one test so that no RocksDB thread exists in the parent at fork time.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <map>
#include <random>
#include <thread>

#include "node/snapshot_restore.h"
#include "state/memory_node_store.h"
#include "state/snapshot.h"
#include "state/tree.h"
#include "test_chain.h"

namespace telco {
namespace {

constexpr state::Version kHeight = 3;
constexpr std::uint32_t kKeys = 6'000;

Bytes key_of(std::uint32_t n) {
  Bytes k = {0x01};
  for (int i = 0; i < 4; ++i) k.push_back(static_cast<std::uint8_t>(n >> (8 * i)));
  return k;
}

// The same snapshot in every process: a deterministic tree, cut into many small chunks.
struct Source {
  state::MemoryNodeStore nodes;
  std::map<std::size_t, Bytes> chunks;
  node::SnapshotFiles files;

  Source() {
    std::mt19937_64 rng(42);
    std::optional<state::Version> base;
    for (state::Version v = 0; v <= kHeight; ++v) {
      state::Writes w;
      for (std::uint32_t n = 0; n < kKeys / 2; ++n)
        w[key_of(static_cast<std::uint32_t>(rng() % kKeys))] = Bytes(12, static_cast<std::uint8_t>(v + n));
      nodes.write(state::apply_writes(nodes, base, v, w));
      base = v;
    }
    auto m = state::export_snapshot(
        nodes, kHeight, [&](std::size_t i, const Bytes& b) { chunks.emplace(i, b); }, 512);
    files.manifest = *m;
    files.header.chain_id = "telco-crash";
    files.header.height = kHeight;
    files.header.state_root = m->state_root;
    files.commit = chain::Commit{kHeight, 0, files.header.hash(), {}};
  }
};

std::unique_ptr<storage::Store> open_store(const std::filesystem::path& dir) {
  storage::StoreOptions o;
  o.sync = false;  // SIGKILL loses no OS buffers; restore_finish syncs anyway
  return storage::Store::open(dir, o);
}

// In the child: resume the restore and run it to the end, signalling once started.
int restorer(const std::filesystem::path& dir, int ready) {
  try {
    const Source source;
    auto store = open_store(dir);
    if (store->head()) return 0;
    node::SnapshotRestorer r(*store, crypto::Hash32{}, source.files);
    const char byte = 1;
    if (write(ready, &byte, 1) != 1) return 5;
    for (const auto& [i, bytes] : source.chunks) {
      if (r.needed(i) && r.add_chunk(i, bytes) != state::SnapshotFailure::kNone) return 3;
    }
    r.finish();
    return 0;
  } catch (...) {
    return 4;
  }
}

// What the parent may find after a kill: nothing whole, or everything.
void check_after_kill(const std::filesystem::path& dir, const Source& source, bool* finished) {
  auto store = open_store(dir);
  const auto head = store->head();
  if (!head) {
    EXPECT_TRUE(store->restore_manifest().has_value() || store->restore_chunks_done().empty());
    return;
  }
  *finished = true;
  EXPECT_EQ(head->height, kHeight);
  EXPECT_EQ(head->state_root, source.files.manifest.state_root);
  EXPECT_EQ(state::root_hash_at(*store, kHeight), source.files.manifest.state_root);
  std::size_t leaves = 0;
  EXPECT_TRUE(state::for_each_leaf(*store, kHeight, [&](ByteView k, ByteView v) {
    ++leaves;
    EXPECT_EQ(store->get(k), Bytes(v.begin(), v.end()));
    EXPECT_EQ(state::get_at(source.nodes, kHeight, k), std::optional<Bytes>(Bytes(v.begin(), v.end())));
  }));
  EXPECT_EQ(leaves, source.files.manifest.total_keys);
  for (std::uint32_t n = 0; n < kKeys; ++n) {
    EXPECT_EQ(store->get(key_of(n)), *state::get_at(source.nodes, kHeight, key_of(n))) << n;
  }
}

TEST(SnapshotCrash, KilledRestoreNeverLeavesHalfAStateAndResumes) {
  test::TempDir dir;
  const Source source;
  ASSERT_GT(source.chunks.size(), 50u);
  std::mt19937_64 rng(std::random_device{}());
  bool finished = false;
  int rounds = 0;
  for (; rounds < 40 && !finished; ++rounds) {
    int fds[2];
    ASSERT_EQ(pipe(fds), 0);
    const pid_t pid = fork();
    ASSERT_GE(pid, 0);
    if (pid == 0) {
      close(fds[0]);
      _exit(restorer(dir.path(), fds[1]));
    }
    close(fds[1]);
    char byte = 0;
    const bool started = read(fds[0], &byte, 1) == 1;
    close(fds[0]);
    if (started) std::this_thread::sleep_for(std::chrono::microseconds(rng() % 60'000));
    kill(pid, SIGKILL);
    int status = 0;
    waitpid(pid, &status, 0);
    if (WIFEXITED(status)) {
      ASSERT_EQ(WEXITSTATUS(status), 0) << "the restorer failed in round " << rounds;
    }
    check_after_kill(dir.path(), source, &finished);
  }
  if (!finished) {
    // Never let it finish under the kills: one last uninterrupted run must.
    auto store = open_store(dir.path());
    node::SnapshotRestorer r(*store, crypto::Hash32{}, source.files);
    EXPECT_GT(r.chunks_done(), 0u) << "the kills left nothing to resume";
    for (const auto& [i, bytes] : source.chunks) {
      if (r.needed(i)) {
        ASSERT_EQ(r.add_chunk(i, bytes), state::SnapshotFailure::kNone);
      }
    }
    r.finish();
    store.reset();
    check_after_kill(dir.path(), source, &finished);
  }
  EXPECT_TRUE(finished);
  std::printf("restore killed %d times before it finished\n", rounds);
}

}  // namespace
}  // namespace telco
