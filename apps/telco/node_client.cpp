#include "node_client.h"

#include "cli_error.h"
#include "http_client.h"

namespace telco::cli {

nlohmann::json parse_json_body(const NodeUrl& url, unsigned status, std::string_view body) {
  auto json = nlohmann::json::parse(body, nullptr, false);
  if (json.is_discarded()) {
    throw CliError("bad_response", "node at " + url.text() + " answered HTTP " + std::to_string(status) +
                                       " with a body that is not JSON");
  }
  return json;
}

CliError error_from_response(const NodeUrl& url, unsigned status, const nlohmann::json& body) {
  std::string code = "http_" + std::to_string(status);
  std::string message = "node at " + url.text() + " answered HTTP " + std::to_string(status);
  if (body.is_object() && body.contains("error") && body["error"].is_object()) {
    const auto& error = body["error"];
    if (error.contains("code") && error["code"].is_string()) code = error["code"].get<std::string>();
    if (error.contains("message") && error["message"].is_string()) {
      message = "node error " + code + ": " + error["message"].get<std::string>();
    }
  }
  return CliError(code, message);
}

JsonResponse NodeClient::exchange(bool post, std::string_view path, const std::string& body) const {
  HttpRequest request;
  request.method = post ? HttpMethod::kPost : HttpMethod::kGet;
  request.path = std::string(path);
  if (post) {
    request.content_type = "application/json";
    request.body = body;
  }
  HttpResponse response = http_exchange(url_, request, timeout_);
  JsonResponse out;
  out.status = response.status;
  if (response.status >= 400) {
    // An error may come from a proxy in front of the node, with an HTML body: keep the status.
    auto json = nlohmann::json::parse(response.body, nullptr, false);
    out.body = json.is_discarded() ? nlohmann::json::object() : std::move(json);
    return out;
  }
  out.body = parse_json_body(url_, response.status, response.body);
  return out;
}

nlohmann::json NodeClient::get(std::string_view path) const {
  JsonResponse r = exchange(false, path, {});
  if (r.status >= 400) throw error_from_response(url_, r.status, r.body);
  return std::move(r.body);
}

nlohmann::json NodeClient::post(std::string_view path, const nlohmann::json& body) const {
  JsonResponse r = exchange(true, path, body.dump());
  if (r.status >= 400) throw error_from_response(url_, r.status, r.body);
  return std::move(r.body);
}

JsonResponse NodeClient::get_allowing_not_found(std::string_view path) const {
  JsonResponse r = exchange(false, path, {});
  if (r.status >= 400 && !(r.status == 404 && r.body.contains("status"))) {
    throw error_from_response(url_, r.status, r.body);
  }
  return r;
}

}  // namespace telco::cli
