// Human progress output of the load generator: whole lines on stderr, never interleaved
// between threads. stdout is reserved for the machine-readable result.
#pragma once

#include <chrono>
#include <cstddef>
#include <mutex>
#include <string>

namespace telco::bench {

void log_line(const std::string& line);

// Prints "what: done/total (p%)" at most once a second, from any thread; a phase shorter
// than a second prints nothing.
class ProgressLine {
 public:
  ProgressLine(std::string what, std::size_t total);
  void operator()(std::size_t done);

 private:
  std::string what_;
  std::size_t total_;
  std::mutex mutex_;
  std::chrono::steady_clock::time_point last_;
};

}  // namespace telco::bench
