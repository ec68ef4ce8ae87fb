// A snapshot on disk (docs/STATE.md, "Snapshots"): one directory per height,
//   manifest.bin      the manifest (state/snapshot.h)
//   header.bin        bytes header · bytes commit of that height (what the restorer verifies)
//   chunks/N.bin      the chunk of manifest entry N (entries without keys have none)
// written under a temporary name and renamed, so a directory with that layout is whole.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "chain/block.h"
#include "state/snapshot.h"
#include "storage/store.h"

namespace telco::node {

struct SnapshotFiles {
  state::SnapshotManifest manifest;
  chain::BlockHeader header;
  chain::Commit commit;
};

// Exports the state at `height` of a store (a stopped node's, or a running node's from its
// own thread: tree nodes are immutable) into `out`, which must not exist. Throws
// std::runtime_error with a sentence: version pruned or not reached, no header, I/O.
SnapshotFiles export_snapshot_dir(const storage::Store& store, std::uint64_t height,
                                  const std::filesystem::path& out,
                                  std::size_t chunk_bytes_target = state::kSnapshotChunkBytesTarget);

// Reads manifest.bin and header.bin; throws std::runtime_error if missing or undecodable.
SnapshotFiles load_snapshot_dir(const std::filesystem::path& dir);
// The bytes of chunk `index`; nullopt if its file is missing or larger than the bound.
std::optional<Bytes> read_snapshot_chunk(const std::filesystem::path& dir, std::size_t index);

// The whole snapshot directories under `root` (named by height), newest first.
std::vector<std::pair<std::uint64_t, std::filesystem::path>> list_snapshot_dirs(
    const std::filesystem::path& root);

}  // namespace telco::node
