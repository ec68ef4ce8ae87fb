// A fixed pool of threads that runs batches of independent jobs (signature checks) and
// returns when all are done. Signature verification is the node's dominant CPU cost, so it
// is the one piece of admission spread over every core.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace telco::mempool {

class VerifyPool {
 public:
  explicit VerifyPool(std::size_t threads);
  ~VerifyPool();
  VerifyPool(const VerifyPool&) = delete;
  VerifyPool& operator=(const VerifyPool&) = delete;

  // Runs job(i) for every i in [0, n), split into chunks over the workers and the calling
  // thread; returns when all have finished. Jobs must not throw.
  void run(std::size_t n, const std::function<void(std::size_t)>& job);

 private:
  void worker();

  std::mutex mutex_;
  std::condition_variable cv_;
  std::deque<std::function<void()>> tasks_;
  bool stopping_ = false;
  std::vector<std::thread> threads_;
};

}  // namespace telco::mempool
