#include "load_run.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <iostream>
#include <memory>
#include <mutex>
#include <sstream>
#include <thread>
#include <unordered_map>

#include "bench_keys.h"
#include "console.h"
#include "event_stream.h"
#include "node_api.h"
#include "proc_stats.h"
#include "verify_rate.h"
#include "workload.h"

namespace telco::bench {
namespace {

using Clock = std::chrono::steady_clock;
using namespace std::chrono_literals;

constexpr auto kRequestTimeout = 30s;
constexpr int k503RetriesMax = 300;  // x 20 ms: a node refusing for 6 s is overloaded, not busy
constexpr std::size_t kBackfillBlocksMax = 10'000;

double seconds_since(Clock::time_point t) { return std::chrono::duration<double>(Clock::now() - t).count(); }

NodeStatus fetch_status(const Endpoint& node) {
  HttpClient client(node, 10s);
  HttpResponse res;
  try {
    res = client.get("/v1/status");
  } catch (const TransportError& e) {
    throw RunError(std::string(e.what()) + " — is telcod running there (telcod start --api-listen HOST:PORT)?");
  }
  if (res.status != 200) {
    throw RunError("GET " + node.url() + "/v1/status answered HTTP " + std::to_string(res.status) + ": " +
                   describe_error_body(res.body));
  }
  return parse_status(res.body);
}

// The nonce each bench account's next transaction must carry (counting the node's
// mempool), so that a second run against the same node continues where the first ended.
std::vector<std::uint64_t> fetch_start_nonces(const RunOptions& o, std::size_t connections,
                                              std::uint64_t cost_per_account) {
  const std::vector<crypto::Address> addresses = bench_addresses(0, o.accounts, o.threads);
  std::vector<std::uint64_t> nonces(o.accounts, 0);
  std::atomic<std::size_t> next{0};
  std::mutex error_mutex;
  std::string error;
  ProgressLine progress("reading account nonces", o.accounts);
  std::atomic<std::size_t> done{0};
  std::atomic<std::size_t> underfunded{0};
  auto work = [&] {
    HttpClient client(o.node, 10s);
    try {
      for (std::size_t s = next.fetch_add(1); s < o.accounts; s = next.fetch_add(1)) {
        const std::string address = addresses[s].to_string();
        const HttpResponse res = client.get("/v1/accounts/" + address);
        if (res.status != 200) {
          throw RunError("GET /v1/accounts/" + address + " answered HTTP " + std::to_string(res.status) + ": " +
                         describe_error_body(res.body));
        }
        const AccountState a = parse_account(res.body);
        if (a.balance == 0 && a.nonce == 0) {
          throw RunError("bench account " + std::to_string(s) + " (" + address +
                         ") has no funds on this chain: create the chain with `telco-bench accounts --count N` "
                         "(N >= --accounts) and `telcod init --accounts-file FILE`");
        }
        if (a.balance < cost_per_account) underfunded.fetch_add(1);
        nonces[s] = a.pending_nonce;
        progress(done.fetch_add(1) + 1);
      }
    } catch (const std::exception& e) {
      std::lock_guard lock(error_mutex);
      if (error.empty()) error = e.what();
      next = o.accounts;  // the others stop at their next account
    }
  };
  std::vector<std::thread> pool;
  for (std::size_t c = 1; c < connections; ++c) pool.emplace_back(work);
  work();
  for (auto& t : pool) t.join();
  if (!error.empty()) throw RunError(error);
  if (underfunded > 0) {
    log_line("warning: " + std::to_string(underfunded.load()) +
             " bench accounts cannot pay for all their transfers; expect cannot_pay_fee rejections");
  }
  return nonces;
}

// Per-transaction fate. A transport failure may still have reached the node, so "failed"
// can later turn into "finalized"; every other transition is from kPending only.
enum TxFate : std::uint8_t { kPending = 0, kFinalized = 1, kRejected = 2, kFailed = 3 };

class LoadRun {
 public:
  LoadRun(const RunOptions& o, const NodeStatus& status, Workload workload, std::size_t window)
      : o_(o), status_(status), w_(std::move(workload)), window_(window), n_(w_.hashes.size()),
        fate_(std::make_unique<std::atomic<std::uint8_t>[]>(n_)), submit_ns_(n_, -1), final_ns_(n_, -1) {
    index_.reserve(n_);
    for (std::size_t i = 0; i < n_; ++i) index_.emplace(w_.hashes[i], static_cast<std::uint32_t>(i));
  }

