// Read queries over committed (or pending) state, shared by the handlers, the HTTP API and
// the DNS server: what a name or number is at a given height, its history, reverse names.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "modules/naming/state.h"

namespace telco::modules::naming {

enum class NameStatus {
  kActive,     // resolves; its owner may change it
  kGrace,      // expired, within the grace period: does not resolve; only its owner may renew
  kAvailable,  // past the grace period (or a subname of a re-registered parent): free
};
std::string_view status_name(NameStatus s);

struct NameView {
  NameRecord record;
  NameStatus status = NameStatus::kAvailable;
  std::uint64_t expires_at = 0;  // of the name, or for a subname of its second-level ancestor
  std::uint64_t grace_ends_at = 0;
};

// Labels: "a.b.tel" -> parent "b.tel", second-level ancestor "b.tel", top-level "tel".
std::string_view parent_of(std::string_view name);
std::string_view second_level_of(std::string_view name);
std::size_t label_count(std::string_view name);
// The name is under one of the chain's top-level labels, with at least two labels.
bool in_zone(const chain::NamingParams& params, std::string_view name);

// nullopt: no record at all. Otherwise the record and its status at `height`.
std::optional<NameView> view_name(const state::StateView& state, const chain::NamingParams& params,
                                  std::uint64_t height, std::string_view name);

// The name `address` points to, only while that name is active and owned by `address`.
std::optional<std::string> reverse_name(const state::StateView& state, const chain::NamingParams& params,
                                        std::uint64_t height, const crypto::Address& address);

// The number as of `height` (a due port applied). nullopt: never assigned.
std::optional<NumberRecord> view_number(const state::StateView& state, std::uint64_t height, std::string_view digits);

// A page of history, newest first: entries with sequence < before (all when nullopt), at
// most `limit`. For numbers, a port that completed lazily at its height is listed too.
struct HistoryPage {
  std::vector<HistoryEntry> entries;
  std::uint32_t total = 0;  // entries in all
};
HistoryPage name_history(const state::StateView& state, std::string_view name, std::size_t limit,
                         std::optional<std::uint32_t> before);
HistoryPage number_history(const state::StateView& state, std::uint64_t height, std::string_view digits,
                           std::size_t limit, std::optional<std::uint32_t> before);

nlohmann::json name_view_json(const NameView& view);
nlohmann::json number_json(const NumberRecord& record, const std::optional<NumberBlock>& block,
                           const chain::NamingParams& params);

}  // namespace telco::modules::naming
