// Transactions waiting for a block. Bounded by count and bytes; every signature checked
// exactly once, on admission, across a worker pool; per sender, transactions are kept in
// contiguous nonce order starting at the sender's committed nonce, so the proposer can take
// them as they are.
//
// Admission of one transaction, in order (first failure wins, with its stable code):
//   stateless rules (exec::Executor::check_stateless) -> signature -> duplicate ->
//   nonce == next expected for the sender -> balance covers the fees and spends of every
//   pending transaction of the sender plus this one -> room in the pool.
// Rejections are remembered (bounded) so a client can ask why its transaction vanished.
//
// Thread safety: all methods may be called concurrently.
#pragma once

#include <chrono>
#include <condition_variable>
#include <deque>
#include <list>
#include <memory>
#include <mutex>
#include <optional>
#include <unordered_map>
#include <vector>

#include "exec/executor.h"
#include "mempool/verify_pool.h"

namespace telco::mempool {

struct MempoolConfig {
  std::size_t txs_max = 200'000;
  std::size_t bytes_max = 64 << 20;
  std::size_t verify_threads = 2;
  std::size_t rejections_remembered = 100'000;
};

struct PendingTx {
  chain::Transaction tx;
  crypto::Hash32 hash{};
  std::size_t encoded_bytes = 0;
  crypto::Address sender;
  std::uint64_t cost = 0;  // fee + most the payload can spend
};

struct Admission {
  crypto::Hash32 hash{};
  chain::ResultCode code = chain::ResultCode::kOk;
};

struct SenderState {
  std::uint32_t pending = 0;
  std::optional<std::uint64_t> next_nonce;  // set when the sender has pending transactions
};

class Mempool {
 public:
  Mempool(const exec::Executor& executor, const state::StateView& committed, const MempoolConfig& config);

  std::vector<Admission> submit(std::vector<chain::Transaction> txs);

  // Up to the limits, senders interleaved in arrival order, each sender's in nonce order.
  std::vector<std::shared_ptr<const PendingTx>> reap(std::size_t txs_max, std::size_t bytes_max) const;

  // After a block is durable: drop what it included, drop what the proposer found invalid
  // (with the reason), and drop any sender queue that no longer starts at its nonce.
  void on_block_committed(const std::vector<crypto::Hash32>& included,
                          const std::vector<std::pair<crypto::Hash32, chain::ResultCode>>& invalid);

  std::shared_ptr<const PendingTx> find(const crypto::Hash32& hash) const;
  std::optional<chain::ResultCode> rejection(const crypto::Hash32& hash) const;
  SenderState sender(const crypto::Address& address) const;
  std::size_t size() const;
  std::size_t bytes() const;
  const MempoolConfig& config() const { return config_; }

  // Blocks until a transaction is pending or the deadline passes; true if any is pending.
  bool wait_for_pending(std::chrono::steady_clock::time_point deadline) const;
  void wake_waiters();

 private:
  struct SenderQueue {
    std::deque<std::shared_ptr<const PendingTx>> txs;
    std::uint64_t reserved = 0;  // sum of cost over txs (saturating)
    std::list<crypto::Address>::iterator order;  // this sender's place in sender_order_
  };
  chain::ResultCode admit_locked(std::shared_ptr<PendingTx> entry);
  void remember_rejection_locked(const crypto::Hash32& hash, chain::ResultCode code);
  void drop_sender_locked(const crypto::Address& sender, chain::ResultCode why);
  void revalidate_sender_locked(const crypto::Address& sender);

  const exec::Executor& executor_;
  const state::StateView& committed_;
  const MempoolConfig config_;
  VerifyPool verify_pool_;

  mutable std::mutex mutex_;
  mutable std::condition_variable pending_cv_;
  std::unordered_map<crypto::Hash32, std::shared_ptr<const PendingTx>, crypto::Hash32Hasher> by_hash_;
  std::unordered_map<crypto::Address, SenderQueue> senders_;
  std::list<crypto::Address> sender_order_;  // senders with pending txs, by first arrival
  std::size_t bytes_ = 0;
  std::unordered_map<crypto::Hash32, chain::ResultCode, crypto::Hash32Hasher> rejected_;
  std::deque<crypto::Hash32> rejected_order_;
};

}  // namespace telco::mempool
