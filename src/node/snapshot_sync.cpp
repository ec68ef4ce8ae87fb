#include "node/snapshot_sync.h"

#include <spdlog/spdlog.h>

#include <condition_variable>
#include <deque>
#include <map>
#include <mutex>
#include <set>

#include "node/p2p_channels.h"
#include "node/snapshot_messages.h"
#include "node/snapshot_restore.h"
#include "p2p/host.h"

namespace telco::node {
namespace {

using SteadyClock = std::chrono::steady_clock;
using namespace std::chrono_literals;
using namespace snapshot_wire;

constexpr auto kAskInterval = 2s;      // offers asked again of peers that did not answer
constexpr auto kOfferSettle = 1500ms;  // after the first offer, wait this long for others
constexpr auto kManifestTimeout = 15s;
constexpr auto kChunkTimeout = 30s;
constexpr auto kNoServerTimeout = 60s;  // no peer serves the chosen snapshot: give up
constexpr std::size_t kChunksInFlightPerPeer = 2;

struct Event {
  enum class Type { kUp, kDown, kMessage } type;
  p2p::NodeId peer;
  std::optional<Message> message;
};

struct Candidate {
  Offer offer;
  std::set<p2p::NodeId> peers;
};

class FastSync {
 public:
  FastSync(const chain::Genesis& genesis, const crypto::KeyPair& node_key, const NodeConfig& config,
           storage::Store& store)
      : genesis_(genesis), config_(config), store_(store) {
    p2p::HostConfig hc;
    hc.chain_id = genesis.chain_id;
    const auto [host, port] = split_listen(config.p2p.listen);
    hc.listen_address = host;
    hc.port = port;
    hc.agent = std::string("telcod/") + TELCO_VERSION + " (fast sync)";
    hc.channels = node_channels();
    hc.inbound_peers_max = config.p2p.inbound_peers_max;
    hc.outbound_peers_max = config.p2p.outbound_peers_max;
    hc.inbound_rate = {.bytes_per_second = 256.0 * 1024 * 1024,
                       .burst_bytes = 64.0 * 1024 * 1024,
                       .messages_per_second = 50'000,
                       .burst_messages = 10'000};
    hc.undelivered_bytes_max = 64 << 20;
    p2p::HostHandlers handlers;
    handlers.on_message = [this](const p2p::NodeId& peer, p2p::ChannelId channel, Bytes payload) {
      if (channel != p2p::kChannelSnapshot) return;  // consensus gossip is not for us yet
      codec::DecodeError error = codec::DecodeError::kNone;
      auto m = decode(payload, &error);
      if (!m) {
        host_->report_fault(peer, p2p::PeerFault::kMalformed,
                            std::string("undecodable snapshot message: ") + codec::describe(error));
        return;
      }
      post({Event::Type::kMessage, peer, std::move(m)});
    };
    handlers.on_peer_up = [this](const p2p::PeerInfo& info) {
      post({Event::Type::kUp, info.id, std::nullopt});
    };
    handlers.on_peer_down = [this](const p2p::NodeId& peer, const std::string&) {
      post({Event::Type::kDown, peer, std::nullopt});
    };
    host_ = std::make_unique<p2p::Host>(std::move(hc), node_key, std::move(handlers));
    for (const std::string& peer : config.p2p.persistent_peers) {
      std::string error;
      if (!host_->add_persistent_peer(peer, &error)) {
        throw std::invalid_argument("config: p2p.persistent_peers: '" + peer + "': " + error);
      }
    }
  }

  ~FastSync() { host_->stop(); }

  std::optional<std::uint64_t> run() {
    host_->start();
    spdlog::info("state sync: asking peers for snapshots (up to {} ms)", config_.state_sync.discovery_ms);
    discover();
    std::vector<Candidate> candidates = rank();
    for (const Candidate& c : candidates) {
      auto snapshot = fetch_manifest(c);
      if (!snapshot) continue;
      restore(c, std::move(*snapshot));
      host_->stop();
      return c.offer.height;
    }
    spdlog::warn("state sync: no peer offered a snapshot that verifies; starting from genesis");
    host_->stop();
    return std::nullopt;
  }

 private:
  void post(Event e) {
    {
      std::lock_guard lock(mutex_);
      if (events_.size() >= 10'000) return;  // bounded; requests are repeated on timeouts
      events_.push_back(std::move(e));
    }
    cv_.notify_one();
  }

  std::optional<Event> next(SteadyClock::time_point until) {
    std::unique_lock lock(mutex_);
    if (!cv_.wait_until(lock, until, [&] { return !events_.empty(); })) return std::nullopt;
    Event e = std::move(events_.front());
    events_.pop_front();
    return e;
  }

  void send(const p2p::NodeId& peer, const Message& m) {
    host_->send(peer, p2p::kChannelSnapshot, encode(m));
  }

  // Peer bookkeeping common to every phase; true if the event was consumed.
  bool track(const Event& e) {
    if (e.type == Event::Type::kUp) {
      connected_.insert(e.peer);
      send(e.peer, OffersRequest{});
      asked_[e.peer] = SteadyClock::now();
      return true;
    }
    if (e.type == Event::Type::kDown) {
      connected_.erase(e.peer);
      return true;
    }
    if (const auto* offers = std::get_if<Offers>(&*e.message)) {
      offers_[e.peer] = offers->offers;
      if (!first_offer_ && !offers->offers.empty()) first_offer_ = SteadyClock::now();
      return true;
    }
    return false;
  }

  void ask_again() {
    const auto now = SteadyClock::now();
    for (const p2p::NodeId& peer : connected_) {
      // Peers with nothing to offer yet are asked again: a validator may export meanwhile.
      if ((offers_.contains(peer) && !offers_[peer].empty()) || now - asked_[peer] < kAskInterval) continue;
      send(peer, OffersRequest{});
      asked_[peer] = now;
    }
  }

  void discover() {
    const auto deadline = SteadyClock::now() + std::chrono::milliseconds(config_.state_sync.discovery_ms);
    while (SteadyClock::now() < deadline) {
      if (first_offer_ && SteadyClock::now() >= *first_offer_ + kOfferSettle) return;
      if (auto e = next(std::min(deadline, SteadyClock::now() + 200ms))) track(*e);
      ask_again();
    }
  }

  // Highest height first; among equals, the manifest most peers offer.
  std::vector<Candidate> rank() const {
    std::map<std::pair<std::uint64_t, crypto::Hash32>, Candidate> by_manifest;
    for (const auto& [peer, offers] : offers_) {
      for (const Offer& o : offers) {
        if (o.height == 0) continue;
        auto& c = by_manifest[{o.height, o.manifest_hash}];
        c.offer = o;
        c.peers.insert(peer);
      }
    }
    std::vector<Candidate> out;
    for (auto& [key, c] : by_manifest) out.push_back(std::move(c));
    std::sort(out.begin(), out.end(), [](const Candidate& a, const Candidate& b) {
      if (a.offer.height != b.offer.height) return a.offer.height > b.offer.height;
      return a.peers.size() > b.peers.size();
    });
    return out;
  }

  std::optional<SnapshotFiles> fetch_manifest(const Candidate& c) {
    for (const p2p::NodeId& peer : c.peers) {
      if (faulted_.contains(peer) || !connected_.contains(peer)) continue;
      send(peer, ManifestRequest{c.offer.height});
      const auto deadline = SteadyClock::now() + kManifestTimeout;
      while (auto e = next(deadline)) {
        if (track(*e) || e->peer != peer) continue;
        if (const auto* u = std::get_if<Unavailable>(&*e->message); u && u->index == kManifestIndex) break;
        auto* r = std::get_if<ManifestResponse>(&*e->message);
        if (!r || r->manifest.height != c.offer.height) continue;
        SnapshotFiles files{std::move(r->manifest), std::move(r->header), std::move(r->commit)};
        std::string why = files.manifest.hash() == c.offer.manifest_hash
                              ? verify_snapshot(genesis_, files)
                              : "manifest differs from the one offered";
        if (!why.empty()) {
          fault(peer, "snapshot " + std::to_string(c.offer.height) + " does not verify: " + why);
          break;
        }
        spdlog::info(
            "state sync: snapshot at height {} verified against its header's commit ({} keys, {} chunks); "
            "fetching from {} peer(s)",
            c.offer.height, files.manifest.total_keys, c.offer.chunks, c.peers.size());
        return files;
      }
    }
    return std::nullopt;
  }

  void fault(const p2p::NodeId& peer, const std::string& why) {
    spdlog::warn("state sync: peer {}: {}", p2p::short_id(peer), why);
    faulted_.insert(peer);
    host_->report_fault(peer, p2p::PeerFault::kInvalid, why);
  }

  struct InFlight {
    p2p::NodeId peer;
    SteadyClock::time_point sent;
  };

  void restore(const Candidate& c, SnapshotFiles snapshot) {
    SnapshotRestorer restorer(store_, crypto::Hash32(genesis_.hash()), std::move(snapshot));
    RestoreProgress progress;
    if (restorer.keys_resumed() > 0) {
      spdlog::info("state sync: resuming an interrupted restore ({} chunks already stored)",
                   restorer.chunks_done());
    }
    std::set<p2p::NodeId> servers;
    for (const p2p::NodeId& p : c.peers) {
      if (!faulted_.contains(p)) servers.insert(p);
    }
    std::map<std::uint32_t, InFlight> in_flight;
    auto last_server = SteadyClock::now();
    const std::uint64_t height = c.offer.height;
    while (!restorer.complete()) {
      const auto now = SteadyClock::now();
      for (auto it = in_flight.begin(); it != in_flight.end();) {
        if (now - it->second.sent < kChunkTimeout) {
          ++it;
          continue;
        }
        spdlog::warn("state sync: peer {} did not send chunk {} in time", p2p::short_id(it->second.peer),
                     it->first);
        servers.erase(it->second.peer);
        it = in_flight.erase(it);
      }
      assign(restorer, servers, in_flight, height);
      if (!servers.empty()) last_server = now;
      if (now - last_server > kNoServerTimeout) {
        throw std::runtime_error("state sync: no peer serves snapshot " + std::to_string(height) +
                                 " any more; restart to resume the restore");
      }
      auto e = next(now + 500ms);
      ask_again();
      if (!e) continue;
      if (track(*e)) {
        // A peer (re)joined and offers the same snapshot: it can serve chunks too.
        if (auto o = offers_.find(e->peer); o != offers_.end() && !faulted_.contains(e->peer)) {
          for (const Offer& offer : o->second) {
            if (offer.height == height && offer.manifest_hash == c.offer.manifest_hash)
              servers.insert(e->peer);
          }
        }
        if (e->type == Event::Type::kDown) {
          servers.erase(e->peer);
          for (auto it = in_flight.begin(); it != in_flight.end();) {
            it = it->second.peer == e->peer ? in_flight.erase(it) : std::next(it);
          }
        }
        continue;
      }
      if (const auto* u = std::get_if<Unavailable>(&*e->message)) {
        if (auto it = in_flight.find(u->index);
            u->height == height && it != in_flight.end() && it->second.peer == e->peer) {
          in_flight.erase(it);
          servers.erase(e->peer);
        }
        continue;
      }
      auto* r = std::get_if<ChunkResponse>(&*e->message);
      if (!r || r->height != height) continue;
      auto it = in_flight.find(r->index);
      if (it == in_flight.end() || it->second.peer != e->peer) continue;  // late or unasked
      in_flight.erase(it);
      const state::SnapshotFailure f = restorer.add_chunk(r->index, r->chunk);
      if (f != state::SnapshotFailure::kNone) {
        fault(e->peer,
              "snapshot chunk " + std::to_string(r->index) + " does not verify: " + state::describe(f));
        servers.erase(e->peer);
        continue;
      }
      progress.report(restorer, restorer.complete());
    }
    restorer.finish();
    spdlog::info("state sync: restored height {} ({} keys); block sync continues from {}", height,
                 restorer.manifest().total_keys, height + 1);
  }

  void assign(const SnapshotRestorer& restorer, const std::set<p2p::NodeId>& servers,
              std::map<std::uint32_t, InFlight>& in_flight, std::uint64_t height) {
    if (servers.empty()) return;
    std::map<p2p::NodeId, std::size_t> load;
    for (const auto& [index, f] : in_flight) ++load[f.peer];
    auto server = servers.begin();
    const auto& entries = restorer.manifest().entries;
    for (std::uint32_t i = 0; i < entries.size(); ++i) {
      if (!restorer.needed(i) || in_flight.contains(i)) continue;
      // The next server with room, round robin.
      std::size_t tried = 0;
      while (tried < servers.size() && load[*server] >= kChunksInFlightPerPeer) {
        if (++server == servers.end()) server = servers.begin();
        ++tried;
      }
      if (tried == servers.size()) return;
      send(*server, ChunkRequest{height, i});
      in_flight[i] = {*server, SteadyClock::now()};
      ++load[*server];
      if (++server == servers.end()) server = servers.begin();
    }
  }

  const chain::Genesis& genesis_;
  const NodeConfig& config_;
  storage::Store& store_;
  std::unique_ptr<p2p::Host> host_;
  std::mutex mutex_;
  std::condition_variable cv_;
  std::deque<Event> events_;
  std::set<p2p::NodeId> connected_;
  std::map<p2p::NodeId, SteadyClock::time_point> asked_;
  std::map<p2p::NodeId, std::vector<Offer>> offers_;
  std::set<p2p::NodeId> faulted_;
  std::optional<SteadyClock::time_point> first_offer_;
};

}  // namespace

std::optional<std::uint64_t> fast_sync(const chain::Genesis& genesis, const crypto::KeyPair& node_key,
                                       const NodeConfig& config, storage::Store& store) {
  FastSync sync(genesis, node_key, config, store);
  return sync.run();
}

}  // namespace telco::node
