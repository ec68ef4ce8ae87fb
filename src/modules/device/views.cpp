#include "modules/device/views.h"

#include <algorithm>

#include "modules/device/limits.h"
#include "modules/device/payloads.h"
#include "util/hex.h"

namespace telco::modules::device {

std::optional<HistoryPage> device_history(const state::StateView& s, const crypto::Hash32& id_hash,
                                          std::size_t limit, std::optional<std::uint32_t> before) {
  auto d = load_device(s, id_hash);
  if (!d) return std::nullopt;
  HistoryPage page;
  page.total = d->history_count;
  std::uint32_t seq = std::min(before.value_or(d->history_count), d->history_count);
  limit = std::min(limit, kHistoryPageMax);
  while (seq > 0 && page.entries.size() < limit) {
    --seq;
    auto e = load_history(s, id_hash, seq);
    if (!e) throw std::logic_error("device history entry " + std::to_string(seq) + " missing");
    page.entries.push_back(*e);
  }
  return page;
}

nlohmann::json device_json(const DeviceRecord& d) {
  nlohmann::json j = {{"id_hash", to_hex(d.id_hash)},     {"public_key", to_hex(d.public_key)},
                      {"owner", d.owner.to_string()},     {"operator", d.serving.to_string()},
                      {"status", status_name(d.status)},  {"attributes", attributes_to_json(d.attributes)},
                      {"key_version", d.key_version},     {"history_count", d.history_count},
                      {"registered_at", d.registered_at}, {"reading_seq", d.reading_seq}};
  if (d.fleet != crypto::Hash32{}) j["fleet"] = to_hex(d.fleet);
  return j;
}

nlohmann::json history_json(const HistoryEntry& e) {
  return {{"height", e.height},           {"time_ms", e.time_ms},         {"event", event_name(e.event)},
          {"actor", e.actor.to_string()}, {"owner", e.other.to_string()}, {"public_key", to_hex(e.key)},
          {"key_version", e.key_version}};
}

nlohmann::json fleet_json(const crypto::Hash32& id, const FleetRecord& f) {
  return {{"fleet", to_hex(id)},
          {"root", to_hex(f.root)},
          {"size", f.size},
          {"owner", f.owner.to_string()},
          {"operator", f.serving.to_string()},
          {"attributes", attributes_to_json(f.attributes)},
          {"registered_at", f.registered_at},
          {"time_ms", f.time_ms}};
}

nlohmann::json stolen_json(const crypto::Hash32& id_hash, const StolenEntry& s) {
  return {{"id_hash", to_hex(id_hash)},
          {"status", status_name(s.status)},
          {"height", s.height},
          {"time_ms", s.time_ms},
          {"reporter", s.reporter.to_string()}};
}

nlohmann::json anchor_json(const AnchorRecord& a) {
  nlohmann::json ranges = nlohmann::json::array();
  for (const SeqRange& s : a.ranges) {
    ranges.push_back({{"id_hash", to_hex(s.id_hash)}, {"first_seq", s.first_seq}, {"last_seq", s.last_seq}});
  }
  return {{"root", to_hex(a.root)}, {"gateway", a.gateway.to_string()},
          {"count", a.count},       {"height", a.height},
          {"time_ms", a.time_ms},   {"ranges", ranges}};
}

}  // namespace telco::modules::device
