// The light client: verifies a chain's headers one after the other through their commits,
// starting from a trusted anchor, and then single facts of state through proofs against a
// verified header's state root. It holds no socket and trusts nothing it is handed: the
// caller fetches headers, commits, change records and proofs from any node and feeds them
// in; each is checked before it changes what the client believes.
//
// Per header h (verify_next): chain id; height = last + 1; prev_hash = last verified hash;
// time after the last; validators_hash = the trusted set's hash, or else a change record
// proven against the last verified state root (validator_change.h); the commit signs
// exactly this header's hash at h, by distinct members holding more than 2/3 of the power
// (consensus::verify_commit). Only when all hold does h become the verified head.
//
// Memory: one header and one validator set, whatever the chain's length.
#pragma once

#include <optional>
#include <string>

#include "chain/block.h"
#include "chain/genesis.h"
#include "consensus/validator_set.h"
#include "light/rejection.h"
#include "light/validator_change.h"
#include "state/proof.h"

namespace telco::light {

class LightClient {
 public:
  // Trusts a genesis: its chain id, its time and its validator set (which signs height 1).
  static std::optional<LightClient> from_genesis(const chain::Genesis& genesis, Verdict* why);
  // Trusts a header known out of band by its hash, and the set that signed it: `header`
  // must hash to `trusted_hash`, and `validators` must hash to its validators_hash.
  static std::optional<LightClient> from_trusted_header(
      const chain::BlockHeader& header, const crypto::Hash32& trusted_hash,
      const std::vector<chain::GenesisValidator>& validators, Verdict* why);

  // Verifies the header after the verified head and makes it the head. `change` is needed
  // (and only looked at) when the header's validators_hash differs from the trusted set's.
  Verdict verify_next(const chain::BlockHeader& header, const chain::Commit& commit,
                      const ValidatorSetChange* change = nullptr);

  // Checks that `key` has `value` (nullopt: is absent) in the state of the verified head,
  // whose height must be `height`.
  Verdict verify_state(std::uint64_t height, ByteView key, std::optional<ByteView> value,
                       const state::SparseMerkleProof& proof) const;
  // The same from the proof's encoding (state/proof.h), as a node sends it.
  Verdict verify_state(std::uint64_t height, ByteView key, std::optional<ByteView> value,
                       ByteView encoded_proof) const;

  const std::string& chain_id() const { return chain_id_; }
  std::uint64_t height() const { return height_; }                         // 0 = only the genesis is trusted
  const crypto::Hash32& head_hash() const { return hash_; }                // zero at height 0
  const std::optional<chain::BlockHeader>& head() const { return head_; }  // nullopt at height 0
  const consensus::ValidatorSet& validators() const { return set_; }

 private:
  LightClient(std::string chain_id, consensus::ValidatorSet set)
      : chain_id_(std::move(chain_id)), set_(std::move(set)) {}

  Verdict check_link(const chain::BlockHeader& header) const;
  Verdict check_commit(const consensus::ValidatorSet& set, const chain::BlockHeader& header,
                       const crypto::Hash32& hash, const chain::Commit& commit) const;

  std::string chain_id_;
  consensus::ValidatorSet set_;
  std::uint64_t height_ = 0;
  crypto::Hash32 hash_{};
  std::uint64_t time_ms_ = 0;
  std::optional<chain::BlockHeader> head_;
};

}  // namespace telco::light
