// telco-fill-chain: creates a node home whose store holds many blocks, for measuring the
// explorer against a long chain (scripts/bench-explorer.sh, docs/PERFORMANCE.md).
//
// The blocks are real: the tool runs the node's own producer (node::Node::produce_block),
// so each block is executed, signed and committed through storage::Store exactly as telcod
// does -- only faster, because the clock is simulated (one block per --interval-ms, ending
// about now) and fsync is off while filling. Every --tx-every blocks carries one signed
// transfer from the demo account, so lists of recent transactions have something to find.
#include <spdlog/spdlog.h>

#include <CLI/CLI.hpp>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <iostream>

#include "chain/genesis.h"
#include "modules/bank/transfer.h"
#include "node/home.h"
#include "node/node.h"
#include "node/validator_key.h"
#include "util/hex.h"

namespace {

using namespace telco;

crypto::KeyPair demo_key(const std::filesystem::path& seed_file) {
  std::ifstream in(seed_file);
  std::string hex;
  in >> hex;
  auto bytes = from_hex(hex);
  if (!bytes || bytes->size() != 32) throw std::runtime_error("cannot read " + seed_file.string());
  crypto::Seed seed;
  std::copy(bytes->begin(), bytes->end(), seed.begin());
  return crypto::KeyPair::from_seed(seed);
}

chain::Transaction demo_transfer(const chain::Genesis& genesis, const crypto::KeyPair& from,
                                 std::uint64_t nonce) {
  crypto::Seed seed{};
  seed[0] = static_cast<std::uint8_t>(nonce % 200 + 1);  // a small set of recipients
  chain::Transaction tx;
  tx.chain_id = genesis.chain_id;
  tx.nonce = nonce;
  tx.fee = genesis.params.min_fee;
  tx.payload = modules::bank::Transfer{
      crypto::Address::from_public_key(crypto::KeyPair::from_seed(seed).public_key()),
      1'000'000,
      {}}.to_payload();
  tx.sign(from);
  return tx;
}

int fill(const std::filesystem::path& home, std::uint64_t blocks, std::uint64_t interval_ms,
         std::uint64_t tx_every) {
  const auto now_ms = node::system_clock_ms();
  node::InitOptions options;
  options.chain_id = "telco-explorer-bench";
  options.genesis_time_ms = now_ms - (blocks + 1) * interval_ms;
  node::init_home(home, options);

  const auto genesis = std::make_shared<const chain::Genesis>(chain::load_genesis(home / "genesis.json"));
  const crypto::KeyPair validator = node::load_validator_key(home / "validator_key.json");
  const crypto::KeyPair demo = demo_key(home / "demo_key.seed");
  node::NodeConfig config;
  config.storage.sync = false;  // telcod, started later on this home, syncs as configured
  std::uint64_t clock_ms = options.genesis_time_ms;
  node::Node node(genesis, validator, config, home / "data", [&clock_ms] { return clock_ms; });

  const auto started = std::chrono::steady_clock::now();
  std::uint64_t nonce = 0;
  for (std::uint64_t height = 1; height <= blocks; ++height) {
    clock_ms += interval_ms;
    if (tx_every && height % tx_every == 0) {
      const auto results = node.submit({demo_transfer(*genesis, demo, nonce)});
      if (results.at(0).code != chain::ResultCode::kOk)
        throw std::runtime_error("the demo transfer was refused");
      ++nonce;
    }
    node.produce_block(true);
    if (height % 100'000 == 0 || height == blocks) {
      const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
      std::cerr << "fill-chain: " << height << " blocks in " << static_cast<int>(s) << " s ("
                << static_cast<int>(height / s) << " blocks/s)\n";
    }
  }
  std::cout << "fill-chain: " << home.string() << " holds " << node.head().height << " blocks with " << nonce
            << " transfers\n";
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  crypto::init();
  spdlog::set_level(spdlog::level::warn);  // the producer logs every block at info
  CLI::App app{"telco-fill-chain: a node home with many real blocks, for explorer benchmarks"};
  std::filesystem::path home;
  std::uint64_t blocks = 1'000'000;
  std::uint64_t interval_ms = 1'000;
  std::uint64_t tx_every = 1'000;
  app.add_option("--home", home, "node home to create (must not hold a node)")->required();
  app.add_option("--blocks", blocks, "blocks to produce")->capture_default_str();
  app.add_option("--interval-ms", interval_ms, "simulated time between blocks")->capture_default_str();
  app.add_option("--tx-every", tx_every, "one transfer every this many blocks (0: none)")
      ->capture_default_str();
  CLI11_PARSE(app, argc, argv);
  try {
    return fill(home, blocks, interval_ms, tx_every);
  } catch (const std::exception& e) {
    std::cerr << "fill-chain: " << e.what() << "\n";
    return 1;
  }
}
