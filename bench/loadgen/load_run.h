// `telco-bench run`: one measured load run against a live node.
//
//   1. GET /v1/status (chain id, minimum fee) and each bench account's pending nonce;
//   2. pre-sign every transaction (workload.h) before anything is measured;
//   3. measure the machine's Ed25519 verification rate on all cores (verify_rate.h);
//   4. subscribe to /v1/events, then submit the batches on C kept-alive connections, paced
//      at a target rate or flat out, never more than `window` transactions unresolved;
//   5. stop when every transaction is finalized or rejected, at the time limit, or when
//      nothing has been finalized for a while; report (report.h).
// Every phase is bounded; an unreachable node is a clear error before any work is done.
#pragma once

#include <cstddef>
#include <cstdint>
#include <stdexcept>

#include "http_client.h"
#include "report.h"

namespace telco::bench {

inline constexpr std::size_t kRunTxsMax = 2'000'000;
inline constexpr std::size_t kRunAccountsMax = 1'000'000;
inline constexpr std::size_t kConnectionsMax = 64;
inline constexpr std::size_t kBatchTxsMax = 10'000;  // the API's per-request limit
inline constexpr double kDurationMaxS = 3600;

struct RunOptions {
  Endpoint node;
  std::size_t accounts = 100;
  std::size_t txs = 10'000;
  double rate = 0;              // tx/s; 0 = flat out
  std::size_t batch = 0;        // txs per request; 0 = 1,000 flat out, rate/50 paced
  std::size_t connections = 4;
  double duration_max_s = 120;  // load phase, from the first request
  double stall_s = 30;          // stop after this long with nothing finalized and nothing left to send
  std::size_t window = 0;       // unresolved txs at most; 0 = 3/4 of the node's mempool
  double verify_seconds = 2;
  unsigned threads = 0;         // signing and verify threads; 0 = one per core
  int node_pid = 0;             // if set, the node's CPU time and RSS are reported
  std::uint64_t amount = 1;     // uTEL per transfer
};

// A run that cannot start (node unreachable, accounts unfunded, bad options): the message
// says what to do.
class RunError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

RunReport run_load(const RunOptions& options);

}  // namespace telco::bench
