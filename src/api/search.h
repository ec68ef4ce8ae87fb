// GET /v1/search?q=: what one search box means. The text is classified by shape and looked
// up: a block height, a 64-hex block or transaction hash or device identifier hash, a tc1
// address, a name under the chain's zones, an E.164 phone number (with or without +). Each
// kind is one resolver in the table in search.cpp; shapes may overlap (digits are a height
// and a number), and then every kind that fits is looked up.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "api/backend.h"
#include "api/json/error.h"

namespace telco::api {

// Longest search text accepted: the longest identifier is a name of 253 bytes (plus a
// trailing dot); a longer text names nothing.
inline constexpr std::size_t kSearchTextMax = 256;

// One thing the text names, with the fields a client needs to link to it: kind "block"
// (height, hash), "tx" (hash, status), "account" (address), "device" (id_hash, status),
// "name" (name, unicode, status) or "number" (number, e164, assigned).
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
