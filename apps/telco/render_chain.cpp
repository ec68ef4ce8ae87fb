// Human-readable views of status, blocks, transactions, validators and accounts.
#include <cstdio>

#include "json_fields.h"
#include "render.h"

namespace telco::cli {
namespace {

std::string field(const Json& object, std::string_view key) { return clean(display_field(object, key)); }

std::string tel_field(const Json& object, std::string_view key) {
  const auto units = optional_u64(object, key);
  return units ? format_tel(*units) : "?";
}

std::string time_field(const Json& object, std::string_view key) {
  const auto ms = optional_u64(object, key);
  return ms ? format_time_ms(*ms) : "?";
}

std::string render_params(const Json& params) {
  Fields fields;
  if (!params.is_object()) return {};
  for (const auto& [key, value] : params.items()) {
    // Fee-like parameters are amounts of uTEL; show them in TEL as everywhere else.
    const bool amount = key.find("fee") != std::string::npos;
    const auto units = optional_u64(params, key);
    fields.emplace_back(clean(key), amount && units ? format_tel(*units) : field(params, key));
  }
  return render_fields(fields, 4);
}

// "tc1abc → tc1def  1.5 TEL  fee 0.001 TEL  ok" for a tx object with a "result".
std::string describe_tx_line(const Json& tx) {
  const Json& payload = member(tx, "payload");
  std::string what;
  if (display_field(payload, "type") == "bank.transfer") {
    what = field(tx, "sender_address") + " → " + field(payload, "to") + "  " + tel_field(payload, "amount");
  } else {
    what = field(tx, "sender_address") + "  " + describe_payload(payload);
  }
  return what + "  fee " + tel_field(tx, "fee") + "  " + describe_result(member(tx, "result"));
}

}  // namespace

std::string render_status(const Json& status, std::uint64_t now_ms) {
  const Json& head = member(status, "head");
  const Json& mempool = member(status, "mempool");
  const auto head_time = optional_u64(head, "time_ms");
  std::string head_text = "height " + field(head, "height") + ", " + field(head, "hash");
  if (head_time) head_text += " (" + format_age(*head_time, now_ms) + ")";
  const auto bytes = optional_u64(mempool, "bytes");
  const auto bytes_max = optional_u64(mempool, "bytes_max");
  const std::string mempool_text = field(mempool, "txs") + " txs, " + (bytes ? format_bytes(*bytes) : "?") +
                                   " (limits " + field(mempool, "txs_max") + " txs, " +
                                   (bytes_max ? format_bytes(*bytes_max) : "?") + ")";
  std::string out = render_fields(
      {
          {"chain id", field(status, "chain_id")},
          {"genesis hash", field(status, "genesis_hash")},
          {"node version", field(status, "node_version")},
          {"head", head_text},
          {"state root", field(head, "state_root")},
          {"mempool", mempool_text},
          {"validators", field(status, "validators")},
      },
      0);
  const std::string params = render_params(member(status, "params"));
  if (!params.empty()) out += "params\n" + params;
  return out;
}

std::string render_head(const Json& status, std::uint64_t now_ms) {
  const Json& head = member(status, "head");
  const auto time = optional_u64(head, "time_ms");
  return render_fields(
      {
          {"chain id", field(status, "chain_id")},
          {"height", field(head, "height")},
          {"hash", field(head, "hash")},
          {"time", time ? format_time_ms(*time) + " (" + format_age(*time, now_ms) + ")" : "?"},
      },
      0);
}

std::string render_validators(const Json& validators) {
  const Json& list = member(validators, "validators");
  const auto total = optional_u64(validators, "total_power");
  std::vector<std::vector<std::string>> rows;
  for (const Json& v : list.is_array() ? list : Json::array()) {
    std::string share = "?";
    const auto power = optional_u64(v, "power");
    if (power && total && *total > 0) {
      char buf[16];
      std::snprintf(buf, sizeof buf, "%.1f%%",
                    100.0 * static_cast<double>(*power) / static_cast<double>(*total));
      share = buf;
    }
    rows.push_back({field(v, "name"), field(v, "address"), field(v, "power"), share, field(v, "public_key")});
  }
  return render_table({"NAME", "ADDRESS", "POWER", "SHARE", "PUBLIC KEY"}, rows, 0) +
         std::to_string(rows.size()) + " validators, total power " + field(validators, "total_power") + "\n";
}

std::string render_block(const Json& block) {
  const Json& header = member(block, "header");
  std::string out = "Block " + field(block, "height") + "\n";
  out += render_fields({
      {"hash", field(block, "hash")},
      {"time", time_field(header, "time_ms")},
      {"chain id", field(header, "chain_id")},
      {"proposer", field(header, "proposer")},
      {"previous hash", field(header, "prev_hash")},
      {"state root", field(header, "state_root")},
      {"tx root", field(header, "tx_root")},
      {"receipts root", field(header, "receipts_root")},
      {"validators hash", field(header, "validators_hash")},
      {"evidence root", field(header, "evidence_root")},
      {"transactions", field(header, "tx_count")},
  });
  const Json& commit = member(block, "commit");
  const Json& sigs = member(commit, "signatures");
  std::vector<std::vector<std::string>> signer_rows;
  for (const Json& s : sigs.is_array() ? sigs : Json::array()) {
    signer_rows.push_back({field(s, "name"), field(s, "address"), field(s, "power")});
  }
  out += "Signed by " + std::to_string(signer_rows.size()) + " validator(s) in round " +
         field(commit, "round") + "\n";
  if (!signer_rows.empty()) out += render_table({"NAME", "ADDRESS", "POWER"}, signer_rows);
  const Json& txs = member(block, "txs");
  if (txs.is_array() && !txs.empty()) {
    out += "Transactions\n";
    std::size_t index = 0;
    for (const Json& tx : txs) {
      out += "  #" + std::to_string(index++) + " " + field(tx, "hash") + "\n";
      out += "     " + describe_tx_line(tx) + "\n";
    }
  }
  return out;
}

std::string render_tx(const Json& tx_status) {
  const std::string status = field(tx_status, "status");
  Fields fields{{"status", status}};
  if (status == "finalized") {
    fields.emplace_back("block", field(tx_status, "height") + " (index " + field(tx_status, "index") + ") " +
                                     field(tx_status, "block_hash"));
    fields.emplace_back("time", time_field(tx_status, "time_ms"));
  }
  const Json& result = member(tx_status, "result");
  if (result.is_object()) fields.emplace_back("result", describe_result(result));
  if (optional_u64(result, "fee_charged"))
    fields.emplace_back("fee charged", tel_field(result, "fee_charged"));
  const Json& tx = member(tx_status, "tx");
  if (tx.is_object()) {
    fields.emplace_back("from", field(tx, "sender_address"));
    fields.emplace_back("nonce", field(tx, "nonce"));
    fields.emplace_back("fee", tel_field(tx, "fee"));
    fields.emplace_back("chain id", field(tx, "chain_id"));
    const Json& payload = member(tx, "payload");
    fields.emplace_back("type", field(payload, "type"));
    if (display_field(payload, "type") == "bank.transfer") {
      const auto amount = optional_u64(payload, "amount");
      fields.emplace_back("to", field(payload, "to"));
      fields.emplace_back("amount", amount ? format_tel_and_units(*amount) : "?");
      fields.emplace_back("memo", "\"" + field(payload, "memo") + "\"");
    } else {
      fields.emplace_back("payload", describe_payload(payload));
    }
  }
  return "Transaction " + field(tx_status, "hash") + "\n" + render_fields(fields);
}

std::string render_balance(const Json& account) {
  const auto balance = optional_u64(account, "balance");
  return render_fields(
      {{"address", field(account, "address")}, {"balance", balance ? format_tel_and_units(*balance) : "?"}},
      0);
}

std::string render_account(const Json& account, const std::vector<AccountTxRow>& txs) {
  const auto balance = optional_u64(account, "balance");
  std::string out = "Account " + field(account, "address") + "\n";
  out += render_fields({
      {"balance", balance ? format_tel_and_units(*balance) : "?"},
      {"nonce", field(account, "nonce") + " (next to use " + field(account, "pending_nonce") + ", " +
                    field(account, "pending_txs") + " pending)"},
  });
  if (txs.empty()) return out + "No transactions found.\n";
  const std::string self = display_field(account, "address");
  std::vector<std::vector<std::string>> rows;
  for (const AccountTxRow& row : txs) {
    const Json& tx = member(row.detail, "tx");
    const Json& payload = member(tx, "payload");
    std::string direction = "?";
    std::string counterparty = "?";
    std::string amount = "?";
    if (display_field(payload, "type") == "bank.transfer") {
      const std::string from = display_field(tx, "sender_address");
      const std::string to = display_field(payload, "to");
      direction = from == to ? "self" : (from == self ? "out" : "in");
      counterparty = clean(direction == "in" ? from : to);
      amount = tel_field(payload, "amount");
    } else if (tx.is_object()) {
      direction = display_field(tx, "sender_address") == self ? "out" : "in";
      counterparty = field(payload, "type");
      amount = "-";
    }
    const Json& result = member(row.detail, "result");
    // Only the result's name: the full sentence would make every row too wide to read.
    rows.push_back({field(row.entry, "height"), direction, counterparty, amount,
                    result.is_object() ? field(result, "name") : "?", field(row.entry, "hash")});
  }
  return out + "Recent transactions (newest first)\n" +
         render_table({"HEIGHT", "DIR", "COUNTERPARTY", "AMOUNT", "RESULT", "HASH"}, rows);
}

}  // namespace telco::cli
