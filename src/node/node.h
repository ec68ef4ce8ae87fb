// A Telcochain node: the store, the executor and the mempool wired together, exposed to the
// API through api::Backend. Blocks come from one of two writers:
//
// - the single-validator producer (genesis lists one validator, this node's key): a thread
//   that reaps the mempool, executes, signs and commits each block in one store batch as
//   soon as transactions wait (the time to commit one block is the batching window for the
//   next), or every interval when empty blocks are on;
// - the consensus service (node/consensus_service.h) when genesis lists several validators
//   or this node is not the validator: the Tendermint replica decides blocks with the other
//   validators over p2p, and this node's commit_decided() writes them.
//
// Either way exactly one thread writes state, and everything after the decision (store
// batch, state cache, mempool, subscribers) is the same code.
#pragma once

#include <atomic>
#include <chrono>
#include <deque>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <thread>

#include "api/backend.h"
#include "consensus/validator_set.h"
#include "crypto/ed25519.h"
#include "exec/executor.h"
#include "mempool/mempool.h"
#include "node/config.h"
#include "node/state_cache.h"
#include "storage/store.h"

namespace telco::node {

using Clock = std::function<std::uint64_t()>;  // wall-clock ms since the Unix epoch
std::uint64_t system_clock_ms();

// The store's options from the node configuration's storage section.
storage::StoreOptions store_options(const StorageConfig& c);

class ConsensusService;
class ChainApplication;

class Node final : public api::Backend {
 public:
  // Opens (or creates) the store under data_dir, applies genesis on the first start, and
  // checks that the store belongs to this genesis. Throws std::runtime_error with a
  // sentence otherwise.
  Node(std::shared_ptr<const chain::Genesis> genesis, const crypto::KeyPair& validator_key, const NodeConfig& config,
       const std::filesystem::path& data_dir, Clock clock = system_clock_ms);
  ~Node() override;

  // True when this node is the chain's only validator and produces blocks itself; false
  // when blocks must be decided by consensus (a ConsensusService drives the node).
  bool single_validator() const { return single_validator_; }

  void start();  // starts the producer thread (single_validator() only)
  void stop();   // stops it after the block in progress is committed; refuses new submissions

  // Produces and commits one block from what is pending now; returns false if there was
  // nothing to commit (and allow_empty is false). Called by the producer loop and by tests.
  bool produce_block(bool allow_empty);

  // api::Backend
  const chain::Genesis& genesis() const override { return *genesis_; }
  crypto::Hash32 genesis_hash() const override { return genesis_hash_; }
  api::ChainHead head() const override;
  api::MempoolStats mempool_stats() const override;
  std::vector<api::SubmitResult> submit(std::vector<chain::Transaction> txs) override;
  api::TxStatus tx_status(const crypto::Hash32& hash) const override;
  std::optional<api::BlockData> block_at(std::uint64_t height) const override;
  std::optional<chain::BlockHeader> header_at(std::uint64_t height) const override;
  std::optional<chain::Commit> commit_at(std::uint64_t height) const override;
  std::optional<std::uint64_t> height_of(const crypto::Hash32& block_hash) const override;
  api::AccountInfo account(const crypto::Address& address) const override;
  std::vector<std::pair<api::TxLocation, crypto::Hash32>> account_txs(
      const crypto::Address& address, std::size_t limit, std::optional<std::uint64_t> before_height) const override;
  std::uint64_t subscribe(std::function<void(const api::BlockEvent&)> on_block) override;
  void unsubscribe(std::uint64_t id) override;
  // Proofs and light clients (node_proofs.cpp).
  std::optional<std::uint64_t> state_oldest_height() const override;
  std::optional<api::StateProof> state_proof(ByteView key, std::uint64_t height) const override;
  // The store (reads are safe from any thread; a read during a commit sees that key before
  // or after the block).
  const state::StateView* committed_state() const override;
  std::vector<chain::GenesisValidator> validators_at(std::uint64_t height) const override;
  std::vector<api::ValidatorChange> validator_changes(std::uint64_t from, std::uint64_t to,
                                                      std::size_t limit) const override;

  // The validator set (with proposer priorities) that signs `height` >= 1: the last change
  // effective at or before it, advanced to it, or the genesis set (node_proofs.cpp). The one
  // place the node derives a set; a node restored from a snapshot seeds the change history
  // with the set its snapshot state holds.
  consensus::ValidatorSet validator_set_at(std::uint64_t height) const;

 private:
  friend class ConsensusService;
  friend class ChainApplication;

  // The one write path: stores a decided block with its commit and execution outcome in one
  // batch, then updates the head, the state cache, the mempool and the subscribers.
  // `invalid` lists mempool transactions the proposer found invalid (dropped with reasons).
  void commit_decided(const chain::Block& block, const chain::Commit& commit, exec::BlockOutcome outcome,
                      std::vector<crypto::Hash32> tx_hashes,
                      const std::vector<std::pair<crypto::Hash32, chain::ResultCode>>& invalid,
                      std::chrono::steady_clock::time_point started,
                      storage::Store::Durability durability = storage::Store::Durability::kPerOptions);
  storage::Head committed_head() const;
  void run_producer();
  // Adds the next_validators proof to the change record of the set that took effect at
  // `effective_height`, if it lacks one and version effective_height - 1 is still held.
  void complete_change_record(std::uint64_t effective_height);
  std::shared_ptr<const api::BlockData> load_block(std::uint64_t height) const;
  void remember_block(std::shared_ptr<const api::BlockData> data);

  const std::shared_ptr<const chain::Genesis> genesis_;
  const crypto::Hash32 genesis_hash_;
  const crypto::KeyPair validator_key_;
  const crypto::Address validator_address_;
  const NodeConfig config_;
  const Clock clock_;
  const bool single_validator_;
  std::unique_ptr<storage::Store> store_;
  // Committed state as the producer reads it; only the producer thread touches it.
  std::unique_ptr<StateCache> state_cache_;
  exec::Executor executor_;
  std::unique_ptr<mempool::Mempool> mempool_;

  mutable std::mutex head_mutex_;
  storage::Head head_;

  // Recent blocks kept decoded for the API and the event stream.
  static constexpr std::size_t kRecentBlocksMax = 64;
  mutable std::mutex recent_mutex_;
  std::deque<std::shared_ptr<const api::BlockData>> recent_;

  std::mutex subscribers_mutex_;
  std::map<std::uint64_t, std::function<void(const api::BlockEvent&)>> subscribers_;
  std::uint64_t next_subscriber_ = 1;

  std::atomic<bool> stopping_{false};
  std::thread producer_;
  // Called with every batch of newly admitted transactions (the consensus service gossips
  // them); set before the API starts, never changed after.
  std::function<void(const std::vector<chain::Transaction>&)> on_admitted_;
};

}  // namespace telco::node
