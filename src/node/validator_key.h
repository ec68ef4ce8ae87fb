// The validator's signing key, HOME/validator_key.json. Like CometBFT's priv_validator_key it
// is stored unencrypted (mode 0600): a validator must restart unattended. Protect the host;
// a remote signer is the path for operators who need an HSM.
#pragma once

#include <filesystem>

#include "crypto/ed25519.h"

namespace telco::node {

void write_validator_key(const std::filesystem::path& path, const crypto::KeyPair& key);
// Throws std::runtime_error with a sentence if missing, malformed, inconsistent or readable
// by others.
crypto::KeyPair load_validator_key(const std::filesystem::path& path);

}  // namespace telco::node
