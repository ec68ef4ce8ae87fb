#include "p2p/backoff.h"

#include <algorithm>

namespace telco::p2p {
namespace {
// 2^20 * base is far beyond any sensible max; capping the exponent keeps the shift defined.
constexpr std::uint32_t kExponentMax = 20;
}  // namespace

Backoff::Duration Backoff::next(const RandomSource& random) {
  const auto exponent = std::min(failures_, kExponentMax);
  const std::int64_t base = std::max<std::int64_t>(base_.count(), 1);
  const std::int64_t ceiling = std::min<std::int64_t>(max_.count(), base << exponent);
  ++failures_;
  const std::int64_t half = ceiling / 2;
  const std::uint64_t span = static_cast<std::uint64_t>(ceiling - half) + 1;
  return Duration(half + static_cast<std::int64_t>(random() % span));
}

}  // namespace telco::p2p
