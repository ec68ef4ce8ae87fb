// The naming module's read routes (docs/api.md, "Names and numbers"): a name with its
// records, owner, expiry and status; its history; the reverse name of an address; a number
// with its routing, serving operator and pending port; its history; the block a number or
// prefix lies in. Each answer is read from committed state at the head and names the state
// key it came from with a link to GET /v1/state/proof, so a client can verify it.
#pragma once

#include <string_view>
#include <vector>

#include "api/proof_routes.h"
#include "api/router.h"

namespace telco::api {

// Names and numbers in one page of history at most.
inline constexpr std::size_t kNamingHistoryPageMax = 100;

// s = the path segments after /v1 ("names", NAME[, "history"]), ("reverse", ADDRESS),
// ("numbers", NUMBER[, "history"]), ("number-blocks", DIGITS). nullopt: not a naming path.
std::optional<Response> naming_route(ServerContext& ctx, const std::vector<std::string_view>& s,
                                     const QueryParams& q);

}  // namespace telco::api
