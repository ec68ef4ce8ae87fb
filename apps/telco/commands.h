// Registration of the subcommands. Each add_* function declares its subcommands' options
// and help, and sets Context::action to the code that runs when that subcommand is chosen.
#pragma once

#include <CLI/CLI.hpp>

#include "context.h"

namespace telco::cli {

// Footer of every subcommand's --help: the global options are accepted anywhere.
inline constexpr const char* kGlobalOptionsNote =
    "Global options (--node, --home, --key, --json, --timeout) may also be given after the command; "
    "see 'telco --help'.";

void add_key_commands(CLI::App& app, Context& ctx);
void add_query_commands(CLI::App& app, Context& ctx);
void add_send_command(CLI::App& app, Context& ctx);
void add_verify_commands(CLI::App& app, Context& ctx);
void add_naming_commands(CLI::App& app, Context& ctx);  // telco name ..., telco number ...
void add_device_commands(CLI::App& app, Context& ctx);
void add_validator_commands(CLI::App& app, Context& ctx);  // telco validator update | changes

}  // namespace telco::cli
