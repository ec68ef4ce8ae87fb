// modules/device: every transaction applied, and every refusal with its own code leaving
// state unchanged.
#include <gtest/gtest.h>

#include "device_fixture.h"
#include "modules/device/limits.h"

namespace telco::test {
namespace {

using chain::ResultCode;
using namespace modules::device;

class DeviceTx : public DeviceFixture {};

TEST_F(DeviceTx, RegisterStoresRecordHistoryAndKeyVersion) {
  register_device(7);
  const DeviceRecord d = device(7);
  EXPECT_EQ(d.public_key, device_keypair(7).public_key());
  EXPECT_EQ(d.owner, addr(3));
  EXPECT_EQ(d.serving, addr(2));
  EXPECT_EQ(d.status, DeviceStatus::kActive);
  EXPECT_EQ(d.key_version, 0u);
  EXPECT_EQ(d.history_count, 1u);
  EXPECT_EQ(d.registered_at, 1u);
  ASSERT_EQ(d.attributes.size(), 1u);
  auto h = load_history(view_, device_id(7), 0);
  ASSERT_TRUE(h);
  EXPECT_EQ(h->event, Event::kRegistered);
  EXPECT_EQ(h->actor, addr(1));
  EXPECT_EQ(h->time_ms, time_ms());
  EXPECT_EQ(load_key_version(view_, device_id(7), 0), device_keypair(7).public_key());
}

TEST_F(DeviceTx, RegisterRefusals) {
  register_device(7);
  expect_refused(1, registration(7), ResultCode::kDeviceExists);
  auto zero_id = registration(8);
  zero_id.id_hash = {};
  expect_refused(1, zero_id, ResultCode::kDeviceIdInvalid);
  auto bad_key = registration(8);
  bad_key.public_key = {};  // the identity point: small order
  expect_refused(1, bad_key, ResultCode::kDeviceKeyInvalid);
  auto unsorted = registration(8);
  unsorted.attributes = {{"z", "1"}, {"a", "2"}};
  expect_refused(1, unsorted, ResultCode::kDeviceAttributesInvalid);
  auto too_long = registration(8);
  too_long.attributes = {{"model", std::string(kAttributeValueBytesMax + 1, 'x')}};
  expect_refused(1, too_long, ResultCode::kDeviceAttributesInvalid);
  auto too_many = registration(8);
  too_many.attributes.clear();
  for (int i = 0; i <= static_cast<int>(kAttributesMax); ++i)
    too_many.attributes.emplace_back("k" + std::to_string(i), "v");
  expect_refused(1, too_many, ResultCode::kDeviceAttributesInvalid);
}

TEST_F(DeviceTx, RotateByOwnerAndByOldKey) {
  register_device(7);
  DeviceRotateKey by_owner{device_id(7), device_keypair(8).public_key(), std::nullopt};
  ASSERT_EQ(submit(3, by_owner), ResultCode::kOk);
  EXPECT_EQ(device(7).public_key, device_keypair(8).public_key());
  EXPECT_EQ(device(7).key_version, 1u);
  // Anyone may relay a rotation signed by the current key (version 1 now).
  DeviceRotateKey by_device{device_id(7), device_keypair(9).public_key(), std::nullopt};
  by_device.old_key_signature =
      device_keypair(8).sign(rotation_message(chain_id_, device_id(7), 1, device_keypair(9).public_key()));
  ASSERT_EQ(submit(4, by_device), ResultCode::kOk);
  EXPECT_EQ(device(7).key_version, 2u);
  EXPECT_EQ(load_key_version(view_, device_id(7), 1), device_keypair(8).public_key());
  EXPECT_EQ(device(7).history_count, 3u);
}

TEST_F(DeviceTx, RotateRefusals) {
  register_device(7);
  const auto new_key = device_keypair(8).public_key();
  expect_refused(4, DeviceRotateKey{device_id(7), new_key, std::nullopt}, ResultCode::kRotationNotAuthorised);
  // Signed by a key that is not the device's.
  DeviceRotateKey forged{device_id(7), new_key,
                         device_keypair(8).sign(rotation_message(chain_id_, device_id(7), 0, new_key))};
  expect_refused(4, forged, ResultCode::kRotationNotAuthorised);
  // Signed by the right key but for another chain, or a stale key version: a replay.
  DeviceRotateKey other_chain{device_id(7), new_key,
                              device_keypair(7).sign(rotation_message("other", device_id(7), 0, new_key))};
  expect_refused(4, other_chain, ResultCode::kRotationNotAuthorised);
  DeviceRotateKey stale{device_id(7), new_key,
                        device_keypair(7).sign(rotation_message(chain_id_, device_id(7), 5, new_key))};
  expect_refused(4, stale, ResultCode::kRotationNotAuthorised);
  expect_refused(3, DeviceRotateKey{device_id(7), device_keypair(7).public_key(), std::nullopt},
                 ResultCode::kRotationSameKey);
  expect_refused(3, DeviceRotateKey{device_id(99), new_key, std::nullopt}, ResultCode::kDeviceNotFound);
  expect_refused(3, DeviceRotateKey{device_id(7), crypto::PublicKey{}, std::nullopt},
                 ResultCode::kDeviceKeyInvalid);
}

TEST_F(DeviceTx, TransferAndRefusals) {
  register_device(7);
  expect_refused(4, DeviceTransfer{device_id(7), addr(4)}, ResultCode::kNotDeviceOwner);
  expect_refused(3, DeviceTransfer{device_id(7), addr(3)}, ResultCode::kTransferToSelf);
  expect_refused(3, DeviceTransfer{device_id(99), addr(4)}, ResultCode::kDeviceNotFound);
  ASSERT_EQ(submit(3, DeviceTransfer{device_id(7), addr(4)}), ResultCode::kOk);
  EXPECT_EQ(device(7).owner, addr(4));
  expect_refused(3, DeviceTransfer{device_id(7), addr(5)}, ResultCode::kNotDeviceOwner);
}

TEST_F(DeviceTx, ReportStolenListsItAndFreezesChanges) {
  register_device(7);
  expect_refused(4, DeviceReport{device_id(7), DeviceStatus::kStolen}, ResultCode::kNotDeviceOwner);
  expect_refused(3, DeviceReport{device_id(7), DeviceStatus::kSuspended}, ResultCode::kDeviceStatusInvalid);
  advance();
  ASSERT_EQ(submit(3, DeviceReport{device_id(7), DeviceStatus::kStolen}), ResultCode::kOk);
  EXPECT_EQ(device(7).status, DeviceStatus::kStolen);
  auto listed = load_stolen(view_, device_id(7));
  ASSERT_TRUE(listed);
  EXPECT_EQ(listed->status, DeviceStatus::kStolen);
  EXPECT_EQ(listed->height, 2u);
  EXPECT_EQ(listed->reporter, addr(3));
  EXPECT_FALSE(load_stolen(view_, device_id(8)));
  expect_refused(3, DeviceTransfer{device_id(7), addr(4)}, ResultCode::kDeviceReported);
  expect_refused(3, DeviceRotateKey{device_id(7), device_keypair(8).public_key(), std::nullopt},
                 ResultCode::kDeviceReported);
  expect_refused(3, DeviceReport{device_id(7), DeviceStatus::kLost}, ResultCode::kDeviceReported);
  expect_refused(2, DeviceSetStatus{device_id(7), DeviceStatus::kSuspended}, ResultCode::kDeviceReported);
}

TEST_F(DeviceTx, ReportLost) {
  register_device(7);
  ASSERT_EQ(submit(3, DeviceReport{device_id(7), DeviceStatus::kLost}), ResultCode::kOk);
  EXPECT_EQ(device(7).status, DeviceStatus::kLost);
  EXPECT_EQ(load_stolen(view_, device_id(7))->status, DeviceStatus::kLost);
  EXPECT_EQ(load_history(view_, device_id(7), 1)->event, Event::kReportedLost);
}

TEST_F(DeviceTx, OperatorSuspendsAndResumes) {
  register_device(7);
  expect_refused(3, DeviceSetStatus{device_id(7), DeviceStatus::kSuspended}, ResultCode::kNotDeviceOperator);
  expect_refused(2, DeviceSetStatus{device_id(7), DeviceStatus::kActive},
                 ResultCode::kDeviceStatusTransition);
  expect_refused(2, DeviceSetStatus{device_id(7), DeviceStatus::kRevoked}, ResultCode::kDeviceStatusInvalid);
  ASSERT_EQ(submit(2, DeviceSetStatus{device_id(7), DeviceStatus::kSuspended}), ResultCode::kOk);
  EXPECT_EQ(device(7).status, DeviceStatus::kSuspended);
  expect_refused(2, DeviceSetStatus{device_id(7), DeviceStatus::kSuspended},
                 ResultCode::kDeviceStatusTransition);
  ASSERT_EQ(submit(2, DeviceSetStatus{device_id(7), DeviceStatus::kActive}), ResultCode::kOk);
  EXPECT_EQ(device(7).status, DeviceStatus::kActive);
  EXPECT_EQ(load_history(view_, device_id(7), 2)->event, Event::kResumed);
}

TEST_F(DeviceTx, RevokeIsFinal) {
  register_device(7);
  expect_refused(4, DeviceRevoke{device_id(7), {}}, ResultCode::kNotDeviceOwner);
  expect_refused(4, DeviceRevoke{device_id(99), {}}, ResultCode::kDeviceNotFound);
  ASSERT_EQ(submit(2, DeviceRevoke{device_id(7), {}}), ResultCode::kOk);  // the operator may revoke
  EXPECT_EQ(device(7).status, DeviceStatus::kRevoked);
  expect_refused(3, DeviceRevoke{device_id(7), {}}, ResultCode::kDeviceRevoked);
  expect_refused(3, DeviceTransfer{device_id(7), addr(4)}, ResultCode::kDeviceRevoked);
  expect_refused(2, DeviceSetStatus{device_id(7), DeviceStatus::kActive}, ResultCode::kDeviceRevoked);
  expect_refused(3, DeviceReport{device_id(7), DeviceStatus::kStolen}, ResultCode::kDeviceRevoked);
}

TEST_F(DeviceTx, StolenDeviceCanStillBeRevoked) {
  register_device(7);
  ASSERT_EQ(submit(3, DeviceReport{device_id(7), DeviceStatus::kStolen}), ResultCode::kOk);
  ASSERT_EQ(submit(3, DeviceRevoke{device_id(7), {}}), ResultCode::kOk);
  EXPECT_EQ(device(7).status, DeviceStatus::kRevoked);
  EXPECT_TRUE(load_stolen(view_, device_id(7)));  // the stolen list keeps its record
}

TEST_F(DeviceTx, FleetRegisterClaimAndRevokeMember) {
  const TestFleet fleet(5);
  const crypto::Hash32 root = merkle_root(kFleetDomain, fleet.leaves);
  const DeviceRegisterFleet reg{root, 5, addr(3), addr(2), {{"model", "S-1"}}};
  ASSERT_EQ(submit(1, reg), ResultCode::kOk);
  const crypto::Hash32 id = fleet_id(root, 5);
  ASSERT_TRUE(load_fleet(view_, id));
  expect_refused(1, reg, ResultCode::kFleetExists);

  MerkleTree tree(kFleetDomain, fleet.leaves);
  DeviceClaimFleetMember claim{id, 3, fleet.ids[3], fleet.keys[3], tree.path(3)};
  ASSERT_EQ(submit(4, claim), ResultCode::kOk);
  const auto d = load_device(view_, fleet.ids[3]);
  ASSERT_TRUE(d);
  EXPECT_EQ(d->owner, addr(3));
  EXPECT_EQ(d->serving, addr(2));
  EXPECT_EQ(d->fleet, id);
  EXPECT_EQ(d->attributes, (std::vector<Attribute>{{"model", "S-1"}}));
  EXPECT_EQ(load_member(view_, id, fleet.ids[3]), MemberMark::kClaimed);
  expect_refused(4, claim, ResultCode::kFleetMemberClaimed);

  // A claimed member is managed like any device.
  ASSERT_EQ(submit(3, DeviceRevoke{fleet.ids[3], id}), ResultCode::kOk);
  EXPECT_EQ(load_device(view_, fleet.ids[3])->status, DeviceStatus::kRevoked);

  // An unclaimed member is revoked by the fleet's owner; it can then never be claimed.
  expect_refused(4, DeviceRevoke{fleet.ids[1], id}, ResultCode::kNotFleetOwner);
  ASSERT_EQ(submit(3, DeviceRevoke{fleet.ids[1], id}), ResultCode::kOk);
  expect_refused(3, DeviceRevoke{fleet.ids[1], id}, ResultCode::kFleetMemberRevoked);
  expect_refused(4, DeviceClaimFleetMember{id, 1, fleet.ids[1], fleet.keys[1], tree.path(1)},
                 ResultCode::kFleetMemberRevoked);
  expect_refused(3, DeviceRevoke{fleet.ids[1], crypto::Hash32{7}}, ResultCode::kFleetNotFound);
}

TEST_F(DeviceTx, FleetRefusals) {
  const TestFleet fleet(6);
  const crypto::Hash32 root = merkle_root(kFleetDomain, fleet.leaves);
  expect_refused(1, DeviceRegisterFleet{root, 0, addr(3), addr(2), {}}, ResultCode::kFleetSizeInvalid);
  expect_refused(1, DeviceRegisterFleet{root, kFleetSizeMax + 1, addr(3), addr(2), {}},
                 ResultCode::kFleetSizeInvalid);
  expect_refused(1, DeviceRegisterFleet{{}, 6, addr(3), addr(2), {}}, ResultCode::kDeviceIdInvalid);
  ASSERT_EQ(submit(1, DeviceRegisterFleet{root, 6, addr(3), addr(2), {}}), ResultCode::kOk);
  const crypto::Hash32 id = fleet_id(root, 6);
  MerkleTree tree(kFleetDomain, fleet.leaves);

  expect_refused(4, DeviceClaimFleetMember{crypto::Hash32{9}, 2, fleet.ids[2], fleet.keys[2], tree.path(2)},
                 ResultCode::kFleetNotFound);
  // Wrong index, wrong key, a tampered path.
  expect_refused(4, DeviceClaimFleetMember{id, 3, fleet.ids[2], fleet.keys[2], tree.path(2)},
                 ResultCode::kFleetPathMismatch);
  expect_refused(4, DeviceClaimFleetMember{id, 2, fleet.ids[2], fleet.keys[4], tree.path(2)},
                 ResultCode::kFleetPathMismatch);
  auto tampered = tree.path(2);
  tampered[0][5] ^= 1;
  expect_refused(4, DeviceClaimFleetMember{id, 2, fleet.ids[2], fleet.keys[2], tampered},
                 ResultCode::kFleetPathMismatch);
  // A path for another fleet.
  const TestFleet other(6);
  std::vector<crypto::Hash32> other_leaves = other.leaves;
  other_leaves[0] = fleet_leaf(device_id(5555), device_keypair(77).public_key());
  MerkleTree other_tree(kFleetDomain, other_leaves);
  expect_refused(
      4, DeviceClaimFleetMember{id, 0, device_id(5555), device_keypair(77).public_key(), other_tree.path(0)},
      ResultCode::kFleetPathMismatch);
  // Too long a path is refused before state is read.
  expect_refused(4,
                 DeviceClaimFleetMember{id, 2, fleet.ids[2], fleet.keys[2],
                                        std::vector<crypto::Hash32>(kFleetPathMax + 1)},
                 ResultCode::kFleetPathInvalid);
  // A member whose identifier is already registered on its own.
  ASSERT_EQ(submit(1, DeviceRegister{fleet.ids[5], fleet.keys[5], addr(4), addr(2), {}}), ResultCode::kOk);
  expect_refused(4, DeviceClaimFleetMember{id, 5, fleet.ids[5], fleet.keys[5], tree.path(5)},
                 ResultCode::kDeviceExists);
}

TEST_F(DeviceTx, FleetOfAMillionFitsInUnderOneKiB) {
  const DeviceRegisterFleet reg{crypto::Hash32{1},
                                kFleetSizeMax,
                                addr(3),
                                addr(2),
                                {{"capabilities", "nb-iot,lte-m"}, {"model", "S-1"}}};
  EXPECT_EQ(reg.check(), ResultCode::kOk);
  chain::Transaction tx;
  tx.chain_id = chain_id_;
  tx.fee = 1000;
  tx.payload = reg.to_payload();
  tx.sign(key(1));
  EXPECT_LT(tx.encode().size(), 1024u);
}

class DeviceAnchorTx : public DeviceFixture {
 protected:
  DeviceAnchorTx() {
    register_device(7);
    register_device(8);
  }
};

TEST_F(DeviceAnchorTx, AnchorTracksSequences) {
  const DeviceAnchor a{crypto::Hash32{1}, 5, {{device_id(7), 1, 3}, {device_id(8), 1, 2}}};
  ASSERT_EQ(submit(2, a), ResultCode::kOk);
  auto rec = load_anchor(view_, crypto::Hash32{1});
  ASSERT_TRUE(rec);
  EXPECT_EQ(rec->gateway, addr(2));
  EXPECT_EQ(rec->count, 5u);
  EXPECT_EQ(rec->time_ms, time_ms());
  EXPECT_EQ(device(7).reading_seq, 3u);
  EXPECT_EQ(device(8).reading_seq, 2u);
  expect_refused(2, a, ResultCode::kAnchorExists);
  // Replayed or reordered: the next batch must start above the last anchored sequence.
  expect_refused(2, DeviceAnchor{crypto::Hash32{2}, 1, {{device_id(7), 3, 3}}}, ResultCode::kReadingSeqStale);
  expect_refused(2, DeviceAnchor{crypto::Hash32{2}, 2, {{device_id(8), 4, 4}, {device_id(7), 2, 2}}},
                 ResultCode::kReadingSeqStale);
  ASSERT_EQ(submit(3, DeviceAnchor{crypto::Hash32{2}, 1, {{device_id(7), 4, 4}}}), ResultCode::kOk);
}

TEST_F(DeviceAnchorTx, AnchorRefusals) {
  expect_refused(4, DeviceAnchor{crypto::Hash32{1}, 1, {{device_id(7), 1, 1}}},
                 ResultCode::kAnchorNotAuthorised);
  expect_refused(2, DeviceAnchor{crypto::Hash32{1}, 1, {{device_id(99), 1, 1}}}, ResultCode::kDeviceNotFound);
  expect_refused(2, DeviceAnchor{crypto::Hash32{1}, 2, {{device_id(7), 1, 1}}},
                 ResultCode::kAnchorBatchInvalid);
  expect_refused(2, DeviceAnchor{crypto::Hash32{1}, 0, {}}, ResultCode::kAnchorBatchInvalid);
  expect_refused(2, DeviceAnchor{crypto::Hash32{1}, 1, {{device_id(7), 0, 0}}},
                 ResultCode::kAnchorBatchInvalid);
  expect_refused(2, DeviceAnchor{crypto::Hash32{1}, 2, {{device_id(7), 2, 1}}},
                 ResultCode::kAnchorBatchInvalid);
  expect_refused(2, DeviceAnchor{crypto::Hash32{1}, 2, {{device_id(7), 1, 1}, {device_id(7), 2, 2}}},
                 ResultCode::kAnchorBatchInvalid);
  expect_refused(2, DeviceAnchor{{}, 1, {{device_id(7), 1, 1}}}, ResultCode::kDeviceIdInvalid);
  ASSERT_EQ(submit(2, DeviceSetStatus{device_id(8), DeviceStatus::kSuspended}), ResultCode::kOk);
  expect_refused(2, DeviceAnchor{crypto::Hash32{1}, 2, {{device_id(7), 1, 1}, {device_id(8), 1, 1}}},
                 ResultCode::kAnchorNotAuthorised);
  EXPECT_EQ(device(7).reading_seq, 0u);  // all or nothing
}

TEST(DeviceCodes, DeviceCodesAreInTheirRangesWithSentences) {
  for (int n = 160; n <= 166; ++n) {
    const auto c = static_cast<ResultCode>(n);
    EXPECT_EQ(chain::classify(c), chain::ResultClass::kMalformed);
    EXPECT_NE(chain::result_name(c), "unknown_code") << n;
  }
  for (int n = 370; n <= 388; ++n) {
    const auto c = static_cast<ResultCode>(n);
    EXPECT_EQ(chain::classify(c), chain::ResultClass::kFailedInBlock);
    EXPECT_NE(chain::result_name(c), "unknown_code") << n;
    EXPECT_NE(chain::result_message(c), "unknown result code") << n;
  }
}

}  // namespace
}  // namespace telco::test
