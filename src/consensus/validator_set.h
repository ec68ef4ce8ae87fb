// The validators of one height: keys, voting power, quorum thresholds and the proposer
// rotation. Thresholds use 128-bit arithmetic, so no power up to kTotalPowerMax overflows.
//
// Proposer rotation, weighted by power (docs/CONSENSUS.md, "Proposer selection"): every
// validator holds a priority. One step adds each validator's power to its priority, picks
// the highest priority (ties: the smaller public key) and subtracts the total power from
// the winner. Over total_power steps each validator proposes exactly `power` times. Before
// each step priorities are scaled down if their spread exceeds 2 × total power and centred
// on zero, so they stay bounded and a validator cannot bank priority. A set is created
// with one step taken: proposer(h, r) is the proposer of set(h) advanced r more steps, and
// set(h + 1) is set(h) advanced one step. When the application changes the set, set(h + 1)
// is instead the new members created afresh (priorities from zero, one step): so the set of
// any height is a function of the members and the height they took effect (`of`), which the
// chain's state holds, and a restarted or snapshot-restored node needs no history.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "chain/block.h"
#include "chain/genesis.h"
#include "consensus/messages.h"

namespace telco::consensus {

inline constexpr std::uint64_t kTotalPowerMax = std::uint64_t{1} << 60;  // as the genesis rule

struct Validator {
  std::string name;
  crypto::PublicKey key{};
  std::uint64_t power = 0;
  std::int64_t priority = 0;
  bool operator==(const Validator&) const = default;
};

// A change the application returns from finalize_block: power 0 removes the validator; an
// unknown key with power > 0 joins at the end of the set.
struct ValidatorUpdate {
  crypto::PublicKey key{};
  std::uint64_t power = 0;
  std::string name;
  bool operator==(const ValidatorUpdate&) const = default;
};

class ValidatorSet {
 public:
  // 1..kValidatorsMax validators, power >= 1 each, no key twice, total <= kTotalPowerMax.
  static std::optional<ValidatorSet> create(const std::vector<chain::GenesisValidator>& validators,
                                            std::string* error = nullptr);

  std::size_t size() const { return validators_.size(); }
  const Validator& at(std::size_t index) const { return validators_.at(index); }
  const std::vector<Validator>& validators() const { return validators_; }
  std::optional<std::size_t> index_of(const crypto::PublicKey& key) const;

  std::uint64_t total_power() const { return total_power_; }
  // Smallest power > 2/3 of the total (a quorum) and smallest power > 1/3 (at least one honest).
  std::uint64_t quorum_power() const { return quorum_; }
  std::uint64_t one_third_plus_power() const { return one_third_plus_; }

  // chain::validators_hash of the (key, power) list in set order; the header's validators_hash.
  // Computed once when the set is made: members never change after (only priorities do).
  const crypto::Hash32& hash() const { return hash_; }
  std::vector<chain::GenesisValidator> to_genesis_list() const;

  std::size_t proposer() const { return proposer_; }
  ValidatorSet advanced(std::uint64_t steps) const;

  // The set of the next height: advanced one step, or, if `updates` is not empty, the
  // members after the updates created afresh. nullopt (with *error) if they do not apply.
  std::optional<ValidatorSet> next(const std::vector<ValidatorUpdate>& updates, std::string* error = nullptr) const;
  // The set of `height` when `members` took effect at `effective_height` <= height.
  static std::optional<ValidatorSet> of(const std::vector<chain::GenesisValidator>& members,
                                        std::uint64_t effective_height, std::uint64_t height,
                                        std::string* error = nullptr);

  // This set with updates applied (a known key takes the update's power and name; priorities
  // kept; newcomers start at −1.125 × total power), not yet advanced. The light client uses
  // it for the members; next() for the engine.
  std::optional<ValidatorSet> with_updates(const std::vector<ValidatorUpdate>& updates,
                                           std::string* error = nullptr) const;

  bool operator==(const ValidatorSet&) const = default;

 private:
  ValidatorSet() = default;
  static std::optional<ValidatorSet> from(std::vector<Validator> validators, std::string* error);
  void step();

  std::vector<Validator> validators_;
  std::uint64_t total_power_ = 0;
  std::uint64_t quorum_ = 0;
  std::uint64_t one_third_plus_ = 0;
  std::size_t proposer_ = 0;
  crypto::Hash32 hash_{};
};

enum class CommitError : std::uint8_t {
  kOk = 0,
  kWrongHeight,
  kWrongBlock,
  kNilBlock,
  kUnknownValidator,
  kDuplicateSigner,
  kBadSignature,
  kInsufficientPower,
};
const char* describe(CommitError e);

// A commit proves `block_hash` final at `height` when every signature is a valid precommit
// by a distinct member of `set` and the signers hold a quorum of its power.
CommitError verify_commit(const ValidatorSet& set, std::string_view chain_id, const chain::Commit& commit,
                          std::uint64_t height, const crypto::Hash32& block_hash);

}  // namespace telco::consensus

namespace telco::consensus {

enum class EvidenceError : std::uint8_t {
  kOk = 0,
  kNotConflicting,  // different validator, height, round or type, or the same block hash
  kNonCanonical,    // votes not in canonical order
  kUnknownValidator,
  kBadSignature,
};
const char* describe(EvidenceError e);

// Checks duplicate-vote evidence on its own: two votes of one member of `set` (the set of
// the votes' height) for the same height, round and type, for different block hashes, both
// signed.
EvidenceError verify_evidence(const DuplicateVoteEvidence& evidence, std::string_view chain_id, const ValidatorSet& set);

}  // namespace telco::consensus
