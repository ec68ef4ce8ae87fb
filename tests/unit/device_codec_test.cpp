// modules/device payload codecs: every payload round-trips through its bytes and its JSON;
// decoders refuse trailing bytes, truncation, over-long fields and another type's body.
#include <gtest/gtest.h>

#include "device_fixture.h"
#include "modules/device/limits.h"
#include "util/hex.h"

namespace telco::test {
namespace {

using namespace modules::device;

template <typename P>
void round_trips(const P& p) {
  const chain::Payload body = p.to_payload();
  EXPECT_EQ(body.type, P::kType);
  auto back = P::decode(body);
  ASSERT_TRUE(back) << P::kName;
  EXPECT_EQ(*back, p) << P::kName;
  EXPECT_EQ(P::from_json(p.to_json()), p) << P::kName;
  const modules::PayloadHandler* h = modules::find_handler(P::kType);
  ASSERT_NE(h, nullptr);
  EXPECT_EQ(h->name(), P::kName);
  EXPECT_EQ(h->from_json(h->to_json(body)), body) << P::kName;
  chain::Payload trailing = body;
  trailing.body.push_back(0);
  EXPECT_FALSE(P::decode(trailing)) << P::kName << " accepted a trailing byte";
  chain::Payload truncated = body;
  truncated.body.pop_back();
  EXPECT_FALSE(P::decode(truncated)) << P::kName << " accepted a truncated body";
  chain::Payload other = body;
  other.type = static_cast<std::uint16_t>(P::kType == 40 ? 41 : 40);
  EXPECT_FALSE(P::decode(other));
}

TEST(DeviceCodec, EveryPayloadRoundTrips) {
  const auto k = device_keypair(1).public_key();
  round_trips(DeviceRegister{device_id(1), k, addr(1), addr(2), {{"caps", "5g"}, {"model", "X"}}});
  round_trips(DeviceRegisterFleet{crypto::Hash32{3}, 1000, addr(1), addr(2), {}});
  round_trips(
      DeviceClaimFleetMember{crypto::Hash32{4}, 17, device_id(2), k, {crypto::Hash32{5}, crypto::Hash32{6}}});
  round_trips(DeviceRotateKey{device_id(3), k, std::nullopt});
  round_trips(DeviceRotateKey{device_id(3), k, crypto::Signature{9}});
  round_trips(DeviceTransfer{device_id(4), addr(3)});
  round_trips(DeviceReport{device_id(5), DeviceStatus::kLost});
  round_trips(DeviceSetStatus{device_id(6), DeviceStatus::kSuspended});
  round_trips(DeviceRevoke{device_id(7), crypto::Hash32{8}});
  round_trips(DeviceRevoke{device_id(7), {}});
  round_trips(DeviceAnchor{crypto::Hash32{1}, 3, {{device_id(1), 1, 2}, {device_id(2), 5, 5}}});
}

TEST(DeviceCodec, DecodersRefuseNonCanonicalAndOversize) {
  // A status byte beyond revoked, a boolean other than 0/1.
  chain::Payload report = DeviceReport{device_id(1), DeviceStatus::kStolen}.to_payload();
  report.body.back() = 9;
  EXPECT_FALSE(DeviceReport::decode(report));
  chain::Payload rotate =
      DeviceRotateKey{device_id(1), device_keypair(1).public_key(), std::nullopt}.to_payload();
  rotate.body.back() = 2;
  EXPECT_FALSE(DeviceRotateKey::decode(rotate));
  // A path count over the read bound is malformed; within it but over 20 has its own code.
  DeviceClaimFleetMember claim{crypto::Hash32{4}, 0, device_id(2), device_keypair(1).public_key(),
                               std::vector<crypto::Hash32>(kFleetPathFieldMax + 1)};
  EXPECT_FALSE(DeviceClaimFleetMember::decode(claim.to_payload()));
  claim.path.resize(kFleetPathMax + 1);
  ASSERT_TRUE(DeviceClaimFleetMember::decode(claim.to_payload()));
  EXPECT_EQ(claim.check(), chain::ResultCode::kFleetPathInvalid);
  // Attribute strings beyond the read bound.
  DeviceRegister reg{device_id(1),
                     device_keypair(1).public_key(),
                     addr(1),
                     addr(2),
                     {{"model", std::string(kAttributeFieldBytesMax + 1, 'x')}}};
  EXPECT_FALSE(DeviceRegister::decode(reg.to_payload()));
}

TEST(DeviceCodec, JsonRefusesUnknownFieldsWithASentence) {
  nlohmann::json j = DeviceTransfer{device_id(4), addr(3)}.to_json();
  j["colour"] = "red";
  EXPECT_THROW(DeviceTransfer::from_json(j), std::invalid_argument);
  EXPECT_THROW(DeviceTransfer::from_json({{"id_hash", "zz"}, {"new_owner", addr(3).to_string()}}),
               std::invalid_argument);
  EXPECT_THROW(DeviceReport::from_json({{"id_hash", to_hex(device_id(1))}, {"status", "borrowed"}}),
               std::invalid_argument);
}

TEST(DeviceCodec, IdentifierHashIsDomainSeparated) {
  EXPECT_EQ(device_id_hash("356938035643809"), device_id_hash("356938035643809"));
  EXPECT_NE(device_id_hash("356938035643809"), device_id_hash("356938035643808"));
  EXPECT_NE(device_id_hash("356938035643809"),
            crypto::blake2b_256(as_bytes(std::string_view("356938035643809"))));
}

}  // namespace
}  // namespace telco::test
