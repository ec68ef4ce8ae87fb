// Exponential backoff with jitter for redialing a peer: the n-th consecutive failure waits a
// uniformly random time in [d/2, d] with d = min(max, base * 2^n) ("equal jitter"), so many
// nodes that lost the same peer do not redial it in lockstep. The random source is injected,
// so tests and simulations are reproducible. No Asio.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>

namespace telco::p2p {

// Returns uniformly distributed 64-bit values.
using RandomSource = std::function<std::uint64_t()>;

class Backoff {
 public:
  using Duration = std::chrono::milliseconds;
  Backoff(Duration base, Duration max) : base_(base), max_(max) {}

  // The wait before the next attempt; each call counts one more failure.
  Duration next(const RandomSource& random);
  void reset() { failures_ = 0; }
  std::uint32_t failures() const { return failures_; }

 private:
  Duration base_;
  Duration max_;
  std::uint32_t failures_ = 0;
};

}  // namespace telco::p2p
