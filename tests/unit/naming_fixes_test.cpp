// modules/naming: the small rules mended after review: the code of raw UTF-8 in a name,
// the own codes of set_subname and port_reject, the JSON edge's bounds (E.164 length,
// record count) and its refusal of unknown fields in records and routing.
#include <gtest/gtest.h>

#include "chain/result_code.h"
#include "modules/naming/normalize.h"
#include "modules/naming/payloads.h"
#include "modules/naming/records.h"
#include "naming_fixture.h"

namespace telco::modules::naming {
namespace {

using chain::ResultCode;
using test::addr;
using Json = nlohmann::json;

// Raw UTF-8 where an A-label belongs is "not normalised" (142) when normalize_name would
// fix it, and 140 (or 143) when no normal form exists: docs/modules/naming.md, Normalisation.
TEST(NamingFixes, RawUtf8CodeFollowsTheDocumentedRule) {
  EXPECT_EQ(check_name("m\xc3\xbcnchen.tel"), NameIssue::kNotNormalised);
  EXPECT_EQ(check_name("M\xc3\x9cNCHEN.tel"), NameIssue::kNotNormalised);  // upper case too
  EXPECT_EQ(normalize_name("m\xc3\xbcnchen.tel"), std::optional<std::string>("xn--mnchen-3ya.tel"));
  EXPECT_EQ(check_name("m\xc3\xbc\xc3.tel"), NameIssue::kInvalid);  // invalid UTF-8
  EXPECT_EQ(check_name("\xe2\x82\xac"
                       "a.tel"),
            NameIssue::kInvalid);                                        // U+20AC: outside the repertoire
  EXPECT_EQ(check_name("p\xd0\xb0ypal.tel"), NameIssue::kMixedScripts);  // Latin with Cyrillic a
}

TEST(NamingFixes, ResultCodesHaveTheirOwnSentences) {
  EXPECT_EQ(static_cast<int>(ResultCode::kNotSubname), 367);
  EXPECT_EQ(static_cast<int>(ResultCode::kNotPortDonor), 368);
  EXPECT_EQ(chain::result_name(ResultCode::kNotSubname), "not_subname");
  EXPECT_EQ(chain::result_name(ResultCode::kNotPortDonor), "not_port_donor");
  EXPECT_NE(chain::result_message(ResultCode::kNotSubname),
            chain::result_message(ResultCode::kNameUnknownZone));
}

class NamingFixesChain : public test::NamingFixture {};

TEST_F(NamingFixesChain, SetSubnameOnASecondLevelNameIsNotSubname) {
  register_name(1, "alice.tel");
  expect_refused(1, NameSetSubname{"alice.tel", addr(3)}, ResultCode::kNotSubname);
  expect_refused(1, NameSetSubname{"a.alice.com", addr(3)}, ResultCode::kNotSubname);  // not in a zone either
  EXPECT_EQ(submit(1, NameSetSubname{"a.alice.tel", addr(3)}), ResultCode::kOk);
}

TEST_F(NamingFixesChain, PortRejectByANonDonorIsNotPortDonor) {
  const std::vector<Routing> a = {{10, 100, RoutingService::kSip, "sip:+442079460123@a.example"}};
  const std::vector<Routing> b = {{10, 100, RoutingService::kSip, "sip:+442079460123@b.example"}};
  ASSERT_EQ(submit(5, NumberAllocate{"4420794", 12, addr(6)}), ResultCode::kOk);
  ASSERT_EQ(submit(5, NumberAllocate{"4420795", 12, addr(7)}), ResultCode::kOk);
  ASSERT_EQ(submit(6, NumberAssign{{{"442079460123", addr(1), a}}}), ResultCode::kOk);
  advance();
  ASSERT_EQ(submit(7, NumberPortRequest{"442079460123", addr(6), height_ + 5, b}), ResultCode::kOk);
  expect_refused(7, NumberPortReject{"442079460123", "mine"}, ResultCode::kNotPortDonor);  // the recipient
  expect_refused(1, NumberPortReject{"442079460123", "no"}, ResultCode::kNotPortDonor);    // the subscriber
  EXPECT_EQ(submit(6, NumberPortReject{"442079460123", "contract"}), ResultCode::kOk);
}

TEST(NamingFixes, AllocateJsonLengthIsBoundedByE164) {
  // Numbers as the API reads them from text: unsigned.
  const Json ok = {{"prefix", "44"}, {"length", 15u}, {"holder", addr(6).to_string()}};
  EXPECT_EQ(NumberAllocate::from_json(ok).length, 15);
  Json too_long = ok;
  too_long["length"] = 16u;
  EXPECT_THROW(NumberAllocate::from_json(too_long), std::invalid_argument);
  too_long["length"] = 255u;
  EXPECT_THROW(NumberAllocate::from_json(too_long), std::invalid_argument);
}

TEST(NamingFixes, RecordSetJsonHoldsAtMost16Records) {
  Json records = Json::array();
  for (int i = 0; i < 16; ++i) records.push_back({{"type", "TXT"}, {"value", "t" + std::to_string(i)}});
  EXPECT_EQ(records_from_json({{"records", records}}).records.size(), 16u);
  records.push_back({{"type", "TXT"}, {"value", "one too many"}});
  try {
    records_from_json({{"records", records}});
    FAIL() << "17 records accepted";
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("16"), std::string::npos);
  }
}

void expect_unknown_field(const std::function<void()>& parse, const std::string& field) {
  try {
    parse();
    FAIL() << "accepted unknown field " << field;
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("unknown field '" + field + "'"), std::string::npos) << e.what();
  }
}

TEST(NamingFixes, RecordJsonRefusesUnknownFields) {
  expect_unknown_field([] { records_from_json({{"ttl", 60}, {"recrods", Json::array()}}); }, "recrods");
  expect_unknown_field(
      [] {
        records_from_json({{"records", {{{"type", "A"}, {"value", "192.0.2.1"}, {"ttl", 5}}}}});
      },
      "ttl");
  expect_unknown_field(
      [] {
        records_from_json({{"records",
                            {{{"type", "NAPTR"},
                              {"order", 1},
                              {"preference", 1},
                              {"flags", "u"},
                              {"services", "E2U+sip"},
                              {"regexp", "!^.*$!sip:a@b!"},
                              {"replacment", "."}}}}});
      },
      "replacment");
  expect_unknown_field(
      [] {
        records_from_json({{"records",
                            {{{"type", "SRV"},
                              {"service", "_sip"},
                              {"proto", "_udp"},
                              {"priority", 1},
                              {"weight", 1},
                              {"port", 5060},
                              {"target", "a.tel"},
                              {"value", "x"}}}}});
      },
      "value");
  // The same objects without the stray field parse.
  EXPECT_EQ(records_from_json({{"records", {{{"type", "A"}, {"value", "192.0.2.1"}}}}}).records.size(), 1u);
}

TEST(NamingFixes, RoutingJsonRefusesUnknownFields) {
  expect_unknown_field([] { routing_from_json(Json::parse(R"([{"uri": "sip:a@b.example", "prio": 1}])")); },
                       "prio");
  EXPECT_EQ(routing_from_json(
                Json::parse(R"([{"uri": "sip:a@b.example", "order": 1, "preference": 2, "service": "sip"}])"))
                .size(),
            1u);
}

}  // namespace
}  // namespace telco::modules::naming
