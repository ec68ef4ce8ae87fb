// The read endpoints the block explorer (web/explorer) relies on, over a real Node and its
// RocksDB store: block lists with commit summaries, recent transactions, account history
// with transaction details, block transaction pages and the search endpoint (heights, hashes,
// addresses, and the modules' names, phone numbers and device ids).
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "api/json/views.h"
#include "api/router.h"
#include "api/search.h"
#include "device_fixture.h"
#include "modules/naming/payloads.h"
#include "naming_fixture.h"
#include "node/node.h"
#include "test_chain.h"

namespace telco::api {
namespace {

using Json = nlohmann::json;
using test::addr;
using test::transfer;

class ExplorerApi : public ::testing::Test {
 protected:
  void SetUp() override {
    node::NodeConfig config;
    config.storage.sync = false;
    node_ = std::make_unique<node::Node>(std::make_shared<const chain::Genesis>(genesis_), test::key(0),
                                         config, dir_.path(), [this] { return clock_ms_; });
    ctx_ = std::make_unique<ServerContext>(HttpServerConfig{}, *node_);
    // Height 1: two transfers 1 -> 2; heights 2-4 empty; height 5: one transfer 3 -> 1.
    submit_ok({transfer(1, addr(2), 5, 0), transfer(1, addr(2), 6, 1)});
    produce(false);
    for (int i = 0; i < 3; ++i) produce(true);
    submit_ok({transfer(3, addr(1), 7, 0)});
    produce(false);
  }

  void submit_ok(std::vector<chain::Transaction> txs) {
    for (const SubmitResult& r : node_->submit(std::move(txs))) ASSERT_EQ(r.code, chain::ResultCode::kOk);
  }
  void produce(bool allow_empty) {
    clock_ms_ += 1'000;
    ASSERT_TRUE(node_->produce_block(allow_empty));
  }
  Json get(const std::string& target, int status = 200) {
    const Response r = handle_request(*ctx_, "GET", target);
    EXPECT_EQ(r.status, status) << target << ": " << r.body;
    return Json::parse(r.body);
  }