  RunReport run(RunReport report);

 private:
  std::int64_t now_ns() const {
    return std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now() - t0_).count();
  }
  std::uint64_t unresolved() const {
    return submitted_.load() - finalized_.load() - rejected_.load() - failed_.load();
  }
  void submitter(std::size_t connection);
  bool send_batch(HttpClient& client, const Batch& batch);
  void mark_failed(const Batch& batch, const std::string& why);
  void on_event(std::string&& text, Clock::time_point received);
  void on_block(const BlockSummary& block, std::int64_t seen_ns);
  void backfill(std::uint64_t from, std::uint64_t to);
  void add_rejection(const std::string& name) {
    std::lock_guard lock(outcome_mutex_);
    rejections_[name] += 1;
  }
  Clock::time_point start() const { return t0_ + std::chrono::nanoseconds(start_ns_); }
  std::string stop_reason_after_wait();
  void fill_report(RunReport& r, double wall_s);

  const RunOptions& o_;
  const NodeStatus status_;
  const Workload w_;
  const std::size_t window_;
  const std::size_t n_;
  std::unordered_map<crypto::Hash32, std::uint32_t, crypto::Hash32Hasher> index_;
  std::unique_ptr<std::atomic<std::uint8_t>[]> fate_;
  std::vector<std::int64_t> submit_ns_;  // written by the submitting thread, read after join
  std::vector<std::int64_t> final_ns_;   // written by the event thread, read after join
  Clock::time_point t0_;      // every *_ns is measured from here
  std::int64_t start_ns_ = 0;  // the first request; set before the submitting threads start

  std::atomic<bool> stop_{false};
  std::atomic<std::uint64_t> submitted_{0}, accepted_{0}, rejected_{0}, failed_{0}, finalized_{0};
  std::atomic<std::uint64_t> requests_{0}, retries_503_{0}, transport_errors_{0};
  std::atomic<std::int64_t> last_final_ns_{0}, last_submit_ns_{0};
  std::atomic<std::size_t> senders_done_{0};
  std::mutex outcome_mutex_;
  std::map<std::string, std::uint64_t> rejections_;  // the node's verdicts, by result name
  std::map<std::string, std::uint64_t> failures_;    // ours: transport and HTTP errors
  std::mutex request_ms_mutex_;
  std::vector<double> request_ms_;
  std::once_flag http_error_logged_;

