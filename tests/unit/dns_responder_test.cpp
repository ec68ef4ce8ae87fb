// dns/responder: answers from naming state for every RCODE we give (NOERROR, NXDOMAIN,
// REFUSED, FORMERR, NOTIMP, BADVERS), the AA and TC bits, EDNS0 sizes, ENUM NAPTR records
// of numbers (RFC 6116) before and after a port, and malformed packets. Queries and
// responses are built and read with ldns, as a resolver would.
#include <gtest/gtest.h>

#include "dns/ldns_include.h"
#include "dns/responder.h"
#include "naming_fixture.h"

namespace telco::dns {
namespace {

namespace naming = modules::naming;
using chain::ResultCode;
using test::addr;

struct Pkt {
  ldns_pkt* p = nullptr;
  ~Pkt() { ldns_pkt_free(p); }
};

Bytes wire_of(ldns_pkt* q) {
  std::uint8_t* w = nullptr;
  std::size_t n = 0;
  EXPECT_EQ(ldns_pkt2wire(&w, q, &n), LDNS_STATUS_OK);
  Bytes out(w, w + n);
  LDNS_FREE(w);
  return out;
}

Bytes make_query(const std::string& name, ldns_rr_type type, std::optional<std::uint16_t> edns = std::nullopt,
                 std::uint16_t id = 0x1234) {
  ldns_pkt* q = ldns_pkt_query_new(ldns_dname_new_frm_str(name.c_str()), type, LDNS_RR_CLASS_IN, LDNS_RD);
  ldns_pkt_set_id(q, id);
  if (edns) ldns_pkt_set_edns_udp_size(q, *edns);
  Bytes out = wire_of(q);
  ldns_pkt_free(q);
  return out;
}

std::string rdf_text(const ldns_rdf* r) {
  char* s = ldns_rdf2str(r);
  std::string out(s ? s : "");
  free(s);
  return out;
}

std::string rr_text(const ldns_rr* rr) {
  char* s = ldns_rr2str(rr);
  std::string out(s ? s : "");
  free(s);
  while (!out.empty() && (out.back() == '\n')) out.pop_back();
  return out;
}

class DnsResponder : public test::NamingFixture {
 protected:
  void SetUp() override {
    register_name(1, "alice.tel");
    naming::RecordSet set{
        120,
        {naming::Record::a({192, 0, 2, 1}),
         naming::Record::aaaa({0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1}),
         naming::Record::txt("hello world"),
         naming::Record::srv({"_sip", "_udp", 10, 5, 5060, "sip.alice.tel"}),
         naming::Record::naptr({100, 10, "u", "E2U+sip", "!^.*$!sip:alice@alice.tel!", "."}),
         naming::Record::key(Bytes(32, 7))}};
    ASSERT_EQ(submit(1, naming::NameSetRecords{"alice.tel", set}), ResultCode::kOk);
    ASSERT_EQ(submit(5, naming::NumberAllocate{"4155512", 10, addr(6)}), ResultCode::kOk);
    ASSERT_EQ(submit(5, naming::NumberAllocate{"4155513", 10, addr(7)}), ResultCode::kOk);
    ASSERT_EQ(submit(6, naming::NumberAssign{{{"4155512345",
                                               addr(2),
                                               {{10, 100, naming::RoutingService::kSip,
                                                 "sip:+14155512345@a.example"}}}}}),
              ResultCode::kOk);
    advance();
  }

