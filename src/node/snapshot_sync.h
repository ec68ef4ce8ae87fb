// Fast sync over p2p, the restoring side (docs/STATE.md, "Fast sync over p2p"). Runs before
// the node itself starts, on a store with no head: its own p2p host (the node's key, port,
// peers and channel table) asks every peer for snapshot offers, takes the highest one,
// verifies its manifest, header and commit (snapshot_restore.h) before fetching anything
// else, then fetches chunks from every peer offering the same manifest, a few in flight per
// peer. A chunk that does not verify is reported as the sender's fault (the p2p peer-fault
// path) and asked of another peer; a peer that times out or says unavailable is dropped
// for this snapshot. Progress is logged (chunks, keys, keys/s, ETA). When every chunk is in
// the store gets its head at the snapshot's height; the node then starts and block-syncs
// from there.
#pragma once

#include <optional>

#include "chain/genesis.h"
#include "crypto/ed25519.h"
#include "node/config.h"
#include "storage/store.h"

namespace telco::node {

// The height restored, or nullopt when no peer offered a snapshot that verified within
// state_sync.discovery_ms (the node then starts from genesis). Throws std::runtime_error
// when a snapshot was chosen but could not be completed (its peers went away); the partial
// restore stays in the store and is resumed by the next start.
std::optional<std::uint64_t> fast_sync(const chain::Genesis& genesis, const crypto::KeyPair& node_key,
                                       const NodeConfig& config, storage::Store& store);

}  // namespace telco::node
