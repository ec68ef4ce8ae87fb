#include "api/search.h"

#include <algorithm>
#include <optional>

#include "api/backend_state.h"
#include "api/json/tx_json.h"
#include "modules/device/state.h"
#include "modules/naming/normalize.h"
#include "modules/naming/records.h"
#include "modules/naming/state.h"
#include "modules/naming/views.h"
#include "util/hex.h"

namespace telco::api {
namespace {

namespace naming = modules::naming;
namespace dev = modules::device;

// A resolver recognises the shape of the text (returns nullopt when it does not) and looks
// it up (an empty vector: the shape fits, nothing by that identifier exists). Module state
// is read at the head through BackendState: a few point reads per search, never a scan.
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

// An E.164 number: 3..15 digits, optionally "+" and the separators people write
// ("+1 415-555 1234"). Plain digits are also a height; both are looked up.
std::optional<std::vector<SearchHit>> by_number(const Backend& backend, std::string_view text) {
  auto digits = naming::parse_number_text(text);
  if (!digits) return std::nullopt;
  std::vector<SearchHit> hits;
  const BackendState state(backend);
  if (auto number = naming::view_number(state, backend.head().height, *digits)) {
    hits.push_back(
        {"number", {{"number", *digits}, {"e164", "+" + *digits}, {"assigned", number->assigned}}});
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
  // A hash names a transaction, a block or a device (its identifier hash); all are looked
  // up, since the text cannot say which.
  const TxStatus tx = backend.tx_status(hash);
  if (tx.state != TxState::kUnknown) {
    hits.push_back({"tx",
                    {{"hash", hex},
                     {"status", tx.state == TxState::kPending     ? "pending"
                                : tx.state == TxState::kFinalized ? "finalized"
                                                                  : "rejected"}}});
  }
  if (auto height = backend.height_of(hash)) hits.push_back({"block", {{"height", *height}, {"hash", hex}}});
  if (auto device = dev::load_device(BackendState(backend), hash)) {
    hits.push_back({"device", {{"id_hash", hex}, {"status", dev::status_name(device->status)}}});
  }
  return hits;
}

std::optional<std::vector<SearchHit>> by_address(const Backend&, std::string_view text) {
  auto address = crypto::Address::parse(text);
  if (!address) return std::nullopt;
  return std::vector<SearchHit>{{"account", {{"address", address->to_string()}}}};
}

// A dotted name under one of the chain's top-level labels, in any case or Unicode
// ("Alice.TEL.", "münchen.tel").
std::optional<std::vector<SearchHit>> by_name(const Backend& backend, std::string_view text) {
  if (text.find('.') == std::string_view::npos) return std::nullopt;
  auto name = naming::normalize_name(text);
  if (!name) return std::nullopt;
  const BackendState state(backend);
  const chain::NamingParams params = naming::load_params(state);
  if (!naming::in_zone(params, *name)) return std::nullopt;
  std::vector<SearchHit> hits;
  if (auto found = naming::view_name(state, params, backend.head().height, *name)) {
    hits.push_back({"name",
                    {{"name", *name},
                     {"unicode", naming::to_unicode(*name)},
                     {"status", naming::status_name(found->status)}}});
  }
  return hits;
}

// Every resolver that recognises the text adds its hits, in this order. Shapes overlap on
// purpose: digits are a height and a phone number, 64 hex digits a tx, block or device.
constexpr Resolver kResolvers[] = {by_height, by_number, by_hash, by_address, by_name};

std::string_view trim(std::string_view s) {
  const auto space = [](char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; };
  while (!s.empty() && space(s.front())) s.remove_prefix(1);
  while (!s.empty() && space(s.back())) s.remove_suffix(1);
  return s;
}

std::string zones_text(const chain::NamingParams& params) {
  std::string out;
  for (const std::string& label : params.top_level_labels) out += (out.empty() ? "." : ", .") + label;
  return out;
}

// Why text that no resolver recognised names nothing, in the words of the rule it breaks.
std::string unrecognised_sentence(const Backend& backend, std::string_view text) {
  if (text.size() > 3 && (text.starts_with("tc1") || text.starts_with("TC1"))) {
    return "not a valid address: the tc1 address has a typo (its checksum does not match)";
  }
  if (text.starts_with('+')) return "not an E.164 number: 3..15 digits, no leading 0, after the +";
  if (text.find('.') != std::string_view::npos) {
    naming::NameIssue issue{};
    auto name = naming::normalize_name(text, &issue);
    if (!name) {
      return std::string("not a valid name (") +
             (issue == naming::NameIssue::kTooLong        ? "too long"
              : issue == naming::NameIssue::kMixedScripts ? "a label mixes scripts"
                                                          : "invalid characters or labels") +
             "); names are labels of letters, digits and hyphens, e.g. alice.tel";
    }
    return "not a name of this chain: names end in " + zones_text(naming::load_params(BackendState(backend)));
  }
  return "search for a block height, a 64-hex block or transaction hash, a tc1 address, a name (alice.tel), "
         "a phone number (+14155550123) or a 64-hex device id";
}

}  // namespace

std::variant<std::vector<SearchHit>, ApiError> search(const Backend& backend, std::string_view text) {
  text = trim(text);
  if (text.empty()) return make_error(400, error_code::kBadRequest, "the search text is empty");
  if (text.size() > kSearchTextMax) {
    return make_error(400, error_code::kBadRequest,
                      "the search text is longer than any identifier (256 bytes)");
  }
  bool recognised = false;
  std::vector<SearchHit> hits;
  for (Resolver resolve : kResolvers) {
    auto found = resolve(backend, text);
    if (!found) continue;
    recognised = true;
    for (SearchHit& hit : *found) hits.push_back(std::move(hit));
  }
  if (recognised) return hits;
  return make_error(400, error_code::kBadRequest, unrecognised_sentence(backend, text));
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
