#include "exec/executor.h"

#include <stdexcept>

#include "codec/writer.h"
#include "modules/bank/account.h"
#include "modules/registry.h"
#include "modules/validator/state.h"
#include "util/checked.h"

namespace telco::exec {
namespace {

class EmptyView final : public state::StateView {
 public:
  std::optional<Bytes> get(ByteView) const override { return std::nullopt; }
};

}  // namespace

Executor::Executor(std::shared_ptr<const chain::Genesis> genesis) : genesis_(std::move(genesis)) {
  chain::validate(*genesis_);
}

chain::ResultCode Executor::check_stateless(const chain::Transaction& tx, std::size_t encoded_bytes) const {
  using chain::ResultCode;
  if (tx.version != chain::kTxVersion) return ResultCode::kUnsupportedVersion;
  if (tx.chain_id != genesis_->chain_id) return ResultCode::kWrongChainId;
  if (encoded_bytes > genesis_->params.max_tx_bytes) return ResultCode::kTxTooLarge;
  if (tx.fee < genesis_->params.min_fee) return ResultCode::kFeeBelowMinimum;
  const modules::PayloadHandler* handler = modules::find_handler(tx.payload.type);
  if (!handler) return ResultCode::kUnknownPayloadType;
  return handler->check(tx.payload);
}

std::uint64_t Executor::max_cost(const chain::Transaction& tx) const {
  const modules::PayloadHandler* handler = modules::find_handler(tx.payload.type);
  std::uint64_t cost = tx.fee;
  if (handler && !checked_add(cost, handler->max_spend(tx.payload), &cost)) return UINT64_MAX;
  return cost;
}

state::Writes Executor::genesis_writes() const {
  EmptyView empty;
  state::WriteSet ws(empty);
  for (const chain::GenesisAccount& a : genesis_->accounts) {
    modules::bank::store_account(ws, a.address, {a.balance, 0});
  }
  modules::bank::store_supply(ws, {genesis_->total_supply(), 0});
  modules::write_genesis_state(*genesis_, ws);
  return ws.writes();
}

crypto::Hash32 Executor::genesis_state_root() const {
  return state::genesis_tree(genesis_writes()).root_hash;
}

chain::ResultCode Executor::apply_tx(state::WriteSet& ws, const chain::Transaction& tx, const crypto::Address& sender,
                                     const BlockContext& ctx, chain::Receipt* receipt, std::uint64_t* burned) const {
  using chain::ResultCode;
  modules::bank::Account account = modules::bank::load_account(ws, sender);
  if (tx.nonce < account.nonce) return ResultCode::kNonceTooLow;
  if (tx.nonce > account.nonce) return ResultCode::kNonceTooHigh;
  if (account.balance < tx.fee) return ResultCode::kCannotPayFee;
  account.balance -= tx.fee;
  account.nonce += 1;
  modules::bank::store_account(ws, sender, account);
  *burned += tx.fee;  // cannot overflow: burned <= genesis supply < 2^64

  const modules::PayloadHandler* handler = modules::find_handler(tx.payload.type);
  if (!handler) throw std::logic_error("apply_tx on a transaction that failed check_stateless");
  const std::size_t savepoint = ws.savepoint();
  const std::size_t oversized = ws.oversized_puts();
  modules::TxContext tctx{tx, sender, ctx.height, ctx.time_ms, ws};
  ResultCode code = handler->apply(tctx, tx.payload);
  // A record beyond the state tree's bounds fails the transaction (fee charged), whatever
  // module wrote it: no transaction may make the block unbuildable.
  if (code == ResultCode::kOk && ws.oversized_puts() != oversized) code = ResultCode::kStateValueTooLarge;
  if (code != ResultCode::kOk) ws.rollback(savepoint);
  *receipt = {code, tx.fee};
  return ResultCode::kOk;
}

void Executor::record_misbehaviour(state::WriteSet& ws, const BlockContext& ctx) {
  for (const Misbehaviour& m : ctx.misbehaviour) {
    const Bytes key = misbehaviour_key(m);
    if (ws.get(key)) throw std::logic_error("misbehaviour recorded twice: the caller must filter repeats");
    codec::Writer record(40);
    record.u64(ctx.height);
    record.fixed(m.evidence_hash);
    ws.put(key, record.take());
    codec::Writer count(8);
    count.u64(misbehaviour_count(ws, m.validator) + 1);
    ws.put(misbehaviour_count_key(m.validator), count.take());
  }
}

BlockOutcome Executor::run(const state::StateView& values, const state::NodeReader& tree,
                           const crypto::Hash32& previous_root,
                           std::span<const CheckedTx> txs, const BlockContext& ctx, bool skip_invalid,
                           chain::ResultCode* first_error) const {
  state::WriteSet ws(values);
  BlockOutcome out;
  std::uint64_t burned = 0;
  std::size_t block_bytes = 0;
  const chain::ChainParams& params = genesis_->params;
  record_misbehaviour(ws, ctx);
  for (std::size_t i = 0; i < txs.size(); ++i) {
    const chain::Transaction& tx = *txs[i].tx;
    const std::size_t tx_bytes = txs[i].encoded_bytes;
    if (out.included.size() >= params.max_block_txs || block_bytes + tx_bytes > params.max_block_bytes) {
      if (!skip_invalid && first_error) *first_error = chain::ResultCode::kTxTooLarge;
      if (!skip_invalid) return out;
      break;
    }
    const crypto::Address sender = tx.sender_address();
    chain::Receipt receipt;
    const chain::ResultCode verdict = apply_tx(ws, tx, sender, ctx, &receipt, &burned);
    if (verdict != chain::ResultCode::kOk) {
      out.excluded.emplace_back(i, verdict);
      if (!skip_invalid) {
        if (first_error) *first_error = verdict;
        return out;
      }
      continue;
    }
    const auto position = static_cast<std::uint32_t>(out.included.size());
    out.included.push_back(i);
    out.receipts.push_back(receipt);
    block_bytes += tx_bytes;
    out.touched.emplace_back(sender, position);
    for (const crypto::Address& other : modules::find_handler(tx.payload.type)->counterparties(tx.payload)) {
      if (other != sender) out.touched.emplace_back(other, position);
    }
  }
  if (burned > 0) {
    modules::bank::Supply supply = modules::bank::load_supply(ws);
    if (!checked_sub(supply.total, burned, &supply.total) || !checked_add(supply.burned, burned, &supply.burned)) {
      throw std::logic_error("supply accounting underflow: state is corrupt");
    }
    modules::bank::store_supply(ws, supply);
  }
  if (auto change = modules::validator::change_made_by_block(ws, ctx.height)) {
    out.validator_change = BlockOutcome::ValidatorChange{std::move(change->updates), std::move(change->validators)};
  }
  out.writes = ws.writes();
  out.tree = state::advance_tree(tree, ctx.height, previous_root, out.writes);
  out.state_root = out.tree.root_hash;
  return out;
}

BlockOutcome Executor::build(const state::StateView& values, const state::NodeReader& tree,
                             const crypto::Hash32& previous_root, std::span<const CheckedTx> candidates,
                             const BlockContext& ctx) const {
  return run(values, tree, previous_root, candidates, ctx, true, nullptr);
}

std::optional<BlockOutcome> Executor::replay(const state::StateView& values, const state::NodeReader& tree,
                                             const crypto::Hash32& previous_root, std::span<const CheckedTx> txs,
                                             const BlockContext& ctx, chain::ResultCode* reason) const {
  chain::ResultCode first = chain::ResultCode::kOk;
  BlockOutcome out = run(values, tree, previous_root, txs, ctx, false, &first);
  if (first != chain::ResultCode::kOk) {
    if (reason) *reason = first;
    return std::nullopt;
  }
  return out;
}

}  // namespace telco::exec
