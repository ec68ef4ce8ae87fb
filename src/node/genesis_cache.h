// Loading the genesis file quickly on every start.
//
// A genesis that funds a million accounts is ~100 MiB of JSON and takes seconds to parse
// and validate. The node parses it once, then keeps its canonical encoding (the bytes the
// genesis hash covers, chain/genesis.h) in a cache file keyed by the BLAKE2b-256 of the JSON
// file's exact bytes. A later start hashes the file (~0.1 s per 100 MiB) and decodes the
// cache instead of parsing. A missing, stale (the JSON changed) or damaged cache is simply
// rebuilt from the JSON, so the JSON stays the one source of truth.
//
// Cache file: "TCGENC01" || BLAKE2b-256(genesis.json bytes) || canonical genesis ||
//             BLAKE2b-256(everything before it). Written to a temporary file, fsynced, renamed.
#pragma once

#include <filesystem>
#include <memory>

#include "chain/genesis.h"

namespace telco::node {

struct LoadedGenesis {
  std::shared_ptr<const chain::Genesis> genesis;
  bool from_cache = false;
};

// Throws std::invalid_argument (bad genesis) or std::runtime_error (I/O) with a sentence.
// A cache that cannot be written is logged and ignored: it only costs the next start time.
LoadedGenesis load_genesis_cached(const std::filesystem::path& genesis_json, const std::filesystem::path& cache_file);

}  // namespace telco::node
