// The binary (Content-Type: application/octet-stream) bodies of the two device batch routes,
// POST /v1/devices/challenge/batch and /v1/devices/authenticate/batch, for verifiers that
// check many devices a second (docs/api.md "Binary device batches"). The same requests and
// answers as the JSON form, in the canonical codec of docs/PROTOCOL.md (little-endian
// integers; string and bytes = u32 length then the bytes; list = u32 count then the
// elements; fixed[N] = N raw bytes):
//
//   challenge batch request    list<ask>       1..256 entries
//     ask    = fixed[32] id_hash ‖ string purpose ‖ string verifier_id ‖ u64 ttl_ms (1..300000)
//   challenge batch answer     list<bytes>     the issued challenges in request order, each
//                                              as the bytes the device signs (encode_challenge)
//   authenticate batch request list<answer>    1..256 entries
//     answer = bytes challenge ‖ fixed[64] signature ‖ u8 member (0 or 1)
//              [member = 1: fixed[32] fleet ‖ u64 index ‖ fixed[32] public_key ‖ list<fixed[32]> path]
//   authenticate batch answer  u64 height ‖ list<u8 outcome>   outcome = AuthOutcome's number
//
// Pure like device_requests.h (fuzzed by tests/fuzz/fuzz_device_octets.cpp). The server-side
// parsers throw BadDeviceRequest (400 with the entry's index, 413 over 1 MiB) and nothing
// else; the client-side decoders return nullopt on any malformed answer.
#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "api/json/device_requests.h"
#include "util/bytes.h"

namespace telco::api {

inline constexpr std::string_view kOctetStream = "application/octet-stream";

// Server side: what the node reads and writes.
std::vector<ChallengeRequest> parse_challenge_batch_octets(std::string_view body);
std::vector<AuthAnswer> parse_auth_batch_octets(std::string_view body);
std::string challenge_batch_octets(std::span<const modules::device::Challenge> issued);
std::string auth_results_octets(std::uint64_t height, std::span<const modules::device::AuthOutcome> outcomes);

// Client side: what a verifier sends and reads back.
Bytes encode_challenge_asks(std::span<const ChallengeRequest> asks);
Bytes encode_auth_answers(std::span<const AuthAnswer> answers);
std::optional<std::vector<modules::device::Challenge>> decode_challenge_batch_octets(ByteView body);
struct AuthResults {
  std::uint64_t height = 0;
  std::vector<modules::device::AuthOutcome> outcomes;
};
std::optional<AuthResults> decode_auth_results_octets(ByteView body);

}  // namespace telco::api
