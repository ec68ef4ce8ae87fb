#include "modules/validator/payloads.h"

#include <algorithm>
#include <stdexcept>

#include "chain/limits.h"
#include "codec/reader.h"
#include "codec/writer.h"
#include "crypto/ed25519.h"
#include "modules/payload_codec.h"
#include "util/hex.h"

namespace telco::modules::validator {

using chain::ResultCode;
using Json = nlohmann::json;

namespace {
constexpr std::uint64_t kPowerMax = std::uint64_t{1} << 60;
// Names are read up to this bound so that a long one gets validator_update_invalid.
constexpr std::size_t kNameFieldBytesMax = 1024;
}  // namespace

chain::Payload ValidatorUpdatePayload::to_payload() const {
  return encode_payload<ValidatorUpdatePayload>([&](codec::Writer& w) {
    w.count(updates.size());
    for (const Update& u : updates) {
      w.string(u.name);
      w.fixed(u.public_key);
      w.u64(u.power);
    }
  });
}

std::optional<ValidatorUpdatePayload> ValidatorUpdatePayload::decode(const chain::Payload& payload) {
  return decode_payload<ValidatorUpdatePayload>(payload, [](codec::Reader& r, ValidatorUpdatePayload& p) {
    p.updates.resize(r.count(kUpdatesPerTxMax, 4 + 32 + 8));
    for (Update& u : p.updates) {
      u.name = r.string(kNameFieldBytesMax);
      u.public_key = r.fixed<32>();
      u.power = r.u64();
    }
  });
}

ResultCode ValidatorUpdatePayload::check() const {
  if (updates.empty() || updates.size() > kUpdatesPerTxMax) return ResultCode::kValidatorUpdateInvalid;
  for (std::size_t i = 0; i < updates.size(); ++i) {
    const Update& u = updates[i];
    if (u.name.size() > chain::kValidatorNameBytesMax || u.power > kPowerMax) return ResultCode::kValidatorUpdateInvalid;
    if (!crypto::is_valid_public_key(u.public_key)) return ResultCode::kValidatorUpdateInvalid;
    for (std::size_t j = 0; j < i; ++j) {
      if (updates[j].public_key == u.public_key) return ResultCode::kValidatorUpdateInvalid;
    }
  }
  return ResultCode::kOk;
}

ResultCode ValidatorUpdatePayload::apply(TxContext& ctx) const {
  if (!is_authority(ctx.state, ctx.sender)) return ResultCode::kNotValidatorAuthority;
  auto record = load_set(ctx.state);
  if (!record) return ResultCode::kNotValidatorAuthority;  // authorities always come with a record
  // One change per block, built from every update its transactions make: the set that signs
  // height + 1. A key may be named once per block, so applying the block's updates in one go
  // (what the engine does) equals applying them transaction by transaction (what this does).
  std::vector<Update> block_updates;
  if (record->effective_height == ctx.height + 1) block_updates = load_updates(ctx.state);
  for (const Update& u : updates) {
    for (const Update& done : block_updates) {
      if (done.public_key == u.public_key) return ResultCode::kValidatorUpdatedTwice;
    }
  }
  if (block_updates.size() + updates.size() > kUpdatesPerBlockMax) return ResultCode::kValidatorUpdatesTooMany;
  const ResultCode code = apply_updates(record->validators, updates);
  if (code != ResultCode::kOk) return code;
  record->effective_height = ctx.height + 1;
  store_set(ctx.state, *record);
  block_updates.insert(block_updates.end(), updates.begin(), updates.end());
  store_updates(ctx.state, block_updates);
  return ResultCode::kOk;
}

Json ValidatorUpdatePayload::to_json() const {
  Json list = Json::array();
  for (const Update& u : updates) {
    list.push_back({{"name", u.name}, {"public_key", to_hex(u.public_key)}, {"power", u.power}});
  }
  return {{"updates", std::move(list)}};
}

ValidatorUpdatePayload ValidatorUpdatePayload::from_json(const Json& fields) {
  for (auto it = fields.begin(); it != fields.end(); ++it) {
    if (it.key() != "type" && it.key() != "updates") {
      throw std::invalid_argument("unknown field '" + it.key() + "' in validator.update payload");
    }
  }
  if (!fields.contains("updates") || !fields["updates"].is_array()) {
    throw std::invalid_argument("validator.update needs 'updates': an array of {public_key, power, name}");
  }
  ValidatorUpdatePayload p;
  for (const Json& u : fields["updates"]) {
    if (!u.is_object()) throw std::invalid_argument("each update must be an object {public_key, power, name}");
    for (auto it = u.begin(); it != u.end(); ++it) {
      if (it.key() != "public_key" && it.key() != "power" && it.key() != "name") {
        throw std::invalid_argument("unknown field '" + it.key() + "' in a validator update");
      }
    }
    if (p.updates.size() >= kUpdatesPerTxMax) throw std::invalid_argument("more than 16 updates in one transaction");
    Update out;
    auto key = u.contains("public_key") && u["public_key"].is_string()
                   ? crypto::public_key_from_hex(u["public_key"].get<std::string>())
                   : std::nullopt;
    if (!key) throw std::invalid_argument("a validator update needs a 64-hex-digit 'public_key'");
    out.public_key = *key;
    if (!u.contains("power") || !u["power"].is_number_unsigned()) {
      throw std::invalid_argument("a validator update needs 'power': a non-negative integer (0 removes)");
    }
    out.power = u["power"].get<std::uint64_t>();
    if (u.contains("name")) {
      if (!u["name"].is_string()) throw std::invalid_argument("'name' must be a string");
      out.name = u["name"].get<std::string>();
    }
    p.updates.push_back(std::move(out));
  }
  return p;
}

}  // namespace telco::modules::validator
