// A cache of committed state in front of the store, for the block producer.
//
// Executing a transfer reads two accounts; with the store alone that is two RocksDB lookups
// (memtable skip list, then bloom filters and blocks) per transaction. Accounts that send
// and receive are the same few from block to block, so the producer keeps the values it
// read, and the values it wrote, in a hash map, and applies every committed block's writes
// to it so it always equals the committed state for the keys it holds.
//
// Owned and used by the one writer thread only (no locking). Bounded: when it would exceed
// kEntriesMax keys it is cleared and refills from the store — cheaper to reason about than
// an LRU list and good enough for a working set that is either small or uniformly spread.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <unordered_map>

#include "state/state_view.h"
#include "state/write_set.h"

namespace telco::node {

class StateCache final : public state::StateView {
 public:
  static constexpr std::size_t kEntriesMax = 1 << 18;

  explicit StateCache(const state::StateView& store) : store_(store) {}

  std::optional<Bytes> get(ByteView key) const override;
  // The writes of a block that was just committed to the store.
  void apply(const state::Writes& writes);

  std::size_t size() const { return entries_.size(); }
  std::uint64_t hits() const { return hits_; }
  std::uint64_t misses() const { return misses_; }

 private:
  void make_room() const;

  const state::StateView& store_;
  // Keyed by the raw key bytes as a string (std::hash<std::string> is fast and available);
  // nullopt caches "absent" too, so unfunded recipients are not looked up twice.
  mutable std::unordered_map<std::string, std::optional<Bytes>> entries_;
  mutable std::uint64_t hits_ = 0;
  mutable std::uint64_t misses_ = 0;
};

}  // namespace telco::node
