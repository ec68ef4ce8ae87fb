#include "node/home.h"

#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <stdexcept>

#include "crypto/address.h"
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
  write_new_file(home / "demo_key.seed", to_hex(demo.seed()) + "\n", 0600);
  write_new_file(home / "config.json", config_to_json(options.config), 0644);
  // genesis.json last: its presence marks a complete home.
  write_new_file(home / "genesis.json", chain::genesis_to_json(g), 0644);
  return {crypto::Address::from_public_key(validator.public_key()).to_string(), demo_address.to_string(),
          home / "demo_key.seed"};
}

}  // namespace telco::node
