// The node's HTTP/1.1 + WebSocket API server (docs/api.md, docs/openapi.yaml).
//
// Serves the v1 JSON API over a Backend, pushes one WebSocket message per committed block
// at /v1/events, serves /openapi.yaml and, when configured, the explorer's static files.
// Everything is bounded: connections, header and body sizes, submissions in flight, and
// each WebSocket client's send queue (a client that falls behind is disconnected).
//
// Threads: `io_threads` run all sockets and the read endpoints; `submit_threads` run
// Backend::submit, which blocks until the node has a verdict, so a slow submission never
// holds up a status query. The Backend must outlive the server.
//
// This header deliberately includes no Asio or Beast (they cost ~20 s per translation unit);
// everything lives behind the pimpl.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>

namespace spdlog {
class logger;
}

namespace telco::api {

class Backend;

struct HttpServerConfig {
  std::string listen_address = "127.0.0.1";
  std::uint16_t port = 8640;  // 0 = let the kernel pick; HttpServer::port() tells which
  unsigned io_threads = 2;
  unsigned submit_threads = 2;
  // POST /v1/txs requests being decoded or waiting for the node at once; above it the server
  // answers 503 unavailable instead of queueing without bound.
  std::size_t submits_in_flight_max = 64;
  std::size_t body_bytes_max = 8 * 1024 * 1024;
  std::size_t txs_per_request_max = 10'000;
  std::size_t connections_max = 512;  // HTTP and WebSocket together
  // Longest wait for a request's header, including the idle time before it on a kept-alive
  // connection; WebSocket clients are pinged after this much silence.
  std::chrono::milliseconds idle_timeout{60'000};
  // Longest time to receive a request body or to send a response.
  std::chrono::milliseconds request_timeout{30'000};
  // Messages and bytes queued for one WebSocket client before it is disconnected as too slow.
  std::size_t ws_queue_messages_max = 64;
  std::size_t ws_queue_bytes_max = 64 * 1024 * 1024;
  // Files under this directory are served for paths outside /v1 ("/" -> index.html).
  // Empty: no static files.
  std::filesystem::path static_root;
  // Served at /openapi.yaml. Empty: the copy of docs/openapi.yaml embedded at build time.
  std::filesystem::path openapi_path;
  std::string node_version = "0.1.0";
  std::shared_ptr<spdlog::logger> logger;  // null: spdlog's default logger
};

class HttpServer {
 public:
  using Config = HttpServerConfig;

  HttpServer(Config config, Backend& backend);
  ~HttpServer();  // stop()
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  // Binds, subscribes to the backend's block events and starts the threads. Throws
  // std::runtime_error with a sentence if the address cannot be bound or a configured file
  // or directory cannot be read. Call once.
  void start();
  // Stops accepting, closes every connection, waits for running submissions and joins all
  // threads. Idempotent; must not be called from a server thread.
  void stop();

  // The bound port (the kernel's choice when Config::port was 0); 0 before start().
  std::uint16_t port() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace telco::api
