// chain/: transactions, headers, blocks, commits, receipts, votes and result codes.
#include <gtest/gtest.h>

#include <functional>
#include <set>
#include <string>

#include "chain/block.h"
#include "chain/limits.h"
#include "chain/merkle.h"
#include "chain/transaction.h"
#include "codec/writer.h"
#include "util/hex.h"

namespace telco::chain {
namespace {

using codec::DecodeError;

crypto::KeyPair key(std::uint8_t n) {
  crypto::Seed seed{};
  seed.fill(n);
  return crypto::KeyPair::from_seed(seed);
}

Transaction sample_tx(std::uint8_t k = 1, std::uint64_t nonce = 7) {
  Transaction tx;
  tx.chain_id = "telco-test-1";
  tx.nonce = nonce;
  tx.fee = 1'000;
  tx.payload.type = 1;
  tx.payload.body = {0xde, 0xad, 0xbe, 0xef, k};
  tx.sign(key(k));
  return tx;
}

Hash32 filled(std::uint8_t v) {
  Hash32 h;
  h.fill(v);
  return h;
}

BlockHeader sample_header() {
  BlockHeader h;
  h.chain_id = "telco-test-1";
  h.height = 42;
  h.time_ms = 1'700'000'000'123;
  h.prev_hash = filled(0x11);
  h.tx_root = filled(0x22);
  h.tx_count = 3;
  h.receipts_root = filled(0x33);
  h.state_root = filled(0x44);
  h.validators_hash = filled(0x55);
  h.proposer.bytes.fill(0x66);
  return h;
}

Block sample_block(std::size_t n) {
  Block b;
  b.header = sample_header();
  for (std::size_t i = 0; i < n; ++i) b.txs.push_back(sample_tx(static_cast<std::uint8_t>(i + 1), i));
  b.header.tx_count = static_cast<std::uint32_t>(n);
  b.header.tx_root = tx_root(b.txs);
  b.last_commit = Commit{41, 2, sample_header().prev_hash, {{crypto::PublicKey{7}, 9, crypto::Signature{3}}}};
  b.header.last_commit_hash = b.last_commit.hash();
  return b;
}

Commit sample_commit(std::size_t n) {
  Commit c;
  c.height = 42;
  c.round = 2;
  c.block_hash = sample_header().hash();
  for (std::size_t i = 0; i < n; ++i) {
    const auto k = key(static_cast<std::uint8_t>(i + 10));
    CommitSig s;
    s.validator = k.public_key();
    s.time_ms = 1'700'000'000'000 + i;
    s.signature = k.sign(
        vote_signing_bytes("telco-test-1", kVotePrecommit, c.height, c.round, c.block_hash, s.time_ms));
    c.signatures.push_back(s);
  }
  return c;
}

// Every proper prefix of a valid encoding must fail to decode with kTruncated.
template <typename Decode>
void expect_every_prefix_truncated(const Bytes& full, Decode decode) {
  for (std::size_t len = 0; len < full.size(); ++len) {
    DecodeError e = DecodeError::kNone;
    EXPECT_FALSE(decode(ByteView(full.data(), len), &e)) << "prefix " << len << " decoded";
    EXPECT_EQ(e, DecodeError::kTruncated) << "prefix " << len;
  }
}

template <typename Decode>
void expect_trailing_rejected(Bytes full, Decode decode) {
  full.push_back(0);
  DecodeError e = DecodeError::kNone;
  EXPECT_FALSE(decode(full, &e));
  EXPECT_EQ(e, DecodeError::kTrailing);
}

void put_le(Bytes& b, std::uint64_t v, int width) {
  for (int i = 0; i < width; ++i) b.push_back(static_cast<std::uint8_t>(v >> (8 * i)));
}
void put_raw(Bytes& b, ByteView v) { b.insert(b.end(), v.begin(), v.end()); }
void put_str(Bytes& b, std::string_view s) {
  put_le(b, s.size(), 4);
  put_raw(b, as_bytes(s));
}

// ---------------------------------------------------------------- Transaction

TEST(Transaction, EncodingFollowsTheSpecifiedLayout) {
  const Transaction tx = sample_tx();
  Bytes unsigned_part;
  put_le(unsigned_part, 1, 1);  // version
  put_str(unsigned_part, "telco-test-1");
  put_raw(unsigned_part, tx.sender);
  put_le(unsigned_part, 7, 8);
  put_le(unsigned_part, 1000, 8);
  put_le(unsigned_part, 1, 2);
  put_le(unsigned_part, tx.payload.body.size(), 4);
  put_raw(unsigned_part, tx.payload.body);

  Bytes full = unsigned_part;
  put_raw(full, tx.signature);
  EXPECT_EQ(tx.encode(), full);

  Bytes signing;
  put_str(signing, "telco/tx/v1");
  put_raw(signing, unsigned_part);
  EXPECT_EQ(tx.signing_bytes(), signing);

  EXPECT_EQ(tx.hash(), crypto::blake2b_256(full));
  EXPECT_EQ(tx.encode().size(), 123u + tx.chain_id.size() + tx.payload.body.size());
}

TEST(Transaction, WriterOverloadsMatchMemberEncoding) {
  const Transaction tx = sample_tx();
  codec::Writer w;
  encode(w, tx);
  EXPECT_EQ(w.data(), tx.encode());
  codec::Writer u;
  encode_unsigned(u, tx);
  const Bytes full = tx.encode();
  EXPECT_EQ(Bytes(full.begin(), full.end() - 64), u.data());
}

TEST(Transaction, RoundTrip) {
  const Transaction tx = sample_tx();
  DecodeError e = DecodeError::kInvalid;
  auto back = decode_transaction(tx.encode(), &e);
  ASSERT_TRUE(back) << codec::describe(e);
  EXPECT_EQ(*back, tx);
  EXPECT_EQ(back->encode(), tx.encode());
  EXPECT_EQ(back->hash(), tx.hash());
  EXPECT_TRUE(back->verify_signature());
}

TEST(Transaction, RoundTripEdgeValues) {
  Transaction tx;
  tx.chain_id = std::string(kChainIdBytesMax, 'x');
  tx.nonce = ~std::uint64_t{0};
  tx.fee = ~std::uint64_t{0};
  tx.payload.type = 0xffff;
  tx.payload.body = {};
  tx.sign(key(3));
  auto back = decode_transaction(tx.encode());
  ASSERT_TRUE(back);
  EXPECT_EQ(*back, tx);

  tx.chain_id.clear();
  tx.payload.body.assign(kTxBytesMax - 123, 0x5a);  // the largest payload that fits
  tx.sign(key(3));
  ASSERT_EQ(tx.encode().size(), kTxBytesMax);
  back = decode_transaction(tx.encode());
  ASSERT_TRUE(back);
  EXPECT_EQ(*back, tx);
}

TEST(Transaction, SignSetsSenderAndVerifies) {
  const Transaction tx = sample_tx(5);
  EXPECT_EQ(tx.sender, key(5).public_key());
  EXPECT_EQ(tx.sender_address(), crypto::Address::from_public_key(key(5).public_key()));
  EXPECT_TRUE(tx.verify_signature());
  EXPECT_TRUE(crypto::verify(tx.sender, tx.signing_bytes(), tx.signature));
}

TEST(Transaction, ChangingAnyFieldBreaksTheSignature) {
  const std::vector<std::pair<const char*, std::function<void(Transaction&)>>> mutations = {
      {"version", [](Transaction& t) { t.version = 2; }},
      {"chain_id", [](Transaction& t) { t.chain_id = "telco-test-2"; }},
      {"chain_id empty", [](Transaction& t) { t.chain_id.clear(); }},
      {"sender", [](Transaction& t) { t.sender = key(9).public_key(); }},
      {"nonce", [](Transaction& t) { t.nonce += 1; }},
      {"fee", [](Transaction& t) { t.fee -= 1; }},
      {"payload type", [](Transaction& t) { t.payload.type = 2; }},
      {"payload body", [](Transaction& t) { t.payload.body[0] ^= 1; }},
      {"payload body longer", [](Transaction& t) { t.payload.body.push_back(0); }},
      {"payload body shorter", [](Transaction& t) { t.payload.body.pop_back(); }},
      {"signature R", [](Transaction& t) { t.signature[0] ^= 1; }},
      {"signature S", [](Transaction& t) { t.signature[63] ^= 1; }},
  };
  for (const auto& [name, mutate] : mutations) {
    Transaction tx = sample_tx();
    ASSERT_TRUE(tx.verify_signature());
    const Hash32 before = tx.hash();
    mutate(tx);
    EXPECT_FALSE(tx.verify_signature()) << name;
    EXPECT_NE(tx.hash(), before) << name;
  }
}

TEST(Transaction, SignatureDoesNotTransferBetweenChains) {
  Transaction a = sample_tx();
  Transaction b = a;
  b.chain_id = "telco-main";
  EXPECT_NE(a.signing_bytes(), b.signing_bytes());
  b.sign(key(1));
  EXPECT_NE(a.signature, b.signature);
  EXPECT_TRUE(b.verify_signature());
}

TEST(Transaction, HashIsStableAndCoversSignature) {
  const Transaction a = sample_tx();
  const Transaction b = sample_tx();
  EXPECT_EQ(a.hash(), b.hash());  // Ed25519 is deterministic
  EXPECT_EQ(a.hash(), a.hash());
  EXPECT_NE(a.hash(), sample_tx(1, 8).hash());
  EXPECT_NE(a.hash(), sample_tx(2).hash());
  EXPECT_NE(a.hash(), crypto::blake2b_256(a.signing_bytes()));
}

TEST(Transaction, DecodeRejectsTruncationAtEveryByte) {
  expect_every_prefix_truncated(
      sample_tx().encode(), [](ByteView b, DecodeError* e) { return decode_transaction(b, e).has_value(); });
}

TEST(Transaction, DecodeRejectsTrailingBytes) {
  expect_trailing_rejected(sample_tx().encode(),
                           [](ByteView b, DecodeError* e) { return decode_transaction(b, e).has_value(); });
}

TEST(Transaction, DecodeRejectsWrongVersion) {
  for (std::uint8_t v : {0, 2, 255}) {
    Transaction tx = sample_tx();
    tx.version = v;
    DecodeError e = DecodeError::kNone;
    EXPECT_FALSE(decode_transaction(tx.encode(), &e)) << int(v);
    EXPECT_EQ(e, DecodeError::kInvalid);
  }
}

TEST(Transaction, DecodeRejectsOverlongChainId) {
  Transaction tx = sample_tx();
  tx.chain_id = std::string(kChainIdBytesMax + 1, 'c');
  DecodeError e = DecodeError::kNone;
  EXPECT_FALSE(decode_transaction(tx.encode(), &e));
  EXPECT_EQ(e, DecodeError::kTooLong);
}

TEST(Transaction, DecodeRejectsOversizePayloadPrefix) {
  // A length prefix above the payload bound fails before any allocation or read.
  Bytes b;
  put_le(b, 1, 1);
  put_str(b, "c");
  put_raw(b, Bytes(32, 0));
  put_le(b, 0, 8);
  put_le(b, 0, 8);
  put_le(b, 1, 2);
  put_le(b, kPayloadBytesMax + 1, 4);
  put_raw(b, Bytes(64, 0));
  DecodeError e = DecodeError::kNone;
  EXPECT_FALSE(decode_transaction(b, &e));
  EXPECT_EQ(e, DecodeError::kTooLong);
}

TEST(Transaction, DecodeRejectsOversizeTransaction) {
  Transaction tx = sample_tx();
  tx.payload.body.assign(kTxBytesMax, 1);
  DecodeError e = DecodeError::kNone;
  EXPECT_FALSE(decode_transaction(tx.encode(), &e));
  EXPECT_EQ(e, DecodeError::kTooLong);
}

TEST(Transaction, DecodeFromReaderLeavesTheRest) {
  Bytes two = sample_tx(1).encode();
  const Bytes second = sample_tx(2).encode();
  two.insert(two.end(), second.begin(), second.end());
  codec::Reader r(two);
  const Transaction a = decode_transaction(r);
  const Transaction b = decode_transaction(r);
  EXPECT_TRUE(r.finish());
  EXPECT_EQ(a, sample_tx(1));
  EXPECT_EQ(b, sample_tx(2));
}

// ---------------------------------------------------------------- BlockHeader

TEST(BlockHeader, EncodingFollowsTheSpecifiedLayout) {
  const BlockHeader h = sample_header();
  Bytes b;
  put_le(b, 1, 2);
  put_str(b, h.chain_id);
  put_le(b, h.height, 8);
  put_le(b, h.time_ms, 8);
  put_raw(b, h.prev_hash);
  put_raw(b, h.last_commit_hash);
  put_raw(b, h.tx_root);
  put_le(b, h.tx_count, 4);
  put_raw(b, h.receipts_root);
  put_raw(b, h.state_root);
  put_raw(b, h.validators_hash);
  put_raw(b, h.proposer.bytes);
  put_raw(b, h.evidence_root);
  EXPECT_EQ(h.encode(), b);
  EXPECT_EQ(b.size(), 270u + h.chain_id.size());
  EXPECT_EQ(h.hash(), crypto::blake2b_256(b));
}

TEST(BlockHeader, RoundTrip) {
  const BlockHeader h = sample_header();
  auto back = decode_header(h.encode());
  ASSERT_TRUE(back);
  EXPECT_EQ(*back, h);
  EXPECT_EQ(back->hash(), h.hash());
  const BlockHeader empty{};
  auto back_empty = decode_header(empty.encode());
  ASSERT_TRUE(back_empty);
  EXPECT_EQ(*back_empty, empty);
}

TEST(BlockHeader, EveryFieldChangesTheHash) {
  const Hash32 base = sample_header().hash();
  const std::vector<std::function<void(BlockHeader&)>> mutations = {
      [](BlockHeader& h) { h.chain_id += "x"; },
      [](BlockHeader& h) { h.height++; },
      [](BlockHeader& h) { h.time_ms++; },
      [](BlockHeader& h) { h.prev_hash[31] ^= 1; },
      [](BlockHeader& h) { h.tx_root[0] ^= 1; },
      [](BlockHeader& h) { h.tx_count++; },
      [](BlockHeader& h) { h.receipts_root[5] ^= 1; },
      [](BlockHeader& h) { h.state_root[9] ^= 1; },
      [](BlockHeader& h) { h.validators_hash[1] ^= 1; },
      [](BlockHeader& h) { h.proposer.bytes[19] ^= 1; },
  };
  std::set<Hash32> seen = {base};
  for (const auto& m : mutations) {
    BlockHeader h = sample_header();
    m(h);
    EXPECT_TRUE(seen.insert(h.hash()).second);
  }
}

TEST(BlockHeader, DecodeRejectsTruncationAtEveryByte) {
  expect_every_prefix_truncated(sample_header().encode(),
                                [](ByteView b, DecodeError* e) { return decode_header(b, e).has_value(); });
}

TEST(BlockHeader, DecodeRejectsTrailingBytes) {
  expect_trailing_rejected(sample_header().encode(),
                           [](ByteView b, DecodeError* e) { return decode_header(b, e).has_value(); });
}

TEST(BlockHeader, DecodeRejectsWrongVersion) {
  for (std::uint16_t v : {0, 2, 0x0100, 0xffff}) {
    BlockHeader h = sample_header();
    h.version = v;
    DecodeError e = DecodeError::kNone;
    EXPECT_FALSE(decode_header(h.encode(), &e)) << v;
    EXPECT_EQ(e, DecodeError::kInvalid);
  }
}

TEST(BlockHeader, DecodeRejectsOverlongChainId) {
  BlockHeader h = sample_header();
  h.chain_id = std::string(kChainIdBytesMax, 'a');
  EXPECT_TRUE(decode_header(h.encode()));
  h.chain_id.push_back('a');
  DecodeError e = DecodeError::kNone;
  EXPECT_FALSE(decode_header(h.encode(), &e));
  EXPECT_EQ(e, DecodeError::kTooLong);
}

// ---------------------------------------------------------------- Block

TEST(Block, EncodingIsHeaderThenCountThenTransactionsThenLastCommitThenEvidence) {
  Block b = sample_block(2);
  Bytes expected = b.header.encode();
  put_le(expected, 2, 4);
  put_raw(expected, b.txs[0].encode());
  put_raw(expected, b.txs[1].encode());
  put_raw(expected, b.last_commit.encode());
  Bytes without = expected;
  put_le(without, 0, 4);  // no evidence
  EXPECT_EQ(b.encode(), without);

  b.evidence = {Bytes{1, 2, 3}};
  b.header.evidence_root = evidence_root(b.evidence);
  expected = b.header.encode();
  put_le(expected, 2, 4);
  put_raw(expected, b.txs[0].encode());
  put_raw(expected, b.txs[1].encode());
  put_raw(expected, b.last_commit.encode());
  put_le(expected, 1, 4);
  put_le(expected, 3, 4);
  put_raw(expected, Bytes{1, 2, 3});
  EXPECT_EQ(b.encode(), expected);
}

TEST(Block, RoundTrip) {
  for (std::size_t n : {0, 1, 3, 10}) {
    const Block b = sample_block(n);
    DecodeError e = DecodeError::kNone;
    auto back = decode_block(b.encode(), &e);
    ASSERT_TRUE(back) << n << ": " << codec::describe(e);
    EXPECT_EQ(*back, b);
    EXPECT_EQ(back->encode(), b.encode());
    EXPECT_TRUE(back->body_matches_header());
  }
}

TEST(Block, BodyMatchesHeader) {
  Block b = sample_block(3);
  EXPECT_TRUE(b.body_matches_header());
  {
    Block c = b;
    c.header.tx_count = 2;
    EXPECT_FALSE(c.body_matches_header());
  }
  {
    Block c = b;
    c.header.tx_root[0] ^= 1;
    EXPECT_FALSE(c.body_matches_header());
  }
  {
    Block c = b;
    std::swap(c.txs[0], c.txs[1]);  // same set, other order
    EXPECT_FALSE(c.body_matches_header());
  }
  {
    Block c = b;
    c.txs.pop_back();
    c.header.tx_count = 2;
    EXPECT_FALSE(c.body_matches_header());
  }
  {
    Block c = b;
    c.txs[1].fee++;
    EXPECT_FALSE(c.body_matches_header());
  }
  {
    Block c = b;
    c.last_commit.signatures.clear();  // another commit than the header names
    EXPECT_FALSE(c.body_matches_header());
  }
  Block empty = sample_block(0);
  EXPECT_TRUE(empty.body_matches_header());
  EXPECT_EQ(empty.header.tx_root, merkle_root({}));
}

TEST(Block, DecodeRejectsTruncationAtEveryByte) {
  expect_every_prefix_truncated(sample_block(2).encode(),
                                [](ByteView b, DecodeError* e) { return decode_block(b, e).has_value(); });
}

TEST(Block, DecodeRejectsTrailingBytes) {
  expect_trailing_rejected(sample_block(2).encode(),
                           [](ByteView b, DecodeError* e) { return decode_block(b, e).has_value(); });
}

TEST(Block, DecodeRejectsBadTransactionInside) {
  Block b = sample_block(2);
  b.txs[1].version = 9;
  DecodeError e = DecodeError::kNone;
  EXPECT_FALSE(decode_block(b.encode(), &e));
  EXPECT_EQ(e, DecodeError::kInvalid);
  b = sample_block(2);
  b.header.version = 2;
  EXPECT_FALSE(decode_block(b.encode(), &e));
  EXPECT_EQ(e, DecodeError::kInvalid);
}

TEST(Block, DecodeRejectsTxCountBeyondInputOrBound) {
  Bytes b = sample_header().encode();
  put_le(b, 1000, 4);  // 1000 transactions need at least 123 000 bytes
  put_raw(b, sample_tx().encode());
  DecodeError e = DecodeError::kNone;
  EXPECT_FALSE(decode_block(b, &e));
  EXPECT_EQ(e, DecodeError::kTruncated);

  Bytes c = sample_header().encode();
  put_le(c, kBlockTxsMax + 1, 4);
  EXPECT_FALSE(decode_block(c, &e));
  EXPECT_EQ(e, DecodeError::kTooLong);
}

TEST(Block, DecodeRejectsOversizeTransactionInside) {
  // Each field is within its own bound, but the transaction is one byte over 64 KiB.
  Block b = sample_block(1);
  b.txs[0].payload.body.assign(kTxBytesMax - 123 - b.txs[0].chain_id.size() + 1, 0x77);
  ASSERT_EQ(b.txs[0].encode().size(), kTxBytesMax + 1);
  DecodeError e = DecodeError::kNone;
  EXPECT_FALSE(decode_block(b.encode(), &e));
  EXPECT_EQ(e, DecodeError::kTooLong);
  b.txs[0].payload.body.pop_back();
  EXPECT_TRUE(decode_block(b.encode()));
}

TEST(Block, DecodeRejectsOversizeInput) {
  Bytes b = sample_block(0).encode();
  b.resize(kBlockEncodingBytesMax + 1, 0);
  DecodeError e = DecodeError::kNone;
  EXPECT_FALSE(decode_block(b, &e));
  EXPECT_EQ(e, DecodeError::kTooLong);
}

// ---------------------------------------------------------------- Commit

TEST(Commit, EncodingFollowsTheSpecifiedLayout) {
  const Commit c = sample_commit(2);
  Bytes b;
  put_le(b, c.height, 8);
  put_le(b, c.round, 4);
  put_raw(b, c.block_hash);
  put_le(b, 2, 4);
  for (const CommitSig& s : c.signatures) {
    put_raw(b, s.validator);
    put_le(b, s.time_ms, 8);
    put_raw(b, s.signature);
  }
  EXPECT_EQ(c.encode(), b);
  EXPECT_EQ(b.size(), 48u + 2 * 104);
}

TEST(Commit, RoundTrip) {
  for (std::size_t n : {0, 1, 4}) {
    const Commit c = sample_commit(n);
    auto back = decode_commit(c.encode());
    ASSERT_TRUE(back) << n;
    EXPECT_EQ(*back, c);
  }
}

TEST(Commit, SignaturesVerifyOverVoteBytes) {
  const Commit c = sample_commit(3);
  for (const CommitSig& s : c.signatures) {
    EXPECT_TRUE(crypto::verify(
        s.validator,
        vote_signing_bytes("telco-test-1", kVotePrecommit, c.height, c.round, c.block_hash, s.time_ms),
        s.signature));
    EXPECT_FALSE(crypto::verify(
        s.validator,
        vote_signing_bytes("telco-test-1", kVotePrecommit, c.height, c.round, c.block_hash, s.time_ms + 1),
        s.signature));
  }
}

TEST(Commit, DecodeRejectsTruncationAtEveryByte) {
  expect_every_prefix_truncated(sample_commit(2).encode(),
                                [](ByteView b, DecodeError* e) { return decode_commit(b, e).has_value(); });
}

TEST(Commit, DecodeRejectsTrailingBytes) {
  expect_trailing_rejected(sample_commit(2).encode(),
                           [](ByteView b, DecodeError* e) { return decode_commit(b, e).has_value(); });
}

TEST(Commit, DecodeRejectsSignatureCountBeyondInputOrBound) {
  Commit c = sample_commit(1);
  Bytes b = c.encode();
  b[44] = 2;  // the count says 2, one is present
  DecodeError e = DecodeError::kNone;
  EXPECT_FALSE(decode_commit(b, &e));
  EXPECT_EQ(e, DecodeError::kTruncated);

  Bytes over;
  put_le(over, 1, 8);
  put_le(over, 0, 4);
  put_raw(over, Hash32{});
  put_le(over, kValidatorsMax + 1, 4);
  EXPECT_FALSE(decode_commit(over, &e));
  EXPECT_EQ(e, DecodeError::kTooLong);
}

TEST(Commit, DecodeRejectsOversizeInput) {
  Bytes b = sample_commit(0).encode();
  b.resize(64 + kValidatorsMax * 104 + 1, 0);
  DecodeError e = DecodeError::kNone;
  EXPECT_FALSE(decode_commit(b, &e));
  EXPECT_EQ(e, DecodeError::kTooLong);
}

// ---------------------------------------------------------------- Receipt

TEST(Receipt, EncodingAndRoundTrip) {
  const Receipt r{ResultCode::kInsufficientFunds, 0x0102030405060708ULL};
  const Bytes expected = {0x2c, 0x01, 0x08, 0x07, 0x06, 0x05, 0x04, 0x03, 0x02, 0x01};
  EXPECT_EQ(r.encode(), expected);
  auto back = decode_receipt(expected);
  ASSERT_TRUE(back);
  EXPECT_EQ(*back, r);
  const Receipt ok{};
  EXPECT_EQ(decode_receipt(ok.encode()), ok);
}

TEST(Receipt, DecodeRejectsTruncationAndTrailing) {
  const Bytes full = Receipt{ResultCode::kOk, 5}.encode();
  expect_every_prefix_truncated(full,
                                [](ByteView b, DecodeError* e) { return decode_receipt(b, e).has_value(); });
  // A receipt has a fixed size of 10 bytes, so an extra byte already fails the size bound.
  Bytes longer = full;
  longer.push_back(0);
  DecodeError e = DecodeError::kNone;
  EXPECT_FALSE(decode_receipt(longer, &e));
  EXPECT_EQ(e, DecodeError::kTooLong);
}

TEST(Receipt, RootIsMerkleOverReceiptHashes) {
  const std::vector<Receipt> rs = {{ResultCode::kOk, 1000}, {ResultCode::kInsufficientFunds, 1000}};
  const std::vector<Hash32> leaves = {crypto::blake2b_256(rs[0].encode()),
                                      crypto::blake2b_256(rs[1].encode())};
  EXPECT_EQ(receipts_root(rs), merkle_root(leaves));
  EXPECT_NE(receipts_root(rs), receipts_root({rs[1], rs[0]}));
  EXPECT_EQ(receipts_root({}), crypto::blake2b_256({}));
}

TEST(TxRoot, IsMerkleOverTransactionHashes) {
  const Block b = sample_block(3);
  const std::vector<Hash32> leaves = {b.txs[0].hash(), b.txs[1].hash(), b.txs[2].hash()};
  EXPECT_EQ(tx_root(b.txs), merkle_root(leaves));
}

// ---------------------------------------------------------------- Votes

TEST(Vote, SigningBytesLayout) {
  const Hash32 h = filled(0xab);
  Bytes expected;
  put_str(expected, "telco/vote/v1");
  put_str(expected, "telco-test-1");
  put_le(expected, kVotePrecommit, 1);
  put_le(expected, 42, 8);
  put_le(expected, 3, 4);
  put_raw(expected, h);
  put_le(expected, 1'700'000'000'000, 8);
  EXPECT_EQ(vote_signing_bytes("telco-test-1", kVotePrecommit, 42, 3, h, 1'700'000'000'000), expected);
}

TEST(Vote, DomainSeparation) {
  const Hash32 h = filled(0xab);
  const Bytes vote = vote_signing_bytes("telco-test-1", kVotePrecommit, 42, 3, h, 9);
  const Bytes tx = sample_tx().signing_bytes();
  // Each signed message starts with its own length-prefixed domain tag, so no vote's bytes
  // can equal a transaction's signing bytes.
  EXPECT_NE(Bytes(vote.begin(), vote.begin() + 17), Bytes(tx.begin(), tx.begin() + 17));
  Bytes vote_domain;
  put_str(vote_domain, "telco/vote/v1");
  Bytes tx_domain;
  put_str(tx_domain, "telco/tx/v1");
  EXPECT_TRUE(std::equal(vote_domain.begin(), vote_domain.end(), vote.begin()));
  EXPECT_TRUE(std::equal(tx_domain.begin(), tx_domain.end(), tx.begin()));

  // Every parameter is bound.
  std::set<Bytes> all = {vote};
  EXPECT_TRUE(all.insert(vote_signing_bytes("telco-test-2", kVotePrecommit, 42, 3, h, 9)).second);
  EXPECT_TRUE(all.insert(vote_signing_bytes("telco-test-1", 1, 42, 3, h, 9)).second);
  EXPECT_TRUE(all.insert(vote_signing_bytes("telco-test-1", kVotePrecommit, 43, 3, h, 9)).second);
  EXPECT_TRUE(all.insert(vote_signing_bytes("telco-test-1", kVotePrecommit, 42, 4, h, 9)).second);
  EXPECT_TRUE(all.insert(vote_signing_bytes("telco-test-1", kVotePrecommit, 42, 3, filled(0xac), 9)).second);
  EXPECT_TRUE(all.insert(vote_signing_bytes("telco-test-1", kVotePrecommit, 42, 3, h, 10)).second);

  // A vote signature never verifies as a transaction signature of the same key.
  const auto k = key(1);
  Transaction t = sample_tx(1);
  t.signature = k.sign(vote);
  EXPECT_FALSE(t.verify_signature());
}

}  // namespace
}  // namespace telco::chain
