// Consensus messages: proposals, prevotes and precommits, and evidence of a validator that
// signed two conflicting votes. Each has one canonical encoding (docs/CONSENSUS.md,
// "Messages"); decoders reject trailing bytes and anything above the size bounds.
//
// Votes are signed with chain::vote_signing_bytes, the bytes a commit signature covers, so a
// set of precommits for one block is a chain::Commit as is. A nil vote carries the all-zero
// block hash (no header hashes to it). Proposals sign their own domain, "telco/proposal/v1".
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

#include "chain/block.h"
#include "chain/limits.h"
#include "codec/reader.h"
#include "codec/writer.h"
#include "crypto/ed25519.h"

namespace telco::consensus {

using Hash32 = crypto::Hash32;

// Rounds are u32 on the wire (as in chain::Commit); in memory a signed type so that the
// paper's "-1" (no round) compares below every round.
using Round = std::int64_t;
inline constexpr Round kNoRound = -1;
inline constexpr std::uint32_t kNoRoundWire = 0xFFFF'FFFF;  // pol_round −1 on the wire
// The largest round a message may carry: 2^32 − 2 (2^32 − 1 is the "no round" sentinel).
inline constexpr Round kRoundMax = Round{kNoRoundWire} - 1;

inline constexpr Hash32 kNilHash{};
inline bool is_nil(const Hash32& h) { return h == kNilHash; }

enum class VoteType : std::uint8_t { kPrevote = 1, kPrecommit = chain::kVotePrecommit };
const char* vote_type_name(VoteType t);

struct Vote {
  VoteType type = VoteType::kPrevote;
  std::uint64_t height = 0;
  Round round = 0;
  Hash32 block_hash{};  // kNilHash for a nil vote
  crypto::PublicKey validator{};
  std::uint64_t time_ms = 0;  // the signer's clock; informational (commit timestamps)
  crypto::Signature signature{};

  Bytes signing_bytes(std::string_view chain_id) const;
  Bytes encode() const;
  bool operator==(const Vote&) const = default;
};

// The proposer of (height, round) proposes `block`. pol_round is the paper's validRound:
// kNoRound for a fresh value, else an earlier round in which the block had a +2/3 prevote
// quorum (the proof-of-lock round). The proposer's timestamp is block.header.time_ms, bound
// by the block hash the signature covers.
struct Proposal {
  std::uint64_t height = 0;
  Round round = 0;
  Round pol_round = kNoRound;
  chain::Block block;
  crypto::Signature signature{};

  Hash32 block_hash() const { return block.header.hash(); }
  // string("telco/proposal/v1") ‖ string(chain_id) ‖ u64 height ‖ u32 round ‖ u32 pol_round
  // ‖ fixed[32] block hash.
  Bytes signing_bytes(std::string_view chain_id) const;
  Bytes encode() const;
  bool operator==(const Proposal&) const = default;
};

// Two votes by one validator for the same height, round and type with different block
// hashes (nil counts as a value). Stored with the smaller encoding first, so one offence has
// one encoding.
struct DuplicateVoteEvidence {
  Vote first;
  Vote second;

  static DuplicateVoteEvidence of(const Vote& a, const Vote& b);
  Bytes encode() const;
  bool operator==(const DuplicateVoteEvidence&) const = default;
};

inline constexpr std::size_t kVoteBytes = 1 + 8 + 4 + 32 + 32 + 8 + 64;
inline constexpr std::size_t kEvidenceBytes = 1 + 2 * kVoteBytes;
inline constexpr std::size_t kProposalBytesMax = 8 + 4 + 4 + 64 + 4 + chain::kBlockEncodingBytesMax;

std::optional<Vote> decode_vote(ByteView bytes, codec::DecodeError* error = nullptr);
std::optional<Proposal> decode_proposal(ByteView bytes, codec::DecodeError* error = nullptr);
std::optional<DuplicateVoteEvidence> decode_evidence(ByteView bytes, codec::DecodeError* error = nullptr);

// Reader-level forms, for records that embed a message (the WAL).
void encode(codec::Writer& w, const Vote& v);
Vote decode_vote(codec::Reader& r);

bool verify_vote_signature(const Vote& v, std::string_view chain_id);

}  // namespace telco::consensus
