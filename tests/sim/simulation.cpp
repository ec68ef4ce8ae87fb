#include "simulation.h"

#include <fmt/format.h>

#include <map>
#include <memory>
#include <queue>
#include <set>
#include <tuple>
#include <variant>

#include "consensus/replica.h"
#include "test_app.h"

namespace telco::sim {
namespace {

using namespace consensus;

// SplitMix64: tiny, portable and fully specified, so a seed means the same run everywhere
// (std:: distributions differ between standard libraries).
class Rng {
 public:
  explicit Rng(std::uint64_t seed) : state_(seed) {}
  std::uint64_t next() {
    std::uint64_t z = (state_ += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
  }
  std::uint64_t below(std::uint64_t n) { return n == 0 ? 0 : next() % n; }
  std::uint64_t range(std::uint64_t lo, std::uint64_t hi) { return lo + below(hi - lo + 1); }
  bool chance(std::uint64_t per_mille) { return below(1000) < per_mille; }

 private:
  std::uint64_t state_;
};

constexpr char kChainId[] = "telco-sim";
constexpr std::uint64_t kGenesisTimeMs = 1'700'000'000'000;
constexpr std::uint64_t kGossipIntervalMs = 1'000;
constexpr std::uint64_t kDeltaMs = 300;             // message delay bound after GST
constexpr std::uint64_t kProgressBoundMs = 60'000;  // liveness: a new height this soon after GST
constexpr std::uint64_t kSyncBatch = 4;             // blocks sent per status from a lagging peer
constexpr std::uint64_t kEventsMax = 3'000'000;
constexpr std::int64_t kClockSkewMaxMs = 200;       // below TimeConfig precision

struct Status {
  std::uint64_t height = 0;  // the height the sender is deciding
};
struct SyncBlock {
  chain::Block block;
  chain::Commit commit;
};
using Message = std::variant<Proposal, Vote, Status, SyncBlock>;
using MessagePtr = std::shared_ptr<const Message>;

struct Deliver {
  std::size_t from, to;
  MessagePtr message;
};
struct Fire {
  std::size_t node;
  std::uint64_t epoch;
  Timeout timeout;
};
struct Gossip {
  std::size_t node;
  std::uint64_t epoch;
};
struct Crash {
  std::size_t node;
};
struct Restart {
  std::size_t node;
};
using Event = std::variant<Deliver, Fire, Gossip, Crash, Restart>;

struct Scheduled {
  std::uint64_t time;
  std::uint64_t seq;
  Event event;
  bool operator>(const Scheduled& o) const { return std::tie(time, seq) > std::tie(o.time, o.seq); }
};

struct Partition {
  std::uint64_t start, end;
  std::vector<bool> side;
};

using VoteKey = std::tuple<crypto::PublicKey, std::uint64_t, Round, VoteType>;

class Simulation;

class NodeOutbox : public Outbox {
 public:
  NodeOutbox(Simulation& sim, std::size_t node) : sim_(sim), node_(node) {}
  void broadcast(const Proposal& p) override;
  void broadcast(const Vote& v) override;
  void schedule(const Timeout& t, std::uint64_t duration_ms) override;
  void evidence(const DuplicateVoteEvidence& e) override;
  void committed(const chain::Block& b, const chain::Commit& c, const HeightContext& next) override;

 private:
  Simulation& sim_;
  std::size_t node_;
};

struct Node {
  Node(Simulation& sim, std::size_t id_, std::size_t validator_, crypto::KeyPair key_, Byzantine kind_)
      : id(id_), validator(validator_), key(std::move(key_)), kind(kind_), app(static_cast<std::uint32_t>(id_)),
        outbox(sim, id_) {}
  std::size_t id;
  std::size_t validator;
  crypto::KeyPair key;
  Byzantine kind;  // kNone: honest
  TestApp app;
  MemoryLogStorage wal;
  MemoryRecordStorage guard;
  NodeOutbox outbox;
  std::unique_ptr<Replica> replica;
  bool up = true;
  std::uint64_t epoch = 0;
  std::int64_t skew_ms = 0;
  std::vector<std::pair<chain::Block, chain::Commit>> chain;
  std::optional<HeightContext> next;  // persisted with the chain
  std::set<VoteKey> evidence;
  std::map<VoteKey, std::set<Hash32>> seen_since_restart;
  std::uint64_t last_progress_ms = 0;

