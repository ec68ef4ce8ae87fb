// Device authentication over HTTP (issue #4, docs/PERFORMANCE.md "Device identity"):
//   register_devices  N devices registered one by one (device.register transactions, sent
//                     from the bench accounts), followed until all are in blocks
//   run_auth          verifiers authenticating random registered devices: POST
//                     /v1/devices/challenge, the device's signature over it, POST
//                     /v1/devices/authenticate (or, with batch > 1, the /batch forms of
//                     both for that many devices at once); flat out or paced, with
//                     latency percentiles
// Bench device i has the PUBLIC key bench_key(kBenchDeviceKeyBase + i) and the identifier
// "bench-device-<i>": like the bench accounts, these are for benchmark chains only.
#pragma once

#include <cstdint>
#include <string>

#include "http_client.h"

namespace telco::bench {

inline constexpr std::uint64_t kBenchDeviceKeyBase = std::uint64_t{1} << 40;

struct RegisterOptions {
  Endpoint node;
  std::size_t accounts = 100;  // bench accounts sending the registrations, round-robin
  std::size_t devices = 10'000;
  unsigned threads = 0;  // signing threads; 0 = one per core
};
// Prints progress on stderr; returns a JSON line (devices, txs/s, seconds). Throws
// std::runtime_error with a sentence when the node refuses or does not finalize them.
std::string register_devices(const RegisterOptions& o);

struct AuthOptions {
  Endpoint node;
  std::size_t devices = 10'000;  // registered bench devices 0..N-1 to pick from
  double rate = 0;               // authentications/s; 0 = flat out
  double seconds = 10;
  std::size_t connections = 4;  // verifiers in parallel, each its own HTTP connection
  std::size_t batch = 1;        // devices per request pair; above 1 the /batch routes
  bool binary = false;          // the batch routes' application/octet-stream bodies
  // 0: telco-bench's own devices; K: a registry loaded by telco-device-store-bench
  // --onto-node-data, authenticating its every K-th device (the ones with their own keys).
  std::uint64_t registry_sample_every = 0;
  // Flat out, every device once in order (then stop): each one's first authentication, and
  // what leaves a node's row cache holding the whole registry.
  bool sweep = false;
  int node_pid = 0;             // report the node's CPU per authentication (same machine)
  unsigned threads = 0;         // for the verify bound measured first
};
// Returns the JSON result line: authentications/s, outcomes, latency of the whole exchange
// (from when it was due to its answer) and of the challenge and authenticate requests
// alone, the node's CPU per authentication and the one-core Ed25519 verify rate measured in
// the same run (flat out: beside the load, a quarter second every second while the
// verifiers hold; paced: before the run). With batches, every device of a batch counts the
// batch's latency.
std::string run_auth(const AuthOptions& o);

}  // namespace telco::bench
