#include "modules/naming/payloads.h"

#include <set>
#include <stdexcept>

#include "codec/reader.h"
#include "codec/writer.h"
#include "modules/naming/limits.h"
#include "modules/naming/normalize.h"
#include "modules/payload_codec.h"
#include "util/hex.h"

namespace telco::modules::naming {
namespace {

using chain::ResultCode;

// Numbers and prefixes are read up to this bound so that a bad one gets number_invalid.
constexpr std::size_t kNumberFieldBytesMax = 64;

// Payload (de)coding helpers: each payload's body is its fields in order, canonical.
template <typename P, typename F>
chain::Payload encode(F&& fields) {
  return encode_payload<P>(std::forward<F>(fields), 64);
}

template <typename P, typename F>
std::optional<P> decode_with(const chain::Payload& payload, F&& fields) {
  return decode_payload<P>(payload, std::forward<F>(fields));
}

// JSON edge helpers: unknown fields refused, every field checked with a sentence.
void only(const Json& j, std::initializer_list<std::string_view> known, std::string_view what) {
  for (auto it = j.begin(); it != j.end(); ++it) {
    if (it.key() == "type") continue;
    bool ok = false;
    for (auto k : known) ok = ok || it.key() == k;
    if (!ok) throw std::invalid_argument("unknown field '" + it.key() + "' in " + std::string(what) + " payload");
  }
}

std::string text_field(const Json& j, const char* key, bool required = true) {
  if (!j.contains(key)) {
    if (required) throw std::invalid_argument(std::string("payload needs '") + key + "'");
    return {};
  }
  if (!j[key].is_string()) throw std::invalid_argument(std::string("'") + key + "' must be a string");
  return j[key].get<std::string>();
}

crypto::Address address_field(const Json& j, const char* key) {
  auto a = crypto::Address::parse(text_field(j, key));
  if (!a) throw std::invalid_argument(std::string("'") + key + "' is not a valid address (tc1...)");
  return *a;
}

crypto::Hash32 hash_field(const Json& j, const char* key) {
  auto b = from_hex(text_field(j, key));
  if (!b || b->size() != 32) throw std::invalid_argument(std::string("'") + key + "' must be 64 hex digits");
  crypto::Hash32 h;
  std::copy(b->begin(), b->end(), h.begin());
  return h;
}

std::uint64_t u64_field(const Json& j, const char* key) {
  if (!j.contains(key)) throw std::invalid_argument(std::string("payload needs '") + key + "'");
  const Json& v = j[key];
  if (v.is_number_unsigned()) return v.get<std::uint64_t>();
  if (v.is_string()) {
    const std::string s = v.get<std::string>();
    if (!s.empty() && s.size() <= 19 && s.find_first_not_of("0123456789") == std::string::npos) return std::stoull(s);
  }
  throw std::invalid_argument(std::string("'") + key + "' must be a non-negative integer");
}

// The number as the JSON gave it: digits with an optional '+', kept as typed otherwise so
// that check() reports number_invalid for anything else.
std::string number_field(const Json& j, const char* key) {
  std::string n = text_field(j, key);
  if (!n.empty() && n[0] == '+') n.erase(0, 1);
  return n;
}

ResultCode number_code(const std::string& n) { return valid_number(n) ? ResultCode::kOk : ResultCode::kNumberInvalid; }

}  // namespace

ResultCode name_code(std::string_view name) {
  switch (check_name(name)) {
    case NameIssue::kOk: return ResultCode::kOk;
    case NameIssue::kInvalid: return ResultCode::kNameInvalid;
    case NameIssue::kTooLong: return ResultCode::kNameTooLong;
    case NameIssue::kNotNormalised: return ResultCode::kNameNotNormalised;
    case NameIssue::kMixedScripts: return ResultCode::kNameMixedScripts;
  }
  return ResultCode::kNameInvalid;
}

// ---- name.commit
chain::Payload NameCommit::to_payload() const { return encode<NameCommit>([&](codec::Writer& w) { w.fixed(commitment); }); }
std::optional<NameCommit> NameCommit::decode(const chain::Payload& p) {
  return decode_with<NameCommit>(p, [](codec::Reader& r, NameCommit& x) { x.commitment = r.fixed<32>(); });
}
ResultCode NameCommit::check() const { return ResultCode::kOk; }
std::vector<crypto::Address> NameCommit::counterparties() const { return {}; }
Json NameCommit::to_json() const { return {{"commitment", to_hex(commitment)}}; }
NameCommit NameCommit::from_json(const Json& j) {
  only(j, {"commitment"}, kName);
  return {hash_field(j, "commitment")};
}

// ---- name.reveal
chain::Payload NameReveal::to_payload() const {
  return encode<NameReveal>([&](codec::Writer& w) {
    w.string(name);
    w.fixed(secret);
  });
}
std::optional<NameReveal> NameReveal::decode(const chain::Payload& p) {
  return decode_with<NameReveal>(p, [](codec::Reader& r, NameReveal& x) {
    x.name = r.string(kNameFieldBytesMax);
    x.secret = r.fixed<32>();
  });
}
ResultCode NameReveal::check() const { return name_code(name); }
std::vector<crypto::Address> NameReveal::counterparties() const { return {}; }
Json NameReveal::to_json() const { return {{"name", name}, {"secret", to_hex(secret)}}; }
NameReveal NameReveal::from_json(const Json& j) {
  only(j, {"name", "secret"}, kName);
  return {text_field(j, "name"), hash_field(j, "secret")};
}

// ---- name.set_records
chain::Payload NameSetRecords::to_payload() const {
  return encode<NameSetRecords>([&](codec::Writer& w) {
    w.string(name);
    encode_records(w, records);
  });
}
std::optional<NameSetRecords> NameSetRecords::decode(const chain::Payload& p) {
  return decode_with<NameSetRecords>(p, [](codec::Reader& r, NameSetRecords& x) {
    x.name = r.string(kNameFieldBytesMax);
    x.records = decode_records(r);
  });
}
ResultCode NameSetRecords::check() const {
  if (const ResultCode c = name_code(name); c != ResultCode::kOk) return c;
  return validate_records(records);
}
std::vector<crypto::Address> NameSetRecords::counterparties() const { return {}; }
Json NameSetRecords::to_json() const {
  Json j = records_to_json(records);
  j["name"] = name;
  return j;
}
NameSetRecords NameSetRecords::from_json(const Json& j) {
  only(j, {"name", "ttl", "records"}, kName);
  Json set = Json::object();
  if (j.contains("ttl")) set["ttl"] = j["ttl"];
  if (j.contains("records")) set["records"] = j["records"];
  return {text_field(j, "name"), records_from_json(set)};
}

// ---- name.transfer
chain::Payload NameTransfer::to_payload() const {
  return encode<NameTransfer>([&](codec::Writer& w) {
    w.string(name);
    w.fixed(new_owner.bytes);
  });
}
std::optional<NameTransfer> NameTransfer::decode(const chain::Payload& p) {
  return decode_with<NameTransfer>(p, [](codec::Reader& r, NameTransfer& x) {
    x.name = r.string(kNameFieldBytesMax);
    x.new_owner = read_address(r);
  });
}
ResultCode NameTransfer::check() const { return name_code(name); }
std::vector<crypto::Address> NameTransfer::counterparties() const { return {new_owner}; }
Json NameTransfer::to_json() const { return {{"name", name}, {"new_owner", new_owner.to_string()}}; }
NameTransfer NameTransfer::from_json(const Json& j) {
  only(j, {"name", "new_owner"}, kName);
  return {text_field(j, "name"), address_field(j, "new_owner")};
}

// ---- name.renew
chain::Payload NameRenew::to_payload() const { return encode<NameRenew>([&](codec::Writer& w) { w.string(name); }); }
std::optional<NameRenew> NameRenew::decode(const chain::Payload& p) {
  return decode_with<NameRenew>(p, [](codec::Reader& r, NameRenew& x) { x.name = r.string(kNameFieldBytesMax); });
}
ResultCode NameRenew::check() const { return name_code(name); }
std::vector<crypto::Address> NameRenew::counterparties() const { return {}; }
Json NameRenew::to_json() const { return {{"name", name}}; }
NameRenew NameRenew::from_json(const Json& j) {
  only(j, {"name"}, kName);
  return {text_field(j, "name")};
}

// ---- name.set_subname
chain::Payload NameSetSubname::to_payload() const {
  return encode<NameSetSubname>([&](codec::Writer& w) {
    w.string(name);
    w.fixed(owner.bytes);
  });
}
std::optional<NameSetSubname> NameSetSubname::decode(const chain::Payload& p) {
  return decode_with<NameSetSubname>(p, [](codec::Reader& r, NameSetSubname& x) {
    x.name = r.string(kNameFieldBytesMax);
    x.owner = read_address(r);
  });
}
ResultCode NameSetSubname::check() const { return name_code(name); }
std::vector<crypto::Address> NameSetSubname::counterparties() const { return {owner}; }
Json NameSetSubname::to_json() const { return {{"name", name}, {"owner", owner.to_string()}}; }
NameSetSubname NameSetSubname::from_json(const Json& j) {
  only(j, {"name", "owner"}, kName);
  return {text_field(j, "name"), address_field(j, "owner")};
}

// ---- name.set_reverse
chain::Payload NameSetReverse::to_payload() const {
  return encode<NameSetReverse>([&](codec::Writer& w) { w.string(name); });
}
std::optional<NameSetReverse> NameSetReverse::decode(const chain::Payload& p) {
  return decode_with<NameSetReverse>(p, [](codec::Reader& r, NameSetReverse& x) { x.name = r.string(kNameFieldBytesMax); });
}
ResultCode NameSetReverse::check() const { return name.empty() ? ResultCode::kOk : name_code(name); }
std::vector<crypto::Address> NameSetReverse::counterparties() const { return {}; }
Json NameSetReverse::to_json() const { return {{"name", name}}; }
NameSetReverse NameSetReverse::from_json(const Json& j) {
  only(j, {"name"}, kName);
  return {text_field(j, "name")};
}

// ---- number.allocate
chain::Payload NumberAllocate::to_payload() const {
  return encode<NumberAllocate>([&](codec::Writer& w) {
    w.string(prefix);
    w.u8(length);
    w.fixed(holder.bytes);
  });
}
std::optional<NumberAllocate> NumberAllocate::decode(const chain::Payload& p) {
  return decode_with<NumberAllocate>(p, [](codec::Reader& r, NumberAllocate& x) {
    x.prefix = r.string(kNumberFieldBytesMax);
    x.length = r.u8();
    x.holder = read_address(r);
  });
}
ResultCode NumberAllocate::check() const {
  const bool ok = valid_prefix(prefix) && length > prefix.size() && length <= kNumberDigitsMax && length >= kNumberDigitsMin;
  return ok ? ResultCode::kOk : ResultCode::kNumberInvalid;
}
std::vector<crypto::Address> NumberAllocate::counterparties() const { return {holder}; }
Json NumberAllocate::to_json() const { return {{"prefix", prefix}, {"length", length}, {"holder", holder.to_string()}}; }
NumberAllocate NumberAllocate::from_json(const Json& j) {
  only(j, {"prefix", "length", "holder"}, kName);
  const std::uint64_t length = u64_field(j, "length");
  // E.164 numbers have at most 15 digits; a larger length would be refused by check() (148).
  if (length > kNumberDigitsMax) throw std::invalid_argument("'length' must be at most 15 digits");
  return {number_field(j, "prefix"), static_cast<std::uint8_t>(length), address_field(j, "holder")};
}

// ---- number.assign
chain::Payload NumberAssign::to_payload() const {
  return encode<NumberAssign>([&](codec::Writer& w) {
    w.count(assignments.size());
    for (const Assignment& a : assignments) {
      w.string(a.number);
      w.fixed(a.subscriber.bytes);
      encode_routing(w, a.routing);
    }
  });
}
std::optional<NumberAssign> NumberAssign::decode(const chain::Payload& p) {
  return decode_with<NumberAssign>(p, [](codec::Reader& r, NumberAssign& x) {
    x.assignments.resize(r.count(2 * kAssignBatchMax, 4 + 20 + 4));
    for (Assignment& a : x.assignments) {
      a.number = r.string(kNumberFieldBytesMax);
      a.subscriber = read_address(r);
      a.routing = decode_routing(r);
    }
  });
}
ResultCode NumberAssign::check() const {
  if (assignments.empty() || assignments.size() > kAssignBatchMax) return ResultCode::kBatchInvalid;
  std::set<std::string_view> seen;
  for (const Assignment& a : assignments) {
    if (number_code(a.number) != ResultCode::kOk) return ResultCode::kNumberInvalid;
    if (validate_routing(a.routing) != ResultCode::kOk) return ResultCode::kRoutingInvalid;
    if (!seen.insert(a.number).second) return ResultCode::kBatchInvalid;
  }
  return ResultCode::kOk;
}
std::vector<crypto::Address> NumberAssign::counterparties() const {
  std::set<crypto::Address> out;
  for (const Assignment& a : assignments) out.insert(a.subscriber);
  return {out.begin(), out.end()};
}
Json NumberAssign::to_json() const {
  Json list = Json::array();
  for (const Assignment& a : assignments) {
    list.push_back({{"number", a.number}, {"subscriber", a.subscriber.to_string()}, {"routing", routing_to_json(a.routing)}});
  }
  return {{"assignments", std::move(list)}};
}
NumberAssign NumberAssign::from_json(const Json& j) {
  only(j, {"assignments"}, kName);
  if (!j.contains("assignments") || !j["assignments"].is_array()) {
    throw std::invalid_argument("number.assign needs 'assignments': [{number, subscriber, routing}]");
  }
  if (j["assignments"].size() > kAssignBatchMax) throw std::invalid_argument("at most 512 assignments per transaction");
  NumberAssign out;
  for (const Json& a : j["assignments"]) {
    if (!a.is_object()) throw std::invalid_argument("each assignment must be an object");
    only(a, {"number", "subscriber", "routing"}, "number.assign assignment");
    out.assignments.push_back({number_field(a, "number"), address_field(a, "subscriber"),
                               a.contains("routing") ? routing_from_json(a["routing"]) : std::vector<Routing>{}});
  }
  return out;
}

// ---- number.set_routing
chain::Payload NumberSetRouting::to_payload() const {
  return encode<NumberSetRouting>([&](codec::Writer& w) {
    w.string(number);
    encode_routing(w, routing);
  });
}
std::optional<NumberSetRouting> NumberSetRouting::decode(const chain::Payload& p) {
  return decode_with<NumberSetRouting>(p, [](codec::Reader& r, NumberSetRouting& x) {
    x.number = r.string(kNumberFieldBytesMax);
    x.routing = decode_routing(r);
  });
}
ResultCode NumberSetRouting::check() const {
  if (number_code(number) != ResultCode::kOk) return ResultCode::kNumberInvalid;
  return validate_routing(routing);
}
std::vector<crypto::Address> NumberSetRouting::counterparties() const { return {}; }
Json NumberSetRouting::to_json() const { return {{"number", number}, {"routing", routing_to_json(routing)}}; }
NumberSetRouting NumberSetRouting::from_json(const Json& j) {
  only(j, {"number", "routing"}, kName);
  return {number_field(j, "number"), j.contains("routing") ? routing_from_json(j["routing"]) : std::vector<Routing>{}};
}

// ---- number.release, port_approve, port_cancel: the number alone
#define TELCO_NUMBER_ONLY(Struct)                                                                          \
  chain::Payload Struct::to_payload() const {                                                              \
    return encode<Struct>([&](codec::Writer& w) { w.string(number); });                                    \
  }                                                                                                        \
  std::optional<Struct> Struct::decode(const chain::Payload& p) {                                          \
    return decode_with<Struct>(p, [](codec::Reader& r, Struct& x) { x.number = r.string(kNumberFieldBytesMax); }); \
  }                                                                                                        \
  ResultCode Struct::check() const { return number_code(number); }                                         \
  std::vector<crypto::Address> Struct::counterparties() const { return {}; }                               \
  Json Struct::to_json() const { return {{"number", number}}; }                                            \
  Struct Struct::from_json(const Json& j) {                                                                \
    only(j, {"number"}, kName);                                                                            \
    return {number_field(j, "number")};                                                                    \
  }
TELCO_NUMBER_ONLY(NumberRelease)
TELCO_NUMBER_ONLY(NumberPortApprove)
TELCO_NUMBER_ONLY(NumberPortCancel)
#undef TELCO_NUMBER_ONLY

// ---- number.port_request
chain::Payload NumberPortRequest::to_payload() const {
  return encode<NumberPortRequest>([&](codec::Writer& w) {
    w.string(number);
    w.fixed(donor.bytes);
    w.u64(port_height);
    encode_routing(w, routing);
  });
}
std::optional<NumberPortRequest> NumberPortRequest::decode(const chain::Payload& p) {
  return decode_with<NumberPortRequest>(p, [](codec::Reader& r, NumberPortRequest& x) {
    x.number = r.string(kNumberFieldBytesMax);
    x.donor = read_address(r);
    x.port_height = r.u64();
    x.routing = decode_routing(r);
  });
}
ResultCode NumberPortRequest::check() const {
  if (number_code(number) != ResultCode::kOk) return ResultCode::kNumberInvalid;
  if (routing.empty()) return ResultCode::kRoutingInvalid;  // the recipient must say how to reach it
  return validate_routing(routing);
}
std::vector<crypto::Address> NumberPortRequest::counterparties() const { return {donor}; }
Json NumberPortRequest::to_json() const {
  return {{"number", number}, {"donor", donor.to_string()}, {"port_height", port_height}, {"routing", routing_to_json(routing)}};
}
NumberPortRequest NumberPortRequest::from_json(const Json& j) {
  only(j, {"number", "donor", "port_height", "routing"}, kName);
  return {number_field(j, "number"), address_field(j, "donor"), u64_field(j, "port_height"),
          j.contains("routing") ? routing_from_json(j["routing"]) : std::vector<Routing>{}};
}

// ---- number.port_reject
chain::Payload NumberPortReject::to_payload() const {
  return encode<NumberPortReject>([&](codec::Writer& w) {
    w.string(number);
    w.string(reason);
  });
}
std::optional<NumberPortReject> NumberPortReject::decode(const chain::Payload& p) {
  return decode_with<NumberPortReject>(p, [](codec::Reader& r, NumberPortReject& x) {
    x.number = r.string(kNumberFieldBytesMax);
    x.reason = r.string(kReasonBytesMax);
  });
}
ResultCode NumberPortReject::check() const { return number_code(number); }
std::vector<crypto::Address> NumberPortReject::counterparties() const { return {}; }
Json NumberPortReject::to_json() const { return {{"number", number}, {"reason", reason}}; }
NumberPortReject NumberPortReject::from_json(const Json& j) {
  only(j, {"number", "reason"}, kName);
  std::string reason = text_field(j, "reason", false);
  if (reason.size() > kReasonBytesMax) throw std::invalid_argument("'reason' is longer than 128 bytes");
  return {number_field(j, "number"), std::move(reason)};
}

}  // namespace telco::modules::naming
