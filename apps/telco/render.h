// Human-readable text for the node's JSON answers. Pure functions of their input (the
// current time is a parameter), so they are unit-tested without a node. Every string that
// came from the network is passed through clean() first: a memo or validator name must not
// be able to send escape sequences to the user's terminal.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace telco::cli {

using Json = nlohmann::json;

// Control characters (and DEL) become \xNN; everything else is kept.
std::string clean(std::string_view text);
std::string format_tel(std::uint64_t units);                          // "1.5 TEL"
std::string format_tel_and_units(std::uint64_t units);                // "1.5 TEL (1500000 uTEL)"
std::string format_time_ms(std::uint64_t ms);                         // "2024-06-01 12:00:00.123 UTC"
std::string format_age(std::uint64_t then_ms, std::uint64_t now_ms);  // "3 s ago"
std::string format_duration_ms(std::uint64_t ms);                     // "1.25 s"
std::string format_bytes(std::uint64_t bytes);                        // "3.4 KiB"

// "label  value" lines with the values aligned, each indented by `indent` spaces.
using Fields = std::vector<std::pair<std::string, std::string>>;
std::string render_fields(const Fields& fields, int indent = 2);
// Columns padded to their widest cell; the last column is not padded.
std::string render_table(const std::vector<std::string>& header,
                         const std::vector<std::vector<std::string>>& rows, int indent = 2);

// A result object {"code","name","message"}: "ok" or "insufficient_funds (300): balance ...".
std::string describe_result(const Json& result);
// One line for a payload object: "transfer 1.5 TEL to tc1... memo \"inv-7\"".
std::string describe_payload(const Json& payload);

std::string render_status(const Json& status, std::uint64_t now_ms);
std::string render_head(const Json& status, std::uint64_t now_ms);
std::string render_validators(const Json& validators);
std::string render_block(const Json& block);
std::string render_tx(const Json& tx_status);
std::string render_balance(const Json& account);

// One row of an account's history: the list entry {"hash","height","index"} and, when it
// could be fetched, the full GET /v1/txs/{hash} answer (else null).
struct AccountTxRow {
  Json entry;
  Json detail;
};
std::string render_account(const Json& account, const std::vector<AccountTxRow>& txs);

}  // namespace telco::cli