  Bytes ask(ByteView query, Transport t = Transport::kUdp) {
    params_ = *genesis_.naming;
    return respond(ZoneSource{view_, params_, height_}, query, t);
  }
  // Parses the answer; fails the test if it is not a valid DNS message.
  void ask_parsed(const Bytes& query, Pkt& out, Transport t = Transport::kUdp) {
    const Bytes r = ask(query, t);
    ASSERT_FALSE(r.empty());
    ASSERT_EQ(ldns_wire2pkt(&out.p, r.data(), r.size()), LDNS_STATUS_OK);
    last_size_ = r.size();
  }
  chain::NamingParams params_;
  std::size_t last_size_ = 0;
};

TEST_F(DnsResponder, AnswersEachRecordTypeAuthoritatively) {
  Pkt a;
  ask_parsed(make_query("alice.tel.", LDNS_RR_TYPE_A), a);
  EXPECT_EQ(ldns_pkt_get_rcode(a.p), LDNS_RCODE_NOERROR);
  EXPECT_TRUE(ldns_pkt_aa(a.p));
  EXPECT_TRUE(ldns_pkt_qr(a.p));
  EXPECT_EQ(ldns_pkt_id(a.p), 0x1234);
  ASSERT_EQ(ldns_pkt_ancount(a.p), 1);
  EXPECT_EQ(rr_text(ldns_rr_list_rr(ldns_pkt_answer(a.p), 0)), "alice.tel.\t120\tIN\tA\t192.0.2.1");

  Pkt aaaa;
  ask_parsed(make_query("alice.tel.", LDNS_RR_TYPE_AAAA), aaaa);
  ASSERT_EQ(ldns_pkt_ancount(aaaa.p), 1);
  EXPECT_EQ(rr_text(ldns_rr_list_rr(ldns_pkt_answer(aaaa.p), 0)), "alice.tel.\t120\tIN\tAAAA\t2001:db8::1");

  Pkt txt;
  ask_parsed(make_query("alice.tel.", LDNS_RR_TYPE_TXT), txt);
  ASSERT_EQ(ldns_pkt_ancount(txt.p), 1);
  EXPECT_EQ(rr_text(ldns_rr_list_rr(ldns_pkt_answer(txt.p), 0)), "alice.tel.\t120\tIN\tTXT\t\"hello world\"");

  Pkt naptr;
  ask_parsed(make_query("alice.tel.", LDNS_RR_TYPE_NAPTR), naptr);
  ASSERT_EQ(ldns_pkt_ancount(naptr.p), 1);
  EXPECT_EQ(rr_text(ldns_rr_list_rr(ldns_pkt_answer(naptr.p), 0)),
            "alice.tel.\t120\tIN\tNAPTR\t100 10 \"u\" \"E2U+sip\" \"!^.*$!sip:alice@alice.tel!\" .");

  Pkt srv;
  ask_parsed(make_query("_sip._udp.alice.tel.", LDNS_RR_TYPE_SRV), srv);
  EXPECT_EQ(ldns_pkt_get_rcode(srv.p), LDNS_RCODE_NOERROR);
  ASSERT_EQ(ldns_pkt_ancount(srv.p), 1);
  EXPECT_EQ(rr_text(ldns_rr_list_rr(ldns_pkt_answer(srv.p), 0)),
            "_sip._udp.alice.tel.\t120\tIN\tSRV\t10 5 5060 sip.alice.tel.");

  Pkt any;
  ask_parsed(make_query("alice.tel.", LDNS_RR_TYPE_ANY), any);
  EXPECT_EQ(ldns_pkt_ancount(any.p), 4);  // A, AAAA, TXT, NAPTR; the key has no DNS type
}

TEST_F(DnsResponder, NamesAreCaseInsensitiveAndTheQuestionIsEchoed) {
  Pkt r;
  ask_parsed(make_query("AlIcE.TeL.", LDNS_RR_TYPE_A), r);
  EXPECT_EQ(ldns_pkt_ancount(r.p), 1);
  ASSERT_EQ(ldns_pkt_qdcount(r.p), 1);
  EXPECT_EQ(rdf_text(ldns_rr_owner(ldns_rr_list_rr(ldns_pkt_question(r.p), 0))), "AlIcE.TeL.");
}

TEST_F(DnsResponder, NxdomainAndNodataCarryTheSoa) {
  for (const char* missing : {"bob.tel.", "x.alice.tel.", "_sip._tcp.alice.tel.", "n\\000ul.tel."}) {
    Pkt r;
    ask_parsed(make_query(missing, LDNS_RR_TYPE_A), r);
    EXPECT_EQ(ldns_pkt_get_rcode(r.p), LDNS_RCODE_NXDOMAIN) << missing;
    EXPECT_TRUE(ldns_pkt_aa(r.p));
    EXPECT_EQ(ldns_pkt_ancount(r.p), 0);
    ASSERT_EQ(ldns_pkt_nscount(r.p), 1);
    const ldns_rr* soa = ldns_rr_list_rr(ldns_pkt_authority(r.p), 0);
    EXPECT_EQ(ldns_rr_get_type(soa), LDNS_RR_TYPE_SOA);
    EXPECT_EQ(rdf_text(ldns_rr_owner(soa)), "tel.");
  }
  for (ldns_rr_type t : {LDNS_RR_TYPE_MX, static_cast<ldns_rr_type>(65000)}) {
    Pkt r;
    ask_parsed(make_query("alice.tel.", t), r);
    EXPECT_EQ(ldns_pkt_get_rcode(r.p), LDNS_RCODE_NOERROR);
    EXPECT_EQ(ldns_pkt_ancount(r.p), 0);
    EXPECT_EQ(ldns_pkt_nscount(r.p), 1);
  }
}

TEST_F(DnsResponder, ApexAnswersSoaWithTheHeightAsSerial) {
  Pkt r;
  ask_parsed(make_query("tel.", LDNS_RR_TYPE_SOA), r);
  ASSERT_EQ(ldns_pkt_ancount(r.p), 1);
  const ldns_rr* soa = ldns_rr_list_rr(ldns_pkt_answer(r.p), 0);
  EXPECT_EQ(ldns_rdf2native_int32(ldns_rr_rdf(soa, 2)), height_);
  Pkt e;
  ask_parsed(make_query("e164.arpa.", LDNS_RR_TYPE_SOA), e);
  EXPECT_EQ(ldns_pkt_ancount(e.p), 1);
}

TEST_F(DnsResponder, RefusesZonesItDoesNotServe) {
  for (const char* other :
       {"example.com.", "arpa.", ".", "in-addr.arpa.", "ns.e164.arpa.x.", "a\\.e164.arpa.", "x\\.tel."}) {
    Pkt r;
    ask_parsed(make_query(other, LDNS_RR_TYPE_A), r);
    EXPECT_EQ(ldns_pkt_get_rcode(r.p), LDNS_RCODE_REFUSED) << other;
    EXPECT_FALSE(ldns_pkt_aa(r.p));
    EXPECT_EQ(ldns_pkt_ancount(r.p), 0);
  }
  Pkt axfr;
  ask_parsed(make_query("tel.", LDNS_RR_TYPE_AXFR), axfr, Transport::kTcp);
  EXPECT_EQ(ldns_pkt_get_rcode(axfr.p), LDNS_RCODE_REFUSED);
}

TEST_F(DnsResponder, ExpiredNamesDoNotResolve) {
  height_ = name("alice.tel")->expires_at;  // grace
  Pkt r;
  ask_parsed(make_query("alice.tel.", LDNS_RR_TYPE_A), r);
  EXPECT_EQ(ldns_pkt_get_rcode(r.p), LDNS_RCODE_NXDOMAIN);
}

TEST_F(DnsResponder, EnumNaptrFollowsRfc6116AndMovesWithAPort) {
  const std::string owner = "5.4.3.2.1.5.5.5.1.4.e164.arpa.";
  Pkt r;
  ask_parsed(make_query(owner, LDNS_RR_TYPE_NAPTR), r);
  EXPECT_EQ(ldns_pkt_get_rcode(r.p), LDNS_RCODE_NOERROR);
  EXPECT_TRUE(ldns_pkt_aa(r.p));
  ASSERT_EQ(ldns_pkt_ancount(r.p), 1);
  EXPECT_EQ(rr_text(ldns_rr_list_rr(ldns_pkt_answer(r.p), 0)),
            owner + "\t60\tIN\tNAPTR\t10 100 \"u\" \"E2U+sip\" \"!^.*$!sip:+14155512345@a.example!\" .");

  // Port to operator 7 at the earliest height; the subscriber approves.
  const std::uint64_t at = height_ + 5;
  ASSERT_EQ(submit(7, naming::NumberPortRequest{"4155512345",
                                                addr(6),
                                                at,
                                                {{10, 100, naming::RoutingService::kSip,
                                                  "sip:+14155512345@b.example"}}}),
            ResultCode::kOk);
  ASSERT_EQ(submit(2, naming::NumberPortApprove{"4155512345"}), ResultCode::kOk);
  height_ = at - 1;
  Pkt before;
  ask_parsed(make_query(owner, LDNS_RR_TYPE_NAPTR), before);
  EXPECT_NE(rr_text(ldns_rr_list_rr(ldns_pkt_answer(before.p), 0)).find("@a.example"), std::string::npos);
  height_ = at;
  Pkt after;
  ask_parsed(make_query(owner, LDNS_RR_TYPE_NAPTR), after);
  ASSERT_EQ(ldns_pkt_ancount(after.p), 1);
  EXPECT_NE(rr_text(ldns_rr_list_rr(ldns_pkt_answer(after.p), 0)).find("@b.example"), std::string::npos);

  // Unassigned, malformed and partial numbers are NXDOMAIN; other types are NODATA.
  for (const char* n : {"6.4.3.2.1.5.5.5.1.4.e164.arpa.", "12.4.3.2.1.5.5.5.1.4.e164.arpa.", "4.1.e164.arpa.",
                        "x.5.5.1.4.e164.arpa.", "5.4.3.2.1.5.5.5.1.0.e164.arpa."}) {
    Pkt nx;
    ask_parsed(make_query(n, LDNS_RR_TYPE_NAPTR), nx);
    EXPECT_EQ(ldns_pkt_get_rcode(nx.p), LDNS_RCODE_NXDOMAIN) << n;
    EXPECT_EQ(ldns_pkt_nscount(nx.p), 1) << n;
  }
  Pkt nodata;
  ask_parsed(make_query(owner, LDNS_RR_TYPE_A), nodata);
  EXPECT_EQ(ldns_pkt_get_rcode(nodata.p), LDNS_RCODE_NOERROR);
  EXPECT_EQ(ldns_pkt_ancount(nodata.p), 0);
}

TEST_F(DnsResponder, LargeAnswersTruncateOverUdpAndFitEdnsOrTcp) {
  naming::RecordSet big{300, {}};
  for (int i = 0; i < 12; ++i)
    big.records.push_back(naming::Record::txt(std::string(200, static_cast<char>('a' + i))));
  ASSERT_EQ(submit(1, naming::NameSetRecords{"alice.tel", big}), ResultCode::kOk);

  Pkt udp;
  ask_parsed(make_query("alice.tel.", LDNS_RR_TYPE_TXT), udp);
  EXPECT_TRUE(ldns_pkt_tc(udp.p));
  EXPECT_TRUE(ldns_pkt_aa(udp.p));
  EXPECT_EQ(ldns_pkt_ancount(udp.p), 0);
  EXPECT_EQ(ldns_pkt_qdcount(udp.p), 1);
  EXPECT_LE(last_size_, kUdpPlainBytesMax);

  Pkt edns_small;  // EDNS asking for 1232 bytes: still too small for 12 x 200 bytes
  ask_parsed(make_query("alice.tel.", LDNS_RR_TYPE_TXT, 1232), edns_small);
  EXPECT_TRUE(ldns_pkt_tc(edns_small.p));
  EXPECT_TRUE(ldns_pkt_edns(edns_small.p));  // the OPT record is echoed
  EXPECT_EQ(ldns_pkt_edns_udp_size(edns_small.p), kAdvertisedUdpPayload);

  Pkt edns;
  ask_parsed(make_query("alice.tel.", LDNS_RR_TYPE_TXT, 4096), edns);
  EXPECT_FALSE(ldns_pkt_tc(edns.p));
  EXPECT_EQ(ldns_pkt_ancount(edns.p), 12);
  EXPECT_GT(last_size_, 2048u);

  Pkt tcp;
  ask_parsed(make_query("alice.tel.", LDNS_RR_TYPE_TXT), tcp, Transport::kTcp);
  EXPECT_FALSE(ldns_pkt_tc(tcp.p));
  EXPECT_EQ(ldns_pkt_ancount(tcp.p), 12);

  Pkt small;  // a small answer over plain UDP is not truncated
  ask_parsed(make_query("bob.tel.", LDNS_RR_TYPE_TXT), small);
  EXPECT_FALSE(ldns_pkt_tc(small.p));
}

// Answers go out with names in full; an answer that only fits its transport with names
// compressed is compressed rather than truncated.
TEST_F(DnsResponder, NamesAreCompressedOnlyWhenAnAnswerWouldNotFitOtherwise) {
  Pkt one;
  ask_parsed(make_query("alice.tel.", LDNS_RR_TYPE_A), one);
  const Bytes plain = ask(make_query("alice.tel.", LDNS_RR_TYPE_A));
  // Header, question (11-byte name + 4), answer with its owner in full (11 + 10 + 4).
  EXPECT_EQ(plain.size(), 12u + 15u + 25u);
  EXPECT_EQ(ldns_pkt_ancount(one.p), 1);

  // Twelve TXT records of 23 characters under a 46-byte owner: 12 x (46 + 10 + 24) = 960
  // bytes of answers in full, over the 512 of plain UDP; compressed, 12 x (2 + 10 + 24) = 432,
  // 494 with header and question: it fits.
  const std::string owner = "a-rather-long-name-for-compression-tests.tel";
  register_name(3, owner);
  naming::RecordSet set{60, {}};
  for (int i = 0; i < 12; ++i) set.records.push_back(naming::Record::txt(std::string(23, static_cast<char>('a' + i))));
  ASSERT_EQ(submit(3, naming::NameSetRecords{owner, set}), ResultCode::kOk);
  advance();
  Pkt fits;
  ask_parsed(make_query(owner + ".", LDNS_RR_TYPE_TXT), fits);
  EXPECT_FALSE(ldns_pkt_tc(fits.p));
  EXPECT_EQ(ldns_pkt_ancount(fits.p), 12);
  EXPECT_LE(last_size_, kUdpPlainBytesMax);
  Pkt tcp;  // over TCP the same answer has room for every name in full
  ask_parsed(make_query(owner + ".", LDNS_RR_TYPE_TXT), tcp, Transport::kTcp);
  EXPECT_EQ(ldns_pkt_ancount(tcp.p), 12);
  EXPECT_GT(last_size_, kUdpPlainBytesMax);
}

TEST_F(DnsResponder, NonQueryOpcodesAreNotImplemented) {
  Bytes q = make_query("alice.tel.", LDNS_RR_TYPE_A);
  for (unsigned opcode : {1u, 2u, 4u, 5u, 15u}) {
    q[2] = static_cast<std::uint8_t>((q[2] & 0x87) | (opcode << 3));
    const Bytes r = ask(q);
    ASSERT_GE(r.size(), 12u);
    EXPECT_EQ(r[3] & 0x0F, LDNS_RCODE_NOTIMPL) << opcode;
    EXPECT_EQ((r[2] >> 3) & 0x0F, opcode);
    EXPECT_TRUE(r[2] & 0x80);
    EXPECT_EQ(r[0], 0x12);
    EXPECT_EQ(r[1], 0x34);
  }
}

TEST_F(DnsResponder, EdnsVersionAboveZeroIsBadvers) {
  Bytes q = make_query("alice.tel.", LDNS_RR_TYPE_A, 1232);
  // The OPT record closes the packet: its TTL field is ext-rcode, version, flags.
  ASSERT_GE(q.size(), 11u);
  q[q.size() - 11 + 6] = 1;  // version
  Pkt r;
  ask_parsed(q, r);
  EXPECT_EQ(ldns_pkt_edns_extended_rcode(r.p), 1);  // BADVERS = 16 = (1 << 4) | 0
  EXPECT_EQ(ldns_pkt_ancount(r.p), 0);
}

TEST_F(DnsResponder, MalformedPacketsGetFormerrOrNothing) {
  const Bytes good = make_query("alice.tel.", LDNS_RR_TYPE_A);
  // Shorter than a header: nothing to answer.
  EXPECT_TRUE(ask(ByteView(good.data(), 11)).empty());
  EXPECT_TRUE(ask(ByteView()).empty());
  // A response is never answered.
  Bytes response = good;
  response[2] |= 0x80;
  EXPECT_TRUE(ask(response).empty());
  // Every truncation past the header is FORMERR with the id kept.
  for (std::size_t n = 12; n < good.size(); ++n) {
    const Bytes r = ask(ByteView(good.data(), n));
    ASSERT_EQ(r.size(), 12u) << n;
    EXPECT_EQ(r[3] & 0x0F, LDNS_RCODE_FORMERR) << n;
    EXPECT_EQ(r[0], 0x12);
  }
  // A compression pointer to itself, and two pointing at each other.
  Bytes loop = {0xab, 0xcd, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0, 0xC0, 12, 0, 1, 0, 1};
  EXPECT_EQ(ask(loop)[3] & 0x0F, LDNS_RCODE_FORMERR);
  Bytes loop2 = {0xab, 0xcd, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0, 0xC0, 14, 0xC0, 12, 0, 1, 0, 1};
  EXPECT_EQ(ask(loop2)[3] & 0x0F, LDNS_RCODE_FORMERR);
  // Two questions; no question; an answer section in a query.
  Bytes two = good;
  two[5] = 2;
  EXPECT_EQ(ask(two)[3] & 0x0F, LDNS_RCODE_FORMERR);
  Bytes none = Bytes(good.begin(), good.begin() + 12);
  none[5] = 0;
  EXPECT_EQ(ask(none)[3] & 0x0F, LDNS_RCODE_FORMERR);
  // Oversized: above 65 535 bytes is dropped unread.
  Bytes huge(kQueryBytesMax + 1, 0);
  EXPECT_TRUE(ask(huge).empty());
  // Random bytes after a valid header never crash and always give a well-formed reply.
  std::uint32_t seed = 12345;
  for (int i = 0; i < 2000; ++i) {
    Bytes junk(12 + (i % 300));
    for (auto& b : junk) {
      seed = seed * 1103515245 + 12345;
      b = static_cast<std::uint8_t>(seed >> 16);
    }
    junk[2] &= 0x7F;
    const Bytes r = ask(junk);
    if (r.empty()) continue;
    ldns_pkt* p = nullptr;
    EXPECT_EQ(ldns_wire2pkt(&p, r.data(), r.size()), LDNS_STATUS_OK);
    ldns_pkt_free(p);
  }
}

}  // namespace
}  // namespace telco::dns
