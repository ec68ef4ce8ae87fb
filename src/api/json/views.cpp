#include "api/json/views.h"

#include <algorithm>

#include "api/json/error.h"
#include "api/json/tx_json.h"
#include "chain/amount.h"
#include "consensus/messages.h"
#include "util/hex.h"

namespace telco::api {
namespace {

using Json = nlohmann::json;

std::string hex(const crypto::Hash32& h) { return crypto::to_hex(h); }

// Receipts come from the node, one per transaction; a short list is the node's bug, and
// the block is still worth showing, so a missing receipt reads as an internal error.
chain::Receipt receipt_at(const BlockData& block, std::size_t i) {
  if (i < block.receipts.size()) return block.receipts[i];
  return chain::Receipt{chain::ResultCode::kInternal, 0};
}

}  // namespace

Json commit_json(const chain::Commit& commit, const std::vector<chain::GenesisValidator>& validators) {
  Json sigs = Json::array();
  for (const chain::CommitSig& s : commit.signatures) {
    Json j = {{"validator", to_hex(s.validator)},
              {"address", crypto::Address::from_public_key(s.validator).to_string()},
              {"name", ""},
              {"power", 0},
              {"time_ms", s.time_ms},
              {"signature", to_hex(s.signature)}};
    for (const chain::GenesisValidator& v : validators) {
      if (v.public_key == s.validator) {
        j["name"] = v.name;
        j["power"] = v.power;
        break;
      }
    }
    sigs.push_back(std::move(j));
  }
  return {{"height", commit.height},
          {"round", commit.round},
          {"block_hash", hex(commit.block_hash)},
          {"signatures", std::move(sigs)}};
}

Json status_json(const chain::Genesis& genesis, const crypto::Hash32& genesis_hash, const ChainHead& head,
                 const MempoolStats& mempool, std::string_view node_version) {
  const chain::ChainParams& p = genesis.params;
  return {{"chain_id", genesis.chain_id},
          {"genesis_hash", hex(genesis_hash)},
          {"node_version", node_version},
          {"head",
           {{"height", head.height},
            {"hash", hex(head.hash)},
            {"time_ms", head.time_ms},
            {"state_root", hex(head.state_root)}}},
          {"mempool",
           {{"txs", mempool.txs},
            {"bytes", mempool.bytes},
            {"txs_max", mempool.txs_max},
            {"bytes_max", mempool.bytes_max}}},
          {"params",
           {{"min_fee", std::to_string(p.min_fee)},
            {"max_tx_bytes", p.max_tx_bytes},
            {"max_block_txs", p.max_block_txs},
            {"max_block_bytes", p.max_block_bytes},
            {"max_pending_per_sender", p.max_pending_per_sender}}},
          {"validators", genesis.validators.size()}};
}

Json validators_json(const std::vector<chain::GenesisValidator>& validators) {
  Json list = Json::array();
  std::uint64_t total = 0;
  for (const chain::GenesisValidator& v : validators) {
    list.push_back({{"name", v.name},
                    {"public_key", to_hex(v.public_key)},
                    {"address", crypto::Address::from_public_key(v.public_key).to_string()},
                    {"power", v.power}});
    total += v.power;  // genesis validation bounds the total at 2^60
  }
  return {{"validators", std::move(list)}, {"total_power", total}};
}

Json header_json(const chain::BlockHeader& h) {
  return {{"version", h.version},
          {"chain_id", h.chain_id},
          {"height", h.height},
          {"time_ms", h.time_ms},
          {"prev_hash", hex(h.prev_hash)},
          {"last_commit_hash", hex(h.last_commit_hash)},
          {"tx_root", hex(h.tx_root)},
          {"tx_count", h.tx_count},
          {"receipts_root", hex(h.receipts_root)},
          {"state_root", hex(h.state_root)},
          {"validators_hash", hex(h.validators_hash)},
          {"proposer", h.proposer.to_string()},
          {"evidence_root", hex(h.evidence_root)}};
}

namespace {
// The i-th transaction's hash, from the backend's list when it has one.
crypto::Hash32 tx_hash_at(const BlockData& block, std::size_t i) {
  return i < block.tx_hashes.size() ? block.tx_hashes[i] : block.block.txs[i].hash();
}
}  // namespace

Json block_json(const BlockData& block, const std::vector<chain::GenesisValidator>& validators) {
  return block_json(block, validators, TxSlice{});
}

Json block_json(const BlockData& block, const std::vector<chain::GenesisValidator>& validators,
                TxSlice slice) {
  Json txs = Json::array();
  const std::size_t count = block.block.txs.size();
  const std::size_t end =
      slice.offset >= count ? count : slice.offset + std::min(slice.limit, count - slice.offset);
  for (std::size_t i = std::min(slice.offset, count); i < end; ++i) {
    const chain::Transaction& tx = block.block.txs[i];
    Json j = tx_to_json(tx);
    j["hash"] = hex(tx_hash_at(block, i));
    j["result"] = receipt_to_json(receipt_at(block, i));
    txs.push_back(std::move(j));
  }
  return {{"height", block.block.header.height},
          {"hash", hex(block.hash)},
          {"header", header_json(block.block.header)},
          {"tx_offset", std::min(slice.offset, count)},
          {"txs", std::move(txs)},
          {"evidence", evidence_list_json(block.block.evidence)},
          {"commit", commit_json(block.commit, validators)}};
}

Json evidence_list_json(const std::vector<Bytes>& items) {
  Json out = Json::array();
  for (const Bytes& item : items) {
    Json j{{"hash", hex(crypto::blake2b_256(item))}, {"bytes", to_hex(ByteView(item))}};
    if (const auto e = consensus::decode_evidence(item)) {
      const consensus::Vote& a = e->first;
      j["kind"] = "duplicate_vote";
      j["validator"] = crypto::to_hex(a.validator);
      j["height"] = a.height;
      j["round"] = a.round;
      j["vote_type"] = consensus::vote_type_name(a.type);
      j["block_hashes"] = {hex(a.block_hash), hex(e->second.block_hash)};
    }
    out.push_back(std::move(j));
  }
  return out;
}

Json block_summary_json(const chain::BlockHeader& h) {
  return {{"height", h.height},
          {"hash", hex(h.hash())},
          {"time_ms", h.time_ms},
          {"tx_count", h.tx_count},
          {"proposer", h.proposer.to_string()}};
}

Json block_summary_json(const chain::BlockHeader& h, const chain::Commit& commit,
                        const std::vector<chain::GenesisValidator>& validators) {
  Json j = block_summary_json(h);
  j["commit"] = commit_summary_json(commit, validators);
  return j;
}

Json commit_summary_json(const chain::Commit& commit,
                         const std::vector<chain::GenesisValidator>& validators) {
  std::uint64_t power = 0;
  std::uint64_t latest_ms = 0;
  for (const chain::CommitSig& s : commit.signatures) {
    latest_ms = std::max(latest_ms, s.time_ms);
    for (const chain::GenesisValidator& v : validators) {
      if (v.public_key == s.validator) {
        power += v.power;  // genesis bounds the total power at 2^60: no overflow
        break;
      }
    }
  }
  return {{"round", commit.round},
          {"signers", commit.signatures.size()},
          {"signed_power", power},
          {"time_ms", latest_ms}};
}

Json tx_list_json(const std::vector<TxListEntry>& entries) {
  Json list = Json::array();
  for (const TxListEntry& e : entries) {
    Json j = {{"hash", hex(e.hash)}, {"height", e.location.height}, {"index", e.location.index}};
    if (e.tx) {
      j["time_ms"] = e.time_ms;
      j["from"] = e.tx->sender_address().to_string();
      j["payload"] = payload_to_json(e.tx->payload);
      j["fee"] = std::to_string(e.tx->fee);
      j["result"] = {{"code", static_cast<std::uint16_t>(e.receipt.code)},
                     {"name", chain::result_name(e.receipt.code)}};
    }
    list.push_back(std::move(j));
  }
  return {{"txs", std::move(list)}};
}

Json tx_status_json(const crypto::Hash32& hash, const TxStatus& status) {
  Json j = {{"hash", hex(hash)}};
  switch (status.state) {
    case TxState::kUnknown:
      j["status"] = "unknown";
      j.update(error_json(make_error(404, error_code::kNotFound, "no transaction with this hash is known")));
      break;
    case TxState::kPending:
      j["status"] = "pending";
      break;
    case TxState::kFinalized:
      j["status"] = "finalized";
      if (status.location) {
        j["height"] = status.location->height;
        j["index"] = status.location->index;
      }
      if (status.block_hash) j["block_hash"] = hex(*status.block_hash);
      j["time_ms"] = status.block_time_ms;
      if (status.receipt) j["result"] = receipt_to_json(*status.receipt);
      break;
    case TxState::kRejected:
      j["status"] = "rejected";
      j["result"] = result_to_json(status.rejection);
      break;
  }
  if (status.tx && (status.state == TxState::kPending || status.state == TxState::kFinalized)) {
    j["tx"] = tx_to_json(*status.tx);
  }
  return j;
}

Json account_json(const crypto::Address& address, const AccountInfo& info) {
  return {{"address", address.to_string()},
          {"balance", std::to_string(info.balance)},
          {"balance_tel", chain::format_amount(info.balance)},
          {"nonce", info.nonce},
          {"pending_nonce", info.pending_nonce},
          {"pending_txs", info.pending_txs}};
}

Json account_txs_json(const std::vector<std::pair<TxLocation, crypto::Hash32>>& txs) {
  Json list = Json::array();
  for (const auto& [location, hash] : txs) {
    list.push_back({{"hash", hex(hash)}, {"height", location.height}, {"index", location.index}});
  }
  return {{"txs", std::move(list)}};
}

Json block_event_json(const BlockData& block) { return block_event_json(block, {}); }

Json block_event_json(const BlockData& block, const std::vector<chain::GenesisValidator>& validators) {
  const chain::BlockHeader& h = block.block.header;
  Json txs = Json::array();
  for (std::size_t i = 0; i < block.block.txs.size(); ++i) {
    const chain::Transaction& tx = block.block.txs[i];
    const chain::Receipt receipt = receipt_at(block, i);
    txs.push_back(
        {{"hash", hex(tx_hash_at(block, i))},
         {"from", tx.sender_address().to_string()},
         {"payload", payload_to_json(tx.payload)},
         {"fee", std::to_string(tx.fee)},
         {"result",
          {{"code", static_cast<std::uint16_t>(receipt.code)}, {"name", chain::result_name(receipt.code)}}}});
  }
  return {{"type", "block"},
          {"block",
           {{"height", h.height},
            {"hash", hex(block.hash)},
            {"time_ms", h.time_ms},
            {"tx_count", h.tx_count},
            {"proposer", h.proposer.to_string()},
            {"commit", commit_summary_json(block.commit, validators)},
            {"txs", std::move(txs)}}}};
}

}  // namespace telco::api
