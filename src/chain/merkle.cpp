#include "chain/merkle.h"

#include <bit>

namespace telco::chain {
namespace {

crypto::Hash32 leaf(const crypto::Hash32& item) {
  static constexpr std::uint8_t kLeaf = 0x00;
  return crypto::Hasher().update(ByteView(&kLeaf, 1)).update(item).finish();
}

crypto::Hash32 node(const crypto::Hash32& l, const crypto::Hash32& r) {
  static constexpr std::uint8_t kNode = 0x01;
  return crypto::Hasher().update(ByteView(&kNode, 1)).update(l).update(r).finish();
}

crypto::Hash32 root_of(std::span<const crypto::Hash32> items) {
  if (items.size() == 1) return leaf(items[0]);
  const std::size_t k = std::bit_floor(items.size() - 1);
  return node(root_of(items.first(k)), root_of(items.subspan(k)));
}

}  // namespace

crypto::Hash32 merkle_root(std::span<const crypto::Hash32> items) {
  if (items.empty()) return crypto::blake2b_256({});
  return root_of(items);
}

}  // namespace telco::chain
