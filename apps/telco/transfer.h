// Pure logic of `telco send`: what the chain says (chain id, minimum fee, next nonce,
// balance), the fee rule, the signed bank.transfer transaction, and reading the node's
// answers to submission and polling. No I/O here; cmd_send.cpp does the talking.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "chain/transaction.h"
#include "crypto/address.h"
#include "crypto/ed25519.h"

namespace telco::cli {

struct TransferIntent {
  crypto::Address to;
  std::uint64_t amount = 0;          // uTEL, > 0
  std::optional<std::uint64_t> fee;  // uTEL; nullopt = the chain's minimum fee
  std::string memo;                  // at most bank::kMemoBytesMax bytes
};

// Checks amount > 0 and the memo length; throws UsageError. Amounts are already in uTEL.
TransferIntent make_intent(const crypto::Address& to, std::uint64_t amount, std::optional<std::uint64_t> fee,
                           std::string memo);

// What the node reports that a transfer depends on.
struct SenderState {
  std::string chain_id;
  std::uint64_t min_fee = 0;
  std::uint64_t nonce = 0;    // pending_nonce: counts the sender's transactions in the mempool
  std::uint64_t balance = 0;  // committed balance
};
// From GET /v1/status and GET /v1/accounts/{sender}; throws CliError("bad_response").
SenderState sender_state(const nlohmann::json& status, const nlohmann::json& account);

// The fee to pay: the explicit one if given (refused below the minimum, which the node would
// reject anyway), else the minimum. Throws CliError("fee_below_minimum").
std::uint64_t choose_fee(std::optional<std::uint64_t> fee, std::uint64_t min_fee);
// Refuses early, before the passphrase prompt, when the committed balance cannot cover
// amount + fee. Throws CliError("insufficient_balance").
void check_affordable(std::uint64_t balance, std::uint64_t amount, std::uint64_t fee);

chain::Transaction build_transfer(const TransferIntent& intent, const SenderState& sender, std::uint64_t fee,
                                  const crypto::KeyPair& key);
// The POST /v1/txs body: {"tx": "<hex canonical bytes>"}.
nlohmann::json submit_body(const chain::Transaction& tx);

struct SubmitOutcome {
  std::string hash;
  bool accepted = false;
  std::uint64_t code = 0;
  std::string name;
  std::string message;
};
// The first (only) entry of the POST /v1/txs results; throws CliError("bad_response").
SubmitOutcome parse_submit_response(const nlohmann::json& response);

enum class TxPhase { kPending, kFinalized, kRejected, kUnknown };

struct TxProgress {
  TxPhase phase = TxPhase::kUnknown;
  std::uint64_t height = 0;  // finalized
  std::uint64_t index = 0;   // finalized
  std::uint64_t code = 0;    // finalized (0 = applied) or rejected
  std::string name;
  std::string message;
  std::uint64_t fee_charged = 0;  // finalized
};
// From GET /v1/txs/{hash} (also its 404 body); throws CliError("bad_response").
TxProgress parse_tx_status(const nlohmann::json& response);

}  // namespace telco::cli
