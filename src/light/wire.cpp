#include "light/wire.h"

#include "chain/limits.h"
#include "state/tree_node.h"
#include "util/hex.h"

namespace telco::light {
namespace {

using Json = nlohmann::json;

// Thrown inside this file only and turned into a Verdict at each entry point, so the
// field readers stay one line each.
struct Malformed {
  Verdict verdict;
};

[[noreturn]] void malformed(std::string detail, Rejection r = Rejection::kMalformedResponse) {
  throw Malformed{reject(r, std::move(detail))};
}

const Json& field(const Json& j, const char* name) {
  if (!j.is_object()) malformed("expected a JSON object");
  auto it = j.find(name);
  if (it == j.end()) malformed(std::string("missing field '") + name + "'");
  return *it;
}

std::uint64_t u64_field(const Json& j, const char* name) {
  const Json& v = field(j, name);
  // Parsed text gives unsigned numbers; a JSON value built in code may hold a signed one.
  if (v.is_number_unsigned()) return v.get<std::uint64_t>();
  if (v.is_number_integer() && v.get<std::int64_t>() >= 0)
    return static_cast<std::uint64_t>(v.get<std::int64_t>());
  malformed(std::string("'") + name + "' is not an unsigned integer");
}

Bytes hex_field(const Json& j, const char* name, std::size_t bytes_max) {
  const Json& v = field(j, name);
  if (!v.is_string()) malformed(std::string("'") + name + "' is not a string");
  const std::string& s = v.get_ref<const std::string&>();
  if (s.size() > 2 * bytes_max)
    malformed(std::string("'") + name + "' is longer than " + std::to_string(bytes_max) + " bytes");
  auto b = from_hex(s);
  if (!b) malformed(std::string("'") + name + "' is not hex");
  return std::move(*b);
}

template <std::size_t N>
std::array<std::uint8_t, N> fixed_hex_field(const Json& j, const char* name) {
  const Bytes b = hex_field(j, name, N);
  if (b.size() != N) malformed(std::string("'") + name + "' is not " + std::to_string(N) + " bytes");
  std::array<std::uint8_t, N> out{};
  std::copy(b.begin(), b.end(), out.begin());
  return out;
}

const Json& array_field(const Json& j, const char* name, std::size_t max) {
  const Json& v = field(j, name);
  if (!v.is_array()) malformed(std::string("'") + name + "' is not a list");
  if (v.size() > max)
    malformed(std::string("'") + name + "' has more than " + std::to_string(max) + " entries");
  return v;
}

state::SparseMerkleProof proof_field(const Json& j, const char* name) {
  const Bytes bytes = hex_field(j, name, state::kProofBytesMax);
  codec::DecodeError error = codec::DecodeError::kNone;
  auto proof = state::decode_proof(bytes, &error);
  if (!proof) malformed(std::string("'") + name + "': " + codec::describe(error), Rejection::kProofMalformed);
  return std::move(*proof);
}

SignedHeader signed_header(const Json& j) {
  const Bytes header_bytes = hex_field(j, "header_hex", chain::kHeaderBytesMax);
  codec::DecodeError error = codec::DecodeError::kNone;
  auto header = chain::decode_header(header_bytes, &error);
  if (!header) malformed(std::string("header_hex: ") + codec::describe(error));
  const crypto::Hash32 claimed = fixed_hex_field<32>(j, "hash");
  const crypto::Hash32 actual = crypto::blake2b_256(header_bytes);
  if (claimed != actual) {
    malformed("header " + std::to_string(header->height) + "'s bytes hash to " + crypto::to_hex(actual) +
                  ", the node claims " + crypto::to_hex(claimed),
              Rejection::kHeaderHashMismatch);
  }
  const Bytes commit_bytes = hex_field(j, "commit_hex", chain::kCommitBytesMax);
  auto commit = chain::decode_commit(commit_bytes, &error);
  if (!commit) malformed(std::string("commit_hex: ") + codec::describe(error));
  return {std::move(*header), std::move(*commit)};
}

std::string name_field(const Json& j);

ValidatorSetChange change_entry(const Json& j) {
  ValidatorSetChange c;
  c.height = u64_field(j, "height");
  if (c.height < 2) malformed("a validator-set change takes effect at height 2 or later");
  for (const Json& u : array_field(j, "updates", kValidatorUpdatesMax)) {
    consensus::ValidatorUpdate update;
    update.key = fixed_hex_field<32>(u, "public_key");
    update.power = u64_field(u, "power");
    update.name = name_field(u);
    c.updates.push_back(std::move(update));
  }
  c.proof = proof_field(j, "proof");
  return c;
}

std::string name_field(const Json& j) {
  const Json& name = field(j, "name");
  if (!name.is_string() || name.get_ref<const std::string&>().size() > chain::kValidatorNameBytesMax)
    malformed("a validator's 'name' is not a string of at most 64 bytes");
  return name.get<std::string>();
}

template <typename F>
auto guarded(Verdict* why, F&& f) -> std::optional<decltype(f())> {
  try {
    return f();
  } catch (const Malformed& m) {
    *why = m.verdict;
  } catch (const Json::exception& e) {
    *why = reject(Rejection::kMalformedResponse, e.what());
  }
  return std::nullopt;
}

}  // namespace

std::optional<SignedHeader> decode_signed_header(const Json& j, Verdict* why) {
  return guarded(why, [&] { return signed_header(j); });
}

std::optional<std::vector<SignedHeader>> decode_headers_page(const Json& j, std::size_t max, Verdict* why) {
  return guarded(why, [&] {
    std::vector<SignedHeader> out;
    for (const Json& entry : array_field(j, "headers", max)) out.push_back(signed_header(entry));
    return out;
  });
}

std::optional<ProvenValue> decode_state_proof(const Json& j, Verdict* why) {
  return guarded(why, [&] {
    ProvenValue p;
    p.height = u64_field(j, "height");
    const Json& value = field(j, "value");
    if (!value.is_null()) p.value = hex_field(j, "value", state::kStateValueBytesMax);
    p.proof = proof_field(j, "proof");
    return p;
  });
}

std::optional<std::vector<chain::GenesisValidator>> decode_validator_set(const Json& j, Verdict* why) {
  return guarded(why, [&] {
    std::vector<chain::GenesisValidator> out;
    for (const Json& v : array_field(field(j, "validators"), "validators", chain::kValidatorsMax)) {
      out.push_back({name_field(v), fixed_hex_field<32>(v, "public_key"), u64_field(v, "power")});
    }
    return out;
  });
}

std::optional<std::vector<ValidatorSetChange>> decode_validator_changes(const Json& j, Verdict* why) {
  return guarded(why, [&] {
    std::vector<ValidatorSetChange> out;
    for (const Json& entry : array_field(j, "changes", kChangesPageMax)) {
      out.push_back(change_entry(entry));
      if (out.size() >= 2 && out[out.size() - 2].height >= out.back().height)
        malformed("validator-set changes are not in increasing height order");
    }
    return out;
  });
}

}  // namespace telco::light