  bool honest() const { return kind == Byzantine::kNone; }
};

class Simulation {
 public:
  Simulation(std::uint64_t seed, const SimOptions& options);
  SimResult run();

  void on_proposal(std::size_t from, const Proposal& p);
  void on_vote(std::size_t from, const Vote& v);
  void on_schedule(std::size_t node, const Timeout& t, std::uint64_t duration_ms);
  void on_evidence(std::size_t node, const DuplicateVoteEvidence& e);
  void on_committed(std::size_t node, const chain::Block& b, const chain::Commit& c, const HeightContext& next);

 private:
  void setup_validators();
  void setup_faults();
  void start_node(Node& n);
  void schedule(std::uint64_t at, Event e) { queue_.push({at, seq_++, std::move(e)}); }
  void send(std::size_t from, std::size_t to, const MessagePtr& m);
  void broadcast(std::size_t from, const MessagePtr& m);
  bool linked(std::size_t a, std::size_t b) const;
  std::uint64_t local_time(const Node& n) const { return kGenesisTimeMs + now_ + n.skew_ms; }
  void handle(const Deliver& d);
  void handle(const Fire& f);
  void handle(const Gossip& g);
  void handle(const Crash& c);
  void handle(const Restart& r);
  void check_liveness();
  bool done() const;
  void fail(std::string why) {
    if (result_.ok) result_.failure = fmt::format("t={}ms: {}", now_, why);
    result_.ok = false;
  }
  Vote forge_vote(const Node& n, const Vote& v);
  std::string describe_nodes() const;

