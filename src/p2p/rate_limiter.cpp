#include "p2p/rate_limiter.h"

#include <algorithm>
#include <cmath>

namespace telco::p2p {

TokenBucket::TokenBucket(double rate_per_second, double burst, Clock::time_point now)
    : rate_(rate_per_second), burst_(std::max(burst, 1.0)), tokens_(burst_), last_(now) {}

void TokenBucket::refill(Clock::time_point now) {
  if (now <= last_) return;
  const double elapsed = std::chrono::duration<double>(now - last_).count();
  tokens_ = std::min(burst_, tokens_ + elapsed * rate_);
  last_ = now;
}

void TokenBucket::consume(double amount, Clock::time_point now) {
  if (unlimited()) return;
  refill(now);
  tokens_ -= amount;
}

TokenBucket::Clock::duration TokenBucket::wait_time(Clock::time_point now) {
  if (unlimited()) return Clock::duration::zero();
  refill(now);
  if (tokens_ >= 0) return Clock::duration::zero();
  const auto wait = std::chrono::duration<double>(-tokens_ / rate_);
  return std::chrono::ceil<Clock::duration>(wait);
}

double TokenBucket::tokens(Clock::time_point now) {
  refill(now);
  return tokens_;
}

}  // namespace telco::p2p
