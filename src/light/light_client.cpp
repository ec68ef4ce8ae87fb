#include "light/light_client.h"

namespace telco::light {
namespace {

std::string at(std::uint64_t height) { return "header " + std::to_string(height); }

Rejection rejection_of(consensus::CommitError e) {
  using consensus::CommitError;
  switch (e) {
    case CommitError::kOk:
      return Rejection::kNone;
    case CommitError::kWrongHeight:
    case CommitError::kWrongBlock:
    case CommitError::kNilBlock:
      return Rejection::kCommitWrongBlock;
    case CommitError::kUnknownValidator:
      return Rejection::kUnknownSigner;
    case CommitError::kDuplicateSigner:
      return Rejection::kDuplicateSigner;
    case CommitError::kBadSignature:
      return Rejection::kForgedSignature;
    case CommitError::kInsufficientPower:
      return Rejection::kInsufficientPower;
  }
  return Rejection::kForgedSignature;  // unreachable; refuse rather than accept
}

}  // namespace

std::optional<LightClient> LightClient::from_genesis(const chain::Genesis& genesis, Verdict* why) {
  std::string error;
  auto set = consensus::ValidatorSet::create(genesis.validators, &error);
  if (!set) {
    *why = reject(Rejection::kBadTrustAnchor, "the genesis validator set is invalid: " + error);
    return std::nullopt;
  }
  LightClient client(genesis.chain_id, std::move(*set));
  client.time_ms_ = genesis.genesis_time_ms;
  return client;
}

std::optional<LightClient> LightClient::from_trusted_header(
    const chain::BlockHeader& header, const crypto::Hash32& trusted_hash,
    const std::vector<chain::GenesisValidator>& validators, Verdict* why) {
  const crypto::Hash32 hash = header.hash();
  if (hash != trusted_hash) {
    *why = reject(Rejection::kHeaderHashMismatch, at(header.height) + " hashes to " + crypto::to_hex(hash) +
                                                      ", not the trusted " + crypto::to_hex(trusted_hash));
    return std::nullopt;
  }
  std::string error;
  auto set = consensus::ValidatorSet::create(validators, &error);
  if (!set) {
    *why = reject(Rejection::kBadTrustAnchor, "the trusted validator set is invalid: " + error);
    return std::nullopt;
  }
  if (set->hash() != header.validators_hash) {
    *why = reject(Rejection::kBadTrustAnchor, "the trusted validator set does not hash to " +
                                                  at(header.height) + "'s validators_hash " +
                                                  crypto::to_hex(header.validators_hash));
    return std::nullopt;
  }
  LightClient client(header.chain_id, std::move(*set));
  client.height_ = header.height;
  client.hash_ = hash;
  client.time_ms_ = header.time_ms;
  client.head_ = header;
  return client;
}

Verdict LightClient::check_link(const chain::BlockHeader& header) const {
  if (header.chain_id != chain_id_) {
    return reject(Rejection::kWrongChainId, at(header.height) + " is for chain '" + header.chain_id +
                                                "', the trusted chain is '" + chain_id_ + "'");
  }
  if (header.height != height_ + 1) {
    return reject(Rejection::kWrongHeight, "expected header " + std::to_string(height_ + 1) + ", got " +
                                               std::to_string(header.height));
  }
  if (header.prev_hash != hash_) {
    return reject(Rejection::kNotOnChain, at(header.height) + " names parent " +
                                              crypto::to_hex(header.prev_hash) + ", the verified parent is " +
                                              crypto::to_hex(hash_));
  }
  if (header.time_ms <= time_ms_) {
    return reject(Rejection::kTimeNotIncreasing, at(header.height) + " has time " +
                                                     std::to_string(header.time_ms) + " ms, its parent " +
                                                     std::to_string(time_ms_) + " ms");
  }
  return accept();
}

Verdict LightClient::check_commit(const consensus::ValidatorSet& set, const chain::BlockHeader& header,
                                  const crypto::Hash32& hash, const chain::Commit& commit) const {
  const consensus::CommitError e = consensus::verify_commit(set, chain_id_, commit, header.height, hash);
  if (e == consensus::CommitError::kOk) return accept();
  const Rejection r = rejection_of(e);
  std::string detail = "commit of " + at(header.height) + " (" + crypto::to_hex(hash).substr(0, 16) + "…)";
  // The other reasons say all there is; for these, consensus's words say which link broke.
  if (r == Rejection::kCommitWrongBlock) detail += std::string(": ") + consensus::describe(e);
  return reject(r, std::move(detail));
}

Verdict LightClient::verify_next(const chain::BlockHeader& header, const chain::Commit& commit,
                                 const ValidatorSetChange* change) {
  if (Verdict v = check_link(header); !v.ok()) return v;
  const crypto::Hash32 hash = header.hash();
  std::optional<consensus::ValidatorSet> next_set;
  if (header.validators_hash != set_.hash()) {
    // Height 1 is signed by the genesis set; any later hand-over is proven in the state of
    // the header before it, which must be verified already.
    if (change == nullptr || !head_) {
      return reject(Rejection::kUnexpectedValidators,
                    at(header.height) + " names validators_hash " + crypto::to_hex(header.validators_hash) +
                        ", the trusted set is " + crypto::to_hex(set_.hash()));
    }
    if (change->height != header.height) {
      return reject(Rejection::kBadValidatorChange, "the change record is for height " +
                                                        std::to_string(change->height) + ", not " +
                                                        std::to_string(header.height));
    }
    Verdict why;
    next_set = apply_change(set_, head_->state_root, *change, header.validators_hash, &why);
    if (!next_set) return why;
  }
  const consensus::ValidatorSet& signers = next_set ? *next_set : set_;
  if (Verdict v = check_commit(signers, header, hash, commit); !v.ok()) return v;
  if (next_set) set_ = std::move(*next_set);
  height_ = header.height;
  hash_ = hash;
  time_ms_ = header.time_ms;
  head_ = header;
  return accept();
}

Verdict LightClient::verify_state(std::uint64_t height, ByteView key, std::optional<ByteView> value,
                                  const state::SparseMerkleProof& proof) const {
  if (!head_ || height != height_) {
    return reject(Rejection::kHeightNotVerified, "asked for height " + std::to_string(height) +
                                                     ", the verified head is " + std::to_string(height_));
  }
  const state::ProofFailure f = state::verify_proof(head_->state_root, key, value, proof);
  switch (f) {
    case state::ProofFailure::kNone:
      return accept();
    case state::ProofFailure::kProvesAbsence:
    case state::ProofFailure::kProvesPresence:
      return reject(Rejection::kProofClaimMismatch, state::describe(f));
    case state::ProofFailure::kMalformed:
      return reject(Rejection::kProofMalformed, state::describe(f));
    case state::ProofFailure::kRootMismatch:
    case state::ProofFailure::kLeafOffPath:
      break;
  }
  std::string detail = "the state root of " + at(height) + " is " + crypto::to_hex(head_->state_root);
  if (f == state::ProofFailure::kLeafOffPath) detail = std::string(state::describe(f)) + "; " + detail;
  return reject(Rejection::kProofRootMismatch, std::move(detail));
}

Verdict LightClient::verify_state(std::uint64_t height, ByteView key, std::optional<ByteView> value,
                                  ByteView encoded_proof) const {
  codec::DecodeError error = codec::DecodeError::kNone;
  auto proof = state::decode_proof(encoded_proof, &error);
  if (!proof) return reject(Rejection::kProofMalformed, std::string("decode: ") + codec::describe(error));
  return verify_state(height, key, value, *proof);
}

}  // namespace telco::light
