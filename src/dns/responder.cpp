#include "dns/responder.h"

#include <algorithm>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "dns/ldns_include.h"
#include "modules/naming/normalize.h"
#include "modules/naming/records.h"
#include "modules/naming/views.h"

namespace telco::dns {
namespace {

namespace naming = modules::naming;

struct PktFree {
  void operator()(ldns_pkt* p) const { ldns_pkt_free(p); }
};
struct RrFree {
  void operator()(ldns_rr* r) const { ldns_rr_free(r); }
};
using PktPtr = std::unique_ptr<ldns_pkt, PktFree>;
using RrPtr = std::unique_ptr<ldns_rr, RrFree>;

constexpr std::size_t kHeaderBytes = 12;
constexpr std::string_view kEnumZone = "e164.arpa";

// The question's name as lower-case text labels ("Alice.TEL." -> {"alice", "tel"}), from
// the uncompressed wire form ldns gives. nullopt: a label holds a byte no name of ours can
// (a dot, or outside printable ASCII), which can only be NXDOMAIN or REFUSED later.
struct QName {
  std::vector<std::string> labels;
  bool plain = true;  // every label printable ASCII without '.'
};

QName qname_labels(const ldns_rdf* owner) {
  QName q;
  const std::uint8_t* d = ldns_rdf_data(owner);
  const std::size_t size = ldns_rdf_size(owner);
  std::size_t i = 0;
  while (i < size && d[i] != 0) {
    const std::size_t len = d[i];
    if (i + 1 + len > size) break;
    std::string label(reinterpret_cast<const char*>(d + i + 1), len);
    for (char& c : label) {
      if (c >= 'A' && c <= 'Z') c = static_cast<char>(c + 32);
      if (c == '.' || static_cast<unsigned char>(c) <= 0x20 || static_cast<unsigned char>(c) >= 0x7F)
        q.plain = false;
    }
    q.labels.push_back(std::move(label));
    i += 1 + len;
  }
  return q;
}

std::string join(const std::vector<std::string>& labels, std::size_t from, std::size_t to) {
  std::string out;
  for (std::size_t i = from; i < to; ++i) {
    if (!out.empty()) out += '.';
    out += labels[i];
  }
  return out;
}

// The zone the name lies in, if we are authoritative for it: its apex text and how many
// labels the apex has. Compared label by label, so an escaped dot inside a label ("a\\.tel")
// is never taken for a label boundary.
struct Zone {
  std::string apex;
  std::size_t labels = 0;
};

std::optional<Zone> zone_of(const ZoneSource& src, const QName& q) {
  const std::size_t n = q.labels.size();
  if (n >= 2 && q.labels[n - 2] == "e164" && q.labels[n - 1] == "arpa")
    return Zone{std::string(kEnumZone), 2};
  if (n == 0) return std::nullopt;
  for (const std::string& tld : src.params.top_level_labels) {
    if (q.labels.back() == tld) return Zone{tld, 1};
  }
  return std::nullopt;
}

ldns_rdf* dname(const std::string& text) {
  // ldns reads a text name with escapes; ours are LDH/underscore labels or ".".
  return ldns_dname_new_frm_str(text == "." ? "." : (text + ".").c_str());
}

ldns_rdf* str_rdf(std::string_view s) {
  // A <character-string>: one length byte then at most 255 bytes.
  const std::size_t n = std::min<std::size_t>(s.size(), 255);
  std::vector<std::uint8_t> buf(n + 1);
  buf[0] = static_cast<std::uint8_t>(n);
  std::copy_n(s.begin(), n, buf.begin() + 1);
  return ldns_rdf_new_frm_data(LDNS_RDF_TYPE_STR, buf.size(), buf.data());
}

ldns_rdf* u16_rdf(std::uint16_t v) { return ldns_native2rdf_int16(LDNS_RDF_TYPE_INT16, v); }
ldns_rdf* u32_rdf(std::uint32_t v) { return ldns_native2rdf_int32(LDNS_RDF_TYPE_INT32, v); }

// A new record owned by `owner` (cloned); nullptr if ldns could not allocate or parse.
RrPtr new_rr(const ldns_rdf* owner, ldns_rr_type type, std::uint32_t ttl,
             std::initializer_list<ldns_rdf*> rdfs) {
  RrPtr rr(ldns_rr_new());
  bool ok = rr != nullptr;
  for (ldns_rdf* r : rdfs) {
    if (!r) ok = false;
    if (ok) {
      ldns_rr_push_rdf(rr.get(), r);
    } else if (r) {
      ldns_rdf_deep_free(r);
    }
  }
  if (!ok) return nullptr;
  ldns_rr_set_owner(rr.get(), ldns_rdf_clone(owner));
  ldns_rr_set_type(rr.get(), type);
  ldns_rr_set_class(rr.get(), LDNS_RR_CLASS_IN);
  ldns_rr_set_ttl(rr.get(), ttl);
  return rr;
}

RrPtr soa_rr(const ZoneSource& src, const std::string& zone) {
  ldns_rdf* owner = dname(zone);
  if (!owner) return nullptr;
  // The serial is the committed height: it grows with every block that could change us.
  RrPtr out = new_rr(
      owner, LDNS_RR_TYPE_SOA, kNegativeTtl,
      {dname("ns." + zone), dname("hostmaster." + zone), u32_rdf(static_cast<std::uint32_t>(src.height)),
       u32_rdf(3600), u32_rdf(600), u32_rdf(86400), u32_rdf(kNegativeTtl)});
  ldns_rdf_deep_free(owner);
  return out;
}

using RrList = std::vector<RrPtr>;

void add_name_record(const naming::Record& rec, std::uint32_t ttl, const ldns_rdf* owner, ldns_rr_type qtype,
                     RrList& out) {
  const bool any = qtype == LDNS_RR_TYPE_ANY;
  switch (rec.type) {
    case naming::RecordType::kA:
      if (any || qtype == LDNS_RR_TYPE_A) {
        out.push_back(
            new_rr(owner, LDNS_RR_TYPE_A, ttl, {ldns_rdf_new_frm_data(LDNS_RDF_TYPE_A, 4, rec.data.data())}));
      }
      break;
    case naming::RecordType::kAaaa:
      if (any || qtype == LDNS_RR_TYPE_AAAA) {
        out.push_back(new_rr(owner, LDNS_RR_TYPE_AAAA, ttl,
                             {ldns_rdf_new_frm_data(LDNS_RDF_TYPE_AAAA, 16, rec.data.data())}));
      }
      break;
    case naming::RecordType::kTxt:
      if (any || qtype == LDNS_RR_TYPE_TXT) {
        const std::string_view text(reinterpret_cast<const char*>(rec.data.data()), rec.data.size());
        out.push_back(new_rr(owner, LDNS_RR_TYPE_TXT, ttl, {str_rdf(text)}));
      }
      break;
    case naming::RecordType::kNaptr:
      if (any || qtype == LDNS_RR_TYPE_NAPTR) {
        if (auto n = rec.as_naptr()) {
          out.push_back(new_rr(owner, LDNS_RR_TYPE_NAPTR, ttl,
                               {u16_rdf(n->order), u16_rdf(n->preference), str_rdf(n->flags),
                                str_rdf(n->services), str_rdf(n->regexp), dname(n->replacement)}));
        }
      }
      break;
    default:
      // Keys, addresses and device ids have no DNS type; SRV records live under
      // _service._proto (srv_answers). They are served by the HTTP API.
      break;
  }
}

// _sip._udp.alice.tel SRV: the SRV records of alice.tel whose service and proto match.
void add_srv_records(const naming::RecordSet& set, const std::string& service, const std::string& proto,
                     const ldns_rdf* owner, RrList& out) {
  for (const naming::Record& rec : set.records) {
    if (rec.type != naming::RecordType::kSrv) continue;
    auto s = rec.as_srv();
    if (!s) continue;
    auto lower = [](std::string v) {
      for (char& c : v) c = (c >= 'A' && c <= 'Z') ? static_cast<char>(c + 32) : c;
      return v;
    };
    if (lower(s->service) != service || lower(s->proto) != proto) continue;
    out.push_back(new_rr(owner, LDNS_RR_TYPE_SRV, set.ttl,
                         {u16_rdf(s->priority), u16_rdf(s->weight), u16_rdf(s->port), dname(s->target)}));
  }
}

// The ENUM NAPTR records of a number (RFC 6116 §2.4, RFC 3403): terminal rule "u", the
// service from the routing, a regexp that replaces the whole AUS with the URI.
void add_enum_records(const naming::NumberRecord& number, const ldns_rdf* owner, RrList& out) {
  for (const naming::Routing& r : number.routing) {
    out.push_back(
        new_rr(owner, LDNS_RR_TYPE_NAPTR, kEnumTtl,
               {u16_rdf(r.order), u16_rdf(r.preference), str_rdf("u"),
                str_rdf(naming::enum_service(r.service)), str_rdf("!^.*$!" + r.uri + "!"), dname(".")}));
  }
}

struct Lookup {
  bool exists = false;  // the name exists (NOERROR, perhaps NODATA); else NXDOMAIN
  RrList answers;
};

// "4.3.2.1.5.5.5.1.4" under e164.arpa -> "415551234" (RFC 6116 §2.4: digits reversed).
std::optional<std::string> enum_digits(const QName& q) {
  const std::size_t n = q.labels.size() - 2;
  std::string digits;
  for (std::size_t i = n; i-- > 0;) {
    const std::string& l = q.labels[i];
    if (l.size() != 1 || l[0] < '0' || l[0] > '9') return std::nullopt;
    digits.push_back(l[0]);
  }
  return naming::valid_number(digits) ? std::optional(digits) : std::nullopt;
}

Lookup lookup_enum(const ZoneSource& src, const QName& q, const ldns_rdf* owner, ldns_rr_type qtype) {
  Lookup out;
  if (q.labels.size() == 2) {
    out.exists = true;  // the apex; its SOA is added by the caller
    return out;
  }
  auto digits = enum_digits(q);
  if (!digits) return out;
  auto number = naming::view_number(src.state, src.height, *digits);
  if (!number || !number->assigned) return out;
  out.exists = true;
  if (qtype == LDNS_RR_TYPE_NAPTR || qtype == LDNS_RR_TYPE_ANY) add_enum_records(*number, owner, out.answers);
  return out;
}

Lookup lookup_name(const ZoneSource& src, const QName& q, const ldns_rdf* owner, ldns_rr_type qtype) {
  Lookup out;
  if (q.labels.size() == 1) {
    out.exists = true;  // the apex
    return out;
  }
  if (!q.plain) return out;
  // _service._proto.name: an SRV owner. The first two labels are the attribute leaf.
  const bool srv_owner = q.labels.size() >= 4 && q.labels[0].starts_with('_') && q.labels[1].starts_with('_');
  const std::string name = join(q.labels, srv_owner ? 2 : 0, q.labels.size());
  if (naming::check_name(name) != naming::NameIssue::kOk) return out;
  auto view = naming::view_name(src.state, src.params, src.height, name);
  if (!view || view->status != naming::NameStatus::kActive) return out;
  const naming::RecordSet& set = view->record.records;
  if (srv_owner) {
    add_srv_records(set, q.labels[0], q.labels[1], owner, out.answers);
    // An SRV owner exists only if it holds records (no empty non-terminals are kept).
    out.exists = !out.answers.empty();
    if (qtype != LDNS_RR_TYPE_SRV && qtype != LDNS_RR_TYPE_ANY) out.answers.clear();
    return out;
  }
  out.exists = true;
  for (const naming::Record& rec : set.records) add_name_record(rec, set.ttl, owner, qtype, out.answers);
  return out;
}

PktPtr new_response(const ldns_pkt* query, const ldns_rr* question) {
  PktPtr r(ldns_pkt_new());
  if (!r) return nullptr;
  ldns_pkt_set_id(r.get(), ldns_pkt_id(query));
  ldns_pkt_set_qr(r.get(), true);
  ldns_pkt_set_opcode(r.get(), ldns_pkt_get_opcode(query));
  ldns_pkt_set_rd(r.get(), ldns_pkt_rd(query));
  ldns_pkt_set_cd(r.get(), ldns_pkt_cd(query));
  if (question) ldns_pkt_push_rr(r.get(), LDNS_SECTION_QUESTION, ldns_rr_clone(question));
  if (ldns_pkt_edns(query)) ldns_pkt_set_edns_udp_size(r.get(), kAdvertisedUdpPayload);
  return r;
}

struct BufferFree {
  void operator()(ldns_buffer* b) const { ldns_buffer_free(b); }
};

// The packet in wire form, with names compressed (RFC 1035 §4.1.4) or not. Compression is
// optional for a sender, and ldns's (a tree of every name suffix, compared label by label)
// costs about a quarter of an ENUM answer's CPU, so answers go out uncompressed unless that
// makes them too large for the transport (answer_question).
Bytes to_wire(const ldns_pkt* pkt, bool compress = false) {
  if (compress) {
    std::uint8_t* wire = nullptr;
    std::size_t size = 0;
    Bytes out;
    if (ldns_pkt2wire(&wire, pkt, &size) == LDNS_STATUS_OK && wire) out.assign(wire, wire + size);
    if (wire) LDNS_FREE(wire);
    return out;
  }
  // One buffer per server thread, cleared for each answer; a null compression tree writes
  // every name in full.
  thread_local std::unique_ptr<ldns_buffer, BufferFree> buffer;
  // A buffer's error status sticks (ldns_buffer_clear keeps it): start again from a new one.
  if (!buffer || ldns_buffer_status(buffer.get()) != LDNS_STATUS_OK) buffer.reset(ldns_buffer_new(LDNS_MAX_PACKETLEN));
  if (!buffer) return to_wire(pkt, /*compress=*/true);
  ldns_buffer_clear(buffer.get());
  if (ldns_pkt2buffer_wire_compress(buffer.get(), pkt, nullptr) != LDNS_STATUS_OK) {
    buffer.reset();
    return to_wire(pkt, /*compress=*/true);
  }
  const std::uint8_t* data = ldns_buffer_begin(buffer.get());
  return Bytes(data, data + ldns_buffer_position(buffer.get()));
}

// A header-only answer for a query ldns could not parse: its id and opcode, QR set, no
// sections (RFC 1035 leaves the question out when it could not be read).
Bytes header_only(ByteView query, ldns_pkt_rcode rcode) {
  Bytes out(kHeaderBytes, 0);
  out[0] = query[0];
  out[1] = query[1];
  out[2] = static_cast<std::uint8_t>(0x80 | (query[2] & 0x79));  // QR, opcode, RD kept
  out[3] = static_cast<std::uint8_t>(rcode & 0x0F);
  return out;
}

std::size_t size_limit(const ldns_pkt* query, Transport transport) {
  if (transport == Transport::kTcp) return 65'535;
  if (!ldns_pkt_edns(query)) return kUdpPlainBytesMax;
  return std::clamp<std::size_t>(ldns_pkt_edns_udp_size(query), kUdpPlainBytesMax, kUdpPayloadMax);
}

Bytes answer_question(const ZoneSource& src, const ldns_pkt* query, const ldns_rr* question,
                      Transport transport) {
  PktPtr resp = new_response(query, question);
  if (!resp) return {};
  const ldns_rr_type qtype = ldns_rr_get_type(question);
  const ldns_rr_class qclass = ldns_rr_get_class(question);
  const ldns_rdf* owner = ldns_rr_owner(question);
  const QName q = qname_labels(owner);
  auto zone = zone_of(src, q);
  const bool transfer = qtype == LDNS_RR_TYPE_AXFR || qtype == LDNS_RR_TYPE_IXFR;
  if (!zone || transfer || (qclass != LDNS_RR_CLASS_IN && qclass != LDNS_RR_CLASS_ANY)) {
    // Not ours (or a zone transfer, which we do not offer): no AA, no data.
    ldns_pkt_set_rcode(resp.get(), LDNS_RCODE_REFUSED);
    return to_wire(resp.get());
  }
  ldns_pkt_set_aa(resp.get(), true);
  Lookup found =
      zone->apex == kEnumZone ? lookup_enum(src, q, owner, qtype) : lookup_name(src, q, owner, qtype);
  const bool apex = q.labels.size() == zone->labels;
  if (apex && (qtype == LDNS_RR_TYPE_SOA || qtype == LDNS_RR_TYPE_ANY))
    found.answers.push_back(soa_rr(src, zone->apex));
  if (std::any_of(found.answers.begin(), found.answers.end(), [](const RrPtr& r) { return !r; })) {
    ldns_pkt_set_rcode(resp.get(), LDNS_RCODE_SERVFAIL);  // ldns could not allocate
    ldns_pkt_set_aa(resp.get(), false);
    return to_wire(resp.get());
  }
  ldns_pkt_set_rcode(resp.get(), found.exists ? LDNS_RCODE_NOERROR : LDNS_RCODE_NXDOMAIN);
  if (found.answers.empty()) {
    // NXDOMAIN or NODATA: the zone's SOA in authority, for negative caching (RFC 2308).
    if (RrPtr soa = soa_rr(src, zone->apex))
      ldns_pkt_push_rr(resp.get(), LDNS_SECTION_AUTHORITY, soa.release());
  }
  for (RrPtr& rr : found.answers) ldns_pkt_push_rr(resp.get(), LDNS_SECTION_ANSWER, rr.release());
  Bytes wire = to_wire(resp.get());
  const std::size_t limit = size_limit(query, transport);
  if (!wire.empty() && wire.size() <= limit) return wire;
  wire = to_wire(resp.get(), /*compress=*/true);
  if (!wire.empty() && wire.size() <= limit) return wire;
  // Too large for this UDP answer: the header and question only, TC set, so that the
  // client asks again over TCP (RFC 1035 §4.2.1, RFC 7766).
  PktPtr truncated = new_response(query, question);
  if (!truncated) return {};
  ldns_pkt_set_aa(truncated.get(), true);
  ldns_pkt_set_tc(truncated.get(), true);
  ldns_pkt_set_rcode(truncated.get(), ldns_pkt_get_rcode(resp.get()));
  return to_wire(truncated.get());
}

}  // namespace

Bytes respond(const ZoneSource& source, ByteView query, Transport transport) {
  if (query.size() < kHeaderBytes || query.size() > kQueryBytesMax) return {};
  if (query[2] & 0x80) return {};  // a response: answering it could start a loop
  const unsigned opcode = (query[2] >> 3) & 0x0F;
  if (opcode != LDNS_PACKET_QUERY) return header_only(query, LDNS_RCODE_NOTIMPL);
  ldns_pkt* raw = nullptr;
  if (ldns_wire2pkt(&raw, query.data(), query.size()) != LDNS_STATUS_OK || !raw) {
    if (raw) ldns_pkt_free(raw);
    return header_only(query, LDNS_RCODE_FORMERR);
  }
  PktPtr pkt(raw);
  const ldns_rr_list* questions = ldns_pkt_question(pkt.get());
  // One question per query (RFC 9619); answers or updates in a query are malformed.
  if (ldns_pkt_qdcount(pkt.get()) != 1 || !questions || ldns_rr_list_rr_count(questions) != 1 ||
      ldns_pkt_ancount(pkt.get()) != 0) {
    return header_only(query, LDNS_RCODE_FORMERR);
  }
  const ldns_rr* question = ldns_rr_list_rr(questions, 0);
  if (ldns_pkt_edns(pkt.get()) && ldns_pkt_edns_version(pkt.get()) != 0) {
    // BADVERS (extended RCODE 16 = upper bits 1, header RCODE 0), RFC 6891 §6.1.3.
    PktPtr resp = new_response(pkt.get(), question);
    if (!resp) return {};
    ldns_pkt_set_edns_extended_rcode(resp.get(), 1);
    return to_wire(resp.get());
  }
  try {
    return answer_question(source, pkt.get(), question, transport);
  } catch (const std::exception&) {
    // A state read failed (storage error): the client should try another server.
    return header_only(query, LDNS_RCODE_SERVFAIL);
  }
}

}  // namespace telco::dns
