// The wallet's files: HOME/keys/NAME.json, one encrypted key file each (crypto/keyfile.h).
// HOME defaults to ~/.telco; both directories are created with mode 0700 because a key file
// leaks its address and public key in clear, and its ciphertext invites offline guessing.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "crypto/keyfile.h"

namespace telco::cli {

inline constexpr std::size_t kKeyNameBytesMax = 64;

// Key names become file names: 1..64 of [A-Za-z0-9._-], not starting with '.' (so never
// "..", a hidden file or a path). Throws UsageError otherwise.
void validate_key_name(std::string_view name);

// "" → $HOME/.telco; a leading "~/" is expanded (TELCO_HOME from a config file is not
// expanded by a shell). Throws CliError when HOME is needed but unknown.
std::filesystem::path resolve_home(const std::string& option_value);

struct KeyEntry {
  std::string name;
  std::filesystem::path file;
  crypto::KeyfileInfo info;  // valid when error is empty
  std::string error;         // why the file could not be read
};

// Pure: an Ed25519 seed given as 64 hex digits (surrounding whitespace ignored), or — for
// --seed-file — exactly 32 raw bytes. nullopt for anything else.
std::optional<crypto::Seed> parse_seed(std::string_view text, bool allow_raw);

class Keystore {
 public:
  explicit Keystore(std::filesystem::path home) : home_(std::move(home)) {}

  const std::filesystem::path& home() const { return home_; }
  std::filesystem::path keys_dir() const { return home_ / "keys"; }
  std::filesystem::path key_path(std::string_view name) const;
  bool exists(std::string_view name) const;

  // Creates HOME and HOME/keys (0700) if needed; warns on stderr when an existing keys
  // directory is readable by others. Throws CliError on failure.
  void ensure_keys_dir() const;
  // The clear part of a key file; throws CliError("key_not_found") naming the file and the
  // command that creates one.
  crypto::KeyfileInfo info(std::string_view name) const;
  // Every *.json key file, sorted by name; unreadable files are listed with their error.
  std::vector<KeyEntry> list() const;

 private:
  std::filesystem::path home_;
};

}  // namespace telco::cli
