#include "p2p/host.h"

#include <sodium.h>
#include <spdlog/spdlog.h>

#include <condition_variable>
#include <stdexcept>
#include <thread>
#include <unordered_map>
#include <unordered_set>

#include "p2p/address_book.h"
#include "p2p/asio.h"
#include "p2p/connection.h"
#include "p2p/handshake.h"
#include "p2p/pex_message.h"

namespace telco::p2p {
namespace {

using Clock = std::chrono::steady_clock;

// How long stop() waits for connections to close before it stops the io threads outright.
constexpr auto kStopGrace = std::chrono::seconds(3);
// After a failed accept (out of file descriptors, typically) wait instead of spinning.
constexpr auto kAcceptRetryDelay = std::chrono::milliseconds(100);
// Address-book dials started per dial tick, so a large deficit is filled gradually.
constexpr std::size_t kDialsPerTickMax = 4;
// A persistent peer's backoff starts over only after a connection that lasted this long, so
// a peer that accepts and drops us at once is redialed ever more slowly.
constexpr auto kStableConnection = std::chrono::seconds(10);
// Peer exchange: a peer asking more often than this is sending unwanted messages; we ask
// no more often than kPexAskEveryTicks dial ticks (and never faster than once a second);
// and we ask while the book holds fewer than kPexWantedAddresses.
constexpr auto kPexRequestSpacingMin = std::chrono::milliseconds(500);
constexpr unsigned kPexAskEveryTicks = 10;
constexpr auto kPexAskIntervalMin = std::chrono::seconds(1);
constexpr std::size_t kPexWantedAddresses = 100;
// Connection-failure log lines per window (an attacker can make failures at network speed).
constexpr std::size_t kFailureLogBurst = 20;
constexpr auto kFailureLogWindow = std::chrono::seconds(10);

ChannelConfig control_channel() {
  ChannelConfig c;
  c.id = kChannelControl;
  c.priority = kPriorityMax;
  c.message_bytes_max = 1;
  c.queue_messages_max = 8;
  c.queue_bytes_max = 8;
  return c;
}

ChannelConfig pex_channel() {
  ChannelConfig c;
  c.id = kChannelPex;
  c.priority = 1;
  c.message_bytes_max = kPexMessageBytesMax;
  c.queue_messages_max = 4;
  c.queue_bytes_max = 4 * kPexMessageBytesMax;
  return c;
}

std::uint64_t system_random() {
  std::uint64_t v;
  randombytes_buf(&v, sizeof(v));
  return v;
}

std::int64_t wall_clock_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

void validate(const HostConfig& c) {
  auto fail = [](const std::string& why) { throw std::invalid_argument("p2p: " + why); };
  if (c.chain_id.empty() || c.chain_id.size() > kChainIdBytesMax) {
    fail("chain_id must be 1.." + std::to_string(kChainIdBytesMax) + " bytes");
  }
  if (c.agent.size() > kAgentBytesMax) fail("agent must be at most " + std::to_string(kAgentBytesMax) + " bytes");
  for (const ChannelConfig& ch : c.channels) {
    if (ch.id == kChannelControl || ch.id == kChannelPex) {
      fail("channel " + std::to_string(ch.id) + " is reserved for the host");
    }
  }
  if (c.handshakes_max == 0) fail("handshakes_max must be at least 1");
  if (c.handshake_timeout.count() <= 0 || c.ping_interval.count() <= 0 || c.peer_timeout <= c.ping_interval) {
    fail("timeouts must be positive and peer_timeout longer than ping_interval");
  }
  if (c.reconnect_base.count() <= 0 || c.reconnect_max < c.reconnect_base || c.dial_interval.count() <= 0 ||
      c.address_book_save_interval.count() <= 0) {
    fail("reconnect and dial intervals must be positive (reconnect_max >= reconnect_base)");
  }
  if (c.undelivered_bytes_max == 0) fail("undelivered_bytes_max must be positive");
}

}  // namespace

const char* describe(SendResult r) {
  switch (r) {
    case SendResult::kQueued: return "queued";
    case SendResult::kNoPeer: return "peer not connected";
    case SendResult::kQueueFull: return "send queue full (dropped)";
    case SendResult::kDisconnected: return "send queue overflowed: peer disconnected";
    case SendResult::kUnknownChannel: return "unknown channel";
    case SendResult::kTooLarge: return "message over the channel's limit";
  }
  return "unknown";
}

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

Host::Impl::Impl(HostConfig c, const crypto::KeyPair& node_key, HostHandlers h)
    : config(std::move(c)),
      key(node_key),
      handlers(std::move(h)),
      log(config.logger ? config.logger : spdlog::default_logger()),
      random(config.random ? config.random : RandomSource(system_random)),
      strand(asio::make_strand(ioc)),
      acceptor(ioc),
      accept_retry(ioc),
      dial_timer(ioc),
      save_timer(ioc),
      book(config.address_book_path, config.address_book_max),
      scores(config.ban_duration) {
  validate(config);
  std::vector<ChannelConfig> all = config.channels;
  all.push_back(control_channel());
  all.push_back(pex_channel());
  if (auto error = channels.add_all(all)) throw std::invalid_argument("p2p: " + *error);
  settings.node_key = &key;
  settings.chain_id = config.chain_id;
  settings.agent = config.agent;
  settings.channels = &channels;
  settings.handshake_timeout = config.handshake_timeout;
  settings.ping_interval = config.ping_interval;
  settings.peer_timeout = config.peer_timeout;
  settings.inbound_rate = config.inbound_rate;
  settings.undelivered_bytes_max = config.undelivered_bytes_max;
  settings.counters = &counters;
  settings.log = log;
}

// ---- lifecycle ----------------------------------------------------------------------------

void Host::Impl::start() {
  std::lock_guard lock(mutex);
  if (state != State::kIdle) throw std::logic_error("p2p: Host::start called twice");
  if (auto warning = book.load()) log->warn("p2p: {}", *warning);
  if (config.listen) {
    error_code ec;
    const auto address = asio::ip::make_address(config.listen_address, ec);
    if (ec) throw std::runtime_error("p2p: '" + config.listen_address + "' is not an IP address");
    const tcp::endpoint endpoint(address, config.port);
    acceptor.open(endpoint.protocol(), ec);
    if (!ec) acceptor.set_option(asio::socket_base::reuse_address(true), ec);
    if (!ec) acceptor.bind(endpoint, ec);
    if (!ec) acceptor.listen(asio::socket_base::max_listen_connections, ec);
    if (ec) {
      throw std::runtime_error("p2p: cannot listen on " + config.listen_address + ":" + std::to_string(config.port) +
                               ": " + ec.message());
    }
    bound_port = acceptor.local_endpoint().port();
  }
  settings.advertised_port = config.listen ? (config.advertised_port ? config.advertised_port : bound_port.load()) : 0;

  work.emplace(ioc.get_executor());
  deliver_work.emplace(deliver_ioc.get_executor());
  deliver_thread = std::thread([this] {
    for (;;) {
      try {
        deliver_ioc.run();
        return;
      } catch (const std::exception& e) {
        log->error("p2p: unexpected exception on the delivery thread: {}", e.what());
      }
    }
  });
  const unsigned n = std::max(1u, config.io_threads);
  io_threads_running = n;
  for (unsigned i = 0; i < n; ++i) threads.emplace_back([this] { run_io_thread(); });
  state = State::kRunning;
  asio::dispatch(strand, [this] {
    if (config.listen) do_accept();
    on_dial_tick();
    arm_save_tick();
  });
  for (std::size_t i = 0; i < persistent.size(); ++i) schedule_redial(i);
  log->info("p2p: node {} on chain '{}', {}", node_id_hex(key.public_key()), config.chain_id,
            config.listen ? "listening on " + config.listen_address + ":" + std::to_string(bound_port.load())
                          : std::string("not listening"));
}

void Host::Impl::run_io_thread() {
  for (;;) {
    try {
      ioc.run();
      break;
    } catch (const std::exception& e) {
      log->error("p2p: unexpected exception in an io thread: {}", e.what());
    }
  }
  std::lock_guard lock(mutex);
  --io_threads_running;
  io_threads_done.notify_all();
}

void Host::Impl::stop() {
  if (deliver_thread.joinable() && std::this_thread::get_id() == deliver_thread.get_id()) {
    throw std::logic_error("p2p: Host::stop called from a callback");
  }
  std::vector<std::shared_ptr<Connection>> open;
  {
    std::lock_guard lock(mutex);
    if (state != State::kRunning) {
      state = State::kStopped;
      return;
    }
    state = State::kStopped;
    stopping = true;
    for (auto& [serial, c] : connections) open.push_back(c);
    for (auto& p : persistent) p->timer->cancel();
  }
  // First the callbacks: after this no handler of the application runs.
  deliver_work.reset();
  deliver_ioc.stop();
  deliver_thread.join();

  asio::post(strand, [this] {
    error_code ignored;
    acceptor.close(ignored);
    accept_retry.cancel();
    dial_timer.cancel();
    save_timer.cancel();
  });
  for (auto& c : open) c->close(CloseCause::kOther, "host stopping");
  open.clear();
  work.reset();
  {
    std::unique_lock lock(mutex);
    if (!io_threads_done.wait_for(lock, kStopGrace, [this] { return io_threads_running == 0; })) {
      log->warn("p2p: connections did not close within {} s; stopping anyway", kStopGrace.count());
      ioc.stop();
    }
  }
  for (std::thread& t : threads) t.join();
  threads.clear();
  std::lock_guard lock(mutex);
  if (auto error = book.save()) log->warn("p2p: cannot save the address book: {}", *error);
  // Drop our references while the io_context still exists; handlers it never ran release
  // the rest when it is destroyed.
  peers.clear();
  connections.clear();
  log->info("p2p: stopped");
}

// ---- accepting and dialing ----------------------------------------------------------------

void Host::Impl::do_accept() {
  acceptor.async_accept(asio::bind_executor(strand, [this](const error_code& ec, tcp::socket socket) {
    on_accept(ec, std::move(socket));
  }));
}

void Host::Impl::on_accept(const error_code& ec, tcp::socket socket) {
  if (ec == asio::error::operation_aborted || !acceptor.is_open()) return;
  if (ec) {
    log->warn("p2p: accept failed: {}", ec.message());
    accept_retry.expires_after(kAcceptRetryDelay);
    accept_retry.async_wait(asio::bind_executor(strand, [this](const error_code& e) {
      if (!e && acceptor.is_open()) do_accept();
    }));
    return;
  }
  {
    std::lock_guard lock(mutex);
    if (stopping) return;
    if (inbound_live >= config.inbound_peers_max || handshakes_live >= config.handshakes_max) {
      ++connections_refused;
      if (log_failure_allowed(Clock::now())) {
        log->info("p2p: refusing an inbound connection: {} inbound of {} max, {} handshakes of {} max", inbound_live,
                  config.inbound_peers_max, handshakes_live, config.handshakes_max);
      }
      error_code ignored;
      socket.close(ignored);
    } else {
      const std::uint64_t serial = next_serial++;
      auto c = std::make_shared<Connection>(ioc, std::move(socket), settings, *this, serial);
      connections.emplace(serial, c);
      ++inbound_live;
      ++handshakes_live;
      c->start();
    }
  }
  do_accept();
}

void Host::Impl::start_dial(const PeerAddress& address, Dial dial) {
  const std::uint64_t serial = next_serial++;
  auto c = std::make_shared<Connection>(ioc, settings, *this, serial, address);
  connections.emplace(serial, c);
  dials.emplace(serial, dial);
  ++handshakes_live;
  if (dial.kind != DialKind::kPersistent) ++outbound_live;
  if (dial.kind == DialKind::kBook) dialing_ids.insert(*address.id);
  if (dial.kind == DialKind::kPersistent) persistent[dial.persistent]->dialing = true;
  c->start();
}

void Host::Impl::schedule_redial(std::size_t index) {
  Persistent& p = *persistent[index];
  if (stopping || state != State::kRunning || p.gave_up || p.timer_armed || p.dialing) return;
  if (p.id && peers.contains(*p.id)) return;  // up (perhaps inbound); redialed when it goes down
  // The first dial goes out at once; later ones after the backoff.
  const auto delay = p.dialed ? p.backoff.next(random) : std::chrono::milliseconds(0);
  p.dialed = true;
  p.timer_armed = true;
  p.timer->expires_after(delay);
  p.timer->async_wait(asio::bind_executor(strand, [this, index](const error_code& ec) { on_redial_timer(index, ec); }));
}

void Host::Impl::on_redial_timer(std::size_t index, const error_code& ec) {
  std::lock_guard lock(mutex);
  Persistent& p = *persistent[index];
  p.timer_armed = false;
  if (ec || stopping) return;
  if (p.id && peers.contains(*p.id)) return;
  if (p.id && scores.banned(*p.id, Clock::now())) {
    schedule_redial(index);
    return;
  }
  start_dial(p.address, Dial{DialKind::kPersistent, index});
}

void Host::Impl::on_dial_tick() {
  {
    std::lock_guard lock(mutex);
    if (stopping) return;
    const auto now = Clock::now();
    const std::size_t room = std::min(config.outbound_peers_max - std::min(outbound_live, config.outbound_peers_max),
                                      config.handshakes_max - std::min(handshakes_live, config.handshakes_max));
    if (room > 0 && book.size() > 0) {
      const NodeId self = key.public_key();
      auto skip = [&](const NodeId& id) {
        if (id == self || peers.contains(id) || dialing_ids.contains(id) || scores.banned(id, now)) return true;
        for (const auto& p : persistent) {
          if (p->id == id) return true;
        }
        return false;
      };
      for (const PeerAddress& a : book.candidates(std::min(room, kDialsPerTickMax), now, skip, random)) {
        start_dial(a, Dial{DialKind::kBook, 0});
      }
    }
    ++dial_ticks;
    if (config.peer_exchange) ask_for_addresses(now);
  }
  arm_dial_tick();
}

void Host::Impl::arm_dial_tick() {
  dial_timer.expires_after(config.dial_interval);
  dial_timer.async_wait(asio::bind_executor(strand, [this](const error_code& ec) {
    if (!ec) on_dial_tick();
  }));
}

void Host::Impl::on_save_tick() {
  std::lock_guard lock(mutex);
  if (stopping) return;
  if (auto error = book.save()) log->warn("p2p: cannot save the address book: {}", *error);
}

void Host::Impl::arm_save_tick() {
  save_timer.expires_after(config.address_book_save_interval);
  save_timer.async_wait(asio::bind_executor(strand, [this](const error_code& ec) {
    if (ec) return;
    on_save_tick();
    arm_save_tick();
  }));
}

// ---- admission and closing ----------------------------------------------------------------

bool Host::Impl::prefer_new(const Connection& existing, const Connection& incoming) const {
  // Same direction: the existing one is most likely dead and not yet noticed (the peer restarted).
  if (existing.outbound() == incoming.outbound()) return true;
  // Both nodes dialed each other: both keep the connection dialed by the smaller node id, so
  // they agree without talking.
  const NodeId& self = key.public_key();
  const bool self_smaller = self < incoming.info().id;
  const bool incoming_dialer_smaller = incoming.outbound() ? self_smaller : !self_smaller;
  return incoming_dialer_smaller;
}

std::optional<std::string> Host::Impl::admit(const std::shared_ptr<Connection>& c) {
  std::lock_guard lock(mutex);
  if (stopping) return "host stopping";
  const NodeId id = c->info().id;
  const auto now = Clock::now();
  if (scores.banned(id, now)) return std::string("node is banned");
  const auto existing = peers.find(id);
  if (existing != peers.end()) {
    if (!prefer_new(*existing->second.conn, *c)) return std::string("duplicate connection; keeping the existing one");
    post_down(id, "replaced by a newer connection");
    existing->second.conn->close(CloseCause::kRefused, "replaced by a newer connection to the same node");
    peers.erase(existing);
  }
  const auto dial = dials.find(c->serial());
  for (std::size_t i = 0; i < persistent.size(); ++i) {
    Persistent& p = *persistent[i];
    const bool ours = dial != dials.end() && dial->second.kind == DialKind::kPersistent && dial->second.persistent == i;
    if (ours) p.id = id;  // learn the key of a peer configured as host:port
    if (ours || p.id == id) c->info_for_admission().persistent = true;
  }
  --handshakes_live;
  PeerRecord record;
  record.conn = c;
  peers.emplace(id, std::move(record));
  if (c->outbound()) {
    PeerAddress reached = *c->dial_address();
    reached.id = id;
    book.mark_success(reached, wall_clock_ms());
  } else if (c->info().listen_port != 0 && valid_host(c->remote_ip())) {
    book.add(PeerAddress{id, c->remote_ip(), c->info().listen_port}, AddressBook::AddMode::kKeep);
  }
  log->info("p2p: peer {} up ({} {}, {})", node_id_hex(id), c->outbound() ? "dialed" : "accepted",
            c->info().address, c->info().agent);
  post_up(c->info());
  return std::nullopt;
}

void Host::Impl::on_closed(const std::shared_ptr<Connection>& c, CloseCause cause, const std::string& reason,
                           bool was_open) {
  std::lock_guard lock(mutex);
  connections.erase(c->serial());
  if (!c->outbound()) --inbound_live;
  if (!was_open) {
    --handshakes_live;
    if (!stopping) ++handshakes_failed;
  }
  const NodeId& id = c->info().id;
  const auto rec = peers.find(id);
  const bool current = was_open && rec != peers.end() && rec->second.conn == c;
  if (current) {
    peers.erase(rec);
    post_down(id, reason);
    log->info("p2p: peer {} down: {}", node_id_hex(id), reason);
  } else if (!was_open && !stopping && log_failure_allowed(Clock::now())) {
    log->info("p2p: connection {} failed: {}", c->info().address.empty() ? "?" : c->info().address, reason);
  }
  const auto dial = dials.find(c->serial());
  if (dial != dials.end()) {
    closed_dial_bookkeeping(*c, dial->second, cause, was_open);
    dials.erase(dial);
  }
  // A persistent peer that was up over an inbound connection is redialed too.
  if (current) {
    for (std::size_t i = 0; i < persistent.size(); ++i) {
      if (persistent[i]->id == id) schedule_redial(i);
    }
  }
}

void Host::Impl::closed_dial_bookkeeping(const Connection& c, const Dial& dial, CloseCause cause, bool was_open) {
  const std::optional<NodeId>& dialed_id = c.dial_address()->id;
  if (dial.kind != DialKind::kPersistent) --outbound_live;
  if (dial.kind == DialKind::kBook) dialing_ids.erase(*dialed_id);
  const bool useless_address = cause == CloseCause::kSelf || cause == CloseCause::kWrongChain;
  if (dial.kind == DialKind::kBook && dialed_id) {
    if (useless_address) {
      book.remove(*dialed_id);
    } else if (!was_open) {
      book.mark_failure(*dialed_id, Clock::now(), random);
    }
  }
  if (dial.kind != DialKind::kPersistent) return;
  Persistent& p = *persistent[dial.persistent];
  p.dialing = false;
  if (cause == CloseCause::kSelf) {
    p.gave_up = true;
    log->error("p2p: persistent peer {} is this node; not dialing it again", p.address.to_string());
    return;
  }
  if (was_open && Clock::now() - c.opened_at() >= kStableConnection) p.backoff.reset();
  schedule_redial(dial.persistent);
}

void Host::Impl::on_fault(const std::shared_ptr<Connection>& c, PeerFault fault, const std::string& reason) {
  std::lock_guard lock(mutex);
  penalize(c->info().id, fault, reason);
}

void Host::Impl::penalize(const NodeId& id, PeerFault fault, std::string_view reason) {
  const auto now = Clock::now();
  const bool banned_now = scores.penalize(id, fault, now);
  log->warn("p2p: peer {} fault ({}): {}; score {:.0f}", node_id_hex(id), describe(fault), reason,
            banned_now ? kBanScore : scores.score(id, now));
  if (!banned_now) return;
  log->warn("p2p: peer {} banned for {} s", node_id_hex(id),
            std::chrono::duration_cast<std::chrono::seconds>(config.ban_duration).count());
  if (auto rec = peers.find(id); rec != peers.end()) {
    rec->second.conn->close(CloseCause::kRefused, "banned after " + std::string(describe(fault)) + ": " +
                                                      std::string(reason));
  }
}

// ---- messages -----------------------------------------------------------------------------

void Host::Impl::on_message(const std::shared_ptr<Connection>& c, ChannelId channel, Bytes payload) {
  const std::size_t cost = delivery_cost(payload.size());
  if (channel == kChannelPex) {
    handle_pex(c, payload);
    c->on_delivered(cost);
    return;
  }
  std::lock_guard lock(mutex);
  const auto rec = peers.find(c->info().id);
  if (stopping || rec == peers.end() || rec->second.conn != c) {
    c->on_delivered(cost);  // from a connection being replaced: its peer_down was already queued
    return;
  }
  // Posted under the mutex, so it is ordered after this peer's up and before its down.
  deliver([this, weak = std::weak_ptr<Connection>(c), id = c->info().id, channel, cost,
           payload = std::move(payload)]() mutable {
    try {
      if (handlers.on_message) handlers.on_message(id, channel, std::move(payload));
    } catch (const std::exception& e) {
      log->error("p2p: on_message threw: {}", e.what());
    }
    // Always returned, or a throwing handler would stall the peer's reading for good.
    if (auto conn = weak.lock()) conn->on_delivered(cost);
  });
}

void Host::Impl::handle_pex(const std::shared_ptr<Connection>& c, ByteView payload) {
  std::lock_guard lock(mutex);
  const NodeId id = c->info().id;
  const auto rec = peers.find(id);
  if (stopping || rec == peers.end() || rec->second.conn != c) return;
  const auto message = decode_pex(payload);
  if (!message) return penalize(id, PeerFault::kMalformed, "undecodable peer-exchange message");
  if (!config.peer_exchange) return;  // we neither ask nor answer
  const auto now = Clock::now();
  if (message->type == kPexRequest) {
    if (now - rec->second.last_pex_request < kPexRequestSpacingMin) {
      return penalize(id, PeerFault::kUnwanted, "peer-exchange requests too frequent");
    }
    rec->second.last_pex_request = now;
    PexMessage answer{kPexAddresses, book.sample(kPexAddressesMax, id, random)};
    c->send(kChannelPex, std::make_shared<const Bytes>(encode_pex(answer)));
    return;
  }
  if (!rec->second.pex_asked) return penalize(id, PeerFault::kUnwanted, "unsolicited peer-exchange addresses");
  rec->second.pex_asked = false;
  std::size_t added = 0;
  for (const PeerAddress& a : message->addresses) {
    if (*a.id == key.public_key() || scores.banned(*a.id, now)) continue;
    added += book.add(a, AddressBook::AddMode::kKeep) ? 1 : 0;
  }
  log->debug("p2p: peer {} sent {} addresses ({} kept)", short_id(id), message->addresses.size(), added);
}

void Host::Impl::ask_for_addresses(Clock::time_point now) {
  const auto interval = std::max<Clock::duration>(kPexAskIntervalMin, config.dial_interval * kPexAskEveryTicks);
  const bool due = last_pex_ask == Clock::time_point{} || now - last_pex_ask >= interval;
  if (!due || peers.empty() || book.size() >= std::min(kPexWantedAddresses, book.capacity())) return;
  auto it = peers.begin();
  std::advance(it, static_cast<std::ptrdiff_t>(random() % peers.size()));
  const Bytes request = encode_pex(PexMessage{kPexRequest, {}});
  if (it->second.conn->send(kChannelPex, std::make_shared<const Bytes>(request)) == QueueResult::kQueued) {
    it->second.pex_asked = true;
    last_pex_ask = now;
  }
}

void Host::Impl::post_up(const PeerInfo& info) {
  deliver([this, info] {
    if (handlers.on_peer_up) handlers.on_peer_up(info);
  });
}

void Host::Impl::post_down(const NodeId& id, const std::string& reason) {
  deliver([this, id, reason] {
    if (handlers.on_peer_down) handlers.on_peer_down(id, reason);
  });
}

bool Host::Impl::log_failure_allowed(Clock::time_point now) {
  if (now - log_window_start >= kFailureLogWindow) {
    if (log_suppressed > 0) log->info("p2p: {} more connection failures not logged", log_suppressed);
    log_window_start = now;
    log_window_lines = 0;
    log_suppressed = 0;
  }
  if (log_window_lines < kFailureLogBurst) {
    ++log_window_lines;
    return true;
  }
  ++log_suppressed;
  return false;
}

std::shared_ptr<Connection> Host::Impl::current(const NodeId& id) const {
  const auto it = peers.find(id);
  return it == peers.end() ? nullptr : it->second.conn;
}

// ---- the public face ----------------------------------------------------------------------

Host::Host(HostConfig config, const crypto::KeyPair& node_key, HostHandlers handlers)
    : impl_(std::make_unique<Impl>(std::move(config), node_key, std::move(handlers))) {}

Host::~Host() { stop(); }

void Host::start() { impl_->start(); }
void Host::stop() { impl_->stop(); }
const NodeId& Host::node_id() const { return impl_->key.public_key(); }
std::uint16_t Host::port() const { return impl_->bound_port.load(); }

bool Host::add_persistent_peer(std::string_view address, std::string* error) {
  auto parsed = parse_peer_address(address, error);
  if (!parsed) return false;
  if (parsed->id == node_id()) {
    if (error) *error = "that is this node's own id";
    return false;
  }
  std::lock_guard lock(impl_->mutex);
  impl_->persistent.push_back(std::make_unique<Impl::Persistent>(
      *parsed, Backoff(impl_->config.reconnect_base, impl_->config.reconnect_max), impl_->ioc));
  impl_->schedule_redial(impl_->persistent.size() - 1);  // no-op before start(); start() dials them
  return true;
}

bool Host::dial(std::string_view address, std::string* error) {
  auto parsed = parse_peer_address(address, error);
  if (!parsed) return false;
  if (parsed->id == node_id()) {
    if (error) *error = "that is this node's own id";
    return false;
  }
  std::lock_guard lock(impl_->mutex);
  if (impl_->state != Impl::State::kRunning || impl_->stopping) {
    if (error) *error = "the host is not running";
    return false;
  }
  impl_->start_dial(*parsed, Impl::Dial{Impl::DialKind::kManual, 0});
  return true;
}

SendResult Host::send(const NodeId& peer, ChannelId channel, Bytes payload) {
  if (channel == kChannelControl || channel == kChannelPex) return SendResult::kUnknownChannel;
  std::shared_ptr<Connection> c;
  {
    std::lock_guard lock(impl_->mutex);
    c = impl_->current(peer);
  }
  if (!c || c->closed()) return SendResult::kNoPeer;
  switch (c->send(channel, std::make_shared<const Bytes>(std::move(payload)))) {
    case QueueResult::kQueued: return SendResult::kQueued;
    case QueueResult::kFull:
      impl_->counters.messages_dropped.fetch_add(1, std::memory_order_relaxed);
      return SendResult::kQueueFull;
    case QueueResult::kOverflowDisconnect:
      impl_->counters.messages_dropped.fetch_add(1, std::memory_order_relaxed);
      return SendResult::kDisconnected;
    case QueueResult::kUnknownChannel: return SendResult::kUnknownChannel;
    case QueueResult::kTooLarge: return SendResult::kTooLarge;
  }
  return SendResult::kNoPeer;
}

std::size_t Host::broadcast(ChannelId channel, Bytes payload, const NodeId* except) {
  if (channel == kChannelControl || channel == kChannelPex) return 0;
  std::vector<std::shared_ptr<Connection>> targets;
  {
    std::lock_guard lock(impl_->mutex);
    targets.reserve(impl_->peers.size());
    for (const auto& [id, rec] : impl_->peers) {
      if (except == nullptr || id != *except) targets.push_back(rec.conn);
    }
  }
  const SharedMessage message = std::make_shared<const Bytes>(std::move(payload));
  std::size_t queued = 0;
  for (const auto& c : targets) {
    const QueueResult r = c->closed() ? QueueResult::kFull : c->send(channel, message);
    if (r == QueueResult::kQueued) {
      ++queued;
    } else if (r == QueueResult::kFull || r == QueueResult::kOverflowDisconnect) {
      impl_->counters.messages_dropped.fetch_add(1, std::memory_order_relaxed);
    }
  }
  return queued;
}

void Host::report_fault(const NodeId& peer, PeerFault fault, std::string_view reason) {
  std::lock_guard lock(impl_->mutex);
  impl_->penalize(peer, fault, reason);
}

void Host::disconnect(const NodeId& peer, std::string_view reason) {
  std::lock_guard lock(impl_->mutex);
  if (auto c = impl_->current(peer)) c->close(CloseCause::kOther, "disconnected by the node: " + std::string(reason));
}

bool Host::banned(const NodeId& peer) const {
  std::lock_guard lock(impl_->mutex);
  return impl_->scores.banned(peer, Clock::now());
}

std::vector<PeerInfo> Host::peers() const {
  std::lock_guard lock(impl_->mutex);
  std::vector<PeerInfo> out;
  out.reserve(impl_->peers.size());
  for (const auto& [id, rec] : impl_->peers) out.push_back(rec.conn->info());
  return out;
}

HostStats Host::stats() const {
  HostStats s;
  const auto now = Clock::now();
  std::lock_guard lock(impl_->mutex);
  const HostCounters& k = impl_->counters;
  s.bytes_in = k.bytes_in.load(std::memory_order_relaxed);
  s.bytes_out = k.bytes_out.load(std::memory_order_relaxed);
  s.messages_in = k.messages_in.load(std::memory_order_relaxed);
  s.messages_out = k.messages_out.load(std::memory_order_relaxed);
  s.messages_dropped = k.messages_dropped.load(std::memory_order_relaxed);
  s.handshakes = impl_->handshakes_live;
  s.handshakes_failed = impl_->handshakes_failed;
  s.connections_refused = impl_->connections_refused;
  s.banned = impl_->scores.bans(now);
  s.address_book_size = impl_->book.size();
  for (const auto& [id, rec] : impl_->peers) {
    const Connection& c = *rec.conn;
    (c.outbound() ? s.peers_outbound : s.peers_inbound) += 1;
    PeerStats p;
    p.info = c.info();
    p.bytes_in = c.bytes_in();
    p.bytes_out = c.bytes_out();
    p.messages_in = c.messages_in();
    p.messages_out = c.messages_out();
    p.undelivered_bytes = c.undelivered_bytes();
    p.score = impl_->scores.score(id, now);
    p.connected_for = std::chrono::duration_cast<std::chrono::milliseconds>(now - c.opened_at());
    p.queues = c.queue_depths();
    s.peers.push_back(std::move(p));
  }
  return s;
}

}  // namespace telco::p2p
