// The device routes end to end in one process: a real Node (store, state tree, signed
// commits) behind the real router. A simulated device answers challenges online (the node
// verifies) and offline (a light client checks the device's state proof, then the verifier
// checks the answer itself); it is reported stolen and then fails both ways; a replayed
// challenge is refused; an anchored reading verifies.
#include <gtest/gtest.h>

#include "api/device_routes.h"
#include "api/json/device_octets.h"
#include "api/router.h"
#include "device_fixture.h"
#include "light/light_client.h"
#include "light/wire.h"
#include "node/node.h"
#include "util/hex.h"

namespace telco {
namespace {

using Json = nlohmann::json;
using namespace modules::device;
using test::addr;
using test::device_id;
using test::device_keypair;

struct Fixture {
  test::TempDir dir;
  chain::Genesis genesis = test::make_genesis();
  std::uint64_t clock = genesis.genesis_time_ms + 1'000;
  std::unique_ptr<node::Node> node;
  std::unique_ptr<api::ServerContext> ctx;
  std::uint64_t nonce[8] = {};

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
  // The binary batch form: the raw answer, its content type checked by the caller.
  api::Response post_octets(const std::string& path, const Bytes& body, std::uint64_t now_ms) {
    return api::handle_device_post(*ctx, path, "application/octet-stream",
                                   std::string_view(reinterpret_cast<const char*>(body.data()), body.size()),
                                   now_ms);
  }
  std::pair<int, Json> post(const std::string& path, const Json& body, std::uint64_t now_ms) {
    const api::Response r = api::handle_device_post(*ctx, path, "application/json", body.dump(), now_ms);
    return {r.status, Json::parse(r.body)};
  }
  // Signs and submits one payload from account `from`, then commits a block with it.
  template <typename P>
  void commit(std::uint8_t from, const P& payload, chain::ResultCode expected = chain::ResultCode::kOk) {
    chain::Transaction tx;
    tx.chain_id = genesis.chain_id;
    tx.nonce = nonce[from]++;
    tx.fee = 1'000;
    tx.payload = payload.to_payload();
    tx.sign(test::key(from));
    ASSERT_EQ(node->submit({tx})[0].code, chain::ResultCode::kOk);
    ASSERT_TRUE(node->produce_block(false));
    auto [status, body] = get("/v1/txs/" + crypto::to_hex(tx.hash()));
    ASSERT_EQ(status, 200) << body;
    EXPECT_EQ(body["result"]["code"], static_cast<int>(expected)) << body;
  }
  Challenge issue(const crypto::Hash32& id, std::uint64_t now_ms) {
    auto [status, c] =
        post("/v1/devices/challenge",
             {{"id_hash", to_hex(id)}, {"purpose", "attach"}, {"verifier_id", "gnb-7"}, {"ttl_ms", 20'000}},
             now_ms);
    EXPECT_EQ(status, 200) << c;
    auto bytes = from_hex(c["challenge"].get<std::string>());
    auto decoded = decode_challenge(*bytes);
    EXPECT_TRUE(decoded);
    return decoded.value_or(Challenge{});
  }
  Json authenticate(const Challenge& c, const crypto::Signature& sig, std::uint64_t now_ms,
                    Json extra = Json::object()) {
    extra["challenge"] = to_hex(encode_challenge(c));
    extra["signature"] = to_hex(sig);
    auto [status, body] = post("/v1/devices/authenticate", extra, now_ms);
    EXPECT_EQ(status, 200) << body;
    return body;
  }
  // The offline verifier: headers through a light client, the device's proof against the
  // verified header, then the answer against the proven record.
  AuthOutcome offline(const Challenge& c, const crypto::Signature& sig, std::uint64_t now_ms) {
    light::Verdict why;
    const std::uint64_t head = node->head().height;
    auto [hs, page] = get("/v1/headers?from=1&limit=100");
    auto headers = light::decode_headers_page(page, light::kHeadersPageMax, &why);
    EXPECT_TRUE(headers) << why.message();
    auto client = light::LightClient::from_genesis(genesis, &why);
    for (const auto& s : *headers) EXPECT_TRUE(client->verify_next(s.header, s.commit).ok());
    auto [ps, body] = get("/v1/devices/" + to_hex(c.id_hash) + "/proof?height=" + std::to_string(head));
    EXPECT_EQ(ps, 200) << body;
    auto proven = light::decode_state_proof(body, &why);
    EXPECT_TRUE(proven) << why.message();
    const Bytes key = device_key(c.id_hash);
    std::optional<DeviceRecord> record;
    if (proven->value) {
      EXPECT_TRUE(client->verify_state(head, key, ByteView(*proven->value), proven->proof).ok());
      record = decode_device(*proven->value);
    }
    return verify_answer(genesis.chain_id, c, sig, record, now_ms);
  }
};

TEST(DeviceApi, AuthenticatesOnlineAndOfflineThenFailsOnceStolen) {
  Fixture f;
  const crypto::KeyPair dk = device_keypair(7);
  f.commit(1, DeviceRegister{device_id(7), dk.public_key(), addr(3), addr(2), {{"model", "T-100"}}});

  auto [ds, device] = f.get("/v1/devices/" + to_hex(device_id(7)));
  ASSERT_EQ(ds, 200) << device;
  EXPECT_EQ(device["status"], "active");
  EXPECT_EQ(device["owner"], addr(3).to_string());
  EXPECT_EQ(device["attributes"]["model"], "T-100");
  EXPECT_FALSE(device.contains("stolen_list"));

  const std::uint64_t now = f.clock;
  Challenge c = f.issue(device_id(7), now);
  EXPECT_EQ(c.chain_id, f.genesis.chain_id);
  EXPECT_EQ(c.expires_ms, now + 20'000);
  const crypto::Signature sig = answer_challenge(dk, c);
  Json ok = f.authenticate(c, sig, now + 5);
  EXPECT_EQ(ok["ok"], true) << ok;
  // The same answer again: a replay.
  Json replay = f.authenticate(c, sig, now + 6);
  EXPECT_EQ(replay["outcome"], "nonce_used") << replay;
  // A challenge this node never issued, and one answered after it expired.
  Challenge forged = c;
  forged.nonce[0] ^= 1;
  EXPECT_EQ(f.authenticate(forged, answer_challenge(dk, forged), now)["outcome"], "nonce_unknown");
  Challenge late = f.issue(device_id(7), now);
  EXPECT_EQ(f.authenticate(late, answer_challenge(dk, late), now + 20'001)["outcome"], "challenge_expired");
  // A wrong key does not burn the nonce; the right one then succeeds.
  Challenge c2 = f.issue(device_id(7), now);
  EXPECT_EQ(f.authenticate(c2, answer_challenge(device_keypair(8), c2), now)["outcome"], "bad_signature");
  EXPECT_EQ(f.authenticate(c2, answer_challenge(dk, c2), now)["ok"], true);

  EXPECT_EQ(f.offline(c, sig, now + 5), AuthOutcome::kOk);

  f.commit(3, DeviceReport{device_id(7), DeviceStatus::kStolen});
  auto [ss, listed] = f.get("/v1/stolen/" + to_hex(device_id(7)));
  ASSERT_EQ(ss, 200);
  EXPECT_EQ(listed["listed"], true);
  EXPECT_EQ(listed["status"], "stolen");
  EXPECT_EQ(f.get("/v1/stolen/" + to_hex(device_id(8))).second["listed"], false);

  Challenge c3 = f.issue(device_id(7), f.clock);
  const auto sig3 = answer_challenge(dk, c3);
  EXPECT_EQ(f.authenticate(c3, sig3, f.clock)["outcome"], "device_stolen");
  EXPECT_EQ(f.offline(c3, sig3, f.clock), AuthOutcome::kStolen);

  auto [hs, history] = f.get("/v1/devices/" + to_hex(device_id(7)) + "/history");
  ASSERT_EQ(hs, 200) << history;
  EXPECT_EQ(history["total"], 2);
  EXPECT_EQ(history["entries"][0]["event"], "reported_stolen");
  EXPECT_EQ(history["entries"][1]["event"], "registered");
}

TEST(DeviceApi, FleetMemberAuthenticatesWithItsPath) {
  Fixture f;
  const test::TestFleet fleet(10);
  const MerkleTree tree(kFleetDomain, fleet.leaves);
  f.commit(1, DeviceRegisterFleet{tree.root(), 10, addr(3), addr(2), {}});
  const crypto::Hash32 id = fleet_id(tree.root(), 10);
  auto [fs, fj] = f.get("/v1/fleets/" + to_hex(id));
  ASSERT_EQ(fs, 200) << fj;
  EXPECT_EQ(fj["size"], 10);
  Json path = Json::array();
  for (const auto& h : tree.path(6)) path.push_back(to_hex(h));
  const Json member = {
      {"fleet", to_hex(id)}, {"index", 6}, {"public_key", to_hex(fleet.keys[6])}, {"path", path}};
  Challenge c = f.issue(fleet.ids[6], f.clock);
  EXPECT_EQ(f.authenticate(c, answer_challenge(device_keypair(6), c), f.clock, {{"member", member}})["ok"],
            true);
  Json wrong = member;
  wrong["index"] = 5;
  Challenge c2 = f.issue(fleet.ids[6], f.clock);
  EXPECT_EQ(
      f.authenticate(c2, answer_challenge(device_keypair(6), c2), f.clock, {{"member", wrong}})["outcome"],
      "fleet_path_mismatch");
  f.commit(4, DeviceClaimFleetMember{id, 6, fleet.ids[6], fleet.keys[6], tree.path(6)});
  EXPECT_EQ(f.get("/v1/fleets/" + to_hex(id) + "/members/" + to_hex(fleet.ids[6])).second["member"]["mark"],
            "claimed");
  EXPECT_EQ(f.authenticate(c2, answer_challenge(device_keypair(6), c2), f.clock)["ok"], true);
}

// What both batch tests register: a fleet of 4 (member 2 answers by path) and devices 20–22.
struct BatchDevices {
  test::TestFleet fleet{4};
  MerkleTree tree{kFleetDomain, fleet.leaves};
  crypto::Hash32 fid = fleet_id(tree.root(), 4);
  explicit BatchDevices(Fixture& f) {
    f.commit(1, DeviceRegisterFleet{tree.root(), 4, addr(3), addr(2), {}});
    for (std::uint32_t d = 20; d < 23; ++d)
      f.commit(1, DeviceRegister{device_id(d), device_keypair(d).public_key(), addr(3), addr(2), {}});
  }
};

// Batches: one request issues many challenges, one answers many. Results come in request
// order with each answer's own outcome (a wrong key does not burn its nonce, a repeat is
// nonce_used); a malformed entry fails the whole request, naming its index, before any
// challenge is issued or any answer consumed.
TEST(DeviceApi, BatchesIssueAndAnswerManyChallenges) {
  Fixture f;
  const BatchDevices b(f);
  const std::uint64_t now = f.clock;

  Json requests = Json::array();
  for (std::uint32_t d = 20; d < 23; ++d)
    requests.push_back({{"id_hash", to_hex(device_id(d))}, {"purpose", "attach"}, {"verifier_id", "gnb-7"}});
  requests.push_back({{"id_hash", to_hex(b.fleet.ids[2])},
                      {"purpose", "attach"},
                      {"verifier_id", "gnb-7"},
                      {"ttl_ms", 1'000}});
  auto [cs, issued] = f.post("/v1/devices/challenge/batch", {{"challenges", requests}}, now);
  ASSERT_EQ(cs, 200) << issued;
  ASSERT_EQ(issued["challenges"].size(), 4u);
  std::vector<Challenge> c;
  for (const Json& e : issued["challenges"]) {
    auto decoded = decode_challenge(*from_hex(e["challenge"].get<std::string>()));
    ASSERT_TRUE(decoded);
    c.push_back(*decoded);
  }
  for (std::uint32_t i = 0; i < 3; ++i) EXPECT_EQ(c[i].id_hash, device_id(20 + i));
  EXPECT_EQ(c[0].expires_ms, now + api::kChallengeTtlMsDefault);
  EXPECT_EQ(c[3].expires_ms, now + 1'000);
  EXPECT_NE(c[0].nonce, c[1].nonce);

  auto answer = [](const Challenge& ch, const crypto::KeyPair& k) {
    return Json{{"challenge", to_hex(encode_challenge(ch))}, {"signature", to_hex(answer_challenge(k, ch))}};
  };
  Json path = Json::array();
  for (const auto& h : b.tree.path(2)) path.push_back(to_hex(h));
  Json member = answer(c[3], device_keypair(2));
  member["member"] = {
      {"fleet", to_hex(b.fid)}, {"index", 2}, {"public_key", to_hex(b.fleet.keys[2])}, {"path", path}};
  const Json answers = {answer(c[0], device_keypair(20)), answer(c[1], device_keypair(99)),
                        answer(c[2], device_keypair(22)), answer(c[0], device_keypair(20)), member};

  // A malformed entry: nothing is consumed, the error names it.
  Json broken = answers;
  broken[4]["signature"] = "00";
  auto [bs, bad] = f.post("/v1/devices/authenticate/batch", {{"answers", broken}}, now + 5);
  EXPECT_EQ(bs, 400);
  EXPECT_EQ(bad["error"]["message"].get<std::string>().rfind("answers[4]: ", 0), 0u) << bad;

  auto [as, out] = f.post("/v1/devices/authenticate/batch", {{"answers", answers}}, now + 5);
  ASSERT_EQ(as, 200) << out;
  EXPECT_EQ(out["height"], f.node->head().height);
  ASSERT_EQ(out["results"].size(), 5u);
  std::vector<std::string> outcomes;
  for (const Json& r : out["results"]) outcomes.push_back(r["outcome"]);
  EXPECT_EQ(outcomes, (std::vector<std::string>{"ok", "bad_signature", "ok", "nonce_used", "ok"}));
  EXPECT_EQ(out["results"][0]["ok"], true);
  EXPECT_EQ(out["results"][1]["ok"], false);
  // The wrong key did not burn c[1]'s nonce: the single route accepts the right answer.
  EXPECT_EQ(f.authenticate(c[1], answer_challenge(device_keypair(21), c[1]), now + 6)["ok"], true);
  // Replaying the whole batch: every answer already used.
  auto [rs, replay] = f.post("/v1/devices/authenticate/batch", {{"answers", answers}}, now + 7);
  ASSERT_EQ(rs, 200);
  for (std::size_t i : {0, 2, 3, 4}) EXPECT_EQ(replay["results"][i]["outcome"], "nonce_used") << i;

  // A malformed challenge request issues nothing and names its index; bounds are enforced.
  Json half = requests;
  half[2]["ttl_ms"] = 0;
  auto [hs, hj] = f.post("/v1/devices/challenge/batch", {{"challenges", half}}, now);
  EXPECT_EQ(hs, 400);
  EXPECT_EQ(hj["error"]["message"].get<std::string>().rfind("challenges[2]: ", 0), 0u) << hj;
  EXPECT_EQ(f.post("/v1/devices/challenge/batch", {{"challenges", Json::array()}}, now).first, 400);
  Json many = Json::array();
  for (std::size_t i = 0; i <= api::kDeviceBatchMax; ++i) many.push_back(requests[0]);
  EXPECT_EQ(f.post("/v1/devices/challenge/batch", {{"challenges", many}}, now).first, 400);
  many.erase(many.begin());
  auto [ms, mj] = f.post("/v1/devices/challenge/batch", {{"challenges", many}}, now);
  EXPECT_EQ(ms, 200);
  EXPECT_EQ(mj["challenges"].size(), api::kDeviceBatchMax);
  EXPECT_EQ(f.post("/v1/devices/authenticate/batch", {{"answers", "x"}}, now).first, 400);
}

// The binary batch bodies (api/json/device_octets.h) give the same answers as the JSON
// ones: challenges in request order, outcomes in answer order (a wrong key leaves its nonce
// open, a repeat is nonce_used, a fleet member proves its path), a malformed entry fails
// the request with its index before anything is consumed, and errors stay JSON.
TEST(DeviceApi, BinaryBatchesAnswerAsTheJsonOnesDo) {
  Fixture f;
  const BatchDevices b(f);
  const std::uint64_t now = f.clock;

  std::vector<api::ChallengeRequest> asks;
  for (std::uint32_t d = 20; d < 23; ++d) asks.push_back({device_id(d), "attach", "gnb-7", 20'000});
  asks.push_back({b.fleet.ids[2], "attach", "gnb-7", 1'000});
  const api::Response issued =
      f.post_octets("/v1/devices/challenge/batch", api::encode_challenge_asks(asks), now);
  ASSERT_EQ(issued.status, 200) << issued.body;
  EXPECT_EQ(issued.content_type, "application/octet-stream");
  auto c = api::decode_challenge_batch_octets(as_bytes(issued.body));
  ASSERT_TRUE(c);
  ASSERT_EQ(c->size(), 4u);
  for (std::uint32_t i = 0; i < 3; ++i) EXPECT_EQ((*c)[i].id_hash, device_id(20 + i));
  EXPECT_EQ((*c)[0].chain_id, f.genesis.chain_id);
  EXPECT_EQ((*c)[0].expires_ms, now + 20'000);
  EXPECT_EQ((*c)[3].expires_ms, now + 1'000);
  EXPECT_NE((*c)[0].nonce, (*c)[1].nonce);

  auto answer = [](const Challenge& ch, const crypto::KeyPair& k) {
    return api::AuthAnswer{ch, answer_challenge(k, ch), std::nullopt};
  };
  api::AuthAnswer member = answer((*c)[3], device_keypair(2));
  member.member.emplace(b.fid, MemberProof{2, b.fleet.keys[2], b.tree.path(2)});
  const std::vector<api::AuthAnswer> answers = {
      answer((*c)[0], device_keypair(20)), answer((*c)[1], device_keypair(99)),
      answer((*c)[2], device_keypair(22)), answer((*c)[0], device_keypair(20)), member};
  const Bytes body = api::encode_auth_answers(answers);

  // Cut inside the last answer's path: 400 naming it, nothing consumed.
  const Bytes cut(body.begin(), body.end() - 5);
  const api::Response broken = f.post_octets("/v1/devices/authenticate/batch", cut, now + 5);
  EXPECT_EQ(broken.status, 400);
  EXPECT_EQ(broken.content_type, "application/json");
  EXPECT_EQ(Json::parse(broken.body)["error"]["message"].get<std::string>().rfind("answers[4]: ", 0), 0u)
      << broken.body;

  const api::Response out = f.post_octets("/v1/devices/authenticate/batch", body, now + 5);
  ASSERT_EQ(out.status, 200) << out.body;
  auto results = api::decode_auth_results_octets(as_bytes(out.body));
  ASSERT_TRUE(results);
  EXPECT_EQ(results->height, f.node->head().height);
  EXPECT_EQ(results->outcomes,
            (std::vector<AuthOutcome>{AuthOutcome::kOk, AuthOutcome::kBadSignature, AuthOutcome::kOk,
                                      AuthOutcome::kNonceUsed, AuthOutcome::kOk}));
  // c[1]'s nonce is still open for the right key, in either form.
  EXPECT_EQ(f.authenticate((*c)[1], answer_challenge(device_keypair(21), (*c)[1]), now + 6)["ok"], true);
  auto replay = api::decode_auth_results_octets(
      as_bytes(f.post_octets("/v1/devices/authenticate/batch", body, now + 7).body));
  ASSERT_TRUE(replay);
  for (std::size_t i : {0, 2, 3, 4}) EXPECT_EQ(replay->outcomes[i], AuthOutcome::kNonceUsed) << i;

  // A bad ask issues nothing; the single routes do not take the binary form.
  asks[2].ttl_ms = 0;
  const api::Response zero =
      f.post_octets("/v1/devices/challenge/batch", api::encode_challenge_asks(asks), now);
  EXPECT_EQ(zero.status, 400);
  EXPECT_EQ(Json::parse(zero.body)["error"]["message"].get<std::string>().rfind("challenges[2]: ", 0), 0u);
  EXPECT_EQ(f.post_octets("/v1/devices/challenge", api::encode_challenge_asks(asks), now).status, 415);
  EXPECT_EQ(f.post_octets("/v1/devices/authenticate", body, now).status, 415);
}

TEST(DeviceApi, AnchoredReadingVerifies) {
  Fixture f;
  const crypto::KeyPair dk = device_keypair(7);
  f.commit(1, DeviceRegister{device_id(7), dk.public_key(), addr(3), addr(2), {}});
  std::vector<Reading> readings;
  std::vector<crypto::Signature> sigs;
  std::vector<crypto::Hash32> leaves;
  for (std::uint64_t s = 1; s <= 4; ++s) {
    readings.push_back(
        {device_id(7), f.genesis.genesis_time_ms + s, s, 0, Bytes{0x10, static_cast<std::uint8_t>(s)}});
    sigs.push_back(sign_reading(dk, f.genesis.chain_id, readings.back()));
    leaves.push_back(reading_leaf(f.genesis.chain_id, readings.back(), sigs.back()));
  }
  const MerkleTree tree(kReadingDomain, leaves);
  f.commit(2, DeviceAnchor{tree.root(), 4, {{device_id(7), 1, 4}}});
  f.commit(2, DeviceAnchor{crypto::Hash32{9}, 1, {{device_id(7), 2, 2}}},
           chain::ResultCode::kReadingSeqStale);
  auto body = [&](std::uint64_t i, std::uint64_t index) {
    Json path = Json::array();
    for (const auto& h : tree.path(index)) path.push_back(to_hex(h));
    return Json{{"reading",
                 {{"id_hash", to_hex(readings[i].id_hash)},
                  {"time_ms", readings[i].time_ms},
                  {"seq", readings[i].seq},
                  {"key_version", 0},
                  {"value", to_hex(readings[i].value)}}},
                {"signature", to_hex(sigs[i])},
                {"root", to_hex(tree.root())},
                {"index", index},
                {"path", path}};
  };
  auto [s1, ok] = f.post("/v1/readings/verify", body(2, 2), f.clock);
  ASSERT_EQ(s1, 200) << ok;
  EXPECT_EQ(ok["ok"], true) << ok;
  EXPECT_EQ(ok["batch"]["count"], 4);
  EXPECT_EQ(f.post("/v1/readings/verify", body(2, 1), f.clock).second["outcome"], "not_in_batch");
  auto [s3, bad] = f.post("/v1/readings/verify", {{"reading", 1}}, f.clock);
  EXPECT_EQ(s3, 400) << bad;
}

// The explorer's device view: every key version with its own proof, newest first, and the
// record's proof link.
TEST(DeviceApi, KeyHistoryListsEveryVersionWithItsProof) {
  Fixture f;
  const crypto::KeyPair k0 = device_keypair(7), k1 = device_keypair(8), k2 = device_keypair(9);
  f.commit(1, DeviceRegister{device_id(7), k0.public_key(), addr(1), addr(2), {}});
  f.commit(1, DeviceRotateKey{device_id(7), k1.public_key(), std::nullopt});
  f.commit(1, DeviceRotateKey{device_id(7), k2.public_key(), std::nullopt});
  const std::string base = "/v1/devices/" + to_hex(device_id(7));

  auto [s, keys] = f.get(base + "/keys");
  ASSERT_EQ(s, 200) << keys;
  EXPECT_EQ(keys["key_version"], 2);
  EXPECT_EQ(keys["total"], 3);
  EXPECT_EQ(keys["height"], f.node->head().height);
  ASSERT_EQ(keys["entries"].size(), 3u);
  const crypto::PublicKey expected[] = {k2.public_key(), k1.public_key(), k0.public_key()};
  for (std::size_t i = 0; i < 3; ++i) {
    const Json& e = keys["entries"][i];
    EXPECT_EQ(e["version"], 2 - i);
    EXPECT_EQ(e["public_key"], to_hex(expected[i]));
    EXPECT_EQ(e["current"], i == 0);
    EXPECT_EQ(e["state_key"], to_hex(key_version_key(device_id(7), static_cast<std::uint32_t>(2 - i))));
    auto [ps, proof] = f.get(e["proof"].get<std::string>());
    ASSERT_EQ(ps, 200) << proof;
    EXPECT_EQ(proof["value"], to_hex(expected[i])) << "the proven value is that version's key";
  }

  auto [s1, page] = f.get(base + "/keys?limit=1&before=2");
  ASSERT_EQ(s1, 200) << page;
  ASSERT_EQ(page["entries"].size(), 1u);
  EXPECT_EQ(page["entries"][0]["version"], 1);
  EXPECT_TRUE(f.get(base + "/keys?before=0").second["entries"].empty());
  EXPECT_EQ(f.get(base + "/keys?limit=0").first, 400);
  EXPECT_EQ(f.get(base + "/keys?limit=101").first, 400);
  EXPECT_EQ(f.get("/v1/devices/" + to_hex(device_id(1)) + "/keys").first, 404);

  // The record names its state key and links its proof at the height it was read at.
  auto [ds, device] = f.get(base);
  ASSERT_EQ(ds, 200) << device;
  EXPECT_EQ(device["state_key"], to_hex(device_key(device_id(7))));
  EXPECT_EQ(device["proof"], base + "/proof?height=" + std::to_string(f.node->head().height));
  auto [ps, proof] = f.get(device["proof"].get<std::string>());
  ASSERT_EQ(ps, 200) << proof;
  EXPECT_EQ(proof["device"]["key_version"], 2);
}

TEST(DeviceApi, ErrorsSayWhy) {
  Fixture f;
  EXPECT_EQ(f.get("/v1/devices/" + to_hex(device_id(1))).first, 404);
  EXPECT_EQ(f.get("/v1/devices/xyz").first, 400);
  EXPECT_EQ(f.get("/v1/fleets/" + to_hex(device_id(1))).first, 404);
  EXPECT_EQ(f.get("/v1/devices/challenge").first, 405);
  auto [zs, zj] =
      f.post("/v1/devices/challenge",
             {{"id_hash", std::string(64, '0')}, {"purpose", "attach"}, {"verifier_id", "gnb-7"}}, f.clock);
  EXPECT_EQ(zs, 400);
  EXPECT_EQ(zj["error"]["message"], api::kZeroDeviceId);
  auto [s, j] = f.post("/v1/devices/challenge", {{"id_hash", "00"}}, f.clock);
  EXPECT_EQ(s, 400);
  EXPECT_FALSE(j.dump().empty());
  auto [s2, j2] = f.post("/v1/devices/authenticate",
                         {{"challenge", "abcd"}, {"signature", std::string(128, '0')}}, f.clock);
  EXPECT_EQ(s2, 400) << j2;
  const api::Response r = api::handle_device_post(*f.ctx, "/v1/devices/challenge", "", "not json", f.clock);
  EXPECT_EQ(r.status, 400);
}

}  // namespace
}  // namespace telco
