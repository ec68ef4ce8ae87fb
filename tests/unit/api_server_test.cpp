// The HTTP/WebSocket server on an ephemeral port, driven by real Beast clients, over an
// in-memory chain that stands in for the node (real transactions, signatures and blocks).
#include <gtest/gtest.h>
#include <spdlog/spdlog.h>

#include <condition_variable>
#include <filesystem>
#include <fstream>
#include <future>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>

#include "api/backend.h"
#include "api/beast.h"
#include "api/event_hub.h"
#include "api/http_server.h"
#include "api/json/tx_json.h"
#include "api/static_files.h"
#include "chain/genesis.h"
#include "modules/bank/transfer.h"
#include "modules/registry.h"
#include "util/hex.h"

namespace telco::api {
namespace {

using Json = nlohmann::json;
using chain::ResultCode;
namespace fs = std::filesystem;

crypto::KeyPair key(std::uint8_t n) {
  crypto::Seed seed{};
  seed.fill(n);
  return crypto::KeyPair::from_seed(seed);
}

crypto::Address address_of(std::uint8_t n) { return crypto::Address::from_public_key(key(n).public_key()); }

chain::Transaction transfer(std::uint8_t from, std::uint64_t nonce, std::uint64_t amount = 1'000'000) {
  modules::bank::Transfer t;
  t.to = address_of(2);
  t.amount = amount;
  chain::Transaction tx;
  tx.chain_id = "telco-test";
  tx.nonce = nonce;
  tx.fee = 1'000;
  tx.payload = t.to_payload();
  tx.sign(key(from));
  return tx;
}

// ---- the node's stand-in ---------------------------------------------------------------

// A single-validator chain in memory: a mempool checked like the node's (signature, chain
// id, fee, payload, nonce), blocks produced on demand, signed commits, and block events
// delivered on the caller's thread as the node's committing thread would.
class TestChain final : public Backend {
 public:
  TestChain() {
    genesis_.chain_id = "telco-test";
    genesis_.genesis_time_ms = 1'700'000'000'000;
    genesis_.validators = {{"alpha", key(9).public_key(), 10}};
    genesis_.accounts = {{address_of(1), 100'000'000}};
    chain::validate(genesis_);
    for (const auto& a : genesis_.accounts) balances_[a.address] = a.balance;
  }

