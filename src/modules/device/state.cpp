#include "modules/device/state.h"

#include <stdexcept>

#include "codec/reader.h"
#include "codec/writer.h"
#include "modules/device/limits.h"
#include "modules/device/merkle.h"
#include "state/prefixes.h"

namespace telco::modules::device {
namespace {

constexpr auto kPrefix = static_cast<std::uint8_t>(state::Prefix::kDevice);
// Second key byte: the record kind.
constexpr std::uint8_t kDevice = 'd';
constexpr std::uint8_t kHistory = 'h';
constexpr std::uint8_t kKeyVersion = 'k';
constexpr std::uint8_t kFleet = 'f';
constexpr std::uint8_t kMember = 'm';
constexpr std::uint8_t kStolen = 's';
constexpr std::uint8_t kAnchor = 'a';

Bytes key(std::uint8_t kind, ByteView tail) {
  Bytes k;
  k.reserve(2 + tail.size() + 32 + 4);
  k.push_back(kPrefix);
  k.push_back(kind);
  k.insert(k.end(), tail.begin(), tail.end());
  return k;
}

void put_u32_be(Bytes& k, std::uint32_t v) {
  for (int shift = 24; shift >= 0; shift -= 8) k.push_back(static_cast<std::uint8_t>(v >> shift));
}

[[noreturn]] void corrupt(const char* what) {
  throw std::logic_error(std::string("corrupt device ") + what + " record in state");
}

crypto::Address read_address(codec::Reader& r) { return crypto::Address{r.fixed<crypto::kAddressBytes>()}; }

void write_attributes(codec::Writer& w, const std::vector<Attribute>& attrs) {
  w.count(attrs.size());
  for (const auto& [k, v] : attrs) {
    w.string(k);
    w.string(v);
  }
}

std::vector<Attribute> read_attributes(codec::Reader& r) {
  std::vector<Attribute> out(r.count(kAttributesMax, 2));
  for (auto& [k, v] : out) {
    k = r.string(kAttributeKeyBytesMax);
    v = r.string(kAttributeValueBytesMax);
  }
  return out;
}

std::optional<DeviceStatus> read_status(codec::Reader& r) {
  const std::uint8_t s = r.u8();
  if (s > static_cast<std::uint8_t>(DeviceStatus::kRevoked)) return std::nullopt;
  return static_cast<DeviceStatus>(s);
}

template <typename T, typename F>
std::optional<T> load_with(const state::StateView& s, const Bytes& k, const char* what, F&& decode) {
  auto v = s.get(k);
  if (!v) return std::nullopt;
  auto out = decode(*v);
  if (!out) corrupt(what);
  return out;
}

}  // namespace

std::string_view status_name(DeviceStatus s) {
  switch (s) {
    case DeviceStatus::kActive:
      return "active";
    case DeviceStatus::kSuspended:
      return "suspended";
    case DeviceStatus::kStolen:
      return "stolen";
    case DeviceStatus::kLost:
      return "lost";
    case DeviceStatus::kRevoked:
      return "revoked";
  }
  return "unknown";
}

std::optional<DeviceStatus> parse_status(std::string_view name) {
  for (std::uint8_t i = 0; i <= static_cast<std::uint8_t>(DeviceStatus::kRevoked); ++i) {
    if (status_name(static_cast<DeviceStatus>(i)) == name) return static_cast<DeviceStatus>(i);
  }
  return std::nullopt;
}

std::string_view event_name(Event e) {
  switch (e) {
    case Event::kRegistered:
      return "registered";
    case Event::kClaimed:
      return "claimed";
    case Event::kKeyRotated:
      return "key_rotated";
    case Event::kTransferred:
      return "transferred";
    case Event::kReportedStolen:
      return "reported_stolen";
    case Event::kReportedLost:
      return "reported_lost";
    case Event::kSuspended:
      return "suspended";
    case Event::kResumed:
      return "resumed";
    case Event::kRevoked:
      return "revoked";
  }
  return "unknown";
}

crypto::Hash32 device_id_hash(std::string_view raw_identifier) {
  codec::Writer w;
  w.string("telco/device-id/v1");
  w.string(raw_identifier);
  return crypto::blake2b_256(w.data());
}

crypto::Hash32 fleet_id(const crypto::Hash32& root, std::uint64_t size) {
  codec::Writer w;
  w.string("telco/fleet-id/v1");
  w.fixed(root);
  w.u64(size);
  return crypto::blake2b_256(w.data());
}

crypto::Hash32 fleet_leaf(const crypto::Hash32& id_hash, const crypto::PublicKey& key) {
  std::array<std::uint8_t, 64> data;
  std::copy(id_hash.begin(), id_hash.end(), data.begin());
  std::copy(key.begin(), key.end(), data.begin() + 32);
  return merkle_leaf(kFleetDomain, data);
}

Bytes device_key(const crypto::Hash32& id) { return key(kDevice, id); }
Bytes history_key(const crypto::Hash32& id, std::uint32_t seq) {
  Bytes k = key(kHistory, id);
  put_u32_be(k, seq);
  return k;
}
Bytes key_version_key(const crypto::Hash32& id, std::uint32_t version) {
  Bytes k = key(kKeyVersion, id);
  put_u32_be(k, version);
  return k;
}
Bytes fleet_key(const crypto::Hash32& fleet) { return key(kFleet, fleet); }
Bytes member_key(const crypto::Hash32& fleet, const crypto::Hash32& id) {
  Bytes k = key(kMember, fleet);
  k.insert(k.end(), id.begin(), id.end());
  return k;
}
Bytes stolen_key(const crypto::Hash32& id) { return key(kStolen, id); }
Bytes anchor_key(const crypto::Hash32& root) { return key(kAnchor, root); }

Bytes encode_device(const DeviceRecord& d) {
  codec::Writer w(256);
  w.fixed(d.id_hash);
  w.fixed(d.public_key);
  w.fixed(d.owner.bytes);
  w.fixed(d.serving.bytes);
  w.u8(static_cast<std::uint8_t>(d.status));
  write_attributes(w, d.attributes);
  w.u32(d.key_version);
  w.u32(d.history_count);
  w.u64(d.registered_at);
  w.fixed(d.fleet);
  w.u64(d.reading_seq);
  return w.take();
}

std::optional<DeviceRecord> decode_device(ByteView bytes) {
  codec::Reader r(bytes);
  DeviceRecord d;
  d.id_hash = r.fixed<32>();
  d.public_key = r.fixed<32>();
  d.owner = read_address(r);
  d.serving = read_address(r);
  auto status = read_status(r);
  d.attributes = read_attributes(r);
  d.key_version = r.u32();
  d.history_count = r.u32();
  d.registered_at = r.u64();
  d.fleet = r.fixed<32>();
  d.reading_seq = r.u64();
  if (!r.finish() || !status) return std::nullopt;
  d.status = *status;
  return d;
}

Bytes encode_fleet(const FleetRecord& f) {
  codec::Writer w(160);
  w.fixed(f.root);
  w.u64(f.size);
  w.fixed(f.owner.bytes);
  w.fixed(f.serving.bytes);
  write_attributes(w, f.attributes);
  w.u64(f.registered_at);
  w.u64(f.time_ms);
  return w.take();
}

std::optional<FleetRecord> decode_fleet(ByteView bytes) {
  codec::Reader r(bytes);
  FleetRecord f;
  f.root = r.fixed<32>();
  f.size = r.u64();
  f.owner = read_address(r);
  f.serving = read_address(r);
  f.attributes = read_attributes(r);
  f.registered_at = r.u64();
  f.time_ms = r.u64();
  if (!r.finish()) return std::nullopt;
  return f;
}

Bytes encode_stolen(const StolenEntry& s) {
  codec::Writer w(40);
  w.u8(static_cast<std::uint8_t>(s.status));
  w.u64(s.height);
  w.u64(s.time_ms);
  w.fixed(s.reporter.bytes);
  return w.take();
}

std::optional<StolenEntry> decode_stolen(ByteView bytes) {
  codec::Reader r(bytes);
  StolenEntry s;
  auto status = read_status(r);
  s.height = r.u64();
  s.time_ms = r.u64();
  s.reporter = read_address(r);
  if (!r.finish() || !status) return std::nullopt;
  s.status = *status;
  return s;
}

Bytes encode_anchor(const AnchorRecord& a) {
  codec::Writer w(96 + 48 * a.ranges.size());
  w.fixed(a.root);
  w.fixed(a.gateway.bytes);
  w.u64(a.count);
  w.u64(a.height);
  w.u64(a.time_ms);
  w.count(a.ranges.size());
  for (const SeqRange& s : a.ranges) {
    w.fixed(s.id_hash);
    w.u64(s.first_seq);
    w.u64(s.last_seq);
  }
  return w.take();
}

std::optional<AnchorRecord> decode_anchor(ByteView bytes) {
  codec::Reader r(bytes);
  AnchorRecord a;
  a.root = r.fixed<32>();
  a.gateway = read_address(r);
  a.count = r.u64();
  a.height = r.u64();
  a.time_ms = r.u64();
  a.ranges.resize(r.count(kAnchorDevicesMax, 48));
  for (SeqRange& s : a.ranges) {
    s.id_hash = r.fixed<32>();
    s.first_seq = r.u64();
    s.last_seq = r.u64();
  }
  if (!r.finish()) return std::nullopt;
  return a;
}

Bytes encode_history(const HistoryEntry& e) {
  codec::Writer w(112);
  w.u64(e.height);
  w.u64(e.time_ms);
  w.u8(static_cast<std::uint8_t>(e.event));
  w.fixed(e.actor.bytes);
  w.fixed(e.other.bytes);
  w.fixed(e.key);
  w.u32(e.key_version);
  return w.take();
}

std::optional<HistoryEntry> decode_history(ByteView bytes) {
  codec::Reader r(bytes);
  HistoryEntry e;
  e.height = r.u64();
  e.time_ms = r.u64();
  const std::uint8_t ev = r.u8();
  e.actor = read_address(r);
  e.other = read_address(r);
  e.key = r.fixed<32>();
  e.key_version = r.u32();
  if (!r.finish() || ev < 1 || ev > static_cast<std::uint8_t>(Event::kRevoked)) return std::nullopt;
  e.event = static_cast<Event>(ev);
  return e;
}

std::optional<DeviceRecord> load_device(const state::StateView& s, const crypto::Hash32& id) {
  return load_with<DeviceRecord>(s, device_key(id), "device", decode_device);
}
std::optional<FleetRecord> load_fleet(const state::StateView& s, const crypto::Hash32& fleet) {
  return load_with<FleetRecord>(s, fleet_key(fleet), "fleet", decode_fleet);
}
std::optional<MemberMark> load_member(const state::StateView& s, const crypto::Hash32& fleet,
                                      const crypto::Hash32& id) {
  return load_with<MemberMark>(s, member_key(fleet, id), "fleet member",
                               [](ByteView b) -> std::optional<MemberMark> {
                                 if (b.size() != 1 || b[0] < 1 || b[0] > 2) return std::nullopt;
                                 return static_cast<MemberMark>(b[0]);
                               });
}
std::optional<StolenEntry> load_stolen(const state::StateView& s, const crypto::Hash32& id) {
  return load_with<StolenEntry>(s, stolen_key(id), "stolen-list", decode_stolen);
}
std::optional<AnchorRecord> load_anchor(const state::StateView& s, const crypto::Hash32& root) {
  return load_with<AnchorRecord>(s, anchor_key(root), "anchor", decode_anchor);
}
std::optional<crypto::PublicKey> load_key_version(const state::StateView& s, const crypto::Hash32& id,
                                                  std::uint32_t version) {
  return load_with<crypto::PublicKey>(s, key_version_key(id, version), "key version",
                                      [](ByteView b) -> std::optional<crypto::PublicKey> {
                                        if (b.size() != 32) return std::nullopt;
                                        crypto::PublicKey k;
                                        std::copy(b.begin(), b.end(), k.begin());
                                        return k;
                                      });
}
std::optional<HistoryEntry> load_history(const state::StateView& s, const crypto::Hash32& id,
                                         std::uint32_t seq) {
  return load_with<HistoryEntry>(s, history_key(id, seq), "history", decode_history);
}

void store_device(state::WriteSet& ws, const DeviceRecord& d) {
  ws.put(device_key(d.id_hash), encode_device(d));
  ws.put(key_version_key(d.id_hash, d.key_version), Bytes(d.public_key.begin(), d.public_key.end()));
}
void store_fleet(state::WriteSet& ws, const crypto::Hash32& fleet, const FleetRecord& f) {
  ws.put(fleet_key(fleet), encode_fleet(f));
}
void store_member(state::WriteSet& ws, const crypto::Hash32& fleet, const crypto::Hash32& id, MemberMark m) {
  ws.put(member_key(fleet, id), Bytes{static_cast<std::uint8_t>(m)});
}
void store_stolen(state::WriteSet& ws, const crypto::Hash32& id, const StolenEntry& s) {
  ws.put(stolen_key(id), encode_stolen(s));
}
void store_anchor(state::WriteSet& ws, const AnchorRecord& a) {
  ws.put(anchor_key(a.root), encode_anchor(a));
}
void append_history(state::WriteSet& ws, DeviceRecord& d, const HistoryEntry& e) {
  ws.put(history_key(d.id_hash, d.history_count), encode_history(e));
  ++d.history_count;
}

}  // namespace telco::modules::device
