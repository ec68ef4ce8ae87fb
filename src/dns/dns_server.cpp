#include "dns/dns_server.h"

#include <sys/socket.h>

// Boost 1.74's Asio headers need <utility> first with g++ 12 (docs/TOOLCHAIN.md).
#include <algorithm>
#include <array>
#include <atomic>
#include <chrono>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ip/udp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/write.hpp>
#include <cerrno>
#include <stdexcept>
#include <thread>
#include <utility>
#include <vector>

namespace telco::dns {
namespace {

namespace asio = boost::asio;
using udp = asio::ip::udp;
using tcp = asio::ip::tcp;
// Asio has no portable name for it; Linux has had SO_REUSEPORT for UDP since 3.9.
using ReusePort = asio::detail::socket_option::boolean<SOL_SOCKET, SO_REUSEPORT>;

class TcpConnection : public std::enable_shared_from_this<TcpConnection> {
 public:
  TcpConnection(tcp::socket socket, const AnswerFn& answer, const DnsServerConfig& config,
                std::atomic<std::size_t>& open)
      : socket_(std::move(socket)),
        timer_(socket_.get_executor()),
        answer_(answer),
        config_(config),
        open_(open) {}
  ~TcpConnection() { --open_; }

  void start() { read_length(); }

 private:
  void arm_timer() {
    timer_.expires_after(config_.tcp_idle_timeout);
    timer_.async_wait([self = shared_from_this()](const boost::system::error_code& ec) {
      if (!ec) {
        boost::system::error_code ignored;
        self->socket_.close(ignored);
      }
    });
  }

  void read_length() {
    if (queries_++ >= config_.tcp_queries_max) return;
    arm_timer();
    asio::async_read(socket_, asio::buffer(length_),
                     [self = shared_from_this()](const boost::system::error_code& ec, std::size_t) {
                       if (ec) return;
                       const std::size_t n = (std::size_t{self->length_[0]} << 8) | self->length_[1];
                       if (n == 0) return;  // nothing to answer: close
                       self->query_.resize(n);
                       self->read_query();
                     });
  }

  void read_query() {
    asio::async_read(socket_, asio::buffer(query_),
                     [self = shared_from_this()](const boost::system::error_code& ec, std::size_t) {
                       if (ec) return;
                       self->timer_.cancel();
                       Bytes reply = self->answer_(self->query_, Transport::kTcp);
                       if (reply.empty() || reply.size() > 65'535) return;  // close, as for a message we drop
                       self->out_.resize(2 + reply.size());
                       self->out_[0] = static_cast<std::uint8_t>(reply.size() >> 8);
                       self->out_[1] = static_cast<std::uint8_t>(reply.size() & 0xFF);
                       std::copy(reply.begin(), reply.end(), self->out_.begin() + 2);
                       self->write_reply();
                     });
  }

  void write_reply() {
    arm_timer();
    asio::async_write(socket_, asio::buffer(out_),
                      [self = shared_from_this()](const boost::system::error_code& ec, std::size_t) {
                        if (!ec) self->read_length();
                      });
  }

  tcp::socket socket_;
  asio::steady_timer timer_;
  const AnswerFn& answer_;
  const DnsServerConfig& config_;
  std::atomic<std::size_t>& open_;
  std::array<std::uint8_t, 2> length_{};
  Bytes query_;
  Bytes out_;
  std::size_t queries_ = 0;
};

// One UDP socket and the thread that serves it. Every socket of the server is bound to the
// same port with SO_REUSEPORT, so the kernel spreads datagrams over them by source address
// and port. The thread reads with recvmmsg and answers with sendmmsg, up to kUdpBatch
// datagrams a system call: on a loaded server the per-call cost of the kernel, not the
// answer, is what limits queries per second. Asio only opens and binds the socket (it never
// starts an operation on it, so the socket stays blocking).
constexpr unsigned kUdpBatch = 32;
// A UDP query is a header and one question (and perhaps an OPT record): 512 bytes is already
// generous. Larger datagrams are dropped.
constexpr std::size_t kUdpQueryBytesMax = 4'096;
constexpr int kUdpStopCheckMs = 200;  // a blocked read wakes this often to see stop()

struct UdpLoop {
  explicit UdpLoop(asio::io_context& io) : socket(io) {}

