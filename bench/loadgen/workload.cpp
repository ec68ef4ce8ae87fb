#include "workload.h"

#include <algorithm>
#include <atomic>
#include <cstring>
#include <optional>
#include <stdexcept>
#include <thread>

#include "chain/transaction.h"
#include "modules/bank/transfer.h"

namespace telco::bench {
namespace {

chain::Transaction make_transfer(const WorkloadSpec& spec, const crypto::Address& to, std::uint64_t nonce) {
  chain::Transaction tx;
  tx.chain_id = spec.chain_id;
  tx.nonce = nonce;
  tx.fee = spec.fee;
  tx.payload = modules::bank::Transfer{to, spec.amount, {}}.to_payload();
  return tx;
}

// Runs job(begin, end) over [0, n) in chunks on `threads` threads (the caller included).
template <class Job>
void parallel_chunks(std::size_t n, std::size_t chunk, unsigned threads, const Job& job) {
  std::atomic<std::size_t> next{0};
  auto work = [&] {
    for (;;) {
      const std::size_t begin = next.fetch_add(chunk);
      if (begin >= n) return;
      job(begin, std::min(n, begin + chunk));
    }
  };
  std::vector<std::thread> pool;
  for (unsigned t = 1; t < threads; ++t) pool.emplace_back(work);
  work();
  for (auto& t : pool) t.join();
}

}  // namespace

std::size_t Workload::batch_count() const {
  std::size_t n = 0;
  for (const auto& c : batches) n += c.size();
  return n;
}

Workload build_workload(const WorkloadSpec& spec, const Progress& progress) {
  const std::size_t n_accounts = spec.accounts;
  if (n_accounts == 0 || spec.txs == 0 || spec.batch_txs == 0 || spec.connections == 0) {
    throw std::invalid_argument("workload needs accounts, txs, batch size and connections above zero");
  }
  if (spec.start_nonces.size() != n_accounts) throw std::invalid_argument("one start nonce per account is needed");
  if (spec.txs > UINT32_MAX) throw std::invalid_argument("too many transactions for one workload");
  const unsigned threads = spec.threads ? spec.threads : std::max(1u, std::thread::hardware_concurrency());

  // Keys first (one scalar multiplication each), then recipients' addresses.
  std::vector<std::optional<crypto::KeyPair>> keys(n_accounts);
  std::vector<crypto::Address> addresses(n_accounts);
  parallel_chunks(n_accounts, 256, threads, [&](std::size_t begin, std::size_t end) {
    for (std::size_t s = begin; s < end; ++s) {
      keys[s].emplace(bench_key(s));
      addresses[s] = crypto::Address::from_public_key(keys[s]->public_key());
    }
  });

  // Every bench transfer encodes to the same size (fixed-width integers, same chain id,
  // empty memo), so each transaction's place in its batch body is known before signing and
  // the signing threads can write straight into the bodies.
  Workload w;
  w.tx_bytes = make_transfer(spec, addresses[0], 0).encode().size();
  const std::size_t conns = std::min(spec.connections, n_accounts);
  w.batches.resize(conns);
  std::vector<char*> slot(spec.txs);
  {
    std::vector<std::vector<std::uint32_t>> per_conn(conns);
    for (std::size_t i = 0; i < spec.txs; ++i) per_conn[(i % n_accounts) % conns].push_back(static_cast<std::uint32_t>(i));
    for (std::size_t c = 0; c < conns; ++c) {
      const auto& ids = per_conn[c];
      for (std::size_t first = 0; first < ids.size(); first += spec.batch_txs) {
        const std::size_t count = std::min(spec.batch_txs, ids.size() - first);
        Batch b;
        b.tx_ids.assign(ids.begin() + static_cast<std::ptrdiff_t>(first),
                        ids.begin() + static_cast<std::ptrdiff_t>(first + count));
        b.body.assign(4 + count * w.tx_bytes, '\0');
        for (int k = 0; k < 4; ++k) b.body[k] = static_cast<char>((count >> (8 * k)) & 0xff);
        w.batches[c].push_back(std::move(b));
      }
    }
    // Bodies are final now (no more reallocation): record where each transaction goes.
    for (auto& conn : w.batches) {
      for (auto& b : conn) {
        for (std::size_t p = 0; p < b.tx_ids.size(); ++p) slot[b.tx_ids[p]] = b.body.data() + 4 + p * w.tx_bytes;
      }
    }
  }

  w.hashes.resize(spec.txs);
  std::atomic<std::size_t> done{0};
  std::atomic<bool> size_mismatch{false};
  parallel_chunks(spec.txs, 512, threads, [&](std::size_t begin, std::size_t end) {
    for (std::size_t i = begin; i < end; ++i) {
      const std::size_t s = i % n_accounts;
      chain::Transaction tx = make_transfer(spec, addresses[(s + 1) % n_accounts], spec.start_nonces[s] + i / n_accounts);
      tx.sign(*keys[s]);
      const Bytes encoded = tx.encode();
      if (encoded.size() != w.tx_bytes) {
        size_mismatch = true;
        return;
      }
      std::memcpy(slot[i], encoded.data(), encoded.size());
      w.hashes[i] = crypto::blake2b_256(encoded);
    }
    const std::size_t total = done.fetch_add(end - begin) + (end - begin);
    if (progress) progress(total);
  });
  if (size_mismatch) throw std::logic_error("bench transfers do not all encode to the same size");
  return w;
}

}  // namespace telco::bench
