// State shared by all commands: the global options and the helpers every command needs
// (node client, key store, output in human or --json form, unlocking a key).
#pragma once

#include <functional>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "crypto/address.h"
#include "crypto/ed25519.h"
#include "keystore.h"
#include "node_client.h"

namespace telco::cli {

inline constexpr const char* kDefaultNode = "http://127.0.0.1:8640";
inline constexpr double kDefaultTimeoutS = 10.0;
// Interactive unlocks allow a few typos; a passphrase from the environment gets one try.
inline constexpr int kUnlockAttemptsMax = 3;

struct GlobalOptions {
  std::string node = kDefaultNode;
  std::string home;  // "" = ~/.telco
  std::string key = "default";
  bool json = false;
  double timeout_s = kDefaultTimeoutS;
};

class Context {
 public:
  GlobalOptions options;
  // Set by the chosen subcommand while parsing; main runs it after parsing succeeded, so a
  // usage error never half-runs a command. Returns the exit code.
  std::function<int()> action;

  NodeClient node() const;  // throws UsageError for a bad --node or --timeout
  Keystore keystore() const;
  // Prints `json` on one line with --json, else `human` as it is, to stdout.
  void emit(const nlohmann::json& json, std::string_view human) const;
  // Reads the passphrase and unlocks the key file; throws CliError("wrong_passphrase").
  crypto::KeyPair unlock(std::string_view key_name) const;
  // ADDRESS argument of balance/account/send: a tc1... address, or the name of a local key;
  // "" means the --key key. Throws UsageError when it is neither.
  crypto::Address resolve_address(std::string_view arg, std::string_view what) const;
};

}  // namespace telco::cli
