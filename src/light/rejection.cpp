#include "light/rejection.h"

namespace telco::light {

const char* code_name(Rejection r) {
  switch (r) {
    case Rejection::kNone:
      return "ok";
    case Rejection::kMalformedResponse:
      return "malformed_response";
    case Rejection::kWrongChainId:
      return "wrong_chain_id";
    case Rejection::kWrongHeight:
      return "wrong_height";
    case Rejection::kHeaderHashMismatch:
      return "header_hash_mismatch";
    case Rejection::kNotOnChain:
      return "not_on_chain";
    case Rejection::kTimeNotIncreasing:
      return "time_not_increasing";
    case Rejection::kUnexpectedValidators:
      return "unexpected_validators";
    case Rejection::kBadValidatorChange:
      return "bad_validator_change";
    case Rejection::kCommitWrongBlock:
      return "commit_wrong_block";
    case Rejection::kUnknownSigner:
      return "unknown_signer";
    case Rejection::kDuplicateSigner:
      return "duplicate_signer";
    case Rejection::kForgedSignature:
      return "forged_signature";
    case Rejection::kInsufficientPower:
      return "insufficient_power";
    case Rejection::kHeightNotVerified:
      return "height_not_verified";
    case Rejection::kProofMalformed:
      return "proof_malformed";
    case Rejection::kProofRootMismatch:
      return "proof_root_mismatch";
    case Rejection::kProofClaimMismatch:
      return "proof_claim_mismatch";
    case Rejection::kBadTrustAnchor:
      return "bad_trust_anchor";
  }
  return "unknown";
}

const char* describe(Rejection r) {
  switch (r) {
    case Rejection::kNone:
      return "verified";
    case Rejection::kMalformedResponse:
      return "the node's answer is malformed";
    case Rejection::kWrongChainId:
      return "the header belongs to another chain";
    case Rejection::kWrongHeight:
      return "the header is not at the height that comes next";
    case Rejection::kHeaderHashMismatch:
      return "the header's bytes do not hash to the claimed block hash";
    case Rejection::kNotOnChain:
      return "the header does not extend the verified chain (prev_hash differs)";
    case Rejection::kTimeNotIncreasing:
      return "the header's time is not after its parent's";
    case Rejection::kUnexpectedValidators:
      return "the header names a validator set the verified chain never handed over to";
    case Rejection::kBadValidatorChange:
      return "the validator-set change is not the one the previous set signed into the chain";
    case Rejection::kCommitWrongBlock:
      return "the commit signs another height or block than the header";
    case Rejection::kUnknownSigner:
      return "a commit signer is not in the trusted validator set";
    case Rejection::kDuplicateSigner:
      return "the commit names a signer twice";
    case Rejection::kForgedSignature:
      return "a commit signature does not verify (forged or altered)";
    case Rejection::kInsufficientPower:
      return "the commit's signers hold no more than 2/3 of the voting power";
    case Rejection::kHeightNotVerified:
      return "the proof is for a height whose header was not verified";
    case Rejection::kProofMalformed:
      return "the state proof does not decode";
    case Rejection::kProofRootMismatch:
      return "the state proof does not lead to the verified header's state root (tampered proof or value)";
    case Rejection::kProofClaimMismatch:
      return "the state proof proves the opposite of what the node claimed";
    case Rejection::kBadTrustAnchor:
      return "the trusted starting point is unusable";
  }
  return "unknown reason";
}

std::string Verdict::message() const {
  std::string m = describe(reason);
  if (!detail.empty()) m += ": " + detail;
  return m;
}

}  // namespace telco::light
