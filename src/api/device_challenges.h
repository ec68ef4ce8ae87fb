// The node's outstanding device challenges (POST /v1/devices/challenge issues, /authenticate
// consumes): a ChallengeTable behind a mutex, shared by the API's threads.
#pragma once

#include <mutex>
#include <span>

#include "api/json/device_requests.h"  // request bounds (kDeviceBatchMax, TTLs)
#include "modules/device/challenge_table.h"

namespace telco::api {

// Outstanding challenges issued by this node: bounded, single use, lost on restart (a
// verifier then asks for a new one).
inline constexpr std::size_t kDeviceChallengesMax = 100'000;

class DeviceChallenges {
 public:
  explicit DeviceChallenges(std::size_t capacity = kDeviceChallengesMax) : table_(capacity) {}
  bool issue(const modules::device::Challenge& c, std::uint64_t now_ms);
  bool issue_all(std::span<const modules::device::Challenge> batch, std::uint64_t now_ms);
  // `digest` is modules::device::challenge_digest(c), computed once outside the lock.
  modules::device::AuthOutcome check(const modules::device::Challenge& c, const crypto::Hash32& digest,
                                     std::uint64_t now_ms);
  modules::device::AuthOutcome consume(const modules::device::Challenge& c, const crypto::Hash32& digest,
                                       std::uint64_t now_ms);

 private:
  std::mutex mutex_;
  modules::device::ChallengeTable table_;
};

}  // namespace telco::api
