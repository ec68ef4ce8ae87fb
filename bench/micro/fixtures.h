// Shared inputs of the microbenchmarks: deterministic keys, a genesis funding them, signed
// transfers, an in-memory state view and a temporary directory. Everything is built once
// per process and reused, so the timed loops measure only the operation under test.
#pragma once

#include <filesystem>
#include <map>
#include <random>
#include <string>
#include <vector>

#include "chain/genesis.h"
#include "chain/transaction.h"
#include "crypto/address.h"
#include "exec/executor.h"
#include "modules/bank/transfer.h"
#include "state/state_view.h"

namespace telco::bench::micro {

inline constexpr std::uint64_t kMinFee = 1'000;

inline crypto::KeyPair key(std::uint64_t n) {
  crypto::Seed seed{};
  for (int i = 0; i < 8; ++i) seed[i] = static_cast<std::uint8_t>(n >> (8 * i));
  seed[31] = 0xb7;  // keeps these apart from any other test's keys
  return crypto::KeyPair::from_seed(seed);
}

// Validator key 0; `accounts` funded senders with keys 1..accounts.
struct Chain {
  chain::Genesis genesis;
  std::vector<crypto::KeyPair> keys;  // keys[i] is account i's key
  std::vector<crypto::Address> addresses;
};

inline Chain make_chain(std::size_t accounts) {
  Chain c;
  c.genesis.chain_id = "telco-bench";
  c.genesis.genesis_time_ms = 1'700'000'000'000;
  c.genesis.params.max_block_txs = 100'000;
  c.genesis.params.max_block_bytes = 16 * 1024 * 1024;
  c.genesis.params.max_pending_per_sender = 100'000;
  c.genesis.validators.push_back({"v0", key(0).public_key(), 1});
  for (std::size_t i = 0; i < accounts; ++i) {
    c.keys.push_back(key(i + 1));
    c.addresses.push_back(crypto::Address::from_public_key(c.keys.back().public_key()));
    c.genesis.accounts.push_back({c.addresses.back(), 1'000'000'000'000});
  }
  return c;
}

inline chain::Transaction transfer(const Chain& c, std::size_t from, std::size_t to, std::uint64_t nonce) {
  chain::Transaction tx;
  tx.chain_id = c.genesis.chain_id;
  tx.nonce = nonce;
  tx.fee = kMinFee;
  tx.payload = modules::bank::Transfer{c.addresses[to], 1, {}}.to_payload();
  tx.sign(c.keys[from]);
  return tx;
}

// n transfers round-robin over every account (as the load generator sends them): sender
// i mod N with nonce i div N, to the next account.
inline std::vector<chain::Transaction> transfers(const Chain& c, std::size_t n) {
  std::vector<chain::Transaction> txs;
  txs.reserve(n);
  const std::size_t accounts = c.keys.size();
  for (std::size_t i = 0; i < n; ++i) txs.push_back(transfer(c, i % accounts, (i + 1) % accounts, i / accounts));
  return txs;
}

class MapView final : public state::StateView {
 public:
  std::optional<Bytes> get(ByteView key) const override {
    auto it = values_.find(key);
    if (it == values_.end()) return std::nullopt;
    return it->second;
  }
  void apply(const state::Writes& writes) {
    for (const auto& [k, v] : writes) {
      if (v) values_[k] = *v; else values_.erase(k);
    }
  }

 private:
  std::map<Bytes, Bytes, BytesLess> values_;
};

class TempDir {
 public:
  TempDir() {
    std::random_device rd;
    path_ = std::filesystem::temp_directory_path() / ("telco-microbench-" + std::to_string(rd()) + std::to_string(rd()));
    std::filesystem::create_directories(path_);
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

// CheckedTx views of txs, as the mempool hands them to the executor.
inline std::vector<exec::CheckedTx> checked(const std::vector<chain::Transaction>& txs) {
  std::vector<exec::CheckedTx> out;
  out.reserve(txs.size());
  for (const auto& tx : txs) {
    const Bytes encoded = tx.encode();
    out.push_back({&tx, crypto::blake2b_256(encoded), encoded.size()});
  }
  return out;
}

}  // namespace telco::bench::micro
