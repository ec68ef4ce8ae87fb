// telco-bench: the Telcochain load generator (docs/PERFORMANCE.md).
//   telco-bench accounts --count N --balance UTEL --out FILE   genesis accounts for a bench chain
//   telco-bench run --node URL --accounts N --txs T [...]      one measured load run
//   telco-bench verify [--seconds S]                           the Ed25519 verification bound alone
//   telco-bench devices --node URL --devices N                 register N bench devices one by one
//   telco-bench auth --node URL --devices N [--rate R]          challenge-response authentications
// Human progress goes to stderr; `run` and `verify` print one JSON object as the last line
// of stdout.
#include <CLI/CLI.hpp>

#include <chrono>
#include <cstdint>
#include <iostream>
#include <mutex>

#include "bench_keys.h"
#include "crypto/hash.h"
#include "device_auth.h"
#include "load_run.h"
#include "verify_rate.h"

namespace {

using namespace telco::bench;

constexpr std::size_t kAccountsFileMax = 10'000'000;

int run_accounts(std::size_t count, const std::string& balance_text, const std::string& out, unsigned threads) {
  if (count == 0 || count > kAccountsFileMax) throw std::invalid_argument("--count must be 1..10000000");
  std::uint64_t balance = 0;
  try {
    std::size_t used = 0;
    balance = std::stoull(balance_text, &used);
    if (used != balance_text.size() || balance_text.find_first_not_of("0123456789") != std::string::npos) {
      throw std::invalid_argument("");
    }
  } catch (const std::exception&) {
    throw std::invalid_argument("--balance must be a whole number of uTEL (1 TEL = 1000000 uTEL)");
  }
  if (balance == 0) throw std::invalid_argument("--balance must be above zero");
  // Genesis requires the total supply to fit in 64 bits; fail here with the reason rather
  // than at `telcod init`.
  if (balance > UINT64_MAX / count) throw std::invalid_argument("--count x --balance exceeds 2^64 uTEL of supply");
  const auto started = std::chrono::steady_clock::now();
  std::mutex mutex;
  auto last = started;
  const auto addresses = bench_addresses(0, count, threads, [&](std::size_t done) {
    std::lock_guard lock(mutex);
    if (std::chrono::steady_clock::now() - last < std::chrono::seconds(1)) return;
    last = std::chrono::steady_clock::now();
    std::cerr << "deriving bench keys: " << done << "/" << count << "\n";
  });
  write_accounts_file(out, addresses, balance);
  const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  std::cerr << "wrote " << count << " bench accounts (" << balance_text << " uTEL each) to " << out << " in " << s
            << " s\n"
            << "These keys are PUBLIC (seed = BLAKE2b-256(\"telco/bench-key/v1\" || u64 LE index)): "
               "use them only on benchmark and test chains.\n";
  return 0;
}

int run_verify(double seconds, unsigned threads) {
  const VerifyRate v = measure_verify_rate(seconds, threads);
  std::cout << "{\"verify_per_s\":" << v.per_s << ",\"verify_per_s_per_core\":" << v.per_s_per_core
            << ",\"threads\":" << v.threads << ",\"message_bytes\":" << v.message_bytes << ",\"seconds\":" << v.seconds
            << "}" << std::endl;
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  telco::crypto::init();
  CLI::App app{
      "telco-bench — Telcochain load generator.\n"
      "Bench keys are derived from their index and are PUBLIC: use them on benchmark and test chains only."};
  app.require_subcommand(1);
  app.fallthrough();  // --threads may follow the subcommand too
  unsigned threads = 0;
  app.add_option("--threads", threads, "worker threads for key derivation, signing and the verify bound (0 = one per core)");

  CLI::App* accounts = app.add_subcommand("accounts", "write genesis accounts for N bench keys (telcod init --accounts-file)");
  std::size_t count = 0;
  std::string balance = "1000000000000";
  std::string out;
  accounts->add_option("--count", count, "number of bench accounts (keys 0..N-1)")->required();
  accounts->add_option("--balance", balance, "balance of each, in uTEL")->capture_default_str();
  accounts->add_option("--out", out, "output file (JSON array of {address, balance})")->required();

  CLI::App* run = app.add_subcommand("run", "one measured load run against a live node");
  RunOptions o;
  std::string node_url = "http://127.0.0.1:8640";
  run->add_option("--node", node_url, "the node's HTTP API, http://HOST:PORT")->capture_default_str();
  run->add_option("--accounts", o.accounts, "bench accounts to send from (must be funded in genesis)")->capture_default_str();
  run->add_option("--txs", o.txs, "transfers to send (at most 2000000)")->capture_default_str();
  run->add_option("--rate", o.rate, "target tx/s; omit or 0 to send flat out");
  run->add_option("--batch", o.batch, "transactions per request (0 = 1000 flat out, rate/50 paced)");
  run->add_option("--connections", o.connections, "HTTP connections submitting in parallel")->capture_default_str();
  run->add_option("--duration-max", o.duration_max_s, "stop the load phase after this many seconds")->capture_default_str();
  run->add_option("--window", o.window, "unresolved transactions at most (0 = 3/4 of the node's mempool)");
  run->add_option("--stall", o.stall_s, "stop when nothing was finalized for this many seconds after the last send")
      ->capture_default_str();
  run->add_option("--verify-seconds", o.verify_seconds, "length of the Ed25519 verify bound measurement")
      ->capture_default_str();
  run->add_option("--node-pid", o.node_pid, "the node's process id: report its CPU time and RSS (same machine)");
  run->add_option("--amount", o.amount, "uTEL per transfer")->capture_default_str();

  CLI::App* verify = app.add_subcommand("verify", "measure the all-core Ed25519 verification rate only");
  double verify_seconds = 2;
  verify->add_option("--seconds", verify_seconds, "how long to measure")->capture_default_str();

  CLI::App* devices = app.add_subcommand("devices", "register N bench devices, one device.register transaction each");
  RegisterOptions ro;
  std::string devices_node = node_url;
  devices->add_option("--node", devices_node, "the node's HTTP API")->capture_default_str();
  devices->add_option("--devices", ro.devices, "devices to register (bench devices 0..N-1)")->capture_default_str();
  devices->add_option("--accounts", ro.accounts, "bench accounts sending them (funded in genesis)")->capture_default_str();

  CLI::App* auth = app.add_subcommand("auth", "authenticate registered bench devices over HTTP (challenge, answer)");
  AuthOptions ao;
  std::string auth_node = node_url;
  auth->add_option("--node", auth_node, "the node's HTTP API")->capture_default_str();
  auth->add_option("--devices", ao.devices, "registered bench devices 0..N-1 to pick from")->capture_default_str();
  auth->add_option("--rate", ao.rate, "authentications/s; omit or 0 for flat out");
  auth->add_option("--seconds", ao.seconds, "length of the run")->capture_default_str();
  auth->add_option("--connections", ao.connections, "verifiers in parallel")->capture_default_str();
  auth->add_option("--batch", ao.batch, "devices per request pair (1..256); above 1 the /batch routes")
      ->check(CLI::Range(1, 256))
      ->capture_default_str();
  auth->add_flag("--binary", ao.binary,
                 "send the batches as application/octet-stream (docs/api.md, \"Binary device batches\"); needs --batch 2 or more");
  auth->add_option("--registry-sample-every", ao.registry_sample_every,
                   "the devices were loaded by telco-device-store-bench --onto-node-data with this --sample-every; "
                   "authenticate those with their own keys (default 0: telco-bench devices' own)");
  auth->add_flag("--sweep", ao.sweep,
                 "authenticate every device once, in order, flat out (stops at --seconds or when all are done)");
  auth->add_option("--node-pid", ao.node_pid, "the node's process id: report its CPU per authentication");

  CLI11_PARSE(app, argc, argv);
  try {
    if (*accounts) return run_accounts(count, balance, out, threads);
    if (*verify) return run_verify(verify_seconds, threads);
    if (*devices) {
      ro.node = parse_node_url(devices_node);
      ro.threads = threads;
      std::cout << register_devices(ro) << std::endl;
      return 0;
    }
    if (*auth) {
      ao.node = parse_node_url(auth_node);
      ao.threads = threads;
      std::cout << run_auth(ao) << std::endl;
      return 0;
    }
    if (*run) {
      o.node = parse_node_url(node_url);
      o.threads = threads;
      const RunReport report = run_load(o);
      std::cerr << "finalized " << report.txs_finalized << "/" << report.txs_planned << " in " << report.duration_s
                << " s: " << report.finalized_tps << " tx/s (" << report.ratio_to_verify * 100
                << "% of the verify bound); latency p50 " << report.latency.p50_ms << " ms, p99 "
                << report.latency.p99_ms << " ms; stopped: " << report.stop_reason << "\n";
      std::cout << to_json_line(report) << std::endl;
      return report.txs_finalized > 0 ? 0 : 1;
    }
  } catch (const RunError& e) {
    std::cerr << "telco-bench: " << e.what() << "\n";
    return 2;
  } catch (const std::exception& e) {
    std::cerr << "telco-bench: " << e.what() << "\n";
    return 1;
  }
  return 0;
}
