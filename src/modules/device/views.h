// Read queries over committed state for the HTTP API and the CLI: a device with its status,
// a page of its history, a fleet, the stolen list, an anchored batch, as JSON.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <vector>

#include "modules/device/state.h"

namespace telco::modules::device {

struct HistoryPage {
  std::vector<HistoryEntry> entries;  // newest first
  std::uint32_t total = 0;
};
// Entries with sequence < before (all when nullopt), newest first, at most `limit`
// (itself at most kHistoryPageMax). nullopt: no such device.
std::optional<HistoryPage> device_history(const state::StateView& s, const crypto::Hash32& id_hash,
                                          std::size_t limit, std::optional<std::uint32_t> before);

nlohmann::json device_json(const DeviceRecord& d);
nlohmann::json history_json(const HistoryEntry& e);
nlohmann::json fleet_json(const crypto::Hash32& id, const FleetRecord& f);
nlohmann::json stolen_json(const crypto::Hash32& id_hash, const StolenEntry& s);
nlohmann::json anchor_json(const AnchorRecord& a);

}  // namespace telco::modules::device
