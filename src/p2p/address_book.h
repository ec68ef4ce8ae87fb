// Known peer addresses, for dialing outbound peers beyond the configured persistent ones
// (docs/P2P.md, "Address book"). One address per node id; bounded; saved as JSON
//   {"version":1,"addresses":[{"id":hex,"host":..,"port":..,"last_success_ms":..,"failures":..}]}
// with an atomic replace. Addresses learned from peer exchange never overwrite known ones, and
// when the book is full a new address only displaces one that never worked or is failing, so
// a peer flooding us with addresses cannot push out the ones we connected to.
//
// Not thread-safe (the host guards it). No Asio.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "p2p/backoff.h"
#include "p2p/node_id.h"

namespace telco::p2p {

inline constexpr std::size_t kAddressBookFileBytesMax = 4 * 1024 * 1024;
// After this many dials in a row fail, the address is forgotten.
inline constexpr std::uint32_t kAddressFailuresMax = 10;
inline constexpr std::chrono::milliseconds kAddressRetryBase{2'000};
inline constexpr std::chrono::milliseconds kAddressRetryMax{10 * 60'000};

class AddressBook {
 public:
  using Clock = std::chrono::steady_clock;
  struct Entry {
    PeerAddress address;  // always has an id
    std::int64_t last_success_ms = 0;  // wall clock (ms since the epoch); 0 = never
    std::uint32_t failures = 0;        // consecutive failed dials
    Clock::time_point retry_after{};   // in memory only
  };
  enum class AddMode { kKeep, kReplace };

  // `path` empty: memory only (load and save do nothing).
  AddressBook(std::filesystem::path path, std::size_t capacity);

  // Reads the file if it exists. On a bad file returns a sentence and keeps what it could read
  // (bad entries are skipped); a missing file is not an error.
  std::optional<std::string> load();
  // Writes the file if anything changed since the last save; returns a sentence on failure.
  std::optional<std::string> save();

  // Adds an address (it must carry an id). kKeep leaves an existing entry alone; kReplace
  // updates its host and port. Returns true when the address is in the book afterwards.
  bool add(const PeerAddress& address, AddMode mode);
  // A dial to `address` reached the node: replaces the address, resets the failures.
  void mark_success(const PeerAddress& address, std::int64_t now_ms);
  // A dial failed: counts it and delays the next try with backoff. Returns true when the entry
  // was dropped after kAddressFailuresMax failures.
  bool mark_failure(const NodeId& id, Clock::time_point now, const RandomSource& random);
  void remove(const NodeId& id);

  // Up to `n` addresses whose retry time has passed and that `skip` does not exclude, in
  // random order.
  std::vector<PeerAddress> candidates(std::size_t n, Clock::time_point now,
                                      const std::function<bool(const NodeId&)>& skip,
                                      const RandomSource& random) const;
  // Up to `n` random addresses other than `except`, for a peer-exchange answer.
  std::vector<PeerAddress> sample(std::size_t n, const NodeId& except, const RandomSource& random) const;

  const Entry* find(const NodeId& id) const;
  std::size_t size() const { return entries_.size(); }
  std::size_t capacity() const { return capacity_; }

 private:
  bool make_room();

  std::filesystem::path path_;
  std::size_t capacity_;
  std::unordered_map<NodeId, Entry, NodeIdHasher> entries_;
  bool dirty_ = false;
};

}  // namespace telco::p2p