  const chain::Genesis& genesis() const override { return genesis_; }
  crypto::Hash32 genesis_hash() const override { return genesis_.hash(); }
  ChainHead head() const override {
    std::lock_guard lock(mutex_);
    if (blocks_.empty()) return {};
    const BlockData& b = blocks_.back();
    return {b.block.header.height, b.hash, b.block.header.time_ms, b.block.header.state_root};
  }
  MempoolStats mempool_stats() const override {
    std::lock_guard lock(mutex_);
    return {pending_.size(), pending_.size() * 200, 10'000, 1 << 20};
  }

  std::vector<SubmitResult> submit(std::vector<chain::Transaction> txs) override {
    {
      std::unique_lock lock(gate_mutex_);
      ++submits_waiting_;
      gate_cv_.notify_all();
      gate_cv_.wait(lock, [this] { return gate_open_; });
      --submits_waiting_;
    }
    std::lock_guard lock(mutex_);
    std::vector<SubmitResult> out;
    for (auto& tx : txs) out.push_back({tx.hash(), admit(std::move(tx))});
    return out;
  }

  TxStatus tx_status(const crypto::Hash32& hash) const override {
    std::lock_guard lock(mutex_);
    TxStatus s;
    for (const auto& tx : pending_) {
      if (tx.hash() == hash) {
        s.state = TxState::kPending;
        s.tx = tx;
        return s;
      }
    }
    for (const BlockData& b : blocks_) {
      for (std::uint32_t i = 0; i < b.block.txs.size(); ++i) {
        if (b.block.txs[i].hash() != hash) continue;
        s.state = TxState::kFinalized;
        s.tx = b.block.txs[i];
        s.location = TxLocation{b.block.header.height, i};
        s.receipt = b.receipts[i];
        s.block_hash = b.hash;
        s.block_time_ms = b.block.header.time_ms;
      }
    }
    return s;
  }

  std::optional<BlockData> block_at(std::uint64_t height) const override {
    std::lock_guard lock(mutex_);
    if (height == 0 || height > blocks_.size()) return std::nullopt;
    return blocks_[height - 1];
  }
  std::optional<std::uint64_t> height_of(const crypto::Hash32& block_hash) const override {
    std::lock_guard lock(mutex_);
    for (const BlockData& b : blocks_) {
      if (b.hash == block_hash) return b.block.header.height;
    }
    return std::nullopt;
  }
  AccountInfo account(const crypto::Address& a) const override {
    std::lock_guard lock(mutex_);
    AccountInfo info;
    info.balance = balance(a);
    info.nonce = nonce(a);
    info.pending_txs = static_cast<std::uint32_t>(pending_count(a));
    info.pending_nonce = info.nonce + info.pending_txs;
    return info;
  }
  std::vector<std::pair<TxLocation, crypto::Hash32>> account_txs(
      const crypto::Address& a, std::size_t limit, std::optional<std::uint64_t> before) const override {
    std::lock_guard lock(mutex_);
    std::vector<std::pair<TxLocation, crypto::Hash32>> out;
    for (auto b = blocks_.rbegin(); b != blocks_.rend() && out.size() < limit; ++b) {
      if (before && b->block.header.height >= *before) continue;
      for (std::uint32_t i = 0; i < b->block.txs.size() && out.size() < limit; ++i) {
        const auto& tx = b->block.txs[i];
        auto to = modules::bank::Transfer::decode(tx.payload);
        if (tx.sender_address() == a || (to && to->to == a))
          out.push_back({{b->block.header.height, i}, tx.hash()});
      }
    }
    return out;
  }

  std::uint64_t subscribe(std::function<void(const BlockEvent&)> on_block) override {
    std::lock_guard lock(mutex_);
    subscribers_[++next_subscription_] = std::move(on_block);
    return next_subscription_;
  }
  void unsubscribe(std::uint64_t id) override {
    std::lock_guard lock(mutex_);
    subscribers_.erase(id);
  }

  // Commits every pending transaction as the next block; returns it.
  BlockData produce_block() {
    std::vector<std::function<void(const BlockEvent&)>> subscribers;
    auto data = std::make_shared<BlockData>();
    {
      std::lock_guard lock(mutex_);
      data->block.txs = std::move(pending_);
      pending_.clear();
      for (const auto& tx : data->block.txs) data->receipts.push_back(apply(tx));
      chain::BlockHeader& h = data->block.header;
      h.chain_id = genesis_.chain_id;
      h.height = blocks_.size() + 1;
      h.time_ms = genesis_.genesis_time_ms + h.height * 1000;
      h.prev_hash = blocks_.empty() ? crypto::Hash32{} : blocks_.back().hash;
      h.tx_root = chain::tx_root(data->block.txs);
      h.tx_count = static_cast<std::uint32_t>(data->block.txs.size());
      h.receipts_root = chain::receipts_root(data->receipts);
      h.validators_hash = genesis_.validators_hash();
      h.proposer = address_of(9);
      data->hash = h.hash();
      data->commit.height = h.height;
      data->commit.block_hash = data->hash;
      const Bytes vote =
          chain::vote_signing_bytes(h.chain_id, chain::kVotePrecommit, h.height, 0, data->hash, h.time_ms);
      data->commit.signatures = {{key(9).public_key(), h.time_ms, key(9).sign(vote)}};
      blocks_.push_back(*data);
      for (const auto& [id, f] : subscribers_) subscribers.push_back(f);
    }
    for (const auto& f : subscribers) f(BlockEvent{data});
    return *data;
  }

  // Makes submit() block until open_gate(), to show a slow node does not stall queries.
  void close_gate() {
    std::lock_guard lock(gate_mutex_);
    gate_open_ = false;
  }
  void open_gate() {
    std::lock_guard lock(gate_mutex_);
    gate_open_ = true;
    gate_cv_.notify_all();
  }
  void wait_for_blocked_submits(int n) {
    std::unique_lock lock(gate_mutex_);
    gate_cv_.wait(lock, [&] { return submits_waiting_ >= n; });
  }
  std::size_t subscriber_count() const {
    std::lock_guard lock(mutex_);
    return subscribers_.size();
  }

 private:
  std::uint64_t balance(const crypto::Address& a) const {
    auto it = balances_.find(a);
    return it == balances_.end() ? 0 : it->second;
  }
  std::uint64_t nonce(const crypto::Address& a) const {
    auto it = nonces_.find(a);
    return it == nonces_.end() ? 0 : it->second;
  }
  std::size_t pending_count(const crypto::Address& a) const {
    return std::count_if(pending_.begin(), pending_.end(),
                         [&](const auto& tx) { return tx.sender_address() == a; });
  }

  ResultCode admit(chain::Transaction tx) {
    if (tx.chain_id != genesis_.chain_id) return ResultCode::kWrongChainId;
    if (!tx.verify_signature()) return ResultCode::kBadSignature;
    if (tx.fee < genesis_.params.min_fee) return ResultCode::kFeeBelowMinimum;
    const modules::PayloadHandler* h = modules::find_handler(tx.payload.type);
    if (!h) return ResultCode::kUnknownPayloadType;
    if (ResultCode c = h->check(tx.payload); c != ResultCode::kOk) return c;
    const crypto::Address from = tx.sender_address();
    const std::uint64_t expected = nonce(from) + pending_count(from);
    if (tx.nonce < expected) return ResultCode::kNonceTooLow;
    if (tx.nonce > expected) return ResultCode::kNonceTooHigh;
    pending_.push_back(std::move(tx));
    return ResultCode::kOk;
  }

  chain::Receipt apply(const chain::Transaction& tx) {
    const crypto::Address from = tx.sender_address();
    balances_[from] -= std::min(balances_[from], tx.fee);
    nonces_[from] = tx.nonce + 1;
    auto t = modules::bank::Transfer::decode(tx.payload);
    if (!t || balances_[from] < t->amount) return {ResultCode::kInsufficientFunds, tx.fee};
    balances_[from] -= t->amount;
    balances_[t->to] += t->amount;
    return {ResultCode::kOk, tx.fee};
  }

  chain::Genesis genesis_;
  mutable std::mutex mutex_;
  std::vector<chain::Transaction> pending_;
  std::vector<BlockData> blocks_;
  std::map<crypto::Address, std::uint64_t> balances_;
  std::map<crypto::Address, std::uint64_t> nonces_;
  std::map<std::uint64_t, std::function<void(const BlockEvent&)>> subscribers_;
  std::uint64_t next_subscription_ = 0;

  std::mutex gate_mutex_;
  std::condition_variable gate_cv_;
  bool gate_open_ = true;
  int submits_waiting_ = 0;
};

// ---- clients ----------------------------------------------------------------------------

// Every client operation is asynchronous with a deadline (tcp_stream's expiry) and run to
// completion on the client's own io_context, so a server bug fails a test instead of
// hanging it.
constexpr auto kClientDeadline = std::chrono::seconds(10);

template <typename Start>
beast::error_code run_op(asio::io_context& ioc, beast::tcp_stream& stream, Start start) {
  beast::error_code result = asio::error::timed_out;
  stream.expires_after(kClientDeadline);
  start([&result](beast::error_code ec, auto&&...) { result = ec; });
  ioc.restart();
  ioc.run();
  return result;
}

struct Reply {
  unsigned status = 0;
  std::string body;
  http::fields headers;
  Json json() const { return Json::parse(body); }
  std::string header(http::field f) const { return std::string(headers[f]); }
};

class Client {
 public:
  explicit Client(std::uint16_t port) : stream_(ioc_) {
    stream_.connect(tcp::endpoint{asio::ip::make_address("127.0.0.1"), port});
  }

