// The deterministic state machine: given committed state, a block's context and its
// transactions, it yields receipts, the state writes and the new state root. No clock,
// randomness or I/O: the same inputs give the same outputs on every node.
//
// Rules of one transaction (docs/PROTOCOL.md "Execution"):
//  1. envelope: the tx nonce equals the sender's account nonce and the balance covers the
//     fee — otherwise the transaction is not allowed in a block at all;
//  2. the fee is burned (removed from supply) and the nonce advances;
//  3. the payload's handler runs; if it fails, its writes are rolled back but the fee and
//     nonce stay charged, and the receipt carries the failure code (300..399).
// Fees are burned rather than paid to validators so that total supply only falls, by
// exactly the sum of fees, which every node and auditor can check against genesis.
#pragma once

#include <memory>
#include <optional>
#include <span>
#include <vector>

#include "chain/block.h"
#include "chain/genesis.h"
#include "exec/misbehaviour.h"
#include "state/commitment.h"
#include "state/write_set.h"

namespace telco::exec {

struct BlockContext {
  std::uint64_t height = 0;
  std::uint64_t time_ms = 0;
  // The offences the block's evidence proves, in block order, recorded before its
  // transactions run. The caller has verified the evidence and that each offence is new
  // (not in state, not twice in the list); a repeat is a logic error (std::logic_error).
  std::span<const Misbehaviour> misbehaviour = {};
};

// A transaction whose encoding, hash and signature were already checked (mempool or
// proposal validation), so execution never repeats that work.
struct CheckedTx {
  const chain::Transaction* tx;
  crypto::Hash32 hash;
  std::size_t encoded_bytes;
};

struct BlockOutcome {
  std::vector<std::size_t> included;          // indexes into the candidates, in block order
  std::vector<chain::Receipt> receipts;       // one per included transaction
  std::vector<std::pair<std::size_t, chain::ResultCode>> excluded;  // candidate index, why
  state::Writes writes;
  state::TreeUpdate tree;  // the state tree's new and stale nodes; the store writes them
  crypto::Hash32 state_root{};
  // (address, position in block) of senders and recipients, for the history index.
  std::vector<std::pair<crypto::Address, std::uint32_t>> touched;
  // Set when the block's transactions changed the validator set: the updates (power 0
  // removes) and the members, in set order, of the set that signs height + 1.
  struct ValidatorChange {
    std::vector<chain::GenesisValidator> updates;
    std::vector<chain::GenesisValidator> validators;
  };
  std::optional<ValidatorChange> validator_change;
};

class Executor {
 public:
  // Validates the genesis (throws std::invalid_argument). The shared form lets the node and
  // the executor hold one copy of a genesis that may list millions of accounts.
  explicit Executor(std::shared_ptr<const chain::Genesis> genesis);
  explicit Executor(const chain::Genesis& genesis)
      : Executor(std::make_shared<const chain::Genesis>(genesis)) {}

  const chain::Genesis& genesis() const { return *genesis_; }

  // Stateless admission rules: version, chain id, encoded size, minimum fee, known payload
  // type whose handler accepts it. The signature is checked by the caller, once.
  chain::ResultCode check_stateless(const chain::Transaction& tx, std::size_t encoded_bytes) const;
  // fee + the payload's max_spend, saturating at 2^64-1. Only after check_stateless passed.
  std::uint64_t max_cost(const chain::Transaction& tx) const;

  // The genesis state: balances and supply. Root = state tree version 0 over these writes.
  state::Writes genesis_writes() const;
  crypto::Hash32 genesis_state_root() const;

  // Proposer: applies candidates in order, skipping (and listing in `excluded`) those whose
  // envelope is invalid against the state so far. Stops at the block's size limits.
  // `committed` is the state at ctx.height - 1, whose tree root must be previous_root.
  BlockOutcome build(const state::CommittedState& committed, const crypto::Hash32& previous_root,
                     std::span<const CheckedTx> candidates, const BlockContext& ctx) const {
    return build(committed, committed, previous_root, candidates, ctx);
  }
  // The same with values read through another view of that same committed state (a cache
  // in front of the store) and the tree's nodes from the store.
  BlockOutcome build(const state::StateView& values, const state::NodeReader& tree,
                     const crypto::Hash32& previous_root, std::span<const CheckedTx> candidates,
                     const BlockContext& ctx) const;
  // Validator: applies a proposed block; every transaction must pass, else nullopt and
  // *reason names the first offender (the proposer broke a rule).
  std::optional<BlockOutcome> replay(const state::CommittedState& committed, const crypto::Hash32& previous_root,
                                     std::span<const CheckedTx> txs, const BlockContext& ctx,
                                     chain::ResultCode* reason) const {
    return replay(committed, committed, previous_root, txs, ctx, reason);
  }
  std::optional<BlockOutcome> replay(const state::StateView& values, const state::NodeReader& tree,
                                     const crypto::Hash32& previous_root, std::span<const CheckedTx> txs,
                                     const BlockContext& ctx, chain::ResultCode* reason) const;

 private:
  // Applies one transaction to ws. Returns the envelope verdict: kOk means it is in the
  // block with *receipt filled in; anything else means nothing was written.
  chain::ResultCode apply_tx(state::WriteSet& ws, const chain::Transaction& tx, const crypto::Address& sender,
                             const BlockContext& ctx, chain::Receipt* receipt, std::uint64_t* burned) const;
  static void record_misbehaviour(state::WriteSet& ws, const BlockContext& ctx);
  BlockOutcome run(const state::StateView& values, const state::NodeReader& tree, const crypto::Hash32& previous_root,
                   std::span<const CheckedTx> txs, const BlockContext& ctx, bool skip_invalid,
                   chain::ResultCode* first_error) const;

  std::shared_ptr<const chain::Genesis> genesis_;
};

}  // namespace telco::exec
