#include "verify_rate.h"

#include <sodium.h>

#include <array>
#include <atomic>
#include <chrono>
#include <stdexcept>
#include <thread>
#include <vector>

#include "bench_keys.h"
#include "crypto/hash.h"

namespace telco::bench {
namespace {

// A transfer's signing bytes: domain (15) + version, chain id, sender, nonce, fee, type,
// payload (~136) come to about 150 bytes.
constexpr std::size_t kMessageBytes = 150;
// Several distinct (key, message) pairs per thread, so the loop cannot be short-circuited
// by anything that remembers the last input.
constexpr std::size_t kSamples = 16;

struct Sample {
  crypto::PublicKey key;
  std::array<std::uint8_t, kMessageBytes> message;
  crypto::Signature signature;
};

std::vector<Sample> make_samples(unsigned thread) {
  std::vector<Sample> samples(kSamples);
  for (std::size_t i = 0; i < kSamples; ++i) {
    // Indexes far above any bench account, so no real bench key is reused here.
    const crypto::KeyPair key = bench_key((1ULL << 40) + thread * kSamples + i);
    Sample& s = samples[i];
    s.key = key.public_key();
    for (std::size_t b = 0; b < kMessageBytes; ++b) s.message[b] = static_cast<std::uint8_t>(b * 31 + i + thread);
    s.signature = key.sign(s.message);
  }
  return samples;
}

}  // namespace

VerifyRate measure_verify_rate(double seconds, unsigned threads) {
  crypto::init();
  if (threads == 0) threads = std::max(1u, std::thread::hardware_concurrency());
  using Clock = std::chrono::steady_clock;
  std::vector<std::vector<Sample>> samples;
  for (unsigned t = 0; t < threads; ++t) samples.push_back(make_samples(t));

  std::vector<std::uint64_t> counts(threads, 0);
  std::atomic<unsigned> ready{0};
  std::atomic<bool> go{false};
  std::atomic<bool> stop{false};
  std::atomic<int> failures{0};
  auto worker = [&](unsigned t) {
    ready.fetch_add(1);
    while (!go.load(std::memory_order_acquire)) std::this_thread::yield();
    std::uint64_t n = 0;
    // The stop flag is read every 64 verifications (~5 ms): negligible next to the work.
    while (!stop.load(std::memory_order_relaxed)) {
      for (int k = 0; k < 64; ++k) {
        const Sample& s = samples[t][n % kSamples];
        if (crypto_sign_verify_detached(s.signature.data(), s.message.data(), s.message.size(), s.key.data()) != 0) {
          failures.fetch_add(1);
        }
        ++n;
      }
    }
    counts[t] = n;
  };
  std::vector<std::thread> pool;
  for (unsigned t = 0; t < threads; ++t) pool.emplace_back(worker, t);
  while (ready.load() < threads) std::this_thread::yield();
  const auto start = Clock::now();
  go.store(true, std::memory_order_release);
  std::this_thread::sleep_for(std::chrono::duration<double>(seconds));
  stop.store(true);
  for (auto& t : pool) t.join();
  const double elapsed = std::chrono::duration<double>(Clock::now() - start).count();
  if (failures.load() != 0) throw std::logic_error("a valid signature failed to verify in the verify benchmark");

  std::uint64_t total = 0;
  for (auto c : counts) total += c;
  VerifyRate r;
  r.threads = threads;
  r.seconds = elapsed;
  r.message_bytes = kMessageBytes;
  r.per_s = static_cast<double>(total) / elapsed;
  r.per_s_per_core = r.per_s / threads;
  return r;
}

}  // namespace telco::bench