  // Event thread only. The first block seen sets the baseline for gap detection: blocks
  // committed before we subscribed hold none of our transactions.
  std::optional<std::uint64_t> last_height_;
  std::atomic<std::uint64_t> blocks_{0}, block_txs_{0}, block_txs_max_{0}, backfilled_{0}, height_seen_{0};
  std::unique_ptr<HttpClient> backfill_client_;
};

void LoadRun::mark_failed(const Batch& batch, const std::string& why) {
  std::uint64_t n = 0;
  for (std::uint32_t id : batch.tx_ids) {
    std::uint8_t expected = kPending;
    if (fate_[id].compare_exchange_strong(expected, kFailed)) ++n;
  }
  failed_ += n;
  std::lock_guard lock(outcome_mutex_);
  failures_[why] += n;
}

// Sends one batch, retrying while the node answers 503 (too many submissions in flight).
// Returns false if the node could not be reached at all.
bool LoadRun::send_batch(HttpClient& client, const Batch& batch) {
  for (int attempt = 0;; ++attempt) {
    const std::int64_t sent_ns = now_ns();
    for (std::uint32_t id : batch.tx_ids) submit_ns_[id] = sent_ns;
    HttpResponse res;
    try {
      res = client.post("/v1/txs", "application/octet-stream", batch.body);
    } catch (const TransportError& e) {
      // A node that went away fails every request: say so a few times, then only count.
      const std::uint64_t seen = transport_errors_.fetch_add(1);
      if (seen < 3) log_line(std::string("submit failed: ") + e.what());
      if (seen == 3) log_line("further submit failures are only counted (see \"failures\" in the result)");
      mark_failed(batch, "transport_error");
      return false;
    }
    requests_.fetch_add(1);
    {
      std::lock_guard lock(request_ms_mutex_);
      request_ms_.push_back(static_cast<double>(now_ns() - sent_ns) / 1e6);
    }
    if (res.status == 503 && attempt < k503RetriesMax && !stop_.load()) {
      retries_503_.fetch_add(1);
      std::this_thread::sleep_for(20ms);
      continue;
    }
    if (res.status != 200) {
      std::call_once(http_error_logged_, [&] {
        log_line("POST /v1/txs answered HTTP " + std::to_string(res.status) + ": " + describe_error_body(res.body));
      });
      mark_failed(batch, "http_" + std::to_string(res.status));
      return true;
    }
    SubmitVerdict verdict;
    try {
      verdict = parse_submit_response(res.body);
    } catch (const std::exception& e) {
      log_line(std::string("unreadable submit response: ") + e.what());
      mark_failed(batch, "bad_response");
      return true;
    }
    std::uint64_t rejected = 0;
    for (const Rejection& r : verdict.rejections) {
      if (r.index >= batch.tx_ids.size()) continue;
      std::uint8_t expected = kPending;
      if (fate_[batch.tx_ids[r.index]].compare_exchange_strong(expected, kRejected)) ++rejected;
      add_rejection(r.name);
    }
    rejected_ += rejected;
    accepted_ += batch.tx_ids.size() - verdict.rejections.size();
    last_submit_ns_ = now_ns();
    return true;
  }
}

void LoadRun::submitter(std::size_t connection) {
  HttpClient client(o_.node, kRequestTimeout);
  const std::vector<Batch>& batches = w_.batches[connection];
  std::size_t conn_txs = 0;
  for (const Batch& b : batches) conn_txs += b.tx_ids.size();
  // Paced: this connection carries its share of the rate; its batches leave on a fixed
  // schedule (not "some time after the previous answer"), staggered against the other
  // connections so the node sees an even stream rather than bursts.
  const double conn_rate = o_.rate > 0 ? o_.rate * static_cast<double>(conn_txs) / static_cast<double>(n_) : 0;
  const double batch_period_s = conn_rate > 0 && !batches.empty()
                                    ? static_cast<double>(batches.front().tx_ids.size()) / conn_rate : 0;
  const double offset_s = batch_period_s * static_cast<double>(connection) / static_cast<double>(w_.batches.size());
  std::size_t txs_before = 0;
  for (const Batch& batch : batches) {
    if (stop_.load()) break;
    if (conn_rate > 0) {
      const auto due = start() + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(
                                 offset_s + static_cast<double>(txs_before) / conn_rate));
      while (Clock::now() < due && !stop_.load()) std::this_thread::sleep_until(std::min(due, Clock::now() + 100ms));
    }
    // Closed loop: never more than `window` transactions sent and not yet resolved, so a
    // flat-out run cannot overflow the node's mempool and turn into a rejection count.
    while (!stop_.load() && unresolved() + batch.tx_ids.size() > window_) std::this_thread::sleep_for(1ms);
    if (stop_.load()) break;
    submitted_ += batch.tx_ids.size();
    if (!send_batch(client, batch)) std::this_thread::sleep_for(100ms);
    txs_before += batch.tx_ids.size();
  }
  senders_done_.fetch_add(1);
}

void LoadRun::on_block(const BlockSummary& block, std::int64_t seen_ns) {
  blocks_.fetch_add(1);
  block_txs_ += block.tx_count;
  if (block.tx_count > block_txs_max_.load()) block_txs_max_ = block.tx_count;
  std::uint64_t mine = 0, recovered = 0;
  for (const crypto::Hash32& h : block.tx_hashes) {
    auto it = index_.find(h);
    if (it == index_.end()) continue;
    const std::uint32_t id = it->second;
    std::uint8_t expected = kPending;
    if (!fate_[id].compare_exchange_strong(expected, kFinalized)) {
      if (expected != kFailed || !fate_[id].compare_exchange_strong(expected, kFinalized)) continue;
      ++recovered;
    }
    final_ns_[id] = seen_ns;
    ++mine;
  }
  if (recovered) failed_ -= recovered;
  if (mine) {
    finalized_ += mine;
    last_final_ns_ = seen_ns;
  }
  height_seen_ = block.height;
}

