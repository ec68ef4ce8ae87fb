// The node's durable store: RocksDB with one column family per record kind.
//
//   meta         "genesis" -> genesis hash; "head" -> the last committed height's summary
//   headers      height -> header          blocks   height -> full block
//   commits      height -> commit          receipts height -> list<receipt>
//   block_index  block hash -> height      tx_index tx hash -> (height, index)
//   account_txs  address||height||index -> tx hash (history of senders and recipients)
//   state        state key -> value (state/prefixes.h): the latest values, for execution
//   smt_nodes, smt_stale  the versioned state tree and its pruning index (tree_store.h)
//
// commit_block() writes a block, its receipts, commit, indexes, state writes and the new
// head, and the state tree's new nodes and pruning, in ONE WriteBatch: after a crash at any instant the store
// holds either all of the block or none of it. With sync on (the default) the batch is fsync'ed before
// returning, so a block reported committed survives power loss.
//
// Thread safety: one writer (the block producer) calls commit_block/init_genesis; any
// number of readers may call the const methods concurrently.
#pragma once

#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <stdexcept>
#include <vector>

#include "chain/block.h"
#include "state/commitment.h"
#include "state/state_view.h"
#include "state/write_set.h"

namespace rocksdb {
class WriteBatch;
struct WriteOptions;
}

namespace telco::storage {

// A local failure (disk full, corruption, permission): not any peer's fault; the node stops.
class StorageError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// State tree versions (heights) kept provable by default; older ones are pruned.
inline constexpr std::uint64_t kStateVersionsKeptDefault = 1000;
// At most this many versions are pruned in one block's batch, so a lowered window catches
// up over a few blocks instead of making one batch unbounded.
inline constexpr std::uint64_t kPruneVersionsPerBatchMax = 8;

struct StoreOptions {
  bool sync = true;  // fsync every committed block
  std::size_t block_cache_bytes = 128 << 20;
  // Whole key-value pairs read by point lookups (RocksDB's row cache), 0 = none. A hit skips
  // the filter, index and data-block probes of every level: worth it when one family's hot
  // records fit (10M device records need about 2.5 GiB; docs/PERFORMANCE.md "Device identity").
  std::size_t row_cache_bytes = 0;
  // Latest state values (accounts, devices, names) kept in memory in front of the state
  // family (storage/state_value_cache.h), 0 = none. Cheaper per hit than the row cache: one
  // hash probe instead of a lookup per level. 10M device records took 3.7 GiB of RSS.
  std::size_t state_cache_bytes = 0;
  std::uint64_t state_versions_kept = kStateVersionsKeptDefault;  // >= 2
};

// What the state value cache holds and how it served (all zero without one).
struct StateCacheStats {
  std::size_t entries = 0;
  std::size_t bytes = 0;
  std::uint64_t hits = 0;
  std::uint64_t misses = 0;
};

struct Head {
  std::uint64_t height = 0;
  crypto::Hash32 hash{};
  std::uint64_t time_ms = 0;
  crypto::Hash32 state_root{};
  bool operator==(const Head&) const = default;
};

// Everything one committed block adds to the store.
struct BlockRecord {
  const chain::Block& block;
  const crypto::Hash32& block_hash;
  const std::vector<crypto::Hash32>& tx_hashes;
  const std::vector<chain::Receipt>& receipts;
  const chain::Commit& commit;
  const state::Writes& writes;
  // (address, tx index) pairs for the account history index: senders and recipients.
  const std::vector<std::pair<crypto::Address, std::uint32_t>>& touched;
  // When the block changes the validator set: the change record (node/validator_history.h),
  // stored under the height the new set takes effect, height + 1.
  const Bytes* validator_change = nullptr;
};

struct TxLocation {
  std::uint64_t height = 0;
  std::uint32_t index = 0;
};

class Store final : public state::CommittedState {
 public:
  static std::unique_ptr<Store> open(const std::filesystem::path& dir, const StoreOptions& options);
  ~Store() override;
  Store(const Store&) = delete;
  Store& operator=(const Store&) = delete;

  // state::StateView over committed state.
  std::optional<Bytes> get(ByteView key) const override;
  StateCacheStats state_cache_stats() const;
  // state::NodeReader over the state tree's nodes (state::get_with_proof reads through it).
  std::optional<Bytes> get_node(ByteView node_key) const override;
  // The oldest height whose state tree is still whole (provable); newer ones all are.
  state::Version state_oldest_version() const;

