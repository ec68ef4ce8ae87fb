// The ledger as the consensus engine sees it (consensus::Application): proposals are built
// from the mempool by the executor, proposals from others are re-executed and must match
// their header, and a decided block is written through Node::commit_decided. Runs on the
// consensus thread only, which is therefore the node's one writer.
//
// Outcomes of executed blocks are kept (bounded) by block hash from process_proposal to
// finalize_block, so a decided block is never executed twice.
#pragma once

#include <map>
#include <memory>
#include <optional>

#include "consensus/application.h"
#include "exec/executor.h"
#include "mempool/verify_pool.h"
#include "node/evidence_pool.h"
#include "storage/store.h"

namespace telco::node {

class Node;

class ChainApplication final : public consensus::Application {
 public:
  ChainApplication(Node& node, std::size_t verify_threads);

  chain::Block prepare_proposal(const chain::BlockHeader& header, const chain::Commit& last_commit) override;
  bool process_proposal(const chain::Block& block) override;
  // Block sync: transaction signatures are not checked again (docs/CONSENSUS.md "Block sync").
  bool process_committed(const chain::Block& block) override;
  Finalized finalize_block(const chain::Block& block, const chain::Commit& commit) override;
  void commit() override;
  void commit_deferred() override;
  void sync() override;

  // Duplicate-vote evidence seen by the engine or sent by a peer: verified against the
  // validator set, then kept for a block. kInvalid (with *reason) is the sender's fault;
  // kNotKept means valid but already recorded, already pending, or the pool is full.
  enum class EvidenceVerdict : std::uint8_t { kAdded, kNotKept, kInvalid };
  EvidenceVerdict add_evidence(const consensus::DuplicateVoteEvidence& e, std::string* reason = nullptr);
  std::size_t evidence_pending() const { return evidence_.size(); }

  // Runs job(i) for i in [0, n) across the verify pool (block sync checks commits ahead).
  void run_parallel(std::size_t n, const std::function<void(std::size_t)>& job) { verify_pool_.run(n, job); }

 private:
  struct Executed {
    exec::BlockOutcome outcome;
    std::vector<crypto::Hash32> tx_hashes;
    std::vector<std::pair<crypto::Hash32, chain::ResultCode>> invalid;  // mempool entries to drop
  };
  // Executes a block received from a peer; nullopt (with a log line saying why) if any
  // transaction is malformed, badly signed or invalid, or the header's execution fields
  // differ from the result.
  std::optional<Executed> execute(const chain::Block& block, bool verify_signatures = true);
  void commit_pending(storage::Store::Durability durability);
  void remember(const crypto::Hash32& hash, Executed executed);

  static constexpr std::size_t kExecutedMax = 8;  // proposals of the current height kept

  Node& node_;
  EvidencePool evidence_;
  mempool::VerifyPool verify_pool_;
  std::map<crypto::Hash32, std::shared_ptr<Executed>> executed_;
  struct Pending {
    chain::Block block;
    chain::Commit commit;
    std::shared_ptr<Executed> executed;
    std::chrono::steady_clock::time_point decided;
  };
  std::optional<Pending> pending_;
};

}  // namespace telco::node
