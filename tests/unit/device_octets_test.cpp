// The binary device batch bodies (src/api/json/device_octets.h, docs/api.md "Binary device
// batches"): byte-exact vectors written out by hand, round trips, and every malformed form
// refused with a 4xx that names the entry.
#include "api/json/device_octets.h"

#include <gtest/gtest.h>

#include "modules/device/limits.h"
#include "util/hex.h"

namespace telco {
namespace {

namespace dev = modules::device;
using api::AuthAnswer;
using api::BadDeviceRequest;
using api::ChallengeRequest;

std::string text_hex(std::string_view s) { return to_hex(as_bytes(s)); }
std::string str(const Bytes& b) { return std::string(b.begin(), b.end()); }
Bytes hex(const std::string& h) { return *from_hex(h); }

// The status and message of what a parser throws, or {0, ""} when it accepts.
template <typename F>
std::pair<int, std::string> refusal(F&& parse) {
  try {
    parse();
  } catch (const BadDeviceRequest& e) {
    return {e.error.http_status, e.error.message};
  }
  return {0, ""};
}

dev::Challenge sample_challenge() {
  dev::Challenge c;
  c.chain_id = "telco-test";
  c.purpose = "attach";
  for (std::size_t i = 0; i < 32; ++i) c.nonce[i] = static_cast<std::uint8_t>(i);
  c.verifier_id = "gnb-7";
  c.expires_ms = 1'700'000'030'000;
  c.id_hash.fill(0xab);
  return c;
}

TEST(DeviceOctets, ChallengeAskVector) {
  // u32 count 1, fixed[32] id_hash, string "attach", string "gnb-7", u64 20000.
  std::string ids;
  for (int i = 0; i < 32; ++i) ids += "ab";
  const std::string want = "01000000" + ids + "06000000" + text_hex("attach") + "05000000" +
                           text_hex("gnb-7") + "204e000000000000";
  ChallengeRequest ask;
  ask.id_hash.fill(0xab);
  ask.purpose = "attach";
  ask.verifier_id = "gnb-7";
  ask.ttl_ms = 20'000;
  EXPECT_EQ(to_hex(api::encode_challenge_asks(std::vector{ask})), want);
  const auto parsed = api::parse_challenge_batch_octets(str(hex(want)));
  ASSERT_EQ(parsed.size(), 1u);
  EXPECT_EQ(parsed[0].id_hash, ask.id_hash);
  EXPECT_EQ(parsed[0].purpose, "attach");
  EXPECT_EQ(parsed[0].verifier_id, "gnb-7");
  EXPECT_EQ(parsed[0].ttl_ms, 20'000u);
}

TEST(DeviceOctets, ResultsAndChallengeListVectors) {
  // u64 height 7, u32 count 3, outcomes ok (0), bad_signature (3), nonce_used (11).
  const std::vector<dev::AuthOutcome> outcomes = {dev::AuthOutcome::kOk, dev::AuthOutcome::kBadSignature,
                                                  dev::AuthOutcome::kNonceUsed};
  const std::string results = api::auth_results_octets(7, outcomes);
  EXPECT_EQ(to_hex(as_bytes(results)),
            "0700000000000000"
            "03000000"
            "00030b");
  const auto back = api::decode_auth_results_octets(as_bytes(results));
  ASSERT_TRUE(back);
  EXPECT_EQ(back->height, 7u);
  EXPECT_EQ(back->outcomes, outcomes);
  // An outcome number this build does not know is a malformed answer.
  EXPECT_FALSE(
      api::decode_auth_results_octets(hex("0700000000000000"
                                          "01000000"
                                          "10")));
  EXPECT_FALSE(
      api::decode_auth_results_octets(hex("0700000000000000"
                                          "02000000"
                                          "00")));
  EXPECT_FALSE(
      api::decode_auth_results_octets(hex("0700000000000000"
                                          "01000000"
                                          "0000")));

  // The challenge list: u32 count, then each challenge as bytes (u32 length, the bytes).
  const dev::Challenge c = sample_challenge();
  const Bytes enc = dev::encode_challenge(c);
  const std::string list = api::challenge_batch_octets(std::vector{c, c});
  std::string len_hex = to_hex(Bytes{static_cast<std::uint8_t>(enc.size()), 0, 0, 0});
  EXPECT_EQ(to_hex(as_bytes(list)), "02000000" + len_hex + to_hex(enc) + len_hex + to_hex(enc));
  const auto decoded = api::decode_challenge_batch_octets(as_bytes(list));
  ASSERT_TRUE(decoded);
  EXPECT_EQ(*decoded, (std::vector{c, c}));
  EXPECT_FALSE(api::decode_challenge_batch_octets(as_bytes(list.substr(0, list.size() - 1))));
}

TEST(DeviceOctets, AnswersRoundTripWithAndWithoutMembership) {
  const dev::Challenge c = sample_challenge();
  AuthAnswer plain{c, {}, std::nullopt};
  plain.signature.fill(0x5a);
  AuthAnswer member = plain;
  crypto::Hash32 fleet;
  fleet.fill(0xcd);
  crypto::PublicKey key;
  key.fill(0xef);
  member.member.emplace(fleet, dev::MemberProof{6, key, std::vector<crypto::Hash32>(3, fleet)});
  const Bytes body = api::encode_auth_answers(std::vector{plain, member});
  const Bytes enc = dev::encode_challenge(c);
  std::string sig;
  for (int i = 0; i < 64; ++i) sig += "5a";
  std::string h32cd;
  for (int i = 0; i < 32; ++i) h32cd += "cd";
  std::string k32;
  for (int i = 0; i < 32; ++i) k32 += "ef";
  const std::string len_hex = to_hex(Bytes{static_cast<std::uint8_t>(enc.size()), 0, 0, 0});
  EXPECT_EQ(to_hex(body), "02000000" + len_hex + to_hex(enc) + sig + "00" + len_hex + to_hex(enc) + sig +
                              "01" + h32cd + "0600000000000000" + k32 + "03000000" + h32cd + h32cd + h32cd);
  const auto parsed = api::parse_auth_batch_octets(str(body));
  ASSERT_EQ(parsed.size(), 2u);
  EXPECT_EQ(parsed[0].challenge, c);
  EXPECT_EQ(parsed[0].signature, plain.signature);
  EXPECT_FALSE(parsed[0].member);
  ASSERT_TRUE(parsed[1].member);
  EXPECT_EQ(parsed[1].member->first, fleet);
  EXPECT_EQ(parsed[1].member->second.index, 6u);
  EXPECT_EQ(parsed[1].member->second.public_key, key);
  EXPECT_EQ(parsed[1].member->second.path.size(), 3u);
}

TEST(DeviceOctets, EveryMalformedBodyIsRefusedWithItsEntry) {
  const dev::Challenge c = sample_challenge();
  AuthAnswer a{c, {}, std::nullopt};
  AuthAnswer m = a;
  m.member.emplace(crypto::Hash32{}, dev::MemberProof{1, {}, std::vector<crypto::Hash32>(2)});
  const std::string body = str(api::encode_auth_answers(std::vector{a, m}));

  // Every cut is refused with a 400, never a crash or a partial parse.
  for (std::size_t n = 0; n < body.size(); ++n) {
    const auto [status, message] = refusal([&] { api::parse_auth_batch_octets(body.substr(0, n)); });
    EXPECT_EQ(status, 400) << "cut at " << n;
    EXPECT_FALSE(message.empty());
  }
  EXPECT_EQ(refusal([&] { api::parse_auth_batch_octets(body + '\0'); }).first, 400);

  // Counts: zero, over 256, more than the body holds.
  EXPECT_EQ(refusal([] { api::parse_auth_batch_octets(std::string("\0\0\0\0", 4)); }).first, 400);
  std::string over = body;
  over[0] = 0x01;
  over[1] = 0x01;  // 257
  EXPECT_EQ(refusal([&] { api::parse_auth_batch_octets(over); }).first, 400);
  std::string three = body;
  three[0] = 3;
  EXPECT_EQ(refusal([&] { api::parse_auth_batch_octets(three); }).first, 400);

  // A member flag that is not 0 or 1, a path longer than 20, a challenge that does not decode.
  const std::size_t first = 4 + 4 + dev::encode_challenge(c).size() + 64;  // first answer's flag
  std::string flag = body;
  flag[first] = 2;
  auto [fs, fm] = refusal([&] { api::parse_auth_batch_octets(flag); });
  EXPECT_EQ(fs, 400);
  EXPECT_EQ(fm.rfind("answers[0]: member must be one byte, 0 or 1", 0), 0u) << fm;
  AuthAnswer long_path = m;
  long_path.member->second.path.assign(dev::kFleetPathMax + 1, crypto::Hash32{});
  auto [ls, lm] = refusal([&] {
    api::parse_auth_batch_octets(str(api::encode_auth_answers(std::vector{a, long_path})));
  });
  EXPECT_EQ(ls, 400);
  EXPECT_EQ(lm.rfind("answers[1]: member path must be a list of at most 20 hashes", 0), 0u) << lm;
  std::string garbled = body;
  garbled[8] ^= 0x01;  // the challenge's domain tag
  auto [gs, gm] = refusal([&] { api::parse_auth_batch_octets(garbled); });
  EXPECT_EQ(gs, 400);
  EXPECT_EQ(gm.rfind("answers[0]: ", 0), 0u) << gm;

  // Asks: a TTL out of range, a purpose over its bound; a body over 1 MiB is 413.
  crypto::Hash32 some_device;
  some_device.fill(0x11);
  ChallengeRequest ask{some_device, "attach", "gnb-7", api::kChallengeTtlMsMax + 1};
  auto [ts, tm] =
      refusal([&] { api::parse_challenge_batch_octets(str(api::encode_challenge_asks(std::vector{ask}))); });
  EXPECT_EQ(ts, 400);
  EXPECT_EQ(tm.rfind("challenges[0]: ", 0), 0u) << tm;
  ask.ttl_ms = 1;
  ask.purpose.assign(dev::kPurposeBytesMax + 1, 'p');
  auto [ps, pm] =
      refusal([&] { api::parse_challenge_batch_octets(str(api::encode_challenge_asks(std::vector{ask}))); });
  EXPECT_EQ(ps, 400);
  EXPECT_EQ(pm.rfind("challenges[0]: purpose must be a string of at most 64 bytes", 0), 0u) << pm;
  EXPECT_EQ(refusal([] {
              api::parse_auth_batch_octets(std::string(api::kDeviceBatchBodyBytesMax + 1, '\1'));
            }).first,
            413);
  EXPECT_EQ(refusal([] { api::parse_challenge_batch_octets(""); }).first, 400);
  // No device has the all-zero identifier hash: nothing is issued for it.
  const ChallengeRequest nobody{crypto::Hash32{}, "attach", "gnb-7", 1'000};
  auto [zs, zm] = refusal([&] {
    api::parse_challenge_batch_octets(str(api::encode_challenge_asks(std::vector{ask, nobody})));
  });
  EXPECT_EQ(zs, 400);
  EXPECT_EQ(zm.rfind("challenges[0]: purpose", 0), 0u) << zm;
  ask.purpose = "attach";
  auto [z2, z2m] = refusal([&] {
    api::parse_challenge_batch_octets(str(api::encode_challenge_asks(std::vector{ask, nobody})));
  });
  EXPECT_EQ(z2, 400);
  EXPECT_EQ(z2m, std::string("challenges[1]: ") + api::kZeroDeviceId);
}

}  // namespace
}  // namespace telco
