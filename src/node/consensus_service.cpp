#include "node/consensus_service.h"

#include <spdlog/spdlog.h>

#include "node/node.h"
#include "node/p2p_channels.h"

namespace telco::node {
namespace {

using SteadyClock = std::chrono::steady_clock;
using std::chrono::milliseconds;

constexpr milliseconds kResendInterval{1'000};  // status, own messages, sync requests
constexpr std::uint32_t kBlocksPerRequest = 32;
constexpr std::size_t kTxsRelayBatchMax = gossip::kTxsPerMessageMax;

consensus::EngineConfig engine_config(const chain::Genesis& genesis, const ConsensusConfig& c) {
  consensus::EngineConfig e;
  e.chain_id = genesis.chain_id;
  e.timeouts.commit_ms = c.timeout_commit_ms;
  e.timeouts.propose_ms = c.timeout_propose_ms;
  e.timeouts.propose_delta_ms = c.timeout_propose_delta_ms;
  e.timeouts.prevote_ms = c.timeout_vote_ms;
  e.timeouts.prevote_delta_ms = c.timeout_vote_delta_ms;
  e.timeouts.precommit_ms = c.timeout_vote_ms;
  e.timeouts.precommit_delta_ms = c.timeout_vote_delta_ms;
  return e;
}

// Every node may come to validate: the set changes on chain, and the engine votes only at
// heights whose set holds this key. A node whose key is in no set only follows.
std::optional<crypto::KeyPair> signing_key(const chain::Genesis& genesis, const crypto::KeyPair& key) {
  if (!genesis.validator_authorities.empty()) return key;
  for (const auto& v : genesis.validators) {
    if (v.public_key == key.public_key()) return key;
  }
  return std::nullopt;
}

// Our own signed messages are kept encoded; the kind byte says which channel carries them.
p2p::ChannelId own_message_channel(const Bytes& m) {
  return m[0] == static_cast<std::uint8_t>(gossip::Kind::kProposal) ? p2p::kChannelBlockParts : p2p::kChannelVotes;
}

std::uint64_t message_height(const gossip::Message& m) {
  if (const auto* v = std::get_if<consensus::Vote>(&m)) return v->height;
  if (const auto* p = std::get_if<consensus::Proposal>(&m)) return p->height;
  return 0;
}

}  // namespace

class ConsensusService::Outbox final : public consensus::Outbox {
 public:
  explicit Outbox(ConsensusService& s) : s_(s) {}
  void broadcast(const consensus::Proposal& proposal) override {
    Bytes bytes = gossip::encode(proposal);
    s_.host_->broadcast(p2p::kChannelBlockParts, bytes);
    s_.own_messages_.push_back(std::move(bytes));
  }
  void broadcast(const consensus::Vote& vote) override {
    Bytes bytes = gossip::encode(vote);
    s_.host_->broadcast(p2p::kChannelVotes, bytes);
    s_.own_messages_.push_back(std::move(bytes));
  }
  void schedule(const consensus::Timeout& timeout, std::uint64_t duration_ms) override {
    if (s_.timers_.size() >= kTimersMax) s_.timers_.erase(s_.timers_.begin());
    s_.timers_.emplace(SteadyClock::now() + milliseconds(duration_ms), timeout);
  }
  void evidence(const consensus::DuplicateVoteEvidence& e) override {
    spdlog::warn("evidence: validator {} signed two {}s at height {} round {}; it goes into a block",
                 crypto::to_hex(e.first.validator).substr(0, 16), consensus::vote_type_name(e.first.type),
                 e.first.height, e.first.round);
    if (s_.app_.add_evidence(e) == ChainApplication::EvidenceVerdict::kAdded) s_.host_->broadcast(p2p::kChannelVotes, gossip::encode(e));
  }
  void committed(const chain::Block&, const chain::Commit&, const consensus::HeightContext&) override {
    s_.own_messages_.clear();
  }

