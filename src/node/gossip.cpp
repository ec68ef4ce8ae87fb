#include "node/gossip.h"

namespace telco::node::gossip {
namespace {

Bytes with_kind(Kind kind, ByteView body) {
  Bytes out;
  out.reserve(1 + body.size());
  out.push_back(static_cast<std::uint8_t>(kind));
  out.insert(out.end(), body.begin(), body.end());
  return out;
}

template <typename T, typename Decoder>
std::optional<Message> wrap(ByteView body, codec::DecodeError* error, Decoder decoder) {
  std::optional<T> m = decoder(body, error);
  if (!m) return std::nullopt;
  return Message{std::move(*m)};
}

std::optional<Message> decode_fields(Kind kind, codec::Reader& r) {
  switch (kind) {
    case Kind::kStatus:
      return Message{Status{r.u64()}};
    case Kind::kBlocksRequest: {
      BlocksRequest m{r.u64(), r.u32()};
      if (r.ok() && (m.count == 0 || m.count > kBlocksPerRequestMax)) r.fail(codec::DecodeError::kInvalid);
      return Message{m};
    }
    case Kind::kBlocksUnavailable:
      return Message{BlocksUnavailable{r.u64()}};
    case Kind::kTxs: {
      Txs m;
      const std::size_t n = r.count(kTxsPerMessageMax, 4);
      if (r.ok() && n == 0) r.fail(codec::DecodeError::kInvalid);
      m.txs.reserve(n);
      for (std::size_t i = 0; i < n && r.ok(); ++i) {
        auto tx = chain::decode_transaction(r.bytes_view(chain::kTxBytesMax));
        if (!tx) {
          r.fail(codec::DecodeError::kInvalid);
          break;
        }
        m.txs.push_back(std::move(*tx));
      }
      return Message{std::move(m)};
    }
    case Kind::kBlockResponse: {
      auto block = chain::decode_block(r.bytes_view(chain::kBlockEncodingBytesMax));
      auto commit = chain::decode_commit(r.bytes_view(chain::kCommitBytesMax));
      if (!block || !commit) {
        r.fail(codec::DecodeError::kInvalid);
        return std::nullopt;
      }
      return Message{BlockResponse{std::move(*block), std::move(*commit)}};
    }
    default:
      return std::nullopt;
  }
}

}  // namespace

Bytes encode(const Status& m) {
  codec::Writer w(9);
  w.u8(static_cast<std::uint8_t>(Kind::kStatus));
  w.u64(m.height);
  return w.take();
}

Bytes encode(const consensus::Vote& m) { return with_kind(Kind::kVote, m.encode()); }
Bytes encode(const consensus::DuplicateVoteEvidence& m) { return with_kind(Kind::kEvidence, m.encode()); }
Bytes encode(const consensus::Proposal& m) { return with_kind(Kind::kProposal, m.encode()); }

Bytes encode_txs(const std::vector<Bytes>& encoded_txs) {
  std::size_t size = 5;
  for (const Bytes& tx : encoded_txs) size += 4 + tx.size();
  codec::Writer w(size);
  w.u8(static_cast<std::uint8_t>(Kind::kTxs));
  w.count(encoded_txs.size());
  for (const Bytes& tx : encoded_txs) w.bytes(tx);
  return w.take();
}

Bytes encode(const BlocksRequest& m) {
  codec::Writer w(13);
  w.u8(static_cast<std::uint8_t>(Kind::kBlocksRequest));
  w.u64(m.from);
  w.u32(m.count);
  return w.take();
}

Bytes encode(const BlockResponse& m) {
  const Bytes block = m.block.encode();
  const Bytes commit = m.commit.encode();
  codec::Writer w(1 + 8 + block.size() + commit.size());
  w.u8(static_cast<std::uint8_t>(Kind::kBlockResponse));
  w.bytes(block);
  w.bytes(commit);
  return w.take();
}

Bytes encode(const BlocksUnavailable& m) {
  codec::Writer w(9);
  w.u8(static_cast<std::uint8_t>(Kind::kBlocksUnavailable));
  w.u64(m.from);
  return w.take();
}

Bytes encode(const Message& m) {
  return std::visit(
      [](const auto& v) -> Bytes {
        using T = std::decay_t<decltype(v)>;
        if constexpr (std::is_same_v<T, Txs>) {
          std::vector<Bytes> encoded;
          encoded.reserve(v.txs.size());
          for (const auto& tx : v.txs) encoded.push_back(tx.encode());
          return encode_txs(encoded);
        } else {
          return encode(v);
        }
      },
      m);
}

std::optional<Message> decode(ByteView bytes, codec::DecodeError* error) {
  codec::DecodeError ignored = codec::DecodeError::kNone;
  if (!error) error = &ignored;
  if (bytes.empty()) {
    *error = codec::DecodeError::kTruncated;
    return std::nullopt;
  }
  const Kind kind = static_cast<Kind>(bytes[0]);
  const ByteView body = bytes.subspan(1);
  switch (kind) {
    case Kind::kVote:
      return wrap<consensus::Vote>(body, error, [](ByteView b, codec::DecodeError* e) { return consensus::decode_vote(b, e); });
    case Kind::kEvidence:
      return wrap<consensus::DuplicateVoteEvidence>(
          body, error, [](ByteView b, codec::DecodeError* e) { return consensus::decode_evidence(b, e); });
    case Kind::kProposal:
      return wrap<consensus::Proposal>(
          body, error, [](ByteView b, codec::DecodeError* e) { return consensus::decode_proposal(b, e); });
    case Kind::kStatus:
    case Kind::kBlocksRequest:
    case Kind::kBlocksUnavailable:
    case Kind::kTxs:
    case Kind::kBlockResponse:
      break;
    default:
      *error = codec::DecodeError::kInvalid;
      return std::nullopt;
  }
  codec::Reader r(body);
  std::optional<Message> m = decode_fields(kind, r);
  if (!r.finish() || !m) {
    *error = r.error() == codec::DecodeError::kNone ? codec::DecodeError::kInvalid : r.error();
    return std::nullopt;
  }
  return m;
}

}  // namespace telco::node::gossip
