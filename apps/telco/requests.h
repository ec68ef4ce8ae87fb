// Pure translation of command-line arguments into API request paths. Every argument is
// checked here before it is put into a URL, so no user text reaches the path unescaped.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "crypto/address.h"

namespace telco::cli {

inline constexpr std::uint64_t kListLimitMax = 100;  // the API's bound on ?limit=

// Parses a bech32m "tc1..." address; throws UsageError naming `what` (e.g. "--to").
crypto::Address parse_address(std::string_view text, std::string_view what);
// A transaction or block hash: 64 hex digits, returned in lower case; throws UsageError.
std::string parse_hash(std::string_view text, std::string_view what);
// A TEL amount ("1.5", at most 6 decimals) in uTEL; throws UsageError naming the option.
std::uint64_t parse_tel(std::string_view text, std::string_view what);

// "latest" (or ""), a height, or a 64-hex block hash → /v1/blocks/...; throws UsageError.
std::string block_path(std::string_view ref);
std::string tx_path(std::string_view hash_hex);
std::string account_path(const crypto::Address& address);
// limit is clamped to 1..kListLimitMax; before (a height) pages back through older history.
std::string account_txs_path(const crypto::Address& address, std::uint64_t limit,
                             std::optional<std::uint64_t> before = std::nullopt);

}  // namespace telco::cli
