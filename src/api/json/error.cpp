#include "api/json/error.h"

namespace telco::api {

ApiError make_error(int http_status, std::string_view code, std::string message) {
  return ApiError{http_status, std::string(code), std::move(message)};
}

nlohmann::json error_json(const ApiError& error) {
  return {{"error", {{"code", error.code}, {"message", error.message}}}};
}

std::string error_body(const ApiError& error) { return to_json_text(error_json(error)); }

std::string to_json_text(const nlohmann::json& j) {
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace telco::api
