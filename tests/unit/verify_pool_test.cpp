// VerifyPool: every job of a batch runs exactly once whatever the batch size and the pool
// size, run() returns only after all have finished, and many short batches in a row (the
// block-sync pattern) leave nothing running against a returned frame (ASan/UBSan in CI).
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <thread>
#include <vector>

#include "mempool/verify_pool.h"

namespace telco::mempool {
namespace {

TEST(VerifyPool, EveryJobRunsExactlyOnce) {
  for (const std::size_t threads : {0u, 1u, 3u}) {
    VerifyPool pool(threads);
    for (const std::size_t n : {0u, 1u, 31u, 32u, 33u, 1'000u, 100'000u}) {
      std::vector<std::atomic<int>> runs(n);
      pool.run(n, [&](std::size_t i) { runs[i].fetch_add(1, std::memory_order_relaxed); });
      for (std::size_t i = 0; i < n; ++i) ASSERT_EQ(runs[i].load(), 1) << "threads " << threads << " n " << n << " i " << i;
    }
  }
}

TEST(VerifyPool, ReturnsOnlyWhenAllJobsFinished) {
  VerifyPool pool(2);
  for (int round = 0; round < 2'000; ++round) {
    std::atomic<std::size_t> done{0};
    pool.run(64, [&](std::size_t) { done.fetch_add(1, std::memory_order_relaxed); });
    ASSERT_EQ(done.load(), 64u) << "round " << round;
  }
}

TEST(VerifyPool, UsesMoreThanTheCallingThread) {
  VerifyPool pool(2);
  std::atomic<int> others{0};
  const auto caller = std::this_thread::get_id();
  pool.run(4'096, [&](std::size_t) {
    if (std::this_thread::get_id() != caller) others.fetch_add(1, std::memory_order_relaxed);
    std::this_thread::sleep_for(std::chrono::microseconds(20));  // ~80 ms of work: workers wake in time
  });
  EXPECT_GT(others.load(), 0) << "a large batch is shared with the workers";
}

}  // namespace
}  // namespace telco::mempool
