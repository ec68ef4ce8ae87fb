// Deterministic bench accounts.
//
//   seed_i = BLAKE2b-256("telco/bench-key/v1" || u64 LE i)
//
// The load generator and the genesis accounts file derive the same keys from the index
// alone, so nothing secret is ever written to disk or passed between processes. The flip
// side: anyone can derive these keys. They are PUBLIC KNOWLEDGE and must never hold value on
// a real chain; they exist only for benchmark and test chains.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <vector>

#include "crypto/address.h"
#include "crypto/ed25519.h"

namespace telco::bench {

crypto::Seed bench_seed(std::uint64_t index);
crypto::KeyPair bench_key(std::uint64_t index);

// Called now and then from the worker threads with the number of items done so far.
using Progress = std::function<void(std::size_t done)>;

// Addresses of bench accounts [first, first + count), derived on `threads` threads.
std::vector<crypto::Address> bench_addresses(std::uint64_t first, std::size_t count, unsigned threads,
                                             const Progress& progress = {});

// Writes [{"address":"tc1...","balance":"<uTEL>"}, ...] (the format of
// `telcod init --accounts-file`) atomically: a temporary file renamed into place.
// Throws std::runtime_error with a sentence on I/O failure.
void write_accounts_file(const std::filesystem::path& path, const std::vector<crypto::Address>& addresses,
                         std::uint64_t balance);

}  // namespace telco::bench
