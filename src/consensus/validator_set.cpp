#include "consensus/validator_set.h"

#include <algorithm>

#include "chain/limits.h"
#include "consensus/messages.h"

namespace telco::consensus {
namespace {

using Wide = __int128;

std::uint64_t threshold_above(std::uint64_t total, unsigned num, unsigned den) {
  return static_cast<std::uint64_t>(static_cast<unsigned __int128>(total) * num / den) + 1;
}

bool fail(std::string* error, const char* why) {
  if (error) *error = why;
  return false;
}

}  // namespace

std::optional<ValidatorSet> ValidatorSet::from(std::vector<Validator> validators, std::string* error) {
  if (validators.empty() || validators.size() > chain::kValidatorsMax) {
    fail(error, "a validator set has 1 to 1000 validators");
    return std::nullopt;
  }
  ValidatorSet set;
  Wide total = 0;
  std::vector<crypto::PublicKey> keys;
  for (const Validator& v : validators) {
    if (v.power == 0 || v.power > kTotalPowerMax) {
      fail(error, "validator power must be in 1..2^60");
      return std::nullopt;
    }
    total += v.power;
    keys.push_back(v.key);
  }
  std::sort(keys.begin(), keys.end());
  if (std::adjacent_find(keys.begin(), keys.end()) != keys.end()) {
    fail(error, "a validator key appears twice");
    return std::nullopt;
  }
  if (total > static_cast<Wide>(kTotalPowerMax)) {
    fail(error, "total voting power exceeds 2^60");
    return std::nullopt;
  }
  set.validators_ = std::move(validators);
  set.total_power_ = static_cast<std::uint64_t>(total);
  set.quorum_ = threshold_above(set.total_power_, 2, 3);
  set.one_third_plus_ = threshold_above(set.total_power_, 1, 3);
  set.hash_ = chain::validators_hash(set.to_genesis_list());
  return set;
}

std::optional<ValidatorSet> ValidatorSet::create(const std::vector<chain::GenesisValidator>& validators,
                                                 std::string* error) {
  std::vector<Validator> list;
  list.reserve(validators.size());
  for (const auto& g : validators) list.push_back({g.name, g.public_key, g.power, 0});
  auto set = from(std::move(list), error);
  if (set) set->step();
  return set;
}

std::optional<std::size_t> ValidatorSet::index_of(const crypto::PublicKey& key) const {
  for (std::size_t i = 0; i < validators_.size(); ++i) {
    if (validators_[i].key == key) return i;
  }
  return std::nullopt;
}

std::vector<chain::GenesisValidator> ValidatorSet::to_genesis_list() const {
  std::vector<chain::GenesisValidator> out;
  out.reserve(validators_.size());
  for (const Validator& v : validators_) out.push_back({v.name, v.key, v.power});
  return out;
}

void ValidatorSet::step() {
  // Scale down a spread above 2 × total (ceil division), then centre on the floor average.
  const Wide bound = Wide{2} * total_power_;
  const auto [lo, hi] = std::minmax_element(validators_.begin(), validators_.end(),
                                            [](const Validator& a, const Validator& b) { return a.priority < b.priority; });
  const Wide spread = Wide{hi->priority} - lo->priority;
  if (spread > bound) {
    const Wide ratio = (spread + bound - 1) / bound;
    for (Validator& v : validators_) v.priority = static_cast<std::int64_t>(v.priority / ratio);
  }
  Wide sum = 0;
  for (const Validator& v : validators_) sum += v.priority;
  const Wide n = static_cast<Wide>(validators_.size());
  Wide average = sum / n;
  if (sum % n != 0 && sum < 0) --average;  // floor, not truncation
  for (Validator& v : validators_) v.priority = static_cast<std::int64_t>(v.priority - average);

  std::size_t best = 0;
  for (std::size_t i = 0; i < validators_.size(); ++i) {
    Validator& v = validators_[i];
    v.priority += static_cast<std::int64_t>(v.power);
    const Validator& b = validators_[best];
    if (v.priority > b.priority || (v.priority == b.priority && v.key < b.key)) best = i;
  }
  validators_[best].priority -= static_cast<std::int64_t>(total_power_);
  proposer_ = best;
}

ValidatorSet ValidatorSet::advanced(std::uint64_t steps) const {
  ValidatorSet out = *this;
  for (std::uint64_t i = 0; i < steps; ++i) out.step();
  return out;
}

std::optional<ValidatorSet> ValidatorSet::with_updates(const std::vector<ValidatorUpdate>& updates,
                                                       std::string* error) const {
  std::vector<Validator> list = validators_;
  std::vector<crypto::PublicKey> seen;
  for (const ValidatorUpdate& u : updates) {
    if (std::find(seen.begin(), seen.end(), u.key) != seen.end()) {
      fail(error, "an update names a validator twice");
      return std::nullopt;
    }
    seen.push_back(u.key);
    auto it = std::find_if(list.begin(), list.end(), [&](const Validator& v) { return v.key == u.key; });
    if (it != list.end() && u.power == 0) {
      list.erase(it);
    } else if (it != list.end()) {
      it->power = u.power;
      it->name = u.name;
    } else if (u.power > 0) {
      list.push_back({u.name, u.key, u.power, 0});
    } else {
      fail(error, "an update removes a validator that is not in the set");
      return std::nullopt;
    }
  }
  // Newcomers are marked by priority 0 above; give them the entry penalty of the new total.
  auto set = from(std::move(list), error);
  if (!set) return std::nullopt;
  const std::int64_t entry = -static_cast<std::int64_t>(set->total_power_ + set->total_power_ / 8);
  for (Validator& v : set->validators_) {
    if (!index_of(v.key)) v.priority = entry;
  }
  set->proposer_ = 0;
  return set;
}

std::optional<ValidatorSet> ValidatorSet::next(const std::vector<ValidatorUpdate>& updates,
                                               std::string* error) const {
  if (updates.empty()) return advanced(1);
  auto changed = with_updates(updates, error);
  if (!changed) return std::nullopt;
  return create(changed->to_genesis_list(), error);
}

std::optional<ValidatorSet> ValidatorSet::of(const std::vector<chain::GenesisValidator>& members,
                                             std::uint64_t effective_height, std::uint64_t height,
                                             std::string* error) {
  if (height < effective_height) {
    fail(error, "the height precedes the set's effective height");
    return std::nullopt;
  }
  auto set = create(members, error);
  if (!set) return std::nullopt;
  return set->advanced(height - effective_height);
}

const char* describe(CommitError e) {
  switch (e) {
    case CommitError::kOk: return "ok";
    case CommitError::kWrongHeight: return "commit is for another height";
    case CommitError::kWrongBlock: return "commit is for another block";
    case CommitError::kNilBlock: return "commit is for nil";
    case CommitError::kUnknownValidator: return "commit signer is not in the validator set";
    case CommitError::kDuplicateSigner: return "commit names a signer twice";
    case CommitError::kBadSignature: return "commit signature does not verify";
    case CommitError::kInsufficientPower: return "commit signers hold no more than 2/3 of the power";
  }
  return "unknown";
}

CommitError verify_commit(const ValidatorSet& set, std::string_view chain_id, const chain::Commit& commit,
                          std::uint64_t height, const crypto::Hash32& block_hash) {
  if (commit.height != height) return CommitError::kWrongHeight;
  if (commit.block_hash != block_hash) return CommitError::kWrongBlock;
  if (is_nil(block_hash)) return CommitError::kNilBlock;
  std::vector<bool> signed_by(set.size(), false);
  std::uint64_t power = 0;
  for (const chain::CommitSig& s : commit.signatures) {
    const auto index = set.index_of(s.validator);
    if (!index) return CommitError::kUnknownValidator;
    if (signed_by[*index]) return CommitError::kDuplicateSigner;
    signed_by[*index] = true;
    const Bytes bytes = chain::vote_signing_bytes(chain_id, chain::kVotePrecommit, commit.height, commit.round,
                                                  commit.block_hash, s.time_ms);
    if (!crypto::verify(s.validator, bytes, s.signature)) return CommitError::kBadSignature;
    power += set.at(*index).power;  // total <= 2^60: no overflow
  }
  return power >= set.quorum_power() ? CommitError::kOk : CommitError::kInsufficientPower;
}

}  // namespace telco::consensus

namespace telco::consensus {

const char* describe(EvidenceError e) {
  switch (e) {
    case EvidenceError::kOk: return "ok";
    case EvidenceError::kNotConflicting: return "the votes do not conflict";
    case EvidenceError::kNonCanonical: return "the votes are not in canonical order";
    case EvidenceError::kUnknownValidator: return "the signer is not in the validator set";
    case EvidenceError::kBadSignature: return "a vote signature does not verify";
  }
  return "unknown";
}

EvidenceError verify_evidence(const DuplicateVoteEvidence& e, std::string_view chain_id, const ValidatorSet& set) {
  const Vote& a = e.first;
  const Vote& b = e.second;
  if (a.validator != b.validator || a.height != b.height || a.round != b.round || a.type != b.type ||
      a.block_hash == b.block_hash) {
    return EvidenceError::kNotConflicting;
  }
  if (!BytesLess{}(a.encode(), b.encode())) return EvidenceError::kNonCanonical;
  if (!set.index_of(a.validator)) return EvidenceError::kUnknownValidator;
  if (!verify_vote_signature(a, chain_id) || !verify_vote_signature(b, chain_id)) return EvidenceError::kBadSignature;
  return EvidenceError::kOk;
}

}  // namespace telco::consensus
