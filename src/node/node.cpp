#include "node/node.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>

#include "chain/merkle.h"
#include "modules/bank/account.h"
#include "modules/validator/payloads.h"
#include "modules/validator/state.h"
#include "node/validator_history.h"

namespace telco::node {

std::uint64_t system_clock_ms() {
  return static_cast<std::uint64_t>(std::chrono::duration_cast<std::chrono::milliseconds>(
                                        std::chrono::system_clock::now().time_since_epoch())
                                        .count());
}

storage::StoreOptions store_options(const StorageConfig& c) {
  storage::StoreOptions o;
  o.sync = c.sync;
  o.block_cache_bytes = std::size_t{c.cache_mb} << 20;
  o.row_cache_bytes = std::size_t{c.row_cache_mb} << 20;
  o.state_cache_bytes = std::size_t{c.state_cache_mb} << 20;
  o.state_versions_kept = c.state_versions_kept;
  return o;
}

namespace {

mempool::MempoolConfig mempool_config(const NodeConfig& c) {
  mempool::MempoolConfig m;
  m.txs_max = c.mempool.txs_max;
  m.bytes_max = c.mempool.bytes_max;
  m.verify_threads = c.mempool.verify_threads ? c.mempool.verify_threads : std::max(1u, std::thread::hardware_concurrency());
  return m;
}

}  // namespace

Node::Node(std::shared_ptr<const chain::Genesis> genesis, const crypto::KeyPair& validator_key, const NodeConfig& config,
           const std::filesystem::path& data_dir, Clock clock)
    : genesis_(std::move(genesis)),
      genesis_hash_(genesis_->hash()),
      validator_key_(validator_key),
      validator_address_(crypto::Address::from_public_key(validator_key.public_key())),
      config_(config),
      clock_(std::move(clock)),
      single_validator_(genesis_->validators.size() == 1 &&
                        genesis_->validators[0].public_key == validator_key.public_key()),
      executor_(genesis_) {
  store_ = storage::Store::open(data_dir, store_options(config_.storage));
  if (auto stored = store_->genesis_hash(); stored && *stored != genesis_hash_) {
    throw std::runtime_error("data directory " + data_dir.string() + " belongs to a chain with another genesis (" +
                             crypto::to_hex(*stored) + ")");
  }
  if (!store_->head()) {
    const state::Writes writes = executor_.genesis_writes();
    store_->init_genesis(genesis_hash_, writes, state::genesis_tree(writes), genesis_->genesis_time_ms);
    spdlog::info("initialised chain {} from genesis {}", genesis_->chain_id, crypto::to_hex(genesis_hash_));
  }
  head_ = *store_->head();
  // A node restored from a state snapshot has the chain's current set in state but none of
  // the change history before the snapshot: the state's record seeds it.
  if (auto record = modules::validator::load_set(*store_); record && record->effective_height > 1) {
    const std::uint64_t e = record->effective_height;
    const auto known = store_->validator_change_at_or_before(e);
    if (!known || known->first != e) {
      store_->put_validator_change(
          e, encode_change_record({e, modules::validator::load_updates(*store_), std::move(record->validators), {}}));
    }
  }
  // A crash between a change's block batch and its proof leaves the record without one.
  if (auto last = store_->validator_change_at_or_before(head_.height + 1)) complete_change_record(last->first);
  state_cache_ = std::make_unique<StateCache>(*store_);
  mempool_ = std::make_unique<mempool::Mempool>(executor_, *store_, mempool_config(config_));
  spdlog::info("chain {} at height {} (state root {})", genesis_->chain_id, head_.height,
               crypto::to_hex(head_.state_root));
}

Node::~Node() { stop(); }

void Node::start() {
  if (!single_validator_) throw std::logic_error("Node::start: blocks of this chain are decided by consensus");
  if (producer_.joinable()) return;
  stopping_ = false;
  producer_ = std::thread([this] { run_producer(); });
}

void Node::stop() {
  stopping_ = true;
  mempool_->wake_waiters();
  if (producer_.joinable()) producer_.join();
}

void Node::run_producer() {
  using namespace std::chrono;
  // Waits are capped so stop() is noticed quickly.
  constexpr auto kWaitMax = milliseconds(50);
  auto last_block = steady_clock::now();
  const auto interval = milliseconds(config_.block.interval_ms);
  while (!stopping_) {
    const bool pending = mempool_->wait_for_pending(steady_clock::now() + kWaitMax);
    if (stopping_) break;
    const bool empty_due = config_.block.empty_blocks && steady_clock::now() - last_block >= interval;
    if (!pending && !empty_due) continue;
    try {
      if (produce_block(empty_due)) last_block = steady_clock::now();
    } catch (const storage::StorageError& e) {
      // A local failure (disk full, I/O error): stop producing rather than risk a fork of
      // our own history; the operator fixes the disk and restarts.
      spdlog::critical("storage failure, block production stopped: {}", e.what());
      stopping_ = true;
    }
  }
}

bool Node::produce_block(bool allow_empty) {
  const auto started = std::chrono::steady_clock::now();
  const chain::ChainParams& params = genesis_->params;
  const auto pending = mempool_->reap(params.max_block_txs, params.max_block_bytes);
  std::vector<exec::CheckedTx> candidates;
  candidates.reserve(pending.size());
  for (const auto& p : pending) candidates.push_back({&p->tx, p->hash, p->encoded_bytes});

  const storage::Head parent = head_;  // only this thread writes head_
  const exec::BlockContext ctx{parent.height + 1, std::max(clock_(), parent.time_ms + 1)};
  exec::BlockOutcome outcome = executor_.build(*state_cache_, *store_, parent.state_root, candidates, ctx);

  std::vector<std::pair<crypto::Hash32, chain::ResultCode>> invalid;
  for (const auto& [index, code] : outcome.excluded) invalid.emplace_back(pending[index]->hash, code);
  if (outcome.included.empty() && !allow_empty) {
    mempool_->on_block_committed({}, invalid);
    return false;
  }

  chain::Block block;
  std::vector<crypto::Hash32> tx_hashes;
  tx_hashes.reserve(outcome.included.size());
  block.txs.reserve(outcome.included.size());
  for (std::size_t index : outcome.included) {
    block.txs.push_back(pending[index]->tx);
    tx_hashes.push_back(pending[index]->hash);
  }
  chain::BlockHeader& h = block.header;
  h.chain_id = genesis_->chain_id;
  h.height = ctx.height;
  h.time_ms = ctx.time_ms;
  h.prev_hash = parent.hash;
  if (parent.height > 0) block.last_commit = store_->commit(parent.height).value();
  h.last_commit_hash = block.last_commit.hash();
  h.tx_root = chain::merkle_root(tx_hashes);
  h.tx_count = static_cast<std::uint32_t>(block.txs.size());
  h.receipts_root = chain::receipts_root(outcome.receipts);
  h.state_root = outcome.state_root;
  h.validators_hash = genesis_->validators_hash();
  h.proposer = validator_address_;
  const crypto::Hash32 hash = h.hash();
  const std::uint64_t vote_time = ctx.time_ms;
  const chain::Commit commit{h.height, 0, hash,
                             {{validator_key_.public_key(), vote_time,
                               validator_key_.sign(chain::vote_signing_bytes(h.chain_id, chain::kVotePrecommit,
                                                                             h.height, 0, hash, vote_time))}}};

  commit_decided(block, commit, std::move(outcome), std::move(tx_hashes), invalid, started);
  return true;
}

storage::Head Node::committed_head() const {
  std::lock_guard lock(head_mutex_);
  return head_;
}

void Node::commit_decided(const chain::Block& block, const chain::Commit& commit, exec::BlockOutcome outcome,
                          std::vector<crypto::Hash32> tx_hashes,
                          const std::vector<std::pair<crypto::Hash32, chain::ResultCode>>& invalid,
                          std::chrono::steady_clock::time_point started, storage::Store::Durability durability) {
  const chain::BlockHeader& h = block.header;
  auto data = std::make_shared<api::BlockData>();
  data->block = block;
  data->hash = h.hash();
  data->commit = commit;
  data->tx_hashes = std::move(tx_hashes);
  data->receipts = std::move(outcome.receipts);
  std::optional<Bytes> change;
  if (outcome.validator_change) {
    change = encode_change_record({h.height + 1, outcome.validator_change->updates,
                                   outcome.validator_change->validators, {}});
  }
  store_->commit_block({data->block, data->hash, data->tx_hashes, data->receipts, data->commit, outcome.writes,
                        outcome.touched, change ? &*change : nullptr},
                       outcome.tree, durability);
  if (change) {
    complete_change_record(h.height + 1);
    spdlog::info("block {} changes the validator set from height {}: {} validators", h.height, h.height + 1,
                 outcome.validator_change->validators.size());
  }
  state_cache_->apply(outcome.writes);
  {
    std::lock_guard lock(head_mutex_);
    head_ = {h.height, data->hash, h.time_ms, h.state_root};
  }
  mempool_->on_block_committed(data->tx_hashes, invalid);
  remember_block(data);
  {
    std::lock_guard lock(subscribers_mutex_);
    const api::BlockEvent event{data};
    for (const auto& [id, callback] : subscribers_) callback(event);
  }
  const auto took_us = std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - started);
  // Block sync commits thousands a second (deferred) and logs its own progress.
  spdlog::log(durability == storage::Store::Durability::kDeferred ? spdlog::level::debug : spdlog::level::info,
              "committed block {} txs={} hash={} round={} signers={} in {:.1f} ms", h.height, h.tx_count,
              crypto::to_hex(data->hash).substr(0, 16), commit.round, commit.signatures.size(),
              took_us.count() / 1000.0);
}

