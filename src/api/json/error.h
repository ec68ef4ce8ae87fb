// HTTP-level errors of the v1 API: an HTTP status, a stable snake_case code and a sentence.
// Every error body the server writes is {"error":{"code":"...","message":"..."}} (docs/api.md);
// the codes are part of the published contract and never change meaning.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

namespace telco::api {

namespace error_code {
inline constexpr std::string_view kBadRequest = "bad_request";
inline constexpr std::string_view kInvalidJson = "invalid_json";
inline constexpr std::string_view kInvalidTx = "invalid_tx";
inline constexpr std::string_view kNotFound = "not_found";
inline constexpr std::string_view kMethodNotAllowed = "method_not_allowed";
inline constexpr std::string_view kLengthRequired = "length_required";
inline constexpr std::string_view kBodyTooLarge = "body_too_large";
inline constexpr std::string_view kUnsupportedMediaType = "unsupported_media_type";
inline constexpr std::string_view kUnavailable = "unavailable";
inline constexpr std::string_view kPruned = "pruned";  // 410: the state of that height is no longer kept
inline constexpr std::string_view kInternal = "internal_error";
}  // namespace error_code

struct ApiError {
  int http_status = 400;
  std::string code;
  std::string message;
  bool operator==(const ApiError&) const = default;
};

ApiError make_error(int http_status, std::string_view code, std::string message);

// {"error":{"code","message"}}
nlohmann::json error_json(const ApiError& error);
std::string error_body(const ApiError& error);

// Serializes JSON for the wire. Strings that come from chain data (memos, chain ids of
// decoded transactions) may hold bytes that are not UTF-8; nlohmann's default dump throws
// on those, so every response goes through this, which substitutes U+FFFD instead.
std::string to_json_text(const nlohmann::json& j);

}  // namespace telco::api
