// telco send: build, sign and submit a bank.transfer, then follow it to finality.
#include <algorithm>
#include <chrono>
#include <iostream>
#include <memory>
#include <thread>

#include "chain/amount.h"
#include "util/hex.h"
#include "cli_error.h"
#include "commands.h"
#include "json_fields.h"
#include "render.h"
#include "requests.h"
#include "transfer.h"

namespace telco::cli {
namespace {

using Clock = std::chrono::steady_clock;

constexpr double kWaitTimeoutDefaultS = 60.0;
// Blocks come about once a second; four polls per second show finality promptly without
// loading the node (each poll is one indexed lookup).
constexpr auto kPollInterval = std::chrono::milliseconds(250);

struct SendOptions {
  std::string to;
  std::string amount;
  std::string fee;
  std::string memo;
  bool no_wait = false;
  bool dry_run = false;
  double wait_timeout_s = kWaitTimeoutDefaultS;
};

std::uint64_t elapsed_ms(Clock::time_point start) {
  return static_cast<std::uint64_t>(
      std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - start).count());
}

std::string code_text(const std::string& name, std::uint64_t code, const std::string& message) {
  return clean(name) + " (" + std::to_string(code) + ")" + (message.empty() ? "" : ": " + clean(message));
}

// Prints the outcome object (--json) and the sentence on stderr; returns exit code 1.
int report_failure(const Context& ctx, const Json& out, const std::string& sentence) {
  if (ctx.options.json) ctx.emit(out, "");
  std::cerr << "error: " << sentence << "\n";
  return kExitFailed;
}

// Polls GET /v1/txs/{hash} until the transaction is final or the deadline passes. Transport
// errors are retried (a node may restart meanwhile); the last one is reported on timeout.
std::optional<TxProgress> wait_final(const NodeClient& node, const std::string& hash,
                                     Clock::time_point deadline, std::string* last_error) {
  while (true) {
    try {
      const JsonResponse r = node.get_allowing_not_found(tx_path(hash));
      TxProgress p = parse_tx_status(r.body);
      if (p.phase == TxPhase::kFinalized || p.phase == TxPhase::kRejected) return p;
    } catch (const CliError& e) {
      if (e.code() != "node_unreachable" && e.code() != "timeout") throw;
      *last_error = e.what();
    }
    const Clock::time_point now = Clock::now();
    if (now >= deadline) return std::nullopt;
    std::this_thread::sleep_for(std::min<Clock::duration>(kPollInterval, deadline - now));
  }
}

struct SignedTransfer {
  chain::Transaction tx;
  std::string hash;
  TransferIntent intent;
  Json summary;  // the fields every outcome reports (--json)
};

// Checks the arguments, asks the node for chain id, fee and nonce, then unlocks and signs.
// Everything the user typed is checked before the network or the passphrase is touched, and
// the balance before the passphrase.
SignedTransfer prepare(const Context& ctx, const SendOptions& o) {
  if (!(o.wait_timeout_s > 0) || o.wait_timeout_s > 86400) {
    throw UsageError("--wait-timeout must be more than 0 and at most 86400 seconds");
  }
  const std::optional<std::uint64_t> fee_arg =
      o.fee.empty() ? std::nullopt : std::optional(parse_tel(o.fee, "--fee"));
  const TransferIntent intent =
      make_intent(ctx.resolve_address(o.to, "--to"), parse_tel(o.amount, "--amount"), fee_arg, o.memo);
  const std::string from = ctx.keystore().info(ctx.options.key).address;

  const NodeClient node = ctx.node();
  const Json status = node.get("/v1/status");
  const Json account = node.get(account_path(parse_address(from, "sender")));
  const SenderState sender = sender_state(status, account);
  const std::uint64_t fee = choose_fee(intent.fee, sender.min_fee);
  check_affordable(sender.balance, intent.amount, fee);

  SignedTransfer out;
  out.tx = build_transfer(intent, sender, fee, ctx.unlock(ctx.options.key));
  out.hash = crypto::to_hex(out.tx.hash());
  out.intent = intent;
  out.summary = {{"hash", out.hash},
                 {"chain_id", sender.chain_id},
                 {"from", from},
                 {"to", intent.to.to_string()},
                 {"amount", std::to_string(intent.amount)},
                 {"fee", std::to_string(fee)},
                 {"nonce", sender.nonce},
                 {"memo", intent.memo}};
  return out;
}

SubmitOutcome submit(const NodeClient& node, const SignedTransfer& signed_tx) {
  SubmitOutcome submitted;
  try {
    submitted = parse_submit_response(node.post("/v1/txs", submit_body(signed_tx.tx)));
  } catch (const CliError& e) {
    // The node may have taken the transaction before the connection failed; resending a new
    // one could then pay twice, so name the hash to check first.
    if (e.code() != "timeout" && e.code() != "node_unreachable" && e.code() != "bad_response") throw;
    throw CliError(e.code(), std::string(e.what()) + "; transaction " + signed_tx.hash +
                                 " may have been submitted: check with 'telco tx " + signed_tx.hash +
                                 "' before sending again");
  }
  if (submitted.hash != signed_tx.hash) {
    throw CliError("bad_response", "node reported hash " + clean(submitted.hash) + " for transaction " +
                                       signed_tx.hash + "; client and node disagree on the encoding");
  }
  return submitted;
}

// Waits for the accepted transaction to be final and reports how it ended.
int follow(const Context& ctx, const NodeClient& node, const SignedTransfer& signed_tx, double wait_timeout_s,
           Clock::time_point start) {
  Json out = signed_tx.summary;
  const std::string& hash = signed_tx.hash;
  std::string last_error;
  const auto deadline = start + std::chrono::milliseconds(static_cast<std::int64_t>(wait_timeout_s * 1000));
  const std::optional<TxProgress> final = wait_final(node, hash, deadline, &last_error);
  const std::uint64_t waited_ms = elapsed_ms(start);
  out["elapsed_ms"] = waited_ms;
  if (!final) {
    out["status"] = "pending";
    return report_failure(ctx, out,
                          "transaction " + hash + " was not finalized within " +
                              format_duration_ms(waited_ms) +
                              (last_error.empty() ? "" : " (last error: " + last_error + ")") +
                              "; it may still be included: check with 'telco tx " + hash + "'");
  }
  out["result"] = {{"code", final->code}, {"name", final->name}, {"message", final->message}};
  const std::string result_text = code_text(final->name, final->code, final->message);
  if (final->phase == TxPhase::kRejected) {
    out["status"] = "rejected";
    return report_failure(ctx, out, "transaction rejected: " + result_text);
  }
  out["status"] = "finalized";
  out["height"] = final->height;
  out["index"] = final->index;
  out["result"]["fee_charged"] = std::to_string(final->fee_charged);
  const std::string where = "block " + std::to_string(final->height) + " (index " +
                            std::to_string(final->index) + ") after " + format_duration_ms(waited_ms);
  if (final->code != 0) {
    return report_failure(ctx, out,
                          "transaction failed in " + where + ": " + result_text + "; the fee was charged");
  }
  ctx.emit(out, "Finalized in " + where + ": ok");
  return kExitOk;
}

int run_send(const Context& ctx, const SendOptions& o) {
  const SignedTransfer signed_tx = prepare(ctx, o);
  if (o.dry_run) {
    // For other clients (curl, scripts, an offline review): the exact bytes POST /v1/txs takes.
    Json out = signed_tx.summary;
    out["status"] = "signed";
    out["tx_hex"] = to_hex(signed_tx.tx.encode());
    ctx.emit(out, "Signed, not submitted (tx " + signed_tx.hash + "):\n" + out["tx_hex"].get<std::string>());
    return kExitOk;
  }
  const NodeClient node = ctx.node();
  const Clock::time_point start = Clock::now();
  const SubmitOutcome submitted = submit(node, signed_tx);
  if (!submitted.accepted) {
    Json out = signed_tx.summary;
    out["status"] = "rejected";
    out["result"] = {{"code", submitted.code}, {"name", submitted.name}, {"message", submitted.message}};
    return report_failure(
        ctx, out, "transaction rejected: " + code_text(submitted.name, submitted.code, submitted.message));
  }
  if (!ctx.options.json) {
    std::cout << "Sent " << format_tel(signed_tx.intent.amount) << " to " << signed_tx.intent.to.to_string()
              << " (fee " << format_tel(signed_tx.tx.fee) << ", nonce " << signed_tx.tx.nonce << ")\n"
              << "tx " << signed_tx.hash << std::endl;  // flushed: the hash matters even if interrupted
  }
  if (o.no_wait) {
    Json out = signed_tx.summary;
    out["status"] = "pending";
    if (ctx.options.json) ctx.emit(out, "");
    return kExitOk;
  }
  return follow(ctx, node, signed_tx, o.wait_timeout_s, start);
}

}  // namespace

