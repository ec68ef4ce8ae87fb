#include "api/device_routes.h"

#include <sodium.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <stdexcept>

#include "api/backend_state.h"
#include "api/json/device_octets.h"
#include "api/json/device_requests.h"
#include "api/json/proof_views.h"
#include "api/json/submit_body.h"
#include "api/json/tx_json.h"
#include "api/server_context.h"
#include "modules/device/auth.h"
#include "modules/device/limits.h"
#include "modules/device/views.h"
#include "util/hex.h"

namespace telco::api {
namespace {

using Json = nlohmann::json;
using Query = std::map<std::string, std::string, std::less<>>;
namespace dev = modules::device;

[[noreturn]] void fail(int status, std::string_view code, std::string message) {
  throw BadDeviceRequest{make_error(status, code, std::move(message))};
}

Json challenge_json(const dev::Challenge& c) {
  return {{"chain_id", c.chain_id},
          {"purpose", c.purpose},
          {"nonce", to_hex(c.nonce)},
          {"verifier_id", c.verifier_id},
          {"expires_ms", c.expires_ms},
          {"id_hash", to_hex(c.id_hash)},
          {"challenge", to_hex(dev::encode_challenge(c))}};
}

Json outcome_json(dev::AuthOutcome o, std::uint64_t height) {
  return {{"ok", o == dev::AuthOutcome::kOk},
          {"outcome", dev::auth_name(o)},
          {"message", dev::auth_message(o)},
          {"height", height}};
}

std::optional<std::uint32_t> optional_u32(const Query& q, std::string_view name) {
  auto it = q.find(name);
  if (it == q.end()) return std::nullopt;
  auto n = parse_u64(it->second);
  if (!n || *n > 0xFFFFFFFFu)
    fail(400, error_code::kBadRequest, std::string(name) + " must be a non-negative integer");
  return static_cast<std::uint32_t>(*n);
}

// The state key an answer was read from, and where its proof at `height` is served.
Json proof_fields(const Bytes& key, std::string proof_path, std::uint64_t height) {
  return {{"state_key", to_hex(key)}, {"proof", std::move(proof_path) + "height=" + std::to_string(height)}};
}

std::string state_proof_path(const Bytes& key) { return "/v1/state/proof?key=" + to_hex(key) + "&"; }

std::size_t page_limit(const Query& q) {
  const std::size_t limit = optional_u32(q, "limit").value_or(dev::kHistoryPageMax);
  if (limit == 0 || limit > dev::kHistoryPageMax)
    fail(400, error_code::kBadRequest,
         "limit must be an integer from 1 to " + std::to_string(dev::kHistoryPageMax));
  return limit;
}

// Every key the device has had, newest version first: one state record per version
// (03 'k' || id_hash || version), so a page costs at most `limit` reads and each entry has
// its own proof (readings signed before a rotation verify against the older key).
Response keys_route(ServerContext& ctx, const state::StateView& st, const crypto::Hash32& id,
                    const Query& q) {
  const std::uint64_t height = ctx.backend.head().height;
  auto d = dev::load_device(st, id);
  if (!d) fail(404, error_code::kNotFound, "no device is registered under this identifier hash");
  const std::size_t limit = page_limit(q);
  const std::uint64_t total = std::uint64_t{d->key_version} + 1;
  std::uint64_t version = std::min<std::uint64_t>(optional_u32(q, "before").value_or(0xFFFFFFFFu), total);
  Json entries = Json::array();
  while (version > 0 && entries.size() < limit) {
    --version;
    const auto v = static_cast<std::uint32_t>(version);
    auto key = dev::load_key_version(st, id, v);
    if (!key) throw std::logic_error("device key version " + std::to_string(v) + " missing");
    Json e = {{"version", v}, {"public_key", to_hex(*key)}, {"current", v == d->key_version}};
    const Bytes state_key = dev::key_version_key(id, v);
    e.update(proof_fields(state_key, state_proof_path(state_key), height));
    entries.push_back(std::move(e));
  }
  return json_response(200, {{"id_hash", to_hex(id)},
                             {"key_version", d->key_version},
                             {"total", total},
                             {"height", height},
                             {"entries", std::move(entries)}});
}

Response device_route(ServerContext& ctx, const crypto::Hash32& id, std::string_view what, const Query& q) {
  const BackendState st(ctx.backend);
  if (what == "keys") return keys_route(ctx, st, id, q);
  if (what == "history") {
    const std::size_t limit = page_limit(q);
    auto page = dev::device_history(st, id, limit, optional_u32(q, "before"));
    if (!page) fail(404, error_code::kNotFound, "no device is registered under this identifier hash");
    Json entries = Json::array();
    std::uint32_t seq = page->total;
    for (const auto& e : page->entries) {
      Json h = dev::history_json(e);
      h["seq"] = --seq;
      entries.push_back(std::move(h));
    }
    return json_response(200, {{"id_hash", to_hex(id)}, {"total", page->total}, {"entries", entries}});
  }
  if (what == "proof") {
    const std::uint64_t head = ctx.backend.head().height;
    auto height =
        q.contains("height") ? parse_u64(q.find("height")->second) : std::optional<std::uint64_t>(head);
    if (!height || *height > head)
      fail(400, error_code::kBadRequest, "height must be an integer no higher than the head");
    const Bytes key = dev::device_key(id);
    auto proof = ctx.backend.state_proof(key, *height);
    if (!proof)
      fail(404, error_code::kNotFound,
           "this node serves no proof for that height (pruned, or no state tree)");
    Json j = state_proof_json(key, *proof);
    j["device"] = nullptr;
    if (proof->value) {
      if (auto d = dev::decode_device(*proof->value)) j["device"] = dev::device_json(*d);
    }
    return json_response(200, j);
  }
  const std::uint64_t height = ctx.backend.head().height;
  auto d = dev::load_device(st, id);
  if (!d) fail(404, error_code::kNotFound, "no device is registered under this identifier hash");
  Json j = dev::device_json(*d);
  if (auto s = dev::load_stolen(st, id)) j["stolen_list"] = dev::stolen_json(id, *s);
  j["height"] = height;
  j.update(proof_fields(dev::device_key(id), "/v1/devices/" + to_hex(id) + "/proof?", height));
  return json_response(200, j);
}

Response fleet_route(ServerContext& ctx, const std::vector<std::string_view>& s) {
  const BackendState st(ctx.backend);
  const crypto::Hash32 id = parse_hash_segment(s[1], "a fleet id");
  auto f = dev::load_fleet(st, id);
  if (!f) fail(404, error_code::kNotFound, "no fleet is registered under this id");
  Json j = dev::fleet_json(id, *f);
  if (s.size() == 4) {
    const crypto::Hash32 member = parse_hash_segment(s[3], "a device identifier hash");
    auto mark = dev::load_member(st, id, member);
    j["member"] = {{"id_hash", to_hex(member)},
                   {"mark", !mark                                ? "unclaimed"
                            : *mark == dev::MemberMark::kClaimed ? "claimed"
                                                                 : "revoked"}};
  }
  return json_response(200, j);
}

// The challenge the node issues for a request: its chain, the fresh nonce drawn for it, the
// expiry.
dev::Challenge make_challenge(ServerContext& ctx, const ChallengeRequest& r, const std::uint8_t* nonce,
                              std::uint64_t now_ms) {
  dev::Challenge c;
  c.chain_id = ctx.backend.genesis().chain_id;
  c.id_hash = r.id_hash;
  c.purpose = r.purpose;
  c.verifier_id = r.verifier_id;
  c.expires_ms = now_ms + r.ttl_ms;
  std::copy_n(nonce, c.nonce.size(), c.nonce.begin());
  return c;
}

[[noreturn]] void fail_table_full() {
  fail(503, error_code::kUnavailable, "too many outstanding challenges; retry in a moment");
}

Response challenge_post(ServerContext& ctx, const Json& body, std::uint64_t now_ms) {
  const ChallengeRequest r = parse_challenge_request(body);
  crypto::Hash32 nonce;
  randombytes_buf(nonce.data(), nonce.size());
  const dev::Challenge c = make_challenge(ctx, r, nonce.data(), now_ms);
  if (!ctx.device_challenges.issue(c, now_ms)) fail_table_full();
  return json_response(200, challenge_json(c));
}

// All challenges are issued together or none is (503 when the table has no room for all).
std::vector<dev::Challenge> issue_batch(ServerContext& ctx, const std::vector<ChallengeRequest>& asks,
                                        std::uint64_t now_ms) {
  // One draw from the system's generator for the whole batch (one getrandom call, not one each).
  std::vector<std::uint8_t> nonces(asks.size() * sizeof(crypto::Hash32));
  randombytes_buf(nonces.data(), nonces.size());
  std::vector<dev::Challenge> batch;
  batch.reserve(asks.size());
  for (std::size_t i = 0; i < asks.size(); ++i)
    batch.push_back(make_challenge(ctx, asks[i], nonces.data() + i * sizeof(crypto::Hash32), now_ms));
  if (!ctx.device_challenges.issue_all(batch, now_ms)) fail_table_full();
  return batch;
}

Response challenge_batch_post(ServerContext& ctx, const Json& body, std::uint64_t now_ms) {
  Json out = Json::array();
  for (const dev::Challenge& c : issue_batch(ctx, parse_challenge_batch(body), now_ms))
    out.push_back(challenge_json(c));
  return json_response(200, {{"challenges", std::move(out)}});
}

Response octets_response(std::string body) {
  Response r;
  r.content_type = std::string(kOctetStream);
  r.body = std::move(body);
  return r;
}

// The table check, the verification against committed state `st`, then the consumption:
// a wrong answer does not burn the nonce, a right one is accepted once.
dev::AuthOutcome authenticate(ServerContext& ctx, const state::StateView& st, const AuthAnswer& a,
                              std::uint64_t now_ms) {
  const crypto::Hash32 digest = dev::challenge_digest(a.challenge);
  if (auto o = ctx.device_challenges.check(a.challenge, digest, now_ms); o != dev::AuthOutcome::kOk) return o;
  const std::string& chain_id = ctx.backend.genesis().chain_id;
  const dev::Challenge& c = a.challenge;
  dev::AuthOutcome o;
  if (a.member) {
    const auto& [fleet, proof] = *a.member;
    o = dev::verify_member_answer(chain_id, c, a.signature, dev::load_fleet(st, fleet),
                                  dev::load_member(st, fleet, c.id_hash), proof, now_ms);
  } else {
    o = dev::verify_answer(chain_id, c, a.signature, dev::load_device(st, c.id_hash), now_ms);
  }
  if (o == dev::AuthOutcome::kOk) o = ctx.device_challenges.consume(c, digest, now_ms);
  return o;
}

Response authenticate_post(ServerContext& ctx, const Json& body, std::uint64_t now_ms) {
  const AuthAnswer a = parse_auth_answer(body);
  const std::uint64_t height = ctx.backend.head().height;
  const BackendState st(ctx.backend);
  return json_response(200, outcome_json(authenticate(ctx, st, a, now_ms), height));
}

// Results are in request order; each answer is checked against committed state as the
// single route does, and `height` is the head when the batch began. The same challenge
// answered twice in one batch is accepted once (then nonce_used).
std::vector<dev::AuthOutcome> authenticate_batch(ServerContext& ctx, const std::vector<AuthAnswer>& answers,
                                                 std::uint64_t now_ms) {
  const BackendState st(ctx.backend);
  std::vector<dev::AuthOutcome> out;
  out.reserve(answers.size());
  for (const AuthAnswer& a : answers) out.push_back(authenticate(ctx, st, a, now_ms));
  return out;
}

Response authenticate_batch_post(ServerContext& ctx, const Json& body, std::uint64_t now_ms) {
  const auto answers = parse_auth_batch(body);
  const std::uint64_t height = ctx.backend.head().height;
  Json results = Json::array();
  for (const dev::AuthOutcome o : authenticate_batch(ctx, answers, now_ms)) {
    results.push_back({{"ok", o == dev::AuthOutcome::kOk},
                       {"outcome", dev::auth_name(o)},
                       {"message", dev::auth_message(o)}});
  }
  return json_response(200, {{"height", height}, {"results", std::move(results)}});
}

// The binary batch forms (api/json/device_octets.h): the same checks, no JSON or hex.
Response octet_batch_post(ServerContext& ctx, std::string_view path, std::string_view body,
                          std::uint64_t now_ms) {
  if (path == "/v1/devices/challenge/batch")
    return octets_response(challenge_batch_octets(issue_batch(ctx, parse_challenge_batch_octets(body), now_ms)));
  const auto answers = parse_auth_batch_octets(body);
  const std::uint64_t height = ctx.backend.head().height;
  return octets_response(auth_results_octets(height, authenticate_batch(ctx, answers, now_ms)));
}

Response verify_reading_post(ServerContext& ctx, const Json& body) {
  const ReadingCheck r = parse_reading_check(body);
  const BackendState st(ctx.backend);
  auto batch = dev::load_anchor(st, r.root);
  const auto o = dev::verify_reading(ctx.backend.genesis().chain_id, r.reading, r.signature,
                                     dev::load_key_version(st, r.reading.id_hash, r.reading.key_version),
                                     batch, r.index, r.path);
  Json j = {{"ok", o == dev::ReadingOutcome::kOk},
            {"outcome", dev::reading_name(o)},
            {"message", dev::reading_message_text(o)}};
  if (batch) j["batch"] = dev::anchor_json(*batch);
  return json_response(200, j);
}

}  // namespace

bool DeviceChallenges::issue(const dev::Challenge& c, std::uint64_t now_ms) {
  std::lock_guard lock(mutex_);
  return table_.issue(c, now_ms);
}
bool DeviceChallenges::issue_all(std::span<const dev::Challenge> batch, std::uint64_t now_ms) {
  std::lock_guard lock(mutex_);
  return table_.issue_all(batch, now_ms);
}
dev::AuthOutcome DeviceChallenges::check(const dev::Challenge& c, const crypto::Hash32& digest,
                                         std::uint64_t now_ms) {
  std::lock_guard lock(mutex_);
  return table_.check(c, digest, now_ms);
}
dev::AuthOutcome DeviceChallenges::consume(const dev::Challenge& c, const crypto::Hash32& digest,
                                           std::uint64_t now_ms) {
  std::lock_guard lock(mutex_);
  return table_.consume(c, digest, now_ms);
}

bool is_device_get_path(const std::vector<std::string_view>& s) {
  const std::size_t n = s.size();
  if (n == 2 && (s[0] == "devices" || s[0] == "stolen" || s[0] == "fleets" || s[0] == "anchors")) return true;
  if (n == 3 && s[0] == "devices" && (s[2] == "history" || s[2] == "keys" || s[2] == "proof")) return true;
  return n == 4 && s[0] == "fleets" && s[2] == "members";
}

Response device_get_route(ServerContext& ctx, const std::vector<std::string_view>& s, const Query& q) {
  try {
    if (s[0] == "fleets") return fleet_route(ctx, s);
    const BackendState st(ctx.backend);
    if (s[0] == "stolen") {
      const crypto::Hash32 id = parse_hash_segment(s[1], "a device identifier hash");
      auto entry = dev::load_stolen(st, id);
      Json j = entry ? dev::stolen_json(id, *entry) : Json{{"id_hash", to_hex(id)}};
      j["listed"] = entry.has_value();
      return json_response(200, j);
    }
    if (s[0] == "anchors") {
      auto a = dev::load_anchor(st, parse_hash_segment(s[1], "a batch root"));
      if (!a) fail(404, error_code::kNotFound, "no batch with this root is anchored");
      return json_response(200, dev::anchor_json(*a));
    }
    return device_route(ctx, parse_hash_segment(s[1], "a device identifier hash"), s.size() == 3 ? s[2] : "",
                        q);
  } catch (const BadDeviceRequest& f) {
    return error_response(f.error);
  }
}

bool is_device_post_path(std::string_view path) {
  return path == "/v1/devices/challenge" || path == "/v1/devices/authenticate" ||
         path == "/v1/devices/challenge/batch" || is_device_pooled_path(path) ||
         path == "/v1/readings/verify";
}

bool is_device_pooled_path(std::string_view path) { return path == "/v1/devices/authenticate/batch"; }

Response handle_device_post(ServerContext& ctx, std::string_view path, std::string_view content_type,
                            std::string_view body, std::uint64_t now_ms) {
  try {
    const bool batch = path.ends_with("/batch");
    if (media_type(content_type) == kOctetStream) {
      if (!batch)
        fail(415, error_code::kUnsupportedMediaType,
             "application/octet-stream is taken by /v1/devices/challenge/batch and /v1/devices/authenticate/batch; "
             "send this one as application/json");
      return octet_batch_post(ctx, path, body, now_ms);
    }
    const Json j = parse_device_body(body, batch);
    if (path == "/v1/devices/challenge") return challenge_post(ctx, j, now_ms);
    if (path == "/v1/devices/authenticate") return authenticate_post(ctx, j, now_ms);
    if (path == "/v1/devices/challenge/batch") return challenge_batch_post(ctx, j, now_ms);
    if (path == "/v1/devices/authenticate/batch") return authenticate_batch_post(ctx, j, now_ms);
    return verify_reading_post(ctx, j);
  } catch (const BadDeviceRequest& f) {
    return error_response(f.error);
  } catch (const std::exception& e) {
    ctx.log->error("api: POST {} failed: {}", path, e.what());
    return error_response(make_error(500, error_code::kInternal, "the node failed to answer; see its log"));
  }
}

}  // namespace telco::api
