// JSON bodies of the proof and light-client endpoints (docs/api.md, "Proofs and light
// clients"). What a light client checks travels as canonical hex (header_hex, commit_hex,
// value, proof); the JSON fields beside it are renderings for people and scripts.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>

#include "api/backend.h"
#include "modules/bank/account.h"

namespace telco::api {

// GET /v1/headers/{height} and each entry of GET /v1/headers: {"height","hash","header",
// "header_hex","commit","commit_hex"}; commit signatures annotated from `validators`.
nlohmann::json signed_header_json(const chain::BlockHeader& header, const chain::Commit& commit,
                                  const std::vector<chain::GenesisValidator>& validators);
// GET /v1/state/proof: {"key","height","state_root","value" (hex or null),"proof"}.
nlohmann::json state_proof_json(ByteView key, const StateProof& proof);
// GET /v1/accounts/{address}/proof: state_proof_json plus "address" and "account"
// ({"balance" (string uTEL),"balance_tel","nonce"} decoded from the value, null when absent) — unverified
// convenience.
nlohmann::json account_proof_json(const crypto::Address& address, ByteView key, const StateProof& proof);
// GET /v1/validators/changes.
nlohmann::json validator_changes_json(std::uint64_t from, std::uint64_t to,
                                      const std::vector<chain::GenesisValidator>& set_at_from,
                                      const std::vector<ValidatorChange>& changes, bool complete);

}  // namespace telco::api
