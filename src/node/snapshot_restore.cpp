#include "node/snapshot_restore.h"

#include <spdlog/spdlog.h>

#include <stdexcept>

namespace telco::node {

consensus::ValidatorSet trusted_validator_set(const chain::Genesis& genesis, std::uint64_t height) {
  std::string error;
  auto set = consensus::ValidatorSet::create(genesis.validators, &error);
  if (!set) throw std::runtime_error("genesis validator set: " + error);
  return height > 1 ? set->advanced(height - 1) : *set;
}

std::string verify_snapshot(const chain::Genesis& genesis, const SnapshotFiles& s) {
  const chain::BlockHeader& h = s.header;
  if (h.chain_id != genesis.chain_id)
    return "header is of chain '" + h.chain_id + "', not '" + genesis.chain_id + "'";
  if (h.height != s.manifest.height || h.height == 0) return "header height differs from the snapshot's";
  const consensus::ValidatorSet set = trusted_validator_set(genesis, h.height);
  if (h.validators_hash != set.hash())
    return "header names another validator set than the one that signs its height";
  const consensus::CommitError e =
      consensus::verify_commit(set, genesis.chain_id, s.commit, h.height, h.hash());
  if (e != consensus::CommitError::kOk)
    return std::string("header's commit does not verify: ") + consensus::describe(e);
  if (h.state_root != s.manifest.state_root) return "manifest's state root is not the header's";
  const state::SnapshotFailure f = state::verify_manifest(s.manifest, h.height, h.state_root);
  if (f != state::SnapshotFailure::kNone) return std::string("manifest: ") + state::describe(f);
  return {};
}

SnapshotRestorer::SnapshotRestorer(storage::Store& store, const crypto::Hash32& genesis_hash,
                                   SnapshotFiles snapshot)
    : store_(store), genesis_hash_(genesis_hash), snapshot_(std::move(snapshot)) {
  const Bytes manifest = snapshot_.manifest.encode();
  if (store_.restore_manifest() == manifest) {
    done_ = store_.restore_chunks_done();
  } else {
    store_.restore_begin(manifest);
  }
  const auto& entries = snapshot_.manifest.entries;
  for (std::size_t i = 0; i < entries.size(); ++i) {
    if (entries[i].keys == 0) continue;
    ++chunks_total_;
    if (done_.contains(static_cast<std::uint32_t>(i))) {
      ++chunks_done_;
      keys_done_ += entries[i].keys;
    }
  }
  keys_resumed_ = keys_done_;
}

bool SnapshotRestorer::needed(std::size_t index) const {
  const auto& entries = snapshot_.manifest.entries;
  return index < entries.size() && entries[index].keys > 0 &&
         !done_.contains(static_cast<std::uint32_t>(index));
}

state::SnapshotFailure SnapshotRestorer::add_chunk(std::size_t index, ByteView bytes) {
  if (!needed(index)) throw std::logic_error("snapshot chunk not needed");
  const state::SnapshotEntry& entry = snapshot_.manifest.entries[index];
  state::SnapshotChunk chunk;
  std::vector<std::pair<Bytes, Bytes>> nodes;
  const state::SnapshotFailure f =
      state::verify_chunk_nodes(entry, snapshot_.manifest.height, bytes, &chunk, &nodes);
  if (f != state::SnapshotFailure::kNone) return f;
  std::vector<std::pair<Bytes, Bytes>> leaves;
  leaves.reserve(chunk.leaves.size());
  for (state::SnapshotLeaf& l : chunk.leaves) leaves.emplace_back(std::move(l.key), std::move(l.value));
  const Bytes lone = entry.keys == 1 ? Bytes(bytes.begin(), bytes.end()) : Bytes{};
  store_.restore_chunk(static_cast<std::uint32_t>(index), leaves, nodes, lone);
  done_.emplace(static_cast<std::uint32_t>(index), lone);
  ++chunks_done_;
  keys_done_ += entry.keys;
  return f;
}

void SnapshotRestorer::finish() {
  if (!complete()) throw std::logic_error("snapshot restore finished before every chunk");
  const state::TreeUpdate upper = state::upper_nodes(snapshot_.manifest, [&](std::size_t index) {
    auto chunk = state::decode_chunk(done_.at(static_cast<std::uint32_t>(index)));
    if (!chunk || chunk->leaves.size() != 1) throw std::logic_error("restored one-key chunk unreadable");
    return chunk->leaves[0];
  });
  store_.restore_finish(genesis_hash_, snapshot_.header, snapshot_.commit, upper);
}

RestoreProgress::RestoreProgress(std::chrono::milliseconds interval)
    : interval_(interval), started_(std::chrono::steady_clock::now()), last_(started_) {}

void RestoreProgress::report(const SnapshotRestorer& r, bool force) {
  const auto now = std::chrono::steady_clock::now();
  if (!force && now - last_ < interval_) return;
  last_ = now;
  const double secs = std::chrono::duration<double>(now - started_).count();
  const double rate = secs > 0 ? static_cast<double>(r.keys_done() - r.keys_resumed()) / secs : 0;
  const std::uint64_t total = r.manifest().total_keys;
  const double eta = rate > 0 ? static_cast<double>(total - r.keys_done()) / rate : 0;
  spdlog::info("state sync: chunk {} of {}, {} of {} keys, {:.0f} keys/s, ETA {:.0f} s", r.chunks_done(),
               r.chunks_total(), r.keys_done(), total, rate, eta);
}

}  // namespace telco::node
