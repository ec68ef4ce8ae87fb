#include "api/json/device_requests.h"

#include <algorithm>
#include <array>

#include "api/json/tx_json.h"
#include "modules/device/limits.h"
#include "util/hex.h"

namespace telco::api {
namespace {

using Json = nlohmann::json;
namespace dev = modules::device;

[[noreturn]] void fail(int status, std::string_view code, std::string message) {
  throw BadDeviceRequest{make_error(status, code, std::move(message))};
}
[[noreturn]] void bad(std::string message) { fail(400, error_code::kBadRequest, std::move(message)); }

template <std::size_t N>
std::array<std::uint8_t, N> hex_exact(std::string_view text, const std::string& what) {
  auto b = text.size() == 2 * N ? from_hex(text) : std::nullopt;
  if (!b) bad(what + " must be " + std::to_string(2 * N) + " hex digits");
  std::array<std::uint8_t, N> out;
  std::copy(b->begin(), b->end(), out.begin());
  return out;
}

const Json& field(const Json& j, const char* key) {
  if (!j.is_object() || !j.contains(key)) bad(std::string("body needs '") + key + "'");
  return j[key];
}

std::string string_field(const Json& j, const char* key, std::size_t max) {
  const Json& v = field(j, key);
  if (!v.is_string() || v.get_ref<const std::string&>().size() > max)
    bad(std::string("'") + key + "' must be a string of at most " + std::to_string(max) + " bytes");
  return v.get<std::string>();
}

template <std::size_t N>
std::array<std::uint8_t, N> hex_field(const Json& j, const char* key) {
  return hex_exact<N>(string_field(j, key, 2 * N), std::string("'") + key + "'");
}

std::uint64_t u64_field(const Json& j, const char* key) {
  const Json& v = field(j, key);
  if (v.is_number_unsigned()) return v.get<std::uint64_t>();
  if (v.is_string()) {
    if (auto n = parse_u64(v.get<std::string>())) return *n;
  }
  bad(std::string("'") + key + "' must be a non-negative integer");
}

std::vector<crypto::Hash32> path_field(const Json& j, const char* key, std::size_t max) {
  const Json& v = field(j, key);
  if (!v.is_array() || v.size() > max)
    bad(std::string("'") + key + "' must be an array of at most " + std::to_string(max) + " hashes");
  std::vector<crypto::Hash32> out;
  out.reserve(v.size());
  for (const Json& h : v) {
    if (!h.is_string()) bad(std::string("'") + key + "' entries must be hex strings");
    out.push_back(hex_exact<32>(h.get<std::string>(), std::string("each '") + key + "' entry"));
  }
  return out;
}

// The entries of a batch body's array `key`, each parsed by `parse`; a bad entry fails the
// whole body with its index in front of the message.
template <typename T, typename Parse>
std::vector<T> parse_batch(const Json& body, const char* key, Parse parse) {
  const Json& v = field(body, key);
  if (!v.is_array() || v.empty() || v.size() > kDeviceBatchMax)
    bad(std::string("'") + key + "' must be an array of 1 to " + std::to_string(kDeviceBatchMax) +
        " entries");
  std::vector<T> out;
  out.reserve(v.size());
  for (std::size_t i = 0; i < v.size(); ++i) {
    try {
      out.push_back(parse(v[i]));
    } catch (BadDeviceRequest& f) {
      f.error.message = std::string(key) + "[" + std::to_string(i) + "]: " + f.error.message;
      throw;
    }
  }
  return out;
}

}  // namespace

Json parse_device_body(std::string_view body, bool batch) {
  if (!batch && body.size() > kDeviceBodyBytesMax)
    fail(413, error_code::kBodyTooLarge, "a device request body is at most 16 KiB");
  if (batch && body.size() > kDeviceBatchBodyBytesMax)
    fail(413, error_code::kBodyTooLarge, "a device batch body is at most 1 MiB");
  Json j = Json::parse(body, nullptr, false);
  if (j.is_discarded() || !j.is_object()) bad("body must be a JSON object");
  return j;
}

ChallengeRequest parse_challenge_request(const Json& body) {
  if (!body.is_object()) bad("a challenge request must be a JSON object");
  ChallengeRequest r;
  r.id_hash = hex_field<32>(body, "id_hash");
  if (r.id_hash == crypto::Hash32{}) bad(kZeroDeviceId);
  r.purpose = string_field(body, "purpose", dev::kPurposeBytesMax);
  r.verifier_id = string_field(body, "verifier_id", dev::kVerifierIdBytesMax);
  if (body.contains("ttl_ms")) r.ttl_ms = u64_field(body, "ttl_ms");
  if (r.ttl_ms == 0 || r.ttl_ms > kChallengeTtlMsMax)
    bad("ttl_ms must be from 1 to " + std::to_string(kChallengeTtlMsMax));
  return r;
}

std::vector<ChallengeRequest> parse_challenge_batch(const Json& body) {
  return parse_batch<ChallengeRequest>(body, "challenges", parse_challenge_request);
}

AuthAnswer parse_auth_answer(const Json& body) {
  if (!body.is_object()) bad("an answer must be a JSON object");
  const std::string hex = string_field(body, "challenge", 1024);
  auto bytes = from_hex(hex);
  auto c = bytes ? dev::decode_challenge(*bytes) : std::nullopt;
  if (!c) bad("'challenge' must be the hex bytes of a challenge this node issued");
  AuthAnswer a{std::move(*c), hex_field<64>(body, "signature"), std::nullopt};
  if (body.contains("member")) {
    const Json& m = body["member"];
    if (!m.is_object()) bad("'member' must be an object {fleet, index, public_key, path}");
    a.member.emplace(hex_field<32>(m, "fleet"),
                     dev::MemberProof{u64_field(m, "index"), hex_field<32>(m, "public_key"),
                                      path_field(m, "path", dev::kFleetPathMax)});
  }
  return a;
}

std::vector<AuthAnswer> parse_auth_batch(const Json& body) {
  return parse_batch<AuthAnswer>(body, "answers", parse_auth_answer);
}

ReadingCheck parse_reading_check(const Json& body) {
  const Json& r = field(body, "reading");
  ReadingCheck out;
  out.reading.id_hash = hex_field<32>(r, "id_hash");
  out.reading.time_ms = u64_field(r, "time_ms");
  out.reading.seq = u64_field(r, "seq");
  const std::uint64_t version = u64_field(r, "key_version");
  if (version > 0xFFFFFFFFu) bad("'key_version' is too large");
  out.reading.key_version = static_cast<std::uint32_t>(version);
  auto value = from_hex(string_field(r, "value", 2 * dev::kReadingValueBytesMax));
  if (!value) bad("'value' must be hex");
  out.reading.value = std::move(*value);
  out.signature = hex_field<64>(body, "signature");
  out.root = hex_field<32>(body, "root");
  out.index = u64_field(body, "index");
  out.path = path_field(body, "path", dev::kReadingPathMax);
  return out;
}

crypto::Hash32 parse_hash_segment(std::string_view text, const std::string& what) {
  return hex_exact<32>(text, what);
}

}  // namespace telco::api
