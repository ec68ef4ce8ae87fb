#include "keystore.h"

#include <pwd.h>
#include <sodium.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <iostream>
#include <system_error>

#include "cli_error.h"
#include "util/hex.h"

namespace telco::cli {
namespace fs = std::filesystem;

void validate_key_name(std::string_view name) {
  const bool ok_chars = std::all_of(name.begin(), name.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
           c == '_' || c == '-';
  });
  if (name.empty() || name.size() > kKeyNameBytesMax || !ok_chars || name.front() == '.') {
    throw UsageError("invalid key name '" + std::string(name) +
                     "': use 1 to 64 letters, digits, '.', '_' or '-', not starting with '.'");
  }
}

std::optional<crypto::Seed> parse_seed(std::string_view text, bool allow_raw) {
  crypto::Seed seed{};
  if (allow_raw && text.size() == seed.size() && !from_hex(text)) {
    std::copy(text.begin(), text.end(), seed.begin());
    return seed;
  }
  constexpr std::string_view kSpace = " \t\r\n";
  const std::size_t begin = text.find_first_not_of(kSpace);
  if (begin == std::string_view::npos) return std::nullopt;
  text = text.substr(begin, text.find_last_not_of(kSpace) - begin + 1);
  auto bytes = from_hex(text);
  if (!bytes || bytes->size() != seed.size()) {
    if (bytes) sodium_memzero(bytes->data(), bytes->size());
    return std::nullopt;
  }
  std::copy(bytes->begin(), bytes->end(), seed.begin());
  sodium_memzero(bytes->data(), bytes->size());
  return seed;
}

fs::path resolve_home(const std::string& option_value) {
  const bool needs_home = option_value.empty() || option_value == "~" || option_value.rfind("~/", 0) == 0;
  if (!needs_home) return fs::path(option_value);
  std::string user_home;
  if (const char* env = std::getenv("HOME"); env != nullptr && *env != '\0') {
    user_home = env;
  } else if (const passwd* pw = ::getpwuid(::getuid()); pw != nullptr && pw->pw_dir != nullptr) {
    user_home = pw->pw_dir;
  } else {
    throw CliError("no_home", "cannot find the home directory: set HOME, TELCO_HOME or --home");
  }
  if (option_value.empty()) return fs::path(user_home) / ".telco";
  if (option_value == "~") return fs::path(user_home);
  return fs::path(user_home) / option_value.substr(2);
}

fs::path Keystore::key_path(std::string_view name) const {
  validate_key_name(name);
  return keys_dir() / (std::string(name) + ".json");
}

bool Keystore::exists(std::string_view name) const {
  std::error_code ec;
  return fs::exists(key_path(name), ec);
}

void Keystore::ensure_keys_dir() const {
  for (const fs::path& dir : {home_, keys_dir()}) {
    std::error_code ec;
    if (fs::is_directory(dir, ec)) continue;
    // Parents of a custom --home are ordinary directories, like mkdir -p makes them.
    if (dir.has_parent_path()) fs::create_directories(dir.parent_path(), ec);
    // mkdir applies the mode atomically (minus the umask, which can only narrow 0700).
    if (::mkdir(dir.c_str(), 0700) != 0 && errno != EEXIST) {
      throw CliError("io_error", "cannot create directory " + dir.string() + ": " +
                                     std::error_code(errno, std::generic_category()).message());
    }
  }
  struct stat st {};
  if (::stat(keys_dir().c_str(), &st) == 0 && (st.st_mode & 0077) != 0) {
    std::cerr << "warning: " << keys_dir().string() << " is accessible by other users; run: chmod 700 "
              << keys_dir().string() << "\n";
  }
}

crypto::KeyfileInfo Keystore::info(std::string_view name) const {
  const fs::path path = key_path(name);
  std::error_code ec;
  if (!fs::exists(path, ec)) {
    throw CliError("key_not_found", "no key named '" + std::string(name) + "' (expected " + path.string() +
                                        "); create one with 'telco keys new " + std::string(name) + "'");
  }
  try {
    return crypto::read_keyfile_info(path);
  } catch (const std::exception& e) {
    throw CliError("bad_key_file", e.what());
  }
}

std::vector<KeyEntry> Keystore::list() const {
  std::vector<KeyEntry> out;
  std::error_code ec;
  if (!fs::is_directory(keys_dir(), ec)) return out;
  for (const auto& item : fs::directory_iterator(keys_dir(), ec)) {
    const fs::path& path = item.path();
    if (path.extension() != ".json" || !item.is_regular_file(ec)) continue;
    KeyEntry entry;
    entry.name = path.stem().string();
    entry.file = path;
    try {
      validate_key_name(entry.name);
      entry.info = crypto::read_keyfile_info(path);
    } catch (const std::exception& e) {
      entry.error = e.what();
    }
    out.push_back(std::move(entry));
  }
  if (ec) throw CliError("io_error", "cannot list " + keys_dir().string() + ": " + ec.message());
  std::sort(out.begin(), out.end(), [](const KeyEntry& a, const KeyEntry& b) { return a.name < b.name; });
  return out;
}

}  // namespace telco::cli
