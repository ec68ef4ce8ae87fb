// Latest committed state values kept in memory, in front of the store's state family.
//
// Every API read of an account, a device or a name is a RocksDB point lookup: the memtables,
// then per level a row-cache probe (a hash chain and an LRU list update under the shard's
// lock) or the filter, index and data blocks. Against 10M device records that was about 6 %
// of an online authentication's CPU (docs/PERFORMANCE.md). This cache answers a hit with one
// hash probe and a copy.
//
// Thread-safe: any number of readers, and the store's one writer, which brackets each write
// to the state family with begin_write() and end_write(). A reader that missed inserts what
// it read from the store only if no write touched its shard since the miss and none is in
// progress there (a generation count and an in-progress count per shard), so a value read
// before a commit is never cached after it, and no key ever reads older than it read before:
// held keys change at end_write, others are read from the store.
//
// Bounded by an approximate byte budget (keys, values and a fixed per-entry overhead).
// Eviction is CLOCK per shard: a hit sets the entry's bit, the hand clears set bits and
// evicts the first clear one, whose slot the new entry takes; a hit costs no list update.
// Snapshot restore writes the state family with no head (nothing is read from it then) and
// clears the cache after each of its writes.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "state/write_set.h"
#include "util/bytes.h"

namespace telco::storage {

class StateValueCache {
 public:
  // Charged per entry besides its key and value bytes: the hash node, the key's and the
  // value's heap blocks and the clock slot, as allocated by glibc on x86-64.
  static constexpr std::size_t kEntryOverhead = 160;

  explicit StateValueCache(std::size_t budget_bytes);

  // The value under `key`: from memory, else `load` (the store), remembered if present.
  // Absent keys are not remembered (a flood of unknown keys cannot evict real ones).
  std::optional<Bytes> get(ByteView key, const std::function<std::optional<Bytes>(ByteView)>& load);

  // Around a write of `writes` to the store: begin_write before it, end_write after it,
  // `landed` false when it failed. At end_write held keys take their new values.
  void begin_write(const state::Writes& writes);
  void end_write(const state::Writes& writes, bool landed);
  // After the state family was rewritten wholesale (a snapshot restore): forget everything.
  void clear();

  std::size_t entries() const;
  std::size_t bytes() const;
  std::uint64_t hits() const;
  std::uint64_t misses() const;

 private:
  struct Entry {
    std::optional<Bytes> value;  // nullopt: deleted by a block since it was cached
    bool referenced = false;
    std::size_t charge = 0;
  };
  // Looked up by string_view: no key copy on a hit.
  struct KeyHash {
    using is_transparent = void;
    std::size_t operator()(std::string_view k) const noexcept { return std::hash<std::string_view>{}(k); }
  };
  using Map = std::unordered_map<std::string, Entry, KeyHash, std::equal_to<>>;
  struct Shard {
    mutable std::mutex mutex;
    Map map;
    // Every entry once, in no particular order (elements of an unordered_map keep their
    // address across rehashes; iterators need not).
    // A slot is null once its entry was evicted, until an insert reuses it.
    std::vector<Map::value_type*> clock;
    std::vector<std::size_t> free_slots;
    std::size_t hand = 0;
    std::size_t bytes = 0;
    std::uint64_t generation = 0;  // write brackets begun or ended on this shard
    std::uint32_t writing = 0;     // keys of this shard in writes begun, not yet ended
    std::uint64_t hits = 0, misses = 0;
  };
  static constexpr std::size_t kShards = 64;

  Shard& shard_of(std::string_view key);
  // `of_shard` over every shard, each under its lock.
  template <class F>
  std::uint64_t sum(F of_shard) const;
  void insert(Shard& s, std::string_view key, const Bytes& value);
  // Evicts until `charge` more bytes fit the shard's budget (or the shard is empty).
  void make_room(Shard& s, std::size_t charge);

  std::size_t shard_budget_;
  std::unique_ptr<Shard[]> shards_;
};

}  // namespace telco::storage
