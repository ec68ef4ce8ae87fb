#include "transfer.h"

#include "chain/amount.h"
#include "cli_error.h"
#include "json_fields.h"
#include "modules/bank/transfer.h"
#include "util/checked.h"
#include "util/hex.h"

namespace telco::cli {

TransferIntent make_intent(const crypto::Address& to, std::uint64_t amount, std::optional<std::uint64_t> fee,
                           std::string memo) {
  if (amount == 0) throw UsageError("--amount must be greater than zero");
  if (memo.size() > modules::bank::kMemoBytesMax) {
    throw UsageError("--memo is " + std::to_string(memo.size()) + " bytes; at most " +
                     std::to_string(modules::bank::kMemoBytesMax) + " are allowed");
  }
  return TransferIntent{to, amount, fee, std::move(memo)};
}

SenderState sender_state(const nlohmann::json& status, const nlohmann::json& account) {
  SenderState s;
  s.chain_id = require_string(status, "chain_id");
  s.min_fee = require_u64(member(status, "params"), "min_fee");
  s.balance = require_u64(account, "balance");
  // Older answers may lack pending_nonce; the committed nonce is then the best guess.
  const auto pending = optional_u64(account, "pending_nonce");
  s.nonce = pending ? *pending : require_u64(account, "nonce");
  return s;
}

std::uint64_t choose_fee(std::optional<std::uint64_t> fee, std::uint64_t min_fee) {
  if (!fee) return min_fee;
  if (*fee < min_fee) {
    throw CliError("fee_below_minimum", "--fee " + chain::format_amount(*fee) +
                                            " TEL is below the chain's minimum fee of " +
                                            chain::format_amount(min_fee) + " TEL");
  }
  return *fee;
}

void check_affordable(std::uint64_t balance, std::uint64_t amount, std::uint64_t fee) {
  std::uint64_t need = 0;
  if (!checked_add(amount, fee, &need)) throw UsageError("amount plus fee does not fit in 64 bits");
  if (balance < need) {
    throw CliError("insufficient_balance",
                   "balance " + chain::format_amount(balance) +
                       " TEL cannot cover amount + fee = " + chain::format_amount(need) + " TEL");
  }
}

chain::Transaction build_transfer(const TransferIntent& intent, const SenderState& sender, std::uint64_t fee,
                                  const crypto::KeyPair& key) {
  modules::bank::Transfer transfer;
  transfer.to = intent.to;
  transfer.amount = intent.amount;
  transfer.memo.assign(intent.memo.begin(), intent.memo.end());

  chain::Transaction tx;
  tx.chain_id = sender.chain_id;
  tx.nonce = sender.nonce;
  tx.fee = fee;
  tx.payload = transfer.to_payload();
  tx.sign(key);  // also sets tx.sender
  return tx;
}

nlohmann::json submit_body(const chain::Transaction& tx) { return {{"tx", to_hex(tx.encode())}}; }

SubmitOutcome parse_submit_response(const nlohmann::json& response) {
  const auto& results = member(response, "results");
  if (!results.is_array() || results.size() != 1 || !results[0].is_object()) {
    throw CliError("bad_response", "node answered the submission without exactly one result");
  }
  const auto& r = results[0];
  SubmitOutcome out;
  out.hash = require_string(r, "hash");
  const auto& accepted = member(r, "accepted");
  if (!accepted.is_boolean()) throw CliError("bad_response", "node's submission result lacks 'accepted'");
  out.accepted = accepted.get<bool>();
  out.code = optional_u64(r, "code").value_or(0);
  out.name = member(r, "name").is_string() ? r["name"].get<std::string>() : "";
  out.message = member(r, "message").is_string() ? r["message"].get<std::string>() : "";
  return out;
}

TxProgress parse_tx_status(const nlohmann::json& response) {
  const std::string status = require_string(response, "status");
  TxProgress p;
  if (status == "pending") {
    p.phase = TxPhase::kPending;
  } else if (status == "unknown") {
    p.phase = TxPhase::kUnknown;
  } else if (status == "finalized" || status == "rejected") {
    p.phase = status == "finalized" ? TxPhase::kFinalized : TxPhase::kRejected;
    const auto& result = member(response, "result");
    p.code = require_u64(result, "code");
    p.name = display_field(result, "name");
    p.message = member(result, "message").is_string() ? result["message"].get<std::string>() : "";
    if (p.phase == TxPhase::kFinalized) {
      p.height = require_u64(response, "height");
      p.index = optional_u64(response, "index").value_or(0);
      p.fee_charged = optional_u64(result, "fee_charged").value_or(0);
    }
  } else {
    throw CliError("bad_response", "node reported an unknown transaction status '" + status + "'");
  }
  return p;
}

}  // namespace telco::cli