void Node::remember_block(std::shared_ptr<const api::BlockData> data) {
  std::lock_guard lock(recent_mutex_);
  recent_.push_back(std::move(data));
  while (recent_.size() > kRecentBlocksMax) recent_.pop_front();
}

std::shared_ptr<const api::BlockData> Node::load_block(std::uint64_t height) const {
  {
    std::lock_guard lock(recent_mutex_);
    if (!recent_.empty() && height >= recent_.front()->block.header.height &&
        height <= recent_.back()->block.header.height) {
      return recent_[height - recent_.front()->block.header.height];
    }
  }
  auto block = store_->block(height);
  if (!block) return nullptr;
  auto data = std::make_shared<api::BlockData>();
  data->hash = block->header.hash();
  data->block = std::move(*block);
  data->receipts = store_->receipts(height).value_or(std::vector<chain::Receipt>{});
  data->commit = store_->commit(height).value_or(chain::Commit{});
  return data;
}

api::ChainHead Node::head() const {
  std::lock_guard lock(head_mutex_);
  return {head_.height, head_.hash, head_.time_ms, head_.state_root};
}

api::MempoolStats Node::mempool_stats() const {
  return {mempool_->size(), mempool_->bytes(), mempool_->config().txs_max, mempool_->config().bytes_max};
}

