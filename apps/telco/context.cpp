#include "context.h"

#include <chrono>
#include <cmath>
#include <iostream>

#include "cli_error.h"
#include "passphrase.h"

namespace telco::cli {

NodeClient Context::node() const {
  if (!(options.timeout_s > 0) || options.timeout_s > 3600) {
    throw UsageError("--timeout must be more than 0 and at most 3600 seconds");
  }
  const auto timeout =
      std::chrono::milliseconds(static_cast<std::int64_t>(std::ceil(options.timeout_s * 1000)));
  return NodeClient(parse_node_url(options.node), timeout);
}

Keystore Context::keystore() const { return Keystore(resolve_home(options.home)); }

void Context::emit(const nlohmann::json& json, std::string_view human) const {
  if (options.json) {
    // Invalid UTF-8 from the node is replaced rather than aborting the whole output.
    std::cout << json.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) << "\n";
  } else {
    std::cout << human;
    if (!human.empty() && human.back() != '\n') std::cout << "\n";
  }
  std::cout.flush();
}

crypto::KeyPair Context::unlock(std::string_view key_name) const {
  const Keystore store = keystore();
  const crypto::KeyfileInfo info = store.info(key_name);  // fails before prompting if missing
  const int attempts = passphrase_from_env() ? 1 : kUnlockAttemptsMax;
  for (int attempt = 1;; ++attempt) {
    const Secret passphrase =
        read_passphrase("Passphrase for key '" + std::string(key_name) + "' (" + info.address + "): ",
                        PassphrasePurpose::kUnlock);
    try {
      return crypto::unlock_keyfile(store.key_path(key_name), passphrase.value());
    } catch (const std::exception& e) {
      const bool wrong = std::string_view(e.what()).find("wrong passphrase") != std::string_view::npos;
      if (!wrong) throw CliError("bad_key_file", e.what());
      if (attempt >= attempts) {
        throw CliError("wrong_passphrase", "wrong passphrase for key '" + std::string(key_name) +
                                               "' (or its key file is corrupted)");
      }
      std::cerr << "Wrong passphrase, try again.\n";
    }
  }
}

crypto::Address Context::resolve_address(std::string_view arg, std::string_view what) const {
  const std::string_view name = arg.empty() ? std::string_view(options.key) : arg;
  if (!arg.empty()) {
    if (auto address = crypto::Address::parse(arg)) return *address;
  }
  const Keystore store = keystore();
  bool valid_name = true;
  try {
    validate_key_name(name);
  } catch (const UsageError&) {
    valid_name = false;
  }
  if (!arg.empty() && (!valid_name || !store.exists(name))) {
    throw UsageError(std::string(what) + " '" + std::string(arg) +
                     "' is neither a valid tc1... address nor the name of a key in " +
                     store.keys_dir().string());
  }
  const auto address = crypto::Address::parse(store.info(name).address);
  if (!address) throw CliError("bad_key_file", "key '" + std::string(name) + "' has a malformed address");
  return *address;
}

}  // namespace telco::cli
