// telco-p2p-bench: throughput of the p2p host over loopback. Two hosts in one process (each
// with its own io thread and delivery thread), one authenticated encrypted connection, one
// channel; the sender keeps at most --window-bytes unacknowledged by the receiver's callback
// in flight (so the send queue never overflows and nothing is dropped), for --seconds per
// message size. Prints one line per size and a final JSON line:
//   {"results":[{"size":200,"messages":..,"seconds":..,"msgs_per_s":..,"mb_per_s":..},..]}
// MB/s counts payload bytes (10^6 bytes); framing, fragment headers and tags are extra.
//
//   telco-p2p-bench [--sizes 200,65536] [--seconds 3] [--window-bytes 8388608]
#include <spdlog/spdlog.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "p2p/host.h"

namespace {

using namespace telco;
using namespace telco::p2p;
using Clock = std::chrono::steady_clock;

constexpr ChannelId kChannel = kChannelMempool;
constexpr std::size_t kMessageBytesMax = 1 << 20;

struct Options {
  std::vector<std::size_t> sizes = {200, 64 * 1024};
  double seconds = 3;
  std::size_t window_bytes = 8 << 20;
};

Options parse(int argc, char** argv) {
  Options o;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string flag = argv[i];
    const std::string value = argv[i + 1];
    if (flag == "--seconds") {
      o.seconds = std::stod(value);
    } else if (flag == "--window-bytes") {
      o.window_bytes = std::stoul(value);
    } else if (flag == "--sizes") {
      o.sizes.clear();
      std::size_t start = 0;
      while (start <= value.size()) {
        const auto comma = value.find(',', start);
        o.sizes.push_back(std::stoul(value.substr(start, comma - start)));
        if (comma == std::string::npos) break;
        start = comma + 1;
      }
    } else {
      std::fprintf(stderr, "usage: telco-p2p-bench [--sizes 200,65536] [--seconds 3] [--window-bytes N]\n");
      std::exit(2);
    }
  }
  for (const std::size_t s : o.sizes) {
    if (s == 0 || s > kMessageBytesMax) {
      std::fprintf(stderr, "sizes must be 1..%zu\n", kMessageBytesMax);
      std::exit(2);
    }
  }
  return o;
}

HostConfig config() {
  HostConfig c;
  c.chain_id = "telco-bench";
  c.listen_address = "127.0.0.1";
  c.port = 0;
  c.peer_exchange = false;
  c.inbound_rate.bytes_per_second = 0;
  c.inbound_rate.messages_per_second = 0;
  c.channels = {{.id = kChannel, .priority = 1, .message_bytes_max = kMessageBytesMax, .queue_messages_max = 1'000'000,
                 .queue_bytes_max = 256 << 20}};
  c.undelivered_bytes_max = 16 << 20;
  auto log = spdlog::default_logger()->clone("p2p-bench");
  log->set_level(spdlog::level::warn);
  c.logger = log;
  return c;
}

struct Receiver {
  std::mutex mutex;
  std::condition_variable cv;
  std::atomic<std::uint64_t> messages{0};
  std::atomic<std::uint64_t> bytes{0};
  std::atomic<bool> up{false};
};

}  // namespace

int main(int argc, char** argv) {
  const Options options = parse(argc, argv);
  Receiver rx;
  HostHandlers rh;
  rh.on_message = [&](const NodeId&, ChannelId, Bytes payload) {
    rx.bytes.fetch_add(payload.size(), std::memory_order_relaxed);
    rx.messages.fetch_add(1, std::memory_order_release);
    rx.cv.notify_one();
  };
  rh.on_peer_up = [&](const PeerInfo&) {
    rx.up = true;
    rx.cv.notify_one();
  };
  HostHandlers sh;
  std::atomic<bool> sender_up{false};
  sh.on_peer_up = [&](const PeerInfo&) { sender_up = true; };
  const auto receiver_key = crypto::KeyPair::generate();
  Host receiver(config(), receiver_key, rh);
  Host sender(config(), crypto::KeyPair::generate(), sh);
  receiver.start();
  sender.start();
  sender.dial(node_id_hex(receiver.node_id()) + "@127.0.0.1:" + std::to_string(receiver.port()));
  const auto deadline = Clock::now() + std::chrono::seconds(10);
  while (!(sender_up && rx.up) && Clock::now() < deadline) std::this_thread::sleep_for(std::chrono::milliseconds(5));
  if (!(sender_up && rx.up)) {
    std::fprintf(stderr, "p2p-bench: the hosts did not connect\n");
    return 1;
  }
  const NodeId to = receiver.node_id();

  std::string json = "{\"results\":[";
  for (std::size_t r = 0; r < options.sizes.size(); ++r) {
    const std::size_t size = options.sizes[r];
    const std::uint64_t window = std::max<std::uint64_t>(1, options.window_bytes / size);
    const std::uint64_t base = rx.messages.load();
    const Bytes payload(size, 0x42);
    std::uint64_t sent = 0;
    const auto start = Clock::now();
    const auto stop_at = start + std::chrono::duration<double>(options.seconds);
    while (Clock::now() < stop_at) {
      {
        std::unique_lock lock(rx.mutex);
        rx.cv.wait_for(lock, std::chrono::milliseconds(100), [&] { return sent - (rx.messages.load() - base) < window; });
      }
      const std::uint64_t room = window - std::min(window, sent - (rx.messages.load() - base));
      for (std::uint64_t i = 0; i < room; ++i) {
        if (sender.send(to, kChannel, payload) != SendResult::kQueued) {
          std::fprintf(stderr, "p2p-bench: send failed\n");
          return 1;
        }
        ++sent;
      }
    }
    {
      std::unique_lock lock(rx.mutex);
      rx.cv.wait_for(lock, std::chrono::seconds(30), [&] { return rx.messages.load() - base == sent; });
    }
    const double seconds = std::chrono::duration<double>(Clock::now() - start).count();
    const std::uint64_t got = rx.messages.load() - base;
    const double msgs_per_s = static_cast<double>(got) / seconds;
    const double mb_per_s = static_cast<double>(got) * static_cast<double>(size) / seconds / 1e6;
    std::fprintf(stderr, "p2p-bench: %7zu-byte messages: %10.0f msgs/s  %8.1f MB/s  (%llu in %.2f s)\n", size,
                 msgs_per_s, mb_per_s, static_cast<unsigned long long>(got), seconds);
    char item[256];
    std::snprintf(item, sizeof(item),
                  "%s{\"size\":%zu,\"messages\":%llu,\"seconds\":%.3f,\"msgs_per_s\":%.0f,\"mb_per_s\":%.1f}",
                  r ? "," : "", size, static_cast<unsigned long long>(got), seconds, msgs_per_s, mb_per_s);
    json += item;
    if (got != sent) {
      std::fprintf(stderr, "p2p-bench: %llu of %llu messages arrived\n", static_cast<unsigned long long>(got),
                   static_cast<unsigned long long>(sent));
      return 1;
    }
  }
  json += "]}";
  std::printf("%s\n", json.c_str());
  sender.stop();
  receiver.stop();
  return 0;
}
