// The application as consensus sees it: the shape of ABCI 2.0, narrowed to what a
// deterministic ledger needs. The node implements it over exec/ and storage/; consensus
// knows nothing of modules, transactions' meaning or state layout.
//
// Calls are synchronous and come from the one consensus thread. They must be deterministic
// functions of the committed chain and their arguments — except prepare_proposal, which may
// pick any transactions (its answer is logged in the WAL, so replay never asks twice).
#pragma once

#include <vector>

#include "chain/block.h"
#include "consensus/validator_set.h"

namespace telco::consensus {

class Application {
 public:
  virtual ~Application() = default;

  // Builds this validator's proposal on `header`, whose consensus fields (chain id, height,
  // time, previous hash, last commit hash, validators hash, proposer) are filled in and must
  // be kept: add transactions and set tx_root, tx_count, receipts_root and state_root (the
  // state after executing them). `last_commit` is the commit the block must carry.
  virtual chain::Block prepare_proposal(const chain::BlockHeader& header, const chain::Commit& last_commit) = 0;

  // The application's half of valid(v): every transaction valid in order, and the execution
  // fields of the header equal to what executing them yields. The consensus half (header
  // links, time, proposer, last commit, body hashes) is checked before this is asked.
  virtual bool process_proposal(const chain::Block& block) = 0;
  // The same for a block that came by block sync with a commit the engine verified: more
  // than 2/3 of the set's power precommitted it, so (with at most 1/3 faulty) an honest
  // validator already checked it. The application may skip checks that only repeat what
  // the signers did (transaction signatures); it must still execute and compare the header.
  virtual bool process_committed(const chain::Block& block) { return process_proposal(block); }

  struct Finalized {
    crypto::Hash32 app_hash{};  // must equal block.header.state_root
    std::vector<ValidatorUpdate> validator_updates;  // take effect at height + 1
  };
  // Applies the decided block (the same block process_proposal accepted, now final).
  virtual Finalized finalize_block(const chain::Block& block, const chain::Commit& commit) = 0;
  // Makes the finalized block durable. After it returns, a restart resumes at height + 1.
  virtual void commit() = 0;
  // Block sync of many heights in a row (Replica::on_commits): commits the finalized block
  // so that the next one builds on it, without waiting for the disk; sync() then makes all
  // blocks so committed durable at once. A crash in between may lose a suffix of them (never
  // part of one), which the node fetches again: it signed nothing on them.
  virtual void commit_deferred() { commit(); }
  virtual void sync() {}
};

}  // namespace telco::consensus
