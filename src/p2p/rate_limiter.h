// Token buckets for a peer's inbound budget (bytes/s and messages/s). A bucket holds up to
// `burst` tokens, refills at `rate` per second, and may go into debt by what was already
// received; the connection then stops reading until the debt is repaid. A peer over budget is
// slowed, not punished: TCP pushes the cost back to it (its send queues fill and drop).
// The clock is passed in, so tests are exact. No Asio.
#pragma once

#include <chrono>

namespace telco::p2p {

class TokenBucket {
 public:
  using Clock = std::chrono::steady_clock;

  // rate_per_second <= 0 means unlimited (never in debt).
  TokenBucket(double rate_per_second, double burst, Clock::time_point now);

  void consume(double amount, Clock::time_point now);
  // How long until the bucket is out of debt; zero when it is not in debt.
  Clock::duration wait_time(Clock::time_point now);
  double tokens(Clock::time_point now);
  bool unlimited() const { return rate_ <= 0; }

 private:
  void refill(Clock::time_point now);

  double rate_;
  double burst_;
  double tokens_;
  Clock::time_point last_;
};

}  // namespace telco::p2p
