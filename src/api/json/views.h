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
// The set that signs the next height, from the change history (or the genesis list).
nlohmann::json validators_json(const std::vector<chain::GenesisValidator>& validators);
// GET /v1/blocks/{id}: header, transactions with their receipts, and the commit. Commit
// signatures are annotated with the validator's name, address and power from `validators`.
nlohmann::json block_json(const BlockData& block, const std::vector<chain::GenesisValidator>& validators);
nlohmann::json header_json(const chain::BlockHeader& header);
// A block's evidence items: hash and bytes of each, and the offence decoded when it is a
// duplicate vote (validator, height, round, vote type, the two block hashes).
nlohmann::json evidence_list_json(const std::vector<Bytes>& items);
// {"height","round","block_hash","signatures":[{"validator","address","name","power","time_ms","signature"}]}
nlohmann::json commit_json(const chain::Commit& commit, const std::vector<chain::GenesisValidator>& validators);
// One entry of GET /v1/blocks: {"height","hash","time_ms","tx_count","proposer"}, and with a
// commit also "commit": commit_summary_json(...).
nlohmann::json block_summary_json(const chain::BlockHeader& header);
nlohmann::json block_summary_json(const chain::BlockHeader& header, const chain::Commit& commit,
                                  const std::vector<chain::GenesisValidator>& validators);
// {"round","signers","signed_power","time_ms"}: how many validators signed, the voting power
// they hold (from `validators`; a key not in the set counts 0) and the latest signature time.
nlohmann::json commit_summary_json(const chain::Commit& commit,
                                   const std::vector<chain::GenesisValidator>& validators);

// The transactions of a block from index `offset`, at most `limit` of them (GET
// /v1/blocks/{id}?tx_offset=&tx_limit=): block pages of large blocks stay bounded.
struct TxSlice {
  std::size_t offset = 0;
  std::size_t limit = static_cast<std::size_t>(-1);
};
nlohmann::json block_json(const BlockData& block, const std::vector<chain::GenesisValidator>& validators,
                          TxSlice slice);

// One transaction in a list (GET /v1/txs, GET /v1/accounts/{address}/txs):
// {"hash","height","index","time_ms","from","payload","fee","result":{"code","name"}}.
struct TxListEntry {
  crypto::Hash32 hash{};
  TxLocation location;
  std::uint64_t time_ms = 0;
  const chain::Transaction* tx = nullptr;  // null: only hash and location are known
  chain::Receipt receipt;
};
nlohmann::json tx_list_json(const std::vector<TxListEntry>& entries);
// GET /v1/txs/{hash}; for kUnknown the body the server sends with its 404.
nlohmann::json tx_status_json(const crypto::Hash32& hash, const TxStatus& status);
// GET /v1/accounts/{address}
nlohmann::json account_json(const crypto::Address& address, const AccountInfo& info);
// GET /v1/accounts/{address}/txs
nlohmann::json account_txs_json(const std::vector<std::pair<TxLocation, crypto::Hash32>>& txs);
// The /v1/events message for one committed block: {"type":"block","block":{...}}, its
// "commit" summarised with the power of `validators`.
nlohmann::json block_event_json(const BlockData& block);
nlohmann::json block_event_json(const BlockData& block,
                                const std::vector<chain::GenesisValidator>& validators);

}  // namespace telco::api
