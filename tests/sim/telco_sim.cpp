// telco-sim: runs the deterministic consensus simulation (simulation.h) for a range of seeds
// and prints one line per seed. A failure prints the exact command that reproduces it.
//
//   telco-sim --seeds 300 --start fresh          # a new seed base from the clock (printed)
//   telco-sim --seeds 1 --start 1234 --byzantine twins --validators 4 --heights 4
#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include <chrono>
#include <cstdlib>

#include "simulation.h"

namespace {

std::uint64_t fresh_seed_base() {
  if (const char* env = std::getenv("TELCO_SIM_SEED")) return std::strtoull(env, nullptr, 10);
  const auto ns = std::chrono::system_clock::now().time_since_epoch().count();
  return static_cast<std::uint64_t>(ns) % 1'000'000'000'000ULL;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App cli{"Deterministic simulation of Telcochain consensus"};
  std::uint64_t seeds = 10;
  std::string start = "1";
  std::string byzantine = "mixed";
  telco::sim::SimOptions options;
  bool no_faults = false;
  bool quiet = false;
  cli.add_option("--seeds", seeds, "number of seeds to run")->check(CLI::Range(1, 1'000'000));
  cli.add_option("--start", start, "first seed, or 'fresh' (TELCO_SIM_SEED or the clock)");
  cli.add_option("--validators,--nodes", options.validators, "validators")->check(CLI::Range(1, 31));
  cli.add_option("--byzantine", byzantine,
                 "none|equivocating-proposer|double-voter|twins|invalid-proposer|mixed (seed picks)");
  cli.add_option("--heights", options.heights, "heights every honest node must commit")->check(CLI::Range(1, 1000));
  cli.add_flag("--no-faults", no_faults, "no network faults or crashes (GST at 0)");
  cli.add_flag("--validator-changes", options.validator_changes,
               "the application changes the validator set's powers at two of every three heights");
  cli.add_flag("--quiet", quiet, "print failures and the summary only");
  CLI11_PARSE(cli, argc, argv);
  options.faults = !no_faults;
  if (!telco::sim::parse_byzantine(byzantine, &options.byzantine)) {
    fmt::print(stderr, "unknown --byzantine {}\n", byzantine);
    return 2;
  }
  std::uint64_t base = 0;
  if (start == "fresh") {
    base = fresh_seed_base();
    fmt::print("seed base {} (rerun this batch with TELCO_SIM_SEED={})\n", base, base);
  } else {
    base = std::strtoull(start.c_str(), nullptr, 10);
  }

  std::uint64_t passed = 0, failed = 0;
  const auto began = std::chrono::steady_clock::now();
  for (std::uint64_t seed = base; seed < base + seeds; ++seed) {
    const telco::sim::SimResult r = telco::sim::run_simulation(seed, options);
    if (r.ok) {
      ++passed;
      if (!quiet) {
        fmt::print("seed {} ok  sim={}s rounds<={} msgs={} crashes={} evidence={} walcut={}B | {}\n", seed,
                   r.sim_time_ms / 1000, r.max_round, r.messages, r.crashes, r.evidence, r.wal_bytes_cut, r.scenario);
      }
      continue;
    }
    ++failed;
    fmt::print("seed {} FAILED: {}\n  scenario: {}\n  reproduce: telco-sim --seeds 1 --start {} --validators {} "
               "--byzantine {} --heights {}{}{}\n",
               seed, r.failure, r.scenario, seed, options.validators, byzantine, options.heights,
               options.faults ? "" : " --no-faults", options.validator_changes ? " --validator-changes" : "");
  }
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - began).count();
  fmt::print("{} seeds from {} in {:.1f} s\n", seeds, base, seconds);
  fmt::print("sim: {} passed, {} failed\n", passed, failed);
  return failed == 0 ? 0 : 1;
}
