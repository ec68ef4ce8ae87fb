#include "api/json/submit_body.h"

#include <cctype>

#include "chain/limits.h"
#include "codec/reader.h"
#include "util/base64.h"
#include "util/hex.h"

namespace telco::api {
namespace {

using Json = nlohmann::json;
using chain::ResultCode;

enum class Encoding { kHex, kBase64 };

ApiError too_many(const SubmitLimits& limits) {
  return make_error(413, error_code::kBodyTooLarge,
                    "at most " + std::to_string(limits.txs_max) + " transactions per request");
}

ApiError empty_list() {
  return make_error(400, error_code::kBadRequest, "the request holds no transactions");
}

// A linear pre-scan that bounds what the JSON parser may build. It tracks strings (with
// escapes) so brackets and commas inside them do not count; on invalid JSON it may miscount,
// which is harmless because the parser rejects that input anyway.
std::optional<ApiError> check_json_shape(std::string_view body, const SubmitLimits& limits) {
  std::size_t depth = 0;
  std::size_t values = 1;
  bool in_string = false;
  for (std::size_t i = 0; i < body.size(); ++i) {
    const char c = body[i];
    if (in_string) {
      if (c == '\\') {
        ++i;
      } else if (c == '"') {
        in_string = false;
      }
      continue;
    }
    switch (c) {
      case '"':
        in_string = true;
        break;
      case '[':
      case '{':
        ++values;
        if (++depth > limits.json_depth_max) {
          return make_error(400, error_code::kInvalidJson,
                            "JSON nesting deeper than " + std::to_string(limits.json_depth_max) + " levels");
        }
        break;
      case ']':
      case '}':
        if (depth > 0) --depth;
        break;
      case ',':
        ++values;
        break;
      default:
        break;
    }
    if (values > limits.json_values_max) {
      return make_error(413, error_code::kBodyTooLarge, "JSON body holds too many values");
    }
  }
  return std::nullopt;
}

TxParse item_from_text(const std::string& text, Encoding encoding) {
  // Refuse before decoding: the text of one transaction can be at most this long.
  const std::size_t text_max =
      encoding == Encoding::kHex ? 2 * chain::kTxBytesMax : (chain::kTxBytesMax + 2) / 3 * 4;
  if (text.size() > text_max) return TxParse::failure(ResultCode::kTxTooLarge, "transaction exceeds 64 KiB");
  auto bytes = encoding == Encoding::kHex ? from_hex(text) : from_base64(text);
  if (!bytes) {
    return TxParse::failure(ResultCode::kMalformedEncoding,
                            encoding == Encoding::kHex
                                ? "transaction is not valid hex"
                                : "transaction is not valid base64 (RFC 4648, padded)");
  }
  return tx_from_bytes(*bytes);
}

TxParse item_from_json(const Json& item, Encoding encoding) {
  if (item.is_string()) return item_from_text(item.get_ref<const std::string&>(), encoding);
  if (item.is_object()) return tx_from_json(item);
  return TxParse::failure(ResultCode::kMalformedEncoding,
                          "each transaction must be a hex or base64 string or a transaction object");
}

SubmitParse parse_json_body(std::string_view body, const SubmitLimits& limits) {
  if (auto shape_error = check_json_shape(body, limits)) return *shape_error;
  const Json doc = Json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded()) return make_error(400, error_code::kInvalidJson, "body is not valid JSON");
  if (!doc.is_object()) {
    return make_error(400, error_code::kBadRequest, "body must be a JSON object with 'tx' or 'txs'");
  }
  for (auto it = doc.begin(); it != doc.end(); ++it) {
    if (it.key() != "tx" && it.key() != "txs" && it.key() != "encoding") {
      return make_error(400, error_code::kBadRequest, "unknown field '" + it.key() + "' in request body");
    }
  }
  Encoding encoding = Encoding::kHex;
  if (auto e = doc.find("encoding"); e != doc.end()) {
    if (*e == "base64") {
      encoding = Encoding::kBase64;
    } else if (*e != "hex") {
      return make_error(400, error_code::kBadRequest, "'encoding' must be \"hex\" or \"base64\"");
    }
  }
  const auto tx = doc.find("tx");
  const auto txs = doc.find("txs");
  if ((tx == doc.end()) == (txs == doc.end())) {
    return make_error(400, error_code::kBadRequest, "body must have exactly one of 'tx' and 'txs'");
  }
  SubmitBody out;
  if (tx != doc.end()) {
    if (!tx->is_string() && !tx->is_object()) {
      return make_error(400, error_code::kBadRequest,
                        "'tx' must be a string or an object; lists go in 'txs'");
    }
    out.items.push_back(item_from_json(*tx, encoding));
    return out;
  }
  if (!txs->is_array()) return make_error(400, error_code::kBadRequest, "'txs' must be an array");
  if (txs->empty()) return empty_list();
  if (txs->size() > limits.txs_max) return too_many(limits);
  out.items.reserve(txs->size());
  for (const Json& item : *txs) out.items.push_back(item_from_json(item, encoding));
  return out;
}

// u32 LE count, then each transaction's canonical encoding back to back. One bad
// transaction makes the rest unreadable (there is no per-item length), so any decode error
// fails the whole body.
SubmitParse parse_octet_body(std::string_view body, const SubmitLimits& limits) {
  codec::Reader r(as_bytes(body));
  const std::uint32_t count = r.u32();
  if (!r.ok())
    return make_error(400, error_code::kInvalidTx, "body must start with a 4-byte little-endian count");
  if (count == 0) return empty_list();
  if (count > limits.txs_max) return too_many(limits);
  if (count > r.remaining() / kTxEncodedBytesMin) {
    return make_error(
        400, error_code::kInvalidTx,
        "count says " + std::to_string(count) + " transactions but the body is too short for them");
  }
  SubmitBody out;
  out.items.reserve(count);
  for (std::uint32_t i = 0; i < count; ++i) {
    const std::size_t start = r.position();
    chain::Transaction tx = chain::decode_transaction(r);
    if (!r.ok()) {
      return make_error(400, error_code::kInvalidTx,
                        "transaction " + std::to_string(i) + " (at byte " + std::to_string(start) +
                            ") does not decode: " + codec::describe(r.error()));
    }
    TxParse p;
    p.tx = std::move(tx);
    out.items.push_back(std::move(p));
  }
  if (!r.finish()) {
    return make_error(400, error_code::kInvalidTx, "unexpected bytes after the last transaction");
  }
  return out;
}

}  // namespace

