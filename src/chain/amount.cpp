#include "chain/amount.h"

#include "util/checked.h"

namespace telco::chain {

std::optional<std::uint64_t> parse_amount(std::string_view text) {
  const std::size_t dot = text.find('.');
  std::string_view whole = text.substr(0, dot);
  std::string_view frac = dot == std::string_view::npos ? std::string_view{} : text.substr(dot + 1);
  if (whole.empty() || (dot != std::string_view::npos && frac.empty())) return std::nullopt;
  if (frac.size() > static_cast<std::size_t>(kAmountDecimals)) return std::nullopt;
  std::uint64_t units = 0;
  for (char c : whole) {
    if (c < '0' || c > '9') return std::nullopt;
    if (!checked_mul(units, 10, &units) || !checked_add(units, static_cast<std::uint64_t>(c - '0'), &units)) {
      return std::nullopt;
    }
  }
  if (!checked_mul(units, kUnitsPerToken, &units)) return std::nullopt;
  std::uint64_t frac_units = 0;
  for (int i = 0; i < kAmountDecimals; ++i) {
    const char c = i < static_cast<int>(frac.size()) ? frac[i] : '0';
    if (c < '0' || c > '9') return std::nullopt;
    frac_units = frac_units * 10 + static_cast<std::uint64_t>(c - '0');
  }
  if (!checked_add(units, frac_units, &units)) return std::nullopt;
  return units;
}

std::string format_amount(std::uint64_t units) {
  std::string out = std::to_string(units / kUnitsPerToken);
  std::uint64_t frac = units % kUnitsPerToken;
  if (frac == 0) return out;
  std::string digits = std::to_string(frac);
  digits.insert(0, static_cast<std::size_t>(kAmountDecimals) - digits.size(), '0');
  while (digits.back() == '0') digits.pop_back();
  return out + "." + digits;
}

}  // namespace telco::chain
