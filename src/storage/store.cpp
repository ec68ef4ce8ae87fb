#include "storage/store.h"

#include <rocksdb/cache.h>
#include <rocksdb/db.h>
#include <rocksdb/filter_policy.h>
#include <rocksdb/slice_transform.h>
#include <rocksdb/table.h>
#include <rocksdb/write_batch.h>

#include <algorithm>
#include <array>
#include <limits>

#include "chain/limits.h"
#include "codec/reader.h"
#include "codec/writer.h"
#include "storage/keys.h"
#include "storage/state_value_cache.h"
#include "storage/tree_store.h"

namespace telco::storage {
namespace {

enum Cf : std::size_t {
  kDefault,
  kMeta,
  kHeaders,
  kBlocks,
  kCommits,
  kReceipts,
  kBlockIndex,
  kTxIndex,
  kAccountTxs,
  kState,
  kSmtNodes,
  kSmtStale,
  kCfCount
};
constexpr std::array<const char*, kCfCount> kCfNames = {
    "default",     "meta",     "headers",     "blocks", "commits",   "receipts",
    "block_index", "tx_index", "account_txs", "state",  "smt_nodes", "smt_stale"};

constexpr std::uint64_t kWalBytesMax = 128ull << 20;
// One past the longest key in the state and tree families (state keys <= 128 bytes).
constexpr std::size_t kStateKeyBytesMaxForWipe = 130;
constexpr std::string_view kGenesisKey = "genesis";
constexpr std::string_view kHeadKey = "head";
// A snapshot restore in progress: the manifest, and one "restore/" || u32 BE index per chunk done.
constexpr std::string_view kRestoreKey = "restore";
constexpr std::string_view kRestoreChunkPrefix = "restore/";

rocksdb::Slice slice(ByteView b) { return {reinterpret_cast<const char*>(b.data()), b.size()}; }
ByteView view(const rocksdb::Slice& s) { return {reinterpret_cast<const std::uint8_t*>(s.data()), s.size()}; }
ByteView view(const std::string& s) { return as_bytes(s); }

constexpr std::string_view kValidatorChangePrefix = "valset/";  // ‖ u64 BE effective height

Bytes validator_change_key(std::uint64_t effective_height) {
  Bytes k(kValidatorChangePrefix.begin(), kValidatorChangePrefix.end());
  const Bytes h = height_key(effective_height);
  k.insert(k.end(), h.begin(), h.end());
  return k;
}

std::uint64_t validator_change_height(const rocksdb::Slice& key) {
  return parse_height_key(view(key).subspan(kValidatorChangePrefix.size()));
}

void check(const rocksdb::Status& s, const char* what) {
  if (!s.ok()) throw StorageError(std::string(what) + ": " + s.ToString());
}

Bytes encode_head(const Head& h) {
  codec::Writer w(80);
  w.u64(h.height);
  w.fixed(h.hash);
  w.u64(h.time_ms);
  w.fixed(h.state_root);
  return w.take();
}

// Records we wrote ourselves failing to decode is corruption, a broken invariant.
[[noreturn]] void corrupt(const char* what) {
  throw StorageError(std::string("corrupt ") + what + " record");
}

}  // namespace

struct Store::Impl {
  std::unique_ptr<rocksdb::DB> db;
  std::vector<rocksdb::ColumnFamilyHandle*> cfs;
  rocksdb::WriteOptions write_options;
  TreeColumns tree;
  std::uint64_t state_versions_kept = kStateVersionsKeptDefault;
  // Kept equal to the state family by write_state's bracket (see state_value_cache.h).
  std::unique_ptr<StateValueCache> state_cache;

  ~Impl() {
    for (auto* cf : cfs) {
      if (db) db->DestroyColumnFamilyHandle(cf);
    }
    if (db) db->Close();
  }

