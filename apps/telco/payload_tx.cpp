#include "payload_tx.h"

#include <chrono>
#include <thread>

#include "cli_error.h"
#include "modules/registry.h"
#include "requests.h"
#include "transfer.h"

namespace telco::cli {
namespace {

using Json = nlohmann::json;
using Clock = std::chrono::steady_clock;

constexpr auto kPollInterval = std::chrono::milliseconds(250);

// Waits for `hash` to be final; returns the final status or throws on timeout.
TxProgress wait_final(const NodeClient& node, const std::string& hash, double timeout_s) {
  const auto deadline = Clock::now() + std::chrono::milliseconds(static_cast<std::int64_t>(timeout_s * 1000));
  while (true) {
    const JsonResponse r = node.get_allowing_not_found(tx_path(hash));
    TxProgress p = parse_tx_status(r.body);
    if (p.phase == TxPhase::kFinalized || p.phase == TxPhase::kRejected) return p;
    if (Clock::now() >= deadline) {
      throw CliError("timeout",
                     "transaction " + hash + " was not final in time; check with 'telco tx " + hash + "'");
    }
    std::this_thread::sleep_for(kPollInterval);
  }
}

}  // namespace

Json send_payload(const Context& ctx, std::string_view type, const Json& fields, const TxOptions& o) {
  const modules::PayloadHandler* handler = modules::find_handler(type);
  if (!handler) throw CliError("internal", "no payload named " + std::string(type));
  chain::Payload payload;
  try {
    payload = handler->from_json(fields);
  } catch (const std::exception& e) {
    throw UsageError(e.what());
  }
  if (const chain::ResultCode c = handler->check(payload); c != chain::ResultCode::kOk) {
    throw UsageError(std::string(chain::result_name(c)) + " (" + std::to_string(static_cast<int>(c)) +
                     "): " + std::string(chain::result_message(c)));
  }
  const std::string from = ctx.keystore().info(ctx.options.key).address;
  const NodeClient node = ctx.node();
  const SenderState sender =
      sender_state(node.get("/v1/status"), node.get(account_path(parse_address(from, "sender"))));
  const std::uint64_t fee = choose_fee(std::nullopt, sender.min_fee);
  check_affordable(sender.balance, 0, fee);
  chain::Transaction tx;
  tx.chain_id = sender.chain_id;
  tx.nonce = sender.nonce;
  tx.fee = fee;
  tx.payload = payload;
  tx.sign(ctx.unlock(ctx.options.key));
  const std::string hash = crypto::to_hex(tx.hash());
  const SubmitOutcome submitted = parse_submit_response(node.post("/v1/txs", submit_body(tx)));
  Json out = {{"type", std::string(type)},  {"hash", hash},          {"from", from},
              {"fee", std::to_string(fee)}, {"nonce", sender.nonce}, {"payload", fields}};
  if (!submitted.accepted) {
    throw CliError("rejected", "transaction rejected: " + submitted.name + " (" +
                                   std::to_string(submitted.code) + "): " + submitted.message);
  }
  const TxProgress p = wait_final(node, hash, o.wait_timeout_s);
  out["result"] = {{"code", p.code}, {"name", p.name}, {"message", p.message}};
  if (p.phase == TxPhase::kRejected)
    throw CliError("rejected", "transaction rejected: " + p.name + ": " + p.message);
  out["height"] = p.height;
  if (p.code != 0) {
    throw CliError(p.name, std::string(type) + " failed in block " + std::to_string(p.height) + ": " +
                               p.name + " (" + std::to_string(p.code) + "): " + p.message +
                               "; the fee was charged");
  }
  out["status"] = "finalized";
  return out;
}

int emit_tx(const Context& ctx, const Json& out) {
  ctx.emit(out, out["type"].get<std::string>() + " finalized in block " +
                    std::to_string(out["height"].get<std::uint64_t>()) + ": ok (tx " +
                    out["hash"].get<std::string>() + ")");
  return kExitOk;
}

}  // namespace telco::cli
