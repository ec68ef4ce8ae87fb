// modules/naming numbers: block allocation by the numbering authority, assignment, routing,
// release, and porting (approval, donor objection, deadline, lapse, cancellation) with the
// atomic move at the port height; every refusal with its own code and no state change.
#include <gtest/gtest.h>

#include "modules/naming/limits.h"
#include "naming_fixture.h"

namespace telco::modules::naming {
namespace {

using chain::ResultCode;
using test::addr;

constexpr std::uint8_t kAuthority = 5, kOpA = 6, kOpB = 7, kNobody = 8, kAlice = 1, kBob = 2;

std::vector<Routing> sip(const std::string& uri) { return {Routing{10, 100, RoutingService::kSip, uri}}; }

class NumbersTest : public test::NamingFixture {
 protected:
  void SetUp() override {
    ASSERT_EQ(submit(kAuthority, NumberAllocate{"4420794", 12, addr(kOpA)}), ResultCode::kOk);
    ASSERT_EQ(submit(kAuthority, NumberAllocate{"4420795", 12, addr(kOpB)}), ResultCode::kOk);
    ASSERT_EQ(submit(kOpA, NumberAssign{{{"442079460123", addr(kAlice), sip("sip:+442079460123@a.example")}}}),
              ResultCode::kOk);
    advance();
  }
  std::optional<NumberRecord> number(const std::string& d) { return view_number(view_, height_, d); }
  // Opens a port of Alice's number from A to B at the earliest height; returns that height.
  std::uint64_t request_port() {
    const std::uint64_t at = height_ + 5;
    EXPECT_EQ(submit(kOpB, NumberPortRequest{"442079460123", addr(kOpA), at, sip("sip:+442079460123@b.example")}),
              ResultCode::kOk);
    return at;
  }
};

// The largest routing lists on both sides of a port make a number record above the state
// tree's 4096-byte value bound: the port request must fail with its own code (the block stays
// buildable), not reach the tree.
TEST_F(NumbersTest, PortThatWouldOutgrowTheRecordIsRefused) {
  std::vector<Routing> full;
  for (int i = 0; i < 8; ++i) {
    full.push_back({10, static_cast<std::uint16_t>(i), RoutingService::kSip, "sip:" + std::string(234, 'a' + i) + "@x"});
  }
  ASSERT_EQ(submit(kOpA, NumberSetRouting{"442079460123", full}), ResultCode::kOk);
  advance();
  expect_refused(kOpB, NumberPortRequest{"442079460123", addr(kOpA), height_ + 5, full},
                 ResultCode::kStateValueTooLarge);
}

TEST_F(NumbersTest, AllocationRules) {
  expect_refused(kOpA, NumberAllocate{"4421", 12, addr(kOpA)}, ResultCode::kNotNumberingAuthority);
  expect_refused(kAuthority, NumberAllocate{"44207941", 12, addr(kOpB)}, ResultCode::kBlockOverlaps);  // inside
  expect_refused(kAuthority, NumberAllocate{"442079", 12, addr(kOpB)}, ResultCode::kBlockOverlaps);    // around
  expect_refused(kAuthority, NumberAllocate{"4420794", 12, addr(kOpB)}, ResultCode::kBlockOverlaps);   // same
  expect_refused(kAuthority, NumberAllocate{"0442", 12, addr(kOpB)}, ResultCode::kNumberInvalid);
  expect_refused(kAuthority, NumberAllocate{"4421", 4, addr(kOpB)}, ResultCode::kNumberInvalid);   // no room
  expect_refused(kAuthority, NumberAllocate{"4421", 16, addr(kOpB)}, ResultCode::kNumberInvalid);  // > 15 digits
  expect_refused(kAuthority, NumberAllocate{"44x", 12, addr(kOpB)}, ResultCode::kNumberInvalid);
  EXPECT_EQ(submit(kAuthority, NumberAllocate{"4420796", 12, addr(kOpB)}), ResultCode::kOk);  // a sibling
  EXPECT_EQ(find_block(view_, "442079612345")->holder, addr(kOpB));
}

TEST_F(NumbersTest, NoAuthorityMeansNoAllocation) {
  chain::Genesis g = genesis_;
  g.naming->numbering_authority.reset();
  test::MapView fresh;
  state::WriteSet ws(fresh);
  modules::write_genesis_state(g, ws);
  view_ = fresh;
  view_.apply(ws.writes());
  expect_refused(kAuthority, NumberAllocate{"33", 11, addr(kOpA)}, ResultCode::kNotNumberingAuthority);
}

TEST_F(NumbersTest, AssignRules) {
  auto n = number("442079460123");
  ASSERT_TRUE(n);
  EXPECT_TRUE(n->assigned);
  EXPECT_EQ(n->subscriber, addr(kAlice));
  EXPECT_EQ(n->serving, addr(kOpA));
  expect_refused(kOpA, NumberAssign{{{"442079460123", addr(kBob), {}}}}, ResultCode::kNumberTaken);
  expect_refused(kOpB, NumberAssign{{{"442079460124", addr(kBob), {}}}}, ResultCode::kNumberNotInBlock);
  expect_refused(kOpA, NumberAssign{{{"44207946012", addr(kBob), {}}}}, ResultCode::kNumberNotInBlock);  // 11 digits
  expect_refused(kOpA, NumberAssign{{{"33123456789", addr(kBob), {}}}}, ResultCode::kNumberNotInBlock);
  expect_refused(kOpA, NumberAssign{{{"4420794601a", addr(kBob), {}}}}, ResultCode::kNumberInvalid);
  expect_refused(kOpA, NumberAssign{{{"442079460125", addr(kBob), sip("http://x")}}}, ResultCode::kRoutingInvalid);
  expect_refused(kOpA, NumberAssign{{{"442079460125", addr(kBob), sip("sip:a!b@x")}}}, ResultCode::kRoutingInvalid);
  expect_refused(kOpA, NumberAssign{{}}, ResultCode::kBatchInvalid);
  expect_refused(kOpA, NumberAssign{{{"442079460125", addr(kBob), {}}, {"442079460125", addr(kBob), {}}}},
                 ResultCode::kBatchInvalid);
  // All or nothing: one bad entry refuses the batch and assigns none of it.
  expect_refused(kOpA, NumberAssign{{{"442079460126", addr(kBob), {}}, {"442079460123", addr(kBob), {}}}},
                 ResultCode::kNumberTaken);
  EXPECT_FALSE(number("442079460126"));
  NumberAssign batch;
  for (int i = 0; i < 512; ++i) batch.assignments.push_back({"4420794" + std::to_string(10000 + i), addr(kBob), {}});
  EXPECT_EQ(submit(kOpA, batch), ResultCode::kOk);
  batch.assignments.push_back({"442079499999", addr(kBob), {}});
  expect_refused(kOpA, batch, ResultCode::kBatchInvalid);  // 513
}

TEST_F(NumbersTest, RoutingAndRelease) {
  expect_refused(kOpB, NumberSetRouting{"442079460123", sip("sip:x@b.example")}, ResultCode::kNotServingOperator);
  expect_refused(kOpA, NumberSetRouting{"442079460999", sip("sip:x@a.example")}, ResultCode::kNumberNotAssigned);
  std::vector<Routing> nine;
  for (int i = 0; i < 9; ++i) nine.push_back({10, static_cast<std::uint16_t>(i), RoutingService::kSip, "sip:a@x"});
  expect_refused(kOpA, NumberSetRouting{"442079460123", nine}, ResultCode::kRoutingInvalid);
  expect_refused(kOpA, NumberSetRouting{"442079460123", {{1, 1, RoutingService::kVoiceTel, "sip:a@x"}}},
                 ResultCode::kRoutingInvalid);
  ASSERT_EQ(submit(kOpA, NumberSetRouting{"442079460123", {{10, 100, RoutingService::kSip, "sip:alice@a.example"},
                                                           {20, 100, RoutingService::kVoiceTel, "tel:+442079460123"}}}),
            ResultCode::kOk);
  EXPECT_EQ(number("442079460123")->routing.size(), 2u);
  expect_refused(kOpB, NumberRelease{"442079460123"}, ResultCode::kNotServingOperator);
  ASSERT_EQ(submit(kOpA, NumberRelease{"442079460123"}), ResultCode::kOk);
  EXPECT_FALSE(number("442079460123")->assigned);
  expect_refused(kOpA, NumberRelease{"442079460123"}, ResultCode::kNumberNotAssigned);
  // The block holder may assign it again; the history goes on.
  ASSERT_EQ(submit(kOpA, NumberAssign{{{"442079460123", addr(kBob), {}}}}), ResultCode::kOk);
  EXPECT_EQ(number_history(view_, height_, "442079460123", 100, std::nullopt).total, 4u);
}

TEST_F(NumbersTest, PortWithApprovalMovesAtThePortHeight) {
  const std::uint64_t at = request_port();
  ASSERT_EQ(submit(kAlice, NumberPortApprove{"442079460123"}), ResultCode::kOk);
  height_ = at - 1;
  auto before = number("442079460123");
  EXPECT_EQ(before->serving, addr(kOpA));
  EXPECT_EQ(before->routing, sip("sip:+442079460123@a.example"));
  // The donor keeps serving (and may change its routing) until the port height.
  EXPECT_EQ(submit(kOpA, NumberSetRouting{"442079460123", sip("sip:+442079460123@a2.example")}), ResultCode::kOk);
  height_ = at;
  auto after = number("442079460123");
  EXPECT_EQ(after->serving, addr(kOpB));
  EXPECT_EQ(after->routing, sip("sip:+442079460123@b.example"));
  EXPECT_EQ(after->since, at);
  EXPECT_FALSE(after->port);
  EXPECT_EQ(after->subscriber, addr(kAlice));
  // Only the recipient may now change the routing; the donor may not.
  expect_refused(kOpA, NumberSetRouting{"442079460123", sip("sip:x@a.example")}, ResultCode::kNotServingOperator);
  ASSERT_EQ(submit(kOpB, NumberSetRouting{"442079460123", sip("sip:y@b.example")}), ResultCode::kOk);
  // Full history: assigned, port requested, approved, routing set, ported (at its height), routing set.
  auto h = number_history(view_, height_, "442079460123", 100, std::nullopt);
  ASSERT_EQ(h.total, 6u);
  EXPECT_EQ(h.entries[1].event, Event::kPorted);
  EXPECT_EQ(h.entries[1].height, at);
  EXPECT_EQ(h.entries[5].event, Event::kAssigned);
}

TEST_F(NumbersTest, HistoryListsADuePortBeforeAnyoneWritesIt) {
  const std::uint64_t at = request_port();
  ASSERT_EQ(submit(kAlice, NumberPortApprove{"442079460123"}), ResultCode::kOk);
  height_ = at + 3;
  auto h = number_history(view_, height_, "442079460123", 100, std::nullopt);
  ASSERT_EQ(h.total, 4u);
  EXPECT_EQ(h.entries[0].event, Event::kPorted);
  EXPECT_EQ(h.entries[0].height, at);
}

TEST_F(NumbersTest, PortRequestRefusals) {
  const std::uint64_t at = height_ + 5;
  const auto route = sip("sip:x@b.example");
  expect_refused(kOpA, NumberPortRequest{"442079460123", addr(kOpA), at, route}, ResultCode::kPortToSelf);
  expect_refused(kNobody, NumberPortRequest{"442079460123", addr(kOpA), at, route}, ResultCode::kNotAnOperator);
  expect_refused(kOpB, NumberPortRequest{"442079460123", addr(kNobody), at, route}, ResultCode::kPortDonorMismatch);
  expect_refused(kOpB, NumberPortRequest{"442079460999", addr(kOpA), at, route}, ResultCode::kNumberNotAssigned);
  expect_refused(kOpB, NumberPortRequest{"442079460123", addr(kOpA), at - 1, route}, ResultCode::kPortHeightInvalid);
  expect_refused(kOpB, NumberPortRequest{"442079460123", addr(kOpA), at + kPortScheduleSlackBlocksMax + 1, route},
                 ResultCode::kPortHeightInvalid);
  expect_refused(kOpB, NumberPortRequest{"442079460123", addr(kOpA), at, {}}, ResultCode::kRoutingInvalid);
  expect_refused(kOpB, NumberPortRequest{"4420794601234567", addr(kOpA), at, route}, ResultCode::kNumberInvalid);
  request_port();
  expect_refused(kOpB, NumberPortRequest{"442079460123", addr(kOpA), at, route}, ResultCode::kPortPending);
  // A donor cannot defeat a pending port by releasing the number.
  expect_refused(kOpA, NumberRelease{"442079460123"}, ResultCode::kPortPending);
}

TEST_F(NumbersTest, ApprovalOnlyBySubscriberBeforeThePortHeight) {
  const std::uint64_t at = request_port();
  expect_refused(kBob, NumberPortApprove{"442079460123"}, ResultCode::kPortWrongApprover);
  expect_refused(kOpB, NumberPortApprove{"442079460123"}, ResultCode::kPortWrongApprover);
  expect_refused(kAlice, NumberPortApprove{"442079460999"}, ResultCode::kNoPortPending);
  height_ = at;  // not approved in time: the request lapses
  expect_refused(kAlice, NumberPortApprove{"442079460123"}, ResultCode::kNoPortPending);
  auto n = number("442079460123");
  EXPECT_EQ(n->serving, addr(kOpA));
  EXPECT_FALSE(n->port);
  EXPECT_EQ(number_history(view_, height_, "442079460123", 100, std::nullopt).entries[0].event, Event::kPortLapsed);
}

TEST_F(NumbersTest, DonorMayObjectOnlyBeforeTheDeadline) {
  std::uint64_t requested = height_;
  request_port();
  expect_refused(kOpB, NumberPortReject{"442079460123", "no"}, ResultCode::kNotPortDonor);
  height_ = requested + 4;  // last block before the deadline (5)
  ASSERT_EQ(submit(kOpA, NumberPortReject{"442079460123", "contract check failed"}), ResultCode::kOk);
  EXPECT_FALSE(number("442079460123")->port);
  expect_refused(kOpA, NumberPortReject{"442079460123", "again"}, ResultCode::kNoPortPending);

  requested = height_;
  const std::uint64_t at = requested + 8;  // scheduled after the deadline
  ASSERT_EQ(submit(kOpB, NumberPortRequest{"442079460123", addr(kOpA), at, sip("sip:+442079460123@b.example")}),
            ResultCode::kOk);
  ASSERT_EQ(submit(kAlice, NumberPortApprove{"442079460123"}), ResultCode::kOk);
  height_ = requested + 5;  // the deadline: the donor can no longer block it
  expect_refused(kOpA, NumberPortReject{"442079460123", "too late"}, ResultCode::kPortDeadlinePassed);
  height_ = at;
  EXPECT_EQ(number("442079460123")->serving, addr(kOpB));
}

TEST_F(NumbersTest, CancelByRecipientOrSubscriber) {
  request_port();
  expect_refused(kOpA, NumberPortCancel{"442079460123"}, ResultCode::kPortNotParty);
  expect_refused(kBob, NumberPortCancel{"442079460123"}, ResultCode::kPortNotParty);
  ASSERT_EQ(submit(kAlice, NumberPortCancel{"442079460123"}), ResultCode::kOk);
  expect_refused(kOpB, NumberPortCancel{"442079460123"}, ResultCode::kNoPortPending);
  request_port();
  ASSERT_EQ(submit(kOpB, NumberPortCancel{"442079460123"}), ResultCode::kOk);
}

TEST_F(NumbersTest, PortedNumberCanPortAgainAndBack) {
  std::uint64_t at = request_port();
  ASSERT_EQ(submit(kAlice, NumberPortApprove{"442079460123"}), ResultCode::kOk);
  height_ = at;
  // Now B serves it; A (the range holder, still an operator) may win it back.
  at = height_ + 5;
  ASSERT_EQ(submit(kOpA, NumberPortRequest{"442079460123", addr(kOpB), at, sip("sip:back@a.example")}),
            ResultCode::kOk);
  ASSERT_EQ(submit(kAlice, NumberPortApprove{"442079460123"}), ResultCode::kOk);
  height_ = at;
  EXPECT_EQ(number("442079460123")->serving, addr(kOpA));
}

TEST_F(NumbersTest, PayloadJsonRoundTrips) {
  for (const chain::Payload& body :
       {NumberAllocate{"4420", 12, addr(kOpA)}.to_payload(),
        NumberAssign{{{"442079460123", addr(kAlice), sip("sip:a@b")}}}.to_payload(),
        NumberPortRequest{"442079460123", addr(kOpA), 99, sip("sip:a@b")}.to_payload(),
        NumberPortReject{"442079460123", "why"}.to_payload(), NumberPortApprove{"442079460123"}.to_payload()}) {
    const modules::PayloadHandler* h = modules::find_handler(body.type);
    ASSERT_NE(h, nullptr);
    EXPECT_EQ(h->from_json(h->to_json(body)), body) << h->name();
  }
}

}  // namespace
}  // namespace telco::modules::naming
