#include "consensus/wal.h"

#include <cstring>

namespace telco::consensus {
namespace {

enum class Kind : std::uint8_t {
  kStartHeight = 1,
  kProposal,
  kVote,
  kTimeout,
  kBlockPrepared,
  kBlockValidated,
  kCommitReceived,
};

using Check = std::array<std::uint8_t, 8>;

Check check_of(std::uint32_t length, ByteView payload) {
  codec::Writer w(4);
  w.u32(length);
  const Hash32 h = crypto::Hasher().update(w.data()).update(payload).finish();
  Check c;
  std::memcpy(c.data(), h.data(), c.size());
  return c;
}

struct Encoder {
  codec::Writer& w;
  void operator()(const StartHeight& e) const {
    w.u8(static_cast<std::uint8_t>(Kind::kStartHeight));
    w.u64(e.height);
  }
  void operator()(const Proposal& p) const {
    w.u8(static_cast<std::uint8_t>(Kind::kProposal));
    w.bytes(p.encode());
  }
  void operator()(const Vote& v) const {
    w.u8(static_cast<std::uint8_t>(Kind::kVote));
    encode(w, v);
  }
  void operator()(const Timeout& t) const {
    w.u8(static_cast<std::uint8_t>(Kind::kTimeout));
    w.u64(t.height);
    w.u32(static_cast<std::uint32_t>(t.round));
    w.u8(static_cast<std::uint8_t>(t.step));
  }
  void operator()(const BlockPrepared& e) const {
    w.u8(static_cast<std::uint8_t>(Kind::kBlockPrepared));
    w.u32(static_cast<std::uint32_t>(e.round));
    w.bytes(e.block.encode());
  }
  void operator()(const BlockValidated& e) const {
    w.u8(static_cast<std::uint8_t>(Kind::kBlockValidated));
    w.fixed(e.hash);
    w.boolean(e.valid);
  }
  void operator()(const CommitReceived& e) const {
    w.u8(static_cast<std::uint8_t>(Kind::kCommitReceived));
    w.bytes(e.block.encode());
    w.bytes(e.commit.encode());
  }
};

chain::Block read_block(codec::Reader& r) {
  const ByteView bytes = r.bytes_view(chain::kBlockEncodingBytesMax);
  if (!r.ok()) return {};
  codec::DecodeError error = codec::DecodeError::kNone;
  auto block = chain::decode_block(bytes, &error);
  if (!block) r.fail(error);
  return block ? std::move(*block) : chain::Block{};
}

WalEvent read_event(codec::Reader& r) {
  const auto kind = static_cast<Kind>(r.u8());
  switch (kind) {
    case Kind::kStartHeight: return StartHeight{r.u64()};
    case Kind::kProposal: {
      const ByteView bytes = r.bytes_view(kProposalBytesMax);
      codec::DecodeError error = codec::DecodeError::kNone;
      auto p = r.ok() ? decode_proposal(bytes, &error) : std::nullopt;
      if (!p) r.fail(r.ok() ? error : r.error());
      return p ? std::move(*p) : Proposal{};
    }
    case Kind::kVote: return decode_vote(r);
    case Kind::kTimeout: {
      Timeout t;
      t.height = r.u64();
      t.round = r.u32();
      const std::uint8_t step = r.u8();
      if (r.ok() && step > static_cast<std::uint8_t>(Step::kPrecommit)) r.fail(codec::DecodeError::kInvalid);
      t.step = static_cast<Step>(step);
      return t;
    }
    case Kind::kBlockPrepared: {
      BlockPrepared e;
      e.round = r.u32();
      e.block = read_block(r);
      return e;
    }
    case Kind::kBlockValidated: {
      BlockValidated e;
      e.hash = r.fixed<32>();
      e.valid = r.boolean();
      return e;
    }
    case Kind::kCommitReceived: {
      CommitReceived e;
      e.block = read_block(r);
      const ByteView bytes = r.bytes_view(chain::kCommitBytesMax);
      codec::DecodeError error = codec::DecodeError::kNone;
      auto c = r.ok() ? chain::decode_commit(bytes, &error) : std::nullopt;
      if (!c) r.fail(r.ok() ? error : r.error());
      if (c) e.commit = std::move(*c);
      return e;
    }
  }
  r.fail(codec::DecodeError::kInvalid);
  return StartHeight{};
}

}  // namespace

Bytes encode_wal_payload(const WalEntry& entry) {
  codec::Writer w(256);
  std::visit(Encoder{w}, entry.event);
  w.u64(entry.now_ms);
  return w.take();
}

std::optional<WalEntry> decode_wal_payload(ByteView bytes, codec::DecodeError* error) {
  codec::Reader r(bytes);
  if (bytes.size() > kWalPayloadBytesMax) r.fail(codec::DecodeError::kTooLong);
  WalEntry entry;
  entry.event = read_event(r);
  entry.now_ms = r.u64();
  if (!r.finish()) {
    if (error) *error = r.error();
    return std::nullopt;
  }
  return entry;
}

Wal::Recovery Wal::recover() {
  const Bytes log = storage_.read_all();
  Recovery out;
  std::size_t pos = 0;
  while (log.size() - pos >= kWalRecordHeaderBytes) {
    codec::Reader header(ByteView(log).subspan(pos, kWalRecordHeaderBytes));
    const std::uint32_t length = header.u32();
    const Check check = header.fixed<8>();
    if (length > kWalPayloadBytesMax || log.size() - pos - kWalRecordHeaderBytes < length) break;
    const ByteView payload = ByteView(log).subspan(pos + kWalRecordHeaderBytes, length);
    if (check_of(length, payload) != check) break;
    auto entry = decode_wal_payload(payload);
    if (!entry) break;
    out.entries.push_back(std::move(*entry));
    pos += kWalRecordHeaderBytes + length;
  }
  out.dropped_bytes = log.size() - pos;
  if (out.dropped_bytes > 0) storage_.truncate(pos);
  return out;
}

void Wal::append(const WalEntry& entry) {
  const Bytes payload = encode_wal_payload(entry);
  const auto length = static_cast<std::uint32_t>(payload.size());
  codec::Writer w(kWalRecordHeaderBytes + payload.size());
  w.u32(length);
  w.fixed(check_of(length, payload));
  w.fixed(payload);
  storage_.append(w.data());
}

void Wal::begin_height(std::uint64_t height, std::uint64_t now_ms) {
  storage_.truncate(0);
  append({now_ms, StartHeight{height}});
  storage_.sync();
}

}  // namespace telco::consensus
