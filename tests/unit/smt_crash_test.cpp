// Crash safety of the state tree: a writer process committing blocks (state writes, tree
// nodes, stale index and pruning in one RocksDB batch each) is killed with SIGKILL at a
// random instant, four times over the same store. Every restart must find a whole version
// at the head: the tree root equals the header's, the tree holds exactly the flat state,
// proofs verify, and writing continues from there. The writer is a fork()ed child; this
// binary holds this one test so that no RocksDB thread exists in the parent at fork time.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <thread>

#include "smt_store_fixture.h"
#include "test_chain.h"

namespace telco {
namespace {

constexpr std::uint32_t kKeySpace = 3'000;

// Runs in the child. Writes one byte to `ready` once the reopened store checked out, then
// commits until killed. Returns an exit code only on failure.
int writer(const std::filesystem::path& dir, int round, int ready) {
  try {
    std::mt19937_64 rng(1'000 + round);
    storage::StoreOptions options;
    options.sync = false;              // more commits per second; SIGKILL loses no OS buffers
    options.state_versions_kept = 4;   // pruning runs in the batches being interrupted
    auto store = storage::Store::open(dir, options);
    if (!store->head()) {
      test::init_empty_chain(*store, test::random_writes(rng, kKeySpace, 2'000));
    } else if (!test::check_store_consistent(*store, kKeySpace).empty()) {
      return 3;
    }
    const char byte = 1;
    if (write(ready, &byte, 1) != 1) return 5;
    for (;;) test::commit_state_block(*store, test::random_writes(rng, kKeySpace, 300));
  } catch (...) {
    return 4;
  }
}

TEST(SmtCrash, KilledWriterAlwaysLeavesAWholeVersion) {
  test::TempDir dir;
  std::mt19937_64 rng(std::random_device{}());
  for (int round = 0; round < 4; ++round) {
    int fds[2];
    ASSERT_EQ(pipe(fds), 0);
    const pid_t pid = fork();
    ASSERT_GE(pid, 0);
    if (pid == 0) {
      close(fds[0]);
      _exit(writer(dir.path(), round, fds[1]));
    }
    close(fds[1]);
    char byte = 0;
    const ssize_t got = read(fds[0], &byte, 1);
    close(fds[0]);
    if (got != 1) {
      int status = 0;
      waitpid(pid, &status, 0);
      FAIL() << "round " << round << ": writer failed its restart check, exit status " << WEXITSTATUS(status);
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(30 + rng() % 400));
    ASSERT_EQ(kill(pid, SIGKILL), 0);
    int status = 0;
    ASSERT_EQ(waitpid(pid, &status, 0), pid);
    ASSERT_TRUE(WIFSIGNALED(status)) << "round " << round << ": writer stopped by itself, status " << status;
  }
  auto store = storage::Store::open(dir.path(), {});
  ASSERT_TRUE(store->head());
  EXPECT_GT(store->head()->height, 0u);
  EXPECT_EQ(test::check_store_consistent(*store, kKeySpace), "");
  const std::uint64_t head = store->head()->height;
  std::printf("head at height %llu after 4 kills\n", static_cast<unsigned long long>(head));
  test::commit_state_block(*store, {{test::smt_key(1), Bytes{1}}});
  EXPECT_EQ(store->head()->height, head + 1);
  EXPECT_EQ(test::check_store_consistent(*store, kKeySpace), "");
}

}  // namespace
}  // namespace telco
