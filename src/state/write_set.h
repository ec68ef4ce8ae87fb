// The writes of one block (or one transaction) layered over a base view. Reads see the
// pending writes first. Writes are kept sorted by key, which makes the commitment and the
// storage batch deterministic. Savepoints let a failed transaction's payload be undone
// while its fee and nonce stay charged.
#pragma once

#include <map>
#include <optional>
#include <vector>

#include "state/state_view.h"

namespace telco::state {
// Pending writes in key order; nullopt = deletion.
using Writes = std::map<Bytes, std::optional<Bytes>, BytesLess>;
}  // namespace telco::state

namespace telco::state {

class WriteSet final : public StateView {
 public:
  explicit WriteSet(const StateView& base) : base_(base) {}

  std::optional<Bytes> get(ByteView key) const override;
  void put(ByteView key, Bytes value);
  void erase(ByteView key);

  // Undo log: savepoint() marks a position, rollback() restores every key written since.
  std::size_t savepoint() const { return undo_.size(); }
  void rollback(std::size_t savepoint);

  // nullopt value = deletion.
  const Writes& writes() const { return writes_; }

  // Puts so far whose key or value exceeds the state tree's bounds (state/tree_node.h). The
  // executor compares it around each transaction and rolls an offending one back, so a
  // module's oversized record fails that transaction instead of reaching the tree.
  std::size_t oversized_puts() const { return oversized_puts_; }

 private:
  void record_undo(const Bytes& key);

  const StateView& base_;
  Writes writes_;
  struct Undo {
    Bytes key;
    bool existed;                       // key was in writes_ before
    std::optional<Bytes> previous;      // its pending value then
  };
  std::vector<Undo> undo_;
  std::size_t oversized_puts_ = 0;
};

}  // namespace telco::state
