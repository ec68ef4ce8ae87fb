// libFuzzer target for the binary device batch bodies (src/api/json/device_octets.h).
// Input: one selector byte, then the bytes.   selector % 4: 0 challenge batch request,
//   1 authenticate batch request (the node's parsers), 2 challenge list, 3 results (the
//   client's decoders of the node's answers)
// Properties checked: the parsers throw only BadDeviceRequest, a 4xx with a code and a
// sentence; what they accept is within every bound and encodes back to exactly the input
// (the form is canonical: one encoding per value); the decoders never throw, and what they
// accept re-encodes to the input too.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "api/json/device_octets.h"
#include "fuzz_check.h"
#include "modules/device/limits.h"

namespace {

namespace api = telco::api;
namespace dev = telco::modules::device;

std::string_view view(const telco::Bytes& b) { return {reinterpret_cast<const char*>(b.data()), b.size()}; }

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const unsigned selector = data[0] % 4;
  const telco::ByteView bytes(data + 1, size - 1);
  const std::string_view body(reinterpret_cast<const char*>(data + 1), size - 1);
  try {
    switch (selector) {
      case 0: {
        const auto asks = api::parse_challenge_batch_octets(body);
        FUZZ_CHECK(!asks.empty() && asks.size() <= api::kDeviceBatchMax);
        for (const auto& a : asks) {
          FUZZ_CHECK(a.ttl_ms >= 1 && a.ttl_ms <= api::kChallengeTtlMsMax);
          FUZZ_CHECK(a.id_hash != telco::crypto::Hash32{});
          FUZZ_CHECK(a.purpose.size() <= dev::kPurposeBytesMax &&
                     a.verifier_id.size() <= dev::kVerifierIdBytesMax);
        }
        FUZZ_CHECK(view(api::encode_challenge_asks(asks)) == body);
        break;
      }
      case 1: {
        const auto answers = api::parse_auth_batch_octets(body);
        FUZZ_CHECK(!answers.empty() && answers.size() <= api::kDeviceBatchMax);
        for (const auto& a : answers) {
          if (a.member) FUZZ_CHECK(a.member->second.path.size() <= dev::kFleetPathMax);
        }
        FUZZ_CHECK(view(api::encode_auth_answers(answers)) == body);
        break;
      }
      case 2: {
        if (auto list = api::decode_challenge_batch_octets(bytes)) {
          FUZZ_CHECK(list->size() <= api::kDeviceBatchMax);
          FUZZ_CHECK(api::challenge_batch_octets(*list) == body);
        }
        break;
      }
      default: {
        if (auto results = api::decode_auth_results_octets(bytes)) {
          FUZZ_CHECK(results->outcomes.size() <= api::kDeviceBatchMax);
          FUZZ_CHECK(api::auth_results_octets(results->height, results->outcomes) == body);
        }
        break;
      }
    }
  } catch (const api::BadDeviceRequest& e) {
    FUZZ_CHECK(selector < 2);
    FUZZ_CHECK(e.error.http_status >= 400 && e.error.http_status < 500);
    FUZZ_CHECK(!e.error.code.empty() && !e.error.message.empty());
  }
  return 0;
}
