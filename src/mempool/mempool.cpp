#include "mempool/mempool.h"

#include <unordered_set>

#include "modules/bank/account.h"
#include "util/checked.h"

namespace telco::mempool {

using chain::ResultCode;

Mempool::Mempool(const exec::Executor& executor, const state::StateView& committed, const MempoolConfig& config)
    : executor_(executor), committed_(committed), config_(config), verify_pool_(config.verify_threads) {}

std::vector<Admission> Mempool::submit(std::vector<chain::Transaction> txs) {
  const std::size_t n = txs.size();
  std::vector<std::shared_ptr<PendingTx>> entries(n);
  std::vector<ResultCode> verdicts(n, ResultCode::kOk);
  // Phase 1, no lock, on every core: encode, hash, stateless rules, signature.
  verify_pool_.run(n, [&](std::size_t i) {
    auto e = std::make_shared<PendingTx>();
    e->tx = std::move(txs[i]);
    const Bytes encoded = e->tx.encode();
    e->hash = crypto::blake2b_256(encoded);
    e->encoded_bytes = encoded.size();
    ResultCode code = executor_.check_stateless(e->tx, encoded.size());
    if (code == ResultCode::kOk && !e->tx.verify_signature()) code = ResultCode::kBadSignature;
    if (code == ResultCode::kOk) {
      e->sender = e->tx.sender_address();
      e->cost = executor_.max_cost(e->tx);
    }
    verdicts[i] = code;
    entries[i] = std::move(e);
  });
  // Phase 2, under the lock, in request order so a client's nonce sequence is kept.
  std::vector<Admission> out(n);
  bool admitted_any = false;
  {
    std::lock_guard lock(mutex_);
    for (std::size_t i = 0; i < n; ++i) {
      out[i].hash = entries[i]->hash;
      ResultCode code = verdicts[i];
      if (code == ResultCode::kOk) code = admit_locked(entries[i]);
      if (code != ResultCode::kOk) remember_rejection_locked(entries[i]->hash, code);
      out[i].code = code;
      admitted_any |= code == ResultCode::kOk;
    }
  }
  if (admitted_any) pending_cv_.notify_all();
  return out;
}

ResultCode Mempool::admit_locked(std::shared_ptr<PendingTx> e) {
  if (by_hash_.count(e->hash)) return ResultCode::kDuplicate;
  auto it = senders_.find(e->sender);
  const bool has_queue = it != senders_.end() && !it->second.txs.empty();
  // Reads committed state under the mempool lock; the committing thread updates the
  // mempool right after each block, so the two views differ for at most one block.
  std::optional<modules::bank::Account> account;
  std::uint64_t expected = 0;
  if (has_queue) {
    expected = it->second.txs.back()->tx.nonce + 1;
  } else {
    account = modules::bank::load_account(committed_, e->sender);
    expected = account->nonce;
  }
  if (e->tx.nonce < expected) return ResultCode::kNonceTooLow;
  if (e->tx.nonce > expected) return ResultCode::kNonceTooHigh;
  if (has_queue && it->second.txs.size() >= executor_.genesis().params.max_pending_per_sender) {
    return ResultCode::kSenderQueueFull;
  }
  if (!account) account = modules::bank::load_account(committed_, e->sender);
  std::uint64_t needed = e->cost;
  if (has_queue && !checked_add(needed, it->second.reserved, &needed)) return ResultCode::kCannotPayFee;
  if (account->balance < needed) return ResultCode::kCannotPayFee;
  if (by_hash_.size() >= config_.txs_max || bytes_ + e->encoded_bytes > config_.bytes_max) {
    return ResultCode::kMempoolFull;
  }
  if (it == senders_.end()) it = senders_.emplace(e->sender, SenderQueue{}).first;
  SenderQueue& q = it->second;
  if (q.txs.empty()) q.order = sender_order_.insert(sender_order_.end(), e->sender);
  q.reserved = needed;
  q.txs.push_back(e);
  bytes_ += e->encoded_bytes;
  by_hash_.emplace(e->hash, std::move(e));
  return ResultCode::kOk;
}

void Mempool::remember_rejection_locked(const crypto::Hash32& hash, ResultCode code) {
  if (config_.rejections_remembered == 0) return;
  if (rejected_.insert_or_assign(hash, code).second) rejected_order_.push_back(hash);
  while (rejected_order_.size() > config_.rejections_remembered) {
    rejected_.erase(rejected_order_.front());
    rejected_order_.pop_front();
  }
}

std::vector<std::shared_ptr<const PendingTx>> Mempool::reap(std::size_t txs_max, std::size_t bytes_max) const {
  // Rounds of at most kPerRound per sender keep one busy sender from filling every block.
  constexpr std::size_t kPerRound = 64;
  std::vector<std::shared_ptr<const PendingTx>> out;
  std::lock_guard lock(mutex_);
  out.reserve(std::min(txs_max, by_hash_.size()));
  std::size_t bytes = 0;
  std::unordered_map<crypto::Address, std::size_t> taken;
  bool progress = true;
  while (progress && out.size() < txs_max) {
    progress = false;
    for (const crypto::Address& sender : sender_order_) {
      const SenderQueue& q = senders_.at(sender);
      std::size_t& next = taken[sender];
      for (std::size_t k = 0; k < kPerRound && next < q.txs.size() && out.size() < txs_max; ++k) {
        const auto& e = q.txs[next];
        if (bytes + e->encoded_bytes > bytes_max) return out;
        bytes += e->encoded_bytes;
        out.push_back(e);
        ++next;
        progress = true;
      }
    }
  }
  return out;
}

void Mempool::drop_sender_locked(const crypto::Address& sender, ResultCode why) {
  auto it = senders_.find(sender);
  if (it == senders_.end()) return;
  for (const auto& e : it->second.txs) {
    bytes_ -= e->encoded_bytes;
    remember_rejection_locked(e->hash, why);
    by_hash_.erase(e->hash);
  }
  if (!it->second.txs.empty()) sender_order_.erase(it->second.order);
  senders_.erase(it);
}

void Mempool::revalidate_sender_locked(const crypto::Address& sender) {
  auto it = senders_.find(sender);
  if (it == senders_.end()) return;
  SenderQueue& q = it->second;
  const modules::bank::Account account = modules::bank::load_account(committed_, sender);
  while (!q.txs.empty() && q.txs.front()->tx.nonce < account.nonce) {
    const auto& e = q.txs.front();
    bytes_ -= e->encoded_bytes;
    by_hash_.erase(e->hash);
    q.txs.pop_front();
  }
  if (q.txs.empty()) {
    sender_order_.erase(q.order);
    senders_.erase(it);
    return;
  }
  if (q.txs.front()->tx.nonce != account.nonce) {
    drop_sender_locked(sender, ResultCode::kNonceTooHigh);
    return;
  }
  std::uint64_t reserved = 0;
  for (const auto& e : q.txs) {
    if (!checked_add(reserved, e->cost, &reserved)) reserved = UINT64_MAX;
  }
  q.reserved = reserved;
}

void Mempool::on_block_committed(const std::vector<crypto::Hash32>& included,
                                 const std::vector<std::pair<crypto::Hash32, ResultCode>>& invalid) {
  std::lock_guard lock(mutex_);
  std::unordered_set<crypto::Address> touched;
  for (const crypto::Hash32& h : included) {
    auto it = by_hash_.find(h);
    if (it != by_hash_.end()) touched.insert(it->second->sender);
  }
  for (const auto& [h, code] : invalid) {
    auto it = by_hash_.find(h);
    if (it == by_hash_.end()) continue;
    // Later nonces of this sender can no longer apply: drop them all with the reason.
    const crypto::Address sender = it->second->sender;
    drop_sender_locked(sender, code);
    touched.erase(sender);
  }
  for (const crypto::Address& sender : touched) revalidate_sender_locked(sender);
}

std::shared_ptr<const PendingTx> Mempool::find(const crypto::Hash32& hash) const {
  std::lock_guard lock(mutex_);
  auto it = by_hash_.find(hash);
  return it == by_hash_.end() ? nullptr : it->second;
}

std::optional<ResultCode> Mempool::rejection(const crypto::Hash32& hash) const {
  std::lock_guard lock(mutex_);
  auto it = rejected_.find(hash);
  if (it == rejected_.end()) return std::nullopt;
  return it->second;
}

SenderState Mempool::sender(const crypto::Address& address) const {
  std::lock_guard lock(mutex_);
  auto it = senders_.find(address);
  if (it == senders_.end() || it->second.txs.empty()) return {};
  return {static_cast<std::uint32_t>(it->second.txs.size()), it->second.txs.back()->tx.nonce + 1};
}

std::size_t Mempool::size() const {
  std::lock_guard lock(mutex_);
  return by_hash_.size();
}

std::size_t Mempool::bytes() const {
  std::lock_guard lock(mutex_);
  return bytes_;
}

bool Mempool::wait_for_pending(std::chrono::steady_clock::time_point deadline) const {
  std::unique_lock lock(mutex_);
  pending_cv_.wait_until(lock, deadline, [this] { return !by_hash_.empty(); });
  return !by_hash_.empty();
}

void Mempool::wake_waiters() { pending_cv_.notify_all(); }

}  // namespace telco::mempool
