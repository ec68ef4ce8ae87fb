#include "bench_keys.h"

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <fstream>
#include <stdexcept>
#include <string>
#include <thread>

#include "crypto/hash.h"

namespace telco::bench {
namespace {
constexpr std::string_view kBenchKeyDomain = "telco/bench-key/v1";
}

crypto::Seed bench_seed(std::uint64_t index) {
  std::array<std::uint8_t, 8> le{};
  for (int i = 0; i < 8; ++i) le[i] = static_cast<std::uint8_t>(index >> (8 * i));
  return crypto::Hasher().update(kBenchKeyDomain).update(le).finish();
}

crypto::KeyPair bench_key(std::uint64_t index) { return crypto::KeyPair::from_seed(bench_seed(index)); }

std::vector<crypto::Address> bench_addresses(std::uint64_t first, std::size_t count, unsigned threads,
                                             const Progress& progress) {
  std::vector<crypto::Address> out(count);
  // Deriving a key is one scalar multiplication (~30 us): a million accounts is worth
  // spreading over every core. Work is handed out in chunks through one atomic cursor.
  constexpr std::size_t kChunk = 1024;
  std::atomic<std::size_t> next{0};
  std::atomic<std::size_t> done{0};
  auto work = [&] {
    for (;;) {
      const std::size_t begin = next.fetch_add(kChunk);
      if (begin >= count) return;
      const std::size_t end = std::min(count, begin + kChunk);
      for (std::size_t i = begin; i < end; ++i) {
        out[i] = crypto::Address::from_public_key(bench_key(first + i).public_key());
      }
      const std::size_t total = done.fetch_add(end - begin) + (end - begin);
      if (progress) progress(total);
    }
  };
  std::vector<std::thread> pool;
  for (unsigned t = 1; t < std::max(1u, threads); ++t) pool.emplace_back(work);
  work();
  for (auto& t : pool) t.join();
  return out;
}

void write_accounts_file(const std::filesystem::path& path, const std::vector<crypto::Address>& addresses,
                         std::uint64_t balance) {
  const std::filesystem::path tmp = path.string() + ".tmp";
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    if (!out) throw std::runtime_error("cannot create " + tmp.string());
    // Written by hand rather than through a JSON DOM: a million entries as nlohmann objects
    // would take about a gigabyte for a file of 80 MB.
    const std::string balance_text = std::to_string(balance);
    out << "[\n";
    for (std::size_t i = 0; i < addresses.size(); ++i) {
      out << "{\"address\":\"" << addresses[i].to_string() << "\",\"balance\":\"" << balance_text << "\"}"
          << (i + 1 < addresses.size() ? ",\n" : "\n");
    }
    out << "]\n";
    out.flush();
    if (!out) throw std::runtime_error("cannot write " + tmp.string() + " (disk full?)");
  }
  std::error_code ec;
  std::filesystem::rename(tmp, path, ec);
  if (ec) throw std::runtime_error("cannot rename " + tmp.string() + " to " + path.string() + ": " + ec.message());
}

}  // namespace telco::bench
