#include "api/search.h"

#include <algorithm>
#include <optional>

#include "api/json/tx_json.h"
#include "util/hex.h"

namespace telco::api {
namespace {

// A resolver recognises the shape of the text (returns nullopt when it does not) and looks
// it up (an empty vector: the shape fits, nothing by that identifier exists).
using Resolver = std::optional<std::vector<SearchHit>> (*)(const Backend&, std::string_view);

std::optional<std::vector<SearchHit>> by_height(const Backend& backend, std::string_view text) {
  const auto height = parse_u64(text);
  if (!height) return std::nullopt;
  std::vector<SearchHit> hits;
  if (*height >= 1 && *height <= backend.head().height) {
    if (auto header = backend.header_at(*height)) {
      hits.push_back({"block", {{"height", *height}, {"hash", crypto::to_hex(header->hash())}}});
    }
  }
  return hits;
}

std::optional<std::vector<SearchHit>> by_hash(const Backend& backend, std::string_view text) {
  if (text.size() != 64) return std::nullopt;
  auto bytes = from_hex(text);
  if (!bytes) return std::nullopt;
  crypto::Hash32 hash;
  std::copy(bytes->begin(), bytes->end(), hash.begin());
  const std::string hex = crypto::to_hex(hash);
  std::vector<SearchHit> hits;
  // A hash names a transaction or a block; both are looked up, since the text cannot say which.
  const TxStatus tx = backend.tx_status(hash);
  if (tx.state != TxState::kUnknown) {
    hits.push_back({"tx",
                    {{"hash", hex},
                     {"status", tx.state == TxState::kPending     ? "pending"
                                : tx.state == TxState::kFinalized ? "finalized"
                                                                  : "rejected"}}});
  }
  if (auto height = backend.height_of(hash)) hits.push_back({"block", {{"height", *height}, {"hash", hex}}});
  return hits;
}

std::optional<std::vector<SearchHit>> by_address(const Backend&, std::string_view text) {
  auto address = crypto::Address::parse(text);
  if (!address) return std::nullopt;
  return std::vector<SearchHit>{{"account", {{"address", address->to_string()}}}};
}

// Tried in order; the first that recognises the text answers. Shapes do not overlap.
constexpr Resolver kResolvers[] = {by_height, by_hash, by_address};

std::string_view trim(std::string_view s) {
  const auto space = [](char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; };
  while (!s.empty() && space(s.front())) s.remove_prefix(1);
  while (!s.empty() && space(s.back())) s.remove_suffix(1);
  return s;
}

}  // namespace

std::variant<std::vector<SearchHit>, ApiError> search(const Backend& backend, std::string_view text) {
  text = trim(text);
  if (text.empty()) return make_error(400, error_code::kBadRequest, "the search text is empty");
  if (text.size() > kSearchTextMax) {
    return make_error(400, error_code::kBadRequest,
                      "the search text is longer than any identifier (128 characters)");
  }
  for (Resolver resolve : kResolvers) {
    if (auto hits = resolve(backend, text)) return std::move(*hits);
  }
  const bool looks_like_address = text.size() > 3 && (text.starts_with("tc1") || text.starts_with("TC1"));
  return make_error(400, error_code::kBadRequest,
                    looks_like_address
                        ? "not a valid address: the tc1 address has a typo (its checksum does not match)"
                        : "search for a block height, a 64-hex block or transaction hash, or a tc1 address");
}

nlohmann::json search_json(std::string_view query, const std::vector<SearchHit>& hits) {
  nlohmann::json results = nlohmann::json::array();
  for (const SearchHit& hit : hits) {
    nlohmann::json j = hit.fields;
    j["kind"] = hit.kind;
    results.push_back(std::move(j));
  }
  return {{"query", query}, {"results", std::move(results)}};
}

}  // namespace telco::api
