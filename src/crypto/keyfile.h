// Encrypted key files: the 32-byte Ed25519 seed sealed with XChaCha20-Poly1305 under a key
// derived from a passphrase by Argon2id. The JSON file also carries the public key and
// address in clear so a wallet can list keys without the passphrase; they are bound to
// the ciphertext as associated data, so swapping them is detected on unlock.
// Files are written with mode 0600 through a temporary file and rename (never half-written).
#pragma once

#include <filesystem>
#include <optional>
#include <string>

#include "crypto/ed25519.h"

namespace telco::crypto {

struct KeyfileCost {
  unsigned long long ops;
  std::size_t mem_bytes;
};
// libsodium's "moderate" Argon2id cost: about 0.5 s and 256 MiB here. Tests pass a cheaper one.
KeyfileCost default_keyfile_cost();
KeyfileCost test_keyfile_cost();

struct KeyfileInfo {
  PublicKey public_key;
  std::string address;
};

// Throws std::runtime_error with a sentence on I/O failure or if the file exists.
void write_keyfile(const std::filesystem::path& path, const KeyPair& key,
                   const std::string& passphrase, KeyfileCost cost);
// Reads the clear part; throws std::runtime_error if the file is missing or malformed.
KeyfileInfo read_keyfile_info(const std::filesystem::path& path);
// Throws std::runtime_error("wrong passphrase or corrupted key file") on a failed unseal.
KeyPair unlock_keyfile(const std::filesystem::path& path, const std::string& passphrase);

}  // namespace telco::crypto
