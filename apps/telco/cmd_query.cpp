// Read-only commands: balance, account, tx, block, head, status, validators.
#include <chrono>
#include <memory>
#include <optional>

#include "cli_error.h"
#include "commands.h"
#include "json_fields.h"
#include "render.h"
#include "requests.h"

namespace telco::cli {
namespace {

constexpr std::uint64_t kAccountTxsDefault = 10;

struct QueryOptions {
  std::string arg;
  std::uint64_t limit = kAccountTxsDefault;
  std::optional<std::uint64_t> before;
};

std::uint64_t now_ms() {
  return static_cast<std::uint64_t>(std::chrono::duration_cast<std::chrono::milliseconds>(
                                        std::chrono::system_clock::now().time_since_epoch())
                                        .count());
}

int run_balance(const Context& ctx, const std::string& arg) {
  const crypto::Address address = ctx.resolve_address(arg, "ADDRESS");
  const Json account = ctx.node().get(account_path(address));
  ctx.emit(account, render_balance(account));
  return kExitOk;
}

int run_account(const Context& ctx, const QueryOptions& o) {
  const crypto::Address address = ctx.resolve_address(o.arg, "ADDRESS");
  const NodeClient node = ctx.node();
  const Json account = node.get(account_path(address));
  const Json listing = node.get(account_txs_path(address, o.limit, o.before));
  const Json& entries = member(listing, "txs");
  if (ctx.options.json) {
    ctx.emit({{"account", account}, {"txs", entries.is_array() ? entries : Json::array()}}, "");
    return kExitOk;
  }
  // The listing has only hashes; fetch each (at most --limit) for direction and amount.
  // A transaction that cannot be fetched is still listed, with '?' for what is missing.
  std::vector<AccountTxRow> rows;
  for (const Json& entry : entries.is_array() ? entries : Json::array()) {
    AccountTxRow row{entry, Json()};
    const Json& hash = member(entry, "hash");
    if (hash.is_string()) {
      try {
        row.detail = node.get_allowing_not_found(tx_path(hash.get<std::string>())).body;
      } catch (const UsageError&) {
        // The node listed something that is not a hash: show the row without details.
      }
    }
    rows.push_back(std::move(row));
    if (rows.size() >= o.limit) break;  // a node that ignores ?limit= must not make us fetch more
  }
  ctx.emit({}, render_account(account, rows));
  return kExitOk;
}

int run_tx(const Context& ctx, const std::string& hash) {
  const JsonResponse r = ctx.node().get_allowing_not_found(tx_path(hash));
  if (r.status == 404) {
    ctx.emit(r.body, "Transaction " + parse_hash(hash, "HASH") + " is unknown to this node.");
    return kExitFailed;
  }
  ctx.emit(r.body, render_tx(r.body));
  return kExitOk;
}

int run_block(const Context& ctx, const std::string& ref) {
  const Json block = ctx.node().get(block_path(ref));
  ctx.emit(block, render_block(block));
  return kExitOk;
}

int run_head(const Context& ctx) {
  const Json status = ctx.node().get("/v1/status");
  Json head = member(status, "head");
  if (!head.is_object()) throw CliError("bad_response", "node status lacks the 'head' object");
  head["chain_id"] = member(status, "chain_id");
  ctx.emit(head, render_head(status, now_ms()));
  return kExitOk;
}

int run_status(const Context& ctx) {
  const Json status = ctx.node().get("/v1/status");
  ctx.emit(status, render_status(status, now_ms()));
  return kExitOk;
}

int run_validators(const Context& ctx) {
  const Json validators = ctx.node().get("/v1/validators");
  ctx.emit(validators, render_validators(validators));
  return kExitOk;
}

// Adds a subcommand whose action is `run(ctx)`.
CLI::App* simple(CLI::App& app, Context& ctx, const char* name, const char* help,
                 int (*run)(const Context&)) {
  CLI::App* sub = app.add_subcommand(name, help);
  sub->footer(kGlobalOptionsNote);
  sub->callback([&ctx, run] { ctx.action = [&ctx, run] { return run(ctx); }; });
  return sub;
}

// Adds a subcommand with one positional argument; `run(ctx, arg)` is its action.
CLI::App* with_arg(CLI::App& app, Context& ctx, const char* name, const char* help, const char* arg_name,
                   const char* arg_help, bool required, int (*run)(const Context&, const std::string&)) {
  auto arg = std::make_shared<std::string>();
  CLI::App* sub = app.add_subcommand(name, help);
  sub->footer(kGlobalOptionsNote);
  CLI::Option* opt = sub->add_option(arg_name, *arg, arg_help);
  if (required) opt->required();
  sub->callback([&ctx, run, arg] { ctx.action = [&ctx, run, arg] { return run(ctx, *arg); }; });
  return sub;
}

}  // namespace

void add_query_commands(CLI::App& app, Context& ctx) {
  with_arg(app, ctx, "balance", "Show the balance of an address (default: the --key key's) in TEL and uTEL",
           "ADDRESS", "A tc1... address or the name of a local key", false, run_balance);

  auto o_account = std::make_shared<QueryOptions>();
  CLI::App* account =
      app.add_subcommand("account", "Show an account's balance, nonce and recent transactions");
  account->footer(kGlobalOptionsNote);
  account->add_option("ADDRESS", o_account->arg,
                      "A tc1... address or the name of a local key (default: --key)");
  account->add_option("--limit", o_account->limit, "How many recent transactions to show (1-100)")
      ->check(CLI::Range(std::uint64_t{1}, kListLimitMax))
      ->capture_default_str();
  account->add_option("--before", o_account->before,
                      "Show only transactions in blocks below this height (to page back)");
  account->callback(
      [&ctx, o_account] { ctx.action = [&ctx, o_account] { return run_account(ctx, *o_account); }; });

  with_arg(app, ctx, "tx", "Show a transaction: status, block, result, sender and payload", "HASH",
           "Transaction hash (64 hex digits)", true, run_tx);
  with_arg(app, ctx, "block", "Show a block: header, signers and transactions with their results", "BLOCK",
           "'latest' (default), a height, or a 64-hex block hash", false, run_block);
  simple(app, ctx, "head", "Show the chain id and the latest block's height, hash and time", run_head);
  simple(app, ctx, "status", "Show the node's status: chain, head, mempool and parameters", run_status);
  simple(app, ctx, "validators", "List the validator set with voting power", run_validators);
}

}  // namespace telco::cli
