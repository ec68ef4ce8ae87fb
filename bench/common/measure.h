// Small measuring helpers shared by the store benches (telco-smt-bench,
// telco-device-store-bench): wall and CPU clocks, peak RSS, directory sizes, percentiles,
// and a one-line progress report on stderr.
#pragma once

#include <sys/resource.h>
#include <time.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <vector>

namespace telco::bench {

inline double seconds_since(std::chrono::steady_clock::time_point t) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t).count();
}

// CPU seconds of a clock: on a shared 2-core machine wall time measures the neighbours too,
// CPU time does not, so the benches report both.
inline double cpu_s(clockid_t clock) {
  timespec ts{};
  clock_gettime(clock, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) / 1e9;
}
inline double thread_cpu_s() { return cpu_s(CLOCK_THREAD_CPUTIME_ID); }
inline double process_cpu_s() { return cpu_s(CLOCK_PROCESS_CPUTIME_ID); }

inline double peak_rss_mib() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return static_cast<double>(u.ru_maxrss) / 1024.0;
}

inline std::uint64_t dir_bytes(const std::filesystem::path& dir) {
  std::uint64_t n = 0;
  for (const auto& e : std::filesystem::recursive_directory_iterator(dir)) {
    if (e.is_regular_file()) n += e.file_size();
  }
  return n;
}

// The p-quantile (0..1) of v, nearest rank; 0 for an empty v.
inline double percentile(std::vector<double> v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  return v[std::min(v.size() - 1, static_cast<std::size_t>(p * static_cast<double>(v.size())))];
}

inline void progress(const char* phase, std::uint64_t done, std::uint64_t total, double rate,
                     const char* unit) {
  std::fprintf(stderr, "\r%-7s %llu/%llu  %.0f %s      ", phase, static_cast<unsigned long long>(done),
               static_cast<unsigned long long>(total), rate, unit);
  if (done == total) std::fputc('\n', stderr);
  std::fflush(stderr);
}

}  // namespace telco::bench
