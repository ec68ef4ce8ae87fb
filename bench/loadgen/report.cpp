#include "report.h"

#include <algorithm>
#include <cmath>
#include <nlohmann/json.hpp>

namespace telco::bench {
namespace {

// Three decimals is more than any of these figures is worth, and keeps the line readable.
double round3(double v) { return std::round(v * 1000.0) / 1000.0; }

nlohmann::json latency_object(const LatencyStats& s) {
  return {{"samples", s.samples},        {"p50_ms", round3(s.p50_ms)}, {"p90_ms", round3(s.p90_ms)},
          {"p99_ms", round3(s.p99_ms)},  {"max_ms", round3(s.max_ms)}, {"mean_ms", round3(s.mean_ms)}};
}

}  // namespace

LatencyStats latency_stats(std::vector<double>& ms) {
  LatencyStats s;
  s.samples = ms.size();
  if (ms.empty()) return s;
  std::sort(ms.begin(), ms.end());
  auto rank = [&](double p) {
    const auto k = static_cast<std::size_t>(std::ceil(p / 100.0 * static_cast<double>(ms.size())));
    return ms[std::clamp<std::size_t>(k, 1, ms.size()) - 1];
  };
  s.p50_ms = rank(50);
  s.p90_ms = rank(90);
  s.p99_ms = rank(99);
  s.max_ms = ms.back();
  double sum = 0;
  for (double v : ms) sum += v;
  s.mean_ms = sum / static_cast<double>(ms.size());
  for (double decade = 0.1; decade < 10'000.0; decade *= 10) {
    for (double step : {1.0, 2.0, 5.0}) s.histogram_edges_ms.push_back(decade * step);
  }
  s.histogram_edges_ms.push_back(10'000.0);
  s.histogram_counts.assign(s.histogram_edges_ms.size(), 0);
  std::size_t bucket = 0;
  for (double v : ms) {  // sorted: the bucket only moves up
    while (bucket + 1 < s.histogram_edges_ms.size() && v >= s.histogram_edges_ms[bucket + 1]) ++bucket;
    ++s.histogram_counts[bucket];
  }
  return s;
}

std::string latency_json(const LatencyStats& s) { return latency_object(s).dump(); }

std::string to_json_line(const RunReport& r) {
  nlohmann::ordered_json j;
  // The headline figures first, in the order the issue states its targets.
  j["finalized_tps"] = round3(r.finalized_tps);
  j["p50_ms"] = round3(r.latency.p50_ms);
  j["p90_ms"] = round3(r.latency.p90_ms);
  j["p99_ms"] = round3(r.latency.p99_ms);
  j["verify_per_s"] = round3(r.verify_per_s);
  j["verify_per_s_per_core"] = round3(r.verify_per_s_per_core);
  j["ratio_to_verify"] = round3(r.ratio_to_verify);
  j["validators"] = r.validators;
  j["txs_submitted"] = r.txs_submitted;
  j["txs_finalized"] = r.txs_finalized;
  j["txs_rejected"] = r.txs_rejected;
  j["duration_s"] = round3(r.duration_s);

  j["mode"] = r.mode;
  if (r.mode == "paced") j["rate_target"] = round3(r.rate_target);
  j["finalized_tps_steady"] = round3(r.finalized_tps_steady);
  j["submit_rate"] = round3(r.submit_rate);
  j["max_ms"] = round3(r.latency.max_ms);
  j["mean_ms"] = round3(r.latency.mean_ms);
  j["txs_planned"] = r.txs_planned;
  j["txs_accepted"] = r.txs_accepted;
  j["txs_failed"] = r.txs_failed;
  j["txs_unfinalized"] = r.txs_unfinalized;
  j["rejections"] = r.rejections;
  j["failures"] = r.failures;
  j["stop_reason"] = r.stop_reason;
  j["wall_s"] = round3(r.wall_s);
  j["presign_s"] = round3(r.presign_s);
  j["request_latency"] = latency_object(r.request);
  j["latency_histogram"] = {{"edges_ms", r.latency.histogram_edges_ms}, {"counts", r.latency.histogram_counts}};
  j["requests"] = r.requests;
  j["retries_503"] = r.retries_503;
  j["blocks"] = r.blocks;
  j["blocks_backfilled"] = r.blocks_backfilled;
  j["ws_reconnects"] = r.ws_reconnects;
  j["txs_per_block_mean"] = round3(r.txs_per_block_mean);
  j["txs_per_block_max"] = r.txs_per_block_max;
  j["verify_threads"] = r.verify_threads;
  j["loadgen_cpu_s"] = round3(r.loadgen_cpu_s);
  if (r.node_cpu_s) j["node_cpu_s"] = round3(*r.node_cpu_s);
  if (r.machine_busy_s) {
    j["machine_busy_s"] = round3(*r.machine_busy_s);
    // CPU taken by neither the node nor the load generator: other work on the machine.
    if (r.node_cpu_s) j["other_cpu_s"] = round3(std::max(0.0, *r.machine_busy_s - *r.node_cpu_s - r.loadgen_cpu_s));
  }
  if (r.node_rss_mb) j["node_rss_mb"] = round3(*r.node_rss_mb);
  if (r.node_rss_peak_mb) j["node_rss_peak_mb"] = round3(*r.node_rss_peak_mb);
  j["node"] = r.node;
  j["chain_id"] = r.chain_id;
  j["accounts"] = r.accounts;
  j["connections"] = r.connections;
  j["batch_txs"] = r.batch_txs;
  j["window_txs"] = r.window_txs;
  j["tx_bytes"] = r.tx_bytes;
  return j.dump();
}

}  // namespace telco::bench
