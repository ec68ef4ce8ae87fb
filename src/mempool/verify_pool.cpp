#include "mempool/verify_pool.h"

#include <algorithm>
#include <atomic>

namespace telco::mempool {

VerifyPool::VerifyPool(std::size_t threads) {
  for (std::size_t i = 0; i < threads; ++i) threads_.emplace_back([this] { worker(); });
}

VerifyPool::~VerifyPool() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  cv_.notify_all();
  for (std::thread& t : threads_) t.join();
}

void VerifyPool::worker() {
  for (;;) {
    std::function<void()> task;
    {
      std::unique_lock lock(mutex_);
      cv_.wait(lock, [this] { return stopping_ || !tasks_.empty(); });
      if (tasks_.empty()) return;
      task = std::move(tasks_.front());
      tasks_.pop_front();
    }
    task();
  }
}

void VerifyPool::run(std::size_t n, const std::function<void(std::size_t)>& job) {
  // Small batches are cheaper on the caller's thread than a hand-off.
  constexpr std::size_t kChunkMin = 16;
  if (threads_.empty() || n < 2 * kChunkMin) {
    for (std::size_t i = 0; i < n; ++i) job(i);
    return;
  }
  const std::size_t parts = std::min(threads_.size() + 1, n / kChunkMin);
  const std::size_t chunk = (n + parts - 1) / parts;
  std::atomic<std::size_t> remaining{parts - 1};
  std::mutex done_mutex;
  std::condition_variable done_cv;
  {
    std::lock_guard lock(mutex_);
    for (std::size_t p = 1; p < parts; ++p) {
      const std::size_t begin = p * chunk;
      const std::size_t end = std::min(n, begin + chunk);
      tasks_.emplace_back([&, begin, end] {
        for (std::size_t i = begin; i < end; ++i) job(i);
        if (remaining.fetch_sub(1) == 1) {
          std::lock_guard done_lock(done_mutex);
          done_cv.notify_one();
        }
      });
    }
  }
  cv_.notify_all();
  for (std::size_t i = 0; i < std::min(n, chunk); ++i) job(i);
  std::unique_lock lock(done_mutex);
  done_cv.wait(lock, [&] { return remaining.load() == 0; });
}

}  // namespace telco::mempool
