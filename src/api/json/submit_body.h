// Decoding the body of POST /v1/txs (docs/api.md, "Submitting transactions").
//
// Two outcomes, kept apart on purpose: a body that cannot be read as a list of transactions
// at all is an HTTP error (ApiError: 400/413/415); a list whose items are individually bad
// is not — each item gets its own TxParse, in request order, so the response can say which
// ones were refused and why while the good ones are still submitted.
//
// Pure and bounded: no I/O, no exceptions escape, memory proportional to the body (which the
// server has already capped), never more than txs_max items.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "api/backend.h"
#include "api/json/error.h"
#include "api/json/tx_json.h"

namespace telco::api {

inline constexpr std::size_t kSubmitTxsMax = 10'000;
inline constexpr std::size_t kBodyBytesDefault = 8 * 1024 * 1024;
// Smallest canonical transaction: every fixed field, empty chain id and payload body. Lets
// the octet-stream decoder refuse a count that the body cannot possibly hold before it
// reserves memory for it.
inline constexpr std::size_t kTxEncodedBytesMin = 1 + 4 + 32 + 8 + 8 + 2 + 4 + 64;

struct SubmitLimits {
  std::size_t txs_max = kSubmitTxsMax;
  std::size_t body_bytes_max = kBodyBytesDefault;
  // JSON values (objects, arrays, scalars) allowed in one body. A tx object is about 15
  // values; this bounds the parsed document's memory, which for pathological input such as
  // "[[],[],...]" would otherwise be tens of bytes per byte of body.
  std::size_t json_values_max = kSubmitTxsMax * 40;
  // Nesting depth; a tx object is 3 levels deep inside the body.
  std::size_t json_depth_max = 32;
};

struct SubmitBody {
  std::vector<TxParse> items;  // request order; at least one
};

using SubmitParse = std::variant<SubmitBody, ApiError>;

// content_type is the raw header value ("application/json; charset=utf-8" is fine).
SubmitParse parse_submit_body(std::string_view content_type, std::string_view body,
                              const SubmitLimits& limits = {});

// The 200 response: {"accepted","rejected","results":[{"hash","accepted","code","name",
// "message"}]}. `results` holds the node's verdicts for the items that decoded, in order;
// items that did not decode report their own code and message and an empty "hash".
// Precondition: results.size() == number of ok() items.
nlohmann::json submit_response_json(const std::vector<TxParse>& items,
                                    const std::vector<SubmitResult>& results);

// The body's media type without parameters, lower-cased ("application/json").
std::string media_type(std::string_view content_type);

}  // namespace telco::api
