// Unit tests of the CLI's pure logic: URL and argument parsing, transfer building, reading
// node answers, rendering, and the key store on a temporary directory. The commands that
// talk to a node are covered end to end against a real telcod (tests/e2e).
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "cli_error.h"
#include "json_fields.h"
#include "keystore.h"
#include "modules/bank/transfer.h"
#include "node_client.h"
#include "node_url.h"
#include "render.h"
#include "requests.h"
#include "transfer.h"
#include "util/hex.h"

namespace telco::cli {
namespace {

using nlohmann::json;

crypto::KeyPair test_key(std::uint8_t fill) {
  crypto::Seed seed;
  seed.fill(fill);
  return crypto::KeyPair::from_seed(seed);
}

crypto::Address test_address(std::uint8_t fill) {
  return crypto::Address::from_public_key(test_key(fill).public_key());
}

TEST(NodeUrl, ParsesTheAcceptedForms) {
  NodeUrl u = parse_node_url("http://127.0.0.1:8640");
  EXPECT_EQ(u.host, "127.0.0.1");
  EXPECT_EQ(u.port, 8640);
  EXPECT_EQ(u.base_path, "");
  EXPECT_EQ(u.text(), "http://127.0.0.1:8640");

  EXPECT_EQ(parse_node_url("http://node.example").port, 80);
  EXPECT_EQ(parse_node_url("localhost").port, kDefaultNodePort);
  EXPECT_EQ(parse_node_url("localhost:9000").port, 9000);

  u = parse_node_url("http://[::1]:8641/telco/");
  EXPECT_EQ(u.host, "::1");
  EXPECT_EQ(u.host_header(), "[::1]:8641");
  EXPECT_EQ(u.base_path, "/telco");
  EXPECT_EQ(u.target("/v1/status"), "/telco/v1/status");
}

TEST(NodeUrl, RejectsWhatItCannotSpeak) {
  for (const char* bad :
       {"https://node", "ftp://node", "http://", "http://host:0", "http://host:70000", "http://host:x",
        "http://user@host", "http://host/p?q=1", "http://[::1", "http://ho st"}) {
    EXPECT_THROW(parse_node_url(bad), UsageError) << bad;
  }
}

TEST(Requests, BuildsPathsFromCheckedArguments) {
  const std::string hash(64, 'A');
  EXPECT_EQ(block_path(""), "/v1/blocks/latest");
  EXPECT_EQ(block_path("latest"), "/v1/blocks/latest");
  EXPECT_EQ(block_path("42"), "/v1/blocks/42");
  EXPECT_EQ(block_path(hash), "/v1/blocks/" + std::string(64, 'a'));
  EXPECT_THROW(block_path("-1"), UsageError);
  EXPECT_THROW(block_path("1e3"), UsageError);
  EXPECT_THROW(block_path("../status"), UsageError);
  EXPECT_EQ(tx_path(hash), "/v1/txs/" + std::string(64, 'a'));
  EXPECT_THROW(tx_path(std::string(63, 'a')), UsageError);
  EXPECT_THROW(tx_path(std::string(63, 'a') + "g"), UsageError);

  const crypto::Address a = test_address(1);
  EXPECT_EQ(account_txs_path(a, 500), "/v1/accounts/" + a.to_string() + "/txs?limit=100");
  EXPECT_EQ(account_txs_path(a, 0, 42), "/v1/accounts/" + a.to_string() + "/txs?limit=1&before=42");
  EXPECT_EQ(parse_address(a.to_string(), "--to"), a);
  std::string typo = a.to_string();
  typo.back() = typo.back() == 'q' ? 'p' : 'q';
  EXPECT_THROW(parse_address(typo, "--to"), UsageError);
}

TEST(Requests, ParsesTelAmounts) {
  EXPECT_EQ(parse_tel("1.5", "--amount"), 1'500'000u);
  EXPECT_EQ(parse_tel("0.000001", "--amount"), 1u);
  for (const char* bad : {"", "-1", "1.", ".5", "1.0000001", "1e6", " 1", "99999999999999999999"}) {
    EXPECT_THROW(parse_tel(bad, "--amount"), UsageError) << bad;
  }
}

TEST(Transfer, ChecksIntentLocally) {
  const crypto::Address to = test_address(2);
  EXPECT_THROW(make_intent(to, 0, std::nullopt, ""), UsageError);
  EXPECT_THROW(make_intent(to, 1, std::nullopt, std::string(modules::bank::kMemoBytesMax + 1, 'x')),
               UsageError);
  EXPECT_NO_THROW(make_intent(to, 1, std::nullopt, std::string(modules::bank::kMemoBytesMax, 'x')));
}

TEST(Transfer, ChoosesAndChecksTheFee) {
  EXPECT_EQ(choose_fee(std::nullopt, 1000), 1000u);
  EXPECT_EQ(choose_fee(5000, 1000), 5000u);
  try {
    choose_fee(999, 1000);
    FAIL();
  } catch (const CliError& e) {
    EXPECT_EQ(e.code(), "fee_below_minimum");
    EXPECT_EQ(e.exit_code(), kExitFailed);
  }
  EXPECT_NO_THROW(check_affordable(2000, 1000, 1000));
  EXPECT_THROW(check_affordable(1999, 1000, 1000), CliError);
  EXPECT_THROW(check_affordable(~0ULL, ~0ULL, 1), UsageError);
}

TEST(Transfer, ReadsSenderStateFromNodeAnswers) {
  const json status = {{"chain_id", "telco-devnet"}, {"params", {{"min_fee", "1000"}}}};
  const json account = {{"balance", "5000000"}, {"nonce", 3}, {"pending_nonce", 5}};
  const SenderState s = sender_state(status, account);
  EXPECT_EQ(s.chain_id, "telco-devnet");
  EXPECT_EQ(s.min_fee, 1000u);
  EXPECT_EQ(s.balance, 5'000'000u);
  EXPECT_EQ(s.nonce, 5u);
  EXPECT_EQ(sender_state(status, {{"balance", "1"}, {"nonce", 3}}).nonce, 3u);
  EXPECT_THROW(sender_state(json::object(), account), CliError);
  EXPECT_THROW(sender_state(status, {{"balance", "-1"}, {"nonce", 3}}), CliError);
}

TEST(Transfer, BuildsASignedCanonicalTransaction) {
  const crypto::KeyPair key = test_key(7);
  const TransferIntent intent = make_intent(test_address(8), 1'500'000, std::nullopt, "inv-7");
  const SenderState sender{"telco-devnet", 1000, 4, 10'000'000};
  const chain::Transaction tx = build_transfer(intent, sender, 2000, key);
  EXPECT_TRUE(tx.verify_signature());
  EXPECT_EQ(tx.chain_id, "telco-devnet");
  EXPECT_EQ(tx.nonce, 4u);
  EXPECT_EQ(tx.fee, 2000u);
  EXPECT_EQ(tx.sender, key.public_key());
  const auto transfer = modules::bank::Transfer::decode(tx.payload);
  ASSERT_TRUE(transfer);
  EXPECT_EQ(transfer->to, intent.to);
  EXPECT_EQ(transfer->amount, 1'500'000u);
  EXPECT_EQ(to_string(transfer->memo), "inv-7");

  const json body = submit_body(tx);
  const auto bytes = from_hex(body.at("tx").get<std::string>());
  ASSERT_TRUE(bytes);
  const auto decoded = chain::decode_transaction(*bytes);
  ASSERT_TRUE(decoded);
  EXPECT_EQ(*decoded, tx);
}

TEST(Transfer, ReadsSubmitAndStatusAnswers) {
  const json ok = {
      {"accepted", 1},
      {"rejected", 0},
      {"results", {{{"hash", "ab"}, {"accepted", true}, {"code", 0}, {"name", "ok"}, {"message", ""}}}}};
  const SubmitOutcome o = parse_submit_response(ok);
  EXPECT_TRUE(o.accepted);
  EXPECT_EQ(o.hash, "ab");
  EXPECT_THROW(parse_submit_response({{"results", json::array()}}), CliError);

  EXPECT_EQ(parse_tx_status({{"status", "pending"}}).phase, TxPhase::kPending);
  EXPECT_EQ(parse_tx_status({{"status", "unknown"}, {"error", {{"code", "not_found"}}}}).phase,
            TxPhase::kUnknown);
  const TxProgress f = parse_tx_status(
      {{"status", "finalized"},
       {"height", 9},
       {"index", 2},
       {"result",
        {{"code", 300}, {"name", "insufficient_funds"}, {"message", "m"}, {"fee_charged", "1000"}}}});
  EXPECT_EQ(f.phase, TxPhase::kFinalized);
  EXPECT_EQ(f.height, 9u);
  EXPECT_EQ(f.index, 2u);
  EXPECT_EQ(f.code, 300u);
  EXPECT_EQ(f.fee_charged, 1000u);
  const TxProgress r =
      parse_tx_status({{"status", "rejected"}, {"result", {{"code", 200}, {"name", "nonce_too_low"}}}});
  EXPECT_EQ(r.phase, TxPhase::kRejected);
  EXPECT_EQ(r.name, "nonce_too_low");
  EXPECT_THROW(parse_tx_status({{"status", "lost"}}), CliError);
  EXPECT_THROW(parse_tx_status({{"status", "finalized"}, {"result", {{"code", 0}}}}), CliError);  // no height
}

TEST(JsonFields, AcceptsIntegersAsNumbersOrDecimalStrings) {
  const json j = {{"a", 5},     {"b", "18446744073709551615"}, {"c", -1},
                  {"d", "1.5"}, {"e", "18446744073709551616"}, {"f", 2.5}};
  EXPECT_EQ(optional_u64(j, "a"), 5u);
  EXPECT_EQ(optional_u64(j, "b"), ~0ULL);
  EXPECT_FALSE(optional_u64(j, "c"));
  EXPECT_FALSE(optional_u64(j, "d"));
  EXPECT_FALSE(optional_u64(j, "e"));
  EXPECT_FALSE(optional_u64(j, "f"));
  EXPECT_FALSE(optional_u64(j, "missing"));
  EXPECT_FALSE(optional_u64(json::array(), "a"));
  EXPECT_EQ(display_field(j, "missing"), "?");
  EXPECT_THROW(require_u64(j, "d"), CliError);
}

TEST(NodeClient, TurnsTheApiErrorShapeIntoASentence) {
  const NodeUrl url = parse_node_url("127.0.0.1:8640");
  const CliError e = error_from_response(
      url, 404, {{"error", {{"code", "not_found"}, {"message", "no block at height 9"}}}});
  EXPECT_EQ(e.code(), "not_found");
  EXPECT_STREQ(e.what(), "node error not_found: no block at height 9");
  EXPECT_EQ(e.exit_code(), kExitFailed);
  const CliError bare = error_from_response(url, 502, json::object());
  EXPECT_EQ(bare.code(), "http_502");
  EXPECT_STREQ(bare.what(), "node at http://127.0.0.1:8640 answered HTTP 502");
  EXPECT_THROW(parse_json_body(url, 200, "<html>"), CliError);
}

TEST(Render, FormatsPrimitives) {
  EXPECT_EQ(clean("ok\x1b[31m\n"), "ok\\x1b[31m\\x0a");
  EXPECT_EQ(format_tel(1'500'000), "1.5 TEL");
  EXPECT_EQ(format_tel_and_units(1), "0.000001 TEL (1 uTEL)");
  EXPECT_EQ(format_time_ms(0), "1970-01-01 00:00:00.000 UTC");
  EXPECT_EQ(format_time_ms(1'700'000'000'123), "2023-11-14 22:13:20.123 UTC");
  EXPECT_EQ(format_age(1000, 4000), "3 s ago");
  EXPECT_EQ(format_age(0, 3'600'000), "60 min ago");
  EXPECT_EQ(format_age(5000, 4000), "in the future: clocks differ");
  EXPECT_EQ(format_duration_ms(1250), "1.25 s");
  EXPECT_EQ(format_bytes(512), "512 B");
  EXPECT_EQ(format_bytes(3 * 1024 * 1024), "3.0 MiB");
  EXPECT_EQ(render_fields({{"a", "1"}, {"long", "2"}}, 1), " a     1\n long  2\n");
  EXPECT_EQ(render_table({"X", "YY"}, {{"long", "v"}}, 0), "X     YY\nlong  v\n");
}

TEST(Render, DescribesResultsAndPayloads) {
  EXPECT_EQ(describe_result({{"code", 0}, {"name", "ok"}}), "ok");
  EXPECT_EQ(describe_result({{"code", 300}, {"name", "insufficient_funds"}, {"message", "balance too low"}}),
            "insufficient_funds (300): balance too low");
  EXPECT_EQ(describe_result(json()), "?");
  EXPECT_EQ(
      describe_payload({{"type", "bank.transfer"}, {"to", "tc1x"}, {"amount", "2500000"}, {"memo", "m"}}),
      "transfer 2.5 TEL to tc1x memo \"m\"");
  EXPECT_EQ(describe_payload({{"type", "naming.register"}, {"name", "alice"}}),
            "naming.register {\"name\":\"alice\"}");
}

TEST(Render, ShowsABlockWithSignersAndTransactions) {
  const json block = {
      {"height", 7},
      {"hash", "h7"},
      {"header", {{"time_ms", 0}, {"proposer", "tc1p"}, {"tx_count", 1}, {"chain_id", "c"}}},
      {"txs",
       {{{"hash", "t1"},
         {"sender_address", "tc1a"},
         {"fee", "1000"},
         {"payload", {{"type", "bank.transfer"}, {"to", "tc1b"}, {"amount", "1000000"}}},
         {"result", {{"code", 0}, {"name", "ok"}}}}}},
      {"commit", {{"round", 0}, {"signatures", {{{"name", "val-1"}, {"address", "tc1v"}, {"power", 1}}}}}}};
  const std::string text = render_block(block);
  EXPECT_NE(text.find("Block 7"), std::string::npos);
  EXPECT_NE(text.find("val-1"), std::string::npos);
  EXPECT_NE(text.find("tc1a → tc1b  1 TEL  fee 0.001 TEL  ok"), std::string::npos);
  EXPECT_NO_THROW(render_block(json::object()));  // a broken answer renders '?' rather than crashing
  EXPECT_NO_THROW(render_status(json::array(), 0));
  EXPECT_NO_THROW(render_tx(json::object()));
}

TEST(Render, ShowsAccountHistoryDirections) {
  const json account = {
      {"address", "tc1me"}, {"balance", "1"}, {"nonce", 1}, {"pending_nonce", 1}, {"pending_txs", 0}};
  const auto row = [](std::string from, std::string to) {
    return AccountTxRow{
        {{"hash", "h"}, {"height", 3}},
        {{"tx",
          {{"sender_address", from}, {"payload", {{"type", "bank.transfer"}, {"to", to}, {"amount", "1"}}}}},
         {"result", {{"code", 0}, {"name", "ok"}}}}};
  };
  const std::string text = render_account(
      account, {row("tc1me", "tc1you"), row("tc1you", "tc1me"), AccountTxRow{{{"hash", "h2"}}, json()}});
  EXPECT_NE(text.find("out  tc1you"), std::string::npos);
  EXPECT_NE(text.find("in   tc1you"), std::string::npos);
  EXPECT_NE(text.find("h2"), std::string::npos);
}

TEST(Keystore, ValidatesNamesAndSeeds) {
  for (const char* good : {"default", "alice-2", "a.b_c"}) EXPECT_NO_THROW(validate_key_name(good)) << good;
  for (const char* bad : {"", ".hidden", "..", "a/b", "a b", "naïve"})
    EXPECT_THROW(validate_key_name(bad), UsageError) << bad;
  EXPECT_THROW(validate_key_name(std::string(kKeyNameBytesMax + 1, 'a')), UsageError);

  const std::string hex(64, 'a');
  EXPECT_TRUE(parse_seed(hex, false));
  EXPECT_TRUE(parse_seed(" \n" + hex + "\n", false));
  EXPECT_FALSE(parse_seed(hex.substr(2), false));
  EXPECT_FALSE(parse_seed(std::string(32, '\x01'), false));
  const auto raw = parse_seed(std::string(32, '\x01'), true);
  ASSERT_TRUE(raw);
  EXPECT_EQ((*raw)[0], 1);
}

TEST(Keystore, StoresListsAndReadsKeys) {
  const std::filesystem::path home =
      std::filesystem::temp_directory_path() / ("telco_cli_test_" + std::to_string(::getpid())) / "home";
  std::filesystem::remove_all(home.parent_path());
  const Keystore store(home);
  EXPECT_TRUE(store.list().empty());
  store.ensure_keys_dir();
  struct stat st {};
  ASSERT_EQ(::stat(store.keys_dir().c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0700u);

  const crypto::KeyPair key = test_key(3);
  crypto::write_keyfile(store.key_path("bob"), key, "pw", crypto::test_keyfile_cost());
  EXPECT_TRUE(store.exists("bob"));
  EXPECT_EQ(store.info("bob").public_key, key.public_key());
  {
    std::ofstream junk(store.keys_dir() / "broken.json");
    junk << "{";
  }
  const auto entries = store.list();
  ASSERT_EQ(entries.size(), 2u);
  EXPECT_EQ(entries[0].name, "bob");
  EXPECT_TRUE(entries[0].error.empty());
  EXPECT_EQ(entries[1].name, "broken");
  EXPECT_FALSE(entries[1].error.empty());
  try {
    store.info("carol");
    FAIL();
  } catch (const CliError& e) {
    EXPECT_EQ(e.code(), "key_not_found");
  }
  std::filesystem::remove_all(home.parent_path());
}

}  // namespace
}  // namespace telco::cli
