#include "api/naming_routes.h"

#include "api/json/tx_json.h"
#include "api/server_context.h"
#include "api/static_files.h"
#include "crypto/address.h"
#include "modules/naming/normalize.h"
#include "modules/naming/records.h"
#include "modules/naming/state.h"
#include "modules/naming/views.h"
#include "util/hex.h"

namespace telco::api {
namespace {

using Json = nlohmann::json;
namespace naming = modules::naming;

struct RouteFailure {
  ApiError error;
};

[[noreturn]] void fail(int status, std::string_view code, std::string message) {
  throw RouteFailure{make_error(status, code, std::move(message))};
}

const state::StateView& committed(ServerContext& ctx) {
  const state::StateView* view = ctx.backend.committed_state();
  if (!view) fail(404, error_code::kNotFound, "this node serves no naming state");
  return *view;
}

// The state key an answer was read from, and where to get its proof at that height.
Json proof_fields(const Bytes& key, std::uint64_t height) {
  const std::string hex = to_hex(key);
  return {{"state_key", hex}, {"proof", "/v1/state/proof?key=" + hex + "&height=" + std::to_string(height)}};
}

std::string segment(std::string_view raw, const char* what) {
  auto text = percent_decode(raw);
  if (!text || text->empty())
    fail(400, error_code::kBadRequest, std::string(what) + " has a malformed %-escape");
  return *text;
}

// What a user typed ("Alice.TEL.", "münchen.tel") in the normal form, or 400 with the rule.
std::string normal_name(std::string_view raw) {
  naming::NameIssue issue{};
  auto name = naming::normalize_name(segment(raw, "name"), &issue);
  if (!name) {
    fail(400, error_code::kBadRequest,
         "not a valid name (" +
             std::string(issue == naming::NameIssue::kTooLong        ? "too long"
                         : issue == naming::NameIssue::kMixedScripts ? "mixed scripts"
                                                                     : "invalid characters or labels") +
             "); see docs/modules/naming.md, Normalisation");
  }
  return *name;
}

std::string number_digits(std::string_view raw) {
  auto digits = naming::parse_number_text(segment(raw, "number"));
  if (!digits)
    fail(400, error_code::kBadRequest, "not an E.164 number: 3..15 digits, no leading 0, optional +");
  return *digits;
}

std::size_t limit_of(const QueryParams& q) {
  auto it = q.find("limit");
  if (it == q.end()) return 20;
  auto n = parse_u64(it->second);
  if (!n || *n == 0 || *n > kNamingHistoryPageMax) fail(400, error_code::kBadRequest, "limit must be 1..100");
  return static_cast<std::size_t>(*n);
}

std::optional<std::uint32_t> before_of(const QueryParams& q) {
  auto it = q.find("before");
  if (it == q.end()) return std::nullopt;
  auto n = parse_u64(it->second);
  if (!n || *n > 0xFFFFFFFFu) fail(400, error_code::kBadRequest, "before must be a history sequence number");
  return static_cast<std::uint32_t>(*n);
}

Json history_json(const naming::HistoryPage& page) {
  Json entries = Json::array();
  for (const naming::HistoryEntry& e : page.entries) entries.push_back(naming::history_to_json(e));
  return {{"total", page.total}, {"entries", std::move(entries)}};
}

Response name_route(ServerContext& ctx, std::string_view raw, bool history, const QueryParams& q) {
  const state::StateView& view = committed(ctx);
  const std::uint64_t height = ctx.backend.head().height;
  const std::string name = normal_name(raw);
  if (history) {
    Json j = history_json(naming::name_history(view, name, limit_of(q), before_of(q)));
    j["name"] = name;
    j["height"] = height;
    return json_response(200, j);
  }
  const chain::NamingParams params = naming::load_params(view);
  auto found = naming::view_name(view, params, height, name);
  if (!found) fail(404, error_code::kNotFound, "name " + name + " has never been registered");
  Json j = naming::name_view_json(*found);
  j["height"] = height;
  j.update(proof_fields(naming::name_key(name), height));
  return json_response(200, j);
}

Response reverse_route(ServerContext& ctx, std::string_view raw) {
  const state::StateView& view = committed(ctx);
  const std::uint64_t height = ctx.backend.head().height;
  auto address = crypto::Address::parse(segment(raw, "address"));
  if (!address) fail(400, error_code::kBadRequest, "address must be a tc1... address");
  auto name = naming::reverse_name(view, naming::load_params(view), height, *address);
  if (!name)
    fail(404, error_code::kNotFound, "address " + address->to_string() + " has no active reverse name");
  Json j = {{"address", address->to_string()},
            {"name", *name},
            {"unicode", naming::to_unicode(*name)},
            {"height", height}};
  j.update(proof_fields(naming::reverse_key(*address), height));
  return json_response(200, j);
}

Response number_route(ServerContext& ctx, std::string_view raw, bool history, const QueryParams& q) {
  const state::StateView& view = committed(ctx);
  const std::uint64_t height = ctx.backend.head().height;
  const std::string digits = number_digits(raw);
  if (history) {
    Json j = history_json(naming::number_history(view, height, digits, limit_of(q), before_of(q)));
    j["number"] = digits;
    j["height"] = height;
    return json_response(200, j);
  }
  auto number = naming::view_number(view, height, digits);
  if (!number) fail(404, error_code::kNotFound, "number +" + digits + " has never been assigned");
  Json j = naming::number_json(*number, naming::find_block(view, digits), naming::load_params(view));
  j["height"] = height;
  j.update(proof_fields(naming::number_key(digits), height));
  return json_response(200, j);
}

Response block_route(ServerContext& ctx, std::string_view raw) {
  const state::StateView& view = committed(ctx);
  const std::uint64_t height = ctx.backend.head().height;
  std::string digits = segment(raw, "prefix");
  if (!digits.empty() && digits[0] == '+') digits.erase(0, 1);
  if (!naming::valid_prefix(digits) && !naming::valid_number(digits)) {
    fail(400, error_code::kBadRequest, "not a number or block prefix: 1..15 digits, no leading 0");
  }
  auto block = naming::find_block(view, digits);
  if (!block) fail(404, error_code::kNotFound, "no allocated block holds " + digits);
  Json j = {{"prefix", block->prefix},
            {"length", block->length},
            {"holder", block->holder.to_string()},
            {"allocated_at", block->allocated_at},
            {"height", height}};
  j.update(proof_fields(naming::block_key(block->prefix), height));
  return json_response(200, j);
}

}  // namespace

std::optional<Response> naming_route(ServerContext& ctx, const std::vector<std::string_view>& s,
                                     const QueryParams& q) {
  const std::size_t n = s.size();
  const bool name = s[0] == "names" && (n == 2 || (n == 3 && s[2] == "history"));
  const bool number = s[0] == "numbers" && (n == 2 || (n == 3 && s[2] == "history"));
  const bool other = n == 2 && (s[0] == "reverse" || s[0] == "number-blocks");
  if (!name && !number && !other) return std::nullopt;
  try {
    if (name) return name_route(ctx, s[1], n == 3, q);
    if (number) return number_route(ctx, s[1], n == 3, q);
    if (s[0] == "reverse") return reverse_route(ctx, s[1]);
    return block_route(ctx, s[1]);
  } catch (const RouteFailure& f) {
    return error_response(f.error);
  }
}

}  // namespace telco::api
