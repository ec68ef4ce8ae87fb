// Blocks, their headers, receipts and commits.
//
// The header is what validators sign (through its hash). It binds the transactions (tx
// Merkle root), their outcomes (receipts root), the state after applying them (state
// root), the validator set that must sign it and the commit of the previous block that the
// block carries (last commit hash). The block hash is BLAKE2b-256 of the header's canonical
// encoding.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "chain/result_code.h"
#include "chain/transaction.h"

namespace telco::chain {

inline constexpr std::uint16_t kHeaderVersion = 1;

struct BlockHeader {
  std::uint16_t version = kHeaderVersion;
  std::string chain_id;
  std::uint64_t height = 0;
  std::uint64_t time_ms = 0;  // proposer's clock, strictly increasing, ms since Unix epoch
  Hash32 prev_hash{};         // zero at height 1
  Hash32 last_commit_hash{};  // H(encoding of the block's last_commit)
  Hash32 tx_root{};
  std::uint32_t tx_count = 0;
  Hash32 receipts_root{};
  Hash32 state_root{};        // state after this block's transactions
  Hash32 validators_hash{};   // the set that signs this block
  crypto::Address proposer{};
  Hash32 evidence_root{};     // zero without evidence, else Merkle root over H(item)

  Bytes encode() const;
  Hash32 hash() const { return crypto::blake2b_256(encode()); }
  bool operator==(const BlockHeader&) const = default;
};

// The outcome of one transaction in a block.
struct Receipt {
  ResultCode code = ResultCode::kOk;
  std::uint64_t fee_charged = 0;

  Bytes encode() const;
  bool operator==(const Receipt&) const = default;
};

// One validator's precommit signature on a block.
struct CommitSig {
  crypto::PublicKey validator{};
  std::uint64_t time_ms = 0;
  crypto::Signature signature{};
  bool operator==(const CommitSig&) const = default;
};

// The proof that a block is final: signatures of validators holding more than 2/3 of the
// voting power of the set named by the header's validators_hash.
struct Commit {
  std::uint64_t height = 0;
  std::uint32_t round = 0;
  Hash32 block_hash{};
  std::vector<CommitSig> signatures;

  Bytes encode() const;
  Hash32 hash() const { return crypto::blake2b_256(encode()); }
  bool operator==(const Commit&) const = default;
};

struct Block {
  BlockHeader header;
  std::vector<Transaction> txs;
  // The commit that made the previous block final (height - 1); the empty Commit{} at
  // height 1. Carried so that every block proves its parent final.
  Commit last_commit;
  // Encoded evidence of validator misbehaviour (consensus::DuplicateVoteEvidence), at most
  // kBlockEvidenceMax items of at most kEvidenceItemBytesMax bytes. chain/ only bounds and
  // hashes it; the node verifies each item before accepting the block.
  std::vector<Bytes> evidence = {};

  Bytes encode() const;
  // Checks the header's tx_count, tx_root, last_commit_hash and evidence_root against the body.
  bool body_matches_header() const;
  bool operator==(const Block&) const = default;
};

// Bytes a validator signs to precommit block_hash: string("telco/vote/v1") || chain id ||
// vote type || height || round || block hash || time.
inline constexpr std::uint8_t kVotePrecommit = 2;
Bytes vote_signing_bytes(std::string_view chain_id, std::uint8_t vote_type, std::uint64_t height,
                         std::uint32_t round, const Hash32& block_hash, std::uint64_t time_ms);

Hash32 receipts_root(const std::vector<Receipt>& receipts);
Hash32 tx_root(const std::vector<Transaction>& txs);
Hash32 evidence_root(const std::vector<Bytes>& evidence);

std::optional<BlockHeader> decode_header(ByteView bytes, codec::DecodeError* error = nullptr);
std::optional<Block> decode_block(ByteView bytes, codec::DecodeError* error = nullptr);
std::optional<Commit> decode_commit(ByteView bytes, codec::DecodeError* error = nullptr);
std::optional<Receipt> decode_receipt(ByteView bytes, codec::DecodeError* error = nullptr);

}  // namespace telco::chain
