#include "node/validator_key.h"

#include <sys/stat.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <stdexcept>

#include "crypto/address.h"
#include "util/file.h"
#include "util/hex.h"

namespace telco::node {

void write_validator_key(const std::filesystem::path& path, const crypto::KeyPair& key) {
  nlohmann::json j = {{"public_key", to_hex(key.public_key())},
                      {"address", crypto::Address::from_public_key(key.public_key()).to_string()},
                      {"seed", to_hex(key.seed())}};
  write_new_file(path, j.dump(2) + "\n", 0600);
}

crypto::KeyPair load_validator_key(const std::filesystem::path& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) throw std::runtime_error("validator key " + path.string() + " not found; run `telcod init`");
  if ((st.st_mode & 077) != 0) {
    throw std::runtime_error("validator key " + path.string() + " is readable by other users; chmod 600 it");
  }
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  const nlohmann::json j = nlohmann::json::parse(ss.str(), nullptr, false);
  if (j.is_discarded() || !j.is_object() || !j.contains("seed") || !j["seed"].is_string()) {
    throw std::runtime_error("validator key " + path.string() + " is malformed");
  }
  auto seed = from_hex(j["seed"].get<std::string>());
  if (!seed || seed->size() != 32) throw std::runtime_error("validator key " + path.string() + " has a malformed seed");
  crypto::Seed s;
  std::copy(seed->begin(), seed->end(), s.begin());
  crypto::KeyPair key = crypto::KeyPair::from_seed(s);
  if (j.contains("public_key") && j["public_key"] != to_hex(key.public_key())) {
    throw std::runtime_error("validator key " + path.string() + ": public key does not match the seed");
  }
  return key;
}

}  // namespace telco::node
