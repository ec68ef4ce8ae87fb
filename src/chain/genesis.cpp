#include "chain/genesis.h"

#include <fstream>
#include <nlohmann/json.hpp>
#include <algorithm>
#include <set>
#include <vector>
#include <sstream>
#include <stdexcept>

#include "chain/limits.h"
#include "codec/reader.h"
#include "codec/writer.h"
#include "util/checked.h"
#include "util/hex.h"

namespace telco::chain {
namespace {

using Json = nlohmann::json;

constexpr std::string_view kGenesisTag = "telco/genesis/v1";
constexpr std::size_t kGenesisTagBytes = 16;

[[noreturn]] void fail(const std::string& what) { throw std::invalid_argument("genesis: " + what); }

// Amounts are accepted as JSON numbers or decimal strings of base units (uTEL); strings are
// what we write, because JavaScript clients lose precision above 2^53.
std::uint64_t get_u64(const Json& j, const char* field) {
  if (!j.contains(field)) fail(std::string("missing field '") + field + "'");
  const Json& v = j[field];
  if (v.is_number_unsigned()) return v.get<std::uint64_t>();
  if (v.is_string()) {
    const std::string s = v.get<std::string>();
    if (s.empty() || s.size() > 20 || s.find_first_not_of("0123456789") != std::string::npos) {
      fail(std::string("field '") + field + "' is not a non-negative integer");
    }
    try {
      return std::stoull(s);
    } catch (const std::exception&) {
      fail(std::string("field '") + field + "' does not fit in 64 bits");
    }
  }
  fail(std::string("field '") + field + "' must be a non-negative integer");
}

std::uint32_t get_u32(const Json& j, const char* field, std::uint32_t fallback) {
  if (!j.contains(field)) return fallback;
  const std::uint64_t v = get_u64(j, field);
  if (v > 0xffffffffu) fail(std::string("field '") + field + "' exceeds 2^32-1");
  return static_cast<std::uint32_t>(v);
}

const std::set<std::string> kTopFields = {"chain_id", "genesis_time_ms", "params", "validators", "accounts", "naming",
                                           "validator_authorities"};
const std::set<std::string> kNamingFields = {"top_level_labels",     "name_expiry_blocks",  "name_grace_blocks",
                                             "reveal_window_blocks", "numbering_authority", "port_deadline_blocks"};
constexpr std::string_view kNamingSectionTag = "naming";
constexpr std::string_view kAuthoritiesSectionTag = "validator_authorities";
const std::set<std::string> kParamFields = {"min_fee", "max_tx_bytes", "max_block_txs", "max_block_bytes",
                                            "max_pending_per_sender"};

void reject_unknown(const Json& j, const std::set<std::string>& known, const std::string& where) {
  for (auto it = j.begin(); it != j.end(); ++it) {
    if (!known.count(it.key())) fail("unknown field '" + it.key() + "' in " + where);
  }
}

ChainParams parse_params(const Json& j) {
  ChainParams p;
  if (!j.is_object()) fail("'params' must be an object");
  reject_unknown(j, kParamFields, "params");
  if (j.contains("min_fee")) p.min_fee = get_u64(j, "min_fee");
  p.max_tx_bytes = get_u32(j, "max_tx_bytes", p.max_tx_bytes);
  p.max_block_txs = get_u32(j, "max_block_txs", p.max_block_txs);
  p.max_block_bytes = get_u32(j, "max_block_bytes", p.max_block_bytes);
  p.max_pending_per_sender = get_u32(j, "max_pending_per_sender", p.max_pending_per_sender);
  return p;
}

NamingParams parse_naming(const Json& j) {
  if (!j.is_object()) fail("'naming' must be an object");
  reject_unknown(j, kNamingFields, "naming");
  NamingParams n;
  if (j.contains("top_level_labels")) {
    const Json& labels = j["top_level_labels"];
    if (!labels.is_array()) fail("'naming.top_level_labels' must be an array of strings");
    n.top_level_labels.clear();
    for (const Json& l : labels) {
      if (!l.is_string()) fail("'naming.top_level_labels' must be an array of strings");
      if (n.top_level_labels.size() >= kTopLevelLabelsMax) fail("more than 16 naming.top_level_labels");
      n.top_level_labels.push_back(l.get<std::string>());
    }
  }
  if (j.contains("name_expiry_blocks")) n.name_expiry_blocks = get_u64(j, "name_expiry_blocks");
  if (j.contains("name_grace_blocks")) n.name_grace_blocks = get_u64(j, "name_grace_blocks");
  if (j.contains("reveal_window_blocks")) n.reveal_window_blocks = get_u64(j, "reveal_window_blocks");
  if (j.contains("port_deadline_blocks")) n.port_deadline_blocks = get_u64(j, "port_deadline_blocks");
  if (j.contains("numbering_authority")) {
    auto addr = j["numbering_authority"].is_string()
                    ? crypto::Address::parse(j["numbering_authority"].get<std::string>())
                    : std::nullopt;
    if (!addr) fail("'naming.numbering_authority' must be a valid address (tc1...)");
    n.numbering_authority = *addr;
  }
  return n;
}

// A top-level label is a lower-case LDH label (RFC 5890's "LDH label"): a-z, 0-9 and '-',
// not first or last. "arpa" is refused: the DNS server answers e164.arpa itself.
bool valid_top_level_label(const std::string& l) {
  if (l.empty() || l.size() > kTopLevelLabelBytesMax || l.front() == '-' || l.back() == '-') return false;
  if (l == "arpa") return false;
  return std::all_of(l.begin(), l.end(), [](char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-'; });
}

void validate_naming(const NamingParams& n) {
  if (n.top_level_labels.empty() || n.top_level_labels.size() > kTopLevelLabelsMax) {
    fail("naming.top_level_labels must list 1..16 labels");
  }
  std::set<std::string> seen;
  for (const std::string& l : n.top_level_labels) {
    if (!valid_top_level_label(l)) {
      fail("naming.top_level_labels: '" + l + "' is not a lower-case LDH label of 1..63 characters (or is 'arpa')");
    }
    if (!seen.insert(l).second) fail("naming.top_level_labels lists '" + l + "' twice");
  }
  if (n.name_expiry_blocks == 0 || n.name_expiry_blocks > kNamingPeriodBlocksMax) {
    fail("naming.name_expiry_blocks out of range [1, 10^10]");
  }
  if (n.name_grace_blocks > kNamingPeriodBlocksMax) fail("naming.name_grace_blocks out of range [0, 10^10]");
  if (n.reveal_window_blocks < 2 || n.reveal_window_blocks > kRevealWindowBlocksMax) {
    fail("naming.reveal_window_blocks out of range [2, 10^6]");
  }
  if (n.port_deadline_blocks == 0 || n.port_deadline_blocks > kNamingPeriodBlocksMax) {
    fail("naming.port_deadline_blocks out of range [1, 10^10]");
  }
}

void encode_naming(codec::Writer& w, const NamingParams& n) {
  w.string(kNamingSectionTag);
  w.count(n.top_level_labels.size());
  for (const std::string& l : n.top_level_labels) w.string(l);
  w.u64(n.name_expiry_blocks);
  w.u64(n.name_grace_blocks);
  w.u64(n.reveal_window_blocks);
  w.boolean(n.numbering_authority.has_value());
  if (n.numbering_authority) w.fixed(n.numbering_authority->bytes);
  w.u64(n.port_deadline_blocks);
}

bool starts_with_tag(ByteView rest, std::string_view tag) {
  codec::Writer w;
  w.string(tag);
  return rest.size() >= w.data().size() && std::equal(w.data().begin(), w.data().end(), rest.begin());
}

NamingParams decode_naming(codec::Reader& r) {
  if (r.string(kNamingSectionTag.size()) != kNamingSectionTag) r.fail(codec::DecodeError::kInvalid);
  NamingParams n;
  n.top_level_labels.resize(r.count(kTopLevelLabelsMax, 4));
  for (std::string& l : n.top_level_labels) l = r.string(kTopLevelLabelBytesMax);
  n.name_expiry_blocks = r.u64();
  n.name_grace_blocks = r.u64();
  n.reveal_window_blocks = r.u64();
  if (r.boolean()) n.numbering_authority = crypto::Address{r.fixed<crypto::kAddressBytes>()};
  n.port_deadline_blocks = r.u64();
  return n;
}

}  // namespace

const NamingParams& Genesis::naming_params() const {
  static const NamingParams kDefaults;
  return naming ? *naming : kDefaults;
}

std::uint64_t Genesis::total_supply() const {
  std::uint64_t total = 0;
  for (const GenesisAccount& a : accounts) {
    if (!checked_add(total, a.balance, &total)) fail("total supply exceeds 2^64-1 uTEL");
  }
  return total;
}

crypto::Hash32 validators_hash(const std::vector<GenesisValidator>& validators) {
  codec::Writer w;
  w.string("telco/validators/v1");
  w.count(validators.size());
  for (const GenesisValidator& v : validators) {
    w.fixed(v.public_key);
    w.u64(v.power);
  }
  return crypto::blake2b_256(w.data());
}

crypto::Hash32 Genesis::validators_hash() const { return chain::validators_hash(validators); }

Bytes encode_genesis(const Genesis& g) {
  codec::Writer w;
  w.string("telco/genesis/v1");
  w.string(g.chain_id);
  w.u64(g.genesis_time_ms);
  w.u64(g.params.min_fee);
  w.u32(g.params.max_tx_bytes);
  w.u32(g.params.max_block_txs);
  w.u32(g.params.max_block_bytes);
  w.u32(g.params.max_pending_per_sender);
  w.count(g.validators.size());
  for (const GenesisValidator& v : g.validators) {
    w.string(v.name);
    w.fixed(v.public_key);
    w.u64(v.power);
  }
  w.count(g.accounts.size());
  for (const GenesisAccount& a : g.accounts) {
    w.fixed(a.address.bytes);
    w.u64(a.balance);
  }
  if (g.naming) encode_naming(w, *g.naming);
  if (!g.validator_authorities.empty()) {
    w.string(kAuthoritiesSectionTag);
    w.count(g.validator_authorities.size());
    for (const crypto::Address& a : g.validator_authorities) w.fixed(a.bytes);
  }
  return w.take();
}

std::optional<Genesis> decode_genesis(ByteView bytes, codec::DecodeError* error) {
  codec::Reader r(bytes);
  if (r.string(kGenesisTagBytes) != kGenesisTag) r.fail(codec::DecodeError::kInvalid);
  Genesis g;
  g.chain_id = r.string(kChainIdBytesMax);
  g.genesis_time_ms = r.u64();
  g.params.min_fee = r.u64();
  g.params.max_tx_bytes = r.u32();
  g.params.max_block_txs = r.u32();
  g.params.max_block_bytes = r.u32();
  g.params.max_pending_per_sender = r.u32();
  const std::size_t n_validators = r.count(kValidatorsMax, 4 + 32 + 8);
  g.validators.resize(n_validators);
  for (GenesisValidator& v : g.validators) {
    v.name = r.string(kValidatorNameBytesMax);
    v.public_key = r.fixed<32>();
    v.power = r.u64();
  }
  const std::size_t n_accounts = r.count(kGenesisAccountsMax, crypto::kAddressBytes + 8);
  g.accounts.resize(n_accounts);
  for (GenesisAccount& a : g.accounts) {
    a.address.bytes = r.fixed<crypto::kAddressBytes>();
    a.balance = r.u64();
  }
  // The optional sections are recognised by their tags, in this order; any other extra
  // bytes are trailing garbage and reported as such.
  if (r.ok() && r.remaining() > 0 && starts_with_tag(bytes.subspan(r.position()), kNamingSectionTag)) {
    g.naming = decode_naming(r);
  }
  if (r.ok() && r.remaining() > 0 && starts_with_tag(bytes.subspan(r.position()), kAuthoritiesSectionTag)) {
    (void)r.string(kAuthoritiesSectionTag.size());
    const std::size_t n = r.count(kValidatorAuthoritiesMax, crypto::kAddressBytes);
    if (n == 0) r.fail(codec::DecodeError::kNonCanonical);  // an empty list is not encoded
    g.validator_authorities.resize(n);
    for (crypto::Address& a : g.validator_authorities) a.bytes = r.fixed<crypto::kAddressBytes>();
  }
  if (r.ok() && r.remaining() > 0) r.fail(codec::DecodeError::kTrailing);
  if (!r.finish()) {
    if (error) *error = r.error();
    return std::nullopt;
  }
  if (error) *error = codec::DecodeError::kNone;
  return g;
}

crypto::Hash32 Genesis::hash() const { return crypto::blake2b_256(encode_genesis(*this)); }

void validate(const Genesis& g) {
  if (g.chain_id.empty() || g.chain_id.size() > kChainIdBytesMax) {
    fail("chain_id must be 1.." + std::to_string(kChainIdBytesMax) + " characters");
  }
  for (char c : g.chain_id) {
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.')) {
      fail("chain_id may only contain letters, digits, '-', '_' and '.'");
    }
  }
  const ChainParams& p = g.params;
  if (p.max_tx_bytes < 256 || p.max_tx_bytes > kTxBytesMax) fail("params.max_tx_bytes out of range [256, 65536]");
  if (p.max_block_txs == 0 || p.max_block_txs > kBlockTxsMax) fail("params.max_block_txs out of range [1, 100000]");
  if (p.max_block_bytes < p.max_tx_bytes || p.max_block_bytes > kBlockBytesMax) {
    fail("params.max_block_bytes must be between max_tx_bytes and 16 MiB");
  }
  if (p.max_pending_per_sender == 0) fail("params.max_pending_per_sender must be positive");
  if (g.validators.empty() || g.validators.size() > kValidatorsMax) fail("there must be 1..1000 validators");
  if (g.accounts.size() > kGenesisAccountsMax) fail("more than " + std::to_string(kGenesisAccountsMax) + " accounts");
  std::set<crypto::PublicKey> keys;
  std::uint64_t power = 0;
  for (const GenesisValidator& v : g.validators) {
    if (v.name.size() > kValidatorNameBytesMax) fail("validator name longer than 64 bytes");
    if (v.power == 0) fail("validator '" + v.name + "' has zero power");
    if (!keys.insert(v.public_key).second) fail("validator key listed twice");
    if (!checked_add(power, v.power, &power) || power > (std::uint64_t{1} << 60)) fail("total voting power too large");
  }
  // Sorting a flat copy finds duplicates ten times faster than a node-based set: genesis
  // files of a million accounts are read at every start.
  std::vector<crypto::Address> sorted;
  sorted.reserve(g.accounts.size());
  for (const GenesisAccount& a : g.accounts) sorted.push_back(a.address);
  std::sort(sorted.begin(), sorted.end());
  const auto dup = std::adjacent_find(sorted.begin(), sorted.end());
  if (dup != sorted.end()) fail("account " + dup->to_string() + " listed twice");
  (void)g.total_supply();
  if (g.naming) validate_naming(*g.naming);
  if (g.validator_authorities.size() > kValidatorAuthoritiesMax) fail("more than 64 validator_authorities");
  std::vector<crypto::Address> authorities = g.validator_authorities;
  std::sort(authorities.begin(), authorities.end());
  if (std::adjacent_find(authorities.begin(), authorities.end()) != authorities.end()) {
    fail("validator_authorities lists an address twice");
  }
}

Genesis parse_genesis_json(std::string_view text) {
  const Json j = Json::parse(text, nullptr, false);
  if (j.is_discarded()) fail("not valid JSON");
  if (!j.is_object()) fail("top level must be an object");
  reject_unknown(j, kTopFields, "genesis");
  Genesis g;
  if (!j.contains("chain_id") || !j["chain_id"].is_string()) fail("missing string field 'chain_id'");
  g.chain_id = j["chain_id"].get<std::string>();
  g.genesis_time_ms = get_u64(j, "genesis_time_ms");
  if (j.contains("params")) g.params = parse_params(j["params"]);
  if (!j.contains("validators") || !j["validators"].is_array()) fail("missing array 'validators'");
  for (const Json& v : j["validators"]) {
    if (!v.is_object()) fail("each validator must be an object");
    reject_unknown(v, {"name", "public_key", "power"}, "validator");
    GenesisValidator gv;
    if (v.contains("name") && !v["name"].is_string()) fail("validator name must be a string");
    gv.name = v.value("name", "");
    auto pk = v.contains("public_key") && v["public_key"].is_string()
                  ? crypto::public_key_from_hex(v["public_key"].get<std::string>())
                  : std::nullopt;
    if (!pk) fail("validator '" + gv.name + "' needs a 64-hex-digit public_key");
    gv.public_key = *pk;
    gv.power = get_u64(v, "power");
    g.validators.push_back(gv);
  }
  if (j.contains("accounts")) {
    if (!j["accounts"].is_array()) fail("'accounts' must be an array");
    for (const Json& a : j["accounts"]) {
      if (!a.is_object()) fail("each account must be an object");
      for (auto it = a.begin(); it != a.end(); ++it) {
        if (it.key() != "address" && it.key() != "balance") fail("unknown field '" + it.key() + "' in account");
      }
      auto addr = a.contains("address") && a["address"].is_string()
                      ? crypto::Address::parse(a["address"].get<std::string>())
                      : std::nullopt;
      if (!addr) fail("account needs a valid 'address' (tc1...)");
      g.accounts.push_back({*addr, get_u64(a, "balance")});
    }
  }
  if (j.contains("naming")) g.naming = parse_naming(j["naming"]);
  if (j.contains("validator_authorities")) {
    const Json& list = j["validator_authorities"];
    if (!list.is_array()) fail("'validator_authorities' must be an array of addresses");
    for (const Json& a : list) {
      auto addr = a.is_string() ? crypto::Address::parse(a.get<std::string>()) : std::nullopt;
      if (!addr) fail("each of 'validator_authorities' must be a valid address (tc1...)");
      if (g.validator_authorities.size() >= kValidatorAuthoritiesMax) fail("more than 64 validator_authorities");
      g.validator_authorities.push_back(*addr);
    }
  }
  validate(g);
  return g;
}

Genesis load_genesis(const std::filesystem::path& path) {
  std::ifstream in(path);
  if (!in) throw std::invalid_argument("genesis: cannot open " + path.string());
  std::stringstream ss;
  ss << in.rdbuf();
  return parse_genesis_json(ss.str());
}

std::string genesis_to_json(const Genesis& g) {
  Json j;
  j["chain_id"] = g.chain_id;
  j["genesis_time_ms"] = g.genesis_time_ms;
  j["params"] = {{"min_fee", std::to_string(g.params.min_fee)},
                 {"max_tx_bytes", g.params.max_tx_bytes},
                 {"max_block_txs", g.params.max_block_txs},
                 {"max_block_bytes", g.params.max_block_bytes},
                 {"max_pending_per_sender", g.params.max_pending_per_sender}};
  j["validators"] = Json::array();
  for (const GenesisValidator& v : g.validators) {
    j["validators"].push_back({{"name", v.name}, {"public_key", to_hex(v.public_key)}, {"power", v.power}});
  }
  j["accounts"] = Json::array();
  for (const GenesisAccount& a : g.accounts) {
    j["accounts"].push_back({{"address", a.address.to_string()}, {"balance", std::to_string(a.balance)}});
  }
  if (g.naming) {
    const NamingParams& n = *g.naming;
    j["naming"] = {{"top_level_labels", n.top_level_labels},
                   {"name_expiry_blocks", std::to_string(n.name_expiry_blocks)},
                   {"name_grace_blocks", std::to_string(n.name_grace_blocks)},
                   {"reveal_window_blocks", std::to_string(n.reveal_window_blocks)},
                   {"port_deadline_blocks", std::to_string(n.port_deadline_blocks)}};
    if (n.numbering_authority) j["naming"]["numbering_authority"] = n.numbering_authority->to_string();
  }
  if (!g.validator_authorities.empty()) {
    j["validator_authorities"] = Json::array();
    for (const crypto::Address& a : g.validator_authorities) j["validator_authorities"].push_back(a.to_string());
  }
  return j.dump(2) + "\n";
}

}  // namespace telco::chain
