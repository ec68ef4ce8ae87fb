#include "light/validator_change.h"

#include "state/prefixes.h"

namespace telco::light {

Bytes next_validators_key() {
  return Bytes(state::kNextValidatorsKey.begin(), state::kNextValidatorsKey.end());
}

std::optional<consensus::ValidatorSet> apply_change(const consensus::ValidatorSet& old_set,
                                                    const crypto::Hash32& signed_state_root,
                                                    const ValidatorSetChange& change,
                                                    const crypto::Hash32& expected_hash, Verdict* why) {
  std::string error;
  auto next = old_set.with_updates(change.updates, &error);
  if (!next) {
    *why = reject(Rejection::kBadValidatorChange, "the updates do not apply to the previous set: " + error);
    return std::nullopt;
  }
  const crypto::Hash32 next_hash = next->hash();
  if (next_hash != expected_hash) {
    *why = reject(Rejection::kBadValidatorChange, "the updates yield validators_hash " +
                                                      crypto::to_hex(next_hash) + ", the header names " +
                                                      crypto::to_hex(expected_hash));
    return std::nullopt;
  }
  const Bytes key = next_validators_key();
  const ByteView value(next_hash.data(), next_hash.size());
  const state::ProofFailure failure = state::verify_proof(signed_state_root, key, value, change.proof);
  if (failure != state::ProofFailure::kNone) {
    *why = reject(Rejection::kBadValidatorChange, "the previous set did not sign the hand-over into block " +
                                                      std::to_string(change.height - 1) + "'s state (" +
                                                      state::describe(failure) + ")");
    return std::nullopt;
  }
  return next;
}

}  // namespace telco::light
