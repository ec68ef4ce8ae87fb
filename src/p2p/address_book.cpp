#include "p2p/address_book.h"

#include <algorithm>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "util/file.h"

namespace telco::p2p {
namespace {

using Json = nlohmann::json;
constexpr int kFileVersion = 1;

// Fisher-Yates over the first `n` positions with the injected random source.
template <typename T>
void partial_shuffle(std::vector<T>& items, std::size_t n, const RandomSource& random) {
  n = std::min(n, items.size());
  for (std::size_t i = 0; i < n; ++i) {
    const std::size_t j = i + static_cast<std::size_t>(random() % (items.size() - i));
    std::swap(items[i], items[j]);
  }
  items.resize(n);
}

std::optional<AddressBook::Entry> entry_from_json(const Json& j) {
  if (!j.is_object()) return std::nullopt;
  const auto id = j.find("id");
  const auto host = j.find("host");
  const auto port = j.find("port");
  if (id == j.end() || host == j.end() || port == j.end() || !id->is_string() || !host->is_string() ||
      !port->is_number_unsigned()) {
    return std::nullopt;
  }
  AddressBook::Entry e;
  e.address.id = parse_node_id(id->get<std::string>());
  e.address.host = host->get<std::string>();
  const auto port_value = port->get<std::uint64_t>();
  if (!e.address.id || !valid_host(e.address.host) || port_value == 0 || port_value > 65535) return std::nullopt;
  e.address.port = static_cast<std::uint16_t>(port_value);
  const auto last = j.find("last_success_ms");
  if (last != j.end() && last->is_number_integer()) e.last_success_ms = last->get<std::int64_t>();
  const auto failures = j.find("failures");
  if (failures != j.end() && failures->is_number_unsigned()) {
    e.failures = static_cast<std::uint32_t>(std::min<std::uint64_t>(failures->get<std::uint64_t>(), kAddressFailuresMax));
  }
  return e;
}

}  // namespace

AddressBook::AddressBook(std::filesystem::path path, std::size_t capacity)
    : path_(std::move(path)), capacity_(std::max<std::size_t>(capacity, 1)) {}

std::optional<std::string> AddressBook::load() {
  if (path_.empty()) return std::nullopt;
  std::error_code ec;
  if (!std::filesystem::exists(path_, ec)) return std::nullopt;
  const auto bytes = std::filesystem::file_size(path_, ec);
  if (ec || bytes > kAddressBookFileBytesMax) {
    return "address book " + path_.string() + " is unreadable or larger than " +
           std::to_string(kAddressBookFileBytesMax) + " bytes; starting empty";
  }
  std::ifstream in(path_, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  const Json doc = Json::parse(text.str(), nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded() || !doc.is_object() || !doc.contains("addresses") || !doc["addresses"].is_array()) {
    return "address book " + path_.string() + " is not valid JSON of the expected shape; starting empty";
  }
  std::size_t skipped = 0;
  for (const Json& j : doc["addresses"]) {
    auto entry = entry_from_json(j);
    if (!entry || entries_.size() >= capacity_) {
      ++skipped;
      continue;
    }
    const NodeId id = *entry->address.id;
    entries_.insert_or_assign(id, std::move(*entry));
  }
  if (skipped > 0) return "address book " + path_.string() + ": skipped " + std::to_string(skipped) + " bad or excess entries";
  return std::nullopt;
}

std::optional<std::string> AddressBook::save() {
  if (path_.empty() || !dirty_) return std::nullopt;
  Json list = Json::array();
  std::vector<const Entry*> sorted;
  sorted.reserve(entries_.size());
  for (const auto& [id, e] : entries_) sorted.push_back(&e);
  // Sorted by id, so the file is stable across saves and diffs are readable.
  std::sort(sorted.begin(), sorted.end(), [](const Entry* a, const Entry* b) { return *a->address.id < *b->address.id; });
  for (const Entry* e : sorted) {
    list.push_back({{"id", node_id_hex(*e->address.id)},
                    {"host", e->address.host},
                    {"port", e->address.port},
                    {"last_success_ms", e->last_success_ms},
                    {"failures", e->failures}});
  }
  const Json doc = {{"version", kFileVersion}, {"addresses", std::move(list)}};
  try {
    replace_file(path_, doc.dump(1) + "\n", 0644);
  } catch (const std::exception& e) {
    return std::string(e.what());
  }
  dirty_ = false;
  return std::nullopt;
}

bool AddressBook::make_room() {
  if (entries_.size() < capacity_) return true;
  // The worst entry: most failures, then never reached, then the longest ago.
  auto worst = entries_.end();
  for (auto it = entries_.begin(); it != entries_.end(); ++it) {
    if (worst == entries_.end() || std::tie(it->second.failures, worst->second.last_success_ms) >
                                       std::tie(worst->second.failures, it->second.last_success_ms)) {
      worst = it;
    }
  }
  if (worst->second.failures == 0 && worst->second.last_success_ms != 0) return false;  // all good: keep them
  entries_.erase(worst);
  return true;
}

bool AddressBook::add(const PeerAddress& address, AddMode mode) {
  if (!address.id || !valid_host(address.host) || address.port == 0) return false;
  const auto it = entries_.find(*address.id);
  if (it != entries_.end()) {
    if (mode == AddMode::kReplace && !(it->second.address == address)) {
      it->second.address = address;
      dirty_ = true;
    }
    return true;
  }
  if (!make_room()) return false;
  Entry e;
  e.address = address;
  entries_.emplace(*address.id, std::move(e));
  dirty_ = true;
  return true;
}

void AddressBook::mark_success(const PeerAddress& address, std::int64_t now_ms) {
  if (!add(address, AddMode::kReplace)) return;
  Entry& e = entries_.at(*address.id);
  e.last_success_ms = now_ms;
  e.failures = 0;
  e.retry_after = {};
  dirty_ = true;
}

bool AddressBook::mark_failure(const NodeId& id, Clock::time_point now, const RandomSource& random) {
  const auto it = entries_.find(id);
  if (it == entries_.end()) return false;
  Entry& e = it->second;
  ++e.failures;
  dirty_ = true;
  if (e.failures >= kAddressFailuresMax) {
    entries_.erase(it);
    return true;
  }
  Backoff backoff(kAddressRetryBase, kAddressRetryMax);
  Backoff::Duration wait{};
  for (std::uint32_t i = 0; i < e.failures; ++i) wait = backoff.next(random);
  e.retry_after = now + wait;
  return false;
}

void AddressBook::remove(const NodeId& id) {
  if (entries_.erase(id) > 0) dirty_ = true;
}

std::vector<PeerAddress> AddressBook::candidates(std::size_t n, Clock::time_point now,
                                                 const std::function<bool(const NodeId&)>& skip,
                                                 const RandomSource& random) const {
  std::vector<PeerAddress> out;
  for (const auto& [id, e] : entries_) {
    if (e.retry_after <= now && !skip(id)) out.push_back(e.address);
  }
  partial_shuffle(out, n, random);
  return out;
}

std::vector<PeerAddress> AddressBook::sample(std::size_t n, const NodeId& except, const RandomSource& random) const {
  std::vector<PeerAddress> out;
  out.reserve(entries_.size());
  for (const auto& [id, e] : entries_) {
    if (id != except) out.push_back(e.address);
  }
  partial_shuffle(out, n, random);
  return out;
}

const AddressBook::Entry* AddressBook::find(const NodeId& id) const {
  const auto it = entries_.find(id);
  return it == entries_.end() ? nullptr : &it->second;
}

}  // namespace telco::p2p
