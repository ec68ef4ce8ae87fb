// The PayloadHandler of a module payload type P, for modules whose payloads each carry their
// own decode/check/apply/JSON (naming, device): P provides kType, kName, static
// decode(const chain::Payload&) -> optional<P>, check(), counterparties(), apply(TxContext&),
// to_json(), static from_json(json) and to_payload(). Spends no tokens (max_spend 0).
// The registry lists one per type.
#pragma once

#include <stdexcept>

#include "modules/payload_handler.h"

namespace telco::modules {

template <typename P>
class TypedHandler final : public PayloadHandler {
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
    nlohmann::json j = p->to_json();
    j["type"] = name();
    return j;
  }
  chain::Payload from_json(const nlohmann::json& fields) const override {
    if (!fields.is_object()) throw std::invalid_argument("payload must be an object");
    return P::from_json(fields).to_payload();
  }
};

}  // namespace telco::modules
