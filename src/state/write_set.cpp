#include "state/write_set.h"

#include "state/tree_node.h"

namespace telco::state {

std::optional<Bytes> WriteSet::get(ByteView key) const {
  auto it = writes_.find(key);
  if (it != writes_.end()) return it->second;
  return base_.get(key);
}

void WriteSet::record_undo(const Bytes& key) {
  auto it = writes_.find(key);
  if (it == writes_.end()) {
    undo_.push_back({key, false, std::nullopt});
  } else {
    undo_.push_back({key, true, it->second});
  }
}

void WriteSet::put(ByteView key, Bytes value) {
  if (key.size() > kStateKeyBytesMax || value.size() > kStateValueBytesMax) ++oversized_puts_;
  Bytes k(key.begin(), key.end());
  record_undo(k);
  writes_.insert_or_assign(std::move(k), std::optional<Bytes>(std::move(value)));
}

void WriteSet::erase(ByteView key) {
  Bytes k(key.begin(), key.end());
  record_undo(k);
  writes_.insert_or_assign(std::move(k), std::nullopt);
}

void WriteSet::rollback(std::size_t savepoint) {
  while (undo_.size() > savepoint) {
    Undo& u = undo_.back();
    if (u.existed) {
      writes_.insert_or_assign(u.key, std::move(u.previous));
    } else {
      writes_.erase(u.key);
    }
    undo_.pop_back();
  }
}

}  // namespace telco::state
