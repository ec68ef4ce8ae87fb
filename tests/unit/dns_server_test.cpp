// The DNS listener's socket layer (src/dns/dns_server.h) with a stand-in answer function:
// every UDP datagram gets its answer whichever of the server's sockets the kernel gives it
// to, several sockets answer side by side, and TCP frames queries by their length prefix.
// Plain POSIX sockets on the client side, so this test includes no Asio.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "dns/dns_server.h"

namespace telco::dns {
namespace {

// A socket closed on scope exit.
class Fd {
 public:
  explicit Fd(int fd) : fd_(fd) {}
  ~Fd() {
    if (fd_ >= 0) ::close(fd_);
  }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  int get() const { return fd_; }

 private:
  int fd_;
};

sockaddr_in loopback(std::uint16_t port) {
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(port);
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  return a;
}

void set_timeout(int fd, int seconds) {
  timeval tv{seconds, 0};
  ASSERT_EQ(::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv), 0);
}

// Answers "q<n>" with "a<n>" and records which thread answered.
struct Echo {
  std::mutex mutex;
  std::set<std::thread::id> threads;
  AnswerFn fn() {
    return [this](ByteView query, Transport) {
      {
        std::lock_guard lock(mutex);
        threads.insert(std::this_thread::get_id());
      }
      Bytes out(query.begin(), query.end());
      if (!out.empty()) out[0] = 'a';
      // Long enough that answers overlap when several sockets are served at once.
      std::this_thread::sleep_for(std::chrono::microseconds(200));
      return out;
    };
  }
};

Bytes text(const std::string& s) { return Bytes(s.begin(), s.end()); }

// A server on a port the kernel picks, with `threads` UDP sockets.
DnsServerConfig on_any_port(unsigned threads) {
  DnsServerConfig config;
  config.port = 0;
  config.io_threads = threads;
  return config;
}

TEST(DnsServer, EveryUdpQueryFromManySourcePortsIsAnsweredAndSocketsRunInParallel) {
  Echo echo;
  DnsServer server(on_any_port(3), echo.fn());
  server.start();
  const sockaddr_in to = loopback(server.port());

  // 48 clients, each its own socket (own source port), like a resolver's randomised ports.
  constexpr int kClients = 48, kQueries = 20;
  std::vector<std::thread> clients;
  std::mutex failures_mutex;
  std::vector<std::string> failures;
  for (int c = 0; c < kClients; ++c) {
    clients.emplace_back([&, c] {
      Fd fd(::socket(AF_INET, SOCK_DGRAM, 0));
      set_timeout(fd.get(), 5);
      for (int q = 0; q < kQueries; ++q) {
        const std::string query = "q" + std::to_string(c) + "-" + std::to_string(q);
        ::sendto(fd.get(), query.data(), query.size(), 0, reinterpret_cast<const sockaddr*>(&to), sizeof to);
        char buf[512];
        const ssize_t n = ::recv(fd.get(), buf, sizeof buf, 0);
        const std::string want = "a" + query.substr(1);
        if (n < 0 || std::string(buf, static_cast<std::size_t>(n)) != want) {
          std::lock_guard lock(failures_mutex);
          failures.push_back(query);
        }
      }
    });
  }
  for (std::thread& t : clients) t.join();
  EXPECT_TRUE(failures.empty()) << failures.size() << " queries unanswered or misanswered, first " << failures[0];
  // The kernel hashes source ports over the three sockets: 48 ports all on one socket has a
  // probability of 3 * 3^-48.
  server.stop();
  EXPECT_GE(echo.threads.size(), 2u) << "all UDP queries were answered by one thread";
}

TEST(DnsServer, TcpQueriesAreFramedByTheirLengthPrefix) {
  Echo echo;
  DnsServer server(on_any_port(2), echo.fn());
  server.start();
  const sockaddr_in to = loopback(server.port());
  Fd fd(::socket(AF_INET, SOCK_STREAM, 0));
  set_timeout(fd.get(), 5);
  ASSERT_EQ(::connect(fd.get(), reinterpret_cast<const sockaddr*>(&to), sizeof to), 0);
  for (const std::string query : {"q-first", "q-second-longer"}) {
    Bytes framed = {0, static_cast<std::uint8_t>(query.size())};
    const Bytes body = text(query);
    framed.insert(framed.end(), body.begin(), body.end());
    ASSERT_EQ(::send(fd.get(), framed.data(), framed.size(), 0), static_cast<ssize_t>(framed.size()));
    std::uint8_t reply[64];
    std::size_t got = 0;
    while (got < 2 + query.size()) {
      const ssize_t n = ::recv(fd.get(), reply + got, sizeof reply - got, 0);
      ASSERT_GT(n, 0) << "connection closed or timed out";
      got += static_cast<std::size_t>(n);
    }
    EXPECT_EQ(reply[0], 0);
    EXPECT_EQ(reply[1], query.size());
    EXPECT_EQ(std::string(reinterpret_cast<char*>(reply) + 2, query.size()), "a" + query.substr(1));
  }
  server.stop();
}

TEST(DnsServer, APortInUseIsAClearError) {
  Echo echo;
  DnsServerConfig config = on_any_port(1);
  DnsServer first(config, echo.fn());
  first.start();
  config.port = first.port();
  DnsServer second(config, echo.fn());
  try {
    second.start();
    FAIL() << "a second server bound the same TCP port";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("cannot listen on 127.0.0.1:" + std::to_string(config.port)),
              std::string::npos)
        << e.what();
  }
  first.stop();
}

}  // namespace
}  // namespace telco::dns