std::string media_type(std::string_view content_type) {
  content_type = content_type.substr(0, content_type.find(';'));
  while (!content_type.empty() && std::isspace(static_cast<unsigned char>(content_type.front()))) {
    content_type.remove_prefix(1);
  }
  while (!content_type.empty() && std::isspace(static_cast<unsigned char>(content_type.back()))) {
    content_type.remove_suffix(1);
  }
  std::string out(content_type);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

SubmitParse parse_submit_body(std::string_view content_type, std::string_view body,
                              const SubmitLimits& limits) {
  if (body.size() > limits.body_bytes_max) {
    return make_error(413, error_code::kBodyTooLarge,
                      "body exceeds " + std::to_string(limits.body_bytes_max) + " bytes");
  }
  const std::string type = media_type(content_type);
  try {
    if (type == "application/json") return parse_json_body(body, limits);
    if (type == "application/octet-stream") return parse_octet_body(body, limits);
  } catch (const nlohmann::json::exception& e) {
    // Not expected (the parser runs without exceptions and fields are type-checked before
    // use), but a malformed body must never take the server down.
    return make_error(400, error_code::kInvalidJson, std::string("body could not be read: ") + e.what());
  }
  return make_error(415, error_code::kUnsupportedMediaType,
                    "Content-Type must be application/json or application/octet-stream");
}

nlohmann::json submit_response_json(const std::vector<TxParse>& items,
                                    const std::vector<SubmitResult>& results) {
  Json out_results = Json::array();
  std::size_t accepted = 0;
  std::size_t next = 0;
  for (const TxParse& item : items) {
    if (!item.ok()) {
      out_results.push_back({{"hash", ""},
                             {"accepted", false},
                             {"code", static_cast<std::uint16_t>(item.code)},
                             {"name", chain::result_name(item.code)},
                             {"message", item.message}});
      continue;
    }
    const SubmitResult& r = results.at(next++);
    const bool ok = r.code == ResultCode::kOk;
    accepted += ok ? 1 : 0;
    out_results.push_back({{"hash", crypto::to_hex(r.hash)},
                           {"accepted", ok},
                           {"code", static_cast<std::uint16_t>(r.code)},
                           {"name", chain::result_name(r.code)},
                           {"message", ok ? std::string("admitted to the mempool")
                                          : std::string(chain::result_message(r.code))}});
  }
  return {{"accepted", accepted}, {"rejected", items.size() - accepted}, {"results", std::move(out_results)}};
}

}  // namespace telco::api
