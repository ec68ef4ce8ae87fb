// JSON bodies of the read endpoints and of the WebSocket block event, built from the plain
// structs of api/backend.h. Pure functions of their arguments, so the server's routes are
// thin and every shape is unit-tested without a socket (docs/api.md lists them).
#pragma once

#include <nlohmann/json.hpp>
#include <string_view>
#include <utility>
#include <vector>

#include "api/backend.h"

namespace telco::api {

// GET /v1/status
nlohmann::json status_json(const chain::Genesis& genesis, const crypto::Hash32& genesis_hash,
                           const ChainHead& head, const MempoolStats& mempool, std::string_view node_version);
// GET /v1/validators
nlohmann::json validators_json(const chain::Genesis& genesis);
// GET /v1/blocks/{id}: header, transactions with their receipts, and the commit. Commit
// signatures are annotated with the validator's name, address and power from `validators`.
nlohmann::json block_json(const BlockData& block, const std::vector<chain::GenesisValidator>& validators);
nlohmann::json header_json(const chain::BlockHeader& header);
// One entry of GET /v1/blocks: {"height","hash","time_ms","tx_count","proposer"}.
nlohmann::json block_summary_json(const chain::BlockHeader& header);
// GET /v1/txs/{hash}; for kUnknown the body the server sends with its 404.
nlohmann::json tx_status_json(const crypto::Hash32& hash, const TxStatus& status);
// GET /v1/accounts/{address}
nlohmann::json account_json(const crypto::Address& address, const AccountInfo& info);
// GET /v1/accounts/{address}/txs
nlohmann::json account_txs_json(const std::vector<std::pair<TxLocation, crypto::Hash32>>& txs);
// The /v1/events message for one committed block: {"type":"block","block":{...}}.
nlohmann::json block_event_json(const BlockData& block);

}  // namespace telco::api
