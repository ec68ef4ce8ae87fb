// The device module's state: keys under Prefix::kDevice and the records stored there
// (docs/modules/device.md "State layout"). Devices are keyed by the hash of their identifier
// (never the raw IMEI or EID). History entries, key versions, fleet member marks and the
// stolen list are one key each, so every one is covered by the state root and provable.
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "crypto/address.h"
#include "crypto/ed25519.h"
#include "crypto/hash.h"
#include "state/write_set.h"

namespace telco::modules::device {

enum class DeviceStatus : std::uint8_t {
  kActive = 0,
  kSuspended = 1,  // by its serving operator; resumable
  kStolen = 2,     // reported by its owner; listed in the stolen list
  kLost = 3,       // reported by its owner; listed in the stolen list
  kRevoked = 4,    // final
};
std::string_view status_name(DeviceStatus s);
std::optional<DeviceStatus> parse_status(std::string_view name);

using Attribute = std::pair<std::string, std::string>;  // (key, value), e.g. ("model", "X1")

// id_hash = H(string("telco/device-id/v1") ‖ string(raw identifier)), computed by the client.
crypto::Hash32 device_id_hash(std::string_view raw_identifier);
// fleet_id = H(string("telco/fleet-id/v1") ‖ fixed[32] root ‖ u64 size).
crypto::Hash32 fleet_id(const crypto::Hash32& root, std::uint64_t size);
// A fleet leaf: merkle_leaf(kFleetDomain, fixed[32] id_hash ‖ fixed[32] public key).
crypto::Hash32 fleet_leaf(const crypto::Hash32& id_hash, const crypto::PublicKey& key);

struct DeviceRecord {
  crypto::Hash32 id_hash{};
  crypto::PublicKey public_key{};
  crypto::Address owner;
  crypto::Address serving;  // the serving operator
  DeviceStatus status = DeviceStatus::kActive;
  std::vector<Attribute> attributes;
  std::uint32_t key_version = 0;  // 0 at registration, +1 per rotation
  std::uint32_t history_count = 0;
  std::uint64_t registered_at = 0;  // height
  crypto::Hash32 fleet{};           // the fleet it was claimed from; zero if registered alone
  std::uint64_t reading_seq = 0;    // the highest anchored reading sequence number
  bool operator==(const DeviceRecord&) const = default;
};

struct FleetRecord {
  crypto::Hash32 root{};
  std::uint64_t size = 0;
  crypto::Address owner;
  crypto::Address serving;
  std::vector<Attribute> attributes;  // given to every member when it is claimed
  std::uint64_t registered_at = 0;
  std::uint64_t time_ms = 0;
  bool operator==(const FleetRecord&) const = default;
};

enum class MemberMark : std::uint8_t { kClaimed = 1, kRevoked = 2 };

struct StolenEntry {
  DeviceStatus status = DeviceStatus::kStolen;  // stolen or lost
  std::uint64_t height = 0;
  std::uint64_t time_ms = 0;
  crypto::Address reporter;
  bool operator==(const StolenEntry&) const = default;
};

struct SeqRange {
  crypto::Hash32 id_hash{};
  std::uint64_t first_seq = 0;
  std::uint64_t last_seq = 0;
  bool operator==(const SeqRange&) const = default;
};

struct AnchorRecord {
  crypto::Hash32 root{};
  crypto::Address gateway;
  std::uint64_t count = 0;
  std::uint64_t height = 0;
  std::uint64_t time_ms = 0;  // the block time: readings are no later than this
  std::vector<SeqRange> ranges;
  bool operator==(const AnchorRecord&) const = default;
};

enum class Event : std::uint8_t {
  kRegistered = 1,
  kClaimed = 2,
  kKeyRotated = 3,
  kTransferred = 4,
  kReportedStolen = 5,
  kReportedLost = 6,
  kSuspended = 7,
  kResumed = 8,
  kRevoked = 9,
};
std::string_view event_name(Event e);

struct HistoryEntry {
  std::uint64_t height = 0;
  std::uint64_t time_ms = 0;
  Event event{};
  crypto::Address actor;    // the transaction's sender
  crypto::Address other;    // new owner (transfer), owner (registration)
  crypto::PublicKey key{};  // the key in force after the event
  std::uint32_t key_version = 0;
  bool operator==(const HistoryEntry&) const = default;
};

Bytes device_key(const crypto::Hash32& id_hash);
Bytes history_key(const crypto::Hash32& id_hash, std::uint32_t seq);
Bytes key_version_key(const crypto::Hash32& id_hash, std::uint32_t version);
Bytes fleet_key(const crypto::Hash32& fleet);
Bytes member_key(const crypto::Hash32& fleet, const crypto::Hash32& id_hash);
Bytes stolen_key(const crypto::Hash32& id_hash);
Bytes anchor_key(const crypto::Hash32& root);

Bytes encode_device(const DeviceRecord& d);
std::optional<DeviceRecord> decode_device(ByteView bytes);
Bytes encode_fleet(const FleetRecord& f);
std::optional<FleetRecord> decode_fleet(ByteView bytes);
Bytes encode_stolen(const StolenEntry& s);
std::optional<StolenEntry> decode_stolen(ByteView bytes);
Bytes encode_anchor(const AnchorRecord& a);
std::optional<AnchorRecord> decode_anchor(ByteView bytes);
Bytes encode_history(const HistoryEntry& e);
std::optional<HistoryEntry> decode_history(ByteView bytes);

// Loads throw std::logic_error on a stored record that does not decode (a broken invariant).
std::optional<DeviceRecord> load_device(const state::StateView& s, const crypto::Hash32& id_hash);
std::optional<FleetRecord> load_fleet(const state::StateView& s, const crypto::Hash32& fleet);
std::optional<MemberMark> load_member(const state::StateView& s, const crypto::Hash32& fleet,
                                      const crypto::Hash32& id_hash);
std::optional<StolenEntry> load_stolen(const state::StateView& s, const crypto::Hash32& id_hash);
std::optional<AnchorRecord> load_anchor(const state::StateView& s, const crypto::Hash32& root);
std::optional<crypto::PublicKey> load_key_version(const state::StateView& s, const crypto::Hash32& id_hash,
                                                  std::uint32_t version);
std::optional<HistoryEntry> load_history(const state::StateView& s, const crypto::Hash32& id_hash,
                                         std::uint32_t seq);

// store_device also records the current key under its version (idempotent).
void store_device(state::WriteSet& ws, const DeviceRecord& d);
void store_fleet(state::WriteSet& ws, const crypto::Hash32& fleet, const FleetRecord& f);
void store_member(state::WriteSet& ws, const crypto::Hash32& fleet, const crypto::Hash32& id_hash,
                  MemberMark m);
void store_stolen(state::WriteSet& ws, const crypto::Hash32& id_hash, const StolenEntry& s);
void store_anchor(state::WriteSet& ws, const AnchorRecord& a);
// Appends under the record's count and bumps it; the caller stores the record.
void append_history(state::WriteSet& ws, DeviceRecord& d, const HistoryEntry& e);

}  // namespace telco::modules::device