  std::optional<std::string> read(Cf cf, ByteView key) const {
    std::string value;
    rocksdb::Status s = db->Get(rocksdb::ReadOptions(), cfs[cf], slice(key), &value);
    if (s.IsNotFound()) return std::nullopt;
    check(s, "read");
    return value;
  }
};

std::unique_ptr<Store> Store::open(const std::filesystem::path& dir, const StoreOptions& options) {
  std::filesystem::create_directories(dir);
  rocksdb::Options db_options;
  db_options.create_if_missing = true;
  db_options.create_missing_column_families = true;
  db_options.max_background_jobs = 2;
  db_options.keep_log_file_num = 4;
  db_options.max_open_files = 512;
  // The WAL is freed only once every column family has flushed past it; small families
  // (headers, meta) rarely fill a memtable, so without a cap it grows to gigabytes. Past
  // this the oldest families are flushed (the state tree's pruning keeps disk <= 3x raw).
  db_options.max_total_wal_size = kWalBytesMax;
  if (options.row_cache_bytes > 0) db_options.row_cache = rocksdb::NewLRUCache(options.row_cache_bytes);

  rocksdb::BlockBasedTableOptions table;
  table.block_cache = rocksdb::NewLRUCache(options.block_cache_bytes);
  table.filter_policy.reset(rocksdb::NewBloomFilterPolicy(10));
  table.cache_index_and_filter_blocks = true;
  rocksdb::ColumnFamilyOptions cf_options;
  // Point lookups dominate (state, tx index): a bloom filter skips files without the key.
  cf_options.table_factory.reset(rocksdb::NewBlockBasedTableFactory(table));
  cf_options.compression = rocksdb::kNoCompression;

  std::vector<rocksdb::ColumnFamilyDescriptor> descriptors;
  for (const char* name : kCfNames) descriptors.emplace_back(name, cf_options);
  // Account history keys are address || height || index: each address's keys arrive in
  // increasing order, so a per-address insert hint makes most memtable inserts O(1).
  descriptors[kAccountTxs].options.memtable_insert_with_hint_prefix_extractor.reset(
      rocksdb::NewFixedPrefixTransform(crypto::kAddressBytes));
  // State tree nodes and stale entries are keyed version || ...: a block's all share its
  // 8-byte version, so the same hint turns its few hundred inserts into near-appends
  // (block sync: 1.8 -> 1.3 ms per block's write, docs/PERFORMANCE.md "Block sync").
  for (const std::size_t cf : {std::size_t{kSmtNodes}, std::size_t{kSmtStale}}) {
    descriptors[cf].options.memtable_insert_with_hint_prefix_extractor.reset(
        rocksdb::NewFixedPrefixTransform(8));
  }

  auto impl = std::make_unique<Impl>();
  rocksdb::DB* raw = nullptr;
  check(rocksdb::DB::Open(db_options, dir.string(), descriptors, &impl->cfs, &raw), "open store");
  impl->db.reset(raw);
  impl->write_options.sync = options.sync;
  impl->tree = {impl->db.get(), impl->cfs[kSmtNodes], impl->cfs[kSmtStale], impl->cfs[kMeta]};
  if (options.state_versions_kept < 2) throw StorageError("state_versions_kept must be at least 2");
  impl->state_versions_kept = options.state_versions_kept;
  if (options.state_cache_bytes > 0)
    impl->state_cache = std::make_unique<StateValueCache>(options.state_cache_bytes);
  auto store = std::unique_ptr<Store>(new Store(std::move(impl)));
  if (auto head = store->head(); head && !state::root_hash_at(*store, head->height)) {
    throw StorageError("store at " + dir.string() + " has no state tree at its head (height " +
                       std::to_string(head->height) +
                       "): it was written by an older version; re-initialise it");
  }
  return store;
}

Store::Store(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Store::~Store() = default;

std::optional<Bytes> Store::get(ByteView key) const {
  const auto load = [this](ByteView k) -> std::optional<Bytes> {
    auto v = impl_->read(kState, k);
    if (!v) return std::nullopt;
    return Bytes(v->begin(), v->end());
  };
  if (impl_->state_cache) return impl_->state_cache->get(key, load);
  return load(key);
}

void Store::write_state(rocksdb::WriteBatch& batch, const rocksdb::WriteOptions& options,
                        const state::Writes& writes, const char* what) {
  StateValueCache* cache = impl_->state_cache.get();
  if (!cache) return check(impl_->db->Write(options, &batch), what);
  cache->begin_write(writes);
  try {
    check(impl_->db->Write(options, &batch), what);
  } catch (...) {
    cache->end_write(writes, false);
    throw;
  }
  cache->end_write(writes, true);
}

void Store::state_cache_clear() {
  if (impl_->state_cache) impl_->state_cache->clear();
}

StateCacheStats Store::state_cache_stats() const {
  if (!impl_->state_cache) return {};
  const StateValueCache& c = *impl_->state_cache;
  return {c.entries(), c.bytes(), c.hits(), c.misses()};
}

std::optional<Bytes> Store::get_node(ByteView node_key) const { return impl_->tree.get_node(node_key); }

state::Version Store::state_oldest_version() const { return impl_->tree.oldest_version(); }

std::optional<crypto::Hash32> Store::genesis_hash() const {
  auto v = impl_->read(kMeta, as_bytes(kGenesisKey));
  if (!v) return std::nullopt;
  if (v->size() != 32) corrupt("genesis");
  crypto::Hash32 h;
  std::copy(v->begin(), v->end(), h.begin());
  return h;
}

std::optional<Head> Store::head() const {
  auto v = impl_->read(kMeta, as_bytes(kHeadKey));
  if (!v) return std::nullopt;
  codec::Reader r(view(*v));
  Head h;
  h.height = r.u64();
  h.hash = r.fixed<32>();
  h.time_ms = r.u64();
  h.state_root = r.fixed<32>();
  if (!r.finish()) corrupt("head");
  return h;
}

namespace {

void put_writes(rocksdb::WriteBatch& batch, rocksdb::ColumnFamilyHandle* cf, const state::Writes& writes) {
  for (const auto& [key, value] : writes) {
    if (value) {
      check(batch.Put(cf, slice(key), slice(*value)), "batch put");
    } else {
      check(batch.Delete(cf, slice(key)), "batch delete");
    }
  }
}

}  // namespace

void Store::init_genesis(const crypto::Hash32& genesis_hash, const state::Writes& writes,
                         const state::TreeUpdate& tree, std::uint64_t genesis_time_ms) {
  if (head()) throw StorageError("store already initialised");
  if (restore_manifest()) {
    throw StorageError(
        "this store holds an interrupted snapshot restore: resume it (telcod snapshot restore, or "
        "start with state sync on) or remove the data directory");
  }
  if (tree.version != 0) throw std::logic_error("genesis state tree must be version 0");
  const crypto::Hash32& state_root = tree.root_hash;
  rocksdb::WriteBatch batch;
  put_writes(batch, impl_->cfs[kState], writes);
  impl_->tree.put_update(batch, tree);
  check(batch.Put(impl_->cfs[kMeta], slice(as_bytes(kGenesisKey)), slice(genesis_hash)), "batch put");
  const Head head{0, {}, genesis_time_ms, state_root};
  check(batch.Put(impl_->cfs[kMeta], slice(as_bytes(kHeadKey)), slice(encode_head(head))), "batch put");
  write_state(batch, impl_->write_options, writes, "write genesis");
  // A large genesis (a million accounts) is one batch of hundreds of MiB in the WAL; after a
  // kill -9 RocksDB would replay all of it on every start until a memtable flush retires it
  // (seconds at 1M accounts). Flushing now makes it table files once.
  rocksdb::FlushOptions flush;
  flush.wait = true;
  check(impl_->db->Flush(flush, impl_->cfs), "flush genesis");
}

void Store::commit_block(const BlockRecord& rec, const state::TreeUpdate& tree, Durability durability) {
  const chain::BlockHeader& header = rec.block.header;
  if (tree.version != header.height || tree.root_hash != header.state_root) {
    throw std::logic_error("state tree update does not match the block header");
  }
  const crypto::Hash32& state_root = tree.root_hash;
  const Bytes hk = height_key(header.height);
  auto* const* cf = impl_->cfs.data();
  rocksdb::WriteBatch batch;
  check(batch.Put(cf[kHeaders], slice(hk), slice(header.encode())), "batch put");
  check(batch.Put(cf[kBlocks], slice(hk), slice(rec.block.encode())), "batch put");
  check(batch.Put(cf[kCommits], slice(hk), slice(rec.commit.encode())), "batch put");
  codec::Writer receipts(4 + rec.receipts.size() * 10);
  receipts.count(rec.receipts.size());
  for (const chain::Receipt& r : rec.receipts) receipts.fixed(r.encode());
  check(batch.Put(cf[kReceipts], slice(hk), slice(receipts.data())), "batch put");
  check(batch.Put(cf[kBlockIndex], slice(rec.block_hash), slice(hk)), "batch put");
  // Index entries go in key order: the memtable's skip list then resumes each search from
  // the previous insert's position instead of from the top.
  std::vector<std::uint32_t> order(rec.tx_hashes.size());
  for (std::uint32_t i = 0; i < order.size(); ++i) order[i] = i;
  std::sort(order.begin(), order.end(),
            [&](std::uint32_t a, std::uint32_t b) { return rec.tx_hashes[a] < rec.tx_hashes[b]; });
  for (std::uint32_t index : order) {
    check(
        batch.Put(cf[kTxIndex], slice(rec.tx_hashes[index]), slice(tx_location_value(header.height, index))),
        "batch put");
  }
  std::vector<std::pair<crypto::Address, std::uint32_t>> touched = rec.touched;
  std::sort(touched.begin(), touched.end());
  for (const auto& [address, index] : touched) {
    check(batch.Put(cf[kAccountTxs], slice(account_tx_key(address, header.height, index)),
                    slice(rec.tx_hashes.at(index))),
          "batch put");
  }
  put_writes(batch, cf[kState], rec.writes);
  impl_->tree.put_update(batch, tree);
  impl_->tree.prune(batch, tree.version, impl_->state_versions_kept);
  if (rec.validator_change) {
    check(batch.Put(cf[kMeta], slice(validator_change_key(header.height + 1)), slice(*rec.validator_change)),
          "batch put");
  }
  const Head head{header.height, rec.block_hash, header.time_ms, state_root};
  check(batch.Put(cf[kMeta], slice(as_bytes(kHeadKey)), slice(encode_head(head))), "batch put");
  rocksdb::WriteOptions options = impl_->write_options;
  if (durability == Durability::kDeferred) options.sync = false;
  write_state(batch, options, rec.writes, "commit block");
}

void Store::sync() {
  if (impl_->write_options.sync) check(impl_->db->SyncWAL(), "sync the store's log");
}

void Store::put_validator_change(std::uint64_t effective_height, ByteView record) {
  check(impl_->db->Put(impl_->write_options, impl_->cfs[kMeta], slice(validator_change_key(effective_height)),
                       slice(record)),
        "put validator change");
}

std::vector<std::pair<std::uint64_t, Bytes>> Store::validator_changes(std::uint64_t after,
                                                                      std::uint64_t up_to,
                                                                      std::size_t limit) const {
  std::vector<std::pair<std::uint64_t, Bytes>> out;
  if (after == std::numeric_limits<std::uint64_t>::max()) return out;
  std::unique_ptr<rocksdb::Iterator> it(impl_->db->NewIterator(rocksdb::ReadOptions(), impl_->cfs[kMeta]));
  const rocksdb::Slice prefix(kValidatorChangePrefix.data(), kValidatorChangePrefix.size());
  for (it->Seek(slice(validator_change_key(after + 1)));
       it->Valid() && it->key().starts_with(prefix) && out.size() < limit; it->Next()) {
    const std::uint64_t height = validator_change_height(it->key());
    if (height > up_to) break;
    const ByteView v = view(it->value());
    out.emplace_back(height, Bytes(v.begin(), v.end()));
  }
  check(it->status(), "scan validator changes");
  return out;
}

std::optional<std::pair<std::uint64_t, Bytes>> Store::validator_change_at_or_before(
    std::uint64_t height) const {
  std::unique_ptr<rocksdb::Iterator> it(impl_->db->NewIterator(rocksdb::ReadOptions(), impl_->cfs[kMeta]));
  const rocksdb::Slice prefix(kValidatorChangePrefix.data(), kValidatorChangePrefix.size());
  it->SeekForPrev(slice(validator_change_key(height)));
  check(it->status(), "seek validator change");
  if (!it->Valid() || !it->key().starts_with(prefix)) return std::nullopt;
  const ByteView v = view(it->value());
  return std::pair{validator_change_height(it->key()), Bytes(v.begin(), v.end())};
}

namespace {

Bytes restore_chunk_key(std::uint32_t index) {
  Bytes k(kRestoreChunkPrefix.begin(), kRestoreChunkPrefix.end());
  for (int i = 3; i >= 0; --i) k.push_back(static_cast<std::uint8_t>(index >> (8 * i)));
  return k;
}

}  // namespace

std::optional<Bytes> Store::restore_manifest() const {
  auto v = impl_->read(kMeta, as_bytes(kRestoreKey));
  if (!v) return std::nullopt;
  return Bytes(v->begin(), v->end());
}

void Store::restore_begin(ByteView manifest) {
  if (head())
    throw StorageError(
        "cannot restore a snapshot into a store that has a chain: use an empty data directory");
  rocksdb::WriteBatch batch;
  wipe_restore(batch);
  check(batch.Put(impl_->cfs[kMeta], slice(as_bytes(kRestoreKey)), slice(manifest)), "batch put");
  check(impl_->db->Write(impl_->write_options, &batch), "begin snapshot restore");
  state_cache_clear();
}

void Store::restore_abandon() {
  if (head()) throw StorageError("cannot abandon a restore in a store that has a chain");
  rocksdb::WriteBatch batch;
  wipe_restore(batch);
  check(batch.Delete(impl_->cfs[kMeta], slice(as_bytes(kRestoreKey))), "batch delete");
  check(impl_->db->Write(impl_->write_options, &batch), "abandon snapshot restore");
  state_cache_clear();
}

void Store::wipe_restore(rocksdb::WriteBatch& batch) {
  // Whatever an interrupted restore left: every state key and tree node (no head, so nothing
  // else can be there), and its progress marks. Keys are at most 128 bytes, node keys 41.
  const std::string all_end(kStateKeyBytesMaxForWipe, '\xff');
  auto* const* cf = impl_->cfs.data();
  check(batch.DeleteRange(cf[kState], rocksdb::Slice(""), rocksdb::Slice(all_end)), "batch delete range");
  check(batch.DeleteRange(cf[kSmtNodes], rocksdb::Slice(""), rocksdb::Slice(all_end)), "batch delete range");
  check(batch.DeleteRange(cf[kSmtStale], rocksdb::Slice(""), rocksdb::Slice(all_end)), "batch delete range");
  const Bytes first = restore_chunk_key(0);
  const Bytes last = restore_chunk_key(UINT32_MAX);
  check(batch.DeleteRange(cf[kMeta], slice(first), slice(last)), "batch delete range");
  check(batch.Delete(cf[kMeta], slice(last)), "batch delete");
}

std::map<std::uint32_t, Bytes> Store::restore_chunks_done() const {
  std::map<std::uint32_t, Bytes> out;
  const Bytes prefix(kRestoreChunkPrefix.begin(), kRestoreChunkPrefix.end());
  std::unique_ptr<rocksdb::Iterator> it(impl_->db->NewIterator(rocksdb::ReadOptions(), impl_->cfs[kMeta]));
  for (it->Seek(slice(prefix)); it->Valid(); it->Next()) {
    const ByteView key = view(it->key());
    if (key.size() != prefix.size() + 4 || !std::equal(prefix.begin(), prefix.end(), key.begin())) break;
    std::uint32_t index = 0;
    for (std::size_t i = prefix.size(); i < key.size(); ++i) index = (index << 8) | key[i];
    const ByteView value = view(it->value());
    out.emplace(index, Bytes(value.begin(), value.end()));
  }
  check(it->status(), "scan snapshot restore progress");
  return out;
}

void Store::restore_chunk(std::uint32_t index, const std::vector<std::pair<Bytes, Bytes>>& leaves,
                          const std::vector<std::pair<Bytes, Bytes>>& nodes, ByteView lone_chunk) {
  if (head() || !restore_manifest()) throw std::logic_error("restore_chunk without restore_begin");
  auto* const* cf = impl_->cfs.data();
  rocksdb::WriteBatch batch;
  for (const auto& [key, value] : leaves) check(batch.Put(cf[kState], slice(key), slice(value)), "batch put");
  for (const auto& [key, node] : nodes) check(batch.Put(cf[kSmtNodes], slice(key), slice(node)), "batch put");
  check(batch.Put(cf[kMeta], slice(restore_chunk_key(index)), slice(lone_chunk)), "batch put");
  // Chunks need not survive power loss one by one (a lost one is fetched again), only
  // arrive whole: no fsync here; restore_finish syncs.
  rocksdb::WriteOptions options = impl_->write_options;
  options.sync = false;
  check(impl_->db->Write(options, &batch), "write snapshot chunk");
  state_cache_clear();
}

void Store::restore_finish(const crypto::Hash32& genesis_hash, const chain::BlockHeader& header,
                           const chain::Commit& commit, const state::TreeUpdate& upper) {
  if (head() || !restore_manifest()) throw std::logic_error("restore_finish without restore_begin");
  if (upper.version != header.height || upper.root_hash != header.state_root) {
    throw std::logic_error("restored state tree does not match the snapshot header");
  }
  auto* const* cf = impl_->cfs.data();
  const Bytes hk = height_key(header.height);
  const crypto::Hash32 hash = header.hash();
  rocksdb::WriteBatch batch;
  for (const auto& [key, node] : upper.new_nodes)
    check(batch.Put(cf[kSmtNodes], slice(key), slice(node)), "batch put");
  check(batch.Put(cf[kHeaders], slice(hk), slice(header.encode())), "batch put");
  check(batch.Put(cf[kCommits], slice(hk), slice(commit.encode())), "batch put");
  check(batch.Put(cf[kBlockIndex], slice(hash), slice(hk)), "batch put");
  impl_->tree.put_oldest(batch, header.height);
  const Bytes first = restore_chunk_key(0);
  const Bytes last = restore_chunk_key(UINT32_MAX);
  check(batch.DeleteRange(cf[kMeta], slice(first), slice(last)), "batch delete range");
  check(batch.Delete(cf[kMeta], slice(last)), "batch delete");
  check(batch.Delete(cf[kMeta], slice(as_bytes(kRestoreKey))), "batch delete");
  check(batch.Put(cf[kMeta], slice(as_bytes(kGenesisKey)), slice(genesis_hash)), "batch put");
  const Head h{header.height, hash, header.time_ms, header.state_root};
  check(batch.Put(cf[kMeta], slice(as_bytes(kHeadKey)), slice(encode_head(h))), "batch put");
  rocksdb::WriteOptions options = impl_->write_options;
  options.sync = true;  // the chunks before it were not synced one by one: make them all durable now
  check(impl_->db->Write(options, &batch), "finish snapshot restore");
  state_cache_clear();
}

std::optional<chain::Block> Store::block(std::uint64_t height) const {
  auto v = impl_->read(kBlocks, height_key(height));
  if (!v) return std::nullopt;
  auto b = chain::decode_block(view(*v));
  if (!b) corrupt("block");
  return b;
}

std::optional<chain::BlockHeader> Store::header(std::uint64_t height) const {
  auto v = impl_->read(kHeaders, height_key(height));
  if (!v) return std::nullopt;
  auto h = chain::decode_header(view(*v));
  if (!h) corrupt("header");
  return h;
}

std::optional<chain::Commit> Store::commit(std::uint64_t height) const {
  auto v = impl_->read(kCommits, height_key(height));
  if (!v) return std::nullopt;
  auto c = chain::decode_commit(view(*v));
  if (!c) corrupt("commit");
  return c;
}

std::optional<std::vector<chain::Receipt>> Store::receipts(std::uint64_t height) const {
  auto v = impl_->read(kReceipts, height_key(height));
  if (!v) return std::nullopt;
  codec::Reader r(view(*v));
  const std::size_t n = r.count(chain::kBlockTxsMax, 10);
  std::vector<chain::Receipt> out;
  out.reserve(n);
  for (std::size_t i = 0; i < n && r.ok(); ++i) {
    chain::Receipt rc;
    rc.code = static_cast<chain::ResultCode>(r.u16());
    rc.fee_charged = r.u64();
    out.push_back(rc);
  }
  if (!r.finish()) corrupt("receipts");
  return out;
}

std::optional<std::uint64_t> Store::height_of(const crypto::Hash32& block_hash) const {
  auto v = impl_->read(kBlockIndex, block_hash);
  if (!v) return std::nullopt;
  if (v->size() != 8) corrupt("block index");
  return parse_height_key(view(*v));
}

std::optional<TxLocation> Store::tx_location(const crypto::Hash32& tx_hash) const {
  auto v = impl_->read(kTxIndex, tx_hash);
  if (!v) return std::nullopt;
  if (v->size() != 12) corrupt("tx index");
  const ByteView b = view(*v);
  std::uint32_t index = 0;
  for (int i = 8; i < 12; ++i) index = (index << 8) | b[i];
  return TxLocation{parse_height_key(b), index};
}

std::vector<std::pair<TxLocation, crypto::Hash32>> Store::account_txs(
    const crypto::Address& address, std::size_t limit, std::optional<std::uint64_t> before_height) const {
  std::vector<std::pair<TxLocation, crypto::Hash32>> out;
  const Bytes upper = account_tx_key(address, before_height.value_or(UINT64_MAX), 0);
  const Bytes prefix(address.bytes.begin(), address.bytes.end());
  std::unique_ptr<rocksdb::Iterator> it(
      impl_->db->NewIterator(rocksdb::ReadOptions(), impl_->cfs[kAccountTxs]));
  // Seek to the last key strictly below `upper`, then walk backwards within the address.
  for (it->SeekForPrev(slice(upper)); it->Valid() && out.size() < limit; it->Prev()) {
    const ByteView key = view(it->key());
    if (key.size() != 32 || !std::equal(prefix.begin(), prefix.end(), key.begin())) break;
    if (std::equal(upper.begin(), upper.end(), key.begin(), key.end())) continue;
    const ByteView value = view(it->value());
    if (value.size() != 32) corrupt("account history");
    std::uint32_t index = 0;
    for (int i = 28; i < 32; ++i) index = (index << 8) | key[i];
    crypto::Hash32 hash;
    std::copy(value.begin(), value.end(), hash.begin());
    out.push_back({TxLocation{parse_height_key(key.subspan(20)), index}, hash});
  }
  check(it->status(), "account history scan");
  return out;
}

}  // namespace telco::storage
