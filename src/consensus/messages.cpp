#include "consensus/messages.h"

#include "chain/limits.h"

namespace telco::consensus {
namespace {

constexpr std::uint8_t kEvidenceDuplicateVote = 1;

std::uint32_t round_wire(Round r) { return r == kNoRound ? kNoRoundWire : static_cast<std::uint32_t>(r); }

template <typename T, typename F>
std::optional<T> decode_exactly(ByteView bytes, std::size_t max_bytes, codec::DecodeError* error, F&& f) {
  codec::Reader r(bytes);
  if (bytes.size() > max_bytes) r.fail(codec::DecodeError::kTooLong);
  T value = f(r);
  if (!r.finish()) {
    if (error) *error = r.error();
    return std::nullopt;
  }
  return value;
}

}  // namespace

const char* vote_type_name(VoteType t) { return t == VoteType::kPrevote ? "prevote" : "precommit"; }

Bytes Vote::signing_bytes(std::string_view chain_id) const {
  return chain::vote_signing_bytes(chain_id, static_cast<std::uint8_t>(type), height, round_wire(round), block_hash,
                                   time_ms);
}

void encode(codec::Writer& w, const Vote& v) {
  w.u8(static_cast<std::uint8_t>(v.type));
  w.u64(v.height);
  w.u32(round_wire(v.round));
  w.fixed(v.block_hash);
  w.fixed(v.validator);
  w.u64(v.time_ms);
  w.fixed(v.signature);
}

Vote decode_vote(codec::Reader& r) {
  Vote v;
  const std::uint8_t type = r.u8();
  if (r.ok() && type != 1 && type != 2) r.fail(codec::DecodeError::kInvalid);
  v.type = static_cast<VoteType>(type);
  v.height = r.u64();
  const std::uint32_t round = r.u32();
  if (r.ok() && round == kNoRoundWire) r.fail(codec::DecodeError::kInvalid);
  v.round = round;
  v.block_hash = r.fixed<32>();
  v.validator = r.fixed<32>();
  v.time_ms = r.u64();
  v.signature = r.fixed<64>();
  return v;
}

Bytes Vote::encode() const {
  codec::Writer w(kVoteBytes);
  consensus::encode(w, *this);
  return w.take();
}

bool verify_vote_signature(const Vote& v, std::string_view chain_id) {
  return crypto::verify(v.validator, v.signing_bytes(chain_id), v.signature);
}

Bytes Proposal::signing_bytes(std::string_view chain_id) const {
  codec::Writer w(128);
  w.string("telco/proposal/v1");
  w.string(chain_id);
  w.u64(height);
  w.u32(round_wire(round));
  w.u32(round_wire(pol_round));
  w.fixed(block_hash());
  return w.take();
}

// u64 height ‖ u32 round ‖ u32 pol_round ‖ fixed[64] signature ‖ bytes(block encoding).
Bytes Proposal::encode() const {
  const Bytes b = block.encode();
  codec::Writer w(84 + b.size());
  w.u64(height);
  w.u32(round_wire(round));
  w.u32(round_wire(pol_round));
  w.fixed(signature);
  w.bytes(b);
  return w.take();
}

std::optional<Proposal> decode_proposal(ByteView bytes, codec::DecodeError* error) {
  return decode_exactly<Proposal>(bytes, kProposalBytesMax, error, [](codec::Reader& r) {
    Proposal p;
    p.height = r.u64();
    const std::uint32_t round = r.u32();
    const std::uint32_t pol = r.u32();
    p.signature = r.fixed<64>();
    const ByteView block = r.bytes_view(chain::kBlockEncodingBytesMax);
    if (!r.ok()) return p;
    // The pol round is an earlier round or none; the round itself is never the sentinel.
    if (round == kNoRoundWire || (pol != kNoRoundWire && pol >= round)) r.fail(codec::DecodeError::kInvalid);
    p.round = round;
    p.pol_round = pol == kNoRoundWire ? kNoRound : Round{pol};
    codec::DecodeError block_error = codec::DecodeError::kNone;
    auto decoded = chain::decode_block(block, &block_error);
    if (!decoded) r.fail(block_error);
    else p.block = std::move(*decoded);
    return p;
  });
}

std::optional<Vote> decode_vote(ByteView bytes, codec::DecodeError* error) {
  return decode_exactly<Vote>(bytes, kVoteBytes, error, [](codec::Reader& r) { return decode_vote(r); });
}

DuplicateVoteEvidence DuplicateVoteEvidence::of(const Vote& a, const Vote& b) {
  return BytesLess{}(a.encode(), b.encode()) ? DuplicateVoteEvidence{a, b} : DuplicateVoteEvidence{b, a};
}

// u8 kind (1 = duplicate vote) ‖ vote ‖ vote, the smaller vote encoding first.
Bytes DuplicateVoteEvidence::encode() const {
  codec::Writer w(kEvidenceBytes);
  w.u8(kEvidenceDuplicateVote);
  consensus::encode(w, first);
  consensus::encode(w, second);
  return w.take();
}

std::optional<DuplicateVoteEvidence> decode_evidence(ByteView bytes, codec::DecodeError* error) {
  return decode_exactly<DuplicateVoteEvidence>(bytes, kEvidenceBytes, error, [](codec::Reader& r) {
    DuplicateVoteEvidence e;
    if (r.u8() != kEvidenceDuplicateVote && r.ok()) r.fail(codec::DecodeError::kInvalid);
    e.first = decode_vote(r);
    e.second = decode_vote(r);
    if (r.ok() && !BytesLess{}(e.first.encode(), e.second.encode())) r.fail(codec::DecodeError::kNonCanonical);
    return e;
  });
}

}  // namespace telco::consensus
