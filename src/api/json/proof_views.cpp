#include "api/json/proof_views.h"

#include "api/json/views.h"
#include "chain/amount.h"
#include "util/hex.h"

namespace telco::api {
namespace {

using Json = nlohmann::json;

Json validator_list_json(const std::vector<chain::GenesisValidator>& validators) {
  Json list = Json::array();
  std::uint64_t total = 0;
  for (const chain::GenesisValidator& v : validators) {
    list.push_back({{"name", v.name},
                    {"public_key", to_hex(v.public_key)},
                    {"address", crypto::Address::from_public_key(v.public_key).to_string()},
                    {"power", v.power}});
    total += v.power;  // bounded at 2^60 by the validator-set rules
  }
  return {{"validators_hash", crypto::to_hex(chain::validators_hash(validators))},
          {"validators", std::move(list)},
          {"total_power", total}};
}

}  // namespace

Json signed_header_json(const chain::BlockHeader& header, const chain::Commit& commit,
                        const std::vector<chain::GenesisValidator>& validators) {
  const Bytes encoded = header.encode();
  return {{"height", header.height},
          {"hash", crypto::to_hex(crypto::blake2b_256(encoded))},
          {"header", header_json(header)},
          {"header_hex", to_hex(encoded)},
          {"commit", commit_json(commit, validators)},
          {"commit_hex", to_hex(commit.encode())}};
}

Json state_proof_json(ByteView key, const StateProof& p) {
  return {{"key", to_hex(key)},
          {"height", p.height},
          {"state_root", crypto::to_hex(p.state_root)},
          {"value", p.value ? Json(to_hex(*p.value)) : Json(nullptr)},
          {"proof", to_hex(p.proof)}};
}

Json account_proof_json(const crypto::Address& address, ByteView key, const StateProof& p) {
  Json j = state_proof_json(key, p);
  j["address"] = address.to_string();
  j["account"] = nullptr;
  if (p.value) {
    if (auto a = modules::bank::decode_account(*p.value)) {
      j["account"] = {{"balance", std::to_string(a->balance)},
                      {"balance_tel", chain::format_amount(a->balance)},
                      {"nonce", a->nonce}};
    }
  }
  return j;
}

Json validator_changes_json(std::uint64_t from, std::uint64_t to,
                            const std::vector<chain::GenesisValidator>& set_at_from,
                            const std::vector<ValidatorChange>& changes, bool complete) {
  Json list = Json::array();
  for (const ValidatorChange& c : changes) {
    Json updates = Json::array();
    for (const ValidatorUpdateInfo& u : c.updates)
      updates.push_back({{"public_key", to_hex(u.key)}, {"power", u.power}, {"name", u.name}});
    Json j = validator_list_json(c.validators);
    j["height"] = c.height;
    j["updates"] = std::move(updates);
    j["proof_height"] = c.height - 1;
    j["proof"] = to_hex(c.proof);
    list.push_back(std::move(j));
  }
  Json set = validator_list_json(set_at_from);
  set["height"] = from;
  return {{"from", from},
          {"to", to},
          {"validators", std::move(set)},
          {"changes", std::move(list)},
          {"complete", complete},
          {"next_from", complete ? Json(nullptr) : Json(changes.empty() ? to : changes.back().height)}};
}

}  // namespace telco::api
