#include "node/home.h"

#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <stdexcept>

#include "crypto/address.h"
#include "crypto/hash.h"
#include "node/validator_key.h"
#include "util/file.h"
#include "util/hex.h"

namespace telco::node {
namespace {

std::vector<chain::GenesisAccount> read_accounts_file(const std::filesystem::path& path) {
  std::ifstream in(path);
  if (!in) throw std::runtime_error("cannot open accounts file " + path.string());
  std::stringstream ss;
  ss << in.rdbuf();
  // Reuse the genesis parser's rules by wrapping the list in a minimal genesis document.
  nlohmann::json accounts = nlohmann::json::parse(ss.str(), nullptr, false);
  if (accounts.is_discarded() || !accounts.is_array()) {
    throw std::runtime_error("accounts file " + path.string() + " must be a JSON array of {address, balance}");
  }
  nlohmann::json doc = {{"chain_id", "x"},
                        {"genesis_time_ms", 0},
                        {"validators", {{{"name", "x"}, {"public_key", std::string(64, '1')}, {"power", 1}}}},
                        {"accounts", accounts}};
  return chain::parse_genesis_json(doc.dump()).accounts;
}

}  // namespace

InitResult init_home(const std::filesystem::path& home, const InitOptions& options) {
  if (std::filesystem::exists(home / "genesis.json") || std::filesystem::exists(home / "validator_key.json")) {
    throw std::runtime_error(home.string() + " already holds a node; pick another --home or remove it");
  }
  validate(options.config);
  std::filesystem::create_directories(home);
  std::filesystem::permissions(home, std::filesystem::perms::owner_all);

  const crypto::KeyPair validator = crypto::KeyPair::generate();
  const crypto::KeyPair demo = crypto::KeyPair::generate();
  chain::Genesis g;
  g.chain_id = options.chain_id;
  g.genesis_time_ms = options.genesis_time_ms;
  g.params = options.params;
  g.validators.push_back({"validator-0", validator.public_key(), 10});
  const crypto::Address demo_address = crypto::Address::from_public_key(demo.public_key());
  g.accounts.push_back({demo_address, options.demo_balance});
  if (!options.accounts_file.empty()) {
    for (const chain::GenesisAccount& a : read_accounts_file(options.accounts_file)) g.accounts.push_back(a);
  }
  chain::validate(g);  // duplicates between the demo account and the file, supply overflow

  write_validator_key(home / "validator_key.json", validator);
  write_validator_key(home / "node_key.json", crypto::KeyPair::generate());
  write_new_file(home / "demo_key.seed", to_hex(demo.seed()) + "\n", 0600);
  write_new_file(home / "config.json", config_to_json(options.config), 0644);
  // genesis.json last: its presence marks a complete home.
  write_new_file(home / "genesis.json", chain::genesis_to_json(g), 0644);
  return {crypto::Address::from_public_key(validator.public_key()).to_string(), demo_address.to_string(),
          home / "demo_key.seed"};
}

crypto::KeyPair load_or_create_node_key(const std::filesystem::path& home) {
  const auto path = home / "node_key.json";
  if (!std::filesystem::exists(path)) write_validator_key(path, crypto::KeyPair::generate());
  return load_validator_key(path);
}

JoinResult init_join(const std::filesystem::path& home, const std::filesystem::path& genesis_file,
                     const NodeConfig& config) {
  if (std::filesystem::exists(home / "genesis.json") || std::filesystem::exists(home / "validator_key.json")) {
    throw std::runtime_error(home.string() + " already holds a node; pick another --home or remove it");
  }
  const chain::Genesis g = chain::load_genesis(genesis_file);  // refuses a bad file before any write
  if (config.p2p.persistent_peers.empty()) {
    throw std::runtime_error("a joining node needs at least one --peer NODEID@HOST:PORT of the chain");
  }
  validate(config);
  std::filesystem::create_directories(home);
  std::filesystem::permissions(home, std::filesystem::perms::owner_all);
  const crypto::KeyPair validator = crypto::KeyPair::generate();
  const crypto::KeyPair node_key = crypto::KeyPair::generate();
  write_validator_key(home / "validator_key.json", validator);
  write_validator_key(home / "node_key.json", node_key);
  write_new_file(home / "config.json", config_to_json(config), 0644);
  write_new_file(home / "genesis.json", chain::genesis_to_json(g), 0644);
  return {to_hex(validator.public_key()), to_hex(node_key.public_key())};
}

TestnetResult init_testnet(const std::filesystem::path& dir, const InitOptions& options,
                           const TestnetOptions& testnet) {
  if (testnet.validators < 1 || testnet.validators > 100) throw std::runtime_error("--validators must be 1..100");
  if (std::size_t{testnet.api_port} + testnet.validators > 65536 ||
      std::size_t{testnet.p2p_port} + testnet.validators > 65536) {
    throw std::runtime_error("ports out of range");
  }
  if (std::filesystem::exists(dir / "demo_key.seed")) {
    throw std::runtime_error(dir.string() + " already holds a testnet; pick another directory or remove it");
  }
  std::vector<crypto::KeyPair> validators, node_keys;
  chain::Genesis g;
  g.chain_id = options.chain_id;
  g.genesis_time_ms = options.genesis_time_ms;
  g.params = options.params;
  for (std::size_t i = 0; i < testnet.validators; ++i) {
    validators.push_back(crypto::KeyPair::generate());
    node_keys.push_back(crypto::KeyPair::generate());
    g.validators.push_back({"validator-" + std::to_string(i), validators.back().public_key(), 10});
  }
  const crypto::KeyPair demo = crypto::KeyPair::generate();
  const crypto::Address demo_address = crypto::Address::from_public_key(demo.public_key());
  g.accounts.push_back({demo_address, options.demo_balance});
  // The devnet's demo key may change the validator set (telco validator update).
  g.validator_authorities.push_back(demo_address);
  if (!options.accounts_file.empty()) {
    for (const chain::GenesisAccount& a : read_accounts_file(options.accounts_file)) g.accounts.push_back(a);
  }
  chain::validate(g);
  const std::string genesis_json = chain::genesis_to_json(g);

  TestnetResult result;
  std::filesystem::create_directories(dir);
  for (std::size_t i = 0; i < testnet.validators; ++i) {
    const auto home = dir / ("validator-" + std::to_string(i));
    if (std::filesystem::exists(home / "genesis.json")) throw std::runtime_error(home.string() + " already holds a node");
    std::filesystem::create_directories(home);
    std::filesystem::permissions(home, std::filesystem::perms::owner_all);
    NodeConfig config = options.config;
    config.api.listen = testnet.host + ":" + std::to_string(testnet.api_port + i);
    config.p2p.listen = testnet.host + ":" + std::to_string(testnet.p2p_port + i);
    config.p2p.persistent_peers.clear();
    for (std::size_t j = 0; j < testnet.validators; ++j) {
      if (j == i) continue;
      config.p2p.persistent_peers.push_back(crypto::to_hex(node_keys[j].public_key()) + "@" + testnet.host + ":" +
                                            std::to_string(testnet.p2p_port + j));
    }
    validate(config);
    write_validator_key(home / "validator_key.json", validators[i]);
    write_validator_key(home / "node_key.json", node_keys[i]);
    write_new_file(home / "config.json", config_to_json(config), 0644);
    write_new_file(home / "genesis.json", genesis_json, 0644);
    result.homes.push_back(home);
    result.api_listen.push_back(config.api.listen);
  }
  write_new_file(dir / "demo_key.seed", to_hex(demo.seed()) + "\n", 0600);
  result.demo_address = demo_address.to_string();
  result.demo_seed_file = dir / "demo_key.seed";
  return result;
}

}  // namespace telco::node
