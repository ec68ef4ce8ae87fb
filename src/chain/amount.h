// Token amounts. The native token TEL has 6 decimals; on chain every amount is an integer
// number of micro-TEL (uTEL) in a u64.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace telco::chain {

inline constexpr int kAmountDecimals = 6;
inline constexpr std::uint64_t kUnitsPerToken = 1'000'000;
inline constexpr std::string_view kTokenSymbol = "TEL";

// "1.5" -> 1500000. Rejects signs, exponents, more than 6 decimals, empty parts and overflow.
std::optional<std::uint64_t> parse_amount(std::string_view text);
// 1500000 -> "1.5"; 1 -> "0.000001"; 0 -> "0".
std::string format_amount(std::uint64_t units);

}  // namespace telco::chain
