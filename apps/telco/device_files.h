// Pure logic behind `telco device ...`: the device key file a simulated device keeps, the
// fleet file a manufacturer builds (Merkle root and every member's path, computed locally),
// the batch file a gateway builds from signed readings, and the local challenge table of an
// offline verifier. Reading and writing files is left to cmd_device.cpp.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "crypto/ed25519.h"
#include "modules/device/auth.h"
#include "modules/device/limits.h"
#include "modules/device/payloads.h"

namespace telco::cli {

// {"identifier": "...", "seed": hex, "public_key": hex}. The identifier (IMEI, EID) never
// leaves the device and the CLI: the chain sees only its hash.
struct DeviceKeyFile {
  std::string identifier;
  crypto::KeyPair key;
  crypto::Hash32 id_hash() const { return modules::device::device_id_hash(identifier); }
};
nlohmann::json device_key_json(const DeviceKeyFile& d);
DeviceKeyFile device_key_from_json(const nlohmann::json& j);  // throws CliError("bad_device_file")

// A fleet from a list of {"identifier" or "id_hash", "public_key"}: members in list order.
struct FleetFile {
  crypto::Hash32 root{};
  std::uint64_t size = 0;
  crypto::Hash32 fleet_id{};
  std::vector<crypto::Hash32> ids;
  std::vector<crypto::PublicKey> keys;
  std::vector<std::vector<crypto::Hash32>> paths;
};
FleetFile build_fleet(const nlohmann::json& devices);  // throws CliError("bad_fleet_input")
nlohmann::json fleet_file_json(const FleetFile& f);
FleetFile fleet_from_json(const nlohmann::json& j);  // throws CliError("bad_fleet_file")
std::size_t fleet_index_of(const FleetFile& f, const crypto::Hash32& id_hash);  // throws CliError

// One signed reading as `telco device simulate reading` prints it.
nlohmann::json reading_json(const modules::device::Reading& r, const crypto::Signature& sig);
std::pair<modules::device::Reading, crypto::Signature> reading_from_json(const nlohmann::json& j);

// A gateway's batch: the readings in order, their root, the per-device ranges (readings of
// one device must have consecutive sequence numbers), and each reading's path.
struct Batch {
  modules::device::DeviceAnchor anchor;
  std::vector<nlohmann::json> readings;
  std::vector<std::vector<crypto::Hash32>> paths;
};
Batch build_batch(const std::string& chain_id, const nlohmann::json& readings);  // throws CliError
nlohmann::json batch_file_json(const Batch& b);

// The offline verifier's table of challenges it issued, kept in a JSON file between runs:
// {"<nonce hex>": {"expires_ms": n, "used": bool}}; expired entries are dropped on write.
nlohmann::json challenge_json(const modules::device::Challenge& c);

}  // namespace telco::cli
