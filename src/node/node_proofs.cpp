// The node's half of the proof and light-client API (api/backend.h): state proofs read
// through the versioned tree in the store, and the validator sets light clients follow.
// Kept apart from node.cpp so block production and these reads change independently.
#include "node/node.h"
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

// The set is fixed at genesis until validator updates exist (issue #7): the genesis set
// signs every height and there is no change to report. When updates land, the producer
// writes state::kNextValidatorsKey in the changing block and records each change with its
// proof taken at commit time (light/validator_change.h); these two read that record.
std::vector<chain::GenesisValidator> Node::validators_at(std::uint64_t height) const {
  (void)height;
  return genesis_->validators;
}

std::vector<api::ValidatorChange> Node::validator_changes(std::uint64_t from, std::uint64_t to,
                                                          std::size_t limit) const {
  (void)from;
  (void)to;
  (void)limit;
  return {};
}

}  // namespace telco::node
