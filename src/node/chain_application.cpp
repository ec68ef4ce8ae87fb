#include "node/chain_application.h"

#include <spdlog/spdlog.h>

#include "chain/limits.h"
#include "chain/merkle.h"
#include "node/node.h"

namespace telco::node {

namespace {

// Membership is all evidence needs of a set: no proposer priorities to advance.
consensus::ValidatorSet members_at(const Node& node, std::uint64_t height) {
  auto set = consensus::ValidatorSet::create(node.validators_at(height));
  if (!set) throw std::runtime_error("stored validator set of height " + std::to_string(height) + " is invalid");
  return std::move(*set);
}

std::vector<exec::Misbehaviour> offences_of(const std::vector<Bytes>& items) {
  std::vector<exec::Misbehaviour> out;
  out.reserve(items.size());
  for (const Bytes& item : items) out.push_back(misbehaviour_of(*consensus::decode_evidence(item)));
  return out;
}

}  // namespace

ChainApplication::ChainApplication(Node& node, std::size_t verify_threads)
    : node_(node), verify_pool_(verify_threads) {}

ChainApplication::EvidenceVerdict ChainApplication::add_evidence(const consensus::DuplicateVoteEvidence& e,
                                                                std::string* reason) {
  const std::uint64_t head = node_.committed_head().height;
  if (e.first.height > head + 1 || e.first.height + kEvidenceAgeMax < head + 1) {
    if (reason) *reason = "the offence's height is ahead of this node or past the evidence age limit";
    return EvidenceVerdict::kNotKept;
  }
  const consensus::EvidenceError verdict =
      e.first.height == 0 ? consensus::EvidenceError::kUnknownValidator
                          : consensus::verify_evidence(e, node_.genesis_->chain_id, members_at(node_, e.first.height));
  if (verdict != consensus::EvidenceError::kOk) {
    if (reason) *reason = consensus::describe(verdict);
    return EvidenceVerdict::kInvalid;
  }
  if (exec::load_misbehaviour(*node_.state_cache_, misbehaviour_of(e)) || !evidence_.add(e)) {
    if (reason) *reason = "already recorded, already pending, or the evidence pool is full";
    return EvidenceVerdict::kNotKept;
  }
  return EvidenceVerdict::kAdded;
}

chain::Block ChainApplication::prepare_proposal(const chain::BlockHeader& header, const chain::Commit& last_commit) {
  const chain::ChainParams& params = node_.genesis_->params;
  const auto pending = node_.mempool_->reap(params.max_block_txs, params.max_block_bytes);
  std::vector<exec::CheckedTx> candidates;
  candidates.reserve(pending.size());
  for (const auto& p : pending) candidates.push_back({&p->tx, p->hash, p->encoded_bytes});

  chain::Block block;
  block.evidence = evidence_.for_block(header.height, *node_.state_cache_, chain::kBlockEvidenceMax);
  const std::vector<exec::Misbehaviour> offences = offences_of(block.evidence);

  const storage::Head parent = node_.committed_head();
  const exec::BlockContext ctx{header.height, header.time_ms, offences};
  auto executed = std::make_shared<Executed>();
  executed->outcome = node_.executor_.build(*node_.state_cache_, *node_.store_, parent.state_root, candidates, ctx);
  exec::BlockOutcome& outcome = executed->outcome;
  for (const auto& [index, code] : outcome.excluded) executed->invalid.emplace_back(pending[index]->hash, code);

  block.header = header;
  block.last_commit = last_commit;
  block.txs.reserve(outcome.included.size());
  executed->tx_hashes.reserve(outcome.included.size());
  for (std::size_t index : outcome.included) {
    block.txs.push_back(pending[index]->tx);
    executed->tx_hashes.push_back(pending[index]->hash);
  }
  chain::BlockHeader& h = block.header;
  h.tx_root = chain::merkle_root(executed->tx_hashes);
  h.tx_count = static_cast<std::uint32_t>(block.txs.size());
  h.receipts_root = chain::receipts_root(outcome.receipts);
  h.state_root = outcome.state_root;
  h.evidence_root = chain::evidence_root(block.evidence);
  executed_[h.hash()] = std::move(executed);
  return block;
}

std::optional<ChainApplication::Executed> ChainApplication::execute(const chain::Block& block,
                                                                    bool verify_signatures) {
  const chain::BlockHeader& h = block.header;
  std::string why;
  const auto offences = verify_block_evidence(block.evidence, h.height, node_.genesis_->chain_id,
                                              [this](std::uint64_t height) { return members_at(node_, height); },
                                              *node_.state_cache_, &why);
  if (!offences) {
    spdlog::warn("proposal {} at height {}: {}", crypto::to_hex(h.hash()).substr(0, 16), h.height, why);
    return std::nullopt;
  }
  const std::size_t n = block.txs.size();
  Executed executed;
  executed.tx_hashes.resize(n);
  std::vector<std::size_t> sizes(n);
  std::vector<chain::ResultCode> verdicts(n, chain::ResultCode::kOk);
  // Transactions already in our mempool had their signature checked on admission; only the
  // others are checked here, across the verify pool — unless the block came with a verified
  // commit (process_committed), whose signers checked them all.
  std::vector<std::size_t> to_verify;
  for (std::size_t i = 0; i < n; ++i) {
    const Bytes encoded = block.txs[i].encode();
    sizes[i] = encoded.size();
    executed.tx_hashes[i] = crypto::blake2b_256(encoded);  // = tx.hash(), without encoding twice
    verdicts[i] = node_.executor_.check_stateless(block.txs[i], sizes[i]);
    if (verify_signatures && verdicts[i] == chain::ResultCode::kOk && !node_.mempool_->find(executed.tx_hashes[i])) {
      to_verify.push_back(i);
    }
  }
  verify_pool_.run(to_verify.size(), [&](std::size_t k) {
    const std::size_t i = to_verify[k];
    if (!block.txs[i].verify_signature()) verdicts[i] = chain::ResultCode::kBadSignature;
  });
  for (std::size_t i = 0; i < n; ++i) {
    if (verdicts[i] != chain::ResultCode::kOk) {
      spdlog::warn("proposal {} at height {}: transaction {} refused: {}", crypto::to_hex(h.hash()).substr(0, 16),
                   h.height, i, chain::result_message(verdicts[i]));
      return std::nullopt;
    }
  }
  std::vector<exec::CheckedTx> txs;
  txs.reserve(n);
  for (std::size_t i = 0; i < n; ++i) txs.push_back({&block.txs[i], executed.tx_hashes[i], sizes[i]});
  const storage::Head parent = node_.committed_head();
  chain::ResultCode reason = chain::ResultCode::kOk;
  auto outcome = node_.executor_.replay(*node_.state_cache_, *node_.store_, parent.state_root, txs,
                                        {h.height, h.time_ms, *offences}, &reason);
  if (!outcome) {
    spdlog::warn("proposal at height {}: a transaction is invalid in order: {}", h.height, chain::result_message(reason));
    return std::nullopt;
  }
  if (h.tx_root != chain::merkle_root(executed.tx_hashes) || h.tx_count != n ||
      h.receipts_root != chain::receipts_root(outcome->receipts) || h.state_root != outcome->state_root) {
    spdlog::warn("proposal at height {}: header execution fields differ from executing its transactions", h.height);
    return std::nullopt;
  }
  executed.outcome = std::move(*outcome);
  return executed;
}

bool ChainApplication::process_committed(const chain::Block& block) {
  const crypto::Hash32 hash = block.header.hash();
  if (executed_.contains(hash)) return true;
  auto executed = execute(block, false);
  if (!executed) return false;
  remember(hash, std::move(*executed));
  return true;
}

void ChainApplication::remember(const crypto::Hash32& hash, Executed executed) {
  if (executed_.size() >= kExecutedMax) executed_.erase(executed_.begin());
  executed_[hash] = std::make_shared<Executed>(std::move(executed));
}

bool ChainApplication::process_proposal(const chain::Block& block) {
  const crypto::Hash32 hash = block.header.hash();
  if (executed_.contains(hash)) return true;  // our own proposal, or checked before
  auto executed = execute(block);
  if (!executed) return false;
  remember(hash, std::move(*executed));
  return true;
}

consensus::Application::Finalized ChainApplication::finalize_block(const chain::Block& block,
                                                                   const chain::Commit& commit) {
  const crypto::Hash32 hash = block.header.hash();
  auto it = executed_.find(hash);
  if (it == executed_.end()) {
    // Consensus asks valid(v) before deciding; a decided block we never executed is a bug.
    auto executed = execute(block);
    if (!executed) throw std::logic_error("finalize_block: a decided block does not execute");
    remember(hash, std::move(*executed));
    it = executed_.find(hash);
  }
  pending_ = Pending{block, commit, it->second, std::chrono::steady_clock::now()};
  std::vector<consensus::ValidatorUpdate> updates;
  if (const auto& change = it->second->outcome.validator_change) {
    for (const chain::GenesisValidator& u : change->updates) updates.push_back({u.public_key, u.power, u.name});
  }
  return {it->second->outcome.state_root, std::move(updates)};
}

void ChainApplication::commit() { commit_pending(storage::Store::Durability::kPerOptions); }

void ChainApplication::commit_deferred() { commit_pending(storage::Store::Durability::kDeferred); }

void ChainApplication::sync() { node_.store_->sync(); }

void ChainApplication::commit_pending(storage::Store::Durability durability) {
  if (!pending_) throw std::logic_error("commit without a finalized block");
  Pending p = std::move(*pending_);
  pending_.reset();
  executed_.clear();  // proposals of the decided height are of no further use
  evidence_.committed(p.block);
  Executed& e = *p.executed;
  node_.commit_decided(p.block, p.commit, std::move(e.outcome), std::move(e.tx_hashes), e.invalid, p.decided,
                       durability);
}

}  // namespace telco::node