  void run(const AnswerFn& answer, const std::atomic<bool>& stopping) {
    std::vector<std::array<std::uint8_t, kUdpQueryBytesMax>> in(kUdpBatch);
    std::array<sockaddr_storage, kUdpBatch> peers{};
    std::array<iovec, kUdpBatch> in_iov{}, out_iov{};
    std::array<mmsghdr, kUdpBatch> received{}, replies{};
    std::vector<Bytes> out(kUdpBatch);
    const int fd = socket.native_handle();
    while (!stopping.load(std::memory_order_relaxed)) {
      for (unsigned i = 0; i < kUdpBatch; ++i) {
        in_iov[i] = {in[i].data(), in[i].size()};
        received[i].msg_hdr = {};
        received[i].msg_hdr.msg_name = &peers[i];
        received[i].msg_hdr.msg_namelen = sizeof peers[i];
        received[i].msg_hdr.msg_iov = &in_iov[i];
        received[i].msg_hdr.msg_iovlen = 1;
      }
      // Blocks for the first datagram, then takes what else is queued.
      const int n = ::recvmmsg(fd, received.data(), kUdpBatch, MSG_WAITFORONE, nullptr);
      if (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) {
        // Not the stop-check timeout or a signal: do not spin on a persistent error.
        std::this_thread::sleep_for(std::chrono::milliseconds(kUdpStopCheckMs / 10));
      }
      if (n <= 0) continue;  // the stop-check timeout, a signal, or stop()'s shutdown
      unsigned k = 0;
      for (int i = 0; i < n; ++i) {
        // A datagram longer than any UDP query we take is dropped (the buffer truncated it).
        if (received[i].msg_hdr.msg_flags & MSG_TRUNC) continue;
        out[k] = answer(ByteView(in[i].data(), received[i].msg_len), Transport::kUdp);
        if (out[k].empty()) continue;
        out_iov[k] = {out[k].data(), out[k].size()};
        replies[k].msg_hdr = {};
        replies[k].msg_hdr.msg_name = &peers[i];
        replies[k].msg_hdr.msg_namelen = received[i].msg_hdr.msg_namelen;
        replies[k].msg_hdr.msg_iov = &out_iov[k];
        replies[k].msg_hdr.msg_iovlen = 1;
        ++k;
      }
      for (unsigned sent = 0; sent < k;) {
        const int r = ::sendmmsg(fd, replies.data() + sent, k - sent, MSG_DONTWAIT | MSG_NOSIGNAL);
        // A full send buffer or an unreachable peer drops that answer, as the network may.
        sent += r > 0 ? static_cast<unsigned>(r) : 1;
      }
    }
  }

  udp::socket socket;
  std::thread thread;
};

}  // namespace

struct DnsServer::Impl {
  Impl(DnsServerConfig c, AnswerFn a) : config(std::move(c)), answer(std::move(a)), acceptor(io) {}

  void accept() {
    acceptor.async_accept([this](const boost::system::error_code& ec, tcp::socket socket) {
      if (ec == asio::error::operation_aborted) return;
      if (!ec) {
        if (tcp_open.load() >= config.tcp_connections_max) {
          boost::system::error_code ignored;
          socket.close(ignored);
        } else {
          ++tcp_open;
          std::make_shared<TcpConnection>(std::move(socket), answer, config, tcp_open)->start();
        }
      }
      accept();
    });
  }

  DnsServerConfig config;
  AnswerFn answer;
  asio::io_context io;
  std::vector<std::unique_ptr<UdpLoop>> udp;
  std::atomic<bool> stopping{false};
  tcp::acceptor acceptor;
  std::atomic<std::size_t> tcp_open{0};
  std::vector<std::thread> threads;
  std::uint16_t bound_port = 0;
};

DnsServer::DnsServer(DnsServerConfig config, AnswerFn answer)
    : impl_(std::make_unique<Impl>(std::move(config), std::move(answer))) {}

DnsServer::~DnsServer() { stop(); }

void DnsServer::start() {
  Impl& s = *impl_;
  const std::string where = s.config.listen_address + ":" + std::to_string(s.config.port);
  const unsigned n = std::max(1u, s.config.io_threads);
  try {
    const auto address = asio::ip::make_address(s.config.listen_address);
    tcp::endpoint tcp_end(address, s.config.port);
    s.acceptor.open(tcp_end.protocol());
    s.acceptor.set_option(tcp::acceptor::reuse_address(true));
    s.acceptor.bind(tcp_end);
    s.acceptor.listen();
    s.bound_port = s.acceptor.local_endpoint().port();
    // UDP on the port TCP got, so a port of 0 gives one number for both: one socket per io
    // thread, all on that port.
    udp::endpoint udp_end(address, s.bound_port);
    for (unsigned i = 0; i < n; ++i) {
      auto loop = std::make_unique<UdpLoop>(s.io);
      loop->socket.open(udp_end.protocol());
      if (n > 1) loop->socket.set_option(ReusePort(true));
      const timeval tv{0, kUdpStopCheckMs * 1000};
      if (::setsockopt(loop->socket.native_handle(), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv) != 0) {
        throw boost::system::system_error(errno, boost::system::system_category(), "SO_RCVTIMEO");
      }
      loop->socket.bind(udp_end);
      s.udp.push_back(std::move(loop));
    }
  } catch (const boost::system::system_error& e) {
    s.udp.clear();  // closes the sockets opened so far
    boost::system::error_code ignored;
    s.acceptor.close(ignored);
    throw std::runtime_error("dns: cannot listen on " + where + ": " + e.what());
  }
  try {
    for (auto& loop : s.udp) {
      loop->thread = std::thread([&s, l = loop.get()] { l->run(s.answer, s.stopping); });
    }
    s.accept();
    // TCP (clients retrying a truncated answer, zone tooling) is light: one io thread.
    s.threads.emplace_back([&s] { s.io.run(); });
  } catch (const std::system_error& e) {  // no thread could be started
    stop();
    throw std::runtime_error("dns: cannot start the server's threads: " + std::string(e.what()));
  }
}

void DnsServer::stop() {
  if (!impl_) return;
  Impl& s = *impl_;
  const bool any_udp = std::any_of(s.udp.begin(), s.udp.end(), [](const auto& l) { return l->thread.joinable(); });
  if (s.threads.empty() && !any_udp) return;
  s.stopping = true;
  for (auto& loop : s.udp) ::shutdown(loop->socket.native_handle(), SHUT_RDWR);  // wakes a blocked read
  for (auto& loop : s.udp) {
    if (loop->thread.joinable()) loop->thread.join();
  }
  s.io.stop();
  for (std::thread& t : s.threads) t.join();
  s.threads.clear();
}

std::uint16_t DnsServer::port() const { return impl_->bound_port; }

}  // namespace telco::dns
