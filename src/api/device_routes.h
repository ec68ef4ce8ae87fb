// The device routes (docs/api.md "Devices"): reads of committed device state, the node as a
// challenge issuer with online verification, the device's state proof for offline
// verifiers, and reading verification. Transactions are built and signed by clients (the
// CLI) and sent to POST /v1/txs like any other.
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "api/device_challenges.h"
#include "api/router.h"

namespace telco::api {

// GET /v1/devices/{id}[/history|/keys|/proof], /v1/stolen/{id}, /v1/fleets/{id}[/members/{id}],
// /v1/anchors/{root}. `s` are the path segments after /v1.
Response device_get_route(ServerContext& ctx, const std::vector<std::string_view>& s,
                          const std::map<std::string, std::string, std::less<>>& query);
// True for the paths device_get_route answers.
bool is_device_get_path(const std::vector<std::string_view>& s);

// POST /v1/devices/challenge[/batch], /v1/devices/authenticate[/batch], /v1/readings/verify.
bool is_device_post_path(std::string_view path);
// The device POSTs that may take milliseconds (up to kDeviceBatchMax signature checks): the
// session runs them on the submit pool, not on an io thread.
bool is_device_pooled_path(std::string_view path);
// `content_type` picks the body's form: application/octet-stream (the batch routes only,
// api/json/device_octets.h) is answered in the same form; anything else is read as JSON.
Response handle_device_post(ServerContext& ctx, std::string_view path, std::string_view content_type,
                            std::string_view body, std::uint64_t now_ms);

}  // namespace telco::api