// Blocks the event stream skipped (it reconnected, or the node dropped us as too slow) are
// read over HTTP. Their transactions count as finalized when we learn of them: later than
// true, so latency errs high, never low.
void LoadRun::backfill(std::uint64_t from, std::uint64_t to) {
  if (!backfill_client_) backfill_client_ = std::make_unique<HttpClient>(o_.node, kRequestTimeout);
  if (to - from + 1 > kBackfillBlocksMax) from = to + 1 - kBackfillBlocksMax;
  for (std::uint64_t h = from; h <= to && !stop_.load(); ++h) {
    try {
      const HttpResponse res = backfill_client_->get("/v1/blocks/" + std::to_string(h));
      if (res.status != 200) continue;
      if (auto block = parse_block(res.body)) {
        on_block(*block, now_ns());
        backfilled_.fetch_add(1);
      }
    } catch (const std::exception& e) {
      log_line(std::string("backfill of block ") + std::to_string(h) + " failed: " + e.what());
    }
  }
}

void LoadRun::on_event(std::string&& text, Clock::time_point received) {
  const std::int64_t seen_ns = std::chrono::duration_cast<std::chrono::nanoseconds>(received - t0_).count();
  std::optional<BlockSummary> block;
  try {
    block = parse_block(text);
  } catch (const std::exception& e) {
    log_line(std::string("ignoring an unreadable event: ") + e.what());
    return;
  }
  if (!block || (last_height_ && block->height <= *last_height_)) return;
  if (last_height_ && block->height > *last_height_ + 1) backfill(*last_height_ + 1, block->height - 1);
  on_block(*block, seen_ns);
  last_height_ = block->height;
}

std::string LoadRun::stop_reason_after_wait() {
  const auto deadline = start() + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(o_.duration_max_s));
  auto last_print = Clock::now();
  std::uint64_t last_finalized = 0;
  auto last_progress = Clock::now();
  auto last_change = Clock::now();
  for (;;) {
    std::this_thread::sleep_for(50ms);
    const std::uint64_t fin = finalized_.load();
    const std::uint64_t resolved = fin + rejected_.load() + failed_.load();
    if (fin != last_finalized) last_change = Clock::now();
    if (seconds_since(last_print) >= 1.0) {
      const double dt = seconds_since(last_progress);
      std::ostringstream line;
      line.precision(1);
      line << std::fixed << "[" << seconds_since(start()) << " s] submitted " << submitted_.load() << "/" << n_
           << "  finalized " << fin << " (" << static_cast<double>(fin - last_finalized) / dt << " tx/s)"
           << "  rejected " << rejected_.load() << "  failed " << failed_.load() << "  height " << height_seen_.load();
      log_line(line.str());
      last_print = last_progress = Clock::now();
      last_finalized = fin;
    }
    if (resolved >= n_) return failed_.load() ? "all resolved (some failed)" : "all finalized or rejected";
    if (Clock::now() >= deadline) return "duration-max reached";
    const bool all_sent = senders_done_.load() == w_.batches.size();
    if (all_sent && seconds_since(last_change) >= o_.stall_s) return "stalled: nothing finalized for a while";
  }
}

