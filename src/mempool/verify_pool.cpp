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
  constexpr std::size_t kChunk = 16;
  if (threads_.empty() || n < 2 * kChunk) {
    for (std::size_t i = 0; i < n; ++i) job(i);
    return;
  }
  // Workers and the caller take chunks from a shared counter until none is left, so no core
  // idles while another still holds a large static share (signature times vary with load).
  std::atomic<std::size_t> next{0};
  const auto drain = [&] {
    for (std::size_t begin = next.fetch_add(kChunk); begin < n; begin = next.fetch_add(kChunk)) {
      const std::size_t end = std::min(n, begin + kChunk);
      for (std::size_t i = begin; i < end; ++i) job(i);
    }
  };
  const std::size_t helpers = std::min(threads_.size(), n / kChunk - 1);
  // `running` changes only under done_mutex: a helper that counted itself out still holds
  // the lock while it notifies, so this frame (mutex, condition) outlives its last use.
  std::size_t running = helpers;
  std::mutex done_mutex;
  std::condition_variable done_cv;
  {
    std::lock_guard lock(mutex_);
    for (std::size_t h = 0; h < helpers; ++h) {
      tasks_.emplace_back([&] {
        drain();
        std::lock_guard done_lock(done_mutex);
        if (--running == 0) done_cv.notify_one();
      });
    }
  }
  cv_.notify_all();
  drain();
  std::unique_lock lock(done_mutex);
  done_cv.wait(lock, [&] { return running == 0; });
}

}  // namespace telco::mempool