std::vector<api::SubmitResult> Node::submit(std::vector<chain::Transaction> txs) {
  std::vector<api::SubmitResult> out;
  if (stopping_) {
    out.reserve(txs.size());
    for (const auto& tx : txs) out.push_back({tx.hash(), chain::ResultCode::kShuttingDown});
    return out;
  }
  if (single_validator_) {
    // The producer signs every block alone: changing its set needs the consensus service.
    const auto is_change = [](const chain::Transaction& tx) {
      return tx.payload.type == modules::validator::ValidatorUpdatePayload::kType;
    };
    if (std::any_of(txs.begin(), txs.end(), is_change)) {
      std::vector<chain::Transaction> kept;
      std::vector<std::size_t> kept_at;
      out.resize(txs.size());
      for (std::size_t i = 0; i < txs.size(); ++i) {
        if (is_change(txs[i])) {
          out[i] = {txs[i].hash(), chain::ResultCode::kNotOnThisNode};
        } else {
          kept_at.push_back(i);
          kept.push_back(std::move(txs[i]));
        }
      }
      const auto results = submit(std::move(kept));
      for (std::size_t k = 0; k < results.size(); ++k) out[kept_at[k]] = results[k];
      return out;
    }
  }
  std::vector<chain::Transaction> copies;
  if (on_admitted_) copies = txs;
  const auto admissions = mempool_->submit(std::move(txs));
  out.reserve(admissions.size());
  std::vector<chain::Transaction> admitted;
  for (std::size_t i = 0; i < admissions.size(); ++i) {
    out.push_back({admissions[i].hash, admissions[i].code});
    if (on_admitted_ && admissions[i].code == chain::ResultCode::kOk) admitted.push_back(std::move(copies[i]));
  }
  if (!admitted.empty()) on_admitted_(admitted);
  return out;
}

