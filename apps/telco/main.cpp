// telco: the command-line wallet and client of a Telcochain node. Parses the command line
// (CLI11), runs the chosen command, and maps failures to exit codes (cli_error.h).
#include <iostream>
#include <string>

#include "cli_error.h"
#include "commands.h"
#include "context.h"
#include "crypto/hash.h"

namespace telco::cli {
namespace {

constexpr const char* kFooter =
    "Environment: TELCO_NODE, TELCO_HOME, TELCO_KEY (defaults for --node, --home, --key), "
    "TELCO_PASSPHRASE (key passphrase; prompted on the terminal when unset).\n"
    "Exit codes: 0 success, 1 failed or rejected operation, 2 usage error.\n"
    "Run 'telco COMMAND --help' for a command's options.";

void add_global_options(CLI::App& app, GlobalOptions& o) {
  app.add_option("--node", o.node, "URL of the node's HTTP API")
      ->envname("TELCO_NODE")
      ->capture_default_str();
  app.add_option("--home", o.home, "Wallet directory; keys live in HOME/keys (default: ~/.telco)")
      ->envname("TELCO_HOME");
  app.add_option("--key", o.key, "Name of the key to act as")->envname("TELCO_KEY")->capture_default_str();
  app.add_flag("--json", o.json, "Print one JSON object on stdout instead of text, for scripts");
  app.add_option("--timeout", o.timeout_s, "Seconds allowed for each request to the node")
      ->capture_default_str();
}

// "telco keys new" for the deepest subcommand that was recognised, for the usage hint.
std::string command_path(const CLI::App& app) {
  std::string path = app.get_name();
  const CLI::App* current = &app;
  while (!current->get_subcommands().empty()) {
    current = current->get_subcommands().front();
    path += " " + current->get_name();
  }
  return path;
}

void report_error(const Context& ctx, const CliError& e) {
  if (ctx.options.json) ctx.emit({{"error", {{"code", e.code()}, {"message", e.what()}}}}, "");
  std::cerr << "error: " << e.what() << "\n";
}

int run(int argc, char** argv) {
  Context ctx;
  CLI::App app{"telco: wallet and client for a Telcochain node", "telco"};
  app.fallthrough();  // set before adding subcommands: they inherit it, so global options go anywhere
  app.set_version_flag("--version", "telco " TELCO_VERSION);
  app.require_subcommand(1);
  app.footer(kFooter);
  add_global_options(app, ctx.options);
  add_key_commands(app, ctx);
  add_query_commands(app, ctx);
  add_send_command(app, ctx);
  add_verify_commands(app, ctx);
  add_naming_commands(app, ctx);
  add_device_commands(app, ctx);
  add_validator_commands(app, ctx);

  if (argc <= 1) {
    std::cout << app.help();
    return kExitUsage;
  }
  try {
    app.parse(argc, argv);
  } catch (const CLI::Success& e) {
    return app.exit(e);  // --help, --help-all, --version
  } catch (const CLI::ParseError& e) {
    // CLI11 reports an unknown command word as a missing subcommand; name the word instead.
    const CLI::App* deepest = &app;
    while (!deepest->get_subcommands().empty()) deepest = deepest->get_subcommands().front();
    const auto extra = app.remaining(true);
    if (dynamic_cast<const CLI::RequiredError*>(&e) != nullptr && !extra.empty() &&
        deepest->get_require_subcommand_min() > 0) {
      std::cerr << "error: unknown command '" << extra.front() << "' (see '" << command_path(app)
                << " --help')\n";
    } else {
      std::cerr << "error: " << e.what() << " (see '" << command_path(app) << " --help')\n";
    }
    return kExitUsage;
  }
  if (!ctx.action) {
    std::cerr << "error: no command given (see '" << command_path(app) << " --help')\n";
    return kExitUsage;
  }
  try {
    return ctx.action();
  } catch (const CliError& e) {
    report_error(ctx, e);
    return e.exit_code();
  } catch (const std::exception& e) {
    // Not an expected failure: say so, so that it gets reported rather than worked around.
    report_error(ctx, CliError("internal", std::string("unexpected failure: ") + e.what()));
    return kExitFailed;
  }
}

}  // namespace
}  // namespace telco::cli

int main(int argc, char** argv) {
  telco::crypto::init();
  return telco::cli::run(argc, argv);
}
