#include "storage/state_value_cache.h"

#include <algorithm>

namespace telco::storage {

namespace {

std::string_view as_text(ByteView b) { return {reinterpret_cast<const char*>(b.data()), b.size()}; }

}  // namespace

StateValueCache::StateValueCache(std::size_t budget_bytes)
    : shard_budget_(budget_bytes / kShards), shards_(std::make_unique<Shard[]>(kShards)) {}

StateValueCache::Shard& StateValueCache::shard_of(std::string_view key) {
  // The top bits: the map's buckets use the low ones.
  return shards_[(KeyHash{}(key) >> 58) % kShards];
}

std::optional<Bytes> StateValueCache::get(ByteView key,
                                          const std::function<std::optional<Bytes>(ByteView)>& load) {
  const std::string_view k = as_text(key);
  Shard& s = shard_of(k);
  std::uint64_t generation;
  {
    std::lock_guard lock(s.mutex);
    if (auto it = s.map.find(k); it != s.map.end()) {
      ++s.hits;
      it->second.referenced = true;
      return it->second.value;
    }
    ++s.misses;
    generation = s.generation;
  }
  std::optional<Bytes> v = load(key);
  if (v) {
    std::lock_guard lock(s.mutex);
    // A write since the miss may have changed the key after `load` read it: not cached then.
    if (s.generation == generation && s.writing == 0 && !s.map.contains(k)) insert(s, k, *v);
  }
  return v;
}

// CLOCK: the hand gives referenced entries a second chance and evicts the first
// unreferenced one, leaving its slot free for the next insert; the hand moves on either way.
void StateValueCache::make_room(Shard& s, std::size_t charge) {
  while (s.bytes + charge > shard_budget_ && !s.map.empty()) {
    if (s.hand >= s.clock.size()) s.hand = 0;
    Map::value_type* const p = s.clock[s.hand];
    if (p && p->second.referenced) {
      p->second.referenced = false;
    } else if (p) {
      s.bytes -= p->second.charge;
      s.map.erase(s.map.find(p->first));
      s.clock[s.hand] = nullptr;
      s.free_slots.push_back(s.hand);
    }
    ++s.hand;
  }
}

void StateValueCache::insert(Shard& s, std::string_view key, const Bytes& value) {
  const std::size_t charge = key.size() + value.size() + kEntryOverhead;
  if (charge > shard_budget_) return;
  make_room(s, charge);
  auto [it, inserted] = s.map.try_emplace(std::string(key));
  if (!inserted) return;
  it->second.value = value;
  it->second.charge = charge;
  s.bytes += charge;
  if (s.free_slots.empty()) {
    s.clock.push_back(&*it);
  } else {
    s.clock[s.free_slots.back()] = &*it;
    s.free_slots.pop_back();
  }
}

void StateValueCache::begin_write(const state::Writes& writes) {
  for (const auto& entry : writes) {
    Shard& s = shard_of(as_text(entry.first));
    std::lock_guard lock(s.mutex);
    ++s.generation;
    ++s.writing;
  }
}

void StateValueCache::end_write(const state::Writes& writes, bool landed) {
  for (const auto& [key, value] : writes) {
    const std::string_view k = as_text(key);
    Shard& s = shard_of(k);
    std::lock_guard lock(s.mutex);
    ++s.generation;
    --s.writing;
    if (!landed) continue;
    auto it = s.map.find(k);
    if (it == s.map.end()) continue;
    // Kept (as absent, for a deletion) until the clock reaches it: the clock holds its slot.
    Entry& e = it->second;
    const std::size_t charge = k.size() + (value ? value->size() : 0) + kEntryOverhead;
    s.bytes = s.bytes - e.charge + charge;
    e.charge = charge;
    e.value = value;
    // A value that grew may have taken the shard past its budget.
    if (s.bytes > shard_budget_) make_room(s, 0);
  }
}

void StateValueCache::clear() {
  for (std::size_t i = 0; i < kShards; ++i) {
    Shard& s = shards_[i];
    std::lock_guard lock(s.mutex);
    ++s.generation;
    s.clock.clear();
    s.free_slots.clear();
    s.map.clear();
    s.hand = 0;
    s.bytes = 0;
  }
}

template <class F>
std::uint64_t StateValueCache::sum(F of_shard) const {
  std::uint64_t n = 0;
  for (std::size_t i = 0; i < kShards; ++i) {
    std::lock_guard lock(shards_[i].mutex);
    n += of_shard(shards_[i]);
  }
  return n;
}

std::size_t StateValueCache::entries() const {
  return sum([](const Shard& s) { return s.map.size(); });
}
std::size_t StateValueCache::bytes() const {
  return sum([](const Shard& s) { return s.bytes; });
}
std::uint64_t StateValueCache::hits() const {
  return sum([](const Shard& s) { return s.hits; });
}
std::uint64_t StateValueCache::misses() const {
  return sum([](const Shard& s) { return s.misses; });
}

}  // namespace telco::storage
