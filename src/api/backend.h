// What the API layer needs from the node, and nothing more. node/ implements it over the
// real mempool, store and block producer; api/ never includes node/ (arrows point down).
// Every method is safe to call from any API thread concurrently.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "chain/block.h"
#include "chain/genesis.h"
#include "state/state_view.h"

namespace telco::api {

struct ChainHead {
  std::uint64_t height = 0;  // 0 = no block yet (genesis state only)
  crypto::Hash32 hash{};
  std::uint64_t time_ms = 0;
  crypto::Hash32 state_root{};
};

struct SubmitResult {
  crypto::Hash32 hash{};
  chain::ResultCode code = chain::ResultCode::kOk;  // kOk = admitted to the mempool
};

struct TxLocation {
  std::uint64_t height = 0;
  std::uint32_t index = 0;
};

enum class TxState { kUnknown, kPending, kFinalized, kRejected };

struct TxStatus {
  TxState state = TxState::kUnknown;
  std::optional<chain::Transaction> tx;       // pending or finalized
  std::optional<TxLocation> location;         // finalized
  std::optional<chain::Receipt> receipt;      // finalized
  std::optional<crypto::Hash32> block_hash;   // finalized
  std::uint64_t block_time_ms = 0;            // finalized
  chain::ResultCode rejection = chain::ResultCode::kOk;  // rejected (recently, by this node)
};

struct BlockData {
  chain::Block block;
  crypto::Hash32 hash{};
  // The transactions' hashes in block order, when the backend has them at hand (the
  // producer does); empty means "compute from block.txs". Saves rehashing every
  // transaction for each block event and lookup.
  std::vector<crypto::Hash32> tx_hashes;
  std::vector<chain::Receipt> receipts;  // one per transaction, same order
  chain::Commit commit;
};

struct AccountInfo {
  std::uint64_t balance = 0;
  std::uint64_t nonce = 0;          // committed: the nonce the next block expects
  std::uint64_t pending_nonce = 0;  // the nonce a new transaction should use (counts the mempool)
  std::uint32_t pending_txs = 0;
};

struct MempoolStats {
  std::uint64_t txs = 0;
  std::uint64_t bytes = 0;
  std::uint64_t txs_max = 0;
  std::uint64_t bytes_max = 0;
};

// A value (or its absence) in the state tree at one height, with its proof against the
// tree's root at that height (state/proof.h encoding). The root is what the header of that
// height carries as state_root; a light client checks the proof against the header it
// verified, never against this field.
struct StateProof {
  std::uint64_t height = 0;
  crypto::Hash32 state_root{};
  std::optional<Bytes> value;  // nullopt: the key is absent at that height
  Bytes proof;
};

// One validator-set change as light clients consume it (light/validator_change.h): the
// updates (power 0 removes; an unknown key joins at the end) applied to the set of
// height - 1 give the set that signs `height`; `proof` is the encoded proof of
// state::kNextValidatorsKey at version height - 1, taken when the change was committed, so
// pruning old state never makes a hand-over unprovable.
struct ValidatorUpdateInfo {
  crypto::PublicKey key{};
  std::uint64_t power = 0;
  std::string name;
};
struct ValidatorChange {
  std::uint64_t height = 0;
  std::vector<ValidatorUpdateInfo> updates;
  std::vector<chain::GenesisValidator> validators;  // the set that signs `height`
  Bytes proof;
};

// Sent to subscribers once per committed block, after it is durable.
struct BlockEvent {
  std::shared_ptr<const BlockData> data;
};

class Backend {
 public:
  virtual ~Backend() = default;

  virtual const chain::Genesis& genesis() const = 0;
  virtual crypto::Hash32 genesis_hash() const = 0;
  virtual ChainHead head() const = 0;
  virtual MempoolStats mempool_stats() const = 0;

  // Admits transactions (signature checked on the node's worker pool); blocks the calling
  // thread until every one has a verdict. Order of results = order of txs.
  virtual std::vector<SubmitResult> submit(std::vector<chain::Transaction> txs) = 0;

  virtual TxStatus tx_status(const crypto::Hash32& hash) const = 0;
  virtual std::optional<BlockData> block_at(std::uint64_t height) const = 0;
  virtual std::optional<std::uint64_t> height_of(const crypto::Hash32& block_hash) const = 0;
  virtual AccountInfo account(const crypto::Address& address) const = 0;
  // Newest first; transactions the address sent or received, up to `limit`, strictly
  // below `before_height` if given.
  virtual std::vector<std::pair<TxLocation, crypto::Hash32>> account_txs(
      const crypto::Address& address, std::size_t limit, std::optional<std::uint64_t> before_height) const = 0;

  // Registers a callback run (on the committing thread, so it must be quick and must not
  // block) for every block committed from now on. Returns an id for unsubscribe.
  virtual std::uint64_t subscribe(std::function<void(const BlockEvent&)> on_block) = 0;
  virtual void unsubscribe(std::uint64_t id) = 0;

  // The header of the block at `height`, for block lists (GET /v1/blocks) that show 100
  // headers and no transactions. The default reads the whole block; a store that keeps
  // headers apart should override it.
  virtual std::optional<chain::BlockHeader> header_at(std::uint64_t height) const {
    auto data = block_at(height);
    if (!data) return std::nullopt;
    return std::move(data->block.header);
  }

  // The commit of the block at `height`, for block lists that show who signed. The default
  // reads the whole block; a store that keeps commits apart should override it.
  virtual std::optional<chain::Commit> commit_at(std::uint64_t height) const {
    auto data = block_at(height);
    if (!data) return std::nullopt;
    return std::move(data->commit);
  }

  // --- Proofs and light clients (GET /v1/state/proof, /v1/headers, /v1/validators/changes).
  // The defaults describe a backend that keeps no state tree: it serves no proofs (404).

  // The oldest height whose state is still provable (older versions are pruned); nullopt
  // when this backend serves no proofs at all.
  virtual std::optional<std::uint64_t> state_oldest_height() const { return std::nullopt; }
  // `key`'s value with its proof at `height` (<= head); nullopt when that height is not
  // provable (pruned meanwhile, or no proofs served).
  virtual std::optional<StateProof> state_proof(ByteView key, std::uint64_t height) const {
    (void)key;
    (void)height;
    return std::nullopt;
  }
  // Committed state as of head(), for the modules' reads (GET /v1/names, /v1/devices, ...)
  // and the DNS server. nullptr: this backend keeps no state (those routes answer 404, or
  // read through state_proof where one is served).
  virtual const state::StateView* committed_state() const { return nullptr; }
  // The set that signs `height`. The default: the genesis set, which signs every height
  // until validator updates exist.
  virtual std::vector<chain::GenesisValidator> validators_at(std::uint64_t height) const {
    (void)height;
    return genesis().validators;
  }
  // Changes that take effect at heights in (from, to], ascending, at most `limit`. The
  // default: none (the set is fixed at genesis).
  virtual std::vector<ValidatorChange> validator_changes(std::uint64_t from, std::uint64_t to,
                                                         std::size_t limit) const {
    (void)from;
    (void)to;
    (void)limit;
    return {};
  }
};

}  // namespace telco::api
