// Restoring a node from a snapshot (docs/STATE.md, "Snapshots"): what it must prove before
// it believes a snapshot, and the writer that takes verified chunks into an empty store.
//
// Trust: the snapshot's state root must be the state_root of a header of this chain whose
// commit carries precommits of more than 2/3 of the power of the set that signs that
// height, the same check block sync makes (consensus::verify_commit). That set comes from
// ONE function, trusted_validator_set(), so that when validator sets change on chain only
// it has to learn how.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>

#include "chain/genesis.h"
#include "consensus/validator_set.h"
#include "node/snapshot_files.h"
#include "storage/store.h"

namespace telco::node {

// The validator set that signs `height`, as a node that trusts only its genesis knows it:
// the genesis set advanced height - 1 proposer steps. On a chain whose set changed before
// `height` (validator.update, docs/CONSENSUS.md) the snapshot's commit therefore does not
// verify and the snapshot is refused — safe, not yet useful: following the hand-overs from
// genesis (light/validator_change.h, the records GET /v1/validators/changes serves) over
// p2p is the step still to build. A change made by block `height` itself is carried by
// the snapshot's state, from which the restored node seeds its change history (Node).
consensus::ValidatorSet trusted_validator_set(const chain::Genesis& genesis, std::uint64_t height);

// Empty if the snapshot may be restored: header of this chain at manifest.height, commit
// for exactly that header by a quorum of trusted_validator_set(height), state_root equal to
// the manifest's, manifest cover recombining to it. Otherwise the reason.
std::string verify_snapshot(const chain::Genesis& genesis, const SnapshotFiles& snapshot);

// Takes the chunks of one verified snapshot into a store with no head, resuming a restore
// of the same manifest that a crash interrupted (anything else half-written is wiped).
class SnapshotRestorer {
 public:
  SnapshotRestorer(storage::Store& store, const crypto::Hash32& genesis_hash, SnapshotFiles snapshot);

  const state::SnapshotManifest& manifest() const { return snapshot_.manifest; }
  bool needed(std::size_t index) const;  // has keys and is not written yet
  // Verifies chunk `index` against its entry and writes it; on failure writes nothing.
  state::SnapshotFailure add_chunk(std::size_t index, ByteView bytes);
  bool complete() const { return chunks_done_ == chunks_total_; }
  // Writes the nodes above the chunks and the head; the store is then a node at that height.
  void finish();

  std::size_t chunks_done() const { return chunks_done_; }
  std::size_t chunks_total() const { return chunks_total_; }
  std::uint64_t keys_done() const { return keys_done_; }
  std::uint64_t keys_resumed() const { return keys_resumed_; }

 private:
  storage::Store& store_;
  const crypto::Hash32 genesis_hash_;
  const SnapshotFiles snapshot_;
  std::map<std::uint32_t, Bytes> done_;  // index -> encoding of one-key chunks
  std::size_t chunks_done_ = 0;
  std::size_t chunks_total_ = 0;
  std::uint64_t keys_done_ = 0;
  std::uint64_t keys_resumed_ = 0;
};

// "state sync: chunk 12 of 200, 1.2M of 10.0M keys, 350k keys/s, ETA 25 s", at most every
// interval (and always for the last chunk).
class RestoreProgress {
 public:
  explicit RestoreProgress(std::chrono::milliseconds interval = std::chrono::seconds(2));
  void report(const SnapshotRestorer& restorer, bool force = false);

 private:
  const std::chrono::milliseconds interval_;
  const std::chrono::steady_clock::time_point started_;
  std::chrono::steady_clock::time_point last_;
};

}  // namespace telco::node
