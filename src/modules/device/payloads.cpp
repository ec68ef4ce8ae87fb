#include "modules/device/payloads.h"

#include <set>
#include <stdexcept>

#include "codec/reader.h"
#include "codec/writer.h"
#include "modules/device/limits.h"
#include "modules/payload_codec.h"
#include "util/hex.h"

namespace telco::modules::device {
namespace {

using chain::ResultCode;

template <typename P, typename F>
chain::Payload encode(F&& fields) {
  return encode_payload<P>(std::forward<F>(fields), 128);
}

template <typename P, typename F>
std::optional<P> decode_with(const chain::Payload& payload, F&& fields) {
  return decode_payload<P>(payload, std::forward<F>(fields));
}

void write_attributes(codec::Writer& w, const std::vector<Attribute>& attrs) {
  w.count(attrs.size());
  for (const auto& [k, v] : attrs) {
    w.string(k);
    w.string(v);
  }
}

// Read up to generous bounds so that an over-long attribute is device_attributes_invalid.
std::vector<Attribute> read_attributes(codec::Reader& r) {
  std::vector<Attribute> out(r.count(kAttributesFieldMax, 2));
  for (auto& [k, v] : out) {
    k = r.string(kAttributeFieldBytesMax);
    v = r.string(kAttributeFieldBytesMax);
  }
  return out;
}

ResultCode attributes_code(const std::vector<Attribute>& attrs) {
  if (attrs.size() > kAttributesMax) return ResultCode::kDeviceAttributesInvalid;
  for (std::size_t i = 0; i < attrs.size(); ++i) {
    const auto& [k, v] = attrs[i];
    if (k.empty() || k.size() > kAttributeKeyBytesMax || v.size() > kAttributeValueBytesMax) {
      return ResultCode::kDeviceAttributesInvalid;
    }
    if (i > 0 && !(attrs[i - 1].first < k)) return ResultCode::kDeviceAttributesInvalid;  // sorted, unique
  }
  return ResultCode::kOk;
}

bool is_zero(const crypto::Hash32& h) {
  for (auto b : h) {
    if (b != 0) return false;
  }
  return true;
}

std::optional<DeviceStatus> read_status_byte(codec::Reader& r) {
  const std::uint8_t s = r.u8();
  if (s > static_cast<std::uint8_t>(DeviceStatus::kRevoked)) {
    r.fail(codec::DecodeError::kInvalid);
    return std::nullopt;
  }
  return static_cast<DeviceStatus>(s);
}

// JSON edge helpers: unknown fields refused, every field checked with a sentence.
void only(const Json& j, std::initializer_list<std::string_view> known, std::string_view what) {
  for (auto it = j.begin(); it != j.end(); ++it) {
    if (it.key() == "type") continue;
    bool ok = false;
    for (auto k : known) ok = ok || it.key() == k;
    if (!ok)
      throw std::invalid_argument("unknown field '" + it.key() + "' in " + std::string(what) + " payload");
  }
}

std::string text_field(const Json& j, const char* key) {
  if (!j.contains(key)) throw std::invalid_argument(std::string("payload needs '") + key + "'");
  if (!j[key].is_string()) throw std::invalid_argument(std::string("'") + key + "' must be a string");
  return j[key].get<std::string>();
}

template <std::size_t N>
std::array<std::uint8_t, N> hex_field(const Json& j, const char* key) {
  auto b = from_hex(text_field(j, key));
  if (!b || b->size() != N) {
    throw std::invalid_argument(std::string("'") + key + "' must be " + std::to_string(2 * N) +
                                " hex digits");
  }
  std::array<std::uint8_t, N> out;
  std::copy(b->begin(), b->end(), out.begin());
  return out;
}

crypto::Hash32 hash_field(const Json& j, const char* key) { return hex_field<32>(j, key); }

crypto::Address address_field(const Json& j, const char* key) {
  auto a = crypto::Address::parse(text_field(j, key));
  if (!a) throw std::invalid_argument(std::string("'") + key + "' is not a valid address (tc1...)");
  return *a;
}

std::uint64_t u64_field(const Json& j, const char* key) {
  if (!j.contains(key)) throw std::invalid_argument(std::string("payload needs '") + key + "'");
  const Json& v = j[key];
  if (v.is_number_unsigned()) return v.get<std::uint64_t>();
  if (v.is_string()) {
    const std::string s = v.get<std::string>();
    if (!s.empty() && s.size() <= 19 && s.find_first_not_of("0123456789") == std::string::npos)
      return std::stoull(s);
  }
  throw std::invalid_argument(std::string("'") + key + "' must be a non-negative integer");
}

DeviceStatus status_field(const Json& j, const char* key) {
  auto s = parse_status(text_field(j, key));
  if (!s)
    throw std::invalid_argument(std::string("'") + key +
                                "' must be active, suspended, stolen, lost or revoked");
  return *s;
}

std::vector<Attribute> attributes_opt(const Json& j) {
  return j.contains("attributes") ? attributes_from_json(j["attributes"]) : std::vector<Attribute>{};
}

}  // namespace

Bytes rotation_message(std::string_view chain_id, const crypto::Hash32& id_hash, std::uint32_t key_version,
                       const crypto::PublicKey& new_key) {
  codec::Writer w(128);
  w.string("telco/device-rotate/v1");
  w.string(chain_id);
  w.fixed(id_hash);
  w.u32(key_version);
  w.fixed(new_key);
  return w.take();
}

bool valid_device_key(const crypto::PublicKey& key) {
  crypto::init();
  return crypto_core_ed25519_is_valid_point(key.data()) == 1;
}

Json attributes_to_json(const std::vector<Attribute>& attrs) {
  Json j = Json::object();
  for (const auto& [k, v] : attrs) j[k] = v;
  return j;
}

std::vector<Attribute> attributes_from_json(const Json& j) {
  if (!j.is_object()) throw std::invalid_argument("'attributes' must be an object of strings");
  std::vector<Attribute> out;
  for (auto it = j.begin(); it != j.end(); ++it) {  // nlohmann objects iterate in key order
    if (!it.value().is_string()) throw std::invalid_argument("attribute '" + it.key() + "' must be a string");
    out.emplace_back(it.key(), it.value().get<std::string>());
  }
  return out;
}

// ---- device.register
chain::Payload DeviceRegister::to_payload() const {
  return encode<DeviceRegister>([&](codec::Writer& w) {
    w.fixed(id_hash);
    w.fixed(public_key);
    w.fixed(owner.bytes);
    w.fixed(serving.bytes);
    write_attributes(w, attributes);
  });
}
std::optional<DeviceRegister> DeviceRegister::decode(const chain::Payload& p) {
  return decode_with<DeviceRegister>(p, [](codec::Reader& r, DeviceRegister& x) {
    x.id_hash = r.fixed<32>();
    x.public_key = r.fixed<32>();
    x.owner = read_address(r);
    x.serving = read_address(r);
    x.attributes = read_attributes(r);
  });
}
ResultCode DeviceRegister::check() const {
  if (is_zero(id_hash)) return ResultCode::kDeviceIdInvalid;
  if (!valid_device_key(public_key)) return ResultCode::kDeviceKeyInvalid;
  return attributes_code(attributes);
}
std::vector<crypto::Address> DeviceRegister::counterparties() const { return {owner, serving}; }
Json DeviceRegister::to_json() const {
  return {{"id_hash", to_hex(id_hash)},
          {"public_key", to_hex(public_key)},
          {"owner", owner.to_string()},
          {"operator", serving.to_string()},
          {"attributes", attributes_to_json(attributes)}};
}
DeviceRegister DeviceRegister::from_json(const Json& j) {
  only(j, {"id_hash", "public_key", "owner", "operator", "attributes"}, kName);
  return {hash_field(j, "id_hash"), hex_field<32>(j, "public_key"), address_field(j, "owner"),
          address_field(j, "operator"), attributes_opt(j)};
}

// ---- device.register_fleet
chain::Payload DeviceRegisterFleet::to_payload() const {
  return encode<DeviceRegisterFleet>([&](codec::Writer& w) {
    w.fixed(root);
    w.u64(size);
    w.fixed(owner.bytes);
    w.fixed(serving.bytes);
    write_attributes(w, attributes);
  });
}
std::optional<DeviceRegisterFleet> DeviceRegisterFleet::decode(const chain::Payload& p) {
  return decode_with<DeviceRegisterFleet>(p, [](codec::Reader& r, DeviceRegisterFleet& x) {
    x.root = r.fixed<32>();
    x.size = r.u64();
    x.owner = read_address(r);
    x.serving = read_address(r);
    x.attributes = read_attributes(r);
  });
}
ResultCode DeviceRegisterFleet::check() const {
  if (is_zero(root)) return ResultCode::kDeviceIdInvalid;
  if (size == 0 || size > kFleetSizeMax) return ResultCode::kFleetSizeInvalid;
  return attributes_code(attributes);
}
std::vector<crypto::Address> DeviceRegisterFleet::counterparties() const { return {owner, serving}; }
Json DeviceRegisterFleet::to_json() const {
  return {{"root", to_hex(root)},
          {"size", size},
          {"owner", owner.to_string()},
          {"operator", serving.to_string()},
          {"attributes", attributes_to_json(attributes)}};
}
DeviceRegisterFleet DeviceRegisterFleet::from_json(const Json& j) {
  only(j, {"root", "size", "owner", "operator", "attributes"}, kName);
  return {hash_field(j, "root"), u64_field(j, "size"), address_field(j, "owner"),
          address_field(j, "operator"), attributes_opt(j)};
}

// ---- device.claim_fleet_member
chain::Payload DeviceClaimFleetMember::to_payload() const {
  return encode<DeviceClaimFleetMember>([&](codec::Writer& w) {
    w.fixed(fleet);
    w.u64(index);
    w.fixed(id_hash);
    w.fixed(public_key);
    w.count(path.size());
    for (const auto& h : path) w.fixed(h);
  });
}
std::optional<DeviceClaimFleetMember> DeviceClaimFleetMember::decode(const chain::Payload& p) {
  return decode_with<DeviceClaimFleetMember>(p, [](codec::Reader& r, DeviceClaimFleetMember& x) {
    x.fleet = r.fixed<32>();
    x.index = r.u64();
    x.id_hash = r.fixed<32>();
    x.public_key = r.fixed<32>();
    x.path.resize(r.count(kFleetPathFieldMax, 32));
    for (auto& h : x.path) h = r.fixed<32>();
  });
}
ResultCode DeviceClaimFleetMember::check() const {
  if (is_zero(fleet) || is_zero(id_hash)) return ResultCode::kDeviceIdInvalid;
  if (!valid_device_key(public_key)) return ResultCode::kDeviceKeyInvalid;
  if (path.size() > kFleetPathMax || index >= kFleetSizeMax) return ResultCode::kFleetPathInvalid;
  return ResultCode::kOk;
}
std::vector<crypto::Address> DeviceClaimFleetMember::counterparties() const { return {}; }
Json DeviceClaimFleetMember::to_json() const {
  Json p = Json::array();
  for (const auto& h : path) p.push_back(to_hex(h));
  return {{"fleet", to_hex(fleet)},
          {"index", index},
          {"id_hash", to_hex(id_hash)},
          {"public_key", to_hex(public_key)},
          {"path", p}};
}
DeviceClaimFleetMember DeviceClaimFleetMember::from_json(const Json& j) {
  only(j, {"fleet", "index", "id_hash", "public_key", "path"}, kName);
  DeviceClaimFleetMember x{hash_field(j, "fleet"),
                           u64_field(j, "index"),
                           hash_field(j, "id_hash"),
                           hex_field<32>(j, "public_key"),
                           {}};
  if (!j.contains("path") || !j["path"].is_array())
    throw std::invalid_argument("'path' must be an array of hashes");
  if (j["path"].size() > kFleetPathFieldMax) throw std::invalid_argument("'path' is too long");
  for (const Json& h : j["path"]) {
    auto b = h.is_string() ? from_hex(h.get<std::string>()) : std::nullopt;
    if (!b || b->size() != 32) throw std::invalid_argument("each 'path' entry must be 64 hex digits");
    crypto::Hash32 out;
    std::copy(b->begin(), b->end(), out.begin());
    x.path.push_back(out);
  }
  return x;
}

// ---- device.rotate_key
chain::Payload DeviceRotateKey::to_payload() const {
  return encode<DeviceRotateKey>([&](codec::Writer& w) {
    w.fixed(id_hash);
    w.fixed(new_key);
    w.boolean(old_key_signature.has_value());
    if (old_key_signature) w.fixed(*old_key_signature);
  });
}
std::optional<DeviceRotateKey> DeviceRotateKey::decode(const chain::Payload& p) {
  return decode_with<DeviceRotateKey>(p, [](codec::Reader& r, DeviceRotateKey& x) {
    x.id_hash = r.fixed<32>();
    x.new_key = r.fixed<32>();
    if (r.boolean()) x.old_key_signature = r.fixed<64>();
  });
}
ResultCode DeviceRotateKey::check() const {
  if (is_zero(id_hash)) return ResultCode::kDeviceIdInvalid;
  if (!valid_device_key(new_key)) return ResultCode::kDeviceKeyInvalid;
  return ResultCode::kOk;
}
std::vector<crypto::Address> DeviceRotateKey::counterparties() const { return {}; }
Json DeviceRotateKey::to_json() const {
  Json j = {{"id_hash", to_hex(id_hash)}, {"new_key", to_hex(new_key)}};
  if (old_key_signature) j["old_key_signature"] = to_hex(*old_key_signature);
  return j;
}
DeviceRotateKey DeviceRotateKey::from_json(const Json& j) {
  only(j, {"id_hash", "new_key", "old_key_signature"}, kName);
  DeviceRotateKey x{hash_field(j, "id_hash"), hex_field<32>(j, "new_key"), std::nullopt};
  if (j.contains("old_key_signature")) x.old_key_signature = hex_field<64>(j, "old_key_signature");
  return x;
}

// ---- device.transfer
chain::Payload DeviceTransfer::to_payload() const {
  return encode<DeviceTransfer>([&](codec::Writer& w) {
    w.fixed(id_hash);
    w.fixed(new_owner.bytes);
  });
}
std::optional<DeviceTransfer> DeviceTransfer::decode(const chain::Payload& p) {
  return decode_with<DeviceTransfer>(p, [](codec::Reader& r, DeviceTransfer& x) {
    x.id_hash = r.fixed<32>();
    x.new_owner = read_address(r);
  });
}
ResultCode DeviceTransfer::check() const {
  return is_zero(id_hash) ? ResultCode::kDeviceIdInvalid : ResultCode::kOk;
}
std::vector<crypto::Address> DeviceTransfer::counterparties() const { return {new_owner}; }
Json DeviceTransfer::to_json() const {
  return {{"id_hash", to_hex(id_hash)}, {"new_owner", new_owner.to_string()}};
}
DeviceTransfer DeviceTransfer::from_json(const Json& j) {
  only(j, {"id_hash", "new_owner"}, kName);
  return {hash_field(j, "id_hash"), address_field(j, "new_owner")};
}

// ---- device.report
chain::Payload DeviceReport::to_payload() const {
  return encode<DeviceReport>([&](codec::Writer& w) {
    w.fixed(id_hash);
    w.u8(static_cast<std::uint8_t>(status));
  });
}
std::optional<DeviceReport> DeviceReport::decode(const chain::Payload& p) {
  return decode_with<DeviceReport>(p, [](codec::Reader& r, DeviceReport& x) {
    x.id_hash = r.fixed<32>();
    x.status = read_status_byte(r).value_or(DeviceStatus::kStolen);
  });
}
ResultCode DeviceReport::check() const {
  if (is_zero(id_hash)) return ResultCode::kDeviceIdInvalid;
  if (status != DeviceStatus::kStolen && status != DeviceStatus::kLost)
    return ResultCode::kDeviceStatusInvalid;
  return ResultCode::kOk;
}
std::vector<crypto::Address> DeviceReport::counterparties() const { return {}; }
Json DeviceReport::to_json() const { return {{"id_hash", to_hex(id_hash)}, {"status", status_name(status)}}; }
DeviceReport DeviceReport::from_json(const Json& j) {
  only(j, {"id_hash", "status"}, kName);
  return {hash_field(j, "id_hash"), status_field(j, "status")};
}

// ---- device.set_status
chain::Payload DeviceSetStatus::to_payload() const {
  return encode<DeviceSetStatus>([&](codec::Writer& w) {
    w.fixed(id_hash);
    w.u8(static_cast<std::uint8_t>(status));
  });
}
std::optional<DeviceSetStatus> DeviceSetStatus::decode(const chain::Payload& p) {
  return decode_with<DeviceSetStatus>(p, [](codec::Reader& r, DeviceSetStatus& x) {
    x.id_hash = r.fixed<32>();
    x.status = read_status_byte(r).value_or(DeviceStatus::kActive);
  });
}
ResultCode DeviceSetStatus::check() const {
  if (is_zero(id_hash)) return ResultCode::kDeviceIdInvalid;
  if (status != DeviceStatus::kActive && status != DeviceStatus::kSuspended)
    return ResultCode::kDeviceStatusInvalid;
  return ResultCode::kOk;
}
std::vector<crypto::Address> DeviceSetStatus::counterparties() const { return {}; }
Json DeviceSetStatus::to_json() const {
  return {{"id_hash", to_hex(id_hash)}, {"status", status_name(status)}};
}
DeviceSetStatus DeviceSetStatus::from_json(const Json& j) {
  only(j, {"id_hash", "status"}, kName);
  return {hash_field(j, "id_hash"), status_field(j, "status")};
}

// ---- device.revoke
chain::Payload DeviceRevoke::to_payload() const {
  return encode<DeviceRevoke>([&](codec::Writer& w) {
    w.fixed(id_hash);
    w.fixed(fleet);
  });
}
std::optional<DeviceRevoke> DeviceRevoke::decode(const chain::Payload& p) {
  return decode_with<DeviceRevoke>(p, [](codec::Reader& r, DeviceRevoke& x) {
    x.id_hash = r.fixed<32>();
    x.fleet = r.fixed<32>();
  });
}
ResultCode DeviceRevoke::check() const {
  return is_zero(id_hash) ? ResultCode::kDeviceIdInvalid : ResultCode::kOk;
}
std::vector<crypto::Address> DeviceRevoke::counterparties() const { return {}; }
Json DeviceRevoke::to_json() const {
  Json j = {{"id_hash", to_hex(id_hash)}};
  if (!is_zero(fleet)) j["fleet"] = to_hex(fleet);
  return j;
}
DeviceRevoke DeviceRevoke::from_json(const Json& j) {
  only(j, {"id_hash", "fleet"}, kName);
  return {hash_field(j, "id_hash"), j.contains("fleet") ? hash_field(j, "fleet") : crypto::Hash32{}};
}

// ---- device.anchor
chain::Payload DeviceAnchor::to_payload() const {
  return encode<DeviceAnchor>([&](codec::Writer& w) {
    w.fixed(root);
    w.u64(count);
    w.count(ranges.size());
    for (const SeqRange& s : ranges) {
      w.fixed(s.id_hash);
      w.u64(s.first_seq);
      w.u64(s.last_seq);
    }
  });
}
std::optional<DeviceAnchor> DeviceAnchor::decode(const chain::Payload& p) {
  return decode_with<DeviceAnchor>(p, [](codec::Reader& r, DeviceAnchor& x) {
    x.root = r.fixed<32>();
    x.count = r.u64();
    x.ranges.resize(r.count(kAnchorDevicesFieldMax, 48));
    for (SeqRange& s : x.ranges) {
      s.id_hash = r.fixed<32>();
      s.first_seq = r.u64();
      s.last_seq = r.u64();
    }
  });
}
ResultCode DeviceAnchor::check() const {
  if (is_zero(root)) return ResultCode::kDeviceIdInvalid;
  if (count == 0 || count > kAnchorReadingsMax) return ResultCode::kAnchorBatchInvalid;
  if (ranges.empty() || ranges.size() > kAnchorDevicesMax) return ResultCode::kAnchorBatchInvalid;
  std::set<crypto::Hash32> seen;
  std::uint64_t total = 0;
  for (const SeqRange& s : ranges) {
    if (is_zero(s.id_hash) || !seen.insert(s.id_hash).second) return ResultCode::kAnchorBatchInvalid;
    if (s.first_seq == 0 || s.first_seq > s.last_seq) return ResultCode::kAnchorBatchInvalid;
    const std::uint64_t n = s.last_seq - s.first_seq;  // + 1 below, after the bound check
    if (n >= kAnchorReadingsMax) return ResultCode::kAnchorBatchInvalid;
    total += n + 1;
  }
  return total == count ? ResultCode::kOk : ResultCode::kAnchorBatchInvalid;
}
std::vector<crypto::Address> DeviceAnchor::counterparties() const { return {}; }
Json DeviceAnchor::to_json() const {
  Json r = Json::array();
  for (const SeqRange& s : ranges) {
    r.push_back({{"id_hash", to_hex(s.id_hash)}, {"first_seq", s.first_seq}, {"last_seq", s.last_seq}});
  }
  return {{"root", to_hex(root)}, {"count", count}, {"ranges", r}};
}
DeviceAnchor DeviceAnchor::from_json(const Json& j) {
  only(j, {"root", "count", "ranges"}, kName);
  DeviceAnchor x{hash_field(j, "root"), u64_field(j, "count"), {}};
  if (!j.contains("ranges") || !j["ranges"].is_array())
    throw std::invalid_argument("'ranges' must be an array");
  if (j["ranges"].size() > kAnchorDevicesFieldMax) throw std::invalid_argument("'ranges' is too long");
  for (const Json& s : j["ranges"]) {
    if (!s.is_object()) throw std::invalid_argument("each range must be an object");
    x.ranges.push_back({hash_field(s, "id_hash"), u64_field(s, "first_seq"), u64_field(s, "last_seq")});
  }
  return x;
}

}  // namespace telco::modules::device