  Rng rng_;
  SimOptions options_;
  EngineConfig config_;
  std::vector<chain::GenesisValidator> genesis_;
  std::optional<ValidatorSet> set_;
  std::vector<std::unique_ptr<Node>> nodes_;
  std::priority_queue<Scheduled, std::vector<Scheduled>, std::greater<>> queue_;
  std::uint64_t seq_ = 0;
  std::uint64_t now_ = 0;
  std::uint64_t gst_ = 0;
  std::uint64_t drop_per_mille_ = 0, duplicate_per_mille_ = 0, delay_max_ms_ = kDeltaMs;
  std::vector<Partition> partitions_;
  std::map<std::uint64_t, Hash32> decided_;  // by honest nodes
  std::map<VoteKey, Hash32> honest_votes_;
  std::map<std::pair<std::uint64_t, Round>, Hash32> honest_proposals_;
  SimResult result_;
};

void NodeOutbox::broadcast(const Proposal& p) { sim_.on_proposal(node_, p); }
void NodeOutbox::broadcast(const Vote& v) { sim_.on_vote(node_, v); }
void NodeOutbox::schedule(const Timeout& t, std::uint64_t d) { sim_.on_schedule(node_, t, d); }
void NodeOutbox::evidence(const DuplicateVoteEvidence& e) { sim_.on_evidence(node_, e); }
void NodeOutbox::committed(const chain::Block& b, const chain::Commit& c, const HeightContext& next) {
  sim_.on_committed(node_, b, c, next);
}

Simulation::Simulation(std::uint64_t seed, const SimOptions& options) : rng_(seed), options_(options) {
  config_.chain_id = kChainId;
  setup_validators();
  setup_faults();
}

void Simulation::setup_validators() {
  const std::size_t n = options_.validators;
  const bool weighted = options_.faults;
  std::uint64_t total = 0;
  for (std::size_t i = 0; i < n; ++i) {
    crypto::Seed seed{};
    seed.fill(static_cast<std::uint8_t>(0x40 + i));
    const std::uint64_t power = weighted ? rng_.range(1, 3) : 1;
    genesis_.push_back({fmt::format("v{}", i), crypto::KeyPair::from_seed(seed).public_key(), power});
    total += power;
  }
  set_ = ValidatorSet::create(genesis_);

  Byzantine kind = options_.byzantine;
  if (kind == Byzantine::kMixed) kind = static_cast<Byzantine>(rng_.below(5));  // kNone..kInvalidProposer
  // Faulty validators: the lightest, while their power stays below 1/3 of the total.
  std::vector<std::size_t> order(n);
  for (std::size_t i = 0; i < n; ++i) order[i] = i;
  std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return genesis_[a].power < genesis_[b].power; });
  std::vector<bool> faulty(n, false);
  std::uint64_t faulty_power = 0;
  for (std::size_t i = 0; kind != Byzantine::kNone && i < order.size(); ++i) {
    if ((faulty_power + genesis_[order[i]].power) * 3 >= total) break;
    faulty_power += genesis_[order[i]].power;
    faulty[order[i]] = true;
  }
  std::string faulty_names;
  for (std::size_t v = 0; v < n; ++v) {
    crypto::Seed seed{};
    seed.fill(static_cast<std::uint8_t>(0x40 + v));
    const Byzantine role = faulty[v] ? kind : Byzantine::kNone;
    const std::size_t copies = role == Byzantine::kTwins ? 2 : 1;
    for (std::size_t c = 0; c < copies; ++c) {
      nodes_.push_back(std::make_unique<Node>(*this, nodes_.size(), v, crypto::KeyPair::from_seed(seed), role));
      nodes_.back()->app.set_propose_invalid(role == Byzantine::kInvalidProposer);
      if (options_.validator_changes) nodes_.back()->app.set_power_changes(genesis_);
      nodes_.back()->skew_ms = static_cast<std::int64_t>(rng_.range(0, 2 * kClockSkewMaxMs)) - kClockSkewMaxMs;
    }
    if (faulty[v]) faulty_names += fmt::format(" v{}", v);
  }
  std::string powers;
  for (const auto& g : genesis_) powers += fmt::format("{}{}", powers.empty() ? "" : ",", g.power);
  result_.scenario = fmt::format("validators={} powers=[{}] byzantine={}{}", n, powers, byzantine_name(kind),
                                 faulty_names.empty() ? "" : " (" + faulty_names.substr(1) + ")");
}

void Simulation::setup_faults() {
  if (!options_.faults) {
    result_.scenario += " faults=none";
    return;
  }
  gst_ = rng_.range(2'000, 20'000);
  drop_per_mille_ = rng_.range(0, 300);
  duplicate_per_mille_ = rng_.range(0, 100);
  delay_max_ms_ = rng_.range(10, 3'000);
  const std::size_t partitions = rng_.below(3);
  for (std::size_t i = 0; i < partitions; ++i) {
    Partition p;
    p.start = rng_.below(gst_);
    p.end = std::min(gst_, p.start + rng_.range(500, 10'000));
    for (std::size_t n = 0; n < nodes_.size(); ++n) p.side.push_back(rng_.chance(500));
    partitions_.push_back(std::move(p));
  }
  const std::size_t crashes = rng_.below(4);
  for (std::size_t i = 0; i < crashes; ++i) {
    const std::size_t node = rng_.below(nodes_.size());
    const std::uint64_t at = rng_.below(gst_);
    schedule(at, Crash{node});
    schedule(at + rng_.range(1, gst_ - at), Restart{node});
  }
  result_.scenario += fmt::format(" gst={}ms drop={}‰ dup={}‰ delay<={}ms partitions={} crashes={}", gst_,
                                  drop_per_mille_, duplicate_per_mille_, delay_max_ms_, partitions, crashes);
}

void Simulation::start_node(Node& n) {
  n.replica = std::make_unique<Replica>(config_, n.key, n.app, n.outbox, n.wal, n.guard);
  HeightContext context = n.next ? *n.next : HeightContext{1, *set_, std::nullopt, {}, {}, kGenesisTimeMs};
  result_.wal_bytes_cut += n.replica->start(std::move(context), local_time(n));
  schedule(now_ + rng_.range(1, kGossipIntervalMs), Gossip{n.id, n.epoch});
}

SimResult Simulation::run() {
  for (auto& n : nodes_) start_node(*n);
  const std::uint64_t deadline = gst_ + (options_.heights + 2) * kProgressBoundMs;
  std::uint64_t events = 0;
  while (result_.ok && !done() && !queue_.empty()) {
    Scheduled s = queue_.top();
    queue_.pop();
    now_ = s.time;
    if (now_ > deadline) {
      fail("liveness: the target height was not reached by the deadline");
      break;
    }
    if (++events > kEventsMax) {
      fail("event budget exhausted");
      break;
    }
    std::visit([&](const auto& e) { handle(e); }, s.event);
    check_liveness();
  }
  if (result_.ok && !done()) fail("no events left before the target height");
  result_.sim_time_ms = now_;
  for (const auto& n : nodes_) {
    if (n->replica) result_.max_round = std::max<std::uint64_t>(result_.max_round, n->replica->engine().round());
  }
  // Evidence: every equivocation an honest node received while live at that height.
  for (const auto& n : nodes_) {
    if (!n->honest()) continue;
    for (const auto& [key, hashes] : n->seen_since_restart) {
      if (hashes.size() > 1 && !n->evidence.contains(key)) {
        fail(fmt::format("node {} saw an equivocation by {} at height {} round {} but reported no evidence", n->id,
                         crypto::to_hex(std::get<0>(key)).substr(0, 8), std::get<1>(key), std::get<2>(key)));
      }
    }
  }
  return result_;
}

bool Simulation::done() const {
  for (const auto& n : nodes_) {
    if (n->honest() && n->chain.size() < options_.heights) return false;
  }
  return true;
}

void Simulation::check_liveness() {
  if (now_ < gst_) return;
  for (const auto& n : nodes_) {
    if (!n->honest() || n->chain.size() >= options_.heights) continue;
    if (now_ > std::max(gst_, n->last_progress_ms) + kProgressBoundMs) {
      fail(fmt::format("liveness: node {} committed nothing for {} ms after GST (at height {}); {}", n->id,
                       kProgressBoundMs, n->chain.size(), describe_nodes()));
    }
  }
}

std::string Simulation::describe_nodes() const {
  std::string out;
  for (const auto& n : nodes_) {
    if (!n->up || !n->replica) {
      out += fmt::format("[{} down]", n->id);
      continue;
    }
    const Engine& e = n->replica->engine();
    out += fmt::format("[{}{} h={} r={} {} locked={} valid={} votes={}]", n->id, n->honest() ? "" : "*", e.height(),
                       e.round(), step_name(e.step()), e.locked_round(), e.valid_round(), e.votes().size());
  }
  return out;
}

bool Simulation::linked(std::size_t a, std::size_t b) const {
  for (const Partition& p : partitions_) {
    if (now_ >= p.start && now_ < p.end && p.side[a] != p.side[b]) return false;
  }
  return true;
}

void Simulation::send(std::size_t from, std::size_t to, const MessagePtr& m) {
  ++result_.messages;
  if (!linked(from, to)) return;
  if (now_ >= gst_) {
    schedule(now_ + rng_.range(1, kDeltaMs), Deliver{from, to, m});
    return;
  }
  if (rng_.chance(drop_per_mille_)) return;
  schedule(now_ + rng_.range(1, delay_max_ms_), Deliver{from, to, m});
  if (rng_.chance(duplicate_per_mille_)) schedule(now_ + rng_.range(1, delay_max_ms_), Deliver{from, to, m});
}

void Simulation::broadcast(std::size_t from, const MessagePtr& m) {
  for (std::size_t to = 0; to < nodes_.size(); ++to) {
    if (to != from) send(from, to, m);
  }
}

// --- what nodes send -------------------------------------------------------------------

void Simulation::on_proposal(std::size_t from, const Proposal& p) {
  Node& n = *nodes_[from];
  if (n.honest()) {
    const auto [it, fresh] = honest_proposals_.emplace(std::pair(p.height, p.round), p.block_hash());
    if (!fresh && it->second != p.block_hash()) {
      fail(fmt::format("honest node {} signed two proposals for height {} round {}", from, p.height, p.round));
    }
  }
  if (n.kind != Byzantine::kEquivocatingProposer || p.pol_round != kNoRound) {
    broadcast(from, std::make_shared<const Message>(p));
    return;
  }
  // Equivocate: a second valid block for the same round to a random part of the network.
  Proposal other = p;
  std::vector<chain::Transaction> txs = p.block.txs;
  txs.push_back(TestApp::make_tx(static_cast<std::uint32_t>(from), p.height, 7, fmt::format("fork {}", rng_.next())));
  chain::BlockHeader header = p.block.header;
  other.block = TestApp::build(header, p.block.last_commit, std::move(txs), n.app.root());
  other.signature = n.key.sign(other.signing_bytes(kChainId));
  const auto first = std::make_shared<const Message>(p);
  const auto second = std::make_shared<const Message>(other);
  for (std::size_t to = 0; to < nodes_.size(); ++to) {
    if (to != from) send(from, to, rng_.chance(500) ? first : second);
  }
}

Vote Simulation::forge_vote(const Node& n, const Vote& v) {
  Vote other = v;
  other.block_hash = is_nil(v.block_hash) ? crypto::blake2b_256(as_bytes(fmt::format("forged {}", rng_.next())))
                                          : kNilHash;
  other.signature = n.key.sign(other.signing_bytes(kChainId));
  return other;
}

void Simulation::on_vote(std::size_t from, const Vote& v) {
  Node& n = *nodes_[from];
  if (n.honest()) {
    const VoteKey key{v.validator, v.height, v.round, v.type};
    const auto [it, fresh] = honest_votes_.emplace(key, v.block_hash);
    if (!fresh && it->second != v.block_hash) {
      fail(fmt::format("honest node {} signed conflicting {}s at height {} round {}", from, vote_type_name(v.type),
                       v.height, v.round));
    }
  }
  const auto vote = std::make_shared<const Message>(v);
  if (n.kind != Byzantine::kDoubleVoter) {
    broadcast(from, vote);
    return;
  }
  // Double-vote: some peers get one vote, some the other, some both (in either order).
  const auto other = std::make_shared<const Message>(forge_vote(n, v));
  for (std::size_t to = 0; to < nodes_.size(); ++to) {
    if (to == from) continue;
    const std::uint64_t pick = rng_.below(3);
    if (pick != 1) send(from, to, vote);
    if (pick != 0) send(from, to, other);
  }
}

void Simulation::on_schedule(std::size_t node, const Timeout& t, std::uint64_t duration_ms) {
  schedule(now_ + duration_ms, Fire{node, nodes_[node]->epoch, t});
}

void Simulation::on_evidence(std::size_t node, const DuplicateVoteEvidence& e) {
  Node& n = *nodes_[node];
  if (verify_evidence(e, kChainId, n.replica->engine().context().validators) != EvidenceError::kOk) {
    fail(fmt::format("node {} reported evidence that does not verify", node));
  }
  n.evidence.emplace(e.first.validator, e.first.height, e.first.round, e.first.type);
  ++result_.evidence;
}

void Simulation::on_committed(std::size_t node, const chain::Block& b, const chain::Commit& c,
                              const HeightContext& next) {
  Node& n = *nodes_[node];
  const Hash32 hash = b.header.hash();
  n.chain.emplace_back(b, c);
  n.next = next;
  n.last_progress_ms = now_;
  if (!n.honest()) return;
  const auto [it, fresh] = decided_.emplace(b.header.height, hash);
  if (!fresh && it->second != hash) {
    fail(fmt::format("agreement: node {} committed {} at height {}, another honest node {}", node,
                     crypto::to_hex(hash).substr(0, 12), b.header.height, crypto::to_hex(it->second).substr(0, 12)));
  }
  if (!n.app.accepted(hash) || !TestApp::txs_valid(b.txs)) {
    fail(fmt::format("validity: node {} committed a block at height {} its application did not accept", node,
                     b.header.height));
  }
  if (options_.validator_changes) {
    // Set(h) has the powers block h - 1 chose: doubled after a block at h - 1 ≡ 1 (mod 3).
    std::vector<chain::GenesisValidator> expected = genesis_;
    if (b.header.height % 3 == 2) {
      for (auto& v : expected) v.power *= 2;
    }
    if (b.header.validators_hash != chain::validators_hash(expected)) {
      fail(fmt::format("node {} committed height {} under a validator set other than the chain decided", node,
                       b.header.height));
    }
  }
  const ValidatorSet& set = n.replica->engine().context().validators;
  if (verify_commit(set, kChainId, c, b.header.height, hash) != CommitError::kOk) {
    fail(fmt::format("node {} committed height {} with an invalid commit", node, b.header.height));
  }
}

// --- events ----------------------------------------------------------------------------

void Simulation::handle(const Deliver& d) {
  Node& n = *nodes_[d.to];
  if (!n.up) return;
  const std::uint64_t t = local_time(n);
  Engine& engine = n.replica->engine();
  std::visit(
      [&](const auto& m) {
        using M = std::decay_t<decltype(m)>;
        if constexpr (std::is_same_v<M, Proposal>) {
          n.replica->on_proposal(m, t);
        } else if constexpr (std::is_same_v<M, Vote>) {
          if (n.honest() && !engine.decided() && engine.height() == m.height && m.round <= engine.round() &&
              verify_vote_signature(m, kChainId)) {
            n.seen_since_restart[{m.validator, m.height, m.round, m.type}].insert(m.block_hash);
          }
          n.replica->on_vote(m, t);
        } else if constexpr (std::is_same_v<M, Status>) {
          for (std::uint64_t h = m.height; h < m.height + kSyncBatch && h <= n.chain.size(); ++h) {
            const auto& [block, commit] = n.chain[h - 1];
            send(d.to, d.from, std::make_shared<const Message>(SyncBlock{block, commit}));
          }
        } else {
          if (engine.height() == m.block.header.height) n.replica->on_commit(m.block, m.commit, t);
        }
      },
      *d.message);
}

void Simulation::handle(const Fire& f) {
  Node& n = *nodes_[f.node];
  if (n.up && n.epoch == f.epoch) n.replica->on_timeout(f.timeout, local_time(n));
}

// Gossip: tell peers our height (lagging peers answer with blocks) and resend every message
// we hold for it, our own and relayed, so that losses before GST heal after it.
void Simulation::handle(const Gossip& g) {
  Node& n = *nodes_[g.node];
  if (!n.up || n.epoch != g.epoch) return;
  const Engine& engine = n.replica->engine();
  broadcast(n.id, std::make_shared<const Message>(Status{engine.height()}));
  if (!engine.decided()) {
    for (const Proposal& p : engine.proposals()) broadcast(n.id, std::make_shared<const Message>(p));
    for (const Vote& v : engine.votes()) broadcast(n.id, std::make_shared<const Message>(v));
  }
  schedule(now_ + kGossipIntervalMs, Gossip{n.id, n.epoch});
}

void Simulation::handle(const Crash& c) {
  Node& n = *nodes_[c.node];
  if (!n.up) return;
  n.up = false;
  ++n.epoch;
  n.wal.crash(rng_.below(n.wal.unsynced() + 1), rng_.chance(300));
  n.app.crash();
  n.replica.reset();
  n.seen_since_restart.clear();
  ++result_.crashes;
}

void Simulation::handle(const Restart& r) {
  Node& n = *nodes_[r.node];
  if (n.up) return;
  n.up = true;
  ++n.epoch;
  start_node(n);
}

}  // namespace

const char* byzantine_name(Byzantine b) {
  switch (b) {
    case Byzantine::kNone: return "none";
    case Byzantine::kEquivocatingProposer: return "equivocating-proposer";
    case Byzantine::kDoubleVoter: return "double-voter";
    case Byzantine::kTwins: return "twins";
    case Byzantine::kInvalidProposer: return "invalid-proposer";
    case Byzantine::kMixed: return "mixed";
  }
  return "?";
}

bool parse_byzantine(std::string_view text, Byzantine* out) {
  for (const Byzantine b : {Byzantine::kNone, Byzantine::kEquivocatingProposer, Byzantine::kDoubleVoter,
                            Byzantine::kTwins, Byzantine::kInvalidProposer, Byzantine::kMixed}) {
    if (text == byzantine_name(b)) {
      *out = b;
      return true;
    }
  }
  return false;
}

SimResult run_simulation(std::uint64_t seed, const SimOptions& options) { return Simulation(seed, options).run(); }

}  // namespace telco::sim
