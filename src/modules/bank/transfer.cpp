#include "modules/bank/transfer.h"

#include <stdexcept>

#include "chain/amount.h"
#include "codec/reader.h"
#include "codec/writer.h"
#include "modules/bank/account.h"
#include "util/checked.h"

namespace telco::modules::bank {

chain::Payload Transfer::to_payload() const {
  codec::Writer w(64 + memo.size());
  w.fixed(to.bytes);
  w.u64(amount);
  w.bytes(memo);
  return {kTransferType, w.take()};
}

std::optional<Transfer> Transfer::decode(const chain::Payload& payload) {
  if (payload.type != kTransferType) return std::nullopt;
  codec::Reader r(payload.body);
  Transfer t;
  t.to.bytes = r.fixed<crypto::kAddressBytes>();
  t.amount = r.u64();
  t.memo = r.bytes(kMemoBytesMax);
  if (!r.finish()) return std::nullopt;
  return t;
}

chain::ResultCode TransferHandler::check(const chain::Payload& payload) const {
  auto t = Transfer::decode(payload);
  if (!t) return chain::ResultCode::kMalformedPayload;
  if (t->amount == 0) return chain::ResultCode::kZeroAmount;
  return chain::ResultCode::kOk;
}

std::uint64_t TransferHandler::max_spend(const chain::Payload& payload) const {
  auto t = Transfer::decode(payload);
  return t ? t->amount : 0;
}

std::vector<crypto::Address> TransferHandler::counterparties(const chain::Payload& payload) const {
  auto t = Transfer::decode(payload);
  if (!t) return {};
  return {t->to};
}

chain::ResultCode TransferHandler::apply(TxContext& ctx, const chain::Payload& payload) const {
  auto t = Transfer::decode(payload);
  if (!t) return chain::ResultCode::kMalformedPayload;
  Account from = load_account(ctx.state, ctx.sender);
  if (!checked_sub(from.balance, t->amount, &from.balance)) return chain::ResultCode::kInsufficientFunds;
  if (t->to == ctx.sender) return chain::ResultCode::kOk;  // a self-transfer moves nothing
  Account to = load_account(ctx.state, t->to);
  if (!checked_add(to.balance, t->amount, &to.balance)) return chain::ResultCode::kBalanceOverflow;
  store_account(ctx.state, ctx.sender, from);
  store_account(ctx.state, t->to, to);
  return chain::ResultCode::kOk;
}

nlohmann::json TransferHandler::to_json(const chain::Payload& payload) const {
  auto t = Transfer::decode(payload);
  if (!t) return {{"type", name()}, {"malformed", true}};
  return {{"type", name()},
          {"to", t->to.to_string()},
          {"amount", std::to_string(t->amount)},
          {"amount_tel", chain::format_amount(t->amount)},
          {"memo", to_string(t->memo)}};
}

chain::Payload TransferHandler::from_json(const nlohmann::json& fields) const {
  if (!fields.is_object()) throw std::invalid_argument("payload must be an object");
  for (auto it = fields.begin(); it != fields.end(); ++it) {
    const std::string& k = it.key();
    if (k != "type" && k != "to" && k != "amount" && k != "memo" && k != "amount_tel") {
      throw std::invalid_argument("unknown field '" + k + "' in bank.transfer payload");
    }
  }
  Transfer t;
  if (!fields.contains("to") || !fields["to"].is_string()) throw std::invalid_argument("bank.transfer needs 'to'");
  auto to = crypto::Address::parse(fields["to"].get<std::string>());
  if (!to) throw std::invalid_argument("'to' is not a valid address (bad checksum or prefix)");
  t.to = *to;
  if (!fields.contains("amount")) throw std::invalid_argument("bank.transfer needs 'amount' (uTEL, as a string)");
  const auto& a = fields["amount"];
  if (a.is_number_unsigned()) {
    t.amount = a.get<std::uint64_t>();
  } else if (a.is_string() && !a.get<std::string>().empty() &&
             a.get<std::string>().find_first_not_of("0123456789") == std::string::npos &&
             a.get<std::string>().size() <= 20) {
    try {
      t.amount = std::stoull(a.get<std::string>());
    } catch (const std::exception&) {
      throw std::invalid_argument("'amount' does not fit in 64 bits");
    }
  } else {
    throw std::invalid_argument("'amount' must be a non-negative integer of uTEL");
  }
  // "amount_tel" is accepted so that to_json output reads back, but it must agree with
  // "amount": a client that meant TEL where uTEL is required must not pay a millionth.
  if (fields.contains("amount_tel")) {
    const auto& tel = fields["amount_tel"];
    const auto units = tel.is_string() ? chain::parse_amount(tel.get<std::string>()) : std::nullopt;
    if (units != t.amount) throw std::invalid_argument("'amount_tel' does not equal 'amount' (uTEL)");
  }
  if (fields.contains("memo")) {
    if (!fields["memo"].is_string()) throw std::invalid_argument("'memo' must be a string");
    const std::string m = fields["memo"].get<std::string>();
    if (m.size() > kMemoBytesMax) throw std::invalid_argument("'memo' is longer than 128 bytes");
    t.memo.assign(m.begin(), m.end());
  }
  return t.to_payload();
}

}  // namespace telco::modules::bank
