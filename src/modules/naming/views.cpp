#include "modules/naming/views.h"

#include <algorithm>
#include <functional>
#include <stdexcept>

#include "modules/naming/limits.h"
#include "modules/naming/normalize.h"

namespace telco::modules::naming {

std::string_view status_name(NameStatus s) {
  switch (s) {
    case NameStatus::kActive: return "active";
    case NameStatus::kGrace: return "grace";
    case NameStatus::kAvailable: return "available";
  }
  return "unknown";
}

std::string_view parent_of(std::string_view name) {
  const std::size_t dot = name.find('.');
  return dot == std::string_view::npos ? std::string_view{} : name.substr(dot + 1);
}

std::string_view second_level_of(std::string_view name) {
  const std::size_t last = name.rfind('.');
  if (last == std::string_view::npos || last == 0) return name;
  const std::size_t prev = name.rfind('.', last - 1);
  return prev == std::string_view::npos ? name : name.substr(prev + 1);
}

std::size_t label_count(std::string_view name) {
  return name.empty() ? 0 : 1 + static_cast<std::size_t>(std::count(name.begin(), name.end(), '.'));
}

bool in_zone(const chain::NamingParams& params, std::string_view name) {
  const std::size_t last = name.rfind('.');
  if (last == std::string_view::npos) return false;
  const std::string_view top = name.substr(last + 1);
  return std::any_of(params.top_level_labels.begin(), params.top_level_labels.end(),
                     [top](const std::string& l) { return l == top; });
}

namespace {

NameStatus status_at(const NameRecord& second_level, const chain::NamingParams& params, std::uint64_t height) {
  if (height < second_level.expires_at) return NameStatus::kActive;
  if (height - second_level.expires_at < params.name_grace_blocks) return NameStatus::kGrace;
  return NameStatus::kAvailable;
}

}  // namespace

std::optional<NameView> view_name(const state::StateView& state, const chain::NamingParams& params,
                                  std::uint64_t height, std::string_view name) {
  auto record = load_name(state, name);
  if (!record) return std::nullopt;
  NameView view;
  view.record = std::move(*record);
  if (label_count(name) == 2) {
    view.expires_at = view.record.expires_at;
    view.status = status_at(view.record, params, height);
  } else {
    // A subname lives as long as the registration of its second-level ancestor under which
    // it was set: a new owner of the parent starts with no subnames.
    auto root = load_name(state, second_level_of(name));
    if (root && root->registered_at == view.record.registered_at) {
      view.expires_at = root->expires_at;
      view.status = status_at(*root, params, height);
    }
  }
  view.grace_ends_at = view.expires_at + params.name_grace_blocks;
  return view;
}

std::optional<std::string> reverse_name(const state::StateView& state, const chain::NamingParams& params,
                                        std::uint64_t height, const crypto::Address& address) {
  auto name = load_reverse(state, address);
  if (!name) return std::nullopt;
  auto view = view_name(state, params, height, *name);
  if (!view || view->status != NameStatus::kActive || view->record.owner != address) return std::nullopt;
  return name;
}

std::optional<NumberRecord> view_number(const state::StateView& state, std::uint64_t height, std::string_view digits) {
  auto record = load_number(state, digits);
  if (!record) return std::nullopt;
  return settle(*record, height, nullptr);
}

namespace {

HistoryPage page(const std::vector<HistoryEntry>& virtual_entries, std::uint32_t stored,
                 const std::function<std::optional<Bytes>(std::uint32_t)>& read, std::size_t limit,
                 std::optional<std::uint32_t> before) {
  HistoryPage out;
  out.total = stored + static_cast<std::uint32_t>(virtual_entries.size());
  std::uint32_t seq = std::min(before.value_or(out.total), out.total);
  limit = std::min(limit, kHistoryPageMax);
  while (seq > 0 && out.entries.size() < limit) {
    --seq;
    if (seq >= stored) {
      out.entries.push_back(virtual_entries[seq - stored]);
      continue;
    }
    auto bytes = read(seq);
    auto entry = bytes ? decode_history(*bytes) : std::nullopt;
    if (!entry) throw std::logic_error("naming history entry " + std::to_string(seq) + " missing or corrupt");
    out.entries.push_back(std::move(*entry));
  }
  return out;
}

}  // namespace

HistoryPage name_history(const state::StateView& state, std::string_view name, std::size_t limit,
                         std::optional<std::uint32_t> before) {
  auto record = load_name(state, name);
  if (!record) return {};
  return page({}, record->history_count, [&](std::uint32_t seq) { return state.get(name_history_key(name, seq)); },
              limit, before);
}

HistoryPage number_history(const state::StateView& state, std::uint64_t height, std::string_view digits,
                           std::size_t limit, std::optional<std::uint32_t> before) {
  auto record = load_number(state, digits);
  if (!record) return {};
  std::vector<HistoryEntry> due;
  settle(*record, height, &due);
  return page(due, record->history_count,
              [&](std::uint32_t seq) { return state.get(number_history_key(digits, seq)); }, limit, before);
}

nlohmann::json name_view_json(const NameView& v) {
  nlohmann::json j = {{"name", v.record.name},
                      {"unicode", to_unicode(v.record.name)},
                      {"owner", v.record.owner.to_string()},
                      {"status", status_name(v.status)},
                      {"registered_at", v.record.registered_at},
                      {"expires_at", v.expires_at},
                      {"grace_ends_at", v.grace_ends_at},
                      {"history_count", v.record.history_count}};
  j["kind"] = label_count(v.record.name) == 2 ? "registered" : "subname";
  j.update(records_to_json(v.record.records));
  return j;
}

nlohmann::json number_json(const NumberRecord& n, const std::optional<NumberBlock>& block,
                           const chain::NamingParams& params) {
  nlohmann::json j = {{"number", n.digits}, {"e164", "+" + n.digits}, {"assigned", n.assigned},
                      {"history_count", n.history_count}};
  if (n.assigned) {
    j["subscriber"] = n.subscriber.to_string();
    j["serving_operator"] = n.serving.to_string();
    j["since"] = n.since;
    j["routing"] = routing_to_json(n.routing);
  }
  if (block) j["block"] = {{"prefix", block->prefix}, {"length", block->length}, {"holder", block->holder.to_string()}};
  if (n.port) {
    const PortRequest& p = *n.port;
    j["port"] = {{"recipient", p.recipient.to_string()},
                 {"donor", p.donor.to_string()},
                 {"requested_at", p.requested_at},
                 {"donor_deadline", p.requested_at + params.port_deadline_blocks},
                 {"port_height", p.port_height},
                 {"approved", p.approved},
                 {"routing", routing_to_json(p.routing)}};
  }
  return j;
}

}  // namespace telco::modules::naming