  Reply request(http::verb verb, const std::string& target, const std::string& body = {},
                const std::string& content_type = {}) {
    http::request<http::string_body> req{verb, target, 11};
    req.set(http::field::host, "127.0.0.1");
    if (!content_type.empty()) req.set(http::field::content_type, content_type);
    req.body() = body;
    req.keep_alive(true);
    if (verb == http::verb::post || !body.empty()) req.prepare_payload();
    const beast::error_code ec =
        run_op(ioc_, stream_, [&](auto handler) { http::async_write(stream_, req, std::move(handler)); });
    // A write cut short by a server that answered early (413) is fine: read the answer.
    if (ec && ec != asio::error::broken_pipe && ec != asio::error::connection_reset) {
      ADD_FAILURE() << "write failed: " << ec.message();
      return {};
    }
    return read(verb == http::verb::head);
  }

  Reply read(bool head = false) {
    http::response_parser<http::string_body> parser;
    parser.body_limit(64 * 1024 * 1024);
    parser.skip(head);
    const beast::error_code ec = run_op(
        ioc_, stream_, [&](auto handler) { http::async_read(stream_, buffer_, parser, std::move(handler)); });
    if (ec) {
      ADD_FAILURE() << "read failed: " << ec.message();
      return {};
    }
    Reply r;
    r.status = parser.get().result_int();
    r.body = parser.get().body();
    r.headers = parser.get().base();
    return r;
  }

  // Writes raw bytes and reads until the server closes (or the deadline).
  std::string raw(const std::string& bytes) {
    run_op(ioc_, stream_,
           [&](auto handler) { asio::async_write(stream_, asio::buffer(bytes), std::move(handler)); });
    std::string out;
    std::array<char, 4096> chunk;
    for (;;) {
      std::size_t n = 0;
      const beast::error_code ec = run_op(ioc_, stream_, [&](auto handler) {
        stream_.async_read_some(asio::buffer(chunk), [&n, handler = std::move(handler)](
                                                         beast::error_code e, std::size_t got) mutable {
          n = got;
          handler(e, got);
        });
      });
      out.append(chunk.data(), n);
      if (ec) break;
    }
    return out;
  }

  bool closed_by_server() {
    std::array<char, 16> chunk;
    const beast::error_code ec = run_op(ioc_, stream_, [&](auto handler) {
      stream_.async_read_some(asio::buffer(chunk), std::move(handler));
    });
    return ec == asio::error::eof || ec == asio::error::connection_reset;
  }

 private:
  asio::io_context ioc_;
  beast::tcp_stream stream_;
  beast::flat_buffer buffer_;
};

class EventsClient {
 public:
  explicit EventsClient(std::uint16_t port) : ws_(ioc_) {
    beast::get_lowest_layer(ws_).connect(tcp::endpoint{asio::ip::make_address("127.0.0.1"), port});
    const beast::error_code ec = run_op(ioc_, beast::get_lowest_layer(ws_), [&](auto handler) {
      ws_.async_handshake("127.0.0.1:" + std::to_string(port), "/v1/events", std::move(handler));
    });
    EXPECT_FALSE(ec) << ec.message();
  }
  Json next() {
    beast::flat_buffer buffer;
    const beast::error_code ec = read(buffer);
    if (ec) {
      ADD_FAILURE() << "WebSocket read failed: " << ec.message();
      return {};
    }
    return Json::parse(beast::buffers_to_string(buffer.data()));
  }
  // The error that ends the stream (a close, a reset), or success if a message came instead.
  beast::error_code read_error() {
    beast::flat_buffer buffer;
    return read(buffer);
  }
  websocket::close_reason reason() const { return ws_.reason(); }

