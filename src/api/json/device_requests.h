// The bodies of the device POST routes (docs/api.md "Devices"), parsed and bounded before any
// state is read or any challenge issued or consumed. Pure: no node, no clock, no randomness,
// so the libFuzzer configuration builds and fuzzes it (tests/fuzz/fuzz_device_requests.cpp).
// Every parser throws BadDeviceRequest (an ApiError: 4xx, a code and a sentence) on bad
// input, and nothing else.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "api/json/error.h"
#include "modules/device/auth.h"

namespace telco::api {

struct BadDeviceRequest {
  ApiError error;
};

// POST /v1/devices/challenge[/batch] and /v1/devices/authenticate[/batch] take at most this
// many entries per batch; single bodies are at most kDeviceBodyBytesMax, batch bodies
// kDeviceBatchBodyBytesMax (256 answers with the longest fleet paths fit).
inline constexpr std::size_t kDeviceBatchMax = 256;
inline constexpr std::size_t kDeviceBodyBytesMax = 16 * 1024;
inline constexpr std::size_t kDeviceBatchBodyBytesMax = 1024 * 1024;
inline constexpr std::uint64_t kChallengeTtlMsDefault = 30'000;
inline constexpr std::uint64_t kChallengeTtlMsMax = 300'000;
// No device has the all-zero identifier hash (a challenge for it could only fail), so a
// request for one is refused before anything is issued.
inline constexpr const char* kZeroDeviceId = "id_hash is all zeros: no device has that identifier hash";

// The body as a JSON object, after the size bound of its kind (413 over it).
nlohmann::json parse_device_body(std::string_view body, bool batch);

// A challenge request: the node adds chain id, nonce and expiry when it issues.
struct ChallengeRequest {
  crypto::Hash32 id_hash{};
  std::string purpose;
  std::string verifier_id;
  std::uint64_t ttl_ms = kChallengeTtlMsDefault;
};
ChallengeRequest parse_challenge_request(const nlohmann::json& body);
// {challenges: [...]}: 1 to kDeviceBatchMax requests; a bad entry's error names its index.
std::vector<ChallengeRequest> parse_challenge_batch(const nlohmann::json& body);

// A device's answer, with the membership proof of an unclaimed fleet member.
struct AuthAnswer {
  modules::device::Challenge challenge;
  crypto::Signature signature{};
  std::optional<std::pair<crypto::Hash32, modules::device::MemberProof>> member;  // fleet id, proof
};
AuthAnswer parse_auth_answer(const nlohmann::json& body);
// {answers: [...]}: 1 to kDeviceBatchMax answers; a bad entry's error names its index.
std::vector<AuthAnswer> parse_auth_batch(const nlohmann::json& body);

// POST /v1/readings/verify: a reading, its signature, and where it was anchored.
struct ReadingCheck {
  modules::device::Reading reading;
  crypto::Signature signature{};
  crypto::Hash32 root{};
  std::uint64_t index = 0;
  std::vector<crypto::Hash32> path;
};
ReadingCheck parse_reading_check(const nlohmann::json& body);

// A 64-hex-digit path segment (a device identifier hash, a fleet id, a batch root); `what`
// names it in the error.
crypto::Hash32 parse_hash_segment(std::string_view text, const std::string& what);

}  // namespace telco::api
