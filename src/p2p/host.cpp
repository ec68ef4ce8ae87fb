#include "p2p/host.h"

#include <sodium.h>
#include <spdlog/spdlog.h>

#include <stdexcept>

#include "p2p/handshake.h"
#include "p2p/host_impl.h"
#include "p2p/pex_message.h"

namespace telco::p2p {
namespace {

// How long stop() waits for connections to close before it stops the io threads outright.
constexpr auto kStopGrace = std::chrono::seconds(3);
// After a failed accept (out of file descriptors, typically) wait instead of spinning.
constexpr auto kAcceptRetryDelay = std::chrono::milliseconds(100);

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

