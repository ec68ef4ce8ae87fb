// The state root that block headers carry.
//
// Interface: a commitment advances from the previous root by one block's sorted write set.
// Today's implementation, WriteLogCommitment, is a hash chain over write sets:
//   root(genesis) = H("telco/state/v1" || 0^32 || genesis writes)
//   root(h)       = H("telco/state/v1" || root(h-1) || writes of block h)
// where the writes are every (key, deleted?, value) in key order. State is a pure function
// of the genesis writes and every block's writes, so two nodes agree on the root exactly
// when they agree on the whole state (barring a BLAKE2b collision): it commits to all of it,
// honestly, at O(writes) cost per block. What it cannot do is prove one key without the
// history; the authenticated-state issue (#3) replaces it with a sparse Merkle tree behind
// this same interface, and the header field keeps its meaning.
#pragma once

#include "crypto/hash.h"
#include "state/write_set.h"

namespace telco::state {

class StateCommitment {
 public:
  virtual ~StateCommitment() = default;
  virtual crypto::Hash32 advance(const crypto::Hash32& previous_root, const Writes& writes) const = 0;
};

class WriteLogCommitment final : public StateCommitment {
 public:
  crypto::Hash32 advance(const crypto::Hash32& previous_root, const Writes& writes) const override;
};

}  // namespace telco::state
