#include "node/snapshot_files.h"

#include <algorithm>
#include <fstream>
#include <stdexcept>

#include "chain/limits.h"
#include "codec/reader.h"
#include "codec/writer.h"

namespace telco::node {
namespace {

namespace fs = std::filesystem;

void write_file(const fs::path& path, ByteView bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
  out.flush();
  if (!out) throw std::runtime_error("cannot write " + path.string());
}

std::optional<Bytes> read_file(const fs::path& path, std::size_t bytes_max) {
  std::error_code ec;
  const auto size = fs::file_size(path, ec);
  if (ec || size > bytes_max) return std::nullopt;
  std::ifstream in(path, std::ios::binary);
  Bytes out(size);
  in.read(reinterpret_cast<char*>(out.data()), static_cast<std::streamsize>(size));
  if (!in) return std::nullopt;
  return out;
}

fs::path chunk_path(const fs::path& dir, std::size_t index) {
  return dir / "chunks" / (std::to_string(index) + ".bin");
}

}  // namespace

SnapshotFiles export_snapshot_dir(const storage::Store& store, std::uint64_t height, const fs::path& out,
                                  std::size_t chunk_bytes_target) {
  if (fs::exists(out)) throw std::runtime_error(out.string() + " already exists");
  auto header = store.header(height);
  auto commit = store.commit(height);
  if (!header || !commit)
    throw std::runtime_error("the store has no header and commit at height " + std::to_string(height));
  fs::path partial = out;
  partial += ".partial";
  fs::remove_all(partial);
  fs::create_directories(partial / "chunks");
  auto manifest = state::export_snapshot(
      store, height,
      [&](std::size_t index, const Bytes& chunk) { write_file(chunk_path(partial, index), chunk); },
      chunk_bytes_target);
  if (!manifest) {
    fs::remove_all(partial);
    throw std::runtime_error("the state at height " + std::to_string(height) +
                             " is not stored (pruned, or not reached; oldest is " +
                             std::to_string(store.state_oldest_version()) + ")");
  }
  if (manifest->state_root != header->state_root)
    throw std::logic_error("exported state does not match its header");
  write_file(partial / "manifest.bin", manifest->encode());
  codec::Writer w(2048);
  w.bytes(header->encode());
  w.bytes(commit->encode());
  write_file(partial / "header.bin", w.data());
  fs::rename(partial, out);
  return {std::move(*manifest), std::move(*header), std::move(*commit)};
}

SnapshotFiles load_snapshot_dir(const fs::path& dir) {
  auto manifest_bytes = read_file(dir / "manifest.bin", state::kSnapshotManifestBytesMax);
  if (!manifest_bytes) throw std::runtime_error("no readable manifest.bin in " + dir.string());
  codec::DecodeError error = codec::DecodeError::kNone;
  auto manifest = state::decode_manifest(*manifest_bytes, &error);
  if (!manifest)
    throw std::runtime_error(dir.string() + "/manifest.bin does not decode: " + codec::describe(error));
  auto header_bytes = read_file(dir / "header.bin", 8 + chain::kHeaderBytesMax + chain::kCommitBytesMax);
  if (!header_bytes) throw std::runtime_error("no readable header.bin in " + dir.string());
  codec::Reader r(*header_bytes);
  auto header = chain::decode_header(r.bytes_view(chain::kHeaderBytesMax));
  auto commit = chain::decode_commit(r.bytes_view(chain::kCommitBytesMax));
  if (!r.finish() || !header || !commit)
    throw std::runtime_error(dir.string() + "/header.bin does not decode");
  return {std::move(*manifest), std::move(*header), std::move(*commit)};
}

std::optional<Bytes> read_snapshot_chunk(const fs::path& dir, std::size_t index) {
  return read_file(chunk_path(dir, index), state::kSnapshotChunkBytesMax);
}

std::vector<std::pair<std::uint64_t, fs::path>> list_snapshot_dirs(const fs::path& root) {
  std::vector<std::pair<std::uint64_t, fs::path>> out;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(root, ec)) {
    const std::string name = entry.path().filename().string();
    if (name.empty() || name.size() > 20 || name.find_first_not_of("0123456789") != std::string::npos)
      continue;
    if (!fs::exists(entry.path() / "manifest.bin")) continue;
    out.emplace_back(std::stoull(name), entry.path());
  }
  std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.first > b.first; });
  return out;
}

}  // namespace telco::node
