#include "modules/naming/state.h"

#include <stdexcept>

#include "codec/reader.h"
#include "codec/writer.h"
#include "modules/naming/limits.h"
#include "state/prefixes.h"

namespace telco::modules::naming {
namespace {

constexpr auto kPrefix = static_cast<std::uint8_t>(state::Prefix::kNaming);
// Second key byte: the record kind.
constexpr std::uint8_t kParams = 'p';
constexpr std::uint8_t kCommitment = 'c';
constexpr std::uint8_t kName = 'n';
constexpr std::uint8_t kNameHistory = 'h';
constexpr std::uint8_t kReverse = 'r';
constexpr std::uint8_t kBlock = 'b';
constexpr std::uint8_t kBlocksBelow = 'd';
constexpr std::uint8_t kOperator = 'o';
constexpr std::uint8_t kNumber = 'N';
constexpr std::uint8_t kNumberHistory = 'H';

constexpr std::size_t kHistoryBytesMax = 8192;

Bytes key(std::uint8_t kind, ByteView tail) {
  Bytes k;
  k.reserve(2 + tail.size() + 4);
  k.push_back(kPrefix);
  k.push_back(kind);
  k.insert(k.end(), tail.begin(), tail.end());
  return k;
}

void put_u32_be(Bytes& k, std::uint32_t v) {
  for (int shift = 24; shift >= 0; shift -= 8) k.push_back(static_cast<std::uint8_t>(v >> shift));
}

// Digits as the key tail, with their length first so that no key is a prefix of another's
// history key.
Bytes digits_key(std::uint8_t kind, std::string_view digits) {
  Bytes k = key(kind, {});
  k.push_back(static_cast<std::uint8_t>(digits.size()));
  k.insert(k.end(), digits.begin(), digits.end());
  return k;
}

[[noreturn]] void corrupt(const char* what) {
  throw std::logic_error(std::string("corrupt naming ") + what + " record in state");
}

crypto::Address read_address(codec::Reader& r) { return crypto::Address{r.fixed<crypto::kAddressBytes>()}; }

void encode_params(codec::Writer& w, const chain::NamingParams& p) {
  w.count(p.top_level_labels.size());
  for (const auto& l : p.top_level_labels) w.string(l);
  w.u64(p.name_expiry_blocks);
  w.u64(p.name_grace_blocks);
  w.u64(p.reveal_window_blocks);
  w.boolean(p.numbering_authority.has_value());
  if (p.numbering_authority) w.fixed(p.numbering_authority->bytes);
  w.u64(p.port_deadline_blocks);
}

}  // namespace

crypto::Hash32 commitment_hash(std::string_view name, const crypto::Address& owner, const crypto::Hash32& secret) {
  codec::Writer w;
  w.string("telco/name-commit/v1");
  w.string(name);
  w.fixed(owner.bytes);
  w.fixed(secret);
  return crypto::blake2b_256(w.data());
}

crypto::Hash32 name_hash(std::string_view name) {
  codec::Writer w;
  w.string("telco/name/v1");
  w.string(name);
  return crypto::blake2b_256(w.data());
}

Bytes params_key() { return key(kParams, {}); }
Bytes commitment_key(const crypto::Hash32& c) { return key(kCommitment, c); }
Bytes name_key(std::string_view name) { return key(kName, name_hash(name)); }
Bytes name_history_key(std::string_view name, std::uint32_t seq) {
  Bytes k = key(kNameHistory, name_hash(name));
  put_u32_be(k, seq);
  return k;
}
Bytes reverse_key(const crypto::Address& a) { return key(kReverse, a.bytes); }
Bytes block_key(std::string_view prefix) { return digits_key(kBlock, prefix); }
Bytes blocks_below_key(std::string_view prefix) { return digits_key(kBlocksBelow, prefix); }
Bytes operator_key(const crypto::Address& a) { return key(kOperator, a.bytes); }
Bytes number_key(std::string_view digits) { return digits_key(kNumber, digits); }
Bytes number_history_key(std::string_view digits, std::uint32_t seq) {
  Bytes k = digits_key(kNumberHistory, digits);
  put_u32_be(k, seq);
  return k;
}

void write_genesis_state(const chain::Genesis& genesis, state::WriteSet& ws) {
  if (!genesis.naming) return;
  codec::Writer w;
  encode_params(w, *genesis.naming);
  ws.put(params_key(), w.take());
}

chain::NamingParams load_params(const state::StateView& state) {
  auto v = state.get(params_key());
  if (!v) return {};
  codec::Reader r(*v);
  chain::NamingParams p;
  p.top_level_labels.resize(r.count(chain::kTopLevelLabelsMax, 4));
  for (auto& l : p.top_level_labels) l = r.string(chain::kTopLevelLabelBytesMax);
  p.name_expiry_blocks = r.u64();
  p.name_grace_blocks = r.u64();
  p.reveal_window_blocks = r.u64();
  if (r.boolean()) p.numbering_authority = read_address(r);
  p.port_deadline_blocks = r.u64();
  if (!r.finish()) corrupt("params");
  return p;
}

std::optional<Commitment> load_commitment(const state::StateView& state, const crypto::Hash32& c) {
  auto v = state.get(commitment_key(c));
  if (!v) return std::nullopt;
  codec::Reader r(*v);
  Commitment out{read_address(r), r.u64()};
  if (!r.finish()) corrupt("commitment");
  return out;
}

void store_commitment(state::WriteSet& ws, const crypto::Hash32& c, const Commitment& value) {
  codec::Writer w(28);
  w.fixed(value.sender.bytes);
  w.u64(value.height);
  ws.put(commitment_key(c), w.take());
}

std::optional<NameRecord> load_name(const state::StateView& state, std::string_view name) {
  auto v = state.get(name_key(name));
  if (!v) return std::nullopt;
  codec::Reader r(*v);
  NameRecord n;
  n.name = r.string(kNameBytesMax);
  n.owner = read_address(r);
  n.registered_at = r.u64();
  n.expires_at = r.u64();
  n.records = decode_records(r);
  n.history_count = r.u32();
  if (!r.finish() || n.name != name) corrupt("name");
  return n;
}

void store_name(state::WriteSet& ws, const NameRecord& n) {
  codec::Writer w(128);
  w.string(n.name);
  w.fixed(n.owner.bytes);
  w.u64(n.registered_at);
  w.u64(n.expires_at);
  encode_records(w, n.records);
  w.u32(n.history_count);
  ws.put(name_key(n.name), w.take());
}

std::optional<std::string> load_reverse(const state::StateView& state, const crypto::Address& address) {
  auto v = state.get(reverse_key(address));
  if (!v) return std::nullopt;
  return to_string(*v);
}

void store_reverse(state::WriteSet& ws, const crypto::Address& address, std::string_view name) {
  if (name.empty()) {
    ws.erase(reverse_key(address));
  } else {
    ws.put(reverse_key(address), Bytes(name.begin(), name.end()));
  }
}

std::optional<NumberBlock> load_block(const state::StateView& state, std::string_view prefix) {
  auto v = state.get(block_key(prefix));
  if (!v) return std::nullopt;
  codec::Reader r(*v);
  NumberBlock b;
  b.prefix = std::string(prefix);
  b.length = r.u8();
  b.holder = read_address(r);
  b.allocated_at = r.u64();
  if (!r.finish()) corrupt("block");
  return b;
}

void store_block(state::WriteSet& ws, const NumberBlock& b) {
  codec::Writer w(29);
  w.u8(b.length);
  w.fixed(b.holder.bytes);
  w.u64(b.allocated_at);
  ws.put(block_key(b.prefix), w.take());
}

std::uint32_t load_count(const state::StateView& state, const Bytes& k) {
  auto v = state.get(k);
  if (!v) return 0;
  codec::Reader r(*v);
  const std::uint32_t n = r.u32();
  if (!r.finish()) corrupt("counter");
  return n;
}

void store_count(state::WriteSet& ws, const Bytes& k, std::uint32_t count) {
  if (count == 0) {
    ws.erase(k);
    return;
  }
  codec::Writer w(4);
  w.u32(count);
  ws.put(k, w.take());
}

std::optional<NumberBlock> find_block(const state::StateView& state, std::string_view digits) {
  for (std::size_t len = std::min(digits.size(), kNumberDigitsMax - 1); len >= 1; --len) {
    if (auto b = load_block(state, digits.substr(0, len))) return b;
  }
  return std::nullopt;
}

namespace {

void encode_port(codec::Writer& w, const PortRequest& p) {
  w.fixed(p.recipient.bytes);
  w.fixed(p.donor.bytes);
  w.u64(p.requested_at);
  w.u64(p.port_height);
  w.boolean(p.approved);
  encode_routing(w, p.routing);
}

PortRequest decode_port(codec::Reader& r) {
  PortRequest p;
  p.recipient = read_address(r);
  p.donor = read_address(r);
  p.requested_at = r.u64();
  p.port_height = r.u64();
  p.approved = r.boolean();
  p.routing = decode_routing(r);
  return p;
}

}  // namespace

std::optional<NumberRecord> load_number(const state::StateView& state, std::string_view digits) {
  auto v = state.get(number_key(digits));
  if (!v) return std::nullopt;
  codec::Reader r(*v);
  NumberRecord n;
  n.digits = std::string(digits);
  n.assigned = r.boolean();
  n.subscriber = read_address(r);
  n.serving = read_address(r);
  n.routing = decode_routing(r);
  n.since = r.u64();
  if (r.boolean()) n.port = decode_port(r);
  n.history_count = r.u32();
  if (!r.finish()) corrupt("number");
  return n;
}

void store_number(state::WriteSet& ws, const NumberRecord& n) {
  codec::Writer w(128);
  w.boolean(n.assigned);
  w.fixed(n.subscriber.bytes);
  w.fixed(n.serving.bytes);
  encode_routing(w, n.routing);
  w.u64(n.since);
  w.boolean(n.port.has_value());
  if (n.port) encode_port(w, *n.port);
  w.u32(n.history_count);
  ws.put(number_key(n.digits), w.take());
}

std::string_view event_name(Event e) {
  switch (e) {
    case Event::kRegistered: return "registered";
    case Event::kRecordsSet: return "records_set";
    case Event::kTransferred: return "transferred";
    case Event::kRenewed: return "renewed";
    case Event::kSubnameSet: return "subname_set";
    case Event::kAssigned: return "assigned";
    case Event::kRoutingSet: return "routing_set";
    case Event::kReleased: return "released";
    case Event::kPortRequested: return "port_requested";
    case Event::kPortApproved: return "port_approved";
    case Event::kPortRejected: return "port_rejected";
    case Event::kPortCancelled: return "port_cancelled";
    case Event::kPorted: return "ported";
    case Event::kPortLapsed: return "port_lapsed";
  }
  return "unknown";
}

Bytes encode_history(const HistoryEntry& e) {
  codec::Writer w(96);
  w.u64(e.height);
  w.u8(static_cast<std::uint8_t>(e.event));
  w.fixed(e.actor.bytes);
  w.fixed(e.other.bytes);
  w.u64(e.value);
  w.string(e.text);
  encode_routing(w, e.routing);
  w.boolean(e.records.has_value());
  if (e.records) encode_records(w, *e.records);
  return w.take();
}

std::optional<HistoryEntry> decode_history(ByteView bytes) {
  if (bytes.size() > kHistoryBytesMax) return std::nullopt;
  codec::Reader r(bytes);
  HistoryEntry e;
  e.height = r.u64();
  e.event = static_cast<Event>(r.u8());
  e.actor = read_address(r);
  e.other = read_address(r);
  e.value = r.u64();
  e.text = r.string(kReasonBytesMax);
  e.routing = decode_routing(r);
  if (r.boolean()) e.records = decode_records(r);
  if (!r.finish()) return std::nullopt;
  return e;
}

nlohmann::json history_to_json(const HistoryEntry& e) {
  nlohmann::json j = {{"height", e.height}, {"event", event_name(e.event)}, {"actor", e.actor.to_string()}};
  const crypto::Address zero{};
  switch (e.event) {
    case Event::kRegistered: j["owner"] = e.other.to_string(), j["expires_at"] = e.value; break;
    case Event::kRecordsSet: if (e.records) j["records"] = records_to_json(*e.records); break;
    case Event::kTransferred: j["new_owner"] = e.other.to_string(); break;
    case Event::kRenewed: j["expires_at"] = e.value; break;
    case Event::kSubnameSet: j["owner"] = e.other.to_string(); break;
    case Event::kAssigned: j["subscriber"] = e.other.to_string(), j["routing"] = routing_to_json(e.routing); break;
    case Event::kRoutingSet: j["routing"] = routing_to_json(e.routing); break;
    case Event::kPortRequested:
      j["recipient"] = e.actor.to_string(), j["port_height"] = e.value, j["routing"] = routing_to_json(e.routing);
      break;
    case Event::kPortRejected: j["reason"] = e.text; break;
    case Event::kPorted:
      j["donor"] = e.other.to_string(), j["recipient"] = e.actor.to_string(), j["routing"] = routing_to_json(e.routing);
      break;
    default: break;
  }
  if (e.other == zero) j.erase("new_owner");
  return j;
}

void append_name_history(state::WriteSet& ws, NameRecord& record, const HistoryEntry& e) {
  ws.put(name_history_key(record.name, record.history_count), encode_history(e));
  ++record.history_count;
}

void append_number_history(state::WriteSet& ws, NumberRecord& record, const HistoryEntry& e) {
  ws.put(number_history_key(record.digits, record.history_count), encode_history(e));
  ++record.history_count;
}

NumberRecord settle(const NumberRecord& record, std::uint64_t height, std::vector<HistoryEntry>* events) {
  if (!record.port || height < record.port->port_height) return record;
  NumberRecord out = record;
  const PortRequest& p = *record.port;
  HistoryEntry e;
  e.height = p.port_height;
  e.actor = p.recipient;
  e.other = p.donor;
  if (p.approved) {
    e.event = Event::kPorted;
    e.routing = p.routing;
    out.serving = p.recipient;
    out.routing = p.routing;
    out.since = p.port_height;
  } else {
    e.event = Event::kPortLapsed;
  }
  out.port.reset();
  if (events) events->push_back(std::move(e));
  return out;
}

}  // namespace telco::modules::naming
