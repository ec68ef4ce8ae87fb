// The p2p host ("switch"): listens, dials, runs the authenticated encrypted connections and
// moves opaque (channel, bytes) messages between the node and its peers (docs/P2P.md).
//
// What it promises:
// - Every connection is authenticated (peer's Ed25519 node key, chain id) and encrypted;
//   handshake, frame and envelope rules are in handshake.h, frame.h, envelope.h.
// - Everything is bounded: peers in and out, handshakes in flight, per-peer per-channel send
//   queues, messages per channel, inbound bytes/s and messages/s per peer, undelivered inbound
//   bytes per peer, the address book, the ban list.
// - Callbacks (on_message, on_peer_up, on_peer_down) run on ONE dedicated delivery thread, never
//   concurrently, in order per peer: up, its messages, down. They may call send, broadcast,
//   report_fault and disconnect; they must not call stop(). A slow callback slows only
//   delivery: each peer's reading pauses once its undelivered bytes pass the bound, and TCP
//   pushes back on the sender.
// - send/broadcast/report_fault/disconnect/stats are thread-safe.
// - stop() closes everything; after it returns no callback runs and nothing touches the
//   handlers.
//
// Asio stays behind the pimpl (it costs ~20 s per translation unit).
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "crypto/ed25519.h"
#include "p2p/backoff.h"
#include "p2p/channel.h"
#include "p2p/node_id.h"
#include "p2p/peer_scores.h"
#include "p2p/send_queue.h"
#include "util/bytes.h"

namespace spdlog {
class logger;
}

namespace telco::p2p {

struct InboundRateLimit {
  double bytes_per_second = 8.0 * 1024 * 1024;  // <= 0: unlimited
  double burst_bytes = 1024 * 1024;
  double messages_per_second = 5'000;  // <= 0: unlimited
  double burst_messages = 1'000;
};

struct HostConfig {
  std::string chain_id;  // at most kChainIdBytesMax bytes; peers on another chain are refused
  std::string listen_address = "0.0.0.0";
  std::uint16_t port = 26656;  // 0: the kernel picks (see Host::port())
  bool listen = true;          // false: outbound only
  // The port peers should dial us on, sent in the handshake; 0: the bound port.
  std::uint16_t advertised_port = 0;
  std::string agent = "telcod/0.1.0";
  // The node's channels (ids other than kChannelControl and kChannelPex).
  std::vector<ChannelConfig> channels;

