#include "api/json/device_octets.h"

#include "codec/reader.h"
#include "codec/writer.h"
#include "modules/device/limits.h"

namespace telco::api {
namespace {

namespace dev = modules::device;

// An encoded challenge is at most ~370 bytes (docs/PROTOCOL.md); the bound only keeps a
// length prefix from reaching far into the body.
constexpr std::size_t kChallengeBytesMax = 1024;
// The smallest entries: an ask with empty strings, an answer with an empty challenge.
constexpr std::size_t kAskBytesMin = 32 + 4 + 4 + 8;
constexpr std::size_t kAnswerBytesMin = 4 + 64 + 1;
constexpr std::uint8_t kOutcomeMax = static_cast<std::uint8_t>(dev::AuthOutcome::kFleetMemberClaimed);

[[noreturn]] void bad(std::string message) {
  throw BadDeviceRequest{make_error(400, error_code::kBadRequest, std::move(message))};
}

codec::Reader open_body(std::string_view body) {
  if (body.size() > kDeviceBatchBodyBytesMax)
    throw BadDeviceRequest{
        make_error(413, error_code::kBodyTooLarge, "a device batch body is at most 1 MiB")};
  return codec::Reader(as_bytes(body));
}

std::size_t entry_count(codec::Reader& r, std::size_t min_entry_bytes, const char* what) {
  const std::size_t n = r.count(kDeviceBatchMax, min_entry_bytes);
  if (!r.ok() || n == 0)
    bad(std::string("the body must start with a u32 count of 1 to ") + std::to_string(kDeviceBatchMax) + " " +
        what + " that the body holds");
  return n;
}

// After each field of entry i: a decode error names the entry, the field and its rule.
void need(const codec::Reader& r, const char* list, std::size_t i, const char* field) {
  if (!r.ok())
    bad(std::string(list) + "[" + std::to_string(i) + "]: " + field + " (" + codec::describe(r.error()) +
        ")");
}

void check_end(codec::Reader& r) {
  if (!r.finish()) bad("unexpected bytes after the last entry");
}

}  // namespace

std::vector<ChallengeRequest> parse_challenge_batch_octets(std::string_view body) {
  codec::Reader r = open_body(body);
  const std::size_t n = entry_count(r, kAskBytesMin, "challenge requests");
  std::vector<ChallengeRequest> out(n);
  for (std::size_t i = 0; i < n; ++i) {
    ChallengeRequest& a = out[i];
    a.id_hash = r.fixed<32>();
    need(r, "challenges", i, "id_hash must be 32 bytes");
    if (a.id_hash == crypto::Hash32{}) bad("challenges[" + std::to_string(i) + "]: " + kZeroDeviceId);
    a.purpose = r.string(dev::kPurposeBytesMax);
    need(r, "challenges", i, "purpose must be a string of at most 64 bytes");
    a.verifier_id = r.string(dev::kVerifierIdBytesMax);
    need(r, "challenges", i, "verifier_id must be a string of at most 128 bytes");
    a.ttl_ms = r.u64();
    need(r, "challenges", i, "ttl_ms must be a u64");
    if (a.ttl_ms == 0 || a.ttl_ms > kChallengeTtlMsMax)
      bad("challenges[" + std::to_string(i) + "]: ttl_ms must be from 1 to " +
          std::to_string(kChallengeTtlMsMax));
  }
  check_end(r);
  return out;
}

std::vector<AuthAnswer> parse_auth_batch_octets(std::string_view body) {
  codec::Reader r = open_body(body);
  const std::size_t n = entry_count(r, kAnswerBytesMin, "answers");
  std::vector<AuthAnswer> out;
  out.reserve(n);
  for (std::size_t i = 0; i < n; ++i) {
    const ByteView challenge = r.bytes_view(kChallengeBytesMax);
    need(r, "answers", i, "challenge must be bytes of at most 1024");
    const crypto::Signature signature = r.fixed<64>();
    need(r, "answers", i, "signature must be 64 bytes");
    const bool member = r.boolean();
    need(r, "answers", i, "member must be one byte, 0 or 1");
    auto c = dev::decode_challenge(challenge);
    if (!c)
      bad("answers[" + std::to_string(i) +
          "]: the challenge is not the bytes of a challenge this node issued");
    AuthAnswer& a = out.emplace_back(AuthAnswer{std::move(*c), signature, std::nullopt});
    if (member) {
      const crypto::Hash32 fleet = r.fixed<32>();
      need(r, "answers", i, "member fleet must be 32 bytes");
      dev::MemberProof proof;
      proof.index = r.u64();
      need(r, "answers", i, "member index must be a u64");
      proof.public_key = r.fixed<32>();
      need(r, "answers", i, "member public_key must be 32 bytes");
      const std::size_t hops = r.count(dev::kFleetPathMax, 32);
      need(r, "answers", i, "member path must be a list of at most 20 hashes");
      proof.path.reserve(hops);
      for (std::size_t h = 0; h < hops; ++h) proof.path.push_back(r.fixed<32>());
      need(r, "answers", i, "member path must be a list of at most 20 hashes");
      a.member.emplace(fleet, std::move(proof));
    }
  }
  check_end(r);
  return out;
}

std::string challenge_batch_octets(std::span<const dev::Challenge> issued) {
  codec::Writer w(4 + issued.size() * 200);
  w.count(issued.size());
  for (const dev::Challenge& c : issued) w.bytes(dev::encode_challenge(c));
  const Bytes& b = w.data();
  return std::string(b.begin(), b.end());
}

std::string auth_results_octets(std::uint64_t height, std::span<const dev::AuthOutcome> outcomes) {
  codec::Writer w(12 + outcomes.size());
  w.u64(height);
  w.count(outcomes.size());
  for (dev::AuthOutcome o : outcomes) w.u8(static_cast<std::uint8_t>(o));
  const Bytes& b = w.data();
  return std::string(b.begin(), b.end());
}

Bytes encode_challenge_asks(std::span<const ChallengeRequest> asks) {
  codec::Writer w(4 + asks.size() * 64);
  w.count(asks.size());
  for (const ChallengeRequest& a : asks) {
    w.fixed(a.id_hash);
    w.string(a.purpose);
    w.string(a.verifier_id);
    w.u64(a.ttl_ms);
  }
  return w.take();
}

Bytes encode_auth_answers(std::span<const AuthAnswer> answers) {
  codec::Writer w(4 + answers.size() * 280);
  w.count(answers.size());
  for (const AuthAnswer& a : answers) {
    w.bytes(dev::encode_challenge(a.challenge));
    w.fixed(a.signature);
    w.boolean(a.member.has_value());
    if (a.member) {
      const auto& [fleet, proof] = *a.member;
      w.fixed(fleet);
      w.u64(proof.index);
      w.fixed(proof.public_key);
      w.count(proof.path.size());
      for (const crypto::Hash32& h : proof.path) w.fixed(h);
    }
  }
  return w.take();
}

std::optional<std::vector<dev::Challenge>> decode_challenge_batch_octets(ByteView body) {
  codec::Reader r(body);
  const std::size_t n = r.count(kDeviceBatchMax, 4);
  std::vector<dev::Challenge> out;
  out.reserve(n);
  for (std::size_t i = 0; i < n && r.ok(); ++i) {
    auto c = dev::decode_challenge(r.bytes_view(kChallengeBytesMax));
    if (!c) return std::nullopt;
    out.push_back(std::move(*c));
  }
  if (!r.finish()) return std::nullopt;
  return out;
}

std::optional<AuthResults> decode_auth_results_octets(ByteView body) {
  codec::Reader r(body);
  AuthResults out;
  out.height = r.u64();
  const std::size_t n = r.count(kDeviceBatchMax, 1);
  out.outcomes.reserve(n);
  for (std::size_t i = 0; i < n && r.ok(); ++i) {
    const std::uint8_t o = r.u8();
    if (o > kOutcomeMax) return std::nullopt;
    out.outcomes.push_back(static_cast<dev::AuthOutcome>(o));
  }
  if (!r.finish()) return std::nullopt;
  return out;
}

}  // namespace telco::api
