// The machine's Ed25519 verification bound, measured in the same run as the load.
//
// The node checks every transaction's signature exactly once; on a machine with c cores it
// can never finalize more than c x (verifications per second per core) transactions per
// second. Measuring that bound right before the load phase, on the same machine and in the
// same conditions, turns "finalized tx/s" into a ratio that means something across machines.
#pragma once

#include <cstddef>

namespace telco::bench {

struct VerifyRate {
  double per_s = 0;           // all threads together
  double per_s_per_core = 0;  // per_s / threads
  unsigned threads = 0;
  std::size_t message_bytes = 0;
  double seconds = 0;
};

// One thread per core (threads = 0: std::thread::hardware_concurrency()), each verifying a
// valid signature over a ~150-byte message (the size of a signed transfer's signing bytes)
// with libsodium's crypto_sign_verify_detached, for about `seconds`.
VerifyRate measure_verify_rate(double seconds, unsigned threads = 0);

}  // namespace telco::bench
