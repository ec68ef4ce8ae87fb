// A small deterministic application for the simulator: a hash chain over the transactions of
// every committed block. Its proposals carry a few transactions of its own making, and its
// validity rule rejects any block holding a transaction whose body starts with "bad", so a
// byzantine proposer can propose an invalid block and the validity invariant can be checked.
// Committed state survives a simulated crash; finalized-but-uncommitted state does not.
#pragma once

#include <set>
#include <vector>

#include "consensus/application.h"

namespace telco::sim {

class TestApp : public consensus::Application {
 public:
  explicit TestApp(std::uint32_t node_id) : node_id_(node_id) {}

  // The root after applying `txs` on `root`, and the rule every block must meet.
  static crypto::Hash32 apply(const crypto::Hash32& root, const std::vector<chain::Transaction>& txs);
  static bool txs_valid(const std::vector<chain::Transaction>& txs);
  // A block on `header` with these transactions and the execution fields they yield.
  static chain::Block build(const chain::BlockHeader& header, const chain::Commit& last_commit,
                            std::vector<chain::Transaction> txs, const crypto::Hash32& root);
  static chain::Transaction make_tx(std::uint32_t node_id, std::uint64_t height, std::uint64_t round,
                                    std::string_view body);

  chain::Block prepare_proposal(const chain::BlockHeader& header, const chain::Commit& last_commit) override;
  bool process_proposal(const chain::Block& block) override;
  Finalized finalize_block(const chain::Block& block, const chain::Commit& commit) override;
  void commit() override;

  void crash() { pending_.reset(); }
  const crypto::Hash32& root() const { return root_; }
  bool accepted(const crypto::Hash32& block_hash) const { return accepted_.contains(block_hash); }
  // Makes prepare_proposal put an invalid transaction in every block (a faulty proposer).
  void set_propose_invalid(bool on) { propose_invalid_ = on; }
  // Validator-set changes, a pure function of the height: after a block at h ≡ 1 (mod 3)
  // every validator's power doubles, after h ≡ 2 it is back to `genesis`. Ratios (and so
  // the byzantine share) stay; the set's hash, quorum and proposer rotation change.
  void set_power_changes(std::vector<chain::GenesisValidator> genesis) { genesis_ = std::move(genesis); }

 private:
  std::uint32_t node_id_;
  crypto::Hash32 root_{};
  std::optional<crypto::Hash32> pending_;
  std::set<crypto::Hash32> accepted_;
  bool propose_invalid_ = false;
  std::vector<chain::GenesisValidator> genesis_;
};

}  // namespace telco::sim