 private:
  beast::error_code read(beast::flat_buffer& buffer) {
    return run_op(ioc_, beast::get_lowest_layer(ws_),
                  [&](auto handler) { ws_.async_read(buffer, std::move(handler)); });
  }
  asio::io_context ioc_;
  websocket::stream<beast::tcp_stream> ws_;
};

// ---- fixture ----------------------------------------------------------------------------

class ApiServer : public ::testing::Test {
 protected:
  void start(HttpServerConfig config = {}) {
    config.port = 0;
    config.openapi_path = fs::path(TELCO_SOURCE_DIR) / "docs" / "openapi.yaml";
    server_ = std::make_unique<HttpServer>(config, chain_);
    server_->start();
    port_ = server_->port();
    ASSERT_NE(port_, 0);
  }
  Reply get(const std::string& target) { return Client(port_).request(http::verb::get, target); }
  Reply post(const std::string& body, const std::string& type = "application/json") {
    return Client(port_).request(http::verb::post, "/v1/txs", body, type);
  }

  TestChain chain_;
  std::unique_ptr<HttpServer> server_;
  std::uint16_t port_ = 0;
};

// ---- tests ------------------------------------------------------------------------------

TEST_F(ApiServer, StatusGenesisValidators) {
  start();
  const Reply r = get("/v1/status");
  ASSERT_EQ(r.status, 200u);
  EXPECT_EQ(r.header(http::field::content_type), "application/json");
  const Json j = r.json();
  EXPECT_EQ(j["chain_id"], "telco-test");
  EXPECT_EQ(j["genesis_hash"], crypto::to_hex(chain_.genesis_hash()));
  EXPECT_EQ(j["head"]["height"], 0);
  EXPECT_EQ(j["params"]["min_fee"], "1000");
  EXPECT_EQ(j["validators"], 1);
  EXPECT_EQ(j["node_version"], "0.1.0");

  const Json g = get("/v1/genesis").json();
  EXPECT_EQ(chain::parse_genesis_json(g.dump()), chain_.genesis());
  const Json v = get("/v1/validators").json();
  EXPECT_EQ(v["validators"][0]["name"], "alpha");
  EXPECT_EQ(v["total_power"], 10);
}

TEST_F(ApiServer, SubmitThenFollowTheTransactionIntoABlock) {
  start();
  const chain::Transaction tx = transfer(1, 0);
  Reply r = post(Json{{"tx", to_hex(tx.encode())}}.dump());
  ASSERT_EQ(r.status, 200u) << r.body;
  Json j = r.json();
  EXPECT_EQ(j["accepted"], 1);
  EXPECT_EQ(j["rejected"], 0);
  EXPECT_EQ(j["results"][0]["hash"], crypto::to_hex(tx.hash()));
  EXPECT_EQ(j["results"][0]["accepted"], true);

  const std::string tx_path = "/v1/txs/" + crypto::to_hex(tx.hash());
  j = get(tx_path).json();
  EXPECT_EQ(j["status"], "pending");
  EXPECT_EQ(j["tx"]["nonce"], 0);
  EXPECT_EQ(get("/v1/accounts/" + address_of(1).to_string()).json()["pending_nonce"], 1);

  const BlockData block = chain_.produce_block();
  j = get(tx_path).json();
  EXPECT_EQ(j["status"], "finalized");
  EXPECT_EQ(j["height"], 1);
  EXPECT_EQ(j["index"], 0);
  EXPECT_EQ(j["block_hash"], crypto::to_hex(block.hash));
  EXPECT_EQ(j["result"]["name"], "ok");
  EXPECT_EQ(j["result"]["fee_charged"], "1000");

  for (const std::string& id : {std::string("latest"), std::string("1"), crypto::to_hex(block.hash)}) {
    r = get("/v1/blocks/" + id);
    ASSERT_EQ(r.status, 200u) << id;
    j = r.json();
    EXPECT_EQ(j["height"], 1);
    EXPECT_EQ(j["hash"], crypto::to_hex(block.hash));
    EXPECT_EQ(j["txs"][0]["hash"], crypto::to_hex(tx.hash()));
    EXPECT_EQ(j["commit"]["signatures"][0]["name"], "alpha");
  }
  chain_.produce_block();
  j = get("/v1/blocks?limit=5").json();
  ASSERT_EQ(j["blocks"].size(), 2u);
  EXPECT_EQ(j["blocks"][0]["height"], 2);
  EXPECT_EQ(j["blocks"][1]["height"], 1);
  j = get("/v1/blocks?before=2&_=cachebuster").json();
  ASSERT_EQ(j["blocks"].size(), 1u);
  EXPECT_EQ(j["blocks"][0]["tx_count"], 1);

  j = get("/v1/accounts/" + address_of(2).to_string()).json();
  EXPECT_EQ(j["balance"], "1000000");
  EXPECT_EQ(j["balance_tel"], "1");
  j = get("/v1/accounts/" + address_of(1).to_string() + "/txs?limit=10").json();
  ASSERT_EQ(j["txs"].size(), 1u);
  EXPECT_EQ(j["txs"][0]["hash"], crypto::to_hex(tx.hash()));
  EXPECT_EQ(get("/v1/status").json()["head"]["height"], 2);
}

TEST_F(ApiServer, SubmitFormsAndPerItemVerdicts) {
  start();
  // Transaction objects, with one bad signature and one undecodable item.
  chain::Transaction forged = transfer(1, 1);
  forged.signature[0] ^= 1;
  Json list = Json::array({tx_to_json(transfer(1, 0)), tx_to_json(forged), "zz"});
  Reply r = post(Json{{"txs", list}}.dump());
  ASSERT_EQ(r.status, 200u) << r.body;
  Json j = r.json();
  EXPECT_EQ(j["accepted"], 1);
  EXPECT_EQ(j["rejected"], 2);
  EXPECT_EQ(j["results"][1]["name"], "bad_signature");
  EXPECT_EQ(j["results"][1]["code"], 101);
  EXPECT_EQ(j["results"][2]["name"], "malformed_encoding");
  EXPECT_EQ(j["results"][2]["hash"], "");

  // The load generator's canonical list.
  codec::Writer w;
  w.count(3);
  for (std::uint64_t n = 1; n <= 3; ++n) chain::encode(w, transfer(1, n));
  r = post(to_string(w.data()), "application/octet-stream");
  ASSERT_EQ(r.status, 200u) << r.body;
  EXPECT_EQ(r.json()["accepted"], 3);
  EXPECT_EQ(chain_.mempool_stats().txs, 4u);
}

TEST_F(ApiServer, ErrorsFollowTheContract) {
  HttpServerConfig cfg;
  cfg.body_bytes_max = 64 * 1024;
  start(cfg);
  const auto expect_error = [](const Reply& r, unsigned status, const std::string& code) {
    EXPECT_EQ(r.status, status) << r.body;
    const Json j = Json::parse(r.body, nullptr, false);
    ASSERT_TRUE(j.is_object()) << r.body;
    EXPECT_EQ(j["error"]["code"], code) << r.body;
    EXPECT_FALSE(j["error"]["message"].get<std::string>().empty());
  };
  expect_error(get("/v1/nope"), 404, "not_found");
  expect_error(get("/v1/status/"), 404, "not_found");
  expect_error(get("/index.html"), 404, "not_found");  // no static root configured
  const Reply unknown_tx = get("/v1/txs/" + std::string(64, '0'));
  expect_error(unknown_tx, 404, "not_found");
  EXPECT_EQ(unknown_tx.json()["status"], "unknown");
  expect_error(get("/v1/txs/xyz"), 400, "bad_request");
  expect_error(get("/v1/blocks/latest"), 404, "not_found");  // nothing committed yet
  expect_error(get("/v1/blocks/99"), 404, "not_found");
  expect_error(get("/v1/blocks/-1"), 400, "bad_request");
  expect_error(get("/v1/blocks?limit=0"), 400, "bad_request");
  expect_error(get("/v1/blocks?limit=101"), 400, "bad_request");
  expect_error(get("/v1/blocks?before=x"), 400, "bad_request");
  expect_error(get("/v1/accounts/tc1notanaddress"), 400, "bad_request");
  expect_error(get("/v1/events"), 400, "bad_request");  // not an upgrade

  Reply r = Client(port_).request(http::verb::delete_, "/v1/status");
  expect_error(r, 405, "method_not_allowed");
  EXPECT_EQ(r.header(http::field::allow), "GET, HEAD");
  r = Client(port_).request(http::verb::delete_, "/v1/txs");
  expect_error(r, 405, "method_not_allowed");
  EXPECT_EQ(r.header(http::field::allow), "GET, HEAD, POST");
  expect_error(Client(port_).request(http::verb::post, "/v1/status", "{}", "application/json"), 405,
               "method_not_allowed");

  expect_error(post("{\"tx\":", "application/json"), 400, "invalid_json");
  expect_error(post("{\"tx\":\"00\"}", "text/plain"), 415, "unsupported_media_type");
  expect_error(post("{\"txs\":[]}"), 400, "bad_request");
  expect_error(post(std::string(4, '\0'), "application/octet-stream"), 400, "bad_request");
  expect_error(post("\x01\x00\x00\x00junk", "application/octet-stream"), 400, "invalid_tx");

  // A body over the limit, sent whole: answered 413, not a reset.
  expect_error(post(std::string(100 * 1024, ' ')), 413, "body_too_large");

  // Announced over the limit: answered from the header alone.
  std::string reply = Client(port_).raw(
      "POST /v1/txs HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: "
      "100000000\r\n\r\n");
  EXPECT_NE(reply.find("HTTP/1.1 413"), std::string::npos) << reply;
  EXPECT_NE(reply.find("body_too_large"), std::string::npos);

  reply = Client(port_).raw(
      "POST /v1/txs HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nConnection: close\r\n\r\n");
  EXPECT_NE(reply.find("HTTP/1.1 411"), std::string::npos) << reply;
  EXPECT_NE(reply.find("length_required"), std::string::npos);

  reply = Client(port_).raw("GARBAGE\r\n\r\n");
  EXPECT_NE(reply.find("HTTP/1.1 400"), std::string::npos) << reply;

  // Expect: 100-continue gets its interim response, then the answer.
  const std::string body = Json{{"tx", to_hex(transfer(1, 0).encode())}}.dump();
  reply = Client(port_).raw(
      "POST /v1/txs HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nConnection: close\r\n"
      "Expect: 100-continue\r\nContent-Length: " +
      std::to_string(body.size()) + "\r\n\r\n" + body);
  EXPECT_EQ(reply.rfind("HTTP/1.1 100 Continue\r\n", 0), 0u) << reply;
  EXPECT_NE(reply.find("HTTP/1.1 200"), std::string::npos) << reply;
}

TEST_F(ApiServer, KeepAliveAndHead) {
  start();
  Client c(port_);
  for (int i = 0; i < 5; ++i) EXPECT_EQ(c.request(http::verb::get, "/v1/status").status, 200u);
  const Reply head = c.request(http::verb::head, "/v1/status");
  EXPECT_EQ(head.status, 200u);
  EXPECT_TRUE(head.body.empty());
  EXPECT_GT(std::stoul(head.header(http::field::content_length)), 10u);
  EXPECT_EQ(c.request(http::verb::get, "/v1/validators").status, 200u);
  const Reply sub = c.request(http::verb::post, "/v1/txs",
                              Json{{"tx", to_hex(transfer(1, 0).encode())}}.dump(), "application/json");
  EXPECT_EQ(sub.json()["accepted"], 1);
  EXPECT_EQ(c.request(http::verb::get, "/v1/status").json()["mempool"]["txs"], 1);
}

TEST_F(ApiServer, OpenApiDocument) {
  start();
  const Reply r = get("/openapi.yaml");
  ASSERT_EQ(r.status, 200u);
  EXPECT_EQ(r.header(http::field::content_type), "application/yaml");
  EXPECT_EQ(r.body.rfind("openapi: 3.0", 0), 0u);
}

TEST_F(ApiServer, WebSocketReceivesEachBlock) {
  start();
  EventsClient events(port_);
  const chain::Transaction tx = transfer(1, 0);
  ASSERT_EQ(post(Json{{"tx", to_hex(tx.encode())}}.dump()).json()["accepted"], 1);
  const BlockData b1 = chain_.produce_block();
  Json m = events.next();
  EXPECT_EQ(m["type"], "block");
  EXPECT_EQ(m["block"]["height"], 1);
  EXPECT_EQ(m["block"]["hash"], crypto::to_hex(b1.hash));
  EXPECT_EQ(m["block"]["tx_count"], 1);
  EXPECT_EQ(m["block"]["txs"][0]["hash"], crypto::to_hex(tx.hash()));
  EXPECT_EQ(m["block"]["txs"][0]["from"], address_of(1).to_string());
  EXPECT_EQ(m["block"]["txs"][0]["result"]["name"], "ok");

  EventsClient second(port_);
  for (int i = 0; i < 5; ++i) chain_.produce_block();
  for (std::uint64_t h = 2; h <= 6; ++h) {
    EXPECT_EQ(events.next()["block"]["height"], h);  // in order, none missing
    EXPECT_EQ(second.next()["block"]["height"], h);
  }
}

TEST_F(ApiServer, SlowWebSocketClientIsDisconnected) {
  HttpServerConfig cfg;
  cfg.ws_queue_bytes_max = 64;  // smaller than one block message
  start(cfg);
  EventsClient events(port_);
  chain_.produce_block();
  EXPECT_TRUE(events.read_error());
  EXPECT_EQ(get("/v1/status").status, 200u);  // the server itself is fine
}

TEST_F(ApiServer, SlowSubmitDoesNotStallQueriesAndInFlightIsBounded) {
  HttpServerConfig cfg;
  cfg.submit_threads = 2;
  cfg.submits_in_flight_max = 2;
  start(cfg);
  chain_.close_gate();
  const std::string body = Json{{"tx", to_hex(transfer(1, 0).encode())}}.dump();
  auto first = std::async(std::launch::async, [&] { return post(body); });
  auto second = std::async(std::launch::async, [&] { return post(body); });
  chain_.wait_for_blocked_submits(2);
  // Both slots are taken: the next submission is refused at once, not queued.
  const Reply busy = post(body);
  EXPECT_EQ(busy.status, 503u);
  EXPECT_EQ(busy.json()["error"]["code"], "unavailable");
  EXPECT_EQ(busy.header(http::field::retry_after), "1");
  // Queries are answered while the node sits on the submissions.
  EXPECT_EQ(get("/v1/status").status, 200u);
  chain_.open_gate();
  // Same transaction twice: exactly one is admitted.
  const Json a = first.get().json(), b = second.get().json();
  EXPECT_EQ(a["accepted"].get<int>() + b["accepted"].get<int>(), 1);
}

// The device batch routes over a real socket: the challenge batch on the io thread, the
// authentication batch on the submit pool; each answer gets its own outcome.
TEST_F(ApiServer, DeviceBatchesAnswerOverHttp) {
  start();
  Json requests = Json::array();
  for (int i = 1; i <= 3; ++i)
    requests.push_back({{"id_hash", std::string(63, '0') + std::to_string(i)}, {"purpose", "attach"},
                        {"verifier_id", "gnb"}});
  const Reply issued = Client(port_).request(http::verb::post, "/v1/devices/challenge/batch",
                                             Json{{"challenges", requests}}.dump(), "application/json");
  ASSERT_EQ(issued.status, 200u) << issued.body;
  const Json challenges = issued.json()["challenges"];
  Json answers = Json::array();
  for (const Json& c : challenges)
    answers.push_back({{"challenge", c["challenge"]}, {"signature", std::string(128, '0')}});
  ASSERT_EQ(answers.size(), 3u);
  const Reply r = Client(port_).request(http::verb::post, "/v1/devices/authenticate/batch",
                                        Json{{"answers", answers}}.dump(), "application/json");
  ASSERT_EQ(r.status, 200u) << r.body;
  const Json j = r.json();
  ASSERT_EQ(j["results"].size(), 3u);
  for (const Json& o : j["results"]) EXPECT_EQ(o["outcome"], "unknown_device") << o;
  const Reply big = Client(port_).request(http::verb::post, "/v1/devices/authenticate/batch",
                                          std::string(2 * 1024 * 1024, ' '), "application/json");
  EXPECT_EQ(big.status, 413u) << big.body;
}

TEST_F(ApiServer, ConnectionLimit) {
  HttpServerConfig cfg;
  cfg.connections_max = 2;
  start(cfg);
  Client a(port_), b(port_);
  EXPECT_EQ(a.request(http::verb::get, "/v1/status").status, 200u);
  EXPECT_EQ(b.request(http::verb::get, "/v1/status").status, 200u);
  Client c(port_);
  EXPECT_TRUE(c.closed_by_server());
  EXPECT_EQ(a.request(http::verb::get, "/v1/status").status, 200u);
}

class ApiStaticFiles : public ApiServer {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("telco-api-static-" + std::to_string(::getpid()));
    fs::remove_all(dir_);
    fs::create_directories(dir_ / "www" / "sub");
    write(dir_ / "secret.txt", "TOP-SECRET");
    write(dir_ / "www" / "index.html", "<h1>explorer</h1>");
    write(dir_ / "www" / "app.js", "console.log(1)");
    write(dir_ / "www" / "style.css", "body{}");
    write(dir_ / "www" / "sub" / "index.html", "sub index");
    write(dir_ / "www" / "a b.txt", "spaced");
    fs::create_symlink(dir_ / "secret.txt", dir_ / "www" / "link.txt");
    HttpServerConfig cfg;
    cfg.static_root = dir_ / "www";
    start(cfg);
  }
  void TearDown() override {
    server_.reset();
    fs::remove_all(dir_);
  }
  static void write(const fs::path& p, const std::string& text) { std::ofstream(p) << text; }
  fs::path dir_;
};

TEST_F(ApiStaticFiles, ServesFilesWithTypes) {
  Reply r = get("/");
  EXPECT_EQ(r.status, 200u);
  EXPECT_EQ(r.body, "<h1>explorer</h1>");
  EXPECT_EQ(r.header(http::field::content_type), "text/html; charset=utf-8");
  r = get("/app.js");
  EXPECT_EQ(r.body, "console.log(1)");
  EXPECT_EQ(r.header(http::field::content_type), "text/javascript; charset=utf-8");
  EXPECT_EQ(get("/style.css").header(http::field::content_type), "text/css; charset=utf-8");
  EXPECT_EQ(get("/sub/").body, "sub index");
  EXPECT_EQ(get("/sub").body, "sub index");
  EXPECT_EQ(get("/a%20b.txt").body, "spaced");
  EXPECT_EQ(get("/index.html?v=3").body, "<h1>explorer</h1>");
  EXPECT_EQ(get("/missing.html").status, 404u);
  EXPECT_EQ(Client(port_).request(http::verb::post, "/index.html", "x", "text/plain").status, 405u);
  EXPECT_EQ(get("/v1/status").status, 200u);  // the API still wins for /v1
}

TEST_F(ApiStaticFiles, RefusesTraversal) {
  for (const char* path : {"/../secret.txt", "/%2e%2e/secret.txt", "/sub/../../secret.txt",
                           "/sub/..%2f..%2fsecret.txt", "/..%5csecret.txt", "/link.txt", "/%00index.html",
                           "/%zz", "//etc/passwd", "/sub/%2e%2e/%2e%2e/secret.txt"}) {
    const Reply r = get(path);
    EXPECT_NE(r.status, 200u) << path;
    EXPECT_EQ(r.body.find("TOP-SECRET"), std::string::npos) << path;
  }
}

TEST(ApiStaticPaths, DecodingAndContentTypes) {
  EXPECT_EQ(percent_decode("/a%20b%2Fc"), "/a b/c");
  EXPECT_EQ(percent_decode("a+b"), "a+b");
  EXPECT_FALSE(percent_decode("%"));
  EXPECT_FALSE(percent_decode("%4"));
  EXPECT_FALSE(percent_decode("%g0"));
  EXPECT_EQ(content_type_for("x/INDEX.HTML"), "text/html; charset=utf-8");
  EXPECT_EQ(content_type_for("a.svg"), "image/svg+xml");
  EXPECT_EQ(content_type_for("a.wasm"), "application/wasm");
  EXPECT_EQ(content_type_for("noext"), "application/octet-stream");
  EXPECT_FALSE(resolve_static_path({}, "/index.html"));
  EXPECT_FALSE(resolve_static_path("/tmp", "relative"));
}

// The hub in isolation, with the io side replaced by a queue the test runs by hand.
class RecordingSink final : public EventSink {
 public:
  void deliver(std::shared_ptr<const std::string> message) override { messages.push_back(*message); }
  void disconnect() override { ++disconnects; }
  std::vector<std::string> messages;
  int disconnects = 0;
};

struct ManualIo {
  std::vector<std::function<void()>> tasks;
  void run() {
    while (!tasks.empty()) {
      auto t = std::move(tasks.front());
      tasks.erase(tasks.begin());
      t();
    }
  }
};

BlockEvent event_at(std::uint64_t height) {
  auto data = std::make_shared<BlockData>();
  data->block.header.height = height;
  data->hash = data->block.header.hash();
  return {data};
}

TEST(ApiEventHub, SerializesOncePerBlockInOrderAndDisconnectsOnOverflow) {
  ManualIo io;
  auto hub = std::make_shared<EventHub>([&](std::function<void()> f) { io.tasks.push_back(std::move(f)); },
                                        spdlog::default_logger());
  hub->on_block(event_at(1));
  EXPECT_TRUE(io.tasks.empty());  // nobody listens: no work at all
  auto a = std::make_shared<RecordingSink>();
  auto b = std::make_shared<RecordingSink>();
  hub->join(a);
  hub->join(b);
  for (std::uint64_t h = 2; h <= 4; ++h) hub->on_block(event_at(h));
  EXPECT_EQ(io.tasks.size(), 1u);  // one drain scheduled, however many blocks wait
  io.run();
  ASSERT_EQ(a->messages.size(), 3u);
  EXPECT_EQ(a->messages, b->messages);
  for (std::uint64_t h = 2; h <= 4; ++h) EXPECT_EQ(Json::parse(a->messages[h - 2])["block"]["height"], h);

  b.reset();  // a session that went away is dropped
  for (std::size_t i = 0; i <= EventHub::kBacklogMax; ++i) hub->on_block(event_at(10 + i));
  io.run();
  EXPECT_EQ(a->disconnects, 1);
  EXPECT_EQ(hub->subscribers(), 0u);

  hub->stop();
  hub->join(a);
  hub->on_block(event_at(99));
  EXPECT_TRUE(io.tasks.empty());
}

TEST(ApiServerLifecycle, StopClosesConnectionsAndIsIdempotent) {
  TestChain chain;
  HttpServerConfig cfg;
  cfg.port = 0;
  auto server = std::make_unique<HttpServer>(cfg, chain);
  server->start();
  EXPECT_EQ(chain.subscriber_count(), 1u);
  Client idle(server->port());
  EXPECT_EQ(idle.request(http::verb::get, "/v1/status").status, 200u);
  EventsClient events(server->port());
  // A live client is reading when the server stops; it gets a proper close frame.
  auto closed = std::async(std::launch::async, [&] { return events.read_error(); });
  const auto t0 = std::chrono::steady_clock::now();
  server->stop();
  EXPECT_LT(std::chrono::steady_clock::now() - t0, std::chrono::milliseconds(900));
  EXPECT_EQ(chain.subscriber_count(), 0u);
  EXPECT_TRUE(idle.closed_by_server());
  EXPECT_EQ(closed.get(), websocket::error::closed);
  EXPECT_EQ(events.reason().code, websocket::close_code::going_away);
  server->stop();
  chain.produce_block();  // no subscriber left: nothing happens
  server.reset();
}

TEST(ApiServerLifecycle, StartFailsWithASentence) {
  TestChain chain;
  HttpServerConfig cfg;
  cfg.port = 0;
  HttpServer first(cfg, chain);
  first.start();
  cfg.port = first.port();
  HttpServer second(cfg, chain);
  EXPECT_THROW(second.start(), std::runtime_error);

  HttpServerConfig bad_root;
  bad_root.port = 0;
  bad_root.static_root = "/nonexistent/telco/www";
  HttpServer third(bad_root, chain);
  EXPECT_THROW(third.start(), std::runtime_error);

  HttpServerConfig bad_address;
  bad_address.port = 0;
  bad_address.listen_address = "localhost:80";
  HttpServer fourth(bad_address, chain);
  EXPECT_THROW(fourth.start(), std::runtime_error);
}

}  // namespace
}  // namespace telco::api
