// Overflow-checked unsigned arithmetic for balances and counters. Every function returns
// false (and leaves *out untouched) instead of wrapping.
#pragma once

#include <cstdint>

namespace telco {

[[nodiscard]] inline bool checked_add(std::uint64_t a, std::uint64_t b, std::uint64_t* out) {
  std::uint64_t r;
  if (__builtin_add_overflow(a, b, &r)) return false;
  *out = r;
  return true;
}

[[nodiscard]] inline bool checked_sub(std::uint64_t a, std::uint64_t b, std::uint64_t* out) {
  if (b > a) return false;
  *out = a - b;
  return true;
}

[[nodiscard]] inline bool checked_mul(std::uint64_t a, std::uint64_t b, std::uint64_t* out) {
  std::uint64_t r;
  if (__builtin_mul_overflow(a, b, &r)) return false;
  *out = r;
  return true;
}

}  // namespace telco
