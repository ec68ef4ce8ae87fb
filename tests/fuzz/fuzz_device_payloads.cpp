// Device payload bodies (types 40..48): a body that decodes is canonical (re-encodes to the
// same bytes), check() never crashes and returns ok or a malformed-range code, the JSON form
// of a payload that passes check() reads back to the same payload, and apply on an empty state refuses without crashing.
#include <cstddef>
#include <cstdint>
#include <map>

#include "fuzz_check.h"
#include "modules/device/payloads.h"

namespace {

using namespace telco;
namespace dev = modules::device;

class MapView final : public state::StateView {
 public:
  std::optional<Bytes> get(ByteView key) const override {
    auto it = data.find(key);
    if (it == data.end()) return std::nullopt;
    return it->second;
  }
  std::map<Bytes, Bytes, BytesLess> data;
};

template <typename P>
void one(const Bytes& body) {
  const chain::Payload p{P::kType, body};
  const auto x = P::decode(p);
  if (!x) return;
  FUZZ_CHECK(x->to_payload() == p);
  const chain::ResultCode code = x->check();
  FUZZ_CHECK(code == chain::ResultCode::kOk || chain::classify(code) == chain::ResultClass::kMalformed);
  // Only a payload that passes check() has one JSON form: attributes out of order or
  // duplicated (refused as device_attributes_invalid) cannot be written as a JSON object.
  const nlohmann::json j = x->to_json();  // any decoded payload has a JSON view
  if (code != chain::ResultCode::kOk) return;
  bool utf8 = true;
  try {
    (void)j.dump();
  } catch (const nlohmann::json::type_error&) {
    utf8 = false;  // attributes with bytes that are not UTF-8
  }
  if (utf8) FUZZ_CHECK(P::from_json(j) == *x);
  MapView base;
  state::WriteSet ws(base);
  chain::Transaction tx;
  tx.payload = p;
  const crypto::Address sender{};
  modules::TxContext ctx{tx, sender, 1, 0, ws};
  const chain::ResultCode applied = x->apply(ctx);
  FUZZ_CHECK(applied == chain::ResultCode::kOk ||
             chain::classify(applied) == chain::ResultClass::kFailedInBlock);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  // The first byte picks the payload type, the rest is its body.
  const Bytes body(data + 1, data + size);
  switch (data[0] % 9) {
    case 0:
      one<dev::DeviceRegister>(body);
      break;
    case 1:
      one<dev::DeviceRegisterFleet>(body);
      break;
    case 2:
      one<dev::DeviceClaimFleetMember>(body);
      break;
    case 3:
      one<dev::DeviceRotateKey>(body);
      break;
    case 4:
      one<dev::DeviceTransfer>(body);
      break;
    case 5:
      one<dev::DeviceReport>(body);
      break;
    case 6:
      one<dev::DeviceSetStatus>(body);
      break;
    case 7:
      one<dev::DeviceRevoke>(body);
      break;
    default:
      one<dev::DeviceAnchor>(body);
      break;
  }
  return 0;
}
