// The consensus shell of a multi-validator node: the Tendermint replica (consensus/replica.h)
// driven by the p2p host, a timer heap and the local clock, on ONE consensus thread that is
// also the node's only writer (docs/CONSENSUS.md, "The node").
//
// What it does on that thread:
// - delivers proposals and votes of the current height to the replica (those of the next
//   height wait in a bounded buffer until it starts); fires timeouts when due;
// - gossips: its own proposal and votes when signed, again to a peer that connects, and
//   again every resend interval while the height is undecided (messages lost to a crashed or
//   partitioned peer are so repaired without per-peer bookkeeping); newly admitted
//   transactions to every peer; its committed height (status) to every peer;
// - block sync: when a peer's status shows blocks we lack, asks for a window of them,
//   verifies their commits across the verify pool, hands runs of consecutive heights to the
//   replica (Replica::on_commits: checked there, one store sync per run), and follows the
//   head once caught up. Progress is logged: height, blocks/s, ETA.
// Requests for blocks are answered from the store on the p2p delivery thread.
//
// A peer that sends bytes that do not decode, or a commit that does not verify, is reported
// to the host as a fault (and banned past the score); local failures are never blamed on peers.
#pragma once

#include <condition_variable>
#include <deque>
#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>
#include <variant>

#include "consensus/file_storage.h"
#include "consensus/replica.h"
#include "node/chain_application.h"
#include "node/config.h"
#include "node/gossip.h"
#include "node/snapshot_service.h"
#include "p2p/host.h"

namespace telco::node {

class Node;

class ConsensusService {
 public:
  // validator_key signs votes when it is in the validator set (otherwise the node follows);
  // node_key authenticates p2p connections. consensus_dir holds the WAL and the sign guard.
  ConsensusService(Node& node, const crypto::KeyPair& validator_key, const crypto::KeyPair& node_key,
                   const NodeConfig& config, const std::filesystem::path& consensus_dir);
  ~ConsensusService();
  ConsensusService(const ConsensusService&) = delete;
  ConsensusService& operator=(const ConsensusService&) = delete;

  void start();  // binds the p2p port, replays the WAL, starts the thread; throws on failure
  void stop();   // idempotent

  std::uint16_t p2p_port() const { return host_->port(); }
  const p2p::NodeId& node_id() const { return host_->node_id(); }

 private:
  class Outbox;
  struct Inbound {
    p2p::NodeId peer;
    gossip::Message message;
    std::size_t bytes = 0;  // encoded size
  };
  struct PeerUp {
    p2p::NodeId peer;
  };
  struct PeerDown {
    p2p::NodeId peer;
  };
  struct Admitted {
    std::vector<chain::Transaction> txs;
  };
  using Event = std::variant<Inbound, PeerUp, PeerDown, Admitted>;

  void post(Event event);
  void run();
  void handle(Event& event, std::uint64_t now_ms);
  void handle_message(const p2p::NodeId& peer, gossip::Message& message, std::size_t bytes, std::uint64_t now_ms);
  void deliver_consensus(const gossip::Message& message, std::uint64_t now_ms);
  void on_height_started(std::uint64_t now_ms);
  void fire_due_timers(std::uint64_t now_ms);
  void tick(std::uint64_t now_ms);
  void request_blocks(std::uint64_t now_ms);
  void apply_synced_blocks(std::uint64_t now_ms);
  void serve_blocks(const p2p::NodeId& peer, const gossip::BlocksRequest& request);
  void on_network_message(const p2p::NodeId& peer, p2p::ChannelId channel, Bytes payload);
  consensus::HeightContext committed_context() const;
  std::uint64_t engine_height() const { return replica_->engine().height(); }

  Node& node_;
  const NodeConfig config_;
  const std::optional<crypto::KeyPair> validator_key_;
  consensus::FileLogStorage wal_storage_;
  consensus::FileRecordStorage guard_storage_;
  ChainApplication app_;
  std::unique_ptr<Outbox> outbox_;
  std::unique_ptr<consensus::Replica> replica_;
  std::unique_ptr<p2p::Host> host_;
  // Snapshots for peers that fast-sync: periodic export and the snapshot channel's answers.
  std::unique_ptr<SnapshotService> snapshots_;

  // Inbox of the consensus thread, filled by the p2p delivery thread and the API.
  static constexpr std::size_t kInboxMax = 20'000;
  mutable std::mutex mutex_;
  std::condition_variable cv_;
  std::deque<Event> inbox_;
  bool stopping_ = false;
  std::thread thread_;
  std::size_t inbox_dropped_ = 0;

  // --- consensus thread only -----------------------------------------------------------
  std::multimap<std::chrono::steady_clock::time_point, consensus::Timeout> timers_;
  static constexpr std::size_t kTimersMax = 4'096;
  // Our own signed messages of the current height, resent until it is decided.
  std::vector<Bytes> own_messages_;
  // Proposals and votes of the next height, delivered when it starts.
  static constexpr std::size_t kNextHeightBufferMax = 1'024;
  std::vector<gossip::Message> next_height_;
  std::chrono::steady_clock::time_point next_tick_{};

  // Block sync. Blocks are requested ahead of the engine's height up to a window of
  // kSyncBytesTarget worth of blocks (at the running average size; at most kSyncWindowMax,
  // which the serving peer's block-sync queue can hold), and applied in runs of consecutive
  // heights (Replica::on_commits: one store sync and one WAL start per run).
  static constexpr std::uint32_t kSyncWindowMax = 192;
  static constexpr std::uint32_t kSyncWindowMin = 8;
  static constexpr std::size_t kSyncBytesTarget = 32 << 20;
  static constexpr std::size_t kSyncBufferedBytesMax = 96 << 20;  // received, not yet applied
  static constexpr std::size_t kSyncRunMax = 128;
  std::uint32_t sync_window() const;
  static constexpr std::chrono::milliseconds kRequestTimeout{5'000};
  std::map<p2p::NodeId, std::uint64_t> peer_heights_;
  struct Request {
    p2p::NodeId peer;
    std::chrono::steady_clock::time_point sent;
  };
  std::map<std::uint64_t, Request> requested_;  // height -> who was asked
  struct Synced {
    p2p::NodeId peer;
    chain::Block block;
    chain::Commit commit;
    std::size_t bytes = 0;
  };
  std::map<std::uint64_t, Synced> synced_;
  std::size_t synced_bytes_ = 0;
  double block_bytes_avg_ = 1 << 20;  // of received blocks; the window starts small
  void erase_synced(std::map<std::uint64_t, Synced>::iterator first, std::map<std::uint64_t, Synced>::iterator last);
  struct SyncProgress {
    std::chrono::steady_clock::time_point since;
    std::uint64_t from_height = 0;
    std::chrono::steady_clock::time_point last_log;
  };
  std::optional<SyncProgress> sync_progress_;
};

}  // namespace telco::node
