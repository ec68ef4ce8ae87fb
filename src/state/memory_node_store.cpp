#include "state/memory_node_store.h"

#include <stdexcept>

namespace telco::state {

std::optional<Bytes> MemoryNodeStore::get_node(ByteView node_key) const {
  auto it = nodes_.find(node_key);
  if (it == nodes_.end()) return std::nullopt;
  return it->second;
}

void MemoryNodeStore::write(const TreeUpdate& update) {
  for (const auto& [key, node] : update.new_nodes) {
    auto [it, inserted] = nodes_.emplace(key, node);
    if (!inserted) throw std::logic_error("state tree node written twice");
    node_bytes_ += key.size() + node.size();
  }
  if (!update.stale_nodes.empty()) {
    auto& list = stale_[update.version];
    list.insert(list.end(), update.stale_nodes.begin(), update.stale_nodes.end());
  }
}

std::size_t MemoryNodeStore::prune(Version keep_from) {
  std::size_t deleted = 0;
  for (auto it = stale_.begin(); it != stale_.end() && it->first <= keep_from; it = stale_.erase(it)) {
    for (const Bytes& key : it->second) {
      auto node = nodes_.find(key);
      if (node == nodes_.end()) throw std::logic_error("stale state tree node listed twice");
      node_bytes_ -= node->first.size() + node->second.size();
      nodes_.erase(node);
      ++deleted;
    }
  }
  return deleted;
}

std::size_t MemoryNodeStore::stale_count() const {
  std::size_t n = 0;
  for (const auto& [version, keys] : stale_) n += keys.size();
  return n;
}

}  // namespace telco::state
