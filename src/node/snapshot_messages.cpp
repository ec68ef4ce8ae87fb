#include "node/snapshot_messages.h"

#include "codec/writer.h"

namespace telco::node::snapshot_wire {
namespace {

constexpr std::size_t kOfferBytes = 8 + 32 + 4 + 8;

void put(codec::Writer& w, const OffersRequest&) { w.u8(static_cast<std::uint8_t>(Kind::kOffersRequest)); }
void put(codec::Writer& w, const Offers& m) {
  w.u8(static_cast<std::uint8_t>(Kind::kOffers));
  w.count(m.offers.size());
  for (const Offer& o : m.offers) {
    w.u64(o.height);
    w.fixed(o.manifest_hash);
    w.u32(o.chunks);
    w.u64(o.keys);
  }
}
void put(codec::Writer& w, const ManifestRequest& m) {
  w.u8(static_cast<std::uint8_t>(Kind::kManifestRequest));
  w.u64(m.height);
}
void put(codec::Writer& w, const ManifestResponse& m) {
  w.u8(static_cast<std::uint8_t>(Kind::kManifestResponse));
  w.bytes(m.manifest.encode());
  w.bytes(m.header.encode());
  w.bytes(m.commit.encode());
}
void put(codec::Writer& w, const ChunkRequest& m) {
  w.u8(static_cast<std::uint8_t>(Kind::kChunkRequest));
  w.u64(m.height);
  w.u32(m.index);
}
void put(codec::Writer& w, const ChunkResponse& m) {
  w.u8(static_cast<std::uint8_t>(Kind::kChunkResponse));
  w.u64(m.height);
  w.u32(m.index);
  w.bytes(m.chunk);
}
void put(codec::Writer& w, const Unavailable& m) {
  w.u8(static_cast<std::uint8_t>(Kind::kUnavailable));
  w.u64(m.height);
  w.u32(m.index);
}

std::optional<Message> decode_fields(Kind kind, codec::Reader& r) {
  switch (kind) {
    case Kind::kOffersRequest:
      return Message{OffersRequest{}};
    case Kind::kOffers: {
      Offers m;
      const std::size_t n = r.count(kOffersMax, kOfferBytes);
      for (std::size_t i = 0; i < n && r.ok(); ++i) {
        Offer o;
        o.height = r.u64();
        o.manifest_hash = r.fixed<32>();
        o.chunks = r.u32();
        o.keys = r.u64();
        m.offers.push_back(o);
      }
      return Message{std::move(m)};
    }
    case Kind::kManifestRequest:
      return Message{ManifestRequest{r.u64()}};
    case Kind::kManifestResponse: {
      auto manifest = state::decode_manifest(r.bytes_view(state::kSnapshotManifestBytesMax));
      auto header = r.ok() ? chain::decode_header(r.bytes_view(chain::kHeaderBytesMax)) : std::nullopt;
      auto commit = r.ok() ? chain::decode_commit(r.bytes_view(chain::kCommitBytesMax)) : std::nullopt;
      if (!manifest || !header || !commit) {
        r.fail(codec::DecodeError::kInvalid);
        return std::nullopt;
      }
      return Message{ManifestResponse{std::move(*manifest), std::move(*header), std::move(*commit)}};
    }
    case Kind::kChunkRequest: {
      ChunkRequest m;
      m.height = r.u64();
      m.index = r.u32();
      return Message{m};
    }
    case Kind::kChunkResponse: {
      ChunkResponse m;
      m.height = r.u64();
      m.index = r.u32();
      m.chunk = r.bytes(state::kSnapshotChunkBytesMax);
      if (r.ok() && m.chunk.empty()) r.fail(codec::DecodeError::kInvalid);
      return Message{std::move(m)};
    }
    case Kind::kUnavailable: {
      Unavailable m;
      m.height = r.u64();
      m.index = r.u32();
      return Message{m};
    }
  }
  return std::nullopt;
}

}  // namespace

Bytes encode(const Message& m) {
  codec::Writer w(64);
  std::visit([&](const auto& v) { put(w, v); }, m);
  return w.take();
}

std::optional<Message> decode(ByteView bytes, codec::DecodeError* error) {
  codec::DecodeError ignored = codec::DecodeError::kNone;
  if (!error) error = &ignored;
  if (bytes.empty()) {
    *error = codec::DecodeError::kTruncated;
    return std::nullopt;
  }
  if (bytes.size() > kMessageBytesMax) {
    *error = codec::DecodeError::kTooLong;
    return std::nullopt;
  }
  const std::uint8_t kind = bytes[0];
  if (kind < static_cast<std::uint8_t>(Kind::kOffersRequest) ||
      kind > static_cast<std::uint8_t>(Kind::kUnavailable)) {
    *error = codec::DecodeError::kInvalid;
    return std::nullopt;
  }
  codec::Reader r(bytes.subspan(1));
  std::optional<Message> m = decode_fields(static_cast<Kind>(kind), r);
  if (!r.finish() || !m) {
    *error = r.error() == codec::DecodeError::kNone ? codec::DecodeError::kInvalid : r.error();
    return std::nullopt;
  }
  return m;
}

}  // namespace telco::node::snapshot_wire
