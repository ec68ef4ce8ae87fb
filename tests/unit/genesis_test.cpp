// chain/genesis: the genesis JSON, its validation rules and its canonical hash.
#include "chain/genesis.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <cctype>
#include <filesystem>
#include <fstream>
#include <functional>
#include <nlohmann/json.hpp>
#include <set>
#include <stdexcept>
#include <string>

#include "chain/limits.h"
#include "util/hex.h"

namespace telco::chain {
namespace {

using Json = nlohmann::json;

crypto::PublicKey pub(std::uint8_t n) {
  crypto::Seed seed{};
  seed.fill(n);
  return crypto::KeyPair::from_seed(seed).public_key();
}
std::string addr(std::uint8_t n) { return crypto::Address::from_public_key(pub(n)).to_string(); }

Json base_json() {
  return {
      {"chain_id", "telco-test-1"},
      {"genesis_time_ms", 1'700'000'000'000ULL},
      {"params",
       {{"min_fee", "1000"},
        {"max_tx_bytes", 4096},
        {"max_block_txs", 10000},
        {"max_block_bytes", 4194304},
        {"max_pending_per_sender", 1000}}},
      {"validators",
       {{{"name", "val-a"}, {"public_key", to_hex(pub(1))}, {"power", 10}},
        {{"name", "val-b"}, {"public_key", to_hex(pub(2))}, {"power", 20}}}},
      {"accounts",
       {{{"address", addr(1)}, {"balance", "1000000000"}}, {{"address", addr(3)}, {"balance", 5}}}},
  };
}

Genesis parse(const Json& j) { return parse_genesis_json(j.dump()); }

// Parsing must fail with std::invalid_argument whose message contains `needle`.
void expect_rejected(const Json& j, const std::string& needle) {
  try {
    parse(j);
    ADD_FAILURE() << "accepted: " << j.dump();
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find(needle), std::string::npos) << "message: " << e.what();
    EXPECT_EQ(std::string(e.what()).rfind("genesis: ", 0), 0u) << e.what();
  } catch (const std::exception& e) {
    ADD_FAILURE() << "wrong exception type for " << j.dump() << ": " << e.what();
  }
}

TEST(Genesis, ParsesEveryField) {
  const Genesis g = parse(base_json());
  EXPECT_EQ(g.chain_id, "telco-test-1");
  EXPECT_EQ(g.genesis_time_ms, 1'700'000'000'000ULL);
  EXPECT_EQ(g.params.min_fee, 1000u);
  EXPECT_EQ(g.params.max_tx_bytes, 4096u);
  ASSERT_EQ(g.validators.size(), 2u);
  EXPECT_EQ(g.validators[0].name, "val-a");
  EXPECT_EQ(g.validators[0].public_key, pub(1));
  EXPECT_EQ(g.validators[1].power, 20u);
  ASSERT_EQ(g.accounts.size(), 2u);
  EXPECT_EQ(g.accounts[0].address.to_string(), addr(1));
  EXPECT_EQ(g.accounts[0].balance, 1'000'000'000u);
  EXPECT_EQ(g.accounts[1].balance, 5u);
  EXPECT_EQ(g.total_supply(), 1'000'000'005u);
}

TEST(Genesis, SerializeParseRoundTrip) {
  const Genesis g = parse(base_json());
  const std::string text = genesis_to_json(g);
  const Genesis back = parse_genesis_json(text);
  EXPECT_EQ(back, g);
  EXPECT_EQ(back.hash(), g.hash());
  EXPECT_EQ(genesis_to_json(back), text);  // serialization is a fixed point
  // Amounts are written as strings (JavaScript loses precision above 2^53).
  const Json j = Json::parse(text);
  EXPECT_TRUE(j["accounts"][0]["balance"].is_string());
  EXPECT_TRUE(j["params"]["min_fee"].is_string());
}

TEST(Genesis, MaxValuesRoundTrip) {
  Json j = base_json();
  j["accounts"] = {{{"address", addr(1)}, {"balance", "18446744073709551615"}}};
  j["genesis_time_ms"] = "18446744073709551615";
  const Genesis g = parse(j);
  EXPECT_EQ(g.accounts[0].balance, ~std::uint64_t{0});
  EXPECT_EQ(parse_genesis_json(genesis_to_json(g)), g);
}

TEST(Genesis, DefaultsForOptionalParts) {
  Json j = base_json();
  j.erase("params");
  j.erase("accounts");
  const Genesis g = parse(j);
  EXPECT_EQ(g.params, ChainParams{});
  EXPECT_TRUE(g.accounts.empty());
  EXPECT_EQ(g.total_supply(), 0u);
  Json partial = base_json();
  partial["params"] = {{"min_fee", 5}};
  EXPECT_EQ(parse(partial).params.max_block_txs, ChainParams{}.max_block_txs);
  EXPECT_EQ(parse(partial).params.min_fee, 5u);
}

TEST(Genesis, AmountsAsNumbersOrDecimalStrings) {
  Json j = base_json();
  j["accounts"][0]["balance"] = 42;
  EXPECT_EQ(parse(j).accounts[0].balance, 42u);
  j["accounts"][0]["balance"] = "0042";
  EXPECT_EQ(parse(j).accounts[0].balance, 42u);
  for (const Json& bad : {Json(-1), Json(1.5), Json(""), Json("1.5"), Json("-1"), Json("+1"), Json(" 1"),
                          Json("0x10"), Json("18446744073709551616"), Json("123456789012345678901"),
                          Json(nullptr), Json(true), Json::array()}) {
    Json k = base_json();
    k["accounts"][0]["balance"] = bad;
    expect_rejected(k, "balance");
  }
}

TEST(Genesis, RejectsUnknownFields) {
  Json j = base_json();
  j["extra"] = 1;
  expect_rejected(j, "unknown field 'extra'");
  j = base_json();
  j["params"]["max_gas"] = 1;
  expect_rejected(j, "unknown field 'max_gas'");
  j = base_json();
  j["validators"][0]["stake"] = 1;
  expect_rejected(j, "unknown field 'stake'");
  j = base_json();
  j["accounts"][0]["nonce"] = 1;
  expect_rejected(j, "unknown field 'nonce'");
}

TEST(Genesis, RejectsDuplicateValidatorKey) {
  Json j = base_json();
  j["validators"][1]["public_key"] = j["validators"][0]["public_key"];
  expect_rejected(j, "listed twice");
  // The same key in upper-case hex is the same key.
  j = base_json();
  std::string upper = to_hex(pub(1));
  for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  j["validators"][1]["public_key"] = upper;
  expect_rejected(j, "listed twice");
}

TEST(Genesis, RejectsDuplicateAccount) {
  Json j = base_json();
  j["accounts"][1]["address"] = addr(1);
  expect_rejected(j, "listed twice");
}

TEST(Genesis, RejectsZeroPower) {
  Json j = base_json();
  j["validators"][1]["power"] = 0;
  expect_rejected(j, "zero power");
  j["validators"][1].erase("power");
  expect_rejected(j, "power");
}

TEST(Genesis, RejectsTotalPowerTooLarge) {
  Json j = base_json();
  j["validators"][0]["power"] = (1ULL << 60);
  j["validators"][1]["power"] = 1;
  expect_rejected(j, "voting power");
  j["validators"][0]["power"] = "18446744073709551615";
  expect_rejected(j, "voting power");
}

TEST(Genesis, RejectsBadPublicKey) {
  for (const Json& bad : {Json(std::string(62, 'a')), Json(std::string(66, 'a')), Json(std::string(64, 'g')),
                          Json(""), Json(5), Json(nullptr)}) {
    Json j = base_json();
    j["validators"][0]["public_key"] = bad;
    expect_rejected(j, "public_key");
  }
  Json j = base_json();
  j["validators"][0].erase("public_key");
  expect_rejected(j, "public_key");
}

TEST(Genesis, RejectsBadAddress) {
  std::string typo = addr(1);
  typo[10] = typo[10] == 'q' ? 'p' : 'q';
  const crypto::Address a = crypto::Address::from_public_key(pub(1));
  std::string mixed = addr(1);
  for (std::size_t i = 3; i < mixed.size(); ++i) {
    if (std::isalpha(static_cast<unsigned char>(mixed[i]))) {
      mixed[i] = static_cast<char>(std::toupper(static_cast<unsigned char>(mixed[i])));
      break;
    }
  }
  ASSERT_NE(mixed, addr(1));
  for (const Json& bad :
       {Json(typo), Json("tb" + addr(1).substr(2)), Json(to_hex(a.bytes)), Json(""), Json(7), Json(mixed)}) {
    Json j = base_json();
    j["accounts"][0]["address"] = bad;
    expect_rejected(j, "address");
  }
  Json j = base_json();
  j["accounts"][0].erase("address");
  expect_rejected(j, "address");
}

TEST(Genesis, RejectsSupplyOverflow) {
  Json j = base_json();
  j["accounts"][0]["balance"] = "18446744073709551615";
  j["accounts"][1]["balance"] = 1;
  expect_rejected(j, "total supply");
}

TEST(Genesis, ChainIdRules) {
  for (const char* ok : {"a", "telco-main", "T_1.2-x", "0"}) {
    Json j = base_json();
    j["chain_id"] = ok;
    EXPECT_EQ(parse(j).chain_id, ok);
  }
  Json j = base_json();
  j["chain_id"] = std::string(kChainIdBytesMax, 'c');
  EXPECT_NO_THROW(parse(j));
  j["chain_id"] = std::string(kChainIdBytesMax + 1, 'c');
  expect_rejected(j, "chain_id");
  j["chain_id"] = "";
  expect_rejected(j, "chain_id");
  for (const char* bad : {"telco main", "telco/main", "telco:1", "tel\xc3\xa9", "a\tb", "a+b"}) {
    j["chain_id"] = bad;
    expect_rejected(j, "chain_id");
  }
  j["chain_id"] = 5;
  expect_rejected(j, "chain_id");
  j.erase("chain_id");
  expect_rejected(j, "chain_id");
}

TEST(Genesis, ParamsOutOfRange) {
  struct Case {
    const char* field;
    Json value;
  };
  const Case cases[] = {
      {"max_tx_bytes", 255},
      {"max_tx_bytes", 65537},
      {"max_block_txs", 0},
      {"max_block_txs", 100001},
      {"max_block_bytes", 4095},  // below max_tx_bytes
      {"max_block_bytes", 16 * 1024 * 1024 + 1},
      {"max_pending_per_sender", 0},
      {"max_pending_per_sender", 4294967296ULL},  // beyond u32
      {"max_tx_bytes", -1},
      {"min_fee", "x"},
  };
  for (const Case& c : cases) {
    Json j = base_json();
    j["params"][c.field] = c.value;
    SCOPED_TRACE(std::string(c.field) + "=" + c.value.dump());
    expect_rejected(j, c.field);
  }
  // The edges themselves are allowed.
  Json j = base_json();
  j["params"]["max_tx_bytes"] = 256;
  j["params"]["max_block_bytes"] = 256;
  j["params"]["max_block_txs"] = 1;
  EXPECT_NO_THROW(parse(j));
  j["params"]["max_tx_bytes"] = 65536;
  j["params"]["max_block_bytes"] = 16 * 1024 * 1024;
  j["params"]["max_block_txs"] = 100000;
  EXPECT_NO_THROW(parse(j));
  j["params"] = "fast";
  expect_rejected(j, "params");
}

TEST(Genesis, ValidatorCountAndNames) {
  Json j = base_json();
  j["validators"] = Json::array();
  expect_rejected(j, "validators");
  j.erase("validators");
  expect_rejected(j, "validators");
  j["validators"] = Json::object();
  expect_rejected(j, "validators");

  j = base_json();
  j["validators"][0]["name"] = std::string(kValidatorNameBytesMax + 1, 'n');
  expect_rejected(j, "name");
  j["validators"][0]["name"] = std::string(kValidatorNameBytesMax, 'n');
  EXPECT_NO_THROW(parse(j));
  j["validators"][0]["name"] = 7;  // must be a string; must not escape as a JSON library error
  expect_rejected(j, "name");
  j["validators"][0] = "val-a";
  expect_rejected(j, "validator");

  j = base_json();
  j["validators"] = Json::array();
  for (int i = 0; i < 1001; ++i) {
    std::array<std::uint8_t, 32> k{};
    k[0] = static_cast<std::uint8_t>(i);
    k[1] = static_cast<std::uint8_t>(i >> 8);
    j["validators"].push_back({{"public_key", to_hex(k)}, {"power", 1}});
  }
  expect_rejected(j, "1..1000");
  j["validators"].erase(1000);
  EXPECT_EQ(parse(j).validators.size(), 1000u);
}

TEST(Genesis, RejectsMalformedDocuments) {
  for (const char* text : {"", "{", "[]", "null", "\"genesis\"", "{\"chain_id\": }"}) {
    SCOPED_TRACE(text);
    EXPECT_THROW(parse_genesis_json(text), std::invalid_argument);
  }
  Json j = base_json();
  j.erase("genesis_time_ms");
  expect_rejected(j, "genesis_time_ms");
  j = base_json();
  j["accounts"] = Json::object();
  expect_rejected(j, "accounts");
  j["accounts"] = {5};
  expect_rejected(j, "account");
}

TEST(Genesis, HashIsDeterministicAndCoversEveryField) {
  const Genesis g = parse(base_json());
  EXPECT_EQ(g.hash(), parse(base_json()).hash());
  const std::vector<std::function<void(Genesis&)>> mutations = {
      [](Genesis& x) { x.chain_id = "telco-test-2"; },
      [](Genesis& x) { x.genesis_time_ms++; },
      [](Genesis& x) { x.params.min_fee++; },
      [](Genesis& x) { x.params.max_tx_bytes++; },
      [](Genesis& x) { x.params.max_block_txs++; },
      [](Genesis& x) { x.params.max_block_bytes++; },
      [](Genesis& x) { x.params.max_pending_per_sender++; },
      [](Genesis& x) { x.validators[0].name = "renamed"; },
      [](Genesis& x) { x.validators[0].power++; },
      [](Genesis& x) { x.validators[0].public_key = pub(9); },
      [](Genesis& x) { std::swap(x.validators[0], x.validators[1]); },
      [](Genesis& x) { x.accounts[0].balance++; },
      [](Genesis& x) { x.accounts.pop_back(); },
      [](Genesis& x) { std::swap(x.accounts[0], x.accounts[1]); },
  };
  std::set<crypto::Hash32> seen = {g.hash()};
  for (std::size_t i = 0; i < mutations.size(); ++i) {
    Genesis m = g;
    mutations[i](m);
    EXPECT_TRUE(seen.insert(m.hash()).second) << i;
  }
}

TEST(Genesis, ValidatorsHashBindsKeysPowersAndOrderButNotNames) {
  const Genesis g = parse(base_json());
  EXPECT_EQ(g.validators_hash(), validators_hash(g.validators));
  Genesis renamed = g;
  renamed.validators[0].name = "other";
  EXPECT_EQ(renamed.validators_hash(), g.validators_hash());
  Genesis repowered = g;
  repowered.validators[0].power++;
  EXPECT_NE(repowered.validators_hash(), g.validators_hash());
  Genesis reordered = g;
  std::swap(reordered.validators[0], reordered.validators[1]);
  EXPECT_NE(reordered.validators_hash(), g.validators_hash());
  EXPECT_NE(g.validators_hash(), g.hash());
}

TEST(Genesis, ValidateChecksStructsDirectly) {
  Genesis g = parse(base_json());
  EXPECT_NO_THROW(validate(g));
  Genesis bad = g;
  bad.validators[0].power = 0;
  EXPECT_THROW(validate(bad), std::invalid_argument);
  bad = g;
  bad.accounts.push_back(bad.accounts[0]);
  EXPECT_THROW(validate(bad), std::invalid_argument);
  bad = g;
  bad.accounts[0].balance = ~std::uint64_t{0};
  EXPECT_THROW(validate(bad), std::invalid_argument);
  EXPECT_THROW((void)bad.total_supply(), std::invalid_argument);
  bad = g;
  bad.chain_id = "bad id";
  EXPECT_THROW(validate(bad), std::invalid_argument);
}

TEST(Genesis, LoadFromFile) {
  std::string tmpl = (std::filesystem::temp_directory_path() / "telco-genesis-XXXXXX").string();
  ASSERT_NE(::mkdtemp(tmpl.data()), nullptr);
  const std::filesystem::path dir = tmpl;
  const std::filesystem::path p = dir / "genesis.json";
  {
    std::ofstream out(p);
    out << genesis_to_json(parse(base_json()));
  }
  EXPECT_EQ(load_genesis(p), parse(base_json()));
  EXPECT_THROW(load_genesis(dir / "missing.json"), std::invalid_argument);
  std::filesystem::remove_all(dir);
}

TEST(Genesis, CanonicalEncodingRoundTripsAndIsWhatTheHashCovers) {
  const Genesis g = parse(base_json());
  const Bytes bytes = encode_genesis(g);
  EXPECT_EQ(g.hash(), crypto::blake2b_256(bytes));
  codec::DecodeError error = codec::DecodeError::kInvalid;
  const std::optional<Genesis> back = decode_genesis(bytes, &error);
  ASSERT_TRUE(back.has_value());
  EXPECT_EQ(error, codec::DecodeError::kNone);
  EXPECT_EQ(*back, g);
}

TEST(Genesis, DecodeRejectsEveryTruncationTrailingBytesAndAWrongTag) {
  const Bytes bytes = encode_genesis(parse(base_json()));
  for (std::size_t n = 0; n < bytes.size(); ++n) {
    EXPECT_FALSE(decode_genesis(ByteView(bytes).first(n)).has_value()) << "accepted a prefix of " << n << " bytes";
  }
  Bytes longer = bytes;
  longer.push_back(0);
  codec::DecodeError error = codec::DecodeError::kNone;
  EXPECT_FALSE(decode_genesis(longer, &error).has_value());
  EXPECT_EQ(error, codec::DecodeError::kTrailing);
  Bytes retagged = bytes;
  retagged[4] ^= 0x01;  // first byte of the tag after its u32 length
  EXPECT_FALSE(decode_genesis(retagged).has_value());
}

TEST(Genesis, DecodeRejectsAnAccountCountBeyondTheInput) {
  Genesis g = parse(base_json());
  Bytes bytes = encode_genesis(g);
  // The account count is the u32 right before the last two 28-byte accounts.
  const std::size_t count_at = bytes.size() - 2 * (crypto::kAddressBytes + 8) - 4;
  ASSERT_EQ(bytes[count_at], 2);
  bytes[count_at + 3] = 0x7f;
  codec::DecodeError error = codec::DecodeError::kNone;
  EXPECT_FALSE(decode_genesis(bytes, &error).has_value());
  EXPECT_EQ(error, codec::DecodeError::kTooLong);
}

}  // namespace
}  // namespace telco::chain
