// The node's JSON API (/v1/...) as seen by the CLI: sends a request, parses the JSON answer
// and turns the API's error shape {"error":{"code","message"}} into a CliError.
#pragma once

#include <chrono>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "cli_error.h"
#include "node_url.h"

namespace telco::cli {

struct JsonResponse {
  unsigned status = 0;
  nlohmann::json body;
};

class NodeClient {
 public:
  NodeClient(NodeUrl url, std::chrono::milliseconds timeout) : url_(std::move(url)), timeout_(timeout) {}

  // GET path; any status >= 400 throws CliError (see error_from_response).
  nlohmann::json get(std::string_view path) const;
  // POST a JSON body; any status >= 400 throws CliError.
  nlohmann::json post(std::string_view path, const nlohmann::json& body) const;
  // GET that also returns 4xx answers carrying a JSON body (GET /v1/txs/{hash} answers an
  // unknown hash with 404 and a status object). Transport errors and 5xx still throw.
  JsonResponse get_allowing_not_found(std::string_view path) const;

  const NodeUrl& url() const { return url_; }

 private:
  JsonResponse exchange(bool post, std::string_view path, const std::string& body) const;

  NodeUrl url_;
  std::chrono::milliseconds timeout_;
};

// Pure: parses a response body as JSON, throwing CliError("bad_response") when the node
// sent something else.
nlohmann::json parse_json_body(const NodeUrl& url, unsigned status, std::string_view body);
// Pure: the CliError for a failed HTTP status. Uses the API's error code and message when
// the body has them ("node error not_found: no block at height 9"), otherwise the status.
// The CliError code is the API's code, so scripts can tell not_found from unavailable.
CliError error_from_response(const NodeUrl& url, unsigned status, const nlohmann::json& body);

}  // namespace telco::cli
