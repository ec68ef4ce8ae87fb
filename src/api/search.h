// GET /v1/search?q=: what one search box means. The text is classified (block height, 64-hex
// block or transaction hash, tc1 address) and looked up; a module with its own identifiers
// (names, phone numbers: issues #4, #5) adds one resolver to the table in search.cpp.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "api/backend.h"
#include "api/json/error.h"

namespace telco::api {

// Longest search text accepted; the longest identifier today is a 64-hex hash.
inline constexpr std::size_t kSearchTextMax = 128;

// One thing the text names: kind is "block", "tx" or "account" (modules add theirs), with the
// fields a client needs to link to it.
struct SearchHit {
  std::string kind;
  nlohmann::json fields;
};

// The hits (possibly none: well-formed but unknown), or a 400 error when the text cannot name
// anything (empty, too long, or no resolver recognises its shape).
std::variant<std::vector<SearchHit>, ApiError> search(const Backend& backend, std::string_view text);

// {"query","results":[{"kind",...fields}]}
nlohmann::json search_json(std::string_view query, const std::vector<SearchHit>& hits);

}  // namespace telco::api
