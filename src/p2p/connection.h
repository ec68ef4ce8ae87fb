// One TCP connection to a peer (internal to src/p2p): connect or accept, handshake, then the
// framed, encrypted read and write loops. Every member is touched on the connection's strand
// except the send queues (own mutex) and the atomics. The host owns the policy (admission,
// bans, who to dial); the connection reports to it through ConnectionOwner, always from its
// strand and never while holding its own lock.
#pragma once

#include <spdlog/logger.h>

#include <array>
#include <atomic>
#include <chrono>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "crypto/ed25519.h"
#include "p2p/asio.h"
#include "p2p/channel.h"
#include "p2p/envelope.h"
#include "p2p/frame.h"
#include "p2p/handshake.h"
#include "p2p/host.h"
#include "p2p/rate_limiter.h"
#include "p2p/send_queue.h"

namespace telco::p2p {

class Connection;

// What one undelivered message counts against ConnectionSettings::undelivered_bytes_max
// beyond its payload, so that even empty messages are bounded.
inline constexpr std::size_t kDeliveryOverheadBytes = 64;
inline std::size_t delivery_cost(std::size_t payload_bytes) { return payload_bytes + kDeliveryOverheadBytes; }

// Host-wide totals the connections add to (relaxed atomics: statistics only).
struct HostCounters {
  std::atomic<std::uint64_t> bytes_in{0};
  std::atomic<std::uint64_t> bytes_out{0};
  std::atomic<std::uint64_t> messages_in{0};
  std::atomic<std::uint64_t> messages_out{0};
  std::atomic<std::uint64_t> messages_dropped{0};
};

// Read-only after Host::start(); shared by every connection.
struct ConnectionSettings {
  const crypto::KeyPair* node_key = nullptr;
  std::string chain_id;
  std::string agent;
  std::uint16_t advertised_port = 0;
  const ChannelTable* channels = nullptr;
  std::chrono::milliseconds handshake_timeout{};
  std::chrono::milliseconds ping_interval{};
  std::chrono::milliseconds peer_timeout{};
  InboundRateLimit inbound_rate;
  std::size_t undelivered_bytes_max = 0;
  HostCounters* counters = nullptr;
  std::shared_ptr<spdlog::logger> log;
};

// Why a connection ended, for the host's bookkeeping (the sentence goes to the log).
enum class CloseCause : std::uint8_t {
  kOther,          // network error, peer closed, timeout, local decision
  kHandshake,      // the handshake failed (tampering, bad signature, wrong version)
  kWrongChain,
  kSelf,           // we dialed ourselves
  kUnexpectedKey,  // the dialed address answered with another node key
  kRefused,        // the host's admission refused it (banned, duplicate, full)
  kProtocol,       // the peer broke the framing rules after the handshake
};

class ConnectionOwner {
 public:
  virtual ~ConnectionOwner() = default;
  // The handshake verified the peer (not ourselves, the expected key). Returns a refusal
  // sentence, or nullopt when the peer is now up (the host registered it and queued on_peer_up).
  virtual std::optional<std::string> admit(const std::shared_ptr<Connection>& c) = 0;
  // A complete message from an admitted peer (control messages are handled inside).
  virtual void on_message(const std::shared_ptr<Connection>& c, ChannelId channel, Bytes payload) = 0;
  // The peer broke a rule inside an authenticated frame.
  virtual void on_fault(const std::shared_ptr<Connection>& c, PeerFault fault, const std::string& reason) = 0;
  // Called exactly once, after the socket is closed.
  virtual void on_closed(const std::shared_ptr<Connection>& c, CloseCause cause, const std::string& reason,
                         bool was_open) = 0;
};

class Connection : public std::enable_shared_from_this<Connection> {
 public:
  // Outbound: `dial` is where to connect (its id, if any, is the key the peer must have).
  Connection(asio::io_context& ioc, const ConnectionSettings& settings, ConnectionOwner& owner, std::uint64_t serial,
             PeerAddress dial);
  // Inbound: an accepted socket.
  Connection(asio::io_context& ioc, tcp::socket socket, const ConnectionSettings& settings, ConnectionOwner& owner,
             std::uint64_t serial);
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  void start();
  // Thread-safe; the socket closes on the strand and the owner hears on_closed once.
  void close(CloseCause cause, std::string reason);
  // Thread-safe. kOverflowDisconnect also starts closing the connection.
  QueueResult send(ChannelId channel, SharedMessage message);
  // Thread-safe: the application returned from on_message for `accounted` bytes.
  void on_delivered(std::size_t accounted);

