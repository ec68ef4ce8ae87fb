// What a module provides for each payload type it owns. exec/ dispatches to these through
// the registry (modules/registry.h); nothing else in the node knows a module by name.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string_view>
#include <vector>

#include "chain/result_code.h"
#include "chain/transaction.h"
#include "state/write_set.h"

namespace telco::modules {

// Everything a handler may read or write while applying one transaction. The envelope's
// fee and nonce are already charged when apply runs.
struct TxContext {
  const chain::Transaction& tx;
  const crypto::Address& sender;
  std::uint64_t height;
  std::uint64_t time_ms;
  state::WriteSet& state;
};

class PayloadHandler {
 public:
  virtual ~PayloadHandler() = default;
  virtual std::uint16_t type() const = 0;
  virtual std::string_view name() const = 0;  // "<module>.<action>", e.g. "bank.transfer"

  // Stateless: the body decodes canonically and its values are allowed.
  virtual chain::ResultCode check(const chain::Payload& payload) const = 0;
  // The most the payload can debit from the sender beyond the fee; the mempool refuses a
  // transaction whose sender cannot cover fee + this. Only called after check() succeeded.
  virtual std::uint64_t max_spend(const chain::Payload& payload) const = 0;
  // Accounts other than the sender that the payload concerns (a transfer's recipient), for
  // the per-account history index. Only called after check() succeeded.
  virtual std::vector<crypto::Address> counterparties(const chain::Payload& payload) const = 0;
  // Deterministic state transition. On a non-ok code exec rolls back the handler's writes.
  virtual chain::ResultCode apply(TxContext& ctx, const chain::Payload& payload) const = 0;

  // API edge: the payload's fields as JSON (with "type": name()), and back. from_json
  // throws std::invalid_argument with a sentence; it is never called inside exec.
  virtual nlohmann::json to_json(const chain::Payload& payload) const = 0;
  virtual chain::Payload from_json(const nlohmann::json& fields) const = 0;
};

}  // namespace telco::modules
