// The node's half of the proof and light-client API (api/backend.h): state proofs read
// through the versioned tree in the store, and the validator sets light clients follow.
// Kept apart from node.cpp so block production and these reads change independently.
#include "node/node.h"

#include <spdlog/spdlog.h>

#include <algorithm>

#include "node/validator_history.h"
#include "state/prefixes.h"
#include "state/tree.h"

namespace telco::node {

std::optional<std::uint64_t> Node::state_oldest_height() const { return store_->state_oldest_version(); }

std::optional<api::StateProof> Node::state_proof(ByteView key, std::uint64_t height) const {
  // Reads only immutable tree nodes of version `height` (a node is written once), so it
  // needs no lock against the producer; pruning of that version meanwhile shows as a
  // missing node, i.e. nullopt.
  auto root = state::root_hash_at(*store_, height);
  if (!root) return std::nullopt;
  try {
    auto proven = state::get_with_proof(*store_, height, key);
    if (!proven) return std::nullopt;
    return api::StateProof{height, *root, std::move(proven->value), proven->proof.encode()};
  } catch (const state::TreeError&) {
    return std::nullopt;  // a node of that version pruned between the root read and the walk
  }
}

consensus::ValidatorSet Node::validator_set_at(std::uint64_t height) const {
  std::string error;
  std::optional<consensus::ValidatorSet> set;
  if (auto change = store_->validator_change_at_or_before(height)) {
    const ValidatorChangeRecord record = decode_change_record(change->second);
    set = consensus::ValidatorSet::of(record.validators, record.effective_height, height, &error);
  } else {
    set = consensus::ValidatorSet::of(genesis_->validators, 1, std::max<std::uint64_t>(height, 1), &error);
  }
  if (!set) throw std::runtime_error("validator set of height " + std::to_string(height) + ": " + error);
  return std::move(*set);
}

std::vector<chain::GenesisValidator> Node::validators_at(std::uint64_t height) const {
  if (auto change = store_->validator_change_at_or_before(height)) {
    return decode_change_record(change->second).validators;
  }
  return genesis_->validators;
}

std::vector<api::ValidatorChange> Node::validator_changes(std::uint64_t from, std::uint64_t to,
                                                          std::size_t limit) const {
  std::vector<api::ValidatorChange> out;
  for (auto& [height, bytes] : store_->validator_changes(from, to, limit)) {
    ValidatorChangeRecord record = decode_change_record(bytes);
    api::ValidatorChange change;
    change.height = height;
    for (const chain::GenesisValidator& u : record.updates) change.updates.push_back({u.public_key, u.power, u.name});
    change.validators = std::move(record.validators);
    change.proof = std::move(record.proof);
    if (change.proof.empty()) {
      // Not yet completed (the moment after its block): read it from the tree.
      const Bytes key(state::kNextValidatorsKey.begin(), state::kNextValidatorsKey.end());
      if (auto proof = state_proof(key, height - 1)) change.proof = std::move(proof->proof);
    }
    out.push_back(std::move(change));
  }
  return out;
}

void Node::complete_change_record(std::uint64_t effective_height) {
  auto bytes = store_->validator_change_at_or_before(effective_height);
  if (!bytes || bytes->first != effective_height) return;
  ValidatorChangeRecord record = decode_change_record(bytes->second);
  if (!record.proof.empty()) return;
  const Bytes key(state::kNextValidatorsKey.begin(), state::kNextValidatorsKey.end());
  auto proof = state_proof(key, effective_height - 1);
  if (!proof) {
    spdlog::warn("validator change at height {}: version {} is pruned, its proof cannot be taken",
                 effective_height, effective_height - 1);
    return;
  }
  record.proof = std::move(proof->proof);
  store_->put_validator_change(effective_height, encode_change_record(record));
}

}  // namespace telco::node
