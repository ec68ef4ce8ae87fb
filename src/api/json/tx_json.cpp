#include "api/json/tx_json.h"

#include <stdexcept>

#include "chain/amount.h"
#include "chain/limits.h"
#include "modules/registry.h"
#include "util/hex.h"

namespace telco::api {
namespace {

using Json = nlohmann::json;
using chain::ResultCode;

// Thrown inside this file only, so each field check is one line; tx_from_json catches it
// and every other exception the JSON library can raise, and returns a value.
struct Rejection {
  ResultCode code;
  std::string message;
};

[[noreturn]] void reject(std::string message, ResultCode code = ResultCode::kMalformedEncoding) {
  throw Rejection{code, std::move(message)};
}

const Json& require(const Json& obj, const char* field) {
  auto it = obj.find(field);
  if (it == obj.end()) reject(std::string("transaction needs '") + field + "'");
  return *it;
}

// Contract: u64 values may arrive as JSON numbers or as decimal strings (what we write for
// amounts, since JavaScript loses precision above 2^53).
std::uint64_t u64_field(const Json& obj, const char* field) {
  const Json& v = require(obj, field);
  if (v.is_number_unsigned()) return v.get<std::uint64_t>();
  if (v.is_number_integer()) {
    // Parsed text yields unsigned for non-negative numbers, but a json built in code may
    // hold a signed one.
    if (v.get<std::int64_t>() >= 0) return static_cast<std::uint64_t>(v.get<std::int64_t>());
    reject(std::string("'") + field + "' must not be negative");
  }
  if (v.is_string()) {
    if (auto n = parse_u64(v.get_ref<const std::string&>())) return *n;
  }
  reject(std::string("'") + field + "' must be a non-negative integer below 2^64");
}

const std::string& string_field(const Json& obj, const char* field) {
  const Json& v = require(obj, field);
  if (!v.is_string()) reject(std::string("'") + field + "' must be a string");
  return v.get_ref<const std::string&>();
}

constexpr std::string_view kTxFields[] = {"version", "chain_id", "sender",  "sender_address",
                                          "nonce",   "fee",      "payload", "signature"};

void reject_unknown_fields(const Json& obj) {
  for (auto it = obj.begin(); it != obj.end(); ++it) {
    bool known = false;
    for (std::string_view f : kTxFields) known = known || it.key() == f;
    if (!known) reject("unknown field '" + it.key() + "' in transaction");
  }
}

chain::Payload payload_from_json(const Json& j) {
  if (!j.is_object()) reject("'payload' must be an object", ResultCode::kMalformedPayload);
  auto type = j.find("type");
  if (type == j.end() || !type->is_string()) {
    reject("payload needs a string 'type', e.g. \"bank.transfer\"", ResultCode::kMalformedPayload);
  }
  const modules::PayloadHandler* handler = modules::find_handler(type->get_ref<const std::string&>());
  if (handler == nullptr) {
    reject("payload type '" + type->get<std::string>() + "' is not registered",
           ResultCode::kUnknownPayloadType);
  }
  try {
    return handler->from_json(j);
  } catch (const std::invalid_argument& e) {
    reject(e.what(), ResultCode::kMalformedPayload);
  }
}

chain::Transaction tx_from_object(const Json& j) {
  if (!j.is_object()) reject("a transaction must be a JSON object");
  reject_unknown_fields(j);
  chain::Transaction tx;
  const std::uint64_t version = u64_field(j, "version");
  if (version != chain::kTxVersion) {
    reject("transaction version " + std::to_string(version) + " is not supported",
           ResultCode::kUnsupportedVersion);
  }
  tx.version = chain::kTxVersion;
  tx.chain_id = string_field(j, "chain_id");
  if (tx.chain_id.size() > chain::kChainIdBytesMax) reject("'chain_id' is longer than 50 bytes");
  auto sender = crypto::public_key_from_hex(string_field(j, "sender"));
  if (!sender) reject("'sender' must be a 64-hex-digit public key");
  tx.sender = *sender;
  if (j.contains("sender_address") && !j["sender_address"].is_string()) {
    reject("'sender_address' must be a string");
  }
  tx.nonce = u64_field(j, "nonce");
  tx.fee = u64_field(j, "fee");
  tx.payload = payload_from_json(require(j, "payload"));
  auto signature = crypto::signature_from_hex(string_field(j, "signature"));
  if (!signature) reject("'signature' must be 128 hex digits");
  tx.signature = *signature;
  if (tx.encode().size() > chain::kTxBytesMax) reject("transaction exceeds 64 KiB", ResultCode::kTxTooLarge);
  return tx;
}

}  // namespace

TxParse TxParse::failure(chain::ResultCode code, std::string message) {
  TxParse p;
  p.code = code;
  p.message = std::move(message);
  return p;
}

std::optional<std::uint64_t> parse_u64(std::string_view text) {
  if (text.empty() || text.size() > 20) return std::nullopt;
  std::uint64_t value = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return std::nullopt;
    const auto digit = static_cast<std::uint64_t>(c - '0');
    if (value > (UINT64_MAX - digit) / 10) return std::nullopt;
    value = value * 10 + digit;
  }
  return value;
}

nlohmann::json payload_to_json(const chain::Payload& payload) {
  if (const modules::PayloadHandler* h = modules::find_handler(payload.type)) return h->to_json(payload);
  return {{"type", "unknown"}, {"type_id", payload.type}, {"body", to_hex(payload.body)}};
}

nlohmann::json tx_to_json(const chain::Transaction& tx) {
  return {{"version", tx.version},
          {"chain_id", tx.chain_id},
          {"sender", to_hex(tx.sender)},
          {"sender_address", tx.sender_address().to_string()},
          {"nonce", tx.nonce},
          {"fee", std::to_string(tx.fee)},
          {"payload", payload_to_json(tx.payload)},
          {"signature", to_hex(tx.signature)}};
}

nlohmann::json result_to_json(chain::ResultCode code) {
  return {{"code", static_cast<std::uint16_t>(code)},
          {"name", chain::result_name(code)},
          {"message", chain::result_message(code)}};
}

nlohmann::json receipt_to_json(const chain::Receipt& receipt) {
  nlohmann::json j = result_to_json(receipt.code);
  j["fee_charged"] = std::to_string(receipt.fee_charged);
  return j;
}

TxParse tx_from_json(const nlohmann::json& j) {
  try {
    TxParse p;
    p.tx = tx_from_object(j);
    return p;
  } catch (const Rejection& r) {
    return TxParse::failure(r.code, r.message);
  } catch (const nlohmann::json::exception& e) {
    // A handler's from_json may call get<T>() on a field of the wrong type.
    return TxParse::failure(ResultCode::kMalformedPayload,
                            std::string("payload field has the wrong type: ") + e.what());
  }
}

TxParse tx_from_bytes(ByteView bytes) {
  if (bytes.size() > chain::kTxBytesMax) {
    return TxParse::failure(ResultCode::kTxTooLarge, "transaction exceeds 64 KiB");
  }
  codec::DecodeError error = codec::DecodeError::kNone;
  auto tx = chain::decode_transaction(bytes, &error);
  if (!tx) {
    return TxParse::failure(ResultCode::kMalformedEncoding,
                            std::string("transaction bytes do not decode: ") + codec::describe(error));
  }
  TxParse p;
  p.tx = std::move(*tx);
  return p;
}

TxParse parse_tx_json(std::string_view text) {
  const Json j = Json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) return TxParse::failure(ResultCode::kMalformedEncoding, "not valid JSON");
  return tx_from_json(j);
}

}  // namespace telco::api
