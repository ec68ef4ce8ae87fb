// File-backed storage for the consensus WAL and the last-signed-state guard (storage.h).
// The WAL is one append-only file, fdatasync'ed on sync(); the guard is one small file
// replaced atomically (util/file.h replace_file). Errors throw StorageError naming the path.
#pragma once

#include <filesystem>

#include "consensus/storage.h"

namespace telco::consensus {

class FileLogStorage : public LogStorage {
 public:
  explicit FileLogStorage(std::filesystem::path path);  // creates the file if missing
  ~FileLogStorage() override;
  FileLogStorage(const FileLogStorage&) = delete;
  FileLogStorage& operator=(const FileLogStorage&) = delete;

  Bytes read_all() override;
  void append(ByteView bytes) override;
  void sync() override;
  void truncate(std::size_t size) override;

 private:
  [[noreturn]] void fail(const char* what) const;
  std::filesystem::path path_;
  int fd_ = -1;
};

class FileRecordStorage : public RecordStorage {
 public:
  explicit FileRecordStorage(std::filesystem::path path) : path_(std::move(path)) {}
  std::optional<Bytes> load() override;
  void replace(ByteView bytes) override;

 private:
  std::filesystem::path path_;
};

}  // namespace telco::consensus