void add_send_command(CLI::App& app, Context& ctx) {
  auto o = std::make_shared<SendOptions>();
  CLI::App* send =
      app.add_subcommand("send", "Send TEL from the --key key to an address, and wait until final");
  send->add_option("--to", o->to, "Recipient: a tc1... address or the name of a local key")->required();
  send->add_option("--amount", o->amount, "Amount in TEL, e.g. 1.5 (at most 6 decimals)")->required();
  send->add_option("--fee", o->fee, "Fee in TEL (default: the chain's minimum fee)");
  send->add_option("--memo", o->memo, "Public note of at most 128 bytes, e.g. an invoice number");
  send->add_flag("--no-wait", o->no_wait,
                 "Print the hash once the node accepts it, without waiting for a block");
  send->add_flag("--dry-run", o->dry_run,
                 "Sign and print the canonical transaction hex without submitting it");
  send->add_option("--wait-timeout", o->wait_timeout_s, "Seconds to wait for finality before giving up")
      ->capture_default_str();
  send->footer(std::string("The nonce is the account's next one (counting pending transactions); the key is "
                           "unlocked with TELCO_PASSPHRASE or a terminal prompt. Exit code 1 if the "
                           "transaction is rejected, fails in its block, or is not final in time.\n") +
               kGlobalOptionsNote);
  send->callback([&ctx, o] { ctx.action = [&ctx, o] { return run_send(ctx, *o); }; });
}

}  // namespace telco::cli
