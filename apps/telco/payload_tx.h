// Sending one module payload from the CLI: built from its API JSON (the node's own JSON
// edge, so the CLI and POST /v1/txs agree), signed with the --key key, submitted and
// followed to finality. Shared by the naming and validator commands.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

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

}  // namespace telco::cli
