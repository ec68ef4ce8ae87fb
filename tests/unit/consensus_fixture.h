// Shared helpers for the consensus unit tests: four equal validators (keys from fixed
// seeds), signed votes and proposals, and blocks that pass the engine's consensus checks.
#pragma once

#include <gtest/gtest.h>

#include <variant>

#include "consensus/engine.h"

namespace telco::consensus::testing {

inline constexpr char kChainId[] = "telco-test";
inline constexpr std::uint64_t kGenesisMs = 1'700'000'000'000;

inline crypto::KeyPair key(std::size_t i) {
  crypto::Seed seed{};
  seed.fill(static_cast<std::uint8_t>(0x20 + i));
  return crypto::KeyPair::from_seed(seed);
}

inline ValidatorSet make_set(std::vector<std::uint64_t> powers = {1, 1, 1, 1}) {
  std::vector<chain::GenesisValidator> g;
  for (std::size_t i = 0; i < powers.size(); ++i) g.push_back({"v" + std::to_string(i), key(i).public_key(), powers[i]});
  return *ValidatorSet::create(g);
}

inline HeightContext genesis_context(const ValidatorSet& set) {
  return HeightContext{1, set, std::nullopt, {}, {}, kGenesisMs};
}

// A block for height 1 that passes the engine's checks; `salt` makes distinct blocks.
inline chain::Block make_block(const ValidatorSet& set, std::uint64_t time_ms, std::uint8_t salt,
                               std::size_t proposer_index) {
  chain::Block b;
  b.header.chain_id = kChainId;
  b.header.height = 1;
  b.header.time_ms = time_ms;
  b.header.last_commit_hash = chain::Commit{}.hash();
  b.header.validators_hash = set.hash();
  b.header.proposer = crypto::Address::from_public_key(set.at(proposer_index).key);
  b.header.state_root[0] = salt;
  b.header.tx_root = chain::tx_root({});
  return b;
}

inline Vote vote(std::size_t signer, VoteType type, Round round, const Hash32& hash, std::uint64_t height = 1) {
  Vote v{type, height, round, hash, key(signer).public_key(), kGenesisMs + 10, {}};
  v.signature = key(signer).sign(v.signing_bytes(kChainId));
  return v;
}

inline Proposal proposal(std::size_t signer, Round round, Round pol, const chain::Block& block) {
  Proposal p{block.header.height, round, pol, block, {}};
  p.signature = key(signer).sign(p.signing_bytes(kChainId));
  return p;
}

template <typename T>
std::vector<T> all_of(const Actions& actions) {
  std::vector<T> out;
  for (const Action& a : actions) {
    if (const T* t = std::get_if<T>(&a)) out.push_back(*t);
  }
  return out;
}

template <typename T>
T only(const Actions& actions) {
  const auto found = all_of<T>(actions);
  EXPECT_EQ(found.size(), 1u);
  return found.empty() ? T{} : found.front();
}

}  // namespace telco::consensus::testing
