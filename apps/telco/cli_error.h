// The two ways a telco command fails, and the exit codes scripts can rely on:
//   0  success
//   1  the operation failed or was rejected (node unreachable, tx rejected, wrong passphrase)
//   2  usage error (bad arguments: malformed address, amount, key name, URL)
// Each error carries a stable snake_case code (printed in --json mode) and one sentence.
#pragma once

#include <stdexcept>
#include <string>

namespace telco::cli {

inline constexpr int kExitOk = 0;
inline constexpr int kExitFailed = 1;
inline constexpr int kExitUsage = 2;

class CliError : public std::runtime_error {
 public:
  CliError(std::string code, const std::string& message, int exit_code = kExitFailed)
      : std::runtime_error(message), code_(std::move(code)), exit_code_(exit_code) {}

  const std::string& code() const { return code_; }
  int exit_code() const { return exit_code_; }

 private:
  std::string code_;
  int exit_code_;
};

// The user asked for something malformed; running it again unchanged cannot succeed.
class UsageError : public CliError {
 public:
  explicit UsageError(const std::string& message) : CliError("usage", message, kExitUsage) {}
};

}  // namespace telco::cli
