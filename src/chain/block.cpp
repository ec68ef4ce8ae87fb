#include "chain/block.h"

#include "chain/limits.h"
#include "chain/merkle.h"

namespace telco::chain {
namespace {

// Smallest possible encoded transaction: every fixed field plus empty strings.
constexpr std::size_t kTxBytesMin = 1 + 4 + 32 + 8 + 8 + 2 + 4 + 64;

void encode_header(codec::Writer& w, const BlockHeader& h) {
  w.u16(h.version);
  w.string(h.chain_id);
  w.u64(h.height);
  w.u64(h.time_ms);
  w.fixed(h.prev_hash);
  w.fixed(h.last_commit_hash);
  w.fixed(h.tx_root);
  w.u32(h.tx_count);
  w.fixed(h.receipts_root);
  w.fixed(h.state_root);
  w.fixed(h.validators_hash);
  w.fixed(h.proposer.bytes);
  w.fixed(h.evidence_root);
}

BlockHeader decode_header(codec::Reader& r) {
  BlockHeader h;
  h.version = r.u16();
  if (r.ok() && h.version != kHeaderVersion) r.fail(codec::DecodeError::kInvalid);
  h.chain_id = r.string(kChainIdBytesMax);
  h.height = r.u64();
  h.time_ms = r.u64();
  h.prev_hash = r.fixed<32>();
  h.last_commit_hash = r.fixed<32>();
  h.tx_root = r.fixed<32>();
  h.tx_count = r.u32();
  h.receipts_root = r.fixed<32>();
  h.state_root = r.fixed<32>();
  h.validators_hash = r.fixed<32>();
  h.proposer.bytes = r.fixed<crypto::kAddressBytes>();
  h.evidence_root = r.fixed<32>();
  return h;
}

void encode_commit(codec::Writer& w, const Commit& c) {
  w.u64(c.height);
  w.u32(c.round);
  w.fixed(c.block_hash);
  w.count(c.signatures.size());
  for (const CommitSig& s : c.signatures) {
    w.fixed(s.validator);
    w.u64(s.time_ms);
    w.fixed(s.signature);
  }
}

Commit decode_commit(codec::Reader& r) {
  Commit c;
  c.height = r.u64();
  c.round = r.u32();
  c.block_hash = r.fixed<32>();
  const std::size_t n = r.count(kValidatorsMax, kCommitSigBytes);
  c.signatures.resize(n);
  for (CommitSig& s : c.signatures) {
    s.validator = r.fixed<32>();
    s.time_ms = r.u64();
    s.signature = r.fixed<64>();
  }
  return c;
}

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

Bytes BlockHeader::encode() const {
  codec::Writer w(300);
  encode_header(w, *this);
  return w.take();
}

Bytes Block::encode() const {
  codec::Writer w(300 + txs.size() * 200 + last_commit.signatures.size() * kCommitSigBytes);
  encode_header(w, header);
  w.count(txs.size());
  for (const Transaction& tx : txs) chain::encode(w, tx);
  encode_commit(w, last_commit);
  w.count(evidence.size());
  for (const Bytes& item : evidence) w.bytes(item);
  return w.take();
}

bool Block::body_matches_header() const {
  return header.tx_count == txs.size() && header.last_commit_hash == last_commit.hash() &&
         header.tx_root == tx_root(txs) && header.evidence_root == evidence_root(evidence);
}

Bytes Receipt::encode() const {
  codec::Writer w(10);
  w.u16(static_cast<std::uint16_t>(code));
  w.u64(fee_charged);
  return w.take();
}

Bytes Commit::encode() const {
  codec::Writer w(48 + signatures.size() * kCommitSigBytes);
  encode_commit(w, *this);
  return w.take();
}

Bytes vote_signing_bytes(std::string_view chain_id, std::uint8_t vote_type, std::uint64_t height,
                         std::uint32_t round, const Hash32& block_hash, std::uint64_t time_ms) {
  codec::Writer w(128);
  w.string("telco/vote/v1");
  w.string(chain_id);
  w.u8(vote_type);
  w.u64(height);
  w.u32(round);
  w.fixed(block_hash);
  w.u64(time_ms);
  return w.take();
}

Hash32 receipts_root(const std::vector<Receipt>& receipts) {
  std::vector<Hash32> leaves;
  leaves.reserve(receipts.size());
  for (const Receipt& r : receipts) leaves.push_back(crypto::blake2b_256(r.encode()));
  return merkle_root(leaves);
}

Hash32 evidence_root(const std::vector<Bytes>& evidence) {
  if (evidence.empty()) return Hash32{};  // most blocks: 32 zero bytes, not root([])
  std::vector<Hash32> leaves;
  leaves.reserve(evidence.size());
  for (const Bytes& item : evidence) leaves.push_back(crypto::blake2b_256(item));
  return merkle_root(leaves);
}

Hash32 tx_root(const std::vector<Transaction>& txs) {
  std::vector<Hash32> leaves;
  leaves.reserve(txs.size());
  for (const Transaction& tx : txs) leaves.push_back(tx.hash());
  return merkle_root(leaves);
}

std::optional<BlockHeader> decode_header(ByteView bytes, codec::DecodeError* error) {
  return decode_exactly<BlockHeader>(bytes, kHeaderBytesMax, error,
                                     [](codec::Reader& r) { return decode_header(r); });
}

std::optional<Block> decode_block(ByteView bytes, codec::DecodeError* error) {
  return decode_exactly<Block>(bytes, kBlockEncodingBytesMax, error, [](codec::Reader& r) {
    Block b;
    b.header = decode_header(r);
    const std::size_t n = r.count(kBlockTxsMax, kTxBytesMin);
    b.txs.reserve(n);
    for (std::size_t i = 0; i < n && r.ok(); ++i) b.txs.push_back(decode_transaction(r));
    b.last_commit = decode_commit(r);
    const std::size_t e = r.count(kBlockEvidenceMax, 4);
    b.evidence.reserve(e);
    for (std::size_t i = 0; i < e && r.ok(); ++i) b.evidence.push_back(r.bytes(kEvidenceItemBytesMax));
    return b;
  });
}

std::optional<Commit> decode_commit(ByteView bytes, codec::DecodeError* error) {
  return decode_exactly<Commit>(bytes, kCommitBytesMax, error,
                                [](codec::Reader& r) { return decode_commit(r); });
}

std::optional<Receipt> decode_receipt(ByteView bytes, codec::DecodeError* error) {
  return decode_exactly<Receipt>(bytes, 10, error, [](codec::Reader& r) {
    Receipt rc;
    rc.code = static_cast<ResultCode>(r.u16());
    rc.fee_charged = r.u64();
    return rc;
  });
}

}  // namespace telco::chain
