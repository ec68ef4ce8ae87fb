// Deterministic simulation of a validator network (docs/CONSENSUS.md, "Simulator").
//
// N in-process validators, each a consensus::Replica with its own TestApp, in-memory WAL and
// guard, exchange messages over a simulated network driven by one seeded event queue: no
// threads, no wall clock, so a seed reproduces a run exactly. Before the global stabilisation
// time (GST) the network delays, drops, duplicates and reorders messages, partitions and
// heals, and nodes crash (losing unsynced WAL bytes, sometimes with a torn, corrupt record)
// and restart from their WAL. Byzantine validators equivocate as proposer, double-vote, run
// as twins (two replicas with one key) or propose invalid blocks. After GST links are
// reliable with bounded delay and every honest node is up.
//
// Checked on every run: agreement, validity, no conflicting signature by an honest
// validator, evidence for every equivocation an honest node saw, liveness after GST.
#pragma once

#include <cstdint>
#include <string>

namespace telco::sim {

enum class Byzantine : std::uint8_t { kNone, kEquivocatingProposer, kDoubleVoter, kTwins, kInvalidProposer, kMixed };
const char* byzantine_name(Byzantine b);
bool parse_byzantine(std::string_view text, Byzantine* out);

struct SimOptions {
  std::size_t validators = 4;
  Byzantine byzantine = Byzantine::kMixed;  // kMixed: the seed picks one kind (or none)
  std::uint64_t heights = 4;                // every honest node must commit this many
  bool faults = true;                       // network faults and crashes before GST
  bool validator_changes = false;           // the application changes every power each height ≢ 0 (mod 3)
};

struct SimResult {
  bool ok = true;
  std::string failure;   // the first invariant violated
  std::string scenario;  // what the seed chose
  std::uint64_t sim_time_ms = 0;
  std::uint64_t max_round = 0;
  std::uint64_t messages = 0;
  std::uint64_t crashes = 0;
  std::uint64_t evidence = 0;
  std::uint64_t wal_bytes_cut = 0;
};

SimResult run_simulation(std::uint64_t seed, const SimOptions& options);

}  // namespace telco::sim
