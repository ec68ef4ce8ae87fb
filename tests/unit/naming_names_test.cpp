// modules/naming names: commit-reveal, records, subnames, transfer, renew, expiry and grace
// at exact heights, reverse records; every refusal with its own code and no state change.
#include <gtest/gtest.h>

#include "modules/naming/limits.h"
#include "modules/naming/punycode.h"
#include "naming_fixture.h"

namespace telco::modules::naming {
namespace {

using chain::ResultCode;
using test::addr;

class NamesTest : public test::NamingFixture {};

crypto::Hash32 secret_of(std::uint8_t n) {
  crypto::Hash32 s{};
  s.fill(n);
  return s;
}

TEST_F(NamesTest, CommitRevealRegisters) {
  const crypto::Hash32 c = commitment_hash("alice.tel", addr(1), secret_of(7));
  ASSERT_EQ(submit(1, NameCommit{c}), ResultCode::kOk);
  advance();
  ASSERT_EQ(submit(1, NameReveal{"alice.tel", secret_of(7)}), ResultCode::kOk);
  auto v = name("alice.tel");
  ASSERT_TRUE(v);
  EXPECT_EQ(v->record.owner, addr(1));
  EXPECT_EQ(v->status, NameStatus::kActive);
  EXPECT_EQ(v->record.registered_at, height_);
  EXPECT_EQ(v->expires_at, height_ + 100);
  EXPECT_FALSE(load_commitment(view_, c)) << "a used commitment is removed";
  auto h = name_history(view_, "alice.tel", 10, std::nullopt);
  ASSERT_EQ(h.total, 1u);
  EXPECT_EQ(h.entries[0].event, Event::kRegistered);
}

TEST_F(NamesTest, RevealRefusals) {
  // No commitment at all.
  expect_refused(1, NameReveal{"alice.tel", secret_of(7)}, ResultCode::kCommitmentNotFound);
  // Same block as the commitment: too early (nobody may see the name before it is final).
  ASSERT_EQ(submit(1, NameCommit{commitment_hash("alice.tel", addr(1), secret_of(7))}), ResultCode::kOk);
  expect_refused(1, NameReveal{"alice.tel", secret_of(7)}, ResultCode::kRevealTooEarly);
  // A front-runner who saw the reveal cannot use it: the commitment binds the owner.
  advance();
  expect_refused(2, NameReveal{"alice.tel", secret_of(7)}, ResultCode::kCommitmentNotFound);
  // Wrong secret.
  expect_refused(1, NameReveal{"alice.tel", secret_of(8)}, ResultCode::kCommitmentNotFound);
  // After the window (10 blocks): refused; exactly at the window's end still accepted.
  advance(9);  // commit height + 10
  ASSERT_EQ(submit(1, NameCommit{commitment_hash("bob.tel", addr(1), secret_of(9))}), ResultCode::kOk);
  advance(1);  // commit(alice) + 11
  expect_refused(1, NameReveal{"alice.tel", secret_of(7)}, ResultCode::kRevealWindowPassed);
  advance(9);  // commit(bob) + 10
  EXPECT_EQ(submit(1, NameReveal{"bob.tel", secret_of(9)}), ResultCode::kOk);
}

TEST_F(NamesTest, CommitmentExistsWhileOpen) {
  const crypto::Hash32 c = commitment_hash("alice.tel", addr(1), secret_of(7));
  ASSERT_EQ(submit(1, NameCommit{c}), ResultCode::kOk);
  advance(10);
  expect_refused(1, NameCommit{c}, ResultCode::kCommitmentExists);
  advance();
  EXPECT_EQ(submit(1, NameCommit{c}), ResultCode::kOk) << "an expired commitment may be renewed";
}

TEST_F(NamesTest, TakenAndZoneAndBadNames) {
  register_name(1, "alice.tel");
  ASSERT_EQ(submit(2, NameCommit{commitment_hash("alice.tel", addr(2), secret_of(3))}), ResultCode::kOk);
  advance();
  expect_refused(2, NameReveal{"alice.tel", secret_of(3)}, ResultCode::kNameTaken);
  // Outside the chain's top-level labels, or not second-level.
  ASSERT_EQ(submit(2, NameCommit{commitment_hash("alice.com", addr(2), secret_of(3))}), ResultCode::kOk);
  ASSERT_EQ(submit(2, NameCommit{commitment_hash("a.b.tel", addr(2), secret_of(3))}), ResultCode::kOk);
  advance();
  expect_refused(2, NameReveal{"alice.com", secret_of(3)}, ResultCode::kNameUnknownZone);
  expect_refused(2, NameReveal{"a.b.tel", secret_of(3)}, ResultCode::kNameUnknownZone);
  expect_refused(2, NameReveal{"tel", secret_of(3)}, ResultCode::kNameUnknownZone);
  // Stateless refusals: each its own code.
  expect_refused(2, NameReveal{"Alice.tel", secret_of(3)}, ResultCode::kNameNotNormalised);
  expect_refused(2, NameReveal{std::string(64, 'a') + ".tel", secret_of(3)}, ResultCode::kNameTooLong);
  expect_refused(2, NameReveal{"a..tel", secret_of(3)}, ResultCode::kNameInvalid);
  const std::string homograph = "xn--" + *punycode_encode(*utf8_decode("p\xd0\xb0ypal")) + ".tel";
  expect_refused(2, NameReveal{homograph, secret_of(3)}, ResultCode::kNameMixedScripts);
}

TEST_F(NamesTest, SetRecords) {
  register_name(1, "alice.tel");
  RecordSet set;
  set.ttl = 120;
  set.records = {Record::a({192, 0, 2, 1}), Record::txt("hello"),
                 Record::srv({"_sip", "_udp", 10, 5, 5060, "sip.alice.tel"}),
                 Record::naptr({10, 100, "u", "E2U+sip", "!^.*$!sip:alice@example.com!", "."}),
                 Record::address(addr(1).bytes)};
  ASSERT_EQ(submit(1, NameSetRecords{"alice.tel", set}), ResultCode::kOk);
  EXPECT_EQ(name("alice.tel")->record.records, set);
  expect_refused(2, NameSetRecords{"alice.tel", set}, ResultCode::kNotNameOwner);
  expect_refused(1, NameSetRecords{"nobody.tel", set}, ResultCode::kNameNotFound);
  expect_refused(1, NameSetRecords{"alice.com", set}, ResultCode::kNameUnknownZone);
}

TEST_F(NamesTest, RecordRefusals) {
  register_name(1, "alice.tel");
  auto one = [](Record r) { return RecordSet{300, {std::move(r)}}; };
  expect_refused(1, NameSetRecords{"alice.tel", one({RecordType{9}, {1, 2}})}, ResultCode::kRecordTypeUnknown);
  expect_refused(1, NameSetRecords{"alice.tel", one({RecordType{0}, {}})}, ResultCode::kRecordTypeUnknown);
  expect_refused(1, NameSetRecords{"alice.tel", one({RecordType::kA, {1, 2, 3}})}, ResultCode::kRecordBadSize);
  expect_refused(1, NameSetRecords{"alice.tel", one({RecordType::kAaaa, Bytes(4)})}, ResultCode::kRecordBadSize);
  expect_refused(1, NameSetRecords{"alice.tel", one({RecordType::kEd25519Key, Bytes(31)})}, ResultCode::kRecordBadSize);
  expect_refused(1, NameSetRecords{"alice.tel", one(Record::txt(std::string(256, 'x')))}, ResultCode::kRecordBadSize);
  expect_refused(1, NameSetRecords{"alice.tel", one(Record::txt(""))}, ResultCode::kRecordBadSize);
  expect_refused(1, NameSetRecords{"alice.tel", one(Record::srv({"sip", "_udp", 1, 1, 1, "x.tel"}))},
                 ResultCode::kRecordInvalid);
  expect_refused(1, NameSetRecords{"alice.tel", one(Record::naptr({1, 1, "u!", "E2U+sip", "", "."}))},
                 ResultCode::kRecordInvalid);
  expect_refused(1, NameSetRecords{"alice.tel", one(Record::naptr({1, 1, "u", "E2U+sip", "!x!y!", "host.tel"}))},
                 ResultCode::kRecordInvalid);
  expect_refused(1, NameSetRecords{"alice.tel", one(Record::device("bad\n"))}, ResultCode::kRecordInvalid);
  RecordSet dup{300, {Record::txt("a"), Record::txt("a")}};
  expect_refused(1, NameSetRecords{"alice.tel", dup}, ResultCode::kRecordInvalid);
  RecordSet many;
  for (int i = 0; i <= 16; ++i) many.records.push_back(Record::txt("r" + std::to_string(i)));
  expect_refused(1, NameSetRecords{"alice.tel", many}, ResultCode::kRecordsTooMany);
  RecordSet ttl{86'401, {}};
  expect_refused(1, NameSetRecords{"alice.tel", ttl}, ResultCode::kRecordInvalid);
  RecordSet big;
  for (int i = 0; i < 16; ++i) big.records.push_back(Record::txt(std::string(255, static_cast<char>('a' + i))));
  expect_refused(1, NameSetRecords{"alice.tel", big}, ResultCode::kRecordBadSize);
}

TEST_F(NamesTest, TransferMovesOwnership) {
  register_name(1, "alice.tel");
  expect_refused(2, NameTransfer{"alice.tel", addr(2)}, ResultCode::kNotNameOwner);
  ASSERT_EQ(submit(1, NameTransfer{"alice.tel", addr(2)}), ResultCode::kOk);
  EXPECT_EQ(name("alice.tel")->record.owner, addr(2));
  expect_refused(1, NameTransfer{"alice.tel", addr(1)}, ResultCode::kNotNameOwner);
}

TEST_F(NamesTest, ExpiryAndGraceAtExactHeights) {
  register_name(1, "alice.tel");
  const std::uint64_t expires = name("alice.tel")->expires_at;
  height_ = expires - 1;
  EXPECT_EQ(name("alice.tel")->status, NameStatus::kActive);
  EXPECT_EQ(submit(1, NameSetRecords{"alice.tel", RecordSet{60, {Record::txt("x")}}}), ResultCode::kOk);
  height_ = expires;  // expired: grace begins
  EXPECT_EQ(name("alice.tel")->status, NameStatus::kGrace);
  expect_refused(1, NameSetRecords{"alice.tel", RecordSet{}}, ResultCode::kNameInGrace);
  expect_refused(1, NameTransfer{"alice.tel", addr(2)}, ResultCode::kNameInGrace);
  expect_refused(2, NameRenew{"alice.tel"}, ResultCode::kNotNameOwner);  // only the old owner may renew
  // Nobody else can take it during grace, up to its last block.
  height_ = expires + 15;
  ASSERT_EQ(submit(2, NameCommit{commitment_hash("alice.tel", addr(2), secret_of(5))}), ResultCode::kOk);
  height_ = expires + 19;  // last block of grace (grace = 20)
  EXPECT_EQ(name("alice.tel")->status, NameStatus::kGrace);
  expect_refused(2, NameReveal{"alice.tel", secret_of(5)}, ResultCode::kNameTaken);
  height_ = expires + 20;  // grace over: available
  EXPECT_EQ(name("alice.tel")->status, NameStatus::kAvailable);
  expect_refused(1, NameRenew{"alice.tel"}, ResultCode::kNameExpired);
  ASSERT_EQ(submit(2, NameReveal{"alice.tel", secret_of(5)}), ResultCode::kOk);
  auto v = name("alice.tel");
  EXPECT_EQ(v->record.owner, addr(2));
  EXPECT_TRUE(v->record.records.records.empty()) << "a new owner starts with no records";
  EXPECT_EQ(name_history(view_, "alice.tel", 100, std::nullopt).total, 3u) << "history spans owners";
}

TEST_F(NamesTest, RenewInGraceAndLimit) {
  register_name(1, "alice.tel");
  const std::uint64_t expires = name("alice.tel")->expires_at;
  height_ = expires + 5;
  ASSERT_EQ(submit(1, NameRenew{"alice.tel"}), ResultCode::kOk);
  EXPECT_EQ(name("alice.tel")->expires_at, expires + 100);
  EXPECT_EQ(name("alice.tel")->status, NameStatus::kActive);
  // At most 10 periods ahead of now: expiry 202 -> 1102 <= height 107 + 1000.
  for (int i = 0; i < 9; ++i) ASSERT_EQ(submit(1, NameRenew{"alice.tel"}), ResultCode::kOk) << i;
  expect_refused(1, NameRenew{"alice.tel"}, ResultCode::kRenewTooFar);
  expect_refused(1, NameRenew{"nobody.tel"}, ResultCode::kNameNotFound);
}

TEST_F(NamesTest, SubnamesFollowTheirParent) {
  register_name(1, "alice.tel");
  ASSERT_EQ(submit(1, NameSetSubname{"phone.alice.tel", addr(2)}), ResultCode::kOk);
  EXPECT_EQ(name("phone.alice.tel")->record.owner, addr(2));
  // The subname's owner sets its records and may hand out deeper names.
  ASSERT_EQ(submit(2, NameSetRecords{"phone.alice.tel", RecordSet{60, {Record::a({10, 0, 0, 2})}}}), ResultCode::kOk);
  ASSERT_EQ(submit(2, NameSetSubname{"x.phone.alice.tel", addr(3)}), ResultCode::kOk);
  expect_refused(3, NameSetSubname{"y.phone.alice.tel", addr(3)}, ResultCode::kNotNameOwner);
  expect_refused(1, NameSetSubname{"a.nobody.tel", addr(3)}, ResultCode::kParentNotFound);
  expect_refused(1, NameSetSubname{"alice.tel", addr(3)}, ResultCode::kNotSubname);
  expect_refused(1, NameRenew{"phone.alice.tel"}, ResultCode::kNameUnknownZone);
  // When alice.tel lapses and is registered anew, the old subnames are gone.
  height_ = name("alice.tel")->expires_at + 20;
  EXPECT_EQ(name("phone.alice.tel")->status, NameStatus::kAvailable);
  register_name(4, "alice.tel");
  EXPECT_EQ(name("phone.alice.tel")->status, NameStatus::kAvailable);
  expect_refused(2, NameSetRecords{"phone.alice.tel", RecordSet{}}, ResultCode::kNameNotFound);
  ASSERT_EQ(submit(4, NameSetSubname{"phone.alice.tel", addr(4)}), ResultCode::kOk);
  EXPECT_EQ(name("phone.alice.tel")->status, NameStatus::kActive);
  EXPECT_TRUE(name("phone.alice.tel")->record.records.records.empty());
}

TEST_F(NamesTest, ReverseRecordIsForwardChecked) {
  register_name(1, "alice.tel");
  expect_refused(2, NameSetReverse{"alice.tel"}, ResultCode::kNotNameOwner);
  ASSERT_EQ(submit(1, NameSetReverse{"alice.tel"}), ResultCode::kOk);
  const auto params = *genesis_.naming;
  EXPECT_EQ(reverse_name(view_, params, height_, addr(1)), "alice.tel");
  // After a transfer the old owner's reverse record no longer resolves.
  ASSERT_EQ(submit(1, NameTransfer{"alice.tel", addr(2)}), ResultCode::kOk);
  EXPECT_FALSE(reverse_name(view_, params, height_, addr(1)));
  ASSERT_EQ(submit(1, NameSetReverse{""}), ResultCode::kOk);
  EXPECT_FALSE(load_reverse(view_, addr(1)));
}

TEST_F(NamesTest, PayloadsRoundTripThroughBytesAndJson) {
  const modules::PayloadHandler* h = modules::find_handler("name.set_records");
  ASSERT_NE(h, nullptr);
  NameSetRecords p{"alice.tel", RecordSet{60, {Record::a({1, 2, 3, 4}), Record::aaaa({0x20, 0x01, 0x0d, 0xb8}),
                                               Record::srv({"_sip", "_tcp", 1, 2, 3, "h.tel"}),
                                               Record::address(addr(1).bytes), Record::device("dev-1")}}};
  const chain::Payload body = p.to_payload();
  EXPECT_EQ(h->from_json(h->to_json(body)), body);
  EXPECT_EQ(NameSetRecords::decode(body), p);
  chain::Payload trailing = body;
  trailing.body.push_back(0);
  EXPECT_EQ(h->check(trailing), ResultCode::kMalformedPayload);
  EXPECT_THROW(h->from_json({{"name", "a.tel"}, {"bogus", 1}}), std::invalid_argument);
}

}  // namespace
}  // namespace telco::modules::naming
