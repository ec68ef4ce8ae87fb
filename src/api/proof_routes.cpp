#include "api/proof_routes.h"

#include "api/json/proof_views.h"
#include "api/json/tx_json.h"
#include "modules/bank/account.h"
#include "state/tree_node.h"
#include "util/hex.h"

namespace telco::api {
namespace {

using Json = nlohmann::json;

// Thrown by the parsers below, caught once per route (the same idiom as router.cpp).
struct RouteFailure {
  ApiError error;
};

[[noreturn]] void fail(int status, std::string_view code, std::string message) {
  throw RouteFailure{make_error(status, code, std::move(message))};
}

template <typename F>
Response guarded(F&& route) {
  try {
    return route();
  } catch (const RouteFailure& f) {
    return error_response(f.error);
  }
}

std::optional<std::uint64_t> optional_u64(const QueryParams& q, std::string_view name) {
  auto it = q.find(name);
  if (it == q.end()) return std::nullopt;
  auto n = parse_u64(it->second);
  if (!n) fail(400, error_code::kBadRequest, std::string(name) + " must be a non-negative integer");
  return n;
}

std::uint64_t head_height(ServerContext& ctx) { return ctx.backend.head().height; }

// The height a state proof is asked at: ?height= or the head; never above the head, never
// pruned.
std::uint64_t provable_height(ServerContext& ctx, const QueryParams& q) {
  const std::uint64_t head = head_height(ctx);
  const std::uint64_t height = optional_u64(q, "height").value_or(head);
  if (height > head)
    fail(404, error_code::kNotFound,
         "height " + std::to_string(height) + " is above the head (" + std::to_string(head) + ")");
  const auto oldest = ctx.backend.state_oldest_height();
  if (!oldest) fail(404, error_code::kNotFound, "this node serves no state proofs");
  if (height < *oldest)
    fail(410, error_code::kPruned,
         "the state of height " + std::to_string(height) +
             " is no longer kept by this node; the oldest provable height is " + std::to_string(*oldest));
  return height;
}

StateProof prove(ServerContext& ctx, ByteView key, std::uint64_t height) {
  auto proof = ctx.backend.state_proof(key, height);
  if (proof) return std::move(*proof);
  // Pruned between the check above and the read: the window moved on meanwhile.
  const auto oldest = ctx.backend.state_oldest_height();
  fail(410, error_code::kPruned,
       "the state of height " + std::to_string(height) +
           " is no longer kept by this node; the oldest provable height is " +
           (oldest ? std::to_string(*oldest) : std::string("unknown")));
}

Bytes state_key(const QueryParams& q) {
  auto it = q.find("key");
  if (it == q.end() || it->second.empty())
    fail(400, error_code::kBadRequest, "key is required (hex of the state key)");
  if (it->second.size() > 2 * state::kStateKeyBytesMax)
    fail(400, error_code::kBadRequest,
         "key is longer than " + std::to_string(state::kStateKeyBytesMax) + " bytes");
  auto key = from_hex(it->second);
  if (!key) fail(400, error_code::kBadRequest, "key must be hex (an even number of 0-9a-f digits)");
  return std::move(*key);
}

Json signed_header_at(ServerContext& ctx, std::uint64_t height) {
  auto header = ctx.backend.header_at(height);
  auto commit = header ? ctx.backend.commit_at(height) : std::nullopt;
  if (!header || !commit)
    fail(404, error_code::kNotFound, "no header with its commit at height " + std::to_string(height));
  return signed_header_json(*header, *commit, ctx.backend.validators_at(height));
}

}  // namespace

Response state_proof_route(ServerContext& ctx, const QueryParams& q) {
  return guarded([&] {
    const Bytes key = state_key(q);
    const std::uint64_t height = provable_height(ctx, q);
    return json_response(200, state_proof_json(key, prove(ctx, key, height)));
  });
}

Response account_proof_route(ServerContext& ctx, const crypto::Address& address, const QueryParams& q) {
  return guarded([&] {
    const Bytes key = modules::bank::account_key(address);
    const std::uint64_t height = provable_height(ctx, q);
    return json_response(200, account_proof_json(address, key, prove(ctx, key, height)));
  });
}

Response header_route(ServerContext& ctx, std::string_view height_text) {
  return guarded([&] {
    auto height = parse_u64(height_text);
    if (!height || *height == 0)
      fail(400, error_code::kBadRequest, "a header is named by its height (1 or more)");
    const std::uint64_t head = head_height(ctx);
    if (*height > head)
      fail(404, error_code::kNotFound,
           "height " + std::to_string(*height) + " is above the head (" + std::to_string(head) + ")");
    return json_response(200, signed_header_at(ctx, *height));
  });
}

Response headers_route(ServerContext& ctx, const QueryParams& q) {
  return guarded([&] {
    const auto from = optional_u64(q, "from");
    if (!from || *from == 0)
      fail(400, error_code::kBadRequest, "from is required: the first height (1 or more)");
    const std::uint64_t limit = optional_u64(q, "limit").value_or(kHeadersPageMax);
    if (limit == 0 || limit > kHeadersPageMax)
      fail(400, error_code::kBadRequest,
           "limit must be an integer from 1 to " + std::to_string(kHeadersPageMax));
    const std::uint64_t head = head_height(ctx);
    Json headers = Json::array();
    for (std::uint64_t h = *from; h <= head && h - *from < limit; ++h)
      headers.push_back(signed_header_at(ctx, h));
    return json_response(200, {{"from", *from}, {"head", head}, {"headers", std::move(headers)}});
  });
}

Response validator_changes_route(ServerContext& ctx, const QueryParams& q) {
  return guarded([&] {
    const std::uint64_t head = head_height(ctx);
    const std::uint64_t from = optional_u64(q, "from").value_or(0);
    const std::uint64_t to = optional_u64(q, "to").value_or(head);
    if (from > to) fail(400, error_code::kBadRequest, "from must not be above to");
    if (to > head)
      fail(404, error_code::kNotFound,
           "to (" + std::to_string(to) + ") is above the head (" + std::to_string(head) + ")");
    // One more than a page tells whether the page is complete.
    auto changes = ctx.backend.validator_changes(from, to, kValidatorChangesPageMax + 1);
    const bool complete = changes.size() <= kValidatorChangesPageMax;
    if (!complete) changes.resize(kValidatorChangesPageMax);
    return json_response(
        200, validator_changes_json(from, to, ctx.backend.validators_at(from), changes, complete));
  });
}

}  // namespace telco::api
