// validator.update (type 60): a genesis-named authority changes the validator set from the
// next height (docs/CONSENSUS.md "Validator-set changes"; body in docs/PROTOCOL.md).
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <vector>

#include "chain/transaction.h"
#include "modules/payload_handler.h"
#include "modules/validator/state.h"

namespace telco::modules::validator {

struct ValidatorUpdatePayload {
  static constexpr std::uint16_t kType = 60;
  static constexpr std::string_view kName = "validator.update";

  std::vector<Update> updates;  // 1..16, each key once

  chain::Payload to_payload() const;
  static std::optional<ValidatorUpdatePayload> decode(const chain::Payload& payload);
  chain::ResultCode check() const;
  chain::ResultCode apply(TxContext& ctx) const;
  std::vector<crypto::Address> counterparties() const { return {}; }
  nlohmann::json to_json() const;
  static ValidatorUpdatePayload from_json(const nlohmann::json& fields);
  bool operator==(const ValidatorUpdatePayload&) const = default;
};

}  // namespace telco::modules::validator
