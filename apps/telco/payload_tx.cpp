#include "payload_tx.h"

#include <algorithm>
#include <chrono>
#include <iostream>
#include <limits>
#include <thread>

#include "chain/limits.h"
#include "cli_error.h"
#include "modules/registry.h"
#include "requests.h"
#include "transfer.h"
#include "util/hex.h"

namespace telco::cli {
namespace {

using Json = nlohmann::json;
using Clock = std::chrono::steady_clock;

constexpr auto kPollInterval = std::chrono::milliseconds(250);

// A bulk import runs for minutes: a dropped connection, a node restarting or a node
// answering 503 in that time must not throw away what was signed. Every request it makes
// is idempotent (the same signed bytes again are "duplicate", counted as submitted; status
// reads are reads), so such failures are retried with backoff, each retry said on stderr:
// 0.25 s doubling to 8 s, 8 retries (about 40 s in all) before the error stands.
constexpr int kBulkRetries = 8;
constexpr auto kBulkRetryFirst = std::chrono::milliseconds(250);
constexpr auto kBulkRetryMax = std::chrono::milliseconds(8'000);

bool transient(const CliError& e) {
  return e.code() == "node_unreachable" || e.code() == "timeout" || e.code() == "unavailable";
}

template <typename Request>
auto retrying(std::string_view what, Request&& request) {
  auto delay = kBulkRetryFirst;
  for (int attempt = 0;; ++attempt) {
    try {
      return request();
    } catch (const CliError& e) {
      if (attempt >= kBulkRetries || !transient(e)) throw;
      std::cerr << "telco: " << what << ": " << e.what() << "; retry " << attempt + 1 << " of " << kBulkRetries
                << " in " << delay.count() << " ms\n";
      std::this_thread::sleep_for(delay);
      delay = std::min(delay * 2, kBulkRetryMax);
    }
  }
}

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

const modules::PayloadHandler& handler_of(std::string_view type) {
  const modules::PayloadHandler* handler = modules::find_handler(type);
  if (!handler) throw CliError("internal", "no payload named " + std::string(type));
  return *handler;
}

chain::Payload payload_of(const modules::PayloadHandler& handler, const Json& fields) {
  try {
    return handler.from_json(fields);
  } catch (const std::exception& e) {
    throw UsageError(e.what());
  }
}

// 1234567 -> "1,234,567", for progress lines.
std::string grouped(std::uint64_t n) {
  std::string digits = std::to_string(n), out;
  for (std::size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return out;
}

// Refusals at admission that say "not now" rather than "never": the mempool or the
// sender's pending queue is full until blocks drain them.
bool retry_later(std::uint64_t code) {
  return code == static_cast<std::uint64_t>(chain::ResultCode::kMempoolFull) ||
         code == static_cast<std::uint64_t>(chain::ResultCode::kSenderQueueFull);
}

constexpr std::size_t kBulkTxsPerRequest = 16;
constexpr std::size_t kBulkWindowMax = 256;       // signed, submitted, not yet seen final
constexpr std::size_t kBulkWindowDefault = 64;    // when the node does not report its limit
constexpr auto kBulkPollInterval = std::chrono::milliseconds(100);

}  // namespace

std::size_t payload_tx_bytes(std::string_view type, const Json& fields) {
  chain::Transaction tx;
  tx.chain_id = std::string(chain::kChainIdBytesMax, 'x');
  tx.nonce = std::numeric_limits<std::uint64_t>::max();
  tx.fee = std::numeric_limits<std::uint64_t>::max();
  tx.payload = payload_of(handler_of(type), fields);
  return tx.encode().size();
}

BulkResult send_payloads(const Context& ctx, std::string_view type, const std::vector<Json>& payloads,
                         const std::vector<std::size_t>& items, std::string_view unit, const TxOptions& o) {
  if (payloads.empty() || items.size() != payloads.size()) throw CliError("internal", "send_payloads: bad input");
  const modules::PayloadHandler& handler = handler_of(type);
  std::vector<chain::Payload> built;
  built.reserve(payloads.size());
  for (std::size_t i = 0; i < payloads.size(); ++i) {
    built.push_back(payload_of(handler, payloads[i]));
    if (const chain::ResultCode c = handler.check(built.back()); c != chain::ResultCode::kOk) {
      throw UsageError("transaction " + std::to_string(i + 1) + ": " + std::string(chain::result_name(c)) + ": " +
                       std::string(chain::result_message(c)));
    }
  }
  const std::uint64_t items_total = [&] {
    std::uint64_t t = 0;
    for (std::size_t k : items) t += k;
    return t;
  }();
  const std::string from = ctx.keystore().info(ctx.options.key).address;
  const NodeClient node = ctx.node();
  const Json status = node.get("/v1/status");
  const SenderState sender = sender_state(status, node.get(account_path(parse_address(from, "sender"))));
  const std::uint64_t fee = choose_fee(std::nullopt, sender.min_fee);
  const std::uint64_t n = payloads.size();
  if (fee > 0 && n > std::numeric_limits<std::uint64_t>::max() / fee) {
    throw CliError("insufficient_balance", "the fees of " + std::to_string(n) + " transactions overflow");
  }
  check_affordable(sender.balance, fee * (n - 1), fee);
  std::size_t window = kBulkWindowDefault;
  if (status.contains("params") && status["params"].contains("max_pending_per_sender") &&
      status["params"]["max_pending_per_sender"].is_number_unsigned()) {
    window = std::clamp<std::size_t>(status["params"]["max_pending_per_sender"].get<std::uint64_t>(), 1, kBulkWindowMax);
  }

  const crypto::KeyPair key = ctx.unlock(ctx.options.key);
  std::vector<std::string> encoded(n), hashes(n);
  for (std::uint64_t i = 0; i < n; ++i) {
    chain::Transaction tx;
    tx.chain_id = sender.chain_id;
    tx.nonce = sender.nonce + i;
    tx.fee = fee;
    tx.payload = std::move(built[i]);
    tx.sign(key);
    const Bytes bytes = tx.encode();
    encoded[i] = to_hex(bytes);
    hashes[i] = crypto::to_hex(tx.hash());
  }

  BulkResult result;
  const auto started = Clock::now();
  auto last_progress = started, last_change = started;
  std::uint64_t items_final = 0;
  std::size_t submitted = 0, final = 0;
  // After the node lost its mempool, transactions below resent_until are sent again; one
  // answered "nonce too low" is then marked, and must turn out final (not another's nonce).
  std::size_t resent_until = 0;
  std::vector<bool> nonce_used(n, false);
  const auto resend_from_final = [&] {
    std::cerr << "telco: the node lost " << submitted - final << " pending transactions; sending them again\n";
    resent_until = std::max(resent_until, submitted);
    submitted = final;
  };
  const auto timeout = std::chrono::milliseconds(static_cast<std::int64_t>(std::clamp(o.wait_timeout_s, 1.0, 86'400.0) * 1000));
  while (final < n) {
    // Submit while the window has room; stop at the first "not now" and retry it later
    // (everything behind it in the request was refused for the nonce gap it left).
    bool blocked = false;
    while (!blocked && submitted < n && submitted - final < window) {
      const std::size_t count = std::min({kBulkTxsPerRequest, n - submitted, window - (submitted - final)});
      Json list = Json::array();
      for (std::size_t i = submitted; i < submitted + count; ++i) list.push_back(encoded[i]);
      const Json body{{"txs", std::move(list)}};
      const Json response = retrying("submitting", [&] { return node.post("/v1/txs", body); });
      const Json& results = response.at("results");
      if (!results.is_array() || results.size() != count) {
        throw CliError("bad_response", "node answered " + std::to_string(count) + " transactions with " +
                                           std::to_string(results.is_array() ? results.size() : 0) + " results");
      }
      for (std::size_t k = 0; k < count; ++k) {
        const Json& r = results[k];
        const std::uint64_t code = r.value("code", std::uint64_t{0});
        if (r.value("accepted", false) || code == static_cast<std::uint64_t>(chain::ResultCode::kDuplicate)) {
          ++submitted;
          continue;
        }
        if (code == static_cast<std::uint64_t>(chain::ResultCode::kNonceTooLow) && submitted < resent_until) {
          // Sent again after a restart, and already in a block: following it tells.
          nonce_used[submitted] = true;
          ++submitted;
          continue;
        }
        if (code == static_cast<std::uint64_t>(chain::ResultCode::kNonceTooHigh) && submitted > final) {
          // Transactions it had accepted before this one are gone: the node restarted and
          // lost its mempool. Send again from the oldest not yet final.
          resend_from_final();
          blocked = true;
          break;
        }
        if (!retry_later(code)) {
          throw CliError("rejected", "transaction " + std::to_string(submitted + 1) + " of " + std::to_string(n) +
                                         " (nonce " + std::to_string(sender.nonce + submitted) +
                                         ") rejected: " + r.value("name", "?") + ": " + r.value("message", "") +
                                         "; the " + std::to_string(final) + " before it are final");
        }
        blocked = true;
        break;
      }
    }
    // Follow the oldest submitted one to finality.
    bool advanced = false;
    while (final < submitted) {
      const JsonResponse r =
          retrying("following", [&] { return node.get_allowing_not_found(tx_path(hashes[final])); });
      const TxProgress p = parse_tx_status(r.body);
      if (p.phase == TxPhase::kPending) break;
      if (p.phase == TxPhase::kUnknown) {
        if (nonce_used[final]) {
          throw CliError("rejected", "transaction " + std::to_string(final + 1) + " (nonce " +
                                         std::to_string(sender.nonce + final) +
                                         ") lost its nonce to another transaction of this key; the " +
                                         std::to_string(final) + " before it are final");
        }
        // Accepted, yet the node does not know it: it restarted and its mempool is gone.
        // Send it and all after it again (those still pending answer "duplicate", those
        // already in a block "nonce too low").
        resend_from_final();
        break;
      }
      if (p.phase == TxPhase::kRejected) {
        throw CliError("rejected", "transaction " + std::to_string(final + 1) + " was dropped: " + p.name + ": " +
                                       p.message + "; the " + std::to_string(final) + " before it are final");
      }
      if (result.first_height == 0) result.first_height = p.height;
      result.last_height = p.height;
      if (p.code == 0) {
        ++result.txs_ok;
        result.items_ok += items[final];
      } else {
        result.failures.push_back({final, hashes[final], p.name, p.message, p.height});
      }
      items_final += items[final];
      ++final;
      advanced = true;
    }
    const auto now = Clock::now();
    if (advanced) last_change = now;
    if (now - last_progress >= std::chrono::seconds(1) || final == n) {
      last_progress = now;
      const double s = std::chrono::duration<double>(now - started).count();
      const double rate = s > 0 ? static_cast<double>(items_final) / s : 0;
      std::cerr << type << ": " << grouped(items_final) << "/" << grouped(items_total) << " " << unit << " final ("
                << grouped(final) << "/" << grouped(n) << " txs), " << grouped(static_cast<std::uint64_t>(rate)) << " "
                << unit << "/s";
      if (final < n && rate > 0) {
        std::cerr << ", ETA " << static_cast<std::uint64_t>(static_cast<double>(items_total - items_final) / rate)
                  << " s";
      }
      std::cerr << "\n";
    }
    if (final == n) break;
    if (now - last_change > timeout) {
      throw CliError("timeout", "no transaction became final for " + std::to_string(o.wait_timeout_s) +
                                    " s; " + std::to_string(final) + " of " + std::to_string(n) + " are final");
    }
    if (!advanced) std::this_thread::sleep_for(kBulkPollInterval);
  }
  result.seconds = std::chrono::duration<double>(Clock::now() - started).count();
  return result;
}

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