 private:
  ConsensusService& s_;
};

ConsensusService::ConsensusService(Node& node, const crypto::KeyPair& validator_key, const crypto::KeyPair& node_key,
                                   const NodeConfig& config, const std::filesystem::path& consensus_dir)
    : node_(node),
      config_(config),
      validator_key_(signing_key(*node.genesis_, validator_key)),
      wal_storage_((std::filesystem::create_directories(consensus_dir), consensus_dir / "wal")),
      guard_storage_(consensus_dir / "sign_guard"),
      app_(node, node.mempool_->config().verify_threads),
      outbox_(std::make_unique<Outbox>(*this)) {
  replica_ = std::make_unique<consensus::Replica>(engine_config(*node.genesis_, config.consensus), validator_key_,
                                                  app_, *outbox_, wal_storage_, guard_storage_);
  p2p::HostConfig hc;
  hc.chain_id = node.genesis_->chain_id;
  const auto [host, port] = split_listen(config.p2p.listen);
  hc.listen_address = host;
  hc.port = port;
  hc.agent = std::string("telcod/") + TELCO_VERSION;
  hc.channels = node_channels();
  hc.inbound_peers_max = config.p2p.inbound_peers_max;
  hc.outbound_peers_max = config.p2p.outbound_peers_max;
  // Block sync moves blocks in bulk; the defaults are sized for gossip.
  hc.inbound_rate = {.bytes_per_second = 128.0 * 1024 * 1024, .burst_bytes = 64.0 * 1024 * 1024,
                     .messages_per_second = 50'000, .burst_messages = 10'000};
  hc.undelivered_bytes_max = 64 << 20;
  hc.address_book_path = consensus_dir / "address_book.json";
  p2p::HostHandlers handlers;
  handlers.on_message = [this](const p2p::NodeId& peer, p2p::ChannelId channel, Bytes payload) {
    on_network_message(peer, channel, std::move(payload));
  };
  handlers.on_peer_up = [this](const p2p::PeerInfo& info) { post(PeerUp{info.id}); };
  handlers.on_peer_down = [this](const p2p::NodeId& peer, const std::string&) { post(PeerDown{peer}); };
  host_ = std::make_unique<p2p::Host>(std::move(hc), node_key, std::move(handlers));
  snapshots_ = std::make_unique<SnapshotService>(*node.store_, consensus_dir.parent_path() / "snapshots", config.snapshot);
  for (const std::string& peer : config.p2p.persistent_peers) {
    std::string error;
    if (!host_->add_persistent_peer(peer, &error)) {
      throw std::invalid_argument("config: p2p.persistent_peers: '" + peer + "': " + error);
    }
  }
  node.on_admitted_ = [this](const std::vector<chain::Transaction>& txs) {
    std::vector<Bytes> encoded;
    encoded.reserve(txs.size());
    for (const auto& tx : txs) {
      encoded.push_back(tx.encode());
      if (encoded.size() == kTxsRelayBatchMax) {
        host_->broadcast(p2p::kChannelMempool, gossip::encode_txs(encoded));
        encoded.clear();
      }
    }
    if (!encoded.empty()) host_->broadcast(p2p::kChannelMempool, gossip::encode_txs(encoded));
  };
}

ConsensusService::~ConsensusService() { stop(); }

consensus::HeightContext ConsensusService::committed_context() const {
  const storage::Head head = node_.committed_head();
  // The sets of heights head and head + 1 come from the change history the store keeps
  // beside the blocks (Node::validator_set_at): a pure function of the committed chain.
  std::optional<consensus::ValidatorSet> last;
  chain::Commit last_commit;
  std::uint32_t prev_tx_count = 0;
  if (head.height > 0) {
    last = node_.validator_set_at(head.height);
    auto commit = node_.store_->commit(head.height);
    if (!commit) throw std::runtime_error("store has no commit for its head " + std::to_string(head.height));
    last_commit = std::move(*commit);
    const auto header = node_.store_->header(head.height);
    if (!header) throw std::runtime_error("store has no header for its head " + std::to_string(head.height));
    prev_tx_count = header->tx_count;
  }
  return consensus::HeightContext{head.height + 1, node_.validator_set_at(head.height + 1), std::move(last),
                                  std::move(last_commit), head.hash, head.time_ms, prev_tx_count};
}

void ConsensusService::start() {
  if (thread_.joinable()) return;
  host_->start();
  snapshots_->start();
  const std::uint64_t now_ms = node_.clock_();
  const consensus::HeightContext context = committed_context();
  const std::size_t cut = replica_->start(context, now_ms);
  if (cut > 0) spdlog::warn("consensus WAL: cut a torn or corrupt tail of {} bytes", cut);
  spdlog::info("consensus: {} at height {} with {} validators; p2p on port {} as {}",
               validator_key_ && context.validators.index_of(validator_key_->public_key())
                   ? "validating"
                   : "following (not in the validator set)",
               engine_height(),
               context.validators.size(), host_->port(), p2p::node_id_hex(host_->node_id()));
  thread_ = std::thread([this] { run(); });
}

void ConsensusService::stop() {
  {
    std::lock_guard lock(mutex_);
    if (stopping_ && !thread_.joinable()) return;
    stopping_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
  host_->stop();  // after the thread: no callback posts into a dead service
  snapshots_->stop();
}

void ConsensusService::post(Event event) {
  {
    std::lock_guard lock(mutex_);
    if (stopping_) return;
    if (inbox_.size() >= kInboxMax) {
      // Gossip is repaired by resends; dropping here only delays, and bounds memory.
      if (++inbox_dropped_ % 1000 == 1) spdlog::warn("consensus inbox full: dropped {} messages", inbox_dropped_);
      return;
    }
    inbox_.push_back(std::move(event));
  }
  cv_.notify_one();
}

void ConsensusService::on_network_message(const p2p::NodeId& peer, p2p::ChannelId channel, Bytes payload) {
  if (channel == p2p::kChannelSnapshot) return snapshots_->on_message(*host_, peer, payload);
  codec::DecodeError error = codec::DecodeError::kNone;
  auto message = gossip::decode(payload, &error);
  if (!message) {
    host_->report_fault(peer, p2p::PeerFault::kMalformed,
                        std::string("undecodable message on channel ") + std::to_string(channel) + ": " +
                            codec::describe(error));
    return;
  }
  // Requests and transactions are handled here, off the consensus thread.
  if (const auto* request = std::get_if<gossip::BlocksRequest>(&*message)) {
    if (channel != p2p::kChannelBlockSync) return host_->report_fault(peer, p2p::PeerFault::kInvalid, "wrong channel");
    serve_blocks(peer, *request);
    return;
  }
  if (auto* txs = std::get_if<gossip::Txs>(&*message)) {
    if (channel != p2p::kChannelMempool) return host_->report_fault(peer, p2p::PeerFault::kInvalid, "wrong channel");
    std::vector<chain::Transaction> fresh;
    for (auto& tx : txs->txs) {
      if (!node_.mempool_->find(tx.hash())) fresh.push_back(std::move(tx));
    }
    if (fresh.empty()) return;
    std::vector<chain::Transaction> copies = fresh;
    const auto admissions = node_.mempool_->submit(std::move(fresh));
    std::vector<Bytes> relay;
    for (std::size_t i = 0; i < admissions.size(); ++i) {
      if (admissions[i].code == chain::ResultCode::kOk) relay.push_back(copies[i].encode());
    }
    if (!relay.empty()) host_->broadcast(p2p::kChannelMempool, gossip::encode_txs(relay), &peer);
    return;
  }
  post(Inbound{peer, std::move(*message), payload.size()});
}

void ConsensusService::serve_blocks(const p2p::NodeId& peer, const gossip::BlocksRequest& request) {
  for (std::uint64_t h = request.from; h < request.from + request.count; ++h) {
    auto block = node_.store_->block(h);
    auto commit = block ? node_.store_->commit(h) : std::nullopt;
    if (!block || !commit) {
      host_->send(peer, p2p::kChannelBlockSync, gossip::encode(gossip::BlocksUnavailable{h}));
      return;
    }
    if (host_->send(peer, p2p::kChannelBlockSync, gossip::encode(gossip::BlockResponse{*block, *commit})) !=
        p2p::SendResult::kQueued) {
      return;  // its queue is full or it left: it will ask again
    }
  }
}

void ConsensusService::run() {
  next_tick_ = SteadyClock::now();
  std::deque<Event> batch;
  while (true) {
    {
      std::unique_lock lock(mutex_);
      auto deadline = next_tick_;
      if (!timers_.empty()) deadline = std::min(deadline, timers_.begin()->first);
      cv_.wait_until(lock, deadline, [&] { return stopping_ || !inbox_.empty(); });
      if (stopping_) return;
      batch.swap(inbox_);
    }
    try {
      for (Event& e : batch) {
        const std::uint64_t before = engine_height();
        handle(e, node_.clock_());
        if (engine_height() != before) on_height_started(node_.clock_());
      }
      batch.clear();
      const std::uint64_t before = engine_height();
      fire_due_timers(node_.clock_());
      if (SteadyClock::now() >= next_tick_) {
        tick(node_.clock_());
        next_tick_ = SteadyClock::now() + kResendInterval;
      }
      apply_synced_blocks(node_.clock_());
      if (engine_height() != before) on_height_started(node_.clock_());
    } catch (const std::exception& e) {
      // Storage failures and broken invariants: stop deciding rather than risk signing
      // from a state we cannot trust. The operator fixes the cause and restarts; the WAL
      // and the sign guard carry us on from there.
      spdlog::critical("consensus stopped: {}", e.what());
      std::lock_guard lock(mutex_);
      stopping_ = true;
      return;
    }
  }
}

void ConsensusService::handle(Event& event, std::uint64_t now_ms) {
  if (auto* in = std::get_if<Inbound>(&event)) return handle_message(in->peer, in->message, in->bytes, now_ms);
  if (const auto* up = std::get_if<PeerUp>(&event)) {
    peer_heights_.emplace(up->peer, 0);
    host_->send(up->peer, p2p::kChannelConsensusState, gossip::encode(gossip::Status{node_.committed_head().height}));
    for (const Bytes& m : own_messages_) host_->send(up->peer, own_message_channel(m), m);
    return;
  }
  if (const auto* down = std::get_if<PeerDown>(&event)) {
    peer_heights_.erase(down->peer);
    for (auto it = requested_.begin(); it != requested_.end();) {
      it = it->second.peer == down->peer ? requested_.erase(it) : std::next(it);
    }
    return;
  }
}

void ConsensusService::handle_message(const p2p::NodeId& peer, gossip::Message& message, std::size_t bytes,
                                      std::uint64_t now_ms) {
  if (const auto* status = std::get_if<gossip::Status>(&message)) {
    peer_heights_[peer] = status->height;
    request_blocks(now_ms);
    return;
  }
  if (auto* response = std::get_if<gossip::BlockResponse>(&message)) {
    const std::uint64_t h = response->block.header.height;
    auto it = requested_.find(h);
    if (it == requested_.end() || it->second.peer != peer) return;  // late or unsolicited
    requested_.erase(it);
    block_bytes_avg_ = 0.9 * block_bytes_avg_ + 0.1 * static_cast<double>(bytes);
    if (h < engine_height()) return;
    // Over the byte bound, the furthest heights make room (they are asked for again); the
    // engine's own height always gets in, so a buffer full of later heights cannot stall sync.
    while (synced_bytes_ + bytes > kSyncBufferedBytesMax && !synced_.empty() && std::prev(synced_.end())->first > h) {
      erase_synced(std::prev(synced_.end()), synced_.end());
    }
    if ((synced_bytes_ + bytes <= kSyncBufferedBytesMax || h == engine_height()) &&
        synced_.emplace(h, Synced{peer, std::move(response->block), std::move(response->commit), bytes}).second) {
      synced_bytes_ += bytes;
    }
    return;
  }
  if (const auto* unavailable = std::get_if<gossip::BlocksUnavailable>(&message)) {
    for (auto it = requested_.lower_bound(unavailable->from); it != requested_.end();) {
      it = it->second.peer == peer ? requested_.erase(it) : std::next(it);
    }
    // Its status promised more than it has (pruned, or it lost blocks): ask others.
    auto known = peer_heights_.find(peer);
    if (known != peer_heights_.end() && unavailable->from > 0) known->second = std::min(known->second, unavailable->from - 1);
    return;
  }
  if (const auto* evidence = std::get_if<consensus::DuplicateVoteEvidence>(&message)) {
    std::string reason;
    const ChainApplication::EvidenceVerdict verdict = app_.add_evidence(*evidence, &reason);
    if (verdict == ChainApplication::EvidenceVerdict::kAdded) {
      spdlog::warn("peer {} reports evidence against validator {} at height {}; it goes into a block",
                   p2p::short_id(peer), crypto::to_hex(evidence->first.validator).substr(0, 16),
                   evidence->first.height);
      host_->broadcast(p2p::kChannelVotes, gossip::encode(*evidence));
    } else if (verdict == ChainApplication::EvidenceVerdict::kInvalid) {
      host_->report_fault(peer, p2p::PeerFault::kInvalid, "invalid evidence: " + reason);
    }
    return;
  }
  const std::uint64_t h = message_height(message);
  const auto* vote = std::get_if<consensus::Vote>(&message);
  if (h == engine_height()) {
    deliver_consensus(message, now_ms);
  } else if (vote && vote->type == consensus::VoteType::kPrecommit && h + 1 == engine_height() &&
             replica_->engine().step() == consensus::Step::kNewHeight) {
    // A precommit for the block just decided that came after our quorum: the engine counts
    // it to end the commit wait early once every validator's is in (TimeoutConfig). Only
    // while it waits, so the WAL does not log old precommits that can change nothing.
    deliver_consensus(message, now_ms);
  } else if (h == engine_height() + 1 && next_height_.size() < kNextHeightBufferMax) {
    next_height_.push_back(std::move(message));
  }
}

void ConsensusService::deliver_consensus(const gossip::Message& message, std::uint64_t now_ms) {
  if (const auto* vote = std::get_if<consensus::Vote>(&message)) {
    replica_->on_vote(*vote, now_ms);
  } else if (const auto* proposal = std::get_if<consensus::Proposal>(&message)) {
    replica_->on_proposal(*proposal, now_ms);
  }
}

void ConsensusService::on_height_started(std::uint64_t now_ms) {
  const std::uint64_t height = engine_height();
  requested_.erase(requested_.begin(), requested_.lower_bound(height));
  erase_synced(synced_.begin(), synced_.lower_bound(height));
  for (auto it = timers_.begin(); it != timers_.end();) {
    it = it->second.height < height ? timers_.erase(it) : std::next(it);
  }
  host_->broadcast(p2p::kChannelConsensusState, gossip::encode(gossip::Status{height - 1}));
  std::vector<gossip::Message> buffered;
  buffered.swap(next_height_);
  for (const gossip::Message& m : buffered) {
    if (message_height(m) == height) deliver_consensus(m, now_ms);
    if (engine_height() != height) return on_height_started(now_ms);
  }
  request_blocks(now_ms);
}

void ConsensusService::fire_due_timers(std::uint64_t now_ms) {
  const auto now = SteadyClock::now();
  while (!timers_.empty() && timers_.begin()->first <= now) {
    const consensus::Timeout t = timers_.begin()->second;
    timers_.erase(timers_.begin());
    if (t.height == engine_height()) replica_->on_timeout(t, now_ms);
  }
}

void ConsensusService::tick(std::uint64_t now_ms) {
  host_->broadcast(p2p::kChannelConsensusState, gossip::encode(gossip::Status{node_.committed_head().height}));
  for (const Bytes& m : own_messages_) host_->broadcast(own_message_channel(m), m);
  const auto now = SteadyClock::now();
  for (auto it = requested_.begin(); it != requested_.end();) {
    it = now - it->second.sent > kRequestTimeout ? requested_.erase(it) : std::next(it);
  }
  request_blocks(now_ms);
}

void ConsensusService::request_blocks(std::uint64_t) {
  const std::uint64_t next = engine_height();
  std::uint64_t best = 0;
  for (const auto& [id, h] : peer_heights_) best = std::max(best, h);
  if (best < next) {
    if (sync_progress_) {
      spdlog::info("block sync: caught up at height {}", next - 1);
      sync_progress_.reset();
    }
    return;
  }
  const auto now = SteadyClock::now();
  if (!sync_progress_ && best > next + 1) {
    sync_progress_ = SyncProgress{now, next, now};
    spdlog::info("block sync: at height {}, peers have {}: fetching {} blocks", next - 1, best, best - next + 1);
  }
  if (sync_progress_ && now - sync_progress_->last_log >= std::chrono::seconds(2)) {
    const double secs = std::chrono::duration<double>(now - sync_progress_->since).count();
    const double rate = secs > 0 ? (next - sync_progress_->from_height) / secs : 0;
    const double eta = rate > 0 ? (best - next + 1) / rate : 0;
    spdlog::info("block sync: height {} of {}, {:.0f} blocks/s, ETA {:.0f} s", next - 1, best, rate, eta);
    sync_progress_->last_log = now;
  }
  const std::uint64_t limit = std::min(best, next + sync_window() - 1);
  std::vector<std::pair<p2p::NodeId, std::uint64_t>> peers(peer_heights_.begin(), peer_heights_.end());
  std::size_t turn = static_cast<std::size_t>(next);  // spreads requests over the peers
  for (std::uint64_t h = next; h <= limit;) {
    if (requested_.contains(h) || synced_.contains(h)) {
      ++h;
      continue;
    }
    const p2p::NodeId* chosen = nullptr;
    std::uint64_t chosen_height = 0;
    for (std::size_t k = 0; k < peers.size() && !chosen; ++k) {
      const auto& [id, peer_height] = peers[(turn + k) % peers.size()];
      if (peer_height >= h) {
        chosen = &id;
        chosen_height = peer_height;
      }
    }
    if (!chosen) break;
    ++turn;
    std::uint32_t count = 0;
    while (count < kBlocksPerRequest && h + count <= std::min(limit, chosen_height) &&
           !requested_.contains(h + count) && !synced_.contains(h + count)) {
      ++count;
    }
    if (host_->send(*chosen, p2p::kChannelBlockSync, gossip::encode(gossip::BlocksRequest{h, count})) !=
        p2p::SendResult::kQueued) {
      ++h;
      continue;
    }
    for (std::uint32_t i = 0; i < count; ++i) requested_[h + i] = {*chosen, now};
    h += count;
  }
}

std::uint32_t ConsensusService::sync_window() const {
  const std::size_t room = kSyncBufferedBytesMax - std::min(synced_bytes_, kSyncBufferedBytesMax);
  const double fits = static_cast<double>(std::min(kSyncBytesTarget, room)) / std::max(block_bytes_avg_, 1.0);
  return static_cast<std::uint32_t>(std::clamp(fits, double{kSyncWindowMin}, double{kSyncWindowMax}));
}

void ConsensusService::erase_synced(std::map<std::uint64_t, Synced>::iterator first,
                                    std::map<std::uint64_t, Synced>::iterator last) {
  for (auto it = first; it != last; ++it) synced_bytes_ -= it->second.bytes;
  synced_.erase(first, last);
}

void ConsensusService::apply_synced_blocks(std::uint64_t now_ms) {
  // on_commits applies nothing to an engine not started or decided: no peer's fault then.
  if (!replica_->engine().started() || replica_->engine().decided()) return;
  while (true) {
    // The run of consecutive received heights from the engine's.
    const std::uint64_t from = engine_height();
    std::vector<std::map<std::uint64_t, Synced>::iterator> run;
    for (auto it = synced_.find(from); it != synced_.end() && it->first == from + run.size() && run.size() < kSyncRunMax;
         ++it) {
      run.push_back(it);
    }
    if (run.empty()) return;
    // The commits are checked against the current set across the verify pool first; the
    // replica re-checks any whose height turns out to have another set (a change in the run).
    const consensus::ValidatorSet& set = replica_->engine().context().validators;
    const crypto::Hash32 set_hash = set.hash();
    const std::string& chain_id = node_.genesis_->chain_id;
    std::vector<consensus::Replica::SyncedBlock> blocks(run.size());
    app_.run_parallel(run.size(), [&](std::size_t i) {
      const Synced& s = run[i]->second;
      blocks[i] = {&s.block, &s.commit, std::nullopt};
      if (consensus::verify_commit(set, chain_id, s.commit, run[i]->first, s.block.header.hash()) ==
          consensus::CommitError::kOk) {
        blocks[i].commit_verified = set_hash;
      }
    });
    const auto started = SteadyClock::now();
    now_ms = node_.clock_();  // runs take a while: each reads the clock afresh
    const std::size_t applied = replica_->on_commits(blocks, now_ms);
    if (applied > 0) {
      spdlog::debug("block sync: applied heights {}..{} in {:.1f} ms", from, from + applied - 1,
                    std::chrono::duration<double, std::milli>(SteadyClock::now() - started).count());
    }
    if (applied < run.size()) {
      // The replica refused it: a commit without a quorum of valid signatures, or a block
      // that does not execute to its header. Either way the peer sent what no correct node has.
      const auto bad = run[applied];
      host_->report_fault(bad->second.peer, p2p::PeerFault::kInvalid,
                          "block " + std::to_string(bad->first) + " from sync does not verify");
      erase_synced(bad, std::next(bad));
    }
    if (applied > 0) on_height_started(now_ms);
    if (applied < run.size()) return;
  }
}

}  // namespace telco::node
