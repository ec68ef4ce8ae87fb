// A WebSocket subscriber to the node's /v1/events stream, run on its own thread.
//
// Every text message is handed, with the steady-clock time it was read, to a callback on
// that thread. If the stream breaks it reconnects (with a pause, until stopped) and reports
// it; the caller notices missed blocks from the heights and fetches them over HTTP.
#pragma once

#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <thread>

#include "http_client.h"

namespace telco::bench {

class EventStream {
 public:
  using OnMessage = std::function<void(std::string&& text, std::chrono::steady_clock::time_point received)>;
  using OnNote = std::function<void(const std::string& note)>;

  EventStream(Endpoint endpoint, OnMessage on_message, OnNote on_note);
  ~EventStream();  // stop()
  EventStream(const EventStream&) = delete;
  EventStream& operator=(const EventStream&) = delete;

  // Connects and completes the WebSocket handshake, then starts the reading thread.
  // Throws TransportError if the first connection cannot be made.
  void start();
  // Closes the connection and joins the thread. Idempotent.
  void stop();

  std::uint64_t reconnects() const { return reconnects_.load(); }

 private:
  struct Impl;
  void run();

  std::unique_ptr<Impl> impl_;
  OnMessage on_message_;
  OnNote on_note_;
  std::atomic<bool> stopping_{false};
  std::atomic<std::uint64_t> reconnects_{0};
  std::thread thread_;
};

}  // namespace telco::bench
