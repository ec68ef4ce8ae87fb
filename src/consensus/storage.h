// The two kinds of durable storage the consensus shell needs, as small interfaces so the
// same WAL and guard code runs on files (file_storage.h) and, in the simulator and tests, on
// memory that can lose exactly what a crash would lose.
//
// Failures of the medium (disk full, I/O error) are local errors the node cannot vote
// through: implementations throw StorageError and the node stops.
#pragma once

#include <optional>
#include <stdexcept>

#include "util/bytes.h"

namespace telco::consensus {

struct StorageError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// An append-only byte log.
class LogStorage {
 public:
  virtual ~LogStorage() = default;
  virtual Bytes read_all() = 0;
  virtual void append(ByteView bytes) = 0;
  // Everything appended so far survives a crash once this returns (fsync).
  virtual void sync() = 0;
  // Cuts the log to `size` bytes, durably.
  virtual void truncate(std::size_t size) = 0;
};

// A small value replaced atomically: after a crash it reads as the old or the new value,
// never a mix (write temp + fsync + rename + fsync of the directory).
class RecordStorage {
 public:
  virtual ~RecordStorage() = default;
  virtual std::optional<Bytes> load() = 0;
  virtual void replace(ByteView bytes) = 0;
};

// In-memory log with crash semantics: crash() keeps the synced prefix and, as a torn write
// would, `torn_bytes` more of the unsynced tail (optionally with its last byte flipped).
class MemoryLogStorage : public LogStorage {
 public:
  Bytes read_all() override { return data_; }
  void append(ByteView bytes) override { data_.insert(data_.end(), bytes.begin(), bytes.end()); }
  void sync() override { synced_ = data_.size(); }
  void truncate(std::size_t size) override {
    data_.resize(std::min(size, data_.size()));
    synced_ = data_.size();
  }
  void crash(std::size_t torn_bytes, bool corrupt_last) {
    data_.resize(std::min(data_.size(), synced_ + torn_bytes));
    if (corrupt_last && data_.size() > synced_) data_.back() ^= 0x5a;
    synced_ = data_.size();
  }
  std::size_t size() const { return data_.size(); }
  std::size_t unsynced() const { return data_.size() - synced_; }

 private:
  Bytes data_;
  std::size_t synced_ = 0;
};

class MemoryRecordStorage : public RecordStorage {
 public:
  std::optional<Bytes> load() override { return value_; }
  void replace(ByteView bytes) override { value_ = Bytes(bytes.begin(), bytes.end()); }

 private:
  std::optional<Bytes> value_;
};

}  // namespace telco::consensus
