// What one load run measured, and its one-line JSON form (the last line telco-bench run
// prints on stdout; scripts/bench.sh and CI read it). Field names carry their units.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace telco::bench {

struct LatencyStats {
  std::size_t samples = 0;
  double p50_ms = 0, p90_ms = 0, p99_ms = 0, max_ms = 0, mean_ms = 0;
  // Samples per bucket: counts[i] holds those in [edges[i], edges[i+1]) ms (the last bucket
  // is open above, the first also holds anything under 0.1 ms), on fixed log-spaced edges (1-2-5 per decade, 0.1 ms to 10 s), so runs
  // can be drawn and compared on one axis (bench/loadgen/plot_latency.py).
  std::vector<double> histogram_edges_ms;
  std::vector<std::uint64_t> histogram_counts;
};

// Nearest-rank percentiles; sorts `ms` in place.
LatencyStats latency_stats(std::vector<double>& ms);

struct RunReport {
  // What was asked.
  std::string mode;          // "flat" (as fast as the node admits) or "paced"
  double rate_target = 0;    // tx/s when paced
  std::string node;
  std::string chain_id;
  std::uint64_t validators = 0;
  std::size_t accounts = 0, connections = 0, batch_txs = 0, window_txs = 0;
  std::size_t txs_planned = 0;
  std::size_t tx_bytes = 0;

  // Outcome counts. Every planned transaction ends in exactly one of: finalized, rejected
  // (the node said no), failed (transport or HTTP error), or still pending at the end.
  std::uint64_t txs_submitted = 0, txs_accepted = 0, txs_rejected = 0, txs_failed = 0, txs_finalized = 0;
  std::uint64_t txs_unfinalized = 0;  // accepted but not seen in a block when the run ended
  std::map<std::string, std::uint64_t> rejections;  // by the node's result name
  std::map<std::string, std::uint64_t> failures;    // transport_error, http_<status>, bad_response
  std::string stop_reason;

  // Time and throughput.
  double presign_s = 0;
  double duration_s = 0;     // first request sent -> last finalization seen
  double wall_s = 0;         // first request sent -> end of the run
  double submit_rate = 0;    // tx/s offered (submitted / time spent submitting)
  double finalized_tps = 0;  // txs_finalized / duration_s
  double finalized_tps_steady = 0;  // between the 10th and 90th percentile of finalizations
  LatencyStats latency;      // submit -> finalized, per transaction
  LatencyStats request;      // POST /v1/txs round trip, per request
  std::uint64_t requests = 0, retries_503 = 0;

  // Blocks as seen on the event stream.
  std::uint64_t blocks = 0, blocks_backfilled = 0, ws_reconnects = 0;
  double txs_per_block_mean = 0;
  std::uint64_t txs_per_block_max = 0;

  // The verification bound, measured in the same run.
  double verify_per_s = 0, verify_per_s_per_core = 0;
  unsigned verify_threads = 0;
  double ratio_to_verify = 0;  // finalized_tps / verify_per_s

  // Who used the CPU during the load phase (the node and the load generator share it).
  double loadgen_cpu_s = 0;
  std::optional<double> node_cpu_s;
  std::optional<double> machine_busy_s;  // every process, all cores
  std::optional<double> node_rss_mb, node_rss_peak_mb;
};

std::string to_json_line(const RunReport& r);
std::string latency_json(const LatencyStats& s);

}  // namespace telco::bench
