// The naming module's state: keys under Prefix::kNaming and the records stored there
// (docs/PROTOCOL.md "State", docs/modules/naming.md "State layout"). History lists are
// state records too (one key per entry, the count in the owning record), so they are
// covered by the state root and listed without scanning.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "chain/genesis.h"
#include "crypto/address.h"
#include "crypto/hash.h"
#include "modules/naming/records.h"
#include "state/write_set.h"

namespace telco::modules::naming {

// commitment = H(string("telco/name-commit/v1") ‖ string(name) ‖ fixed[20] owner ‖ fixed[32] secret)
crypto::Hash32 commitment_hash(std::string_view name, const crypto::Address& owner, const crypto::Hash32& secret);
// The key of a name: H(string("telco/name/v1") ‖ string(normalised name)).
crypto::Hash32 name_hash(std::string_view name);

Bytes params_key();
Bytes commitment_key(const crypto::Hash32& commitment);
Bytes name_key(std::string_view name);
Bytes name_history_key(std::string_view name, std::uint32_t seq);
Bytes reverse_key(const crypto::Address& address);
Bytes block_key(std::string_view prefix);
Bytes blocks_below_key(std::string_view prefix);
Bytes operator_key(const crypto::Address& address);
Bytes number_key(std::string_view digits);
Bytes number_history_key(std::string_view digits, std::uint32_t seq);

// Genesis: the chain's naming parameters, stored iff the genesis names them (so a genesis
// without a "naming" section keeps its state root); absent reads as the defaults.
void write_genesis_state(const chain::Genesis& genesis, state::WriteSet& ws);
chain::NamingParams load_params(const state::StateView& state);

struct Commitment {
  crypto::Address sender;
  std::uint64_t height = 0;
};
std::optional<Commitment> load_commitment(const state::StateView& state, const crypto::Hash32& c);
void store_commitment(state::WriteSet& ws, const crypto::Hash32& c, const Commitment& value);

struct NameRecord {
  std::string name;  // normal form
  crypto::Address owner;
  // A second-level name: the height of its registration (its generation). A subname: the
  // generation of its second-level ancestor when it was set; it lives while that matches.
  std::uint64_t registered_at = 0;
  std::uint64_t expires_at = 0;  // second-level names; 0 for subnames
  RecordSet records;
  std::uint32_t history_count = 0;
  bool operator==(const NameRecord&) const = default;
};
std::optional<NameRecord> load_name(const state::StateView& state, std::string_view name);
void store_name(state::WriteSet& ws, const NameRecord& record);

std::optional<std::string> load_reverse(const state::StateView& state, const crypto::Address& address);
void store_reverse(state::WriteSet& ws, const crypto::Address& address, std::string_view name);  // "" erases

struct NumberBlock {
  std::string prefix;
  std::uint8_t length = 0;  // digits of every number in the block
  crypto::Address holder;   // the operator it is allocated to
  std::uint64_t allocated_at = 0;
  bool operator==(const NumberBlock&) const = default;
};
std::optional<NumberBlock> load_block(const state::StateView& state, std::string_view prefix);
void store_block(state::WriteSet& ws, const NumberBlock& block);
std::uint32_t load_count(const state::StateView& state, const Bytes& key);
void store_count(state::WriteSet& ws, const Bytes& key, std::uint32_t count);
// The allocated block whose prefix starts `digits` (the longest; blocks never nest).
std::optional<NumberBlock> find_block(const state::StateView& state, std::string_view digits);

struct PortRequest {
  crypto::Address recipient;
  crypto::Address donor;
  std::uint64_t requested_at = 0;
  std::uint64_t port_height = 0;  // routing moves atomically here, if approved by then
  bool approved = false;
  std::vector<Routing> routing;  // the recipient's routing from port_height on
  bool operator==(const PortRequest&) const = default;
};

struct NumberRecord {
  std::string digits;
  bool assigned = false;
  crypto::Address subscriber;
  crypto::Address serving;  // the operator serving the number now
  std::vector<Routing> routing;
  std::uint64_t since = 0;  // height of the assignment or port that set `serving`
  std::optional<PortRequest> port;
  std::uint32_t history_count = 0;
  bool operator==(const NumberRecord&) const = default;
};
std::optional<NumberRecord> load_number(const state::StateView& state, std::string_view digits);
void store_number(state::WriteSet& ws, const NumberRecord& record);

enum class Event : std::uint8_t {
  kRegistered = 1,
  kRecordsSet = 2,
  kTransferred = 3,
  kRenewed = 4,
  kSubnameSet = 5,
  kAssigned = 20,
  kRoutingSet = 21,
  kReleased = 22,
  kPortRequested = 23,
  kPortApproved = 24,
  kPortRejected = 25,
  kPortCancelled = 26,
  kPorted = 27,
  kPortLapsed = 28,
};
std::string_view event_name(Event e);

// One history entry. Fields an event does not use stay empty.
struct HistoryEntry {
  std::uint64_t height = 0;
  Event event{};
  crypto::Address actor;  // who sent the transaction (for a port completing at its height: the recipient)
  crypto::Address other;  // new owner, subscriber, recipient, donor
  std::uint64_t value = 0;  // new expiry, port height
  std::string text;         // a rejection reason
  std::vector<Routing> routing;
  std::optional<RecordSet> records;
  bool operator==(const HistoryEntry&) const = default;
};
Bytes encode_history(const HistoryEntry& e);
std::optional<HistoryEntry> decode_history(ByteView bytes);
nlohmann::json history_to_json(const HistoryEntry& e);

// Appends under the record's count (and bumps it; the caller stores the record).
void append_name_history(state::WriteSet& ws, NameRecord& record, const HistoryEntry& e);
void append_number_history(state::WriteSet& ws, NumberRecord& record, const HistoryEntry& e);

// The number as of `height`: a port whose height has come is applied (approved: the
// recipient serves it with the new routing; not approved: it lapses). Returns the events
// that produced, dated at the port height; the caller stores them when it writes.
NumberRecord settle(const NumberRecord& record, std::uint64_t height, std::vector<HistoryEntry>* events);

}  // namespace telco::modules::naming
