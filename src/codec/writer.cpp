#include "codec/writer.h"

#include <cassert>
#include <limits>

namespace telco::codec {

void Writer::bytes(ByteView v) {
  count(v.size());
  fixed(v);
}

void Writer::count(std::size_t n) {
  // Callers bound their lengths far below 4 GiB; a larger one is a programming error.
  assert(n <= std::numeric_limits<std::uint32_t>::max());
  u32(static_cast<std::uint32_t>(n));
}

}  // namespace telco::codec
