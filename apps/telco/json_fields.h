// Reading fields of node responses. The API sends u64 amounts as decimal strings (they can
// exceed 2^53) and counters as numbers; these readers accept both for any integer field, so
// the CLI does not break if a field changes between the two.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

namespace telco::cli {

using Json = nlohmann::json;

// Missing, null or not an integer (number or decimal string that fits in u64): nullopt.
std::optional<std::uint64_t> optional_u64(const Json& object, std::string_view key);
// As optional_u64, but a missing or malformed field throws CliError("bad_response") naming
// the field: the node broke the API contract, and guessing would be worse.
std::uint64_t require_u64(const Json& object, std::string_view key);
std::string require_string(const Json& object, std::string_view key);
// For display only: strings as they are, numbers and booleans in decimal, else "?".
std::string display_field(const Json& object, std::string_view key);
// The member, or a null JSON value when missing, so lookups can be chained safely.
const Json& member(const Json& object, std::string_view key);

// Parses a decimal u64 without sign, spaces or exponent.
std::optional<std::uint64_t> parse_u64(std::string_view text);

}  // namespace telco::cli
