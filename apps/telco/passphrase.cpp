#include "passphrase.h"

#include <fcntl.h>
#include <sodium.h>
#include <termios.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstdlib>

#include "cli_error.h"

namespace telco::cli {
namespace {

// The terminal state to restore if SIGINT/SIGTERM arrives while echo is off; without this a
// Ctrl-C at the prompt would leave the user's shell not echoing what they type.
volatile std::sig_atomic_t g_restore_armed = 0;
int g_tty_fd = -1;
termios g_saved_termios{};

extern "C" void restore_terminal_and_reraise(int sig) {
  if (g_restore_armed != 0) {
    ::tcsetattr(g_tty_fd, TCSAFLUSH, &g_saved_termios);
    (void)!::write(g_tty_fd, "\n", 1);
  }
  std::signal(sig, SIG_DFL);
  std::raise(sig);
}

class Tty {
 public:
  Tty() : fd_(::open("/dev/tty", O_RDWR | O_CLOEXEC | O_NOCTTY)) {}
  ~Tty() {
    if (fd_ >= 0) ::close(fd_);
  }
  Tty(const Tty&) = delete;
  Tty& operator=(const Tty&) = delete;
  bool ok() const { return fd_ >= 0; }

  void write_text(std::string_view text) const { (void)!::write(fd_, text.data(), text.size()); }

  // Reads one line with echo off; the terminal is restored on every path.
  Secret read_hidden(std::string_view prompt) const {
    write_text(prompt);
    termios saved{};
    const bool have_termios = ::tcgetattr(fd_, &saved) == 0;
    if (have_termios) {
      g_tty_fd = fd_;
      g_saved_termios = saved;
      g_restore_armed = 1;
      auto* old_int = std::signal(SIGINT, restore_terminal_and_reraise);
      auto* old_term = std::signal(SIGTERM, restore_terminal_and_reraise);
      termios quiet = saved;
      quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
      quiet.c_lflag |= ECHONL;
      ::tcsetattr(fd_, TCSAFLUSH, &quiet);
      Secret line = read_line();
      ::tcsetattr(fd_, TCSAFLUSH, &saved);
      g_restore_armed = 0;
      std::signal(SIGINT, old_int);
      std::signal(SIGTERM, old_term);
      return line;
    }
    return read_line();
  }

 private:
  Secret read_line() const {
    std::string line;
    line.reserve(kPassphraseBytesMax + 1);  // never reallocates, so no unwiped copy is left behind
    char c = 0;
    while (true) {
      const ssize_t n = ::read(fd_, &c, 1);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0 || c == '\n') break;
      if (c == '\r') continue;
      if (line.size() >= kPassphraseBytesMax) {
        sodium_memzero(line.data(), line.size());
        throw CliError("bad_passphrase",
                       "passphrase is longer than " + std::to_string(kPassphraseBytesMax) + " bytes");
      }
      line.push_back(c);
    }
    return Secret(std::move(line));
  }

  int fd_;
};

}  // namespace

Secret& Secret::operator=(Secret&& other) {
  if (this == &other) return *this;
  wipe();
  value_ = other.value_;
  other.wipe();
  return *this;
}

void Secret::wipe() {
  if (!value_.empty()) sodium_memzero(value_.data(), value_.size());
  value_.clear();
}

bool passphrase_from_env() { return std::getenv(kPassphraseEnv) != nullptr; }

Secret read_passphrase(std::string_view prompt, PassphrasePurpose purpose) {
  if (const char* env = std::getenv(kPassphraseEnv); env != nullptr) return Secret(env);
  Tty tty;
  if (!tty.ok()) {
    throw CliError("no_passphrase",
                   std::string("no passphrase: set ") + kPassphraseEnv + " or run telco from a terminal");
  }
  Secret first = tty.read_hidden(prompt);
  if (purpose == PassphrasePurpose::kUnlock) return first;
  if (first.value().empty()) throw CliError("bad_passphrase", "the passphrase must not be empty");
  Secret second = tty.read_hidden("Repeat passphrase: ");
  if (first.value() != second.value()) throw CliError("passphrase_mismatch", "the two passphrases differ");
  return first;
}

}  // namespace telco::cli
