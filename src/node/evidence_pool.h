// Evidence of validator misbehaviour waiting to be put in a block (docs/CONSENSUS.md
// "Evidence"). Fed by the engine (a validator's two conflicting votes seen here) and by peers
// (verified before it is kept); drained by the proposer, at most chain::kBlockEvidenceMax
// items per block; an item leaves when a block records its offence or when it is too old to
// be included. Bounded; used only on the consensus thread.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <tuple>
#include <vector>

#include "chain/block.h"
#include "consensus/messages.h"
#include "consensus/validator_set.h"
#include "exec/misbehaviour.h"
#include "state/state_view.h"

namespace telco::node {

// Evidence older than this many heights is refused in a block and dropped from the pool
// (CometBFT's max_age_num_blocks, here fixed by protocol).
inline constexpr std::uint64_t kEvidenceAgeMax = 100'000;

// The offence a piece of evidence proves.
exec::Misbehaviour misbehaviour_of(const consensus::DuplicateVoteEvidence& e);

// Checks the evidence of a block at `height`, with `recorded` the committed state before it:
// each item decodes, proves an offence at an earlier height no older than kEvidenceAgeMax by
// a member of the set of that height, `set_at(votes' height)` (both votes signed), and the
// offences are new (not in state, not twice). Returns the offences in block order, or
// nullopt with *reason.
using SetAt = std::function<consensus::ValidatorSet(std::uint64_t height)>;
std::optional<std::vector<exec::Misbehaviour>> verify_block_evidence(const std::vector<Bytes>& items,
                                                                     std::uint64_t height, std::string_view chain_id,
                                                                     const SetAt& set_at,
                                                                     const state::StateView& recorded,
                                                                     std::string* reason);

class EvidencePool {
 public:
  static constexpr std::size_t kCapacity = 256;

  // Keeps verified evidence; false if the offence is already held or the pool is full.
  bool add(const consensus::DuplicateVoteEvidence& e);
  // Up to `max` items for a block at `height`, oldest offence first, skipping (and dropping)
  // those `recorded` already holds or that are too old.
  std::vector<Bytes> for_block(std::uint64_t height, const state::StateView& recorded, std::size_t max);
  // A committed block's evidence: its offences are recorded, so they leave the pool.
  void committed(const chain::Block& block);
  std::size_t size() const { return items_.size(); }

 private:
  using Key = std::tuple<std::uint64_t, std::uint32_t, std::uint8_t, crypto::PublicKey>;  // height first
  static Key key_of(const exec::Misbehaviour& m) { return {m.height, m.round, m.vote_type, m.validator}; }
  std::map<Key, consensus::DuplicateVoteEvidence> items_;
};

}  // namespace telco::node