RunReport LoadRun::run(RunReport report) {
  EventStream events(
      o_.node, [this](std::string&& text, Clock::time_point at) { on_event(std::move(text), at); },
      [](const std::string& note) { log_line(note); });
  t0_ = Clock::now();
  try {
    events.start();  // subscribed before the first request: no finalization can be missed
  } catch (const TransportError& e) {
    throw RunError(std::string(e.what()) + " (the node's WebSocket /v1/events is needed to see finalization)");
  }
  const double cpu_before = cpu_seconds_self();
  const std::optional<double> machine_before = machine_busy_seconds();
  const std::optional<double> node_cpu_before = o_.node_pid ? cpu_seconds_of(o_.node_pid) : std::nullopt;
  start_ns_ = now_ns();  // measurement starts with the first request
  std::vector<std::thread> senders;
  for (std::size_t c = 0; c < w_.batches.size(); ++c) senders.emplace_back([this, c] { submitter(c); });
  report.stop_reason = stop_reason_after_wait();
  const double wall_s = seconds_since(start());
  stop_ = true;
  for (auto& t : senders) t.join();
  events.stop();
  report.loadgen_cpu_s = cpu_seconds_self() - cpu_before;
  if (const auto after = machine_busy_seconds(); after && machine_before) report.machine_busy_s = *after - *machine_before;
  if (o_.node_pid) {
    const auto after = cpu_seconds_of(o_.node_pid);
    if (after && node_cpu_before) report.node_cpu_s = *after - *node_cpu_before;
    report.node_rss_mb = status_mib(o_.node_pid, "VmRSS");
    report.node_rss_peak_mb = status_mib(o_.node_pid, "VmHWM");
  }
  report.ws_reconnects = events.reconnects();
  fill_report(report, wall_s);
  return report;
}

void LoadRun::fill_report(RunReport& r, double wall_s) {
  r.txs_submitted = submitted_;
  r.txs_accepted = accepted_;
  r.txs_rejected = rejected_;
  r.txs_failed = failed_;
  r.txs_finalized = finalized_;
  r.txs_unfinalized = r.txs_submitted - r.txs_finalized - r.txs_rejected - r.txs_failed;
  r.rejections = rejections_;
  r.failures = failures_;
  r.requests = requests_;
  r.retries_503 = retries_503_;
  r.wall_s = wall_s;
  r.blocks = blocks_;
  r.blocks_backfilled = backfilled_;
  r.txs_per_block_max = block_txs_max_;
  r.txs_per_block_mean = r.blocks ? static_cast<double>(block_txs_.load()) / static_cast<double>(r.blocks) : 0;
  const double submit_s = static_cast<double>(last_submit_ns_.load() - start_ns_) / 1e9;
  r.submit_rate = submit_s > 0 ? static_cast<double>(r.txs_accepted + r.txs_rejected) / submit_s : 0;
  r.duration_s = r.txs_finalized ? static_cast<double>(last_final_ns_.load() - start_ns_) / 1e9 : wall_s;
  r.finalized_tps = r.duration_s > 0 ? static_cast<double>(r.txs_finalized) / r.duration_s : 0;

  std::vector<double> latency_ms;
  std::vector<std::int64_t> final_times;
  latency_ms.reserve(r.txs_finalized);
  final_times.reserve(r.txs_finalized);
  for (std::size_t i = 0; i < n_; ++i) {
    if (fate_[i].load() != kFinalized || final_ns_[i] < 0 || submit_ns_[i] < 0) continue;
    latency_ms.push_back(static_cast<double>(std::max<std::int64_t>(0, final_ns_[i] - submit_ns_[i])) / 1e6);
    final_times.push_back(final_ns_[i]);
  }
  r.latency = latency_stats(latency_ms);
  // Steady-state throughput: the middle 80% of finalizations, which leaves out the ramp-up
  // (first block still filling) and the tail (the last partial block).
  std::sort(final_times.begin(), final_times.end());
  if (final_times.size() >= 10) {
    const std::size_t lo = final_times.size() / 10, hi = final_times.size() * 9 / 10;
    const double span_s = static_cast<double>(final_times[hi] - final_times[lo]) / 1e9;
    if (span_s > 0) r.finalized_tps_steady = static_cast<double>(hi - lo) / span_s;
  }
  r.request = latency_stats(request_ms_);
  if (r.verify_per_s > 0) r.ratio_to_verify = r.finalized_tps / r.verify_per_s;
}

}  // namespace

