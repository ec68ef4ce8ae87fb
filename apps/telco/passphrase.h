// Where passphrases come from: TELCO_PASSPHRASE when it is set (even to "", for scripts and
// tests), otherwise the controlling terminal with echo off. Never from a pipe on stdin, so a
// script cannot hang on a prompt it does not know about.
#pragma once

#include <string>
#include <string_view>

namespace telco::cli {

inline constexpr const char* kPassphraseEnv = "TELCO_PASSPHRASE";
inline constexpr std::size_t kPassphraseBytesMax = 1024;

// A passphrase that is wiped from memory when it goes out of scope.
class Secret {
 public:
  Secret() = default;
  explicit Secret(std::string value) : value_(std::move(value)) {}
  // Copies then wipes rather than moving: a moved-from short string keeps its bytes in the
  // small-string buffer, where wipe() would no longer see them.
  Secret(Secret&& other) : value_(other.value_) { other.wipe(); }
  Secret& operator=(Secret&& other);
  Secret(const Secret&) = delete;
  Secret& operator=(const Secret&) = delete;
  ~Secret() { wipe(); }

  const std::string& value() const { return value_; }

 private:
  void wipe();
  std::string value_;
};

enum class PassphrasePurpose {
  kUnlock,  // asked once
  kCreate,  // asked twice, must match and be non-empty on a terminal
};

// True when the passphrase comes from the environment (then a wrong one is not re-asked).
bool passphrase_from_env();
// Throws CliError("no_passphrase") when the environment has none and there is no terminal,
// and CliError("passphrase_mismatch") when the two entries of kCreate differ.
Secret read_passphrase(std::string_view prompt, PassphrasePurpose purpose);

}  // namespace telco::cli
