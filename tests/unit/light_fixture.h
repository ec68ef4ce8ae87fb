// A chain of real signed headers and commits for light-client tests and benchmarks: four
// validators (consensus_fixture.h keys), a real state tree (MemoryNodeStore) whose root
// every header carries, and optionally a validator-set hand-over at a chosen height,
// recorded in state exactly as light/validator_change.h expects.
#pragma once

#include <map>
#include <optional>
#include <vector>

#include "chain/genesis.h"
#include "consensus/validator_set.h"
#include "light/validator_change.h"
#include "light/wire.h"
#include "state/memory_node_store.h"
#include "state/tree.h"

namespace telco::light::testing {

inline constexpr char kChainId[] = "telco-test";
inline constexpr std::uint64_t kGenesisMs = 1'700'000'000'000;

inline crypto::KeyPair validator_key(std::size_t i) {
  crypto::Seed seed{};
  seed.fill(static_cast<std::uint8_t>(0x20 + i));
  return crypto::KeyPair::from_seed(seed);
}

inline Bytes user_key(std::uint32_t n) {
  Bytes k{0x01};
  for (int i = 0; i < 4; ++i) k.push_back(static_cast<std::uint8_t>(n >> (8 * i)));
  return k;
}

inline chain::Commit sign_commit(const std::vector<std::size_t>& signers, std::uint64_t height,
                                 const crypto::Hash32& block_hash, const std::string& chain_id = kChainId) {
  chain::Commit c{height, 0, block_hash, {}};
  for (std::size_t i : signers) {
    const std::uint64_t t = kGenesisMs + height * 1000 + 7;
    c.signatures.push_back({validator_key(i).public_key(), t,
                            validator_key(i).sign(chain::vote_signing_bytes(chain_id, chain::kVotePrecommit,
                                                                            height, 0, block_hash, t))});
  }
  return c;
}

struct TestChain {
  chain::Genesis genesis;
  state::MemoryNodeStore nodes;
  std::vector<SignedHeader> blocks;                              // blocks[i] is height i + 1
  std::map<std::uint64_t, std::vector<std::size_t>> signers_at;  // who signs each height
  std::optional<ValidatorSetChange> change;

  // `heights` blocks; block h writes user_key(h) = {h}. With change_at = h > 1, block h - 1
  // records the hand-over from validators 0..3 to 1..4 (0 leaves, 4 joins).
  explicit TestChain(std::uint64_t heights, std::optional<std::uint64_t> change_at = std::nullopt) {
    genesis.chain_id = kChainId;
    genesis.genesis_time_ms = kGenesisMs;
    for (std::size_t i = 0; i < 4; ++i)
      genesis.validators.push_back({"v" + std::to_string(i), validator_key(i).public_key(), 1});
    consensus::ValidatorSet set = *consensus::ValidatorSet::create(genesis.validators);
    const std::vector<consensus::ValidatorUpdate> updates = {{validator_key(0).public_key(), 0, "v0"},
                                                             {validator_key(4).public_key(), 1, "v4"}};
    const consensus::ValidatorSet next = *set.with_updates(updates);
    std::vector<std::size_t> signers = {0, 1, 2, 3};
    state::Writes w;
    w[user_key(0)] = Bytes{0};
    state::TreeUpdate u = state::apply_writes(nodes, std::nullopt, 0, w);
    nodes.write(u);
    crypto::Hash32 prev{};
    for (std::uint64_t h = 1; h <= heights; ++h) {
      if (change_at && h == *change_at) {
        set = next;
        signers = {1, 2, 3, 4};
      }
      state::Writes writes;
      writes[user_key(static_cast<std::uint32_t>(h))] = Bytes{static_cast<std::uint8_t>(h)};
      if (change_at && h + 1 == *change_at) {
        const crypto::Hash32 nh = next.hash();
        writes[next_validators_key()] = Bytes(nh.begin(), nh.end());
      }
      u = state::apply_writes(nodes, h - 1, h, writes);
      nodes.write(u);
      chain::BlockHeader header;
      header.chain_id = kChainId;
      header.height = h;
      header.time_ms = kGenesisMs + h * 1000;
      header.prev_hash = prev;
      header.tx_root = chain::tx_root({});
      header.receipts_root = chain::receipts_root({});
      header.state_root = u.root_hash;
      header.validators_hash = set.hash();
      header.proposer = crypto::Address::from_public_key(validator_key(signers[0]).public_key());
      prev = header.hash();
      blocks.push_back({header, sign_commit(signers, h, prev)});
      signers_at[h] = signers;
    }
    if (change_at) {
      auto proven = state::get_with_proof(nodes, *change_at - 1, next_validators_key());
      change = ValidatorSetChange{*change_at, updates, proven->proof};
    }
  }

  const SignedHeader& at(std::uint64_t height) const { return blocks.at(height - 1); }
  state::ValueProof prove(std::uint64_t height, ByteView key) const {
    return *state::get_with_proof(nodes, height, key);
  }
};

}  // namespace telco::light::testing
