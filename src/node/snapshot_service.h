// A node's half of fast sync that serves others (docs/STATE.md, "Fast sync over p2p"):
// - every snapshot.interval heights, a background thread exports the committed state at
//   that height into HOME/data/snapshots/<height>/ (snapshot_files.h) and keeps the newest
//   snapshot.keep of them. It reads immutable tree nodes of a committed version, so it needs
//   no lock against the writer; a version pruned under it fails that export only;
// - answers the snapshot channel's requests (offers, manifest with header and commit,
//   chunks) from those directories, on the p2p delivery thread.
#pragma once

#include <condition_variable>
#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <thread>

#include "node/config.h"
#include "node/snapshot_files.h"
#include "node/snapshot_messages.h"
#include "p2p/host.h"
#include "storage/store.h"

namespace telco::node {

class SnapshotService {
 public:
  SnapshotService(const storage::Store& store, std::filesystem::path dir, const SnapshotConfig& config);
  ~SnapshotService();
  SnapshotService(const SnapshotService&) = delete;
  SnapshotService& operator=(const SnapshotService&) = delete;

  void start();  // the export thread, when snapshot.interval > 0
  void stop();   // idempotent; waits for an export in progress to finish

  // One message on the snapshot channel. Malformed bytes are the peer's fault; requests for
  // what we do not have are answered kUnavailable. Answers go out with host.send.
  void on_message(p2p::Host& host, const p2p::NodeId& peer, ByteView payload);

  // Exports the snapshot due at the head, if any (the export thread calls it; tests too).
  void export_due();

 private:
  void run();
  void refresh();  // re-reads the directory's snapshots
  std::shared_ptr<const SnapshotFiles> find(std::uint64_t height, std::filesystem::path* dir) const;

  const storage::Store& store_;
  const std::filesystem::path dir_;
  const SnapshotConfig config_;
  std::uint64_t last_exported_ = 0;

  mutable std::mutex mutex_;
  std::condition_variable cv_;
  bool stopping_ = false;
  std::thread thread_;
  struct Served {
    std::filesystem::path dir;
    std::shared_ptr<const SnapshotFiles> files;
    snapshot_wire::Offer offer;
  };
  std::map<std::uint64_t, Served> served_;  // by height
};

}  // namespace telco::node
