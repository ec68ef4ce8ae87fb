// The node's outstanding device challenges (POST /v1/devices/challenge issues, /authenticate
// consumes): a ChallengeTable behind a mutex, shared by the API's threads.
#pragma once

#include <mutex>
#include <span>

#include "modules/device/challenge_table.h"

namespace telco::api {

// Outstanding challenges issued by this node: bounded, single use, lost on restart (a
// verifier then asks for a new one).
inline constexpr std::size_t kDeviceChallengesMax = 100'000;
inline constexpr std::uint64_t kChallengeTtlMsDefault = 30'000;
inline constexpr std::uint64_t kChallengeTtlMsMax = 300'000;
// POST /v1/devices/challenge/batch and /authenticate/batch: entries per request, and the
// body bound of those two paths (256 answers with the longest fleet paths fit in it).
inline constexpr std::size_t kDeviceBatchMax = 256;
inline constexpr std::size_t kDeviceBatchBodyBytesMax = 1024 * 1024;

class DeviceChallenges {
 public:
  explicit DeviceChallenges(std::size_t capacity = kDeviceChallengesMax) : table_(capacity) {}
  bool issue(const modules::device::Challenge& c, std::uint64_t now_ms);
  bool issue_all(std::span<const modules::device::Challenge> batch, std::uint64_t now_ms);
  modules::device::AuthOutcome check(const modules::device::Challenge& c, std::uint64_t now_ms);
  modules::device::AuthOutcome consume(const modules::device::Challenge& c, std::uint64_t now_ms);

 private:
  std::mutex mutex_;
  modules::device::ChallengeTable table_;
};

}  // namespace telco::api