  std::optional<crypto::Hash32> genesis_hash() const;
  // Head at height 0 = genesis state applied, no block yet. nullopt = empty store.
  std::optional<Head> head() const;

  // `tree` is state::genesis_tree(writes); head.state_root becomes its root.
  void init_genesis(const crypto::Hash32& genesis_hash, const state::Writes& writes,
                    const state::TreeUpdate& tree, std::uint64_t genesis_time_ms);
  // `tree` is the block's state tree update (version = height, root = header.state_root).
  // kDeferred skips the fsync even with sync on (block sync commits many heights in a row):
  // a crash may then lose a suffix of such blocks, never part of one, until sync() returns.
  enum class Durability : std::uint8_t { kPerOptions, kDeferred };
  void commit_block(const BlockRecord& record, const state::TreeUpdate& tree,
                    Durability durability = Durability::kPerOptions);
  // Makes every block committed so far durable (one fsync of RocksDB's log); no-op with sync off.
  void sync();

  // Validator-set change records by the height they take effect (opaque bytes to the store).
  // put_ rewrites one outside a block (adding what the block's batch could not hold yet).
  void put_validator_change(std::uint64_t effective_height, ByteView record);
  // Records with effective height in (after, up_to], ascending, at most `limit`.
  std::vector<std::pair<std::uint64_t, Bytes>> validator_changes(std::uint64_t after, std::uint64_t up_to,
                                                                 std::size_t limit) const;
  // The record with the greatest effective height <= height, if any.
  std::optional<std::pair<std::uint64_t, Bytes>> validator_change_at_or_before(std::uint64_t height) const;

  // --- snapshot restore (node/snapshot_restore.h drives it) ------------------------------
  // A store with no head takes a verified snapshot in pieces: restore_begin records the
  // manifest; each restore_chunk writes one chunk's keys (state family) and tree nodes with
  // a mark that it is done, in one batch; restore_finish writes the nodes above the chunks,
  // the header and commit of the snapshot's height, state_oldest and the head in a last
  // one. Until then the store has no head: a crash leaves a restore to resume or wipe, never
  // a state that looks whole. init_genesis refuses a store with a restore pending.
  std::optional<Bytes> restore_manifest() const;
  // Throws if the store has a head. Wipes any earlier partial restore, then records `manifest`.
  void restore_begin(ByteView manifest);
  // Wipes a partial restore and its manifest: the store is empty again.
  void restore_abandon();
  // Chunks written so far: index -> the chunk's encoding when it holds one key (its leaf
  // goes into a parent node at the end), else empty.
  std::map<std::uint32_t, Bytes> restore_chunks_done() const;
  void restore_chunk(std::uint32_t index, const std::vector<std::pair<Bytes, Bytes>>& leaves,
                     const std::vector<std::pair<Bytes, Bytes>>& nodes, ByteView lone_chunk);
  // `upper` is state::upper_nodes (version = header.height, root = header.state_root).
  void restore_finish(const crypto::Hash32& genesis_hash, const chain::BlockHeader& header,
                      const chain::Commit& commit, const state::TreeUpdate& upper);

  std::optional<chain::Block> block(std::uint64_t height) const;
  std::optional<chain::BlockHeader> header(std::uint64_t height) const;
  std::optional<chain::Commit> commit(std::uint64_t height) const;
  std::optional<std::vector<chain::Receipt>> receipts(std::uint64_t height) const;
  std::optional<std::uint64_t> height_of(const crypto::Hash32& block_hash) const;
  std::optional<TxLocation> tx_location(const crypto::Hash32& tx_hash) const;
  // Newest first, strictly below before_height when given.
  std::vector<std::pair<TxLocation, crypto::Hash32>> account_txs(
      const crypto::Address& address, std::size_t limit, std::optional<std::uint64_t> before_height) const;

 private:
  struct Impl;
  explicit Store(std::unique_ptr<Impl> impl);
  void wipe_restore(rocksdb::WriteBatch& batch);
  // Writes `batch`, which holds `writes` to the state family, keeping the state value cache
  // equal to the store (state_value_cache.h).
  void write_state(rocksdb::WriteBatch& batch, const rocksdb::WriteOptions& options,
                   const state::Writes& writes, const char* what);
  // After the state family was rewritten wholesale (snapshot restore).
  void state_cache_clear();
  std::unique_ptr<Impl> impl_;
};

}  // namespace telco::storage
