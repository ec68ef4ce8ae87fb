// telco-sync-fill: writes a chain of full blocks, decided by a whole validator set, into one
// validator's home — the source a block-sync benchmark syncs from (scripts/bench-sync.sh,
// docs/PERFORMANCE.md "Block sync").
//
// Each block is built and executed by the node's own ChainApplication (prepare_proposal,
// finalize_block, commit: the path a decided block takes in telcod) from --txs-per-block
// signed transfers of the public bench accounts, and carries a commit signed by every
// validator whose key file is given, exactly as the engine would form it. A syncing node
// therefore checks these blocks as it checks any: consensus fields, the commit against the
// validator set, and re-execution of every transaction with its signature.
#include <spdlog/spdlog.h>

#include <CLI/CLI.hpp>
#include <chrono>
#include <filesystem>
#include <iostream>

#include "chain/genesis.h"
#include "loadgen/bench_keys.h"
#include "modules/bank/transfer.h"
#include "node/chain_application.h"
#include "node/config.h"
#include "node/node.h"
#include "node/validator_key.h"

namespace {

using namespace telco;

int fill(const std::filesystem::path& home, const std::vector<std::filesystem::path>& key_files,
         std::uint64_t blocks, std::size_t txs_per_block, std::size_t accounts) {
  auto genesis = std::make_shared<const chain::Genesis>(chain::load_genesis(home / "genesis.json"));
  std::vector<crypto::KeyPair> validators;
  for (const auto& f : key_files) validators.push_back(node::load_validator_key(f));
  if (accounts < txs_per_block) throw std::runtime_error("--accounts must be at least --txs-per-block");

  node::NodeConfig config = node::load_config(home / "config.json");
  config.storage.sync = false;
  config.mempool.txs_max = std::max<std::uint64_t>(config.mempool.txs_max, txs_per_block * 2);
  std::uint64_t clock_ms = genesis->genesis_time_ms;
  node::Node node(genesis, validators.at(0), config, home / "data", [&clock_ms] { return clock_ms; });
  if (node.head().height != 0) throw std::runtime_error(home.string() + " already holds blocks");
  node::ChainApplication app(node, 1);

  std::vector<crypto::KeyPair> senders;
  for (std::size_t i = 0; i < accounts; ++i) senders.push_back(bench::bench_key(i));
  std::vector<std::uint64_t> nonces(accounts, 0);
  const crypto::Address sink = crypto::Address::from_public_key(bench::bench_key(accounts).public_key());

  const auto started = std::chrono::steady_clock::now();
  chain::Commit last_commit;
  std::size_t next_sender = 0;
  consensus::ValidatorSet set = node.validator_set_at(1);  // no block here changes it
  for (std::uint64_t height = 1; height <= blocks; ++height) {
    std::vector<chain::Transaction> txs;
    txs.reserve(txs_per_block);
    for (std::size_t i = 0; i < txs_per_block; ++i) {
      const std::size_t s = next_sender++ % accounts;
      chain::Transaction tx;
      tx.chain_id = genesis->chain_id;
      tx.nonce = nonces[s]++;
      tx.fee = genesis->params.min_fee;
      tx.payload = modules::bank::Transfer{sink, 1, {}}.to_payload();
      tx.sign(senders[s]);
      txs.push_back(std::move(tx));
    }
    for (const api::SubmitResult& r : node.submit(std::move(txs))) {
      if (r.code != chain::ResultCode::kOk) {
        throw std::runtime_error("a transfer was refused: " + std::string(chain::result_name(r.code)));
      }
    }
    clock_ms += 10;
    chain::BlockHeader h;
    h.chain_id = genesis->chain_id;
    h.height = height;
    h.time_ms = clock_ms;
    h.prev_hash = node.head().hash;
    h.last_commit_hash = last_commit.hash();
    h.validators_hash = set.hash();
    h.proposer = crypto::Address::from_public_key(set.at(set.proposer()).key);
    const chain::Block block = app.prepare_proposal(h, last_commit);
    if (block.txs.size() != txs_per_block) throw std::runtime_error("a block left transfers out");
    const crypto::Hash32 hash = block.header.hash();
    chain::Commit commit{height, 0, hash, {}};
    for (const crypto::KeyPair& k : validators) {
      const std::uint64_t vote_time = clock_ms + 1;
      commit.signatures.push_back(
          {k.public_key(), vote_time,
           k.sign(chain::vote_signing_bytes(genesis->chain_id, chain::kVotePrecommit, height, 0, hash, vote_time))});
    }
    app.finalize_block(block, commit);
    app.commit();
    last_commit = std::move(commit);
    set = set.advanced(1);
    if (height % 500 == 0 || height == blocks) {
      const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
      std::cerr << "filled " << height << " of " << blocks << " blocks (" << static_cast<std::uint64_t>(height / s)
                << " blocks/s)\n";
    }
  }
  std::cout << "{\"blocks\":" << blocks << ",\"txs_per_block\":" << txs_per_block << ",\"head_hash\":\""
            << crypto::to_hex(node.head().hash) << "\"}\n";
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  telco::crypto::init();
  CLI::App app{"telco-sync-fill: write full blocks, each with a commit of every given validator, into a home "
               "made by `telcod testnet` (the source of scripts/bench-sync.sh)"};
  std::filesystem::path home;
  std::vector<std::filesystem::path> keys;
  std::uint64_t blocks = 2000;
  std::size_t txs = 100, accounts = 1000;
  app.add_option("--home", home, "the validator home to fill (its store must be empty)")->required();
  app.add_option("--validator-key", keys, "a validator_key.json of the set; repeat for each signer (the first "
                                          "is the home's own)")->required();
  app.add_option("--blocks", blocks, "blocks to write")->capture_default_str();
  app.add_option("--txs-per-block", txs, "signed transfers per block")->capture_default_str();
  app.add_option("--accounts", accounts, "bench accounts 0..N-1 that the genesis funds (telco-bench accounts)")
      ->capture_default_str();
  CLI11_PARSE(app, argc, argv);
  spdlog::set_level(spdlog::level::warn);
  try {
    return fill(home, keys, blocks, txs, accounts);
  } catch (const std::exception& e) {
    std::cerr << "telco-sync-fill: " << e.what() << "\n";
    return 1;
  }
}
