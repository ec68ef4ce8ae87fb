// The node's durable store: RocksDB with one column family per record kind.
//
//   meta         "genesis" -> genesis hash; "head" -> the last committed height's summary
//   headers      height -> header          blocks   height -> full block
//   commits      height -> commit          receipts height -> list<receipt>
//   block_index  block hash -> height      tx_index tx hash -> (height, index)
//   account_txs  address||height||index -> tx hash (history of senders and recipients)
//   state        state key -> value (state/prefixes.h)
//
// commit_block() writes a block, its receipts, commit, indexes, state writes and the new
// head in ONE WriteBatch: after a crash at any instant the store holds either all of the
// block or none of it. With sync on (the default) the batch is fsync'ed before returning,
// so a block reported committed survives power loss.
//
// Thread safety: one writer (the block producer) calls commit_block/init_genesis; any
// number of readers may call the const methods concurrently.
#pragma once

#include <filesystem>
#include <memory>
#include <optional>
#include <stdexcept>
#include <vector>

#include "chain/block.h"
#include "state/state_view.h"
#include "state/write_set.h"

namespace telco::storage {

// A local failure (disk full, corruption, permission): not any peer's fault; the node stops.
class StorageError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct StoreOptions {
  bool sync = true;                         // fsync every committed block
  std::size_t block_cache_bytes = 128 << 20;
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
};

struct TxLocation {
  std::uint64_t height = 0;
  std::uint32_t index = 0;
};

class Store final : public state::StateView {
 public:
  static std::unique_ptr<Store> open(const std::filesystem::path& dir, const StoreOptions& options);
  ~Store() override;
  Store(const Store&) = delete;
  Store& operator=(const Store&) = delete;

  // state::StateView over committed state.
  std::optional<Bytes> get(ByteView key) const override;

  std::optional<crypto::Hash32> genesis_hash() const;
  // Head at height 0 = genesis state applied, no block yet. nullopt = empty store.
  std::optional<Head> head() const;

  void init_genesis(const crypto::Hash32& genesis_hash, const state::Writes& writes,
                    const crypto::Hash32& state_root, std::uint64_t genesis_time_ms);
  void commit_block(const BlockRecord& record, const crypto::Hash32& state_root);

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
  std::unique_ptr<Impl> impl_;
};

}  // namespace telco::storage
