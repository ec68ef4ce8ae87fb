#include "chain/result_code.h"

namespace telco::chain {
namespace {

struct Entry {
  ResultCode code;
  std::string_view name;
  std::string_view message;
};

constexpr Entry kEntries[] = {
    {ResultCode::kOk, "ok", "applied"},
    {ResultCode::kMalformedEncoding, "malformed_encoding", "transaction bytes are not a canonical encoding"},
    {ResultCode::kBadSignature, "bad_signature", "signature does not verify against the sender key"},
    {ResultCode::kWrongChainId, "wrong_chain_id", "transaction was signed for another chain"},
    {ResultCode::kUnknownPayloadType, "unknown_payload_type", "payload type is not known to this chain"},
    {ResultCode::kTxTooLarge, "tx_too_large", "transaction exceeds the maximum size"},
    {ResultCode::kFeeBelowMinimum, "fee_below_minimum", "fee is below the chain's minimum fee"},
    {ResultCode::kMalformedPayload, "malformed_payload", "payload bytes do not decode for its type"},
    {ResultCode::kZeroAmount, "zero_amount", "amount must be greater than zero"},
    {ResultCode::kUnsupportedVersion, "unsupported_version", "transaction version is not supported"},
    {ResultCode::kNonceTooLow, "nonce_too_low", "nonce already used (replay or duplicate)"},
    {ResultCode::kNonceTooHigh, "nonce_too_high", "nonce is ahead of the sender's next nonce"},
    {ResultCode::kCannotPayFee, "cannot_pay_fee", "sender balance cannot cover the fee and amount"},
    {ResultCode::kDuplicate, "duplicate", "transaction is already pending"},
    {ResultCode::kSenderQueueFull, "sender_queue_full", "too many pending transactions from this sender"},
    {ResultCode::kInsufficientFunds, "insufficient_funds", "balance too low for the amount"},
    {ResultCode::kBalanceOverflow, "balance_overflow", "recipient balance would overflow"},
    {ResultCode::kMempoolFull, "mempool_full", "node's mempool is full; retry later"},
    {ResultCode::kShuttingDown, "shutting_down", "node is shutting down"},
    {ResultCode::kInternal, "internal_error", "node failed internally; see its log"},
};

const Entry* find(ResultCode c) {
  for (const Entry& e : kEntries) {
    if (e.code == c) return &e;
  }
  return nullptr;
}

}  // namespace

std::string_view result_name(ResultCode c) {
  const Entry* e = find(c);
  return e ? e->name : "unknown_code";
}

std::string_view result_message(ResultCode c) {
  const Entry* e = find(c);
  return e ? e->message : "unknown result code";
}

}  // namespace telco::chain
