// bank.transfer (payload type 1): move `amount` uTEL from the sender to `to`, with an
// optional memo of at most 128 bytes (an invoice or reference; it is public).
#pragma once

#include <optional>

#include "modules/payload_handler.h"

namespace telco::modules::bank {

inline constexpr std::uint16_t kTransferType = 1;
inline constexpr std::size_t kMemoBytesMax = 128;

struct Transfer {
  crypto::Address to;
  std::uint64_t amount = 0;
  Bytes memo;

  chain::Payload to_payload() const;
  static std::optional<Transfer> decode(const chain::Payload& payload);
  bool operator==(const Transfer&) const = default;
};

class TransferHandler final : public PayloadHandler {
 public:
  std::uint16_t type() const override { return kTransferType; }
  std::string_view name() const override { return "bank.transfer"; }
  chain::ResultCode check(const chain::Payload& payload) const override;
  std::uint64_t max_spend(const chain::Payload& payload) const override;
  std::vector<crypto::Address> counterparties(const chain::Payload& payload) const override;
  chain::ResultCode apply(TxContext& ctx, const chain::Payload& payload) const override;
  nlohmann::json to_json(const chain::Payload& payload) const override;
  chain::Payload from_json(const nlohmann::json& fields) const override;
};

}  // namespace telco::modules::bank
