#include "state/commitment.h"

#include "codec/writer.h"

namespace telco::state {

crypto::Hash32 WriteLogCommitment::advance(const crypto::Hash32& previous_root, const Writes& writes) const {
  crypto::Hasher h;
  codec::Writer head;
  head.string("telco/state/v1");
  head.fixed(previous_root);
  head.count(writes.size());
  h.update(head.data());
  for (const auto& [key, value] : writes) {
    codec::Writer w(key.size() + (value ? value->size() : 0) + 9);
    w.bytes(key);
    w.boolean(value.has_value());
    if (value) w.bytes(*value);
    h.update(w.data());
  }
  return h.finish();
}

}  // namespace telco::state
