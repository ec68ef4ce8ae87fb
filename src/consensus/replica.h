// One validator's consensus process: the engine, its WAL, the double-sign guard, the key and
// the application, wired in the one order that is safe (docs/CONSENSUS.md, "Replica"):
//   1. every input is appended to the WAL before the engine sees it;
//   2. before a signature is released the WAL is synced, so everything that led to it
//      survives a crash, and the guard durably records what is signed;
//   3. own proposals and votes re-enter through the WAL like a peer's;
//   4. a decision is finalized and committed by the application, then the next height
//      starts and truncates the WAL.
// start() replays the WAL of the height being started; actions the replayed engine asks for
// whose answer the log does not hold (a vote signed but not logged, a validation not
// answered, a timer not fired) are performed again afterwards. Nothing here touches a
// socket, clock or thread: the node's p2p layer and the simulator implement Outbox and pass
// the local time with every call.
#pragma once

#include <deque>
#include <optional>
#include <span>

#include "consensus/application.h"
#include "consensus/engine.h"
#include "consensus/sign_guard.h"
#include "consensus/wal.h"

namespace telco::consensus {

class Outbox {
 public:
  virtual ~Outbox() = default;
  virtual void broadcast(const Proposal& proposal) = 0;
  virtual void broadcast(const Vote& vote) = 0;
  virtual void schedule(const Timeout& timeout, std::uint64_t duration_ms) = 0;
  virtual void evidence(const DuplicateVoteEvidence& evidence) = 0;
  // The block is committed by the application; `next` is the context of the next height,
  // which the node persists with the block (its validator set carries proposer priorities).
  virtual void committed(const chain::Block& block, const chain::Commit& commit, const HeightContext& next) = 0;
};

class Replica {
 public:
  // Without a key the replica follows and decides but never signs.
  Replica(EngineConfig config, std::optional<crypto::KeyPair> key, Application& app, Outbox& out,
          LogStorage& wal_storage, RecordStorage& guard_storage);

  // Starts `context` (the committed chain's next height), replaying the WAL if it holds
  // that height. Returns the number of WAL bytes cut as a torn or corrupt tail.
  std::size_t start(HeightContext context, std::uint64_t now_ms);

  void on_proposal(const Proposal& proposal, std::uint64_t now_ms) { deliver({now_ms, proposal}); }
  void on_vote(const Vote& vote, std::uint64_t now_ms) { deliver({now_ms, vote}); }
  void on_timeout(const Timeout& timeout, std::uint64_t now_ms) { deliver({now_ms, timeout}); }
  void on_commit(const chain::Block& block, const chain::Commit& commit, std::uint64_t now_ms) {
    deliver({now_ms, CommitReceived{block, commit}});
  }

  // Block sync of many heights at once: blocks of consecutive heights from the current one,
  // each with a commit for it. Each is checked as on_commit checks it (consensus fields, the
  // commit against the height's validator set, the application's process_committed), then
  // finalized and committed deferred; after the last, the application syncs once, the WAL
  // starts the new height and the engine starts it. Stops at the first block that fails a
  // check (the engine and the WAL are then as if it never came). Returns how many applied.
  //
  // None of them is logged: the WAL exists so that replay repeats the path to what this
  // validator signed, and a synced block leads to no signature; a crash before the sync
  // loses a suffix of them, which the node fetches again, its commits proving themselves.
  // `commit_verified` set means the caller already ran verify_commit on the commit against
  // the set of that hash (in parallel, ahead): the check is then skipped if the height's set
  // has that hash.
  struct SyncedBlock {
    const chain::Block* block = nullptr;
    const chain::Commit* commit = nullptr;
    std::optional<Hash32> commit_verified;
  };
  std::size_t on_commits(std::span<const SyncedBlock> run, std::uint64_t now_ms);

  const Engine& engine() const { return engine_; }
  Engine& engine() { return engine_; }
  std::size_t signatures_refused() const { return refused_; }

 private:
  void deliver(WalEntry entry);
  void drain();
  Actions dispatch(const WalEntry& entry);
  void perform(const Action& action, std::uint64_t now_ms);
  void sign_and_send(Proposal proposal, std::uint64_t now_ms);
  void sign_and_send(Vote vote, std::uint64_t now_ms);
  void finalize(const Decide& decision, std::uint64_t now_ms);
  // finalize_block and the context of the next height; the caller commits.
  HeightContext finalize_block(const HeightContext& current, const chain::Block& block, const chain::Commit& commit);
  void replay(HeightContext context, const std::vector<WalEntry>& entries);

  Engine engine_;
  std::optional<crypto::KeyPair> key_;
  Application& app_;
  Outbox& out_;
  Wal wal_;
  SignGuard guard_;
  std::deque<WalEntry> queue_;
  bool draining_ = false;
  std::size_t refused_ = 0;
};

}  // namespace telco::consensus