RunReport run_load(const RunOptions& o) {
  if (o.accounts == 0 || o.accounts > kRunAccountsMax) throw RunError("--accounts must be 1.." + std::to_string(kRunAccountsMax));
  if (o.txs == 0 || o.txs > kRunTxsMax) throw RunError("--txs must be 1.." + std::to_string(kRunTxsMax));
  if (o.connections == 0 || o.connections > kConnectionsMax) throw RunError("--connections must be 1..64");
  if (o.batch > kBatchTxsMax) throw RunError("--batch must be at most 10000 (the API's per-request limit)");
  if (!(o.duration_max_s > 0 && o.duration_max_s <= kDurationMaxS)) throw RunError("--duration-max must be in (0, 3600] s");
  if (o.rate < 0) throw RunError("--rate must be positive (or 0 for flat out)");

  const NodeStatus status = fetch_status(o.node);
  log_line("node " + o.node.url() + ": chain " + status.chain_id + ", height " + std::to_string(status.height) +
           ", min fee " + std::to_string(status.min_fee) + " uTEL, validators " + std::to_string(status.validators));
  RunReport report;
  report.mode = o.rate > 0 ? "paced" : "flat";
  report.rate_target = o.rate;
  report.node = o.node.url();
  report.chain_id = status.chain_id;
  report.validators = status.validators;
  report.accounts = o.accounts;
  report.txs_planned = o.txs;
  report.connections = std::min(o.connections, o.accounts);
  report.batch_txs = o.batch ? o.batch
                     : o.rate > 0 ? std::clamp<std::size_t>(static_cast<std::size_t>(o.rate / 50), 1, 1000)
                                  : 1000;
  report.window_txs = o.window ? o.window : status.mempool_txs_max ? status.mempool_txs_max * 3 / 4 : 100'000;
  // Round-robin keeps each sender's share of the window about window / N; above the
  // chain's per-sender limit the node would refuse them (sender_queue_full).
  if (status.max_pending_per_sender && !o.window) {
    report.window_txs = std::min<std::size_t>(report.window_txs, status.max_pending_per_sender * report.accounts);
  }
  report.window_txs = std::max(report.window_txs, report.batch_txs);

  const std::uint64_t per_account = (o.txs + o.accounts - 1) / o.accounts;
  WorkloadSpec spec;
  spec.chain_id = status.chain_id;
  spec.fee = status.min_fee;
  spec.amount = o.amount;
  spec.accounts = o.accounts;
  spec.txs = o.txs;
  spec.batch_txs = report.batch_txs;
  spec.connections = report.connections;
  spec.threads = o.threads;
  spec.start_nonces = fetch_start_nonces(o, report.connections, per_account * (status.min_fee + o.amount));

  log_line("pre-signing " + std::to_string(o.txs) + " transfers over " + std::to_string(o.accounts) + " accounts");
  const auto presign_start = Clock::now();
  ProgressLine progress("pre-signing", o.txs);
  Workload workload = build_workload(spec, [&](std::size_t done) { progress(done); });
  report.presign_s = seconds_since(presign_start);
  report.tx_bytes = workload.tx_bytes;
  log_line("pre-signed " + std::to_string(o.txs) + " txs (" + std::to_string(workload.tx_bytes) + " bytes each, " +
           std::to_string(workload.batch_count()) + " requests) in " + std::to_string(report.presign_s) + " s");

  const VerifyRate verify = measure_verify_rate(o.verify_seconds, o.threads);
  report.verify_per_s = verify.per_s;
  report.verify_per_s_per_core = verify.per_s_per_core;
  report.verify_threads = verify.threads;
  log_line("Ed25519 verify bound: " + std::to_string(static_cast<long>(verify.per_s)) + "/s on " +
           std::to_string(verify.threads) + " threads (" + std::to_string(static_cast<long>(verify.per_s_per_core)) +
           "/s per core)");

  log_line(std::string("load: ") + (o.rate > 0 ? "paced at " + std::to_string(static_cast<long>(o.rate)) + " tx/s" : "flat out") +
           ", " + std::to_string(report.connections) + " connections, " + std::to_string(report.batch_txs) +
           " txs per request, window " + std::to_string(report.window_txs));
  LoadRun run(o, status, std::move(workload), report.window_txs);
  return run.run(std::move(report));
}

}  // namespace telco::bench
