#include "consensus/file_storage.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <iterator>
#include <string>

#include "util/file.h"

namespace telco::consensus {
namespace {
constexpr mode_t kFileMode = 0600;
// The guard record is ~110 bytes; anything much larger is not ours.
constexpr std::uintmax_t kRecordBytesMax = 4096;
}  // namespace

FileLogStorage::FileLogStorage(std::filesystem::path path) : path_(std::move(path)) {
  fd_ = ::open(path_.c_str(), O_RDWR | O_CREAT | O_APPEND | O_CLOEXEC, kFileMode);
  if (fd_ < 0) fail("open");
}

FileLogStorage::~FileLogStorage() {
  if (fd_ >= 0) ::close(fd_);
}

void FileLogStorage::fail(const char* what) const {
  throw StorageError(std::string("consensus WAL ") + path_.string() + ": " + what + ": " + std::strerror(errno));
}

Bytes FileLogStorage::read_all() {
  struct stat st {};
  if (::fstat(fd_, &st) != 0) fail("stat");
  Bytes out(static_cast<std::size_t>(st.st_size));
  std::size_t done = 0;
  while (done < out.size()) {
    const ssize_t n = ::pread(fd_, out.data() + done, out.size() - done, static_cast<off_t>(done));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) fail("read");
    done += static_cast<std::size_t>(n);
  }
  return out;
}

void FileLogStorage::append(ByteView bytes) {
  std::size_t done = 0;
  while (done < bytes.size()) {
    const ssize_t n = ::write(fd_, bytes.data() + done, bytes.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) fail("write");
    done += static_cast<std::size_t>(n);
  }
}

void FileLogStorage::sync() {
  if (::fdatasync(fd_) != 0) fail("fdatasync");
}

void FileLogStorage::truncate(std::size_t size) {
  if (::ftruncate(fd_, static_cast<off_t>(size)) != 0) fail("truncate");
  if (::fsync(fd_) != 0) fail("fsync");
}

std::optional<Bytes> FileRecordStorage::load() {
  std::error_code ec;
  if (!std::filesystem::exists(path_, ec)) return std::nullopt;
  if (std::filesystem::file_size(path_, ec) > kRecordBytesMax || ec) {
    throw StorageError("last-signed-state " + path_.string() + ": unreadable or too large");
  }
  std::ifstream in(path_, std::ios::binary);
  Bytes out((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (!in.good() && !in.eof()) throw StorageError("last-signed-state " + path_.string() + ": read failed");
  return out;
}

void FileRecordStorage::replace(ByteView bytes) {
  try {
    replace_file(path_, std::string_view(reinterpret_cast<const char*>(bytes.data()), bytes.size()), kFileMode);
  } catch (const std::runtime_error& e) {
    throw StorageError(e.what());
  }
}

}  // namespace telco::consensus
