#include "modules/naming/records.h"

#include <algorithm>
#include <initializer_list>
#include <stdexcept>

#include "modules/naming/limits.h"
#include "crypto/address.h"
#include "util/hex.h"

namespace telco::modules::naming {
namespace {

using Json = nlohmann::json;
using chain::ResultCode;

constexpr std::size_t kRecordTypeMax = 8;

bool printable(std::string_view s) {
  return std::all_of(s.begin(), s.end(), [](char c) { return c >= 0x20 && c <= 0x7E; });
}

bool ldh_or_underscore(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
}

// "_sip": an underscore then 1..62 LDH characters (RFC 2782 / RFC 8552 attribute leaf).
bool valid_service_label(std::string_view s) {
  if (s.size() < 2 || s.size() > 63 || s[0] != '_') return false;
  return std::all_of(s.begin() + 1, s.end(), [](char c) { return ldh_or_underscore(c) && c != '_'; });
}

Bytes encode_with(const auto& fn) {
  codec::Writer w;
  fn(w);
  return w.take();
}

std::size_t fixed_size(RecordType t) {
  switch (t) {
    case RecordType::kEd25519Key: return 32;
    case RecordType::kAddress: return 20;
    case RecordType::kA: return 4;
    case RecordType::kAaaa: return 16;
    default: return 0;
  }
}

ResultCode validate_record(const Record& rec) {
  const auto type = static_cast<std::uint8_t>(rec.type);
  if (type == 0 || type > kRecordTypeMax) return ResultCode::kRecordTypeUnknown;
  if (const std::size_t n = fixed_size(rec.type)) return rec.data.size() == n ? ResultCode::kOk : ResultCode::kRecordBadSize;
  const std::string_view text(reinterpret_cast<const char*>(rec.data.data()), rec.data.size());
  switch (rec.type) {
    case RecordType::kTxt:
      return rec.data.empty() || rec.data.size() > kTxtBytesMax ? ResultCode::kRecordBadSize : ResultCode::kOk;
    case RecordType::kDeviceId:
      if (rec.data.empty() || rec.data.size() > kDeviceIdBytesMax) return ResultCode::kRecordBadSize;
      return printable(text) ? ResultCode::kOk : ResultCode::kRecordInvalid;
    case RecordType::kSrv: {
      auto srv = rec.as_srv();
      if (!srv) return ResultCode::kRecordBadSize;
      const bool ok = valid_service_label(srv->service) && valid_service_label(srv->proto) &&
                      valid_host_name(srv->target);
      return ok ? ResultCode::kOk : ResultCode::kRecordInvalid;
    }
    case RecordType::kNaptr: {
      auto n = rec.as_naptr();
      if (!n) return ResultCode::kRecordBadSize;
      const bool flags_ok = std::all_of(n->flags.begin(), n->flags.end(), [](char c) {
        return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
      });
      const bool ok = flags_ok && printable(n->services) && printable(n->regexp) && valid_host_name(n->replacement) &&
                      (n->regexp.empty() || n->replacement == ".");
      return ok ? ResultCode::kOk : ResultCode::kRecordInvalid;
    }
    default: return ResultCode::kRecordTypeUnknown;
  }
}

}  // namespace

bool valid_host_name(std::string_view name) {
  if (name == ".") return true;
  if (name.empty() || name.size() > kNameBytesMax || name.back() == '.') return false;
  std::size_t labels = 0;
  while (true) {
    const std::size_t dot = name.find('.');
    const std::string_view label = name.substr(0, dot);
    if (label.empty() || label.size() > kLabelBytesMax || label.front() == '-' || label.back() == '-') return false;
    if (!std::all_of(label.begin(), label.end(), ldh_or_underscore)) return false;
    if (++labels > 127) return false;
    if (dot == std::string_view::npos) return true;
    name.remove_prefix(dot + 1);
  }
}

Record Record::a(std::array<std::uint8_t, 4> ip) { return {RecordType::kA, Bytes(ip.begin(), ip.end())}; }
Record Record::aaaa(const std::array<std::uint8_t, 16>& ip) { return {RecordType::kAaaa, Bytes(ip.begin(), ip.end())}; }
Record Record::txt(std::string_view text) { return {RecordType::kTxt, Bytes(text.begin(), text.end())}; }
Record Record::key(ByteView k) { return {RecordType::kEd25519Key, Bytes(k.begin(), k.end())}; }
Record Record::address(ByteView a) { return {RecordType::kAddress, Bytes(a.begin(), a.end())}; }
Record Record::device(std::string_view id) { return {RecordType::kDeviceId, Bytes(id.begin(), id.end())}; }
Record Record::srv(const Srv& s) {
  return {RecordType::kSrv, encode_with([&](codec::Writer& w) {
            w.string(s.service);
            w.string(s.proto);
            w.u16(s.priority);
            w.u16(s.weight);
            w.u16(s.port);
            w.string(s.target);
          })};
}
Record Record::naptr(const Naptr& n) {
  return {RecordType::kNaptr, encode_with([&](codec::Writer& w) {
            w.u16(n.order);
            w.u16(n.preference);
            w.string(n.flags);
            w.string(n.services);
            w.string(n.regexp);
            w.string(n.replacement);
          })};
}

std::optional<Srv> Record::as_srv() const {
  if (type != RecordType::kSrv) return std::nullopt;
  codec::Reader r(data);
  Srv s;
  s.service = r.string(kLabelBytesMax);
  s.proto = r.string(kLabelBytesMax);
  s.priority = r.u16();
  s.weight = r.u16();
  s.port = r.u16();
  s.target = r.string(kNameBytesMax);
  if (!r.finish()) return std::nullopt;
  return s;
}

std::optional<Naptr> Record::as_naptr() const {
  if (type != RecordType::kNaptr) return std::nullopt;
  codec::Reader r(data);
  Naptr n;
  n.order = r.u16();
  n.preference = r.u16();
  n.flags = r.string(kNaptrFlagsBytesMax);
  n.services = r.string(kNaptrServicesBytesMax);
  n.regexp = r.string(kNaptrRegexpBytesMax);
  n.replacement = r.string(kNameBytesMax);
  if (!r.finish()) return std::nullopt;
  return n;
}

void encode_records(codec::Writer& w, const RecordSet& set) {
  w.u32(set.ttl);
  w.count(set.records.size());
  for (const Record& rec : set.records) {
    w.u8(static_cast<std::uint8_t>(rec.type));
    w.bytes(rec.data);
  }
}

RecordSet decode_records(codec::Reader& r) {
  RecordSet set;
  set.ttl = r.u32();
  // Read up to twice the limit so that "too many" is its own code, not a decode failure.
  set.records.resize(r.count(2 * kRecordsMax, 5));
  for (Record& rec : set.records) {
    rec.type = static_cast<RecordType>(r.u8());
    rec.data = r.bytes(kRecordDataBytesMax);
  }
  return set;
}

chain::ResultCode validate_records(const RecordSet& set) {
  if (set.records.size() > kRecordsMax) return ResultCode::kRecordsTooMany;
  if (set.ttl > kTtlMax) return ResultCode::kRecordInvalid;
  std::size_t total = 0;
  for (std::size_t i = 0; i < set.records.size(); ++i) {
    const Record& rec = set.records[i];
    if (const ResultCode c = validate_record(rec); c != ResultCode::kOk) return c;
    total += 5 + rec.data.size();
    for (std::size_t j = 0; j < i; ++j) {
      if (set.records[j] == rec) return ResultCode::kRecordInvalid;  // an RRset holds no duplicates
    }
  }
  return total > kRecordSetBytesMax ? ResultCode::kRecordBadSize : ResultCode::kOk;
}

std::string record_type_name(RecordType type) {
  switch (type) {
    case RecordType::kEd25519Key: return "ed25519";
    case RecordType::kAddress: return "address";
    case RecordType::kA: return "A";
    case RecordType::kAaaa: return "AAAA";
    case RecordType::kTxt: return "TXT";
    case RecordType::kSrv: return "SRV";
    case RecordType::kNaptr: return "NAPTR";
    case RecordType::kDeviceId: return "device";
  }
  return "unknown";
}

namespace {

std::string ipv4_text(const Bytes& b) {
  return std::to_string(b[0]) + "." + std::to_string(b[1]) + "." + std::to_string(b[2]) + "." + std::to_string(b[3]);
}

std::string ipv6_text(const Bytes& b) {
  static const char* kHex = "0123456789abcdef";
  std::string out;
  for (std::size_t i = 0; i < 16; i += 2) {
    if (i) out.push_back(':');
    const unsigned v = (b[i] << 8) | b[i + 1];
    bool started = false;
    for (int shift = 12; shift >= 0; shift -= 4) {
      const unsigned d = (v >> shift) & 0xF;
      if (d || started || shift == 0) out.push_back(kHex[d]), started = true;
    }
  }
  return out;
}

std::optional<std::array<std::uint8_t, 4>> parse_ipv4(const std::string& s) {
  std::array<std::uint8_t, 4> out{};
  std::size_t part = 0, i = 0;
  while (part < 4) {
    std::size_t start = i;
    unsigned v = 0;
    while (i < s.size() && s[i] >= '0' && s[i] <= '9' && i - start < 3) v = v * 10 + (s[i++] - '0');
    if (i == start || v > 255 || (i - start > 1 && s[start] == '0')) return std::nullopt;
    out[part++] = static_cast<std::uint8_t>(v);
    if (part < 4 && (i >= s.size() || s[i++] != '.')) return std::nullopt;
  }
  if (i != s.size()) return std::nullopt;
  return out;
}

std::optional<std::array<std::uint8_t, 16>> parse_ipv6(const std::string& s) {
  if (s.size() > 39 || s.empty()) return std::nullopt;
  std::vector<std::uint16_t> head, tail;
  bool gap = false;
  std::vector<std::uint16_t>* cur = &head;
  std::size_t i = 0;
  if (s.rfind("::", 0) == 0) {
    gap = true, cur = &tail, i = 2;
  }
  while (i < s.size()) {
    std::size_t start = i;
    unsigned v = 0;
    while (i < s.size() && std::isxdigit(static_cast<unsigned char>(s[i])) && i - start < 4) {
      const char c = static_cast<char>(std::tolower(static_cast<unsigned char>(s[i++])));
      v = v * 16 + static_cast<unsigned>(c <= '9' ? c - '0' : c - 'a' + 10);
    }
    if (i == start) return std::nullopt;
    cur->push_back(static_cast<std::uint16_t>(v));
    if (i == s.size()) break;
    if (s[i] != ':') return std::nullopt;
    ++i;
    if (i < s.size() && s[i] == ':') {
      if (gap) return std::nullopt;
      gap = true, cur = &tail, ++i;
    } else if (i == s.size()) {
      return std::nullopt;
    }
  }
  const std::size_t groups = head.size() + tail.size();
  if ((gap && groups > 7) || (!gap && groups != 8)) return std::nullopt;
  std::array<std::uint8_t, 16> out{};
  std::size_t g = 0;
  for (auto v : head) out[2 * g] = v >> 8, out[2 * g + 1] = v & 0xFF, ++g;
  g = 8 - tail.size();
  for (auto v : tail) out[2 * g] = v >> 8, out[2 * g + 1] = v & 0xFF, ++g;
  return out;
}

const Json& need(const Json& j, const char* key) {
  if (!j.contains(key)) throw std::invalid_argument(std::string("record needs '") + key + "'");
  return j[key];
}

std::string need_string(const Json& j, const char* key) {
  const Json& v = need(j, key);
  if (!v.is_string()) throw std::invalid_argument(std::string("'") + key + "' must be a string");
  return v.get<std::string>();
}

std::uint16_t need_u16(const Json& j, const char* key) {
  const Json& v = need(j, key);
  if (!v.is_number_unsigned() || v.get<std::uint64_t>() > 0xFFFF) {
    throw std::invalid_argument(std::string("'") + key + "' must be an integer from 0 to 65535");
  }
  return static_cast<std::uint16_t>(v.get<std::uint64_t>());
}

Bytes need_hex(const Json& j, const char* key, std::size_t size) {
  auto b = from_hex(need_string(j, key));
  if (!b || b->size() != size) throw std::invalid_argument(std::string("'") + key + "' must be " + std::to_string(2 * size) + " hex digits");
  return *b;
}

// A misspelt optional field ("replacment") would otherwise be dropped without a word and
// the default stored in its place, so every object names the only fields it may hold.
void only_fields(const Json& j, std::initializer_list<std::string_view> allowed, std::string_view what) {
  for (const auto& [key, value] : j.items()) {
    if (std::find(allowed.begin(), allowed.end(), key) == allowed.end()) {
      std::string list;
      for (std::string_view a : allowed) list += (list.empty() ? "" : ", ") + std::string(a);
      throw std::invalid_argument("unknown field '" + key + "' in " + std::string(what) + " (allowed: " + list + ")");
    }
  }
}

void only_record_fields(const Json& j, const std::string& type) {
  const std::string what = type + " record";
  if (type == "SRV") return only_fields(j, {"type", "service", "proto", "priority", "weight", "port", "target"}, what);
  if (type == "NAPTR") {
    return only_fields(j, {"type", "order", "preference", "flags", "services", "regexp", "replacement"}, what);
  }
  only_fields(j, {"type", "value"}, what);
}

Record record_from_json(const Json& j) {
  if (!j.is_object()) throw std::invalid_argument("each record must be an object with a 'type'");
  const std::string type = need_string(j, "type");
  only_record_fields(j, type);
  if (type == "A") {
    auto ip = parse_ipv4(need_string(j, "value"));
    if (!ip) throw std::invalid_argument("A record 'value' must be an IPv4 address like 192.0.2.1");
    return Record::a(*ip);
  }
  if (type == "AAAA") {
    auto ip = parse_ipv6(need_string(j, "value"));
    if (!ip) throw std::invalid_argument("AAAA record 'value' must be an IPv6 address like 2001:db8::1");
    return Record::aaaa(*ip);
  }
  if (type == "TXT") return Record::txt(need_string(j, "value"));
  if (type == "device") return Record::device(need_string(j, "value"));
  if (type == "ed25519") return {RecordType::kEd25519Key, need_hex(j, "value", 32)};
  if (type == "address") {
    // Addresses are bech32m text in the API; the record holds the 20 bytes.
    auto a = crypto::Address::parse(need_string(j, "value"));
    if (!a) throw std::invalid_argument("address record 'value' must be a tc1... address");
    return Record::address(a->bytes);
  }
  if (type == "SRV") {
    return Record::srv({need_string(j, "service"), need_string(j, "proto"), need_u16(j, "priority"),
                        need_u16(j, "weight"), need_u16(j, "port"), need_string(j, "target")});
  }
  if (type == "NAPTR") {
    return Record::naptr({need_u16(j, "order"), need_u16(j, "preference"), need_string(j, "flags"),
                          need_string(j, "services"), j.contains("regexp") ? need_string(j, "regexp") : "",
                          j.contains("replacement") ? need_string(j, "replacement") : "."});
  }
  throw std::invalid_argument("unknown record type '" + type +
                              "' (A, AAAA, TXT, SRV, NAPTR, ed25519, address, device)");
}

}  // namespace

Json records_to_json(const RecordSet& set) {
  Json list = Json::array();
  for (const Record& rec : set.records) {
    Json j = {{"type", record_type_name(rec.type)}};
    switch (rec.type) {
      case RecordType::kA: j["value"] = ipv4_text(rec.data); break;
      case RecordType::kAaaa: j["value"] = ipv6_text(rec.data); break;
      case RecordType::kTxt:
      case RecordType::kDeviceId: j["value"] = to_string(rec.data); break;
      case RecordType::kEd25519Key: j["value"] = to_hex(rec.data); break;
      case RecordType::kAddress:
        if (rec.data.size() == crypto::kAddressBytes) {
          crypto::Address a;
          std::copy(rec.data.begin(), rec.data.end(), a.bytes.begin());
          j["value"] = a.to_string();
        }
        break;
      case RecordType::kSrv:
        if (auto s = rec.as_srv()) {
          j.update({{"service", s->service}, {"proto", s->proto}, {"priority", s->priority}, {"weight", s->weight},
                    {"port", s->port}, {"target", s->target}});
        }
        break;
      case RecordType::kNaptr:
        if (auto n = rec.as_naptr()) {
          j.update({{"order", n->order}, {"preference", n->preference}, {"flags", n->flags},
                    {"services", n->services}, {"regexp", n->regexp}, {"replacement", n->replacement}});
        }
        break;
    }
    list.push_back(std::move(j));
  }
  return {{"ttl", set.ttl}, {"records", std::move(list)}};
}

RecordSet records_from_json(const Json& j) {
  if (!j.is_object()) throw std::invalid_argument("records must be an object {\"ttl\", \"records\": [...]}");
  only_fields(j, {"ttl", "records"}, "a record set");
  RecordSet set;
  if (j.contains("ttl")) {
    if (!j["ttl"].is_number_unsigned() || j["ttl"].get<std::uint64_t>() > kTtlMax) {
      throw std::invalid_argument("'ttl' must be 0..86400 seconds");
    }
    set.ttl = static_cast<std::uint32_t>(j["ttl"].get<std::uint64_t>());
  }
  if (j.contains("records")) {
    if (!j["records"].is_array()) throw std::invalid_argument("'records' must be an array");
    if (j["records"].size() > kRecordsMax) throw std::invalid_argument("at most 16 records per name");
    for (const Json& r : j["records"]) set.records.push_back(record_from_json(r));
  }
  return set;
}

void encode_routing(codec::Writer& w, const std::vector<Routing>& routing) {
  w.count(routing.size());
  for (const Routing& r : routing) {
    w.u16(r.order);
    w.u16(r.preference);
    w.u8(static_cast<std::uint8_t>(r.service));
    w.string(r.uri);
  }
}

std::vector<Routing> decode_routing(codec::Reader& r) {
  std::vector<Routing> out(r.count(2 * kRoutingRecordsMax, 9));
  for (Routing& x : out) {
    x.order = r.u16();
    x.preference = r.u16();
    x.service = static_cast<RoutingService>(r.u8());
    x.uri = r.string(2 * kUriBytesMax);
  }
  return out;
}

std::string_view enum_service(RoutingService service) {
  switch (service) {
    case RoutingService::kSip: return "E2U+sip";
    case RoutingService::kVoiceTel: return "E2U+voice:tel";
    case RoutingService::kPstnTel: return "E2U+pstn:tel";
  }
  return "";
}

chain::ResultCode validate_routing(const std::vector<Routing>& routing) {
  if (routing.size() > kRoutingRecordsMax) return ResultCode::kRoutingInvalid;
  for (std::size_t i = 0; i < routing.size(); ++i) {
    const Routing& r = routing[i];
    if (r.uri.empty() || r.uri.size() > kUriBytesMax || !printable(r.uri) || r.uri.find('!') != std::string::npos ||
        r.uri.find(' ') != std::string::npos) {
      return ResultCode::kRoutingInvalid;
    }
    const std::string_view uri = r.uri;
    switch (r.service) {
      case RoutingService::kSip:
        if (!(uri.starts_with("sip:") || uri.starts_with("sips:")) || uri.size() < 6) return ResultCode::kRoutingInvalid;
        break;
      case RoutingService::kVoiceTel:
      case RoutingService::kPstnTel:
        if (!uri.starts_with("tel:+") || uri.size() < 6) return ResultCode::kRoutingInvalid;
        break;
      default: return ResultCode::kRoutingInvalid;
    }
    for (std::size_t j = 0; j < i; ++j) {
      if (routing[j] == r) return ResultCode::kRoutingInvalid;
    }
  }
  return ResultCode::kOk;
}

Json routing_to_json(const std::vector<Routing>& routing) {
  Json list = Json::array();
  for (const Routing& r : routing) {
    list.push_back({{"order", r.order}, {"preference", r.preference}, {"service", enum_service(r.service)}, {"uri", r.uri}});
  }
  return list;
}

std::vector<Routing> routing_from_json(const Json& j) {
  if (!j.is_array()) throw std::invalid_argument("'routing' must be an array of {service, uri, order, preference}");
  if (j.size() > kRoutingRecordsMax) throw std::invalid_argument("at most 8 routing records per number");
  std::vector<Routing> out;
  for (const Json& x : j) {
    if (!x.is_object()) throw std::invalid_argument("each routing record must be an object");
    only_fields(x, {"service", "uri", "order", "preference"}, "a routing record");
    Routing r;
    const std::string service = x.contains("service") ? need_string(x, "service") : "E2U+sip";
    if (service == "E2U+sip" || service == "sip") {
      r.service = RoutingService::kSip;
    } else if (service == "E2U+voice:tel") {
      r.service = RoutingService::kVoiceTel;
    } else if (service == "E2U+pstn:tel") {
      r.service = RoutingService::kPstnTel;
    } else {
      throw std::invalid_argument("routing 'service' must be E2U+sip, E2U+voice:tel or E2U+pstn:tel");
    }
    r.uri = need_string(x, "uri");
    if (x.contains("order")) r.order = need_u16(x, "order");
    if (x.contains("preference")) r.preference = need_u16(x, "preference");
    out.push_back(std::move(r));
  }
  return out;
}

bool valid_number(std::string_view d) {
  return d.size() >= kNumberDigitsMin && d.size() <= kNumberDigitsMax && d[0] != '0' &&
         std::all_of(d.begin(), d.end(), [](char c) { return c >= '0' && c <= '9'; });
}

bool valid_prefix(std::string_view d) {
  return !d.empty() && d.size() < kNumberDigitsMax && d[0] != '0' &&
         std::all_of(d.begin(), d.end(), [](char c) { return c >= '0' && c <= '9'; });
}

std::optional<std::string> parse_number_text(std::string_view text) {
  if (text.size() > 64) return std::nullopt;
  std::string digits;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c >= '0' && c <= '9') {
      digits.push_back(c);
    } else if (c == '+' && i == 0) {
      continue;
    } else if (c != ' ' && c != '-' && c != '.' && c != '(' && c != ')') {
      return std::nullopt;
    }
  }
  if (!valid_number(digits)) return std::nullopt;
  return digits;
}

}  // namespace telco::modules::naming
