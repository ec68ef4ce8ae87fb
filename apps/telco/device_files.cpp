#include "device_files.h"

#include <algorithm>
#include <map>

#include "cli_error.h"
#include "modules/device/merkle.h"
#include "util/hex.h"

namespace telco::cli {
namespace {

using Json = nlohmann::json;
namespace dev = modules::device;

template <std::size_t N>
std::array<std::uint8_t, N> hex_of(const Json& j, const char* key, const char* code) {
  if (!j.is_object() || !j.contains(key) || !j[key].is_string())
    throw CliError(code, std::string("missing '") + key + "' (hex)");
  auto b = from_hex(j[key].get<std::string>());
  if (!b || b->size() != N)
    throw CliError(code, std::string("'") + key + "' must be " + std::to_string(2 * N) + " hex digits");
  std::array<std::uint8_t, N> out;
  std::copy(b->begin(), b->end(), out.begin());
  return out;
}

std::uint64_t u64_of(const Json& j, const char* key, const char* code) {
  if (!j.is_object() || !j.contains(key) || !j[key].is_number_unsigned())
    throw CliError(code, std::string("missing '") + key + "' (a non-negative integer)");
  return j[key].get<std::uint64_t>();
}

Json hashes_json(const std::vector<crypto::Hash32>& hs) {
  Json a = Json::array();
  for (const auto& h : hs) a.push_back(to_hex(h));
  return a;
}

std::vector<crypto::Hash32> hashes_of(const Json& a, const char* code) {
  if (!a.is_array()) throw CliError(code, "a path must be an array of hashes");
  std::vector<crypto::Hash32> out;
  for (const Json& h : a) out.push_back(hex_of<32>(Json{{"h", h}}, "h", code));
  return out;
}

}  // namespace

Json device_key_json(const DeviceKeyFile& d) {
  return {{"identifier", d.identifier},
          {"id_hash", to_hex(d.id_hash())},
          {"seed", to_hex(d.key.seed())},
          {"public_key", to_hex(d.key.public_key())}};
}

DeviceKeyFile device_key_from_json(const Json& j) {
  if (!j.is_object() || !j.contains("identifier") || !j["identifier"].is_string())
    throw CliError("bad_device_file", "a device file needs 'identifier' and 'seed'");
  const auto seed = hex_of<32>(j, "seed", "bad_device_file");
  return {j["identifier"].get<std::string>(), crypto::KeyPair::from_seed(seed)};
}

FleetFile build_fleet(const Json& devices) {
  if (!devices.is_array() || devices.empty() || devices.size() > dev::kFleetSizeMax)
    throw CliError("bad_fleet_input", "the devices file must be a JSON array of 1 to 1,048,576 devices");
  FleetFile f;
  std::vector<crypto::Hash32> leaves;
  leaves.reserve(devices.size());
  for (const Json& d : devices) {
    const crypto::Hash32 id = d.contains("identifier") && d["identifier"].is_string()
                                  ? dev::device_id_hash(d["identifier"].get<std::string>())
                                  : hex_of<32>(d, "id_hash", "bad_fleet_input");
    const crypto::PublicKey key = hex_of<32>(d, "public_key", "bad_fleet_input");
    if (!dev::valid_device_key(key))
      throw CliError("bad_fleet_input", "device " + to_hex(id) + " has an invalid key");
    f.ids.push_back(id);
    f.keys.push_back(key);
    leaves.push_back(dev::fleet_leaf(id, key));
  }
  const dev::MerkleTree tree(dev::kFleetDomain, std::move(leaves));
  f.root = tree.root();
  f.size = tree.size();
  f.fleet_id = dev::fleet_id(f.root, f.size);
  for (std::uint64_t i = 0; i < f.size; ++i) f.paths.push_back(tree.path(i));
  return f;
}

Json fleet_file_json(const FleetFile& f) {
  Json members = Json::array();
  for (std::size_t i = 0; i < f.ids.size(); ++i) {
    members.push_back({{"index", i},
                       {"id_hash", to_hex(f.ids[i])},
                       {"public_key", to_hex(f.keys[i])},
                       {"path", hashes_json(f.paths[i])}});
  }
  return {{"fleet", to_hex(f.fleet_id)}, {"root", to_hex(f.root)}, {"size", f.size}, {"members", members}};
}

FleetFile fleet_from_json(const Json& j) {
  FleetFile f;
  f.root = hex_of<32>(j, "root", "bad_fleet_file");
  f.size = u64_of(j, "size", "bad_fleet_file");
  f.fleet_id = dev::fleet_id(f.root, f.size);
  if (!j.contains("members") || !j["members"].is_array() || j["members"].size() != f.size)
    throw CliError("bad_fleet_file", "a fleet file lists exactly 'size' members");
  for (const Json& m : j["members"]) {
    f.ids.push_back(hex_of<32>(m, "id_hash", "bad_fleet_file"));
    f.keys.push_back(hex_of<32>(m, "public_key", "bad_fleet_file"));
    f.paths.push_back(hashes_of(m.value("path", Json()), "bad_fleet_file"));
  }
  return f;
}

std::size_t fleet_index_of(const FleetFile& f, const crypto::Hash32& id) {
  auto it = std::find(f.ids.begin(), f.ids.end(), id);
  if (it == f.ids.end())
    throw CliError("not_in_fleet", "device " + to_hex(id) + " is not a member of this fleet");
  return static_cast<std::size_t>(it - f.ids.begin());
}

Json reading_json(const dev::Reading& r, const crypto::Signature& sig) {
  return {{"id_hash", to_hex(r.id_hash)}, {"time_ms", r.time_ms},     {"seq", r.seq},
          {"key_version", r.key_version}, {"value", to_hex(r.value)}, {"signature", to_hex(sig)}};
}

std::pair<dev::Reading, crypto::Signature> reading_from_json(const Json& j) {
  dev::Reading r;
  r.id_hash = hex_of<32>(j, "id_hash", "bad_reading");
  r.time_ms = u64_of(j, "time_ms", "bad_reading");
  r.seq = u64_of(j, "seq", "bad_reading");
  const std::uint64_t v = u64_of(j, "key_version", "bad_reading");
  if (v > 0xFFFFFFFFu) throw CliError("bad_reading", "'key_version' is too large");
  r.key_version = static_cast<std::uint32_t>(v);
  auto value =
      j.contains("value") && j["value"].is_string() ? from_hex(j["value"].get<std::string>()) : std::nullopt;
  if (!value || value->size() > dev::kReadingValueBytesMax)
    throw CliError("bad_reading", "'value' must be hex of at most 1024 bytes");
  r.value = std::move(*value);
  return {r, hex_of<64>(j, "signature", "bad_reading")};
}

Batch build_batch(const std::string& chain_id, const Json& readings) {
  if (!readings.is_array() || readings.empty() || readings.size() > dev::kAnchorReadingsMax)
    throw CliError("bad_batch_input", "the readings file must be a JSON array of signed readings");
  Batch b;
  std::vector<crypto::Hash32> leaves;
  std::map<crypto::Hash32, dev::SeqRange> ranges;
  for (const Json& j : readings) {
    auto [r, sig] = reading_from_json(j);
    leaves.push_back(dev::reading_leaf(chain_id, r, sig));
    b.readings.push_back(reading_json(r, sig));
    auto [it, fresh] = ranges.try_emplace(r.id_hash, dev::SeqRange{r.id_hash, r.seq, r.seq});
    if (!fresh) {
      if (r.seq != it->second.last_seq + 1)
        throw CliError("bad_batch_input", "readings of device " + to_hex(r.id_hash) +
                                              " must come in consecutive sequence numbers (got " +
                                              std::to_string(r.seq) + " after " +
                                              std::to_string(it->second.last_seq) + ")");
      it->second.last_seq = r.seq;
    }
  }
  if (ranges.size() > dev::kAnchorDevicesMax)
    throw CliError("bad_batch_input", "a batch carries readings of at most 64 devices");
  const dev::MerkleTree tree(dev::kReadingDomain, std::move(leaves));
  b.anchor.root = tree.root();
  b.anchor.count = tree.size();
  for (const auto& [id, range] : ranges) b.anchor.ranges.push_back(range);
  for (std::uint64_t i = 0; i < tree.size(); ++i) b.paths.push_back(tree.path(i));
  return b;
}

Json batch_file_json(const Batch& b) {
  Json items = Json::array();
  for (std::size_t i = 0; i < b.readings.size(); ++i) {
    items.push_back({{"index", i}, {"reading", b.readings[i]}, {"path", hashes_json(b.paths[i])}});
  }
  return {{"root", to_hex(b.anchor.root)},
          {"count", b.anchor.count},
          {"anchor", b.anchor.to_json()},
          {"readings", items}};
}

Json challenge_json(const dev::Challenge& c) {
  return {{"chain_id", c.chain_id},
          {"purpose", c.purpose},
          {"nonce", to_hex(c.nonce)},
          {"verifier_id", c.verifier_id},
          {"expires_ms", c.expires_ms},
          {"id_hash", to_hex(c.id_hash)},
          {"challenge", to_hex(dev::encode_challenge(c))}};
}

}  // namespace telco::cli