api::TxStatus Node::tx_status(const crypto::Hash32& hash) const {
  api::TxStatus status;
  if (auto pending = mempool_->find(hash)) {
    status.state = api::TxState::kPending;
    status.tx = pending->tx;
    return status;
  }
  if (auto loc = store_->tx_location(hash)) {
    auto data = load_block(loc->height);
    if (data && loc->index < data->block.txs.size()) {
      status.state = api::TxState::kFinalized;
      status.tx = data->block.txs[loc->index];
      status.location = api::TxLocation{loc->height, loc->index};
      if (loc->index < data->receipts.size()) status.receipt = data->receipts[loc->index];
      status.block_hash = data->hash;
      status.block_time_ms = data->block.header.time_ms;
      return status;
    }
  }
  if (auto code = mempool_->rejection(hash)) {
    status.state = api::TxState::kRejected;
    status.rejection = *code;
  }
  return status;
}

std::optional<api::BlockData> Node::block_at(std::uint64_t height) const {
  auto data = load_block(height);
  if (!data) return std::nullopt;
  return *data;
}

std::optional<chain::BlockHeader> Node::header_at(std::uint64_t height) const {
  return store_->header(height);
}

std::optional<chain::Commit> Node::commit_at(std::uint64_t height) const { return store_->commit(height); }

std::optional<std::uint64_t> Node::height_of(const crypto::Hash32& block_hash) const {
  return store_->height_of(block_hash);
}

const state::StateView* Node::committed_state() const { return store_.get(); }

api::AccountInfo Node::account(const crypto::Address& address) const {
  const modules::bank::Account a = modules::bank::load_account(*store_, address);
  const mempool::SenderState s = mempool_->sender(address);
  return {a.balance, a.nonce, s.next_nonce.value_or(a.nonce), s.pending};
}

std::vector<std::pair<api::TxLocation, crypto::Hash32>> Node::account_txs(
    const crypto::Address& address, std::size_t limit, std::optional<std::uint64_t> before_height) const {
  std::vector<std::pair<api::TxLocation, crypto::Hash32>> out;
  for (const auto& [loc, hash] : store_->account_txs(address, limit, before_height)) {
    out.push_back({api::TxLocation{loc.height, loc.index}, hash});
  }
  return out;
}

std::uint64_t Node::subscribe(std::function<void(const api::BlockEvent&)> on_block) {
  std::lock_guard lock(subscribers_mutex_);
  const std::uint64_t id = next_subscriber_++;
  subscribers_.emplace(id, std::move(on_block));
  return id;
}

void Node::unsubscribe(std::uint64_t id) {
  std::lock_guard lock(subscribers_mutex_);
  subscribers_.erase(id);
}

}  // namespace telco::node
