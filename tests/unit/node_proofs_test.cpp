// The proof and light-client routes end to end in one process: a real Node (store, state
// tree, signed commits) behind the real router, and the light client consuming the answers
// exactly as `telco verify` does.
#include <gtest/gtest.h>

#include "api/router.h"
#include "light/light_client.h"
#include "light/wire.h"
#include "modules/bank/account.h"
#include "node/node.h"
#include "test_chain.h"
#include "util/hex.h"

namespace telco {
namespace {

using Json = nlohmann::json;

struct Fixture {
  test::TempDir dir;
  chain::Genesis genesis = test::make_genesis();
  std::uint64_t clock = genesis.genesis_time_ms + 1'000;
  std::unique_ptr<node::Node> node;
  std::unique_ptr<api::ServerContext> ctx;

  Fixture() {
    node::NodeConfig config;
    config.storage.sync = false;
    node = std::make_unique<node::Node>(std::make_shared<const chain::Genesis>(genesis), test::key(0), config,
                                        dir.path(), [this] { return clock += 10; });
    ctx = std::make_unique<api::ServerContext>(api::HttpServerConfig{}, *node);
  }
  std::pair<int, Json> get(const std::string& target) {
    const api::Response r = api::handle_request(*ctx, "GET", target);
    return {r.status, Json::parse(r.body)};
  }
};

TEST(NodeProofs, LightClientVerifiesAnAccountThroughTheApi) {
  Fixture f;
  for (std::uint64_t n = 0; n < 3; ++n) {
    ASSERT_EQ(f.node->submit({test::transfer(1, test::addr(7), 1'000 + n, n)})[0].code,
              chain::ResultCode::kOk);
    ASSERT_TRUE(f.node->produce_block(false));
  }
  ASSERT_TRUE(f.node->produce_block(true));  // an empty block on top

  light::Verdict why;
  auto [status, page] = f.get("/v1/headers?from=1&limit=100");
  ASSERT_EQ(status, 200) << page;
  auto headers = light::decode_headers_page(page, light::kHeadersPageMax, &why);
  ASSERT_TRUE(headers) << why.message();
  ASSERT_EQ(headers->size(), 4u);
  auto client = light::LightClient::from_genesis(f.genesis, &why);
  ASSERT_TRUE(client);
  for (const auto& s : *headers) ASSERT_TRUE(client->verify_next(s.header, s.commit).ok());

  const std::string address = test::addr(7).to_string();
  auto [pstatus, body] = f.get("/v1/accounts/" + address + "/proof?height=4");
  ASSERT_EQ(pstatus, 200) << body;
  EXPECT_EQ(body["account"]["balance"], "3003");
  auto proven = light::decode_state_proof(body, &why);
  ASSERT_TRUE(proven) << why.message();
  const Bytes key = modules::bank::account_key(test::addr(7));
  ASSERT_TRUE(proven->value);
  EXPECT_TRUE(client->verify_state(4, key, ByteView(*proven->value), proven->proof).ok());
  EXPECT_EQ(modules::bank::decode_account(*proven->value)->balance, 3003u);

  // The same key through the generic route, at an older height: another value, another proof.
  auto [sstatus, older] = f.get("/v1/state/proof?key=" + to_hex(key) + "&height=1");
  ASSERT_EQ(sstatus, 200) << older;
  EXPECT_EQ(older["height"], 1);
  EXPECT_EQ(older["state_root"], crypto::to_hex(f.node->header_at(1)->state_root));
  proven = light::decode_state_proof(older, &why);
  EXPECT_EQ(client->verify_state(4, key, ByteView(*proven->value), proven->proof).reason,
            light::Rejection::kProofRootMismatch);

  // Absent keys are proven absent.
  auto [astatus, absent] = f.get("/v1/accounts/" + test::addr(9).to_string() + "/proof");
  ASSERT_EQ(astatus, 200);
  EXPECT_TRUE(absent["value"].is_null() && absent["account"].is_null());
  proven = light::decode_state_proof(absent, &why);
  EXPECT_TRUE(
      client->verify_state(4, modules::bank::account_key(test::addr(9)), std::nullopt, proven->proof).ok());
}

TEST(NodeProofs, HeadersAndChangesShapes) {
  Fixture f;
  ASSERT_TRUE(f.node->produce_block(true));
  ASSERT_TRUE(f.node->produce_block(true));
  auto [status, one] = f.get("/v1/headers/2");
  ASSERT_EQ(status, 200);
  EXPECT_EQ(one["commit"]["height"], 2);
  EXPECT_EQ(one["hash"], crypto::to_hex(f.node->header_at(2)->hash()));
  EXPECT_EQ(one["header"]["last_commit_hash"], crypto::to_hex(f.node->commit_at(1)->hash()));
  EXPECT_EQ(one["commit"]["signatures"][0]["name"], "v0");

  auto [cstatus, changes] = f.get("/v1/validators/changes?from=0&to=2");
  ASSERT_EQ(cstatus, 200) << changes;
  EXPECT_TRUE(changes["changes"].empty());
  EXPECT_EQ(changes["complete"], true);
  EXPECT_EQ(changes["validators"]["validators_hash"], crypto::to_hex(f.genesis.validators_hash()));
  light::Verdict why;
  EXPECT_TRUE(light::decode_validator_changes(changes, &why));
}

TEST(NodeProofs, ErrorsSayWhy) {
  Fixture f;
  ASSERT_TRUE(f.node->produce_block(true));
  const auto code = [&](const std::string& target) { return f.get(target).first; };
  EXPECT_EQ(code("/v1/state/proof"), 400);
  EXPECT_EQ(code("/v1/state/proof?key=0g"), 400);
  EXPECT_EQ(code("/v1/state/proof?key=" + std::string(2 * 129, 'a')), 400);
  EXPECT_EQ(code("/v1/state/proof?key=01&height=x"), 400);
  auto [status, above] = f.get("/v1/state/proof?key=01&height=2");
  EXPECT_EQ(status, 404);
  EXPECT_NE(above["error"]["message"].get<std::string>().find("above the head (1)"), std::string::npos);
  EXPECT_EQ(code("/v1/state/proof?key=01&height=0"), 200);  // the genesis state is provable
  EXPECT_EQ(code("/v1/headers/0"), 400);
  EXPECT_EQ(code("/v1/headers/2"), 404);
  EXPECT_EQ(code("/v1/headers"), 400);
  EXPECT_EQ(code("/v1/headers?from=1&limit=101"), 400);
  EXPECT_EQ(code("/v1/validators/changes?from=2&to=1"), 400);
  EXPECT_EQ(code("/v1/validators/changes?to=5"), 404);
  EXPECT_EQ(code("/v1/accounts/tc1nope/proof"), 400);
  EXPECT_EQ(api::handle_request(*f.ctx, "POST", "/v1/state/proof?key=01").status, 405);
}

TEST(NodeProofs, PrunedHeightsAnswer410) {
  Fixture f;
  // Past the store's window (storage::kStateVersionsKeptDefault) old versions go.
  for (std::uint64_t i = 0; i < storage::kStateVersionsKeptDefault + 20; ++i)
    ASSERT_TRUE(f.node->produce_block(true));
  const auto oldest = f.node->state_oldest_height();
  ASSERT_TRUE(oldest);
  ASSERT_GT(*oldest, 0u);
  auto [status, body] = f.get("/v1/state/proof?key=01&height=" + std::to_string(*oldest - 1));
  EXPECT_EQ(status, 410) << body;
  EXPECT_EQ(body["error"]["code"], "pruned");
  EXPECT_NE(body["error"]["message"].get<std::string>().find("oldest provable height is " +
                                                             std::to_string(*oldest)),
            std::string::npos)
      << body;
  EXPECT_EQ(f.get("/v1/state/proof?key=01&height=" + std::to_string(*oldest)).first, 200);
  EXPECT_EQ(f.get("/v1/headers/1").first, 200) << "headers are kept forever";
}

// A backend that keeps no state tree (the defaults of api::Backend): proofs are 404 with a
// sentence, validator changes are the genesis set and none.
class NoProofsBackend final : public api::Backend {
 public:
  const chain::Genesis& genesis() const override { return genesis_; }
  crypto::Hash32 genesis_hash() const override { return genesis_.hash(); }
  api::ChainHead head() const override { return {3, {}, 0, {}}; }
  api::MempoolStats mempool_stats() const override { return {}; }
  std::vector<api::SubmitResult> submit(std::vector<chain::Transaction>) override { return {}; }
  api::TxStatus tx_status(const crypto::Hash32&) const override { return {}; }
  std::optional<api::BlockData> block_at(std::uint64_t) const override { return std::nullopt; }
  std::optional<std::uint64_t> height_of(const crypto::Hash32&) const override { return std::nullopt; }
  api::AccountInfo account(const crypto::Address&) const override { return {}; }
  std::vector<std::pair<api::TxLocation, crypto::Hash32>> account_txs(const crypto::Address&, std::size_t,
                                                                      std::optional<std::uint64_t>) const override {
    return {};
  }
  std::uint64_t subscribe(std::function<void(const api::BlockEvent&)>) override { return 1; }
  void unsubscribe(std::uint64_t) override {}

 private:
  chain::Genesis genesis_ = test::make_genesis();
};

TEST(NodeProofs, ABackendWithoutProofsSaysSo) {
  NoProofsBackend backend;
  api::ServerContext ctx(api::HttpServerConfig{}, backend);
  const api::Response r = api::handle_request(ctx, "GET", "/v1/state/proof?key=01");
  EXPECT_EQ(r.status, 404);
  EXPECT_NE(r.body.find("serves no state proofs"), std::string::npos) << r.body;
  EXPECT_EQ(api::handle_request(ctx, "GET", "/v1/headers/2").status, 404);
  const api::Response changes = api::handle_request(ctx, "GET", "/v1/validators/changes");
  ASSERT_EQ(changes.status, 200);
  const Json j = Json::parse(changes.body);
  EXPECT_EQ(j["to"], 3);
  EXPECT_TRUE(j["changes"].empty());
  EXPECT_EQ(j["validators"]["validators"].size(), 1u);
}

}  // namespace
}  // namespace telco