  test::TempDir dir_;
  chain::Genesis genesis_ = test::make_genesis();
  std::uint64_t clock_ms_ = genesis_.genesis_time_ms;
  std::unique_ptr<node::Node> node_;
  std::unique_ptr<ServerContext> ctx_;
};

TEST_F(ExplorerApi, BlockListCarriesCommitSummaries) {
  const Json list = get("/v1/blocks?limit=2");
  ASSERT_EQ(list["blocks"].size(), 2u);
  EXPECT_EQ(list["blocks"][0]["height"], 5);
  const Json& commit = list["blocks"][0]["commit"];
  EXPECT_EQ(commit["signers"], 1);
  EXPECT_EQ(commit["signed_power"], 10);
  EXPECT_EQ(commit["round"], 0);
  EXPECT_EQ(commit["time_ms"], list["blocks"][0]["time_ms"])
      << "the single validator signs at the block's time";
  EXPECT_EQ(get("/v1/blocks?before=2")["blocks"].size(), 1u);
}

TEST_F(ExplorerApi, RecentTxsNewestFirstAcrossEmptyBlocks) {
  const Json all = get("/v1/txs");
  ASSERT_EQ(all["txs"].size(), 3u);
  EXPECT_EQ(all["txs"][0]["height"], 5);
  EXPECT_EQ(all["txs"][0]["from"], addr(3).to_string());
  EXPECT_EQ(all["txs"][0]["payload"]["to"], addr(1).to_string());
  EXPECT_EQ(all["txs"][0]["payload"]["amount"], "7");
  EXPECT_EQ(all["txs"][0]["fee"], "1000");
  EXPECT_EQ(all["txs"][0]["result"]["name"], "ok");
  EXPECT_EQ(all["txs"][1]["height"], 1);
  EXPECT_EQ(all["txs"][1]["index"], 1) << "within a block, the later transaction first";
  EXPECT_EQ(all["txs"][2]["index"], 0);
  EXPECT_EQ(all["txs"][1]["hash"], crypto::to_hex(transfer(1, addr(2), 6, 1).hash()));
  EXPECT_EQ(get("/v1/txs?limit=2")["txs"].size(), 2u);
  EXPECT_EQ(get("/v1/txs?limit=0", 400)["error"]["code"], "bad_request");
  EXPECT_EQ(get("/v1/txs?limit=101", 400)["error"]["code"], "bad_request");
  EXPECT_EQ(handle_request(*ctx_, "DELETE", "/v1/txs").status, 405);
}

TEST_F(ExplorerApi, AccountHistoryHasTransactionDetails) {
  const Json h = get("/v1/accounts/" + addr(1).to_string() + "/txs");
  ASSERT_EQ(h["txs"].size(), 3u) << "two sent, one received";
  EXPECT_EQ(h["txs"][0]["from"], addr(3).to_string());
  EXPECT_EQ(h["txs"][0]["time_ms"], genesis_.genesis_time_ms + 5'000);
  EXPECT_EQ(h["txs"][1]["payload"]["amount"], "6");
  EXPECT_EQ(h["txs"][2]["payload"]["amount"], "5");
  const Json page = get("/v1/accounts/" + addr(1).to_string() + "/txs?limit=1&before=5");
  ASSERT_EQ(page["txs"].size(), 1u);
  EXPECT_EQ(page["txs"][0]["height"], 1);
}

TEST_F(ExplorerApi, BlockTransactionPages) {
  const Json full = get("/v1/blocks/1");
  EXPECT_EQ(full["txs"].size(), 2u);
  EXPECT_EQ(full["tx_offset"], 0);
  const Json second = get("/v1/blocks/1?tx_offset=1&tx_limit=1");
  ASSERT_EQ(second["txs"].size(), 1u);
  EXPECT_EQ(second["tx_offset"], 1);
  EXPECT_EQ(second["txs"][0]["nonce"], 1);
  EXPECT_EQ(second["header"]["tx_count"], 2) << "the header still says how many there are";
  EXPECT_EQ(get("/v1/blocks/1?tx_offset=9")["txs"].size(), 0u);
  EXPECT_EQ(get("/v1/blocks/1?tx_limit=0", 400)["error"]["code"], "bad_request");
  EXPECT_EQ(get("/v1/blocks/1?tx_limit=1001", 400)["error"]["code"], "bad_request");
  EXPECT_EQ(get("/v1/blocks/1?tx_offset=-1", 400)["error"]["code"], "bad_request");
}

TEST_F(ExplorerApi, SearchClassifiesAndLooksUp) {
  const std::string block_hash = crypto::to_hex(node_->head().hash);
  const std::string tx_hash = crypto::to_hex(transfer(3, addr(1), 7, 0).hash());

  Json r = get("/v1/search?q=3");
  ASSERT_EQ(r["results"].size(), 1u);
  EXPECT_EQ(r["results"][0]["kind"], "block");
  EXPECT_EQ(r["results"][0]["height"], 3);

  r = get("/v1/search?q=%20" + block_hash + "%20");  // surrounding blanks are ignored
  ASSERT_EQ(r["results"].size(), 1u);
  EXPECT_EQ(r["results"][0]["kind"], "block");
  EXPECT_EQ(r["results"][0]["height"], 5);

  std::string upper = tx_hash;
  for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  r = get("/v1/search?q=" + upper);
  ASSERT_EQ(r["results"].size(), 1u);
  EXPECT_EQ(r["results"][0]["kind"], "tx");
  EXPECT_EQ(r["results"][0]["hash"], tx_hash);
  EXPECT_EQ(r["results"][0]["status"], "finalized");

  r = get("/v1/search?q=" + addr(4).to_string());
  ASSERT_EQ(r["results"].size(), 1u);
  EXPECT_EQ(r["results"][0]["kind"], "account");

  // Well-formed but unknown: 200 with no results.
  EXPECT_TRUE(get("/v1/search?q=99")["results"].empty());
  EXPECT_TRUE(get("/v1/search?q=0")["results"].empty()) << "height 0 is genesis, not a block";
  EXPECT_TRUE(get("/v1/search?q=" + std::string(64, 'a'))["results"].empty());

  // Not an identifier of any kind: 400 with a sentence.
  EXPECT_EQ(get("/v1/search?q=", 400)["error"]["code"], "bad_request");
  EXPECT_EQ(get("/v1/search", 400)["error"]["code"], "bad_request");
  EXPECT_EQ(get("/v1/search?q=hello", 400)["error"]["code"], "bad_request");
  EXPECT_EQ(get("/v1/search?q=" + std::string(63, 'a'), 400)["error"]["code"], "bad_request");
  EXPECT_EQ(get("/v1/search?q=" + std::string(200, '1'), 400)["error"]["code"], "bad_request");
  std::string typo = addr(4).to_string();
  typo.back() = typo.back() == 'q' ? 'p' : 'q';
  const Json bad = get("/v1/search?q=" + typo, 400);
  EXPECT_NE(bad["error"]["message"].get<std::string>().find("checksum"), std::string::npos);
}

// Search over module state: a name, numbers and a device committed by a real Node.
class ModuleSearch : public ::testing::Test {
 protected:
  void SetUp() override {
    genesis_.naming = test::test_naming_params();  // zones tel and sip; authority addr(5)
    node::NodeConfig config;
    config.storage.sync = false;
    node_ = std::make_unique<node::Node>(std::make_shared<const chain::Genesis>(genesis_), test::key(0),
                                         config, dir_.path(), [this] { return clock_ms_ += 1'000; });
    ctx_ = std::make_unique<ServerContext>(HttpServerConfig{}, *node_);
    namespace naming = modules::naming;
    const crypto::Hash32 secret{7};
    commit(1, naming::NameCommit{naming::commitment_hash("alice.tel", test::addr(1), secret)});
    commit(1, naming::NameReveal{"alice.tel", secret});
    commit(5, naming::NumberAllocate{"41555", 9, test::addr(2)});
    commit(5, naming::NumberAllocate{"1", 3, test::addr(2)});  // numbers 100..199
    commit(2, naming::NumberAssign{{{"415551234",
                                     test::addr(3),
                                     {{10, 100, naming::RoutingService::kSip, "sip:+415551234@a.example"}}},
                                    {"104", test::addr(3), {}}}});
    commit(1,
           modules::device::DeviceRegister{
               test::device_id(7), test::device_keypair(7).public_key(), test::addr(3), test::addr(2), {}});
  }

  template <typename P>
  void commit(std::uint8_t from, const P& payload) {
    chain::Transaction tx;
    tx.chain_id = genesis_.chain_id;
    tx.nonce = nonce_[from]++;
    tx.fee = 1'000;
    tx.payload = payload.to_payload();
    tx.sign(test::key(from));
    ASSERT_EQ(node_->submit({tx})[0].code, chain::ResultCode::kOk);
    ASSERT_TRUE(node_->produce_block(false));
    ASSERT_EQ(node_->tx_status(tx.hash()).receipt->code, chain::ResultCode::kOk) << payload.to_payload().type;
  }

  Json results(const std::string& q) {
    const Response r = handle_request(*ctx_, "GET", "/v1/search?q=" + q);
    EXPECT_EQ(r.status, 200) << q << ": " << r.body;
    return Json::parse(r.body)["results"];
  }
  std::string refusal(const std::string& q) {
    const Response r = handle_request(*ctx_, "GET", "/v1/search?q=" + q);
    EXPECT_EQ(r.status, 400) << q << ": " << r.body;
    return Json::parse(r.body)["error"]["message"].get<std::string>();
  }

  test::TempDir dir_;
  chain::Genesis genesis_ = test::make_genesis(6);
  std::uint64_t clock_ms_ = genesis_.genesis_time_ms;
  std::uint64_t nonce_[8] = {};
  std::unique_ptr<node::Node> node_;
  std::unique_ptr<ServerContext> ctx_;
};

TEST_F(ModuleSearch, NamesInAnyCaseUnderTheChainsZones) {
  for (const std::string q : {"alice.tel", "Alice.TEL.", "%20ALICE.tel%20"}) {
    const Json r = results(q);
    ASSERT_EQ(r.size(), 1u) << q;
    EXPECT_EQ(r[0]["kind"], "name");
    EXPECT_EQ(r[0]["name"], "alice.tel");
    EXPECT_EQ(r[0]["status"], "active");
  }
  EXPECT_TRUE(results("bob.tel").empty()) << "a well-formed name nobody registered";
  EXPECT_TRUE(results("m%C3%BCnchen.sip").empty()) << "Unicode is normalised, then looked up";
  EXPECT_NE(refusal("alice.com").find("names end in .tel, .sip"), std::string::npos);
  EXPECT_NE(refusal("-alice.tel").find("not a valid name"), std::string::npos);
  EXPECT_NE(refusal("hello").find("a name (alice.tel)"), std::string::npos) << "no dot: not a name";
}

TEST_F(ModuleSearch, PhoneNumbersWithOrWithoutPlus) {
  for (const std::string q : {"415551234", "%2B415551234", "%2B41%20555-1234", "(415)%20551234"}) {
    const Json r = results(q);
    ASSERT_EQ(r.size(), 1u) << q;
    EXPECT_EQ(r[0]["kind"], "number");
    EXPECT_EQ(r[0]["number"], "415551234");
    EXPECT_EQ(r[0]["e164"], "+415551234");
    EXPECT_EQ(r[0]["assigned"], true);
  }
  EXPECT_TRUE(results("%2B415559999").empty()) << "a valid number never assigned";
  EXPECT_NE(refusal("%2B0123").find("E.164"), std::string::npos);
  EXPECT_NE(refusal("%2B12").find("E.164"), std::string::npos);
}

TEST_F(ModuleSearch, DigitsNameAHeightAndANumberBoth) {
  while (node_->head().height < 104) ASSERT_TRUE(node_->produce_block(true));
  const Json both = results("104");
  ASSERT_EQ(both.size(), 2u) << both;
  EXPECT_EQ(both[0]["kind"], "block");
  EXPECT_EQ(both[0]["height"], 104);
  EXPECT_EQ(both[1]["kind"], "number");
  EXPECT_EQ(both[1]["number"], "104");
  const Json plus = results("%2B104");
  ASSERT_EQ(plus.size(), 1u) << "with + it is a number only";
  EXPECT_EQ(plus[0]["kind"], "number");
  const Json height = results("3");
  ASSERT_EQ(height.size(), 1u) << "too short for a number";
  EXPECT_EQ(height[0]["kind"], "block");
}

TEST_F(ModuleSearch, DeviceIdentifierHashes) {
  const std::string id = crypto::to_hex(test::device_id(7));
  std::string upper = id;
  for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  for (const std::string& q : {id, upper}) {
    const Json r = results(q);
    ASSERT_EQ(r.size(), 1u) << q;
    EXPECT_EQ(r[0]["kind"], "device");
    EXPECT_EQ(r[0]["id_hash"], id);
    EXPECT_EQ(r[0]["status"], "active");
  }
  EXPECT_TRUE(results(crypto::to_hex(test::device_id(8))).empty());
}

TEST(ExplorerViews, CommitSummaryCountsPowerOfKnownSigners) {
  std::vector<chain::GenesisValidator> validators = {{"a", test::key(0).public_key(), 10},
                                                     {"b", test::key(1).public_key(), 20},
                                                     {"c", test::key(2).public_key(), 30}};
  chain::Commit commit;
  commit.round = 2;
  commit.signatures = {{test::key(0).public_key(), 1'000, {}},
                       {test::key(2).public_key(), 1'250, {}},
                       {test::key(7).public_key(), 9'999, {}}};  // not in the set: counts 0 power
  const Json j = commit_summary_json(commit, validators);
  EXPECT_EQ(j["signers"], 3);
  EXPECT_EQ(j["signed_power"], 40);
  EXPECT_EQ(j["round"], 2);
  EXPECT_EQ(j["time_ms"], 9'999);
  EXPECT_EQ(commit_summary_json(chain::Commit{}, validators)["signers"], 0);

  BlockData block;
  block.commit = commit;
  EXPECT_EQ(block_event_json(block, validators)["block"]["commit"]["signed_power"], 40);
}

}  // namespace
}  // namespace telco::api
