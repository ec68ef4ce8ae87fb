#include "node/snapshot_service.h"

#include <spdlog/spdlog.h>

namespace telco::node {
namespace {

namespace fs = std::filesystem;
using namespace snapshot_wire;

snapshot_wire::Offer offer_of(const SnapshotFiles& f) {
  Offer o;
  o.height = f.manifest.height;
  o.manifest_hash = f.manifest.hash();
  o.keys = f.manifest.total_keys;
  for (const auto& e : f.manifest.entries) o.chunks += e.keys > 0 ? 1 : 0;
  return o;
}

}  // namespace

SnapshotService::SnapshotService(const storage::Store& store, fs::path dir, const SnapshotConfig& config)
    : store_(store), dir_(std::move(dir)), config_(config) {
  refresh();
  if (!served_.empty()) last_exported_ = served_.rbegin()->first;
}

SnapshotService::~SnapshotService() { stop(); }

void SnapshotService::start() {
  if (config_.interval == 0 || thread_.joinable()) return;
  thread_ = std::thread([this] { run(); });
}

void SnapshotService::stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void SnapshotService::run() {
  std::unique_lock lock(mutex_);
  while (!stopping_) {
    lock.unlock();
    try {
      export_due();
    } catch (const std::exception& e) {
      spdlog::warn("snapshot: export failed: {}", e.what());
    }
    lock.lock();
    cv_.wait_for(lock, std::chrono::milliseconds(500), [&] { return stopping_; });
  }
}

void SnapshotService::export_due() {
  const auto head = store_.head();
  if (!head || config_.interval == 0) return;
  const std::uint64_t height = head->height / config_.interval * config_.interval;
  if (height == 0 || height <= last_exported_) return;
  last_exported_ = height;  // tried once, whatever happens: a failing export is not retried in a loop
  const auto started = std::chrono::steady_clock::now();
  fs::create_directories(dir_);
  const SnapshotFiles files = export_snapshot_dir(store_, height, dir_ / std::to_string(height));
  const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  spdlog::info("snapshot: exported height {} ({} keys, {} entries) in {:.2f} s", height,
               files.manifest.total_keys, files.manifest.entries.size(), secs);
  const auto dirs = list_snapshot_dirs(dir_);
  for (std::size_t i = config_.keep; i < dirs.size(); ++i) {
    std::error_code ec;
    fs::remove_all(dirs[i].second, ec);
  }
  refresh();
}

void SnapshotService::refresh() {
  std::map<std::uint64_t, Served> served;
  for (const auto& [height, path] : list_snapshot_dirs(dir_)) {
    try {
      auto files = std::make_shared<const SnapshotFiles>(load_snapshot_dir(path));
      if (files->manifest.height != height) continue;
      served.emplace(height, Served{path, files, offer_of(*files)});
    } catch (const std::exception& e) {
      spdlog::warn("snapshot: {} is not served: {}", path.string(), e.what());
    }
    if (served.size() >= kOffersMax) break;
  }
  std::lock_guard lock(mutex_);
  served_ = std::move(served);
}

std::shared_ptr<const SnapshotFiles> SnapshotService::find(std::uint64_t height, fs::path* dir) const {
  std::lock_guard lock(mutex_);
  auto it = served_.find(height);
  if (it == served_.end()) return nullptr;
  *dir = it->second.dir;
  return it->second.files;
}

void SnapshotService::on_message(p2p::Host& host, const p2p::NodeId& peer, ByteView payload) {
  codec::DecodeError error = codec::DecodeError::kNone;
  auto message = decode(payload, &error);
  if (!message) {
    host.report_fault(peer, p2p::PeerFault::kMalformed,
                      std::string("undecodable snapshot message: ") + codec::describe(error));
    return;
  }
  auto reply = [&](const Message& m) { host.send(peer, p2p::kChannelSnapshot, encode(m)); };
  if (std::holds_alternative<OffersRequest>(*message)) {
    Offers offers;
    std::lock_guard lock(mutex_);
    for (auto it = served_.rbegin(); it != served_.rend() && offers.offers.size() < kOffersMax; ++it) {
      offers.offers.push_back(it->second.offer);
    }
    host.send(peer, p2p::kChannelSnapshot, encode(offers));
    return;
  }
  fs::path dir;
  if (const auto* m = std::get_if<ManifestRequest>(&*message)) {
    auto files = find(m->height, &dir);
    if (!files) return reply(Unavailable{m->height, kManifestIndex});
    return reply(ManifestResponse{files->manifest, files->header, files->commit});
  }
  if (const auto* m = std::get_if<ChunkRequest>(&*message)) {
    auto files = find(m->height, &dir);
    auto chunk = files ? read_snapshot_chunk(dir, m->index) : std::nullopt;
    if (!chunk) return reply(Unavailable{m->height, m->index});
    return reply(ChunkResponse{m->height, m->index, std::move(*chunk)});
  }
  // Offers, manifests and chunks are answers; a serving node asked for none: ignore them.
}

}  // namespace telco::node
