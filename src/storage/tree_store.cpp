#include "storage/tree_store.h"

#include <memory>
#include <stdexcept>

#include "storage/keys.h"
#include "storage/store.h"

namespace telco::storage {
namespace {

constexpr std::string_view kOldestKey = "state_oldest";

rocksdb::Slice slice(ByteView b) { return {reinterpret_cast<const char*>(b.data()), b.size()}; }

void check(const rocksdb::Status& s, const char* what) {
  if (!s.ok()) throw StorageError(std::string(what) + ": " + s.ToString());
}

Bytes stale_key(state::Version since, ByteView node_key) {
  Bytes k = height_key(since);
  k.insert(k.end(), node_key.begin(), node_key.end());
  return k;
}

}  // namespace

std::optional<Bytes> TreeColumns::get_node(ByteView node_key) const {
  std::string value;
  const rocksdb::Status s = db->Get(rocksdb::ReadOptions(), nodes, slice(node_key), &value);
  if (s.IsNotFound()) return std::nullopt;
  check(s, "read state tree node");
  return Bytes(value.begin(), value.end());
}

state::Version TreeColumns::oldest_version() const {
  std::string value;
  const rocksdb::Status s = db->Get(rocksdb::ReadOptions(), meta, slice(as_bytes(kOldestKey)), &value);
  if (s.IsNotFound()) return 0;
  check(s, "read state_oldest");
  if (value.size() != 8) throw StorageError("corrupt state_oldest record");
  return parse_height_key(as_bytes(value));
}

void TreeColumns::put_oldest(rocksdb::WriteBatch& batch, state::Version oldest) const {
  check(batch.Put(meta, slice(as_bytes(kOldestKey)), slice(height_key(oldest))), "batch put");
}

void TreeColumns::put_update(rocksdb::WriteBatch& batch, const state::TreeUpdate& update) const {
  // New nodes all carry this version, the largest so far: keys arrive in order (appends).
  for (const auto& [key, node] : update.new_nodes) check(batch.Put(nodes, slice(key), slice(node)), "batch put");
  for (const Bytes& key : update.stale_nodes) {
    check(batch.Put(stale, slice(stale_key(update.version, key)), rocksdb::Slice()), "batch put");
  }
}

void TreeColumns::prune(rocksdb::WriteBatch& batch, state::Version version, std::uint64_t versions_kept) const {
  if (versions_kept < 2) throw std::invalid_argument("state_versions_kept must be at least 2");
  if (version + 1 <= versions_kept) return;
  const state::Version target = version + 1 - versions_kept;  // the oldest version to keep whole
  const state::Version oldest = oldest_version();
  if (target <= oldest) return;
  const state::Version through = std::min(target, oldest + kPruneVersionsPerBatchMax);
  const Bytes lower = height_key(oldest + 1);
  const Bytes upper = height_key(through + 1);
  const rocksdb::Slice upper_slice = slice(upper);
  rocksdb::ReadOptions options;
  options.iterate_upper_bound = &upper_slice;
  std::unique_ptr<rocksdb::Iterator> it(db->NewIterator(options, stale));
  for (it->Seek(slice(lower)); it->Valid(); it->Next()) {
    const rocksdb::Slice key = it->key();
    if (key.size() <= 8) throw StorageError("corrupt state tree stale index");
    check(batch.Delete(nodes, rocksdb::Slice(key.data() + 8, key.size() - 8)), "batch delete");
    check(batch.Delete(stale, key), "batch delete");
  }
  check(it->status(), "scan state tree stale index");
  put_oldest(batch, through);
}

}  // namespace telco::storage
