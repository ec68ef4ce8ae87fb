// One PayloadHandler per device payload, all from one template: decode, then the payload's
// own check/apply/JSON (payloads.h). The registry lists them.
#pragma once

#include <stdexcept>

#include "modules/device/payloads.h"

namespace telco::modules::device {

template <typename P>
class Handler final : public PayloadHandler {
 public:
  std::uint16_t type() const override { return P::kType; }
  std::string_view name() const override { return P::kName; }
  chain::ResultCode check(const chain::Payload& payload) const override {
    auto p = P::decode(payload);
    return p ? p->check() : chain::ResultCode::kMalformedPayload;
  }
  std::uint64_t max_spend(const chain::Payload&) const override { return 0; }
  std::vector<crypto::Address> counterparties(const chain::Payload& payload) const override {
    auto p = P::decode(payload);
    return p ? p->counterparties() : std::vector<crypto::Address>{};
  }
  chain::ResultCode apply(TxContext& ctx, const chain::Payload& payload) const override {
    auto p = P::decode(payload);
    if (!p) return chain::ResultCode::kMalformedPayload;
    return p->apply(ctx);
  }
  nlohmann::json to_json(const chain::Payload& payload) const override {
    auto p = P::decode(payload);
    if (!p) return {{"type", name()}, {"malformed", true}};
    Json j = p->to_json();
    j["type"] = name();
    return j;
  }
  chain::Payload from_json(const nlohmann::json& fields) const override {
    if (!fields.is_object()) throw std::invalid_argument("payload must be an object");
    return P::from_json(fields).to_payload();
  }
};

}  // namespace telco::modules::device
