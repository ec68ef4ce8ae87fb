#include "api/router.h"

#include <spdlog/spdlog.h>

#include <limits>
#include <map>
#include <memory>

#include "api/device_routes.h"
#include "api/json/views.h"
#include "api/naming_routes.h"
#include "api/proof_routes.h"
#include "api/search.h"
#include "api/static_files.h"
#include "chain/genesis.h"
#include "util/hex.h"

namespace telco::api {
namespace {

using Json = nlohmann::json;

constexpr std::size_t kPageDefault = 20;
constexpr std::size_t kPageMax = 100;
constexpr std::size_t kPathSegmentsMax = 8;
// GET /v1/txs (recent transactions) looks at most this many blocks below the head, so a
// chain of empty blocks costs a bounded number of header reads.
constexpr std::uint64_t kRecentTxsScanBlocksMax = 1000;
// GET /v1/blocks/{id}?tx_limit=: transactions per block page at most.
constexpr std::size_t kBlockTxsPageMax = 1000;

// Thrown by the request parsers below and turned into an error response at the top of
// handle_request, so each route reads as a straight line.
struct HttpFailure {
  ApiError error;
};

[[noreturn]] void fail(int status, std::string_view code, std::string message) {
  throw HttpFailure{make_error(status, code, std::move(message))};
}

Response method_not_allowed(std::string_view allow) {
  Response r = error_response(
      make_error(405, error_code::kMethodNotAllowed, "this path allows " + std::string(allow)));
  r.headers.emplace_back("Allow", allow);
  return r;
}

Response not_found() { return error_response(make_error(404, error_code::kNotFound, "no such resource")); }

std::vector<std::string_view> split_path(std::string_view path) {
  std::vector<std::string_view> out;
  while (!path.empty() && out.size() <= kPathSegmentsMax) {
    const std::size_t slash = path.find('/');
    out.push_back(path.substr(0, slash));
    if (slash == std::string_view::npos) break;
    path.remove_prefix(slash + 1);
    if (path.empty()) out.emplace_back();  // a trailing slash is a distinct (unknown) path
  }
  return out;
}

// Unknown parameters are ignored (browsers add cache busters); known ones must be valid.
std::map<std::string, std::string, std::less<>> parse_query(std::string_view query) {
  std::map<std::string, std::string, std::less<>> out;
  while (!query.empty()) {
    const std::size_t amp = query.find('&');
    const std::string_view pair = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view{} : query.substr(amp + 1);
    const std::size_t eq = pair.find('=');
    auto key = percent_decode(pair.substr(0, eq));
    auto value = percent_decode(eq == std::string_view::npos ? std::string_view{} : pair.substr(eq + 1));
    if (!key || !value) fail(400, error_code::kBadRequest, "query string has a malformed %-escape");
    out[*key] = *value;
  }
  return out;
}

using Query = std::map<std::string, std::string, std::less<>>;

std::size_t page_limit(const Query& q) {
  auto it = q.find("limit");
  if (it == q.end()) return kPageDefault;
  auto n = parse_u64(it->second);
  if (!n || *n == 0 || *n > kPageMax)
    fail(400, error_code::kBadRequest, "limit must be an integer from 1 to 100");
  return static_cast<std::size_t>(*n);
}

std::optional<std::uint64_t> before_height(const Query& q) {
  auto it = q.find("before");
  if (it == q.end()) return std::nullopt;
  auto n = parse_u64(it->second);
  if (!n) fail(400, error_code::kBadRequest, "before must be a block height");
  return n;
}

crypto::Hash32 parse_hash(std::string_view text, const char* what) {
  auto bytes = text.size() == 64 ? from_hex(text) : std::nullopt;
  if (!bytes) fail(400, error_code::kBadRequest, std::string(what) + " must be 64 hex digits");
  crypto::Hash32 h;
  std::copy(bytes->begin(), bytes->end(), h.begin());
  return h;
}

crypto::Address parse_address(std::string_view text) {
  auto a = crypto::Address::parse(text);
  if (!a) fail(400, error_code::kBadRequest, "not a valid address (tc1..., bech32m)");
  return *a;
}

Response get_tx(ServerContext& ctx, std::string_view hash_text) {
  const crypto::Hash32 hash = parse_hash(hash_text, "a transaction hash");
  const TxStatus status = ctx.backend.tx_status(hash);
  return json_response(status.state == TxState::kUnknown ? 404 : 200, tx_status_json(hash, status));
}

std::optional<std::size_t> optional_count(const Query& q, std::string_view name, std::size_t max) {
  auto it = q.find(name);
  if (it == q.end()) return std::nullopt;
  auto n = parse_u64(it->second);
  if (!n || *n > max)
    fail(400, error_code::kBadRequest,
         std::string(name) + " must be an integer from 0 to " + std::to_string(max));
  return static_cast<std::size_t>(*n);
}

// ?tx_offset=&tx_limit= select a page of a block's transactions; without them, all of them.
TxSlice tx_slice(const Query& q) {
  TxSlice slice;
  if (auto offset = optional_count(q, "tx_offset", std::numeric_limits<std::uint32_t>::max()))
    slice.offset = *offset;
  if (auto limit = optional_count(q, "tx_limit", kBlockTxsPageMax)) {
    if (*limit == 0) fail(400, error_code::kBadRequest, "tx_limit must be an integer from 1 to 1000");
    slice.limit = *limit;
  }
  return slice;
}

Response get_block(ServerContext& ctx, std::string_view id, const Query& q) {
  std::optional<std::uint64_t> height;
  if (id == "latest") {
    height = ctx.backend.head().height;
    if (*height == 0) fail(404, error_code::kNotFound, "no block has been committed yet");
  } else if (id.size() == 64) {
    height = ctx.backend.height_of(parse_hash(id, "a block hash"));
  } else {
    height = parse_u64(id);
    if (!height) fail(400, error_code::kBadRequest, "a block is named by height, 64-hex hash or 'latest'");
  }
  auto block = height ? ctx.backend.block_at(*height) : std::nullopt;
  if (!block) fail(404, error_code::kNotFound, "no such block");
  return json_response(200, block_json(*block, ctx.backend.validators_at(*height), tx_slice(q)));
}

Response list_blocks(ServerContext& ctx, const Query& q) {
  const std::size_t limit = page_limit(q);
  std::uint64_t height = ctx.backend.head().height;
  if (auto before = before_height(q)) height = std::min(height, *before == 0 ? 0 : *before - 1);
  Json blocks = Json::array();
  for (; height >= 1 && blocks.size() < limit; --height) {
    auto header = ctx.backend.header_at(height);
    if (!header) break;  // pruned below this height
    auto commit = ctx.backend.commit_at(height);
    blocks.push_back(commit ? block_summary_json(*header, *commit, ctx.backend.validators_at(height))
                            : block_summary_json(*header));
  }
  return json_response(200, {{"blocks", std::move(blocks)}});
}

// The list entry of the i-th transaction of `block` (which must outlive it).
TxListEntry list_entry(const BlockData& block, std::size_t i) {
  TxListEntry e;
  e.hash = i < block.tx_hashes.size() ? block.tx_hashes[i] : block.block.txs[i].hash();
  e.location = TxLocation{block.block.header.height, static_cast<std::uint32_t>(i)};
  e.time_ms = block.block.header.time_ms;
  e.tx = &block.block.txs[i];
  if (i < block.receipts.size()) e.receipt = block.receipts[i];
  return e;
}

// List entries for (location, hash) pairs, each with its transaction and receipt from its
// block (kept in `blocks`); consecutive entries of one block read it once.
std::vector<TxListEntry> expand_txs(const Backend& backend,
                                    const std::vector<std::pair<TxLocation, crypto::Hash32>>& found,
                                    std::vector<std::shared_ptr<const BlockData>>& blocks) {
  std::vector<TxListEntry> entries;
  entries.reserve(found.size());
  for (const auto& [location, hash] : found) {
    if (blocks.empty() || blocks.back()->block.header.height != location.height) {
      auto data = backend.block_at(location.height);
      if (data) blocks.push_back(std::make_shared<const BlockData>(std::move(*data)));
    }
    const BlockData* block = blocks.empty() ? nullptr : blocks.back().get();
    if (block && block->block.header.height == location.height && location.index < block->block.txs.size()) {
      entries.push_back(list_entry(*block, location.index));
    } else {
      TxListEntry e;  // indexed but unreadable: the hash and location still say where
      e.hash = hash;
      e.location = location;
      entries.push_back(e);
    }
  }
  return entries;
}

Response account_txs(ServerContext& ctx, const crypto::Address& address, const Query& q) {
  const std::size_t limit = page_limit(q);
  const auto found = ctx.backend.account_txs(address, limit, before_height(q));
  std::vector<std::shared_ptr<const BlockData>> blocks;
  return json_response(200, tx_list_json(expand_txs(ctx.backend, found, blocks)));
}

// The newest transactions, newest first, from at most kRecentTxsScanBlocksMax blocks.
Response recent_txs(ServerContext& ctx, const Query& q) {
  const std::size_t limit = page_limit(q);
  std::vector<std::shared_ptr<const BlockData>> blocks;  // own what the entries point into
  std::vector<TxListEntry> entries;
  const std::uint64_t head = ctx.backend.head().height;
  const std::uint64_t lowest = head > kRecentTxsScanBlocksMax ? head - kRecentTxsScanBlocksMax + 1 : 1;
  for (std::uint64_t height = head; height >= lowest && entries.size() < limit; --height) {
    auto header = ctx.backend.header_at(height);
    if (!header) break;  // pruned below this height
    if (header->tx_count == 0) continue;
    auto data = ctx.backend.block_at(height);
    if (!data) break;
    blocks.push_back(std::make_shared<const BlockData>(std::move(*data)));
    const BlockData& block = *blocks.back();
    for (std::size_t i = block.block.txs.size(); i-- > 0 && entries.size() < limit;) {
      entries.push_back(list_entry(block, i));
    }
  }
  return json_response(200, tx_list_json(entries));
}

Response search_route(ServerContext& ctx, const Query& q) {
  auto it = q.find("q");
  const std::string_view text = it == q.end() ? std::string_view{} : std::string_view(it->second);
  auto outcome = search(ctx.backend, text);
  if (const ApiError* error = std::get_if<ApiError>(&outcome)) return error_response(*error);
  return json_response(200, search_json(text, std::get<std::vector<SearchHit>>(outcome)));
}

Response route_v1(ServerContext& ctx, bool is_get, const std::vector<std::string_view>& s,
                  std::string_view query) {
  const std::size_t n = s.size();
  if (n == 1 && s[0] == "txs") {
    // POST /v1/txs never reaches this function (the session hands it to handle_submit).
    if (!is_get) return method_not_allowed("GET, HEAD, POST");
    return recent_txs(ctx, parse_query(query));
  }
  if (n == 1 && s[0] == "events") return method_not_allowed("GET");
  const bool known = (n == 1 && (s[0] == "status" || s[0] == "genesis" || s[0] == "validators" ||
                                 s[0] == "blocks" || s[0] == "search" || s[0] == "headers")) ||
                     (n == 2 && (s[0] == "txs" || s[0] == "blocks" || s[0] == "accounts" || s[0] == "headers")) ||
                     (n == 2 && ((s[0] == "state" && s[1] == "proof") || (s[0] == "validators" && s[1] == "changes"))) ||
                     (n == 3 && s[0] == "accounts" && (s[2] == "txs" || s[2] == "proof"));
  if ((n == 2 && s[0] == "devices" && (s[1] == "challenge" || s[1] == "authenticate")) ||
      (n == 2 && s[0] == "readings" && s[1] == "verify")) {
    return method_not_allowed("POST");  // POSTs reach handle_device_post from the session
  }
  if (!known && is_device_get_path(s)) {
    if (!is_get) return method_not_allowed("GET, HEAD");
    return device_get_route(ctx, s, parse_query(query));
  }
  if (!known) {
    // The naming module's reads (api/naming_routes.h): names, numbers, reverse, blocks.
    if (n >= 2 && n <= 3 && (s[0] == "names" || s[0] == "numbers" || s[0] == "reverse" || s[0] == "number-blocks")) {
      if (!is_get) return method_not_allowed("GET, HEAD");
      if (auto r = naming_route(ctx, s, parse_query(query))) return std::move(*r);
    }
    return not_found();
  }
  if (!is_get) return method_not_allowed("GET, HEAD");
  Backend& b = ctx.backend;
  if (n == 2 && s[0] == "state") return state_proof_route(ctx, parse_query(query));
  if (n == 2 && s[0] == "validators") return validator_changes_route(ctx, parse_query(query));
  if (s[0] == "headers") return n == 1 ? headers_route(ctx, parse_query(query)) : header_route(ctx, s[1]);
  if (s[0] == "status") {
    return json_response(200, status_json(b.genesis(), b.genesis_hash(), b.head(), b.mempool_stats(),
                                          ctx.config.node_version));
  }
  if (s[0] == "genesis") {
    Response r;
    r.body = chain::genesis_to_json(b.genesis());
    return r;
  }
  if (s[0] == "validators") return json_response(200, validators_json(b.validators_at(b.head().height + 1)));
  if (s[0] == "search") return search_route(ctx, parse_query(query));
  if (s[0] == "txs") return get_tx(ctx, s[1]);
  if (s[0] == "blocks")
    return n == 1 ? list_blocks(ctx, parse_query(query)) : get_block(ctx, s[1], parse_query(query));
  const crypto::Address address = parse_address(s[1]);
  if (n == 3 && s[2] == "proof") return account_proof_route(ctx, address, parse_query(query));
  if (n == 3) return account_txs(ctx, address, parse_query(query));
  return json_response(200, account_json(address, b.account(address)));
}

Response static_or_404(ServerContext& ctx, bool is_get, std::string_view path) {
  if (ctx.static_root.empty()) return not_found();
  if (!is_get) return method_not_allowed("GET, HEAD");
  auto file = load_static_file(ctx.static_root, path);
  if (!file) return not_found();
  Response r;
  r.content_type = std::move(file->content_type);
  r.body = std::move(file->body);
  // The explorer changes with the node's version; revalidate rather than serve stale pages.
  r.headers.emplace_back("Cache-Control", "no-cache");
  return r;
}

}  // namespace

Response json_response(int status, const nlohmann::json& body) {
  Response r;
  r.status = status;
  r.body = to_json_text(body);
  return r;
}

Response error_response(const ApiError& error) {
  Response r;
  r.status = error.http_status;
  r.body = error_body(error);
  if (error.http_status == 503) r.headers.emplace_back("Retry-After", "1");
  return r;
}

std::pair<std::string_view, std::string_view> split_target(std::string_view target) {
  const std::size_t q = target.find('?');
  if (q == std::string_view::npos) return {target, {}};
  return {target.substr(0, q), target.substr(q + 1)};
}

Response handle_request(ServerContext& ctx, std::string_view method, std::string_view target) {
  const auto [path, query] = split_target(target);
  const bool is_get = method == "GET" || method == "HEAD";
  try {
    if (path == "/openapi.yaml") {
      if (!is_get) return method_not_allowed("GET, HEAD");
      Response r;
      r.content_type = "application/yaml";
      r.body = ctx.openapi_yaml;
      return r;
    }
    if (path == "/v1" || path.starts_with("/v1/")) {
      return route_v1(ctx, is_get, split_path(path.substr(path.size() > 3 ? 4 : 3)), query);
    }
    return static_or_404(ctx, is_get, path);
  } catch (const HttpFailure& f) {
    return error_response(f.error);
  } catch (const std::exception& e) {
    ctx.log->error("api: {} {} failed: {}", method, path, e.what());
    return error_response(make_error(500, error_code::kInternal, "the node failed to answer; see its log"));
  }
}

Response handle_submit(ServerContext& ctx, std::string_view content_type, std::string_view body) {
  try {
    SubmitParse parsed = parse_submit_body(content_type, body, ctx.limits);
    if (const ApiError* error = std::get_if<ApiError>(&parsed)) return error_response(*error);
    SubmitBody& submitted = std::get<SubmitBody>(parsed);
    std::vector<chain::Transaction> txs;
    txs.reserve(submitted.items.size());
    for (TxParse& item : submitted.items) {
      if (item.ok()) txs.push_back(std::move(*item.tx));  // the response only needs ok()
    }
    const std::size_t count = txs.size();
    std::vector<SubmitResult> results;
    if (count > 0) results = ctx.backend.submit(std::move(txs));
    if (results.size() != count) {
      ctx.log->error("api: backend returned {} submit results for {} transactions", results.size(), count);
      return error_response(make_error(500, error_code::kInternal, "the node failed to answer; see its log"));
    }
    return json_response(200, submit_response_json(submitted.items, results));
  } catch (const std::exception& e) {
    ctx.log->error("api: POST /v1/txs failed: {}", e.what());
    return error_response(make_error(500, error_code::kInternal, "the node failed to answer; see its log"));
  }
}

}  // namespace telco::api
