#include "console.h"

#include <algorithm>
#include <iostream>

namespace telco::bench {
namespace {
std::mutex g_log_mutex;
}

void log_line(const std::string& line) {
  std::lock_guard lock(g_log_mutex);
  std::cerr << line << '\n';
}

ProgressLine::ProgressLine(std::string what, std::size_t total)
    : what_(std::move(what)), total_(total), last_(std::chrono::steady_clock::now()) {}

void ProgressLine::operator()(std::size_t done) {
  std::lock_guard lock(mutex_);
  const auto now = std::chrono::steady_clock::now();
  if (now - last_ < std::chrono::seconds(1)) return;
  last_ = now;
  log_line(what_ + ": " + std::to_string(done) + "/" + std::to_string(total_) + " (" +
           std::to_string(done * 100 / std::max<std::size_t>(1, total_)) + "%)");
}

}  // namespace telco::bench
