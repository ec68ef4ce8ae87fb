// Transactions and their outcomes as JSON, the API's only view of them (docs/api.md,
// "<tx object>"). Payloads convert through their module's PayloadHandler, so a new module
// needs no change here.
//
// Decoding functions never throw on bad input: they return the reason as a result code in
// the malformed range (chain/result_code.h) and a sentence, which the submit response
// reports per transaction.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "chain/block.h"
#include "chain/result_code.h"
#include "chain/transaction.h"

namespace telco::api {

// {"type":"bank.transfer",...}. A payload type the registry does not know (possible in a
// decoded, not yet checked transaction) becomes {"type":"unknown","type_id":n,"body":"<hex>"}.
nlohmann::json payload_to_json(const chain::Payload& payload);
// The <tx object>: version, chain_id, sender, sender_address, nonce, fee, payload, signature.
nlohmann::json tx_to_json(const chain::Transaction& tx);
// {"code","name","message"}
nlohmann::json result_to_json(chain::ResultCode code);
// {"code","name","message","fee_charged":"<uTEL>"}
nlohmann::json receipt_to_json(const chain::Receipt& receipt);

// A transaction decoded from client input, or why it could not be.
struct TxParse {
  std::optional<chain::Transaction> tx;
  chain::ResultCode code = chain::ResultCode::kOk;  // a malformed-range code when !tx
  std::string message;                              // a sentence when !tx

  bool ok() const { return tx.has_value(); }
  static TxParse failure(chain::ResultCode code, std::string message);
};

// A <tx object>. Unknown fields are refused; "sender_address" is accepted and ignored (the
// key decides), as the payload handler ignores "amount_tel".
TxParse tx_from_json(const nlohmann::json& j);
// Exactly one canonical transaction encoding, no trailing bytes.
TxParse tx_from_bytes(ByteView bytes);
// JSON text holding one <tx object> (the fuzz target and the CLI use this).
TxParse parse_tx_json(std::string_view text);

// Strict decimal u64: digits only, no sign, no exponent, at most 20 digits, no overflow.
std::optional<std::uint64_t> parse_u64(std::string_view text);

}  // namespace telco::api
