// Fixed seeds of the consensus simulation, one per fault kind, kept as regression tests: a
// seed that once failed is added here with the options it failed under.
#include <gtest/gtest.h>

#include "simulation.h"

namespace telco::sim {
namespace {

void expect_ok(std::uint64_t seed, SimOptions options) {
  const SimResult r = run_simulation(seed, options);
  EXPECT_TRUE(r.ok) << "seed " << seed << ": " << r.failure << "\n  " << r.scenario;
}

TEST(SimRegression, NoFaultsDecidesEveryHeight) {
  for (std::uint64_t seed : {1, 2, 3}) expect_ok(seed, {4, Byzantine::kNone, 6, false});
}

TEST(SimRegression, SingleValidator) { expect_ok(7, {1, Byzantine::kNone, 5, false}); }

TEST(SimRegression, FaultyNetworkAndCrashes) {
  for (std::uint64_t seed : {11, 12, 13, 14}) expect_ok(seed, {4, Byzantine::kNone, 4, true});
}

TEST(SimRegression, EquivocatingProposer) {
  for (std::uint64_t seed : {21, 22}) expect_ok(seed, {4, Byzantine::kEquivocatingProposer, 4, true});
}

TEST(SimRegression, DoubleVoter) {
  for (std::uint64_t seed : {31, 32}) expect_ok(seed, {4, Byzantine::kDoubleVoter, 4, true});
}

TEST(SimRegression, Twins) {
  for (std::uint64_t seed : {41, 42}) expect_ok(seed, {4, Byzantine::kTwins, 4, true});
}

TEST(SimRegression, InvalidProposer) {
  for (std::uint64_t seed : {51, 52}) expect_ok(seed, {4, Byzantine::kInvalidProposer, 4, true});
}

TEST(SimRegression, SevenValidatorsTwoFaulty) { expect_ok(61, {7, Byzantine::kDoubleVoter, 3, true}); }

// Powers change on chain at two of every three heights, under faults, crashes and a double
// voter (seed 1299 caught a wrong expectation in the invariant while it was written).
TEST(SimRegression, ValidatorChangesUnderFaults) {
  expect_ok(1299, {4, Byzantine::kMixed, 6, true, true});
  expect_ok(1000, {7, Byzantine::kMixed, 6, true, true});
}

}  // namespace
}  // namespace telco::sim
