// The proof and light-client routes (docs/api.md, "Proofs and light clients"): a state
// value with its proof, the same for a bank account, headers with the commits that made
// them final, and the validator-set changes between two heights. Each answers a bounded
// amount of work; errors are API errors with a sentence (a pruned height is 410 pruned).
#pragma once

#include <map>
#include <string>
#include <string_view>

#include "api/router.h"

namespace telco::api {

using QueryParams = std::map<std::string, std::string, std::less<>>;

// Headers one GET /v1/headers page may carry (light/wire.h expects the same bound).
inline constexpr std::size_t kHeadersPageMax = 100;
// Validator-set changes one GET /v1/validators/changes page may carry.
inline constexpr std::size_t kValidatorChangesPageMax = 100;

Response state_proof_route(ServerContext& ctx, const QueryParams& q);
Response account_proof_route(ServerContext& ctx, const crypto::Address& address, const QueryParams& q);
Response header_route(ServerContext& ctx, std::string_view height_text);
Response headers_route(ServerContext& ctx, const QueryParams& q);
Response validator_changes_route(ServerContext& ctx, const QueryParams& q);

}  // namespace telco::api
