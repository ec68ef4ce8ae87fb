// The device module's payloads (types 40..48; docs/PROTOCOL.md "Payload types",
// docs/modules/device.md). Each struct has its canonical encoding, JSON form and stateless
// check; modules/typed_handler.h turns each into a PayloadHandler and apply.cpp holds the
// transitions.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "crypto/address.h"
#include "crypto/ed25519.h"
#include "crypto/hash.h"
#include "modules/device/state.h"
#include "modules/payload_handler.h"

namespace telco::modules::device {

using Json = nlohmann::json;

#define TELCO_DEVICE_PAYLOAD(Struct, type_number, type_name)          \
  static constexpr std::uint16_t kType = type_number;                 \
  static constexpr std::string_view kName = type_name;                \
  chain::Payload to_payload() const;                                  \
  static std::optional<Struct> decode(const chain::Payload& payload); \
  chain::ResultCode check() const;                                    \
  chain::ResultCode apply(TxContext& ctx) const;                      \
  std::vector<crypto::Address> counterparties() const;                \
  Json to_json() const;                                               \
  static Struct from_json(const Json& fields);                        \
  bool operator==(const Struct&) const = default;

// Registers one device under its identifier hash, owned by `owner`, served by `serving`.
struct DeviceRegister {
  crypto::Hash32 id_hash{};
  crypto::PublicKey public_key{};
  crypto::Address owner;
  crypto::Address serving;
  std::vector<Attribute> attributes;
  TELCO_DEVICE_PAYLOAD(DeviceRegister, 40, "device.register")
};
// Commits a whole fleet by the Merkle root of its (identifier hash, key) leaves: the same
// size on chain for one device or a million.
struct DeviceRegisterFleet {
  crypto::Hash32 root{};
  std::uint64_t size = 0;
  crypto::Address owner;
  crypto::Address serving;
  std::vector<Attribute> attributes;
  TELCO_DEVICE_PAYLOAD(DeviceRegisterFleet, 41, "device.register_fleet")
};
// Turns a fleet member into an individually registered device, proven by its path.
struct DeviceClaimFleetMember {
  crypto::Hash32 fleet{};
  std::uint64_t index = 0;
  crypto::Hash32 id_hash{};
  crypto::PublicKey public_key{};
  std::vector<crypto::Hash32> path;
  TELCO_DEVICE_PAYLOAD(DeviceClaimFleetMember, 42, "device.claim_fleet_member")
};
// Sent by the owner, or by anyone with `old_key_signature`: the current key's signature over
// rotation_message(chain id, id_hash, current key version, new key).
struct DeviceRotateKey {
  crypto::Hash32 id_hash{};
  crypto::PublicKey new_key{};
  std::optional<crypto::Signature> old_key_signature;
  TELCO_DEVICE_PAYLOAD(DeviceRotateKey, 43, "device.rotate_key")
};
struct DeviceTransfer {
  crypto::Hash32 id_hash{};
  crypto::Address new_owner;
  TELCO_DEVICE_PAYLOAD(DeviceTransfer, 44, "device.transfer")
};
// The owner reports the device stolen or lost (status kStolen or kLost).
struct DeviceReport {
  crypto::Hash32 id_hash{};
  DeviceStatus status = DeviceStatus::kStolen;
  TELCO_DEVICE_PAYLOAD(DeviceReport, 45, "device.report")
};
// The serving operator suspends (kSuspended) or resumes (kActive) the device.
struct DeviceSetStatus {
  crypto::Hash32 id_hash{};
  DeviceStatus status = DeviceStatus::kSuspended;
  TELCO_DEVICE_PAYLOAD(DeviceSetStatus, 46, "device.set_status")
};
// Final. With a zero `fleet`: the registered (or claimed) device, by owner or operator.
// With a fleet: a member not yet claimed, by the fleet's owner or operator; it can then
// never be claimed nor authenticate by path.
struct DeviceRevoke {
  crypto::Hash32 id_hash{};
  crypto::Hash32 fleet{};
  TELCO_DEVICE_PAYLOAD(DeviceRevoke, 47, "device.revoke")
};
// A gateway commits a batch of signed readings by their Merkle root; `ranges` gives each
// device's sequence numbers in the batch, which must start above its last anchored one.
struct DeviceAnchor {
  crypto::Hash32 root{};
  std::uint64_t count = 0;
  std::vector<SeqRange> ranges;
  TELCO_DEVICE_PAYLOAD(DeviceAnchor, 48, "device.anchor")
};

#undef TELCO_DEVICE_PAYLOAD

// rotation_message = string("telco/device-rotate/v1") ‖ string(chain id) ‖ fixed[32] id_hash
//                    ‖ u32 current key version ‖ fixed[32] new key
Bytes rotation_message(std::string_view chain_id, const crypto::Hash32& id_hash, std::uint32_t key_version,
                       const crypto::PublicKey& new_key);

// Full-order Ed25519 point (libsodium): what every device key must be.
bool valid_device_key(const crypto::PublicKey& key);

// JSON edge helpers, shared with the views and the CLI.
Json attributes_to_json(const std::vector<Attribute>& attrs);
std::vector<Attribute> attributes_from_json(const Json& j);

}  // namespace telco::modules::device
