// The pre-signed load: every transaction is signed and encoded before the measurement
// starts, so the load generator spends nothing but socket writes while it measures.
//
// Transaction i (0 <= i < txs) is a bank.transfer of `amount` uTEL from bench account
// s = i mod N to account (s + 1) mod N, with nonce start_nonce[s] + i div N: round-robin
// over the senders, each sender's nonces consecutive. The node admits a sender's nonces only
// in order, so each sender is pinned to one connection (s mod C) and each connection sends
// its batches one after another: nothing is ever reordered between a sender's transactions.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "bench_keys.h"
#include "crypto/hash.h"

namespace telco::bench {

struct WorkloadSpec {
  std::string chain_id;
  std::uint64_t fee = 0;
  std::uint64_t amount = 1;
  std::size_t accounts = 0;   // N, bench accounts 0..N-1
  std::size_t txs = 0;
  std::size_t batch_txs = 0;  // transactions per request at most
  std::size_t connections = 1;
  std::vector<std::uint64_t> start_nonces;  // per account: the nonce its first tx carries
  unsigned threads = 0;                     // signing threads; 0 = one per core
};

// One POST /v1/txs request: a canonical list<Transaction> (u32 LE count, then each
// transaction's canonical encoding back to back) and the ids of the transactions in it.
struct Batch {
  std::string body;
  std::vector<std::uint32_t> tx_ids;
};

struct Workload {
  std::vector<std::vector<Batch>> batches;  // [connection][send order]
  std::vector<crypto::Hash32> hashes;       // by transaction id
  std::size_t tx_bytes = 0;                 // encoded size of one transaction
  std::size_t batch_count() const;
};

// Throws std::invalid_argument on an inconsistent spec.
Workload build_workload(const WorkloadSpec& spec, const Progress& progress = {});

}  // namespace telco::bench
