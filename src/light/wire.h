// Decoding of the node's JSON answers the light client consumes (docs/api.md, "Proofs and
// light clients"). Only the canonical hex fields are used: header_hex, commit_hex, value,
// proof; the JSON renderings next to them are for people and are ignored, so a node cannot
// make the client believe a field it did not also sign. A claimed "hash" must equal the
// hash of header_hex (else kHeaderHashMismatch, the usual sign of a tampered header).
// Every list is bounded before it is read. Never throws; a malformed answer is a Verdict.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <vector>

#include "chain/block.h"
#include "light/rejection.h"
#include "light/validator_change.h"
#include "state/proof.h"

namespace telco::light {

// Headers one GET /v1/headers page may carry; the API's own bound (api/router.cpp).
inline constexpr std::size_t kHeadersPageMax = 100;
// Validator-set changes one GET /v1/validators/changes page may carry.
inline constexpr std::size_t kChangesPageMax = 100;

struct SignedHeader {
  chain::BlockHeader header;
  chain::Commit commit;
};

// One entry of GET /v1/headers or the body of GET /v1/headers/{height}.
std::optional<SignedHeader> decode_signed_header(const nlohmann::json& j, Verdict* why);
// GET /v1/headers?from=&limit=: {"headers":[...]}, at most `max` entries.
std::optional<std::vector<SignedHeader>> decode_headers_page(const nlohmann::json& j, std::size_t max,
                                                             Verdict* why);

struct ProvenValue {
  std::uint64_t height = 0;
  std::optional<Bytes> value;  // nullopt: the node claims the key is absent
  state::SparseMerkleProof proof;
};
// GET /v1/state/proof and GET /v1/accounts/{address}/proof.
std::optional<ProvenValue> decode_state_proof(const nlohmann::json& j, Verdict* why);

// GET /v1/validators/changes: the "validators" object's list (the set at `from`), for a
// client starting from a trusted header; LightClient::from_trusted_header checks its hash.
std::optional<std::vector<chain::GenesisValidator>> decode_validator_set(const nlohmann::json& j,
                                                                         Verdict* why);

// GET /v1/validators/changes: the "changes" list, at most kChangesPageMax entries, heights
// strictly increasing.
std::optional<std::vector<ValidatorSetChange>> decode_validator_changes(const nlohmann::json& j,
                                                                        Verdict* why);

}  // namespace telco::light
