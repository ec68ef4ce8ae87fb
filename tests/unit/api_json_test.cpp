// The API's JSON edge: tx <-> JSON, the submit body decoder (every malformed form we could
// think of), and the shapes of the read endpoints' bodies.
#include <gtest/gtest.h>

#include <cstring>
#include <fstream>
#include <functional>
#include <sstream>

#include "api/json/error.h"
#include "api/json/submit_body.h"
#include "api/json/tx_json.h"
#include "api/json/views.h"
#include "chain/genesis.h"
#include "chain/limits.h"
#include "modules/bank/transfer.h"
#include "modules/registry.h"
#include "util/base64.h"
#include "util/hex.h"

namespace telco::api {
namespace {

using Json = nlohmann::json;
using chain::ResultCode;

crypto::KeyPair key(std::uint8_t n) {
  crypto::Seed seed{};
  seed.fill(n);
  return crypto::KeyPair::from_seed(seed);
}

chain::Transaction transfer(std::uint64_t nonce, std::uint64_t amount = 5'000,
                            std::string memo = "invoice 7") {
  modules::bank::Transfer t;
  t.to = crypto::Address::from_public_key(key(2).public_key());
  t.amount = amount;
  t.memo.assign(memo.begin(), memo.end());
  chain::Transaction tx;
  tx.chain_id = "telco-test";
  tx.nonce = nonce;
  tx.fee = 1'000;
  tx.payload = t.to_payload();
  tx.sign(key(1));
  return tx;
}

Bytes octet_list(const std::vector<chain::Transaction>& txs) {
  codec::Writer w;
  w.count(txs.size());
  for (const auto& tx : txs) chain::encode(w, tx);
  return w.take();
}

std::string as_text(const Bytes& b) { return to_string(b); }

// A copy, so a failed expectation cannot leave the caller holding a reference into the
// wrong alternative.
SubmitBody body_of(const SubmitParse& p) {
  if (const auto* e = std::get_if<ApiError>(&p)) {
    ADD_FAILURE() << "unexpected error " << e->code << ": " << e->message;
    return {};
  }
  return std::get<SubmitBody>(p);
}

ApiError error_of(const SubmitParse& p) {
  EXPECT_TRUE(std::holds_alternative<ApiError>(p)) << "body was accepted";
  return std::holds_alternative<ApiError>(p) ? std::get<ApiError>(p) : ApiError{};
}

SubmitParse json_body(const std::string& body) { return parse_submit_body("application/json", body); }

// ---- tx <-> JSON ------------------------------------------------------------------------

TEST(ApiTxJson, RoundTripsThroughObjectAndText) {
  const chain::Transaction tx = transfer(3);
  const Json j = tx_to_json(tx);
  EXPECT_EQ(j["version"], 1);
  EXPECT_EQ(j["chain_id"], "telco-test");
  EXPECT_EQ(j["sender"], to_hex(key(1).public_key()));
  EXPECT_EQ(j["sender_address"], tx.sender_address().to_string());
  EXPECT_EQ(j["nonce"], 3);
  EXPECT_EQ(j["fee"], "1000");
  EXPECT_EQ(j["payload"]["type"], "bank.transfer");
  EXPECT_EQ(j["payload"]["amount"], "5000");
  EXPECT_EQ(j["payload"]["memo"], "invoice 7");
  EXPECT_EQ(j["signature"].get<std::string>().size(), 128u);

  const TxParse back = tx_from_json(j);
  ASSERT_TRUE(back.ok()) << back.message;
  EXPECT_EQ(*back.tx, tx);
  EXPECT_TRUE(back.tx->verify_signature());

  const TxParse from_text = parse_tx_json(j.dump());
  ASSERT_TRUE(from_text.ok()) << from_text.message;
  EXPECT_EQ(*from_text.tx, tx);
}

TEST(ApiTxJson, AcceptsNumbersForU64FieldsAndIgnoresSenderAddress) {
  Json j = tx_to_json(transfer(0));
  j["fee"] = 1000;
  j.erase("sender_address");
  j["payload"].erase("amount_tel");
  const TxParse p = tx_from_json(j);
  ASSERT_TRUE(p.ok()) << p.message;
  EXPECT_EQ(*p.tx, transfer(0));
  j["sender_address"] = "tc1-whatever-it-is-ignored";
  EXPECT_TRUE(tx_from_json(j).ok());
}

TEST(ApiTxJson, NonUtf8MemoStillSerializes) {
  const chain::Transaction tx = transfer(0, 5, std::string("\xff\xfe bad", 6));
  EXPECT_NO_THROW(to_json_text(tx_to_json(tx)));
}

TEST(ApiTxJson, UnknownPayloadTypeRendersRaw) {
  chain::Transaction tx = transfer(0);
  tx.payload = {999, {1, 2, 3}};
  const Json j = tx_to_json(tx);
  EXPECT_EQ(j["payload"]["type"], "unknown");
  EXPECT_EQ(j["payload"]["type_id"], 999);
  EXPECT_EQ(j["payload"]["body"], "010203");
}

struct BadTxCase {
  const char* name;
  std::function<void(Json&)> mutate;
  ResultCode code;
};

TEST(ApiTxJson, RejectsEveryMalformedField) {
  const std::vector<BadTxCase> cases = {
      {"unknown field", [](Json& j) { j["hash"] = "00"; }, ResultCode::kMalformedEncoding},
      {"missing chain_id", [](Json& j) { j.erase("chain_id"); }, ResultCode::kMalformedEncoding},
      {"missing nonce", [](Json& j) { j.erase("nonce"); }, ResultCode::kMalformedEncoding},
      {"missing fee", [](Json& j) { j.erase("fee"); }, ResultCode::kMalformedEncoding},
      {"missing payload", [](Json& j) { j.erase("payload"); }, ResultCode::kMalformedEncoding},
      {"missing signature", [](Json& j) { j.erase("signature"); }, ResultCode::kMalformedEncoding},
      {"missing version", [](Json& j) { j.erase("version"); }, ResultCode::kMalformedEncoding},
      {"version 2", [](Json& j) { j["version"] = 2; }, ResultCode::kUnsupportedVersion},
      {"chain_id number", [](Json& j) { j["chain_id"] = 7; }, ResultCode::kMalformedEncoding},
      {"chain_id too long", [](Json& j) { j["chain_id"] = std::string(51, 'c'); },
       ResultCode::kMalformedEncoding},
      {"negative nonce", [](Json& j) { j["nonce"] = -1; }, ResultCode::kMalformedEncoding},
      {"float nonce", [](Json& j) { j["nonce"] = 1.5; }, ResultCode::kMalformedEncoding},
      {"huge nonce", [](Json& j) { j["nonce"] = 1e30; }, ResultCode::kMalformedEncoding},
      {"nonce bool", [](Json& j) { j["nonce"] = true; }, ResultCode::kMalformedEncoding},
      {"fee overflow", [](Json& j) { j["fee"] = "18446744073709551616"; }, ResultCode::kMalformedEncoding},
      {"fee negative", [](Json& j) { j["fee"] = "-5"; }, ResultCode::kMalformedEncoding},
      {"fee exponent", [](Json& j) { j["fee"] = "1e3"; }, ResultCode::kMalformedEncoding},
      {"fee empty", [](Json& j) { j["fee"] = ""; }, ResultCode::kMalformedEncoding},
      {"sender short", [](Json& j) { j["sender"] = "abcd"; }, ResultCode::kMalformedEncoding},
      {"sender not hex", [](Json& j) { j["sender"] = std::string(64, 'z'); }, ResultCode::kMalformedEncoding},
      {"sender_address number", [](Json& j) { j["sender_address"] = 1; }, ResultCode::kMalformedEncoding},
      {"signature short", [](Json& j) { j["signature"] = std::string(126, 'a'); },
       ResultCode::kMalformedEncoding},
      {"payload string", [](Json& j) { j["payload"] = "x"; }, ResultCode::kMalformedPayload},
      {"payload no type", [](Json& j) { j["payload"].erase("type"); }, ResultCode::kMalformedPayload},
      {"payload unknown type", [](Json& j) { j["payload"]["type"] = "bank.steal"; },
       ResultCode::kUnknownPayloadType},
      {"payload unknown field", [](Json& j) { j["payload"]["extra"] = 1; }, ResultCode::kMalformedPayload},
      {"payload negative amount", [](Json& j) { j["payload"]["amount"] = -5; },
       ResultCode::kMalformedPayload},
      {"payload amount overflow", [](Json& j) { j["payload"]["amount"] = "99999999999999999999"; },
       ResultCode::kMalformedPayload},
      {"payload bad address", [](Json& j) { j["payload"]["to"] = "tc1qqqq"; }, ResultCode::kMalformedPayload},
      {"payload memo too long", [](Json& j) { j["payload"]["memo"] = std::string(129, 'm'); },
       ResultCode::kMalformedPayload},
      {"payload memo number", [](Json& j) { j["payload"]["memo"] = 5; }, ResultCode::kMalformedPayload},
  };
  for (const BadTxCase& c : cases) {
    Json j = tx_to_json(transfer(1));
    c.mutate(j);
    const TxParse p = tx_from_json(j);
    EXPECT_FALSE(p.ok()) << c.name;
    EXPECT_EQ(p.code, c.code) << c.name << ": " << p.message;
    EXPECT_FALSE(p.message.empty()) << c.name;
  }
  EXPECT_FALSE(tx_from_json(Json::array()).ok());
  EXPECT_FALSE(tx_from_json(Json(nullptr)).ok());
  EXPECT_FALSE(parse_tx_json("{").ok());
  EXPECT_FALSE(parse_tx_json("").ok());
}

// The published protocol vectors, read through the API: bytes -> JSON shows the vector's
// fields, and JSON -> bytes reproduces the exact canonical encoding and hash.
TEST(ApiTxJson, ProtocolVectorsRoundTrip) {
  std::ifstream in(std::string(TELCO_SOURCE_DIR) + "/tests/vectors/protocol_vectors.json");
  ASSERT_TRUE(in) << "tests/vectors/protocol_vectors.json missing";
  std::stringstream text;
  text << in.rdbuf();
  const Json vectors = Json::parse(text.str());
  int checked = 0;
  for (const Json& v : vectors["transactions"]) {
    const std::string name = v["name"];
    const TxParse decoded = tx_from_bytes(*from_hex(v["tx_bytes"].get<std::string>()));
    ASSERT_TRUE(decoded.ok()) << name << ": " << decoded.message;
    EXPECT_EQ(crypto::to_hex(decoded.tx->hash()), v["tx_hash"]) << name;
    const Json j = tx_to_json(*decoded.tx);
    const Json& f = v["fields"];
    EXPECT_EQ(j["chain_id"], f["chain_id"]) << name;
    EXPECT_EQ(j["sender"], f["sender"]) << name;
    EXPECT_EQ(std::to_string(j["nonce"].get<std::uint64_t>()), f["nonce"].get<std::string>()) << name;
    EXPECT_EQ(j["fee"], f["fee"]) << name;
    EXPECT_EQ(j["signature"], v["signature"]) << name;
    EXPECT_EQ(j["sender_address"], v["sender_address"]) << name;
    if (modules::find_handler(decoded.tx->payload.type) == nullptr) continue;  // shown raw, not submittable
    const TxParse back = tx_from_json(j);
    ASSERT_TRUE(back.ok()) << name << ": " << back.message;
    EXPECT_EQ(to_hex(back.tx->encode()), v["tx_bytes"]) << name;
    ++checked;
  }
  EXPECT_GE(checked, 3);
}

TEST(ApiTxJson, BytesDecoding) {
  const Bytes good = transfer(1).encode();
  EXPECT_TRUE(tx_from_bytes(good).ok());
  Bytes trailing = good;
  trailing.push_back(0);
  const TxParse t = tx_from_bytes(trailing);
  EXPECT_EQ(t.code, ResultCode::kMalformedEncoding);
  EXPECT_NE(t.message.find("after the last field"), std::string::npos) << t.message;
  EXPECT_FALSE(tx_from_bytes(ByteView(good).first(good.size() - 1)).ok());
  EXPECT_FALSE(tx_from_bytes({}).ok());
  EXPECT_EQ(tx_from_bytes(Bytes(chain::kTxBytesMax + 1, 0)).code, ResultCode::kTxTooLarge);
}

TEST(ApiTxJson, ParseU64) {
  EXPECT_EQ(parse_u64("0"), 0u);
  EXPECT_EQ(parse_u64("18446744073709551615"), UINT64_MAX);
  EXPECT_FALSE(parse_u64("18446744073709551616"));
  EXPECT_FALSE(parse_u64(""));
  EXPECT_FALSE(parse_u64("+1"));
  EXPECT_FALSE(parse_u64("1 "));
  EXPECT_FALSE(parse_u64("0x10"));
}

// ---- submit bodies ----------------------------------------------------------------------

TEST(ApiSubmitBody, AcceptsEveryDocumentedForm) {
  const chain::Transaction a = transfer(0), b = transfer(1);
  const std::vector<std::string> bodies = {
      Json{{"tx", to_hex(a.encode())}}.dump(),
      Json{{"tx", to_base64(a.encode())}, {"encoding", "base64"}}.dump(),
      Json{{"tx", to_hex(a.encode())}, {"encoding", "hex"}}.dump(),
      Json{{"tx", tx_to_json(a)}}.dump(),
  };
  for (const std::string& body : bodies) {
    const SubmitBody s = body_of(json_body(body));
    ASSERT_EQ(s.items.size(), 1u) << body;
    ASSERT_TRUE(s.items[0].ok()) << s.items[0].message;
    EXPECT_EQ(*s.items[0].tx, a);
  }
  const std::vector<std::string> lists = {
      Json{{"txs", Json::array({to_hex(a.encode()), to_hex(b.encode())})}}.dump(),
      Json{{"txs", Json::array({to_base64(a.encode()), to_base64(b.encode())})}, {"encoding", "base64"}}
          .dump(),
      Json{{"txs", Json::array({tx_to_json(a), tx_to_json(b)})}}.dump(),
      Json{{"txs", Json::array({tx_to_json(a), to_hex(b.encode())})}}.dump(),
  };
  for (const std::string& body : lists) {
    const SubmitBody s = body_of(json_body(body));
    ASSERT_EQ(s.items.size(), 2u);
    EXPECT_EQ(*s.items[0].tx, a);
    EXPECT_EQ(*s.items[1].tx, b);
  }
  const SubmitBody octet =
      body_of(parse_submit_body("application/octet-stream", as_text(octet_list({a, b}))));
  ASSERT_EQ(octet.items.size(), 2u);
  EXPECT_EQ(*octet.items[1].tx, b);
}

TEST(ApiSubmitBody, MediaTypeParametersAndCase) {
  const std::string body = Json{{"tx", to_hex(transfer(0).encode())}}.dump();
  EXPECT_TRUE(std::holds_alternative<SubmitBody>(parse_submit_body("application/json; charset=utf-8", body)));
  EXPECT_TRUE(std::holds_alternative<SubmitBody>(parse_submit_body("  Application/JSON ", body)));
  EXPECT_EQ(media_type("Application/Octet-Stream; x=y"), "application/octet-stream");
  for (const char* type : {"", "text/plain", "application/x-www-form-urlencoded", "application/jsonx"}) {
    const ApiError e = error_of(parse_submit_body(type, body));
    EXPECT_EQ(e.http_status, 415) << type;
    EXPECT_EQ(e.code, "unsupported_media_type");
  }
}

TEST(ApiSubmitBody, RejectsMalformedEnvelopes) {
  const std::string hex = to_hex(transfer(0).encode());
  struct Case {
    std::string body;
    int status;
    std::string code;
  };
  const std::vector<Case> cases = {
      {"", 400, "invalid_json"},
      {"{", 400, "invalid_json"},
      {"{\"tx\":\"" + hex + "\"} trailing", 400, "invalid_json"},
      {"{\"tx\":\"" + hex + "\",}", 400, "invalid_json"},
      {"[\"" + hex + "\"]", 400, "bad_request"},
      {"\"" + hex + "\"", 400, "bad_request"},
      {"null", 400, "bad_request"},
      {"{}", 400, "bad_request"},
      {"{\"tx\":\"" + hex + "\",\"txs\":[]}", 400, "bad_request"},
      {"{\"tx\":\"" + hex + "\",\"extra\":1}", 400, "bad_request"},
      {"{\"tx\":\"" + hex + "\",\"encoding\":\"base58\"}", 400, "bad_request"},
      {"{\"tx\":\"" + hex + "\",\"encoding\":1}", 400, "bad_request"},
      {"{\"tx\":[\"" + hex + "\"]}", 400, "bad_request"},
      {"{\"tx\":5}", 400, "bad_request"},
      {"{\"txs\":\"" + hex + "\"}", 400, "bad_request"},
      {"{\"txs\":{}}", 400, "bad_request"},
      {"{\"txs\":[]}", 400, "bad_request"},
      {std::string(40, '[') + std::string(40, ']'), 400, "invalid_json"},
      {"{\"tx\":\"\xff\xfe\"}", 400, "invalid_json"},  // not UTF-8
  };
  for (const Case& c : cases) {
    const ApiError e = error_of(json_body(c.body));
    EXPECT_EQ(e.http_status, c.status) << c.body.substr(0, 80);
    EXPECT_EQ(e.code, c.code) << c.body.substr(0, 80) << " -> " << e.message;
    EXPECT_FALSE(e.message.empty());
  }
}

TEST(ApiSubmitBody, BoundsCountsValuesAndBytes) {
  std::string many = "{\"txs\":[";
  for (std::size_t i = 0; i <= kSubmitTxsMax; ++i) many += i ? ",\"\"" : "\"\"";
  many += "]}";
  ApiError e = error_of(json_body(many));
  EXPECT_EQ(e.http_status, 413);
  EXPECT_EQ(e.code, "body_too_large");

  SubmitLimits small;
  small.json_values_max = 100;
  std::string values = "{\"txs\":[" + std::string(200, '1');
  for (int i = 0; i < 200; ++i) values += ",1";
  values += "]}";
  EXPECT_EQ(error_of(parse_submit_body("application/json", values, small)).http_status, 413);

  small.body_bytes_max = 10;
  EXPECT_EQ(error_of(parse_submit_body("application/json", "{\"txs\":[\"00\"]}", small)).http_status, 413);

  // Brackets inside strings do not count towards depth.
  const std::string quoted = "{\"txs\":[\"" + std::string(100, '[') + "\"]}";
  const SubmitBody s = body_of(json_body(quoted));
  ASSERT_EQ(s.items.size(), 1u);
  EXPECT_FALSE(s.items[0].ok());
}

TEST(ApiSubmitBody, ReportsBadItemsInOrder) {
  const chain::Transaction good = transfer(0);
  Bytes trailing = good.encode();
  trailing.push_back(7);
  Json bad_obj = tx_to_json(good);
  bad_obj["payload"]["type"] = "nope.nope";
  const Json body = {{"txs",
                      {to_hex(good.encode()), "abc", "zz", to_hex(trailing), nullptr, 12, bad_obj,
                       std::string(2 * chain::kTxBytesMax + 2, 'a'), tx_to_json(good)}}};
  const SubmitBody s = body_of(json_body(body.dump()));
  ASSERT_EQ(s.items.size(), 9u);
  EXPECT_TRUE(s.items[0].ok());
  EXPECT_EQ(s.items[1].code, ResultCode::kMalformedEncoding);  // odd length
  EXPECT_EQ(s.items[2].code, ResultCode::kMalformedEncoding);  // not hex
  EXPECT_EQ(s.items[3].code, ResultCode::kMalformedEncoding);  // trailing byte
  EXPECT_EQ(s.items[4].code, ResultCode::kMalformedEncoding);  // null
  EXPECT_EQ(s.items[5].code, ResultCode::kMalformedEncoding);  // number
  EXPECT_EQ(s.items[6].code, ResultCode::kUnknownPayloadType);
  EXPECT_EQ(s.items[7].code, ResultCode::kTxTooLarge);
  EXPECT_TRUE(s.items[8].ok());

  const std::string b64 = to_base64(good.encode());
  const Json b64_body = {{"txs", {b64, b64.substr(0, b64.size() - 1), b64 + "\n", "!!!!"}},
                         {"encoding", "base64"}};
  const SubmitBody s64 = body_of(json_body(b64_body.dump()));
  ASSERT_EQ(s64.items.size(), 4u);
  EXPECT_TRUE(s64.items[0].ok());
  for (int i = 1; i < 4; ++i) EXPECT_EQ(s64.items[i].code, ResultCode::kMalformedEncoding) << i;
  // The hex decoder must not accept base64 by accident, and vice versa.
  EXPECT_FALSE(body_of(json_body(Json{{"tx", b64}}.dump())).items[0].ok());
}

TEST(ApiSubmitBody, OctetStreamErrors) {
  const auto octet = [](const Bytes& b) {
    return parse_submit_body("application/octet-stream", to_string(b));
  };
  const Bytes two = octet_list({transfer(0), transfer(1)});

  EXPECT_EQ(error_of(octet({})).code, "invalid_tx");
  EXPECT_EQ(error_of(octet({1, 0})).code, "invalid_tx");
  EXPECT_EQ(error_of(octet({0, 0, 0, 0})).code, "bad_request");  // empty list

  Bytes too_many = two;
  const std::uint32_t n = kSubmitTxsMax + 1;
  std::memcpy(too_many.data(), &n, 4);
  EXPECT_EQ(error_of(octet(too_many)).http_status, 413);

  Bytes lying = two;
  lying[0] = 200;  // 200 transactions claimed, two present
  EXPECT_EQ(error_of(octet(lying)).code, "invalid_tx");

  Bytes truncated(two.begin(), two.end() - 1);
  EXPECT_EQ(error_of(octet(truncated)).code, "invalid_tx");

  Bytes trailing = two;
  trailing.push_back(0);
  const ApiError t = error_of(octet(trailing));
  EXPECT_EQ(t.code, "invalid_tx");
  EXPECT_NE(t.message.find("after the last"), std::string::npos);

  Bytes bad_version = two;
  bad_version[4] = 9;  // first transaction's version byte
  const ApiError v = error_of(octet(bad_version));
  EXPECT_EQ(v.code, "invalid_tx");
  EXPECT_NE(v.message.find("transaction 0"), std::string::npos) << v.message;
}

TEST(ApiSubmitBody, ResponseMergesDecodeErrorsAndVerdicts) {
  std::vector<TxParse> items(3);
  items[0].tx = transfer(0);
  items[1] = TxParse::failure(ResultCode::kMalformedEncoding, "transaction is not valid hex");
  items[2].tx = transfer(1);
  const std::vector<SubmitResult> results = {{transfer(0).hash(), ResultCode::kOk},
                                             {transfer(1).hash(), ResultCode::kNonceTooHigh}};
  const Json j = submit_response_json(items, results);
  EXPECT_EQ(j["accepted"], 1);
  EXPECT_EQ(j["rejected"], 2);
  ASSERT_EQ(j["results"].size(), 3u);
  EXPECT_EQ(j["results"][0]["hash"], crypto::to_hex(transfer(0).hash()));
  EXPECT_EQ(j["results"][0]["accepted"], true);
  EXPECT_EQ(j["results"][0]["code"], 0);
  EXPECT_EQ(j["results"][1]["hash"], "");
  EXPECT_EQ(j["results"][1]["code"], 100);
  EXPECT_EQ(j["results"][1]["name"], "malformed_encoding");
  EXPECT_EQ(j["results"][1]["message"], "transaction is not valid hex");
  EXPECT_EQ(j["results"][2]["accepted"], false);
  EXPECT_EQ(j["results"][2]["code"], 201);
  EXPECT_EQ(j["results"][2]["name"], "nonce_too_high");
}

// ---- views ------------------------------------------------------------------------------

chain::Genesis genesis() {
  chain::Genesis g;
  g.chain_id = "telco-test";
  g.genesis_time_ms = 1'700'000'000'000;
  g.validators = {{"alpha", key(9).public_key(), 10}, {"beta", key(8).public_key(), 5}};
  g.accounts = {{crypto::Address::from_public_key(key(1).public_key()), 1'000'000'000}};
  return g;
}

BlockData block() {
  BlockData d;
  d.block.txs = {transfer(0), transfer(1)};
  chain::BlockHeader& h = d.block.header;
  h.chain_id = "telco-test";
  h.height = 7;
  h.time_ms = 1'700'000'007'000;
  h.tx_count = 2;
  h.tx_root = chain::tx_root(d.block.txs);
  h.proposer = crypto::Address::from_public_key(key(9).public_key());
  d.receipts = {{ResultCode::kOk, 1000}, {ResultCode::kInsufficientFunds, 1000}};
  h.receipts_root = chain::receipts_root(d.receipts);
  d.hash = h.hash();
  d.commit.height = 7;
  d.commit.block_hash = d.hash;
  d.commit.signatures = {{key(9).public_key(), h.time_ms, {}}};
  return d;
}

TEST(ApiViews, Status) {
  const chain::Genesis g = genesis();
  ChainHead head{7, {}, 123, {}};
  head.hash.fill(0xab);
  const Json j = status_json(g, g.hash(), head, {3, 400, 1000, 1 << 20}, "0.1.0");
  EXPECT_EQ(j["chain_id"], "telco-test");
  EXPECT_EQ(j["genesis_hash"], crypto::to_hex(g.hash()));
  EXPECT_EQ(j["node_version"], "0.1.0");
  EXPECT_EQ(j["head"]["height"], 7);
  EXPECT_EQ(j["head"]["hash"], crypto::to_hex(head.hash));
  EXPECT_EQ(j["head"]["time_ms"], 123);
  EXPECT_EQ(j["mempool"]["txs"], 3);
  EXPECT_EQ(j["mempool"]["bytes_max"], 1 << 20);
  EXPECT_EQ(j["params"]["min_fee"], "1000");
  EXPECT_EQ(j["params"]["max_tx_bytes"], 4096);
  EXPECT_EQ(j["validators"], 2);
}

TEST(ApiViews, ValidatorsAndBlocks) {
  const chain::Genesis g = genesis();
  const Json v = validators_json(g.validators);
  EXPECT_EQ(v["total_power"], 15);
  EXPECT_EQ(v["validators"][0]["name"], "alpha");
  EXPECT_EQ(v["validators"][0]["address"], crypto::Address::from_public_key(key(9).public_key()).to_string());

  const BlockData d = block();
  const Json b = block_json(d, g.validators);
  EXPECT_EQ(b["height"], 7);
  EXPECT_EQ(b["hash"], crypto::to_hex(d.hash));
  EXPECT_EQ(b["header"]["tx_count"], 2);
  EXPECT_EQ(b["header"]["version"], 1);
  EXPECT_EQ(b["header"]["proposer"], d.block.header.proposer.to_string());
  ASSERT_EQ(b["txs"].size(), 2u);
  EXPECT_EQ(b["txs"][1]["hash"], crypto::to_hex(transfer(1).hash()));
  EXPECT_EQ(b["txs"][1]["nonce"], 1);
  EXPECT_EQ(b["txs"][1]["result"]["name"], "insufficient_funds");
  EXPECT_EQ(b["txs"][1]["result"]["fee_charged"], "1000");
  EXPECT_EQ(b["commit"]["signatures"][0]["name"], "alpha");
  EXPECT_EQ(b["commit"]["signatures"][0]["power"], 10);

  const Json s = block_summary_json(d.block.header);
  EXPECT_EQ(s["hash"], crypto::to_hex(d.hash));
  EXPECT_EQ(s["tx_count"], 2);

  const Json e = block_event_json(d);
  EXPECT_EQ(e["type"], "block");
  EXPECT_EQ(e["block"]["height"], 7);
  EXPECT_EQ(e["block"]["txs"][0]["from"], transfer(0).sender_address().to_string());
  EXPECT_EQ(e["block"]["txs"][0]["fee"], "1000");
  EXPECT_EQ(e["block"]["txs"][0]["payload"]["type"], "bank.transfer");
  EXPECT_EQ(e["block"]["txs"][1]["result"]["code"], 300);
}

TEST(ApiViews, TxStatusAndAccounts) {
  const chain::Transaction tx = transfer(4);
  TxStatus pending{TxState::kPending, tx, {}, {}, {}, 0, ResultCode::kOk};
  Json j = tx_status_json(tx.hash(), pending);
  EXPECT_EQ(j["status"], "pending");
  EXPECT_EQ(j["tx"]["nonce"], 4);

  TxStatus fin = pending;
  fin.state = TxState::kFinalized;
  fin.location = TxLocation{9, 3};
  fin.receipt = chain::Receipt{ResultCode::kOk, 1000};
  fin.block_hash = crypto::Hash32{};
  fin.block_time_ms = 55;
  j = tx_status_json(tx.hash(), fin);
  EXPECT_EQ(j["status"], "finalized");
  EXPECT_EQ(j["height"], 9);
  EXPECT_EQ(j["index"], 3);
  EXPECT_EQ(j["time_ms"], 55);
  EXPECT_EQ(j["result"]["code"], 0);
  EXPECT_EQ(j["result"]["fee_charged"], "1000");
  EXPECT_TRUE(j.contains("tx"));

  TxStatus rej;
  rej.state = TxState::kRejected;
  rej.rejection = ResultCode::kBadSignature;
  j = tx_status_json(tx.hash(), rej);
  EXPECT_EQ(j["status"], "rejected");
  EXPECT_EQ(j["result"]["name"], "bad_signature");
  EXPECT_FALSE(j.contains("tx"));

  j = tx_status_json(tx.hash(), TxStatus{});
  EXPECT_EQ(j["status"], "unknown");
  EXPECT_EQ(j["error"]["code"], "not_found");

  const crypto::Address a = tx.sender_address();
  j = account_json(a, {1'500'000, 4, 6, 2});
  EXPECT_EQ(j["address"], a.to_string());
  EXPECT_EQ(j["balance"], "1500000");
  EXPECT_EQ(j["balance_tel"], "1.5");
  EXPECT_EQ(j["nonce"], 4);
  EXPECT_EQ(j["pending_nonce"], 6);
  EXPECT_EQ(j["pending_txs"], 2);

  j = account_txs_json({{TxLocation{5, 1}, tx.hash()}});
  EXPECT_EQ(j["txs"][0]["height"], 5);
  EXPECT_EQ(j["txs"][0]["index"], 1);
  EXPECT_EQ(j["txs"][0]["hash"], crypto::to_hex(tx.hash()));
}

TEST(ApiViews, ErrorBody) {
  const ApiError e = make_error(413, error_code::kBodyTooLarge, "too big");
  EXPECT_EQ(error_body(e), R"({"error":{"code":"body_too_large","message":"too big"}})");
}

}  // namespace
}  // namespace telco::api
