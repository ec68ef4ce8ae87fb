// Host::Impl, shared by host.cpp (lifecycle, accepting, the public API) and host_peers.cpp
// (dialing, admission, closing, messages, peer exchange). Internal to src/p2p.
#pragma once

#include <spdlog/logger.h>

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <optional>
#include <thread>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "p2p/address_book.h"
#include "p2p/asio.h"
#include "p2p/connection.h"
#include "p2p/host.h"
#include "p2p/peer_scores.h"

namespace telco::p2p {

using Clock = std::chrono::steady_clock;

// Address-book dials started per dial tick, so a large deficit is filled gradually.
inline constexpr std::size_t kDialsPerTickMax = 4;
// A persistent peer's backoff starts over only after a connection that lasted this long, so
// a peer that accepts and drops us at once is redialed ever more slowly.
inline constexpr auto kStableConnection = std::chrono::seconds(10);
// Peer exchange: a peer asking more often than this is sending unwanted messages; we ask
// no more often than kPexAskEveryTicks dial ticks (and never faster than once a second);
// and we ask while the book holds fewer than kPexWantedAddresses.
inline constexpr auto kPexRequestSpacingMin = std::chrono::milliseconds(500);
inline constexpr unsigned kPexAskEveryTicks = 10;
inline constexpr auto kPexAskIntervalMin = std::chrono::seconds(1);
inline constexpr std::size_t kPexWantedAddresses = 100;
// Connection-failure log lines per window (an attacker can make failures at network speed).
inline constexpr std::size_t kFailureLogBurst = 20;
inline constexpr auto kFailureLogWindow = std::chrono::seconds(10);

struct Host::Impl final : ConnectionOwner {
  enum class State { kIdle, kRunning, kStopped };
  enum class DialKind : std::uint8_t { kPersistent, kBook, kManual };
  struct Dial {
    DialKind kind = DialKind::kManual;
    std::size_t persistent = 0;  // index into persistent, for kPersistent
  };
  struct PeerRecord {
    std::shared_ptr<Connection> conn;
    Clock::time_point last_pex_request{};  // when it last asked us
    bool pex_asked = false;                // we asked it and await its answer
  };
  struct Persistent {
    Persistent(PeerAddress a, Backoff b, asio::io_context& ioc)
        : address(std::move(a)), id(address.id), backoff(b), timer(std::make_unique<asio::steady_timer>(ioc)) {}
    PeerAddress address;
    std::optional<NodeId> id;  // configured, or learned at the first connection
    Backoff backoff;
    std::unique_ptr<asio::steady_timer> timer;
    bool dialing = false;
    bool timer_armed = false;
    bool gave_up = false;  // it turned out to be this node
    bool dialed = false;   // the first dial goes out at once
  };

  Impl(HostConfig c, const crypto::KeyPair& node_key, HostHandlers h);

  // ConnectionOwner (called on connection strands).
  std::optional<std::string> admit(const std::shared_ptr<Connection>& c) override;
  void on_message(const std::shared_ptr<Connection>& c, ChannelId channel, Bytes payload) override;
  void on_fault(const std::shared_ptr<Connection>& c, PeerFault fault, const std::string& reason) override;
  void on_closed(const std::shared_ptr<Connection>& c, CloseCause cause, const std::string& reason,
                 bool was_open) override;

  void start();
  void stop();
  void run_io_thread();
  void do_accept();
  void on_accept(const error_code& ec, tcp::socket socket);
  void on_dial_tick();
  void on_save_tick();
  void arm_dial_tick();
  void arm_save_tick();

  // Under the mutex:
  void start_dial(const PeerAddress& address, Dial dial);
  void schedule_redial(std::size_t index);
  void on_redial_timer(std::size_t index, const error_code& ec);
  void closed_dial_bookkeeping(const Connection& c, const Dial& dial, CloseCause cause, bool was_open);
  bool prefer_new(const Connection& existing, const Connection& incoming) const;
  void penalize(const NodeId& id, PeerFault fault, std::string_view reason);
  void handle_pex(const std::shared_ptr<Connection>& c, ByteView payload);
  void ask_for_addresses(Clock::time_point now);
  void post_up(const PeerInfo& info);
  void post_down(const NodeId& id, const std::string& reason);
  bool log_failure_allowed(Clock::time_point now);
  std::shared_ptr<Connection> current(const NodeId& id) const;

  template <typename F>
  void deliver(F&& f) {
    asio::post(deliver_ioc, [this, f = std::forward<F>(f)]() mutable {
      try {
        f();
      } catch (const std::exception& e) {
        log->error("p2p: a callback threw: {}", e.what());
      }
    });
  }

  HostConfig config;
  crypto::KeyPair key;
  HostHandlers handlers;
  ChannelTable channels;
  std::shared_ptr<spdlog::logger> log;
  RandomSource random;
  HostCounters counters;
  ConnectionSettings settings;

  // Destroyed in reverse: everything holding sockets or timers goes before the io_context.
  asio::io_context ioc;
  asio::io_context deliver_ioc;
  asio::strand<asio::io_context::executor_type> strand;
  tcp::acceptor acceptor;
  asio::steady_timer accept_retry;
  asio::steady_timer dial_timer;
  asio::steady_timer save_timer;
  std::optional<asio::executor_work_guard<asio::io_context::executor_type>> work;
  std::optional<asio::executor_work_guard<asio::io_context::executor_type>> deliver_work;
  std::vector<std::thread> threads;
  std::thread deliver_thread;
  std::atomic<std::uint16_t> bound_port{0};

  mutable std::mutex mutex;  // everything below
  std::condition_variable io_threads_done;
  std::size_t io_threads_running = 0;
  State state = State::kIdle;
  bool stopping = false;
  std::unordered_map<NodeId, PeerRecord, NodeIdHasher> peers;
  std::unordered_map<std::uint64_t, std::shared_ptr<Connection>> connections;
  std::unordered_map<std::uint64_t, Dial> dials;  // outbound connections by serial
  std::unordered_set<NodeId, NodeIdHasher> dialing_ids;  // address-book dials in flight
  std::vector<std::unique_ptr<Persistent>> persistent;
  std::size_t inbound_live = 0;   // inbound connections, handshaking or up
  std::size_t outbound_live = 0;  // outbound connections other than persistent ones
  std::size_t handshakes_live = 0;
  std::uint64_t next_serial = 1;
  std::uint64_t handshakes_failed = 0;
  std::uint64_t connections_refused = 0;
  AddressBook book;
  PeerScores scores;
  unsigned dial_ticks = 0;
  Clock::time_point last_pex_ask{};
  Clock::time_point log_window_start{};
  std::size_t log_window_lines = 0;
  std::size_t log_suppressed = 0;
};

}  // namespace telco::p2p