  std::size_t inbound_peers_max = 40;
  std::size_t outbound_peers_max = 10;  // persistent peers are dialed even beyond this
  std::size_t handshakes_max = 32;      // connections not yet authenticated, both directions
  // Connecting (resolve + TCP connect) and the whole handshake must finish within this.
  std::chrono::milliseconds handshake_timeout{10'000};
  // A ping goes out this often; a peer silent (no frame at all) for peer_timeout is dropped.
  std::chrono::milliseconds ping_interval{10'000};
  std::chrono::milliseconds peer_timeout{40'000};
  InboundRateLimit inbound_rate;
  // Received bytes handed to on_message but not yet returned from it, per peer; above this the
  // peer's socket is not read until the application catches up.
  std::size_t undelivered_bytes_max = 8 * 1024 * 1024;

  std::chrono::milliseconds reconnect_base{1'000};  // persistent peers: backoff.h
  std::chrono::milliseconds reconnect_max{60'000};
  std::chrono::milliseconds ban_duration{60 * 60'000};

  // Address book file (JSON); empty: in memory only.
  std::filesystem::path address_book_path;
  std::size_t address_book_max = 1'000;
  std::chrono::milliseconds address_book_save_interval{60'000};
  bool peer_exchange = true;  // channel 6: ask peers for addresses, answer their requests
  // How often the host tops up outbound peers from the address book and asks for addresses.
  std::chrono::milliseconds dial_interval{2'000};

  unsigned io_threads = 1;
  // Random 64-bit values for backoff jitter and address choice; null: libsodium's randombytes.
  RandomSource random;
  std::shared_ptr<spdlog::logger> logger;  // null: spdlog's default logger
};

enum class SendResult : std::uint8_t {
  kQueued,
  kNoPeer,        // not connected (or just disconnected)
  kQueueFull,     // dropped (kDropNewest channel)
  kDisconnected,  // queue overflowed on a kDisconnect channel: the peer is being dropped
  kUnknownChannel,
  kTooLarge,
};
const char* describe(SendResult r);

struct PeerInfo {
  NodeId id{};
  std::string address;  // remote ip:port of the TCP connection
  bool outbound = false;
  bool persistent = false;
  std::uint16_t listen_port = 0;  // as the peer announced it
  std::string agent;              // printable() of the peer's announcement
};

struct PeerStats {
  PeerInfo info;
  std::uint64_t bytes_in = 0;
  std::uint64_t bytes_out = 0;
  std::uint64_t messages_in = 0;
  std::uint64_t messages_out = 0;
  std::size_t undelivered_bytes = 0;
  double score = 0;
  std::chrono::milliseconds connected_for{0};
  std::vector<ChannelQueueDepth> queues;
};

struct HostStats {
  std::size_t peers_inbound = 0;
  std::size_t peers_outbound = 0;
  std::size_t handshakes = 0;
  std::uint64_t bytes_in = 0;  // whole-host totals since start, closed connections included
  std::uint64_t bytes_out = 0;
  std::uint64_t messages_in = 0;
  std::uint64_t messages_out = 0;
  std::uint64_t messages_dropped = 0;    // send queue full
  std::uint64_t handshakes_failed = 0;   // refused or failed before the peer was up
  std::uint64_t connections_refused = 0; // inbound over the limits, closed at once
  std::size_t banned = 0;
  std::size_t address_book_size = 0;
  std::vector<PeerStats> peers;
};

struct HostHandlers {
  std::function<void(const NodeId& peer, ChannelId channel, Bytes payload)> on_message;
  std::function<void(const PeerInfo& peer)> on_peer_up;
  std::function<void(const NodeId& peer, const std::string& reason)> on_peer_down;
};

class Host {
 public:
  // `node_key` is copied. Throws std::invalid_argument with a sentence on a bad config
  // (channel table, chain id length, zero limits).
  Host(HostConfig config, const crypto::KeyPair& node_key, HostHandlers handlers);
  ~Host();  // stop()
  Host(const Host&) = delete;
  Host& operator=(const Host&) = delete;

  // Loads the address book, binds (if listening) and starts the threads. Throws
  // std::runtime_error with a sentence if the address cannot be bound. Call once.
  void start();
  // Closes the listener and every connection, saves the address book and joins all threads.
  // Idempotent. Must not be called from a callback.
  void stop();

  const NodeId& node_id() const;
  // The bound port (the kernel's choice when HostConfig::port was 0); 0 before start().
  std::uint16_t port() const;

  // Keeps a connection to `address` (`host:port` or `nodeid@host:port`) open for the host's
  // life: dialed at once, redialed with backoff after every loss. With a node id, a peer with
  // another key is refused. Thread-safe, before or after start(). Returns false with
  // *error set when the text does not parse or names this node.
  bool add_persistent_peer(std::string_view address, std::string* error = nullptr);
  // Dials `address` once (no redial). Same syntax and result as add_persistent_peer.
  bool dial(std::string_view address, std::string* error = nullptr);

  SendResult send(const NodeId& peer, ChannelId channel, Bytes payload);
  // Queues the message to every connected peer but `except`; returns how many queued it.
  std::size_t broadcast(ChannelId channel, Bytes payload, const NodeId* except = nullptr);

  // The application's verdict that `peer` sent something a correct peer never sends. The
  // score drops by the fault's penalty; at the ban score the peer is disconnected and banned
  // for HostConfig::ban_duration. Do not report local errors here.
  void report_fault(const NodeId& peer, PeerFault fault, std::string_view reason);
  void disconnect(const NodeId& peer, std::string_view reason);
  bool banned(const NodeId& peer) const;

  std::vector<PeerInfo> peers() const;
  HostStats stats() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace telco::p2p
