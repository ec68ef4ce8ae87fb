#include "node/state_cache.h"

namespace telco::node {
namespace {

std::string key_string(ByteView key) { return {reinterpret_cast<const char*>(key.data()), key.size()}; }

}  // namespace

std::optional<Bytes> StateCache::get(ByteView key) const {
  std::string k = key_string(key);
  if (auto it = entries_.find(k); it != entries_.end()) {
    ++hits_;
    return it->second;
  }
  ++misses_;
  std::optional<Bytes> value = store_.get(key);
  make_room();
  entries_.emplace(std::move(k), value);
  return value;
}

void StateCache::apply(const state::Writes& writes) {
  for (const auto& [key, value] : writes) {
    make_room();
    entries_.insert_or_assign(key_string(key), value);
  }
}

void StateCache::make_room() const {
  if (entries_.size() >= kEntriesMax) entries_.clear();
}

}  // namespace telco::node
