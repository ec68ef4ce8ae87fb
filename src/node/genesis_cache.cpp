#include "node/genesis_cache.h"

#include <spdlog/spdlog.h>

#include <cstring>
#include <fstream>
#include <iterator>
#include <string_view>

#include "util/file.h"

namespace telco::node {
namespace {

constexpr std::string_view kMagic = "TCGENC01";
constexpr std::size_t kHashBytes = 32;
constexpr std::size_t kReadChunk = 1 << 20;

crypto::Hash32 hash_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::invalid_argument("genesis: cannot open " + path.string());
  crypto::Hasher hasher;
  Bytes chunk(kReadChunk);
  while (in) {
    in.read(reinterpret_cast<char*>(chunk.data()), static_cast<std::streamsize>(chunk.size()));
    hasher.update(ByteView(chunk.data(), static_cast<std::size_t>(in.gcount())));
  }
  if (in.bad()) throw std::runtime_error("genesis: cannot read " + path.string());
  return hasher.finish();
}

// The cached genesis if the cache exists, is intact and belongs to a file with this hash.
std::optional<chain::Genesis> read_cache(const std::filesystem::path& cache_file, const crypto::Hash32& file_hash) {
  std::ifstream in(cache_file, std::ios::binary);
  if (!in) return std::nullopt;
  const Bytes bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (bytes.size() < kMagic.size() + 2 * kHashBytes) return std::nullopt;
  const ByteView all(bytes);
  const ByteView body = all.first(all.size() - kHashBytes);
  const crypto::Hash32 checksum = crypto::blake2b_256(body);
  if (std::memcmp(checksum.data(), all.data() + body.size(), kHashBytes) != 0) {
    spdlog::warn("genesis cache {} is damaged; rebuilding it from the JSON", cache_file.string());
    return std::nullopt;
  }
  if (std::memcmp(body.data(), kMagic.data(), kMagic.size()) != 0) return std::nullopt;
  if (std::memcmp(body.data() + kMagic.size(), file_hash.data(), kHashBytes) != 0) {
    spdlog::info("genesis.json changed since the cache was written; parsing it again");
    return std::nullopt;
  }
  return chain::decode_genesis(body.subspan(kMagic.size() + kHashBytes));
}

void write_cache(const std::filesystem::path& cache_file, const crypto::Hash32& file_hash, const chain::Genesis& g) {
  Bytes out(kMagic.begin(), kMagic.end());
  out.insert(out.end(), file_hash.begin(), file_hash.end());
  const Bytes canonical = chain::encode_genesis(g);
  out.insert(out.end(), canonical.begin(), canonical.end());
  const crypto::Hash32 checksum = crypto::blake2b_256(out);
  out.insert(out.end(), checksum.begin(), checksum.end());
  try {
    std::filesystem::create_directories(cache_file.parent_path());
    replace_file(cache_file, std::string_view(reinterpret_cast<const char*>(out.data()), out.size()), 0644);
  } catch (const std::exception& e) {
    spdlog::warn("could not write the genesis cache ({}); the next start parses genesis.json again", e.what());
  }
}

}  // namespace

LoadedGenesis load_genesis_cached(const std::filesystem::path& genesis_json, const std::filesystem::path& cache_file) {
  const crypto::Hash32 file_hash = hash_file(genesis_json);
  if (std::optional<chain::Genesis> cached = read_cache(cache_file, file_hash)) {
    return {std::make_shared<const chain::Genesis>(std::move(*cached)), true};
  }
  auto genesis = std::make_shared<const chain::Genesis>(chain::load_genesis(genesis_json));
  // The file may have changed between hashing and parsing; key the cache by what was parsed
  // only if it is still the same file.
  if (hash_file(genesis_json) == file_hash) write_cache(cache_file, file_hash, *genesis);
  return {std::move(genesis), false};
}

}  // namespace telco::node
