// The v1 routes as plain functions from a request to a Response: no sockets, no Beast, so
// http_session.cpp only moves bytes and these rules read in one place (docs/api.md).
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "api/json/error.h"
#include "api/server_context.h"

namespace telco::api {

struct Response {
  int status = 200;
  std::string content_type = "application/json";
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;  // extra headers (Allow, Retry-After)
};

Response json_response(int status, const nlohmann::json& body);
Response error_response(const ApiError& error);

// Splits "/v1/blocks?limit=5" into path and query (without '?').
std::pair<std::string_view, std::string_view> split_target(std::string_view target);

// Every request except POST /v1/txs and the /v1/events WebSocket upgrade: the read
// endpoints, /openapi.yaml, static files, and the 404/405 answers. Runs on an io thread;
// never throws (a failing backend becomes 500 internal_error, logged once).
Response handle_request(ServerContext& ctx, std::string_view method, std::string_view target);

// POST /v1/txs: decodes the body, submits what decoded (blocking until the node has a
// verdict) and reports every item in order. Runs on the submit pool; never throws.
Response handle_submit(ServerContext& ctx, std::string_view content_type, std::string_view body);

}  // namespace telco::api