  std::uint64_t serial() const { return serial_; }
  bool outbound() const { return outbound_; }
  const std::optional<PeerAddress>& dial_address() const { return dial_; }
  // Set once the handshake succeeded (before admit), constant afterwards; admit may still
  // fill in `persistent` (it runs on this connection's strand).
  const PeerInfo& info() const { return info_; }
  PeerInfo& info_for_admission() { return info_; }
  bool closed() const { return closed_.load(std::memory_order_acquire); }
  std::chrono::steady_clock::time_point opened_at() const { return opened_at_; }
  // The remote IP (valid from admit on), for the address book.
  const std::string& remote_ip() const { return remote_ip_; }

  // Statistics (any thread).
  std::uint64_t bytes_in() const { return bytes_in_.load(std::memory_order_relaxed); }
  std::uint64_t bytes_out() const { return bytes_out_.load(std::memory_order_relaxed); }
  std::uint64_t messages_in() const { return messages_in_.load(std::memory_order_relaxed); }
  std::uint64_t messages_out() const { return messages_out_.load(std::memory_order_relaxed); }
  std::size_t undelivered_bytes() const { return undelivered_.load(std::memory_order_relaxed); }
  std::vector<ChannelQueueDepth> queue_depths() const;

 private:
  enum class State { kConnecting, kHandshake, kOpen, kClosed };

  void arm_deadline();
  void on_resolved(const error_code& ec, const tcp::resolver::results_type& results);
  void begin_handshake();
  void on_hello_written(const error_code& ec);
  void on_hello_read(const error_code& ec);
  void on_auth_written(const error_code& ec);
  void on_auth_header(const error_code& ec);
  void on_auth_body(const error_code& ec);
  void open();

  void schedule_read();
  void on_read(const error_code& ec, std::size_t n);
  bool process_frames();
  bool handle_fragment(const Fragment& fragment);
  void handle_control(ByteView payload);
  void queue_control(std::uint8_t type);
  void arm_ping();

  void post_pump();
  void pump();
  void on_written(const error_code& ec, std::size_t n);

  void do_close(CloseCause cause, const std::string& reason);
  void fault_and_close(PeerFault fault, const std::string& reason);
  std::string who() const;

  const ConnectionSettings& settings_;
  ConnectionOwner& owner_;
  const std::uint64_t serial_;
  const bool outbound_;
  std::optional<PeerAddress> dial_;
  std::vector<OutgoingFragment> batch_;  // strand only: fragments taken for one write
  asio::strand<asio::io_context::executor_type> strand_;
  tcp::socket socket_;
  tcp::resolver resolver_;
  asio::steady_timer deadline_;
  asio::steady_timer ping_timer_;
  asio::steady_timer throttle_timer_;

  State state_ = State::kConnecting;
  std::atomic<bool> closed_{false};
  std::unique_ptr<Handshake> handshake_;
  std::array<std::uint8_t, kHelloBytes> peer_hello_{};
  Bytes auth_out_;
  std::optional<FrameSealer> sealer_;
  std::optional<FrameOpener> opener_;
  PeerInfo info_;
  std::string remote_ip_;
  std::chrono::steady_clock::time_point opened_at_{};

  // Read side (strand).
  Bytes read_buffer_;
  std::size_t read_filled_ = 0;
  Bytes plaintext_;
  Reassembler reassembler_;
  TokenBucket bytes_bucket_;
  TokenBucket messages_bucket_;
  bool read_paused_ = false;
  std::chrono::steady_clock::time_point last_receive_{};
  std::atomic<std::size_t> undelivered_{0};

  // Write side: queues under the mutex, the rest on the strand.
  mutable std::mutex queue_mutex_;
  SendQueues queues_;
  std::atomic<bool> pump_posted_{false};
  bool write_in_flight_ = false;
  Bytes write_buffer_;
  Bytes fragment_buffer_;

  std::atomic<std::uint64_t> bytes_in_{0};
  std::atomic<std::uint64_t> bytes_out_{0};
  std::atomic<std::uint64_t> messages_in_{0};
  std::atomic<std::uint64_t> messages_out_{0};
};

}  // namespace telco::p2p
