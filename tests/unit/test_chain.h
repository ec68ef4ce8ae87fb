// Shared fixtures for tests that need a chain: deterministic keys, a genesis funding them,
// signed transfers, a temporary directory, and an in-memory state view.
#pragma once

#include <filesystem>
#include <map>
#include <random>
#include <string>

#include "chain/genesis.h"
#include "chain/transaction.h"
#include "crypto/address.h"
#include "modules/bank/transfer.h"
#include "state/state_view.h"

namespace telco::test {

inline crypto::KeyPair key(std::uint8_t n) {
  crypto::Seed seed{};
  seed.fill(n);
  return crypto::KeyPair::from_seed(seed);
}

inline crypto::Address addr(std::uint8_t n) { return crypto::Address::from_public_key(key(n).public_key()); }

// Validator key 0; accounts 1..accounts funded with `balance` uTEL each.
inline chain::Genesis make_genesis(int accounts = 4, std::uint64_t balance = 1'000'000'000) {
  chain::Genesis g;
  g.chain_id = "telco-test";
  g.genesis_time_ms = 1'700'000'000'000;
  g.validators.push_back({"v0", key(0).public_key(), 10});
  for (int i = 1; i <= accounts; ++i) g.accounts.push_back({addr(static_cast<std::uint8_t>(i)), balance});
  return g;
}

inline chain::Transaction transfer(std::uint8_t from, const crypto::Address& to, std::uint64_t amount,
                                   std::uint64_t nonce, std::uint64_t fee = 1'000,
                                   const std::string& chain_id = "telco-test") {
  chain::Transaction tx;
  tx.chain_id = chain_id;
  tx.nonce = nonce;
  tx.fee = fee;
  tx.payload = modules::bank::Transfer{to, amount, {}}.to_payload();
  tx.sign(key(from));
  return tx;
}

class MapView final : public state::StateView {
 public:
  std::optional<Bytes> get(ByteView key) const override {
    auto it = values.find(Bytes(key.begin(), key.end()));
    if (it == values.end()) return std::nullopt;
    return it->second;
  }
  void apply(const state::Writes& writes) {
    for (const auto& [k, v] : writes) {
      if (v) values[k] = *v; else values.erase(k);
    }
  }
  std::map<Bytes, Bytes> values;
};

class TempDir {
 public:
  TempDir() {
    std::random_device rd;
    path_ = std::filesystem::temp_directory_path() / ("telco-test-" + std::to_string(rd()) + std::to_string(rd()));
    std::filesystem::create_directories(path_);
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

}  // namespace telco::test
