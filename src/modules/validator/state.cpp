#include "modules/validator/state.h"

#include <algorithm>
#include <stdexcept>

#include "chain/limits.h"
#include "codec/reader.h"
#include "codec/writer.h"
#include "state/prefixes.h"

namespace telco::modules::validator {
namespace {

constexpr std::string_view kAuthorityPrefix("\x00validator_authority/", 21);
constexpr std::string_view kSetKey("\x00validators", 11);
constexpr std::string_view kPagePrefix("\x00validators/", 12);
constexpr std::string_view kUpdatesKey("\x00validator_updates", 18);
constexpr std::uint64_t kTotalPowerMax = std::uint64_t{1} << 60;

Bytes key_of(std::string_view text) { return Bytes(text.begin(), text.end()); }

Bytes page_key(std::size_t page) {
  Bytes k(kPagePrefix.size() + 2);
  std::copy(kPagePrefix.begin(), kPagePrefix.end(), k.begin());
  k[kPagePrefix.size()] = static_cast<std::uint8_t>(page >> 8);
  k[kPagePrefix.size() + 1] = static_cast<std::uint8_t>(page & 0xff);
  return k;
}

[[noreturn]] void corrupt(std::string_view what) {
  throw std::logic_error("validator state: " + std::string(what) + " does not decode (corrupt state)");
}

std::size_t pages_for(std::size_t count) { return (count + kPageEntriesMax - 1) / kPageEntriesMax; }

}  // namespace

void write_members(codec::Writer& w, const std::vector<chain::GenesisValidator>& list) {
  w.count(list.size());
  for (const chain::GenesisValidator& v : list) {
    w.string(v.name);
    w.fixed(v.public_key);
    w.u64(v.power);
  }
}

std::vector<chain::GenesisValidator> read_members(codec::Reader& r, std::size_t max) {
  std::vector<chain::GenesisValidator> list(r.count(max, 4 + 32 + 8));
  for (chain::GenesisValidator& v : list) {
    v.name = r.string(chain::kValidatorNameBytesMax);
    v.public_key = r.fixed<32>();
    v.power = r.u64();
  }
  return list;
}

Bytes authority_key(const crypto::Address& address) {
  // One sized buffer filled in place (g++ 12 misreads insert-after-copy as out of bounds).
  Bytes k(kAuthorityPrefix.size() + address.bytes.size());
  std::copy(kAuthorityPrefix.begin(), kAuthorityPrefix.end(), k.begin());
  std::copy(address.bytes.begin(), address.bytes.end(), k.begin() + static_cast<std::ptrdiff_t>(kAuthorityPrefix.size()));
  return k;
}

bool is_authority(const state::StateView& state, const crypto::Address& address) {
  return state.get(authority_key(address)).has_value();
}

std::optional<SetRecord> load_set(const state::StateView& state) {
  const auto head = state.get(key_of(kSetKey));
  if (!head) return std::nullopt;
  codec::Reader r(*head);
  SetRecord record;
  record.effective_height = r.u64();
  const std::uint32_t count = r.u32();
  if (!r.finish() || count == 0 || count > chain::kValidatorsMax) corrupt("the set record");
  record.validators.reserve(count);
  for (std::size_t page = 0; page < pages_for(count); ++page) {
    const auto bytes = state.get(page_key(page));
    if (!bytes) corrupt("a missing page of the set");
    codec::Reader pr(*bytes);
    auto part = read_members(pr, kPageEntriesMax);
    if (!pr.finish()) corrupt("a page of the set");
    record.validators.insert(record.validators.end(), part.begin(), part.end());
  }
  if (record.validators.size() != count) corrupt("the set's pages");
  return record;
}

namespace {

void write_record(state::WriteSet& state, const SetRecord& record) {
  std::size_t old_pages = 0;
  if (const auto head = state.get(key_of(kSetKey))) {
    codec::Reader r(*head);
    (void)r.u64();
    old_pages = pages_for(r.u32());
  }
  codec::Writer head(12);
  head.u64(record.effective_height);
  head.u32(static_cast<std::uint32_t>(record.validators.size()));
  state.put(key_of(kSetKey), head.take());
  const std::size_t pages = pages_for(record.validators.size());
  for (std::size_t page = 0; page < pages; ++page) {
    const auto first = record.validators.begin() + static_cast<std::ptrdiff_t>(page * kPageEntriesMax);
    const auto last = record.validators.begin() +
                      static_cast<std::ptrdiff_t>(std::min(record.validators.size(), (page + 1) * kPageEntriesMax));
    codec::Writer w;
    write_members(w, std::vector<chain::GenesisValidator>(first, last));
    state.put(page_key(page), w.take());
  }
  for (std::size_t page = pages; page < old_pages; ++page) state.erase(page_key(page));
}

}  // namespace

void store_set(state::WriteSet& state, const SetRecord& record) {
  write_record(state, record);
  const crypto::Hash32 hash = chain::validators_hash(record.validators);
  state.put(key_of(state::kNextValidatorsKey), Bytes(hash.begin(), hash.end()));
}

std::vector<Update> load_updates(const state::StateView& state) {
  const auto bytes = state.get(key_of(kUpdatesKey));
  if (!bytes) return {};
  codec::Reader r(*bytes);
  auto updates = read_members(r, kUpdatesPerBlockMax);
  if (!r.finish()) corrupt("the updates record");
  return updates;
}

void store_updates(state::WriteSet& state, const std::vector<Update>& updates) {
  codec::Writer w;
  write_members(w, updates);
  state.put(key_of(kUpdatesKey), w.take());
}

chain::ResultCode apply_updates(std::vector<chain::GenesisValidator>& members, const std::vector<Update>& updates) {
  std::vector<chain::GenesisValidator> list = members;
  for (const Update& u : updates) {
    auto it = std::find_if(list.begin(), list.end(),
                           [&](const chain::GenesisValidator& v) { return v.public_key == u.public_key; });
    if (it != list.end() && u.power == 0) {
      list.erase(it);
    } else if (it != list.end()) {
      it->power = u.power;
      it->name = u.name;
    } else if (u.power > 0) {
      list.push_back(u);
    } else {
      return chain::ResultCode::kValidatorNotFound;
    }
  }
  if (list.empty() || list.size() > chain::kValidatorsMax) return chain::ResultCode::kValidatorSetInvalid;
  std::uint64_t total = 0;
  for (const chain::GenesisValidator& v : list) {
    if (v.power > kTotalPowerMax - total) return chain::ResultCode::kValidatorSetInvalid;
    total += v.power;
  }
  members = std::move(list);
  return chain::ResultCode::kOk;
}

void write_genesis_state(const chain::Genesis& genesis, state::WriteSet& state) {
  if (genesis.validator_authorities.empty()) return;
  for (const crypto::Address& a : genesis.validator_authorities) state.put(authority_key(a), Bytes{1});
  // Without next_validators: the genesis header names the genesis set.
  write_record(state, SetRecord{1, genesis.validators});
}

std::optional<BlockChange> change_made_by_block(const state::StateView& state, std::uint64_t height) {
  auto record = load_set(state);
  if (!record || record->effective_height != height + 1) return std::nullopt;
  return BlockChange{load_updates(state), std::move(record->validators)};
}

std::vector<chain::GenesisValidator> members(const state::StateView& state, const chain::Genesis& genesis) {
  auto record = load_set(state);
  return record ? std::move(record->validators) : genesis.validators;
}

}  // namespace telco::modules::validator
