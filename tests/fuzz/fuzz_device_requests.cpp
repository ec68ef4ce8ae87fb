// libFuzzer target for the device POST bodies (src/api/json/device_requests.h): challenge
// requests and batches, answers and batches, reading checks. Input: one selector byte, then
// the body.   selector % 5: 0 challenge, 1 challenge batch, 2 answer, 3 answer batch,
//                           4 reading check
// Properties checked: the only exception is BadDeviceRequest, always a 4xx with a code and a
// sentence; what parses is within every bound (batch sizes, TTLs, string and path lengths)
// and an answer's challenge re-encodes to bytes that decode to itself.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "api/json/device_requests.h"
#include "fuzz_check.h"
#include "modules/device/limits.h"

namespace {

namespace api = telco::api;
namespace dev = telco::modules::device;

void check_request(const api::ChallengeRequest& r) {
  FUZZ_CHECK(r.ttl_ms >= 1 && r.ttl_ms <= api::kChallengeTtlMsMax);
  FUZZ_CHECK(r.id_hash != telco::crypto::Hash32{});
  FUZZ_CHECK(r.purpose.size() <= dev::kPurposeBytesMax && r.verifier_id.size() <= dev::kVerifierIdBytesMax);
}

void check_answer(const api::AuthAnswer& a) {
  const auto again = dev::decode_challenge(dev::encode_challenge(a.challenge));
  FUZZ_CHECK(again.has_value() && *again == a.challenge);
  if (a.member) FUZZ_CHECK(a.member->second.path.size() <= dev::kFleetPathMax);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const unsigned selector = data[0] % 5;
  const std::string_view body(reinterpret_cast<const char*>(data + 1), size - 1);
  try {
    const nlohmann::json j = api::parse_device_body(body, selector == 1 || selector == 3);
    switch (selector) {
      case 0:
        check_request(api::parse_challenge_request(j));
        break;
      case 1: {
        const auto batch = api::parse_challenge_batch(j);
        FUZZ_CHECK(!batch.empty() && batch.size() <= api::kDeviceBatchMax);
        for (const auto& r : batch) check_request(r);
        break;
      }
      case 2:
        check_answer(api::parse_auth_answer(j));
        break;
      case 3: {
        const auto batch = api::parse_auth_batch(j);
        FUZZ_CHECK(!batch.empty() && batch.size() <= api::kDeviceBatchMax);
        for (const auto& a : batch) check_answer(a);
        break;
      }
      default: {
        const api::ReadingCheck r = api::parse_reading_check(j);
        FUZZ_CHECK(r.path.size() <= dev::kReadingPathMax &&
                   r.reading.value.size() <= dev::kReadingValueBytesMax);
        break;
      }
    }
  } catch (const api::BadDeviceRequest& e) {
    FUZZ_CHECK(e.error.http_status >= 400 && e.error.http_status < 500);
    FUZZ_CHECK(!e.error.code.empty() && !e.error.message.empty());
  }
  return 0;
}
