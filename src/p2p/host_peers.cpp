// Host::Impl's peer policy: dialing (persistent peers, the address book), admission after
// the handshake, closing, faults and bans, message delivery and peer exchange. Every
// function here runs with Impl::mutex held unless it takes it itself.
#include <spdlog/spdlog.h>

#include "p2p/host_impl.h"
#include "p2p/pex_message.h"

namespace telco::p2p {
namespace {

std::int64_t wall_clock_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace

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

}  // namespace telco::p2p
