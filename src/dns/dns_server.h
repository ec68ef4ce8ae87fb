// The DNS listener of telcod: UDP and TCP on one address and port, each query handed to
// an answer function (in telcod, dns::respond over committed state) and its result sent
// back. All protocol logic is in that function; this file only moves bytes.
//
// Threads: UDP has `io_threads` sockets, all bound to the port with SO_REUSEPORT (the kernel
// spreads queries over them by source address and port), each served by its own thread
// with batched reads and writes (recvmmsg/sendmmsg), so queries from many resolvers are
// answered in parallel; one more thread runs TCP.
//
// Bounded: one UDP datagram in flight per socket read, TCP connections at most
// `tcp_connections_max`, each closed after `tcp_idle_timeout` without a query and after
// `tcp_queries_max` queries (RFC 7766 allows either side to close).
// This header includes no Asio (pimpl), like api/http_server.h.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "dns/responder.h"

namespace telco::dns {

struct DnsServerConfig {
  std::string listen_address = "127.0.0.1";
  std::uint16_t port = 5353;  // 0 = let the kernel pick; DnsServer::port() tells which
  unsigned io_threads = 1;
  std::size_t tcp_connections_max = 128;
  std::size_t tcp_queries_max = 1'000;
  std::chrono::milliseconds tcp_idle_timeout{10'000};
};

// Returns the response to one query (empty: send nothing). Called concurrently from the
// server's io threads.
using AnswerFn = std::function<Bytes(ByteView query, Transport transport)>;

class DnsServer {
 public:
  DnsServer(DnsServerConfig config, AnswerFn answer);
  ~DnsServer();
  DnsServer(const DnsServer&) = delete;
  DnsServer& operator=(const DnsServer&) = delete;

  // Binds UDP and TCP (throws std::runtime_error with the address on failure) and starts
  // the io threads.
  void start();
  void stop();
  std::uint16_t port() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace telco::dns
