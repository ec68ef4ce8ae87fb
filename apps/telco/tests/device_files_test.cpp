// apps/telco/device_files: the fleet file a manufacturer builds (root and paths computed
// locally must verify against what the chain will check), the gateway's batch (ranges from
// readings, consecutive sequence numbers required), device key files.
#include "device_files.h"

#include <gtest/gtest.h>

#include "cli_error.h"
#include "modules/device/merkle.h"
#include "util/hex.h"

namespace telco::cli {
namespace {

namespace dev = modules::device;
using Json = nlohmann::json;

crypto::KeyPair key(std::uint8_t n) {
  crypto::Seed s{};
  s.fill(n);
  return crypto::KeyPair::from_seed(s);
}

TEST(DeviceFiles, FleetFilePathsVerifyAndRoundTrip) {
  Json devices = Json::array();
  for (int i = 0; i < 7; ++i) {
    devices.push_back({{"identifier", "IMEI" + std::to_string(i)},
                       {"public_key", to_hex(key(static_cast<std::uint8_t>(i + 1)).public_key())}});
  }
  const FleetFile f = build_fleet(devices);
  EXPECT_EQ(f.size, 7u);
  EXPECT_EQ(f.fleet_id, dev::fleet_id(f.root, 7));
  for (std::size_t i = 0; i < 7; ++i) {
    EXPECT_EQ(f.ids[i], dev::device_id_hash("IMEI" + std::to_string(i)));
    EXPECT_TRUE(dev::merkle_verify(dev::kFleetDomain, dev::fleet_leaf(f.ids[i], f.keys[i]), i, 7, f.paths[i],
                                   f.root));
  }
  const FleetFile back = fleet_from_json(fleet_file_json(f));
  EXPECT_EQ(back.root, f.root);
  EXPECT_EQ(back.paths, f.paths);
  EXPECT_EQ(fleet_index_of(back, f.ids[4]), 4u);
  EXPECT_THROW(fleet_index_of(back, dev::device_id_hash("other")), CliError);
  devices[2]["public_key"] = std::string(64, '0');  // not a valid key
  EXPECT_THROW(build_fleet(devices), CliError);
  EXPECT_THROW(build_fleet(Json::array()), CliError);
}

TEST(DeviceFiles, BatchRangesFromReadings) {
  const auto k = key(9);
  Json readings = Json::array();
  auto add = [&](const std::string& id, std::uint64_t seq) {
    const dev::Reading r{dev::device_id_hash(id), 1000 + seq, seq, 0, Bytes{1, 2, 3}};
    readings.push_back(reading_json(r, dev::sign_reading(k, "c", r)));
  };
  add("a", 5);
  add("b", 1);
  add("a", 6);
  add("a", 7);
  const Batch b = build_batch("c", readings);
  EXPECT_EQ(b.anchor.count, 4u);
  ASSERT_EQ(b.anchor.ranges.size(), 2u);
  EXPECT_EQ(b.anchor.check(), chain::ResultCode::kOk);
  for (const auto& r : b.anchor.ranges) {
    if (r.id_hash == dev::device_id_hash("a")) {
      EXPECT_EQ(r.first_seq, 5u);
      EXPECT_EQ(r.last_seq, 7u);
    }
  }
  for (std::size_t i = 0; i < 4; ++i) {
    auto [r, sig] = reading_from_json(b.readings[i]);
    EXPECT_TRUE(dev::merkle_verify(dev::kReadingDomain, dev::reading_leaf("c", r, sig), i, 4, b.paths[i],
                                   b.anchor.root));
  }
  add("a", 9);  // a gap: the chain could not tell the missing reading from a withheld one
  EXPECT_THROW(build_batch("c", readings), CliError);
}

TEST(DeviceFiles, DeviceKeyFileRoundTrips) {
  const DeviceKeyFile d{"356938035643809", key(3)};
  const DeviceKeyFile back = device_key_from_json(device_key_json(d));
  EXPECT_EQ(back.identifier, d.identifier);
  EXPECT_EQ(back.key.public_key(), d.key.public_key());
  EXPECT_EQ(back.id_hash(), dev::device_id_hash("356938035643809"));
  EXPECT_THROW(device_key_from_json(Json{{"identifier", "x"}}), CliError);
}

}  // namespace
}  // namespace telco::cli
