// libFuzzer target for the API's JSON edge: POST /v1/txs bodies in every accepted media type
// and the JSON transaction parser. Input: one selector byte, then the body.
//   selector % 4: 0 application/json, 1 application/octet-stream, 2 an unsupported type,
//                 3 a single JSON transaction object (parse_tx_json)
// Properties checked: nothing throws or crashes, every error is a 4xx with a code and a
// sentence, every decoded transaction re-encodes and decodes to itself, and the response
// builder accepts whatever the parser produced.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "api/json/error.h"
#include "api/json/submit_body.h"
#include "api/json/tx_json.h"
#include "fuzz_check.h"
#include "modules/registry.h"

namespace {

using telco::api::ApiError;
using telco::api::SubmitBody;

void check_roundtrip(const telco::chain::Transaction& tx) {
  const auto again = telco::chain::decode_transaction(tx.encode());
  FUZZ_CHECK(again.has_value() && *again == tx);
  // And through JSON: what we print must parse back to the same transaction, as long as
  // the payload is one the registry knows (an unknown type prints raw, for reading only).
  if (telco::modules::find_handler(tx.payload.type) != nullptr) {
    const auto parsed = telco::api::tx_from_json(telco::api::tx_to_json(tx));
    FUZZ_CHECK(!parsed.ok() || *parsed.tx == tx);
  }
  (void)telco::api::to_json_text(telco::api::tx_to_json(tx));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const std::uint8_t selector = data[0] % 4;
  const std::string_view body(reinterpret_cast<const char*>(data + 1), size - 1);

  if (selector == 3) {
    const telco::api::TxParse p = telco::api::parse_tx_json(body);
    if (p.ok()) {
      check_roundtrip(*p.tx);
    } else {
      FUZZ_CHECK(!p.message.empty());
    }
    return 0;
  }

  static constexpr std::string_view kTypes[] = {"application/json; charset=utf-8", "application/octet-stream",
                                                "text/plain"};
  telco::api::SubmitLimits limits;
  limits.body_bytes_max = 1 << 20;
  const auto parsed = telco::api::parse_submit_body(kTypes[selector], body, limits);
  if (const auto* error = std::get_if<ApiError>(&parsed)) {
    FUZZ_CHECK(error->http_status >= 400 && error->http_status < 500);
    FUZZ_CHECK(!error->code.empty() && !error->message.empty());
    return 0;
  }
  const SubmitBody& submitted = std::get<SubmitBody>(parsed);
  FUZZ_CHECK(!submitted.items.empty() && submitted.items.size() <= limits.txs_max);
  std::vector<telco::api::SubmitResult> verdicts;
  for (const auto& item : submitted.items) {
    if (item.ok()) {
      check_roundtrip(*item.tx);
      verdicts.push_back({item.tx->hash(), telco::chain::ResultCode::kOk});
    } else {
      FUZZ_CHECK(!item.message.empty());
    }
  }
  (void)telco::api::to_json_text(telco::api::submit_response_json(submitted.items, verdicts));
  return 0;
}
