// Sending one module payload from the CLI: built from its API JSON (the node's own JSON
// edge, so the CLI and POST /v1/txs agree), signed with the --key key, submitted and
// followed to finality. Shared by the naming and validator commands.
#pragma once

#include <cstddef>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "context.h"

namespace telco::cli {

struct TxOptions {
  double wait_timeout_s = 60.0;
};

// Returns the outcome object; throws CliError when it is refused or fails in its block.
nlohmann::json send_payload(const Context& ctx, std::string_view type, const nlohmann::json& fields,
                            const TxOptions& o);
// Prints "TYPE finalized in block H: ok (tx HASH)" or the JSON; returns kExitOk.
int emit_tx(const Context& ctx, const nlohmann::json& out);

// The encoded size of a signed transaction carrying the payload built from `fields` (nonce
// and fee at their widest), for packing many items into transactions. Throws UsageError
// when the fields do not make the payload.
std::size_t payload_tx_bytes(std::string_view type, const nlohmann::json& fields);

// Many payloads of one type from the --key account, for bulk work: each is checked, all are
// signed with consecutive nonces, submitted a window at a time (within the node's
// per-sender limit), and followed to finality in order, with a progress line on stderr at
// most once a second (`unit` names what the items count, e.g. "numbers"; `items[i]` is how
// many payload i carries). A payload that fails in its block is reported and the rest go
// on; a refusal at admission that a retry cannot cure stops the run (CliError).
struct BulkResult {
  std::uint64_t items_ok = 0, txs_ok = 0;
  std::uint64_t first_height = 0, last_height = 0;
  double seconds = 0;
  struct Failure {
    std::size_t payload = 0;  // index into the payloads
    std::string hash, name, message;
    std::uint64_t height = 0;
  };
  std::vector<Failure> failures;
};
BulkResult send_payloads(const Context& ctx, std::string_view type, const std::vector<nlohmann::json>& payloads,
                         const std::vector<std::size_t>& items, std::string_view unit, const TxOptions& o);

}  // namespace telco::cli
