// state/proof: the canonical proof encoding and the verifier. Every byte of a real proof
// flipped must make decoding or verification fail; malformed encodings are rejected with
// the reason; verification needs nothing but the root, the key and the claimed value.
#include <gtest/gtest.h>

#include <random>

#include "state/memory_node_store.h"
#include "state/proof.h"
#include "state/smt_hash.h"
#include "state/tree.h"

namespace telco::state {
namespace {

Bytes key_of(std::uint32_t n) {
  Bytes k = {0x01};
  for (int i = 0; i < 4; ++i) k.push_back(static_cast<std::uint8_t>(n >> (8 * i)));
  return k;
}

struct Fixture {
  MemoryNodeStore nodes;
  crypto::Hash32 root{};
  static constexpr std::uint32_t kKeys = 3'000;  // even keys present, odd keys absent

  Fixture() {
    Writes w;
    for (std::uint32_t i = 0; i < kKeys; i += 2) w[key_of(i)] = Bytes{static_cast<std::uint8_t>(i), 0xee};
    TreeUpdate u = apply_writes(nodes, std::nullopt, 0, w);
    nodes.write(u);
    root = u.root_hash;
  }
  ValueProof prove(std::uint32_t n) const { return *get_with_proof(nodes, 0, key_of(n)); }
};

const Fixture& fixture() {
  static const Fixture f;
  return f;
}

bool accepted(const crypto::Hash32& root, const Bytes& key, const std::optional<Bytes>& value, ByteView encoded) {
  auto p = decode_proof(encoded);
  if (!p) return false;
  const std::optional<ByteView> claim = value ? std::optional<ByteView>(*value) : std::nullopt;
  return verify_proof(root, key, claim, *p) == ProofFailure::kNone;
}

TEST(SmtProof, EveryFlippedByteIsRejected) {
  const Fixture& f = fixture();
  int proofs = 0;
  for (std::uint32_t n : {0u, 1u, 2u, 777u, 1'000u, 2'999u, 5'001u}) {
    const ValueProof vp = f.prove(n);
    const Bytes enc = vp.proof.encode();
    ASSERT_TRUE(accepted(f.root, key_of(n), vp.value, enc));
    for (std::size_t i = 0; i < enc.size(); ++i) {
      for (std::uint8_t mask : {0x01, 0x80, 0xff}) {
        Bytes t = enc;
        t[i] ^= mask;
        EXPECT_FALSE(accepted(f.root, key_of(n), vp.value, t)) << "key " << n << " byte " << i << " mask " << +mask;
      }
    }
    // Dropping or adding a byte, or a whole sibling, is rejected as well.
    EXPECT_FALSE(accepted(f.root, key_of(n), vp.value, ByteView(enc.data(), enc.size() - 1)));
    Bytes longer = enc;
    longer.push_back(0);
    EXPECT_FALSE(accepted(f.root, key_of(n), vp.value, longer));
    ++proofs;
  }
  EXPECT_EQ(proofs, 7);
}

TEST(SmtProof, ProofsDoNotTransferToOtherKeysOrValues) {
  const Fixture& f = fixture();
  const ValueProof present = f.prove(10);
  const ValueProof absent = f.prove(11);
  ASSERT_TRUE(present.value);
  ASSERT_FALSE(absent.value);
  const Bytes enc_present = present.proof.encode();
  const Bytes enc_absent = absent.proof.encode();
  EXPECT_FALSE(accepted(f.root, key_of(12), present.value, enc_present));
  EXPECT_FALSE(accepted(f.root, key_of(10), Bytes{1}, enc_present));
  EXPECT_FALSE(accepted(f.root, key_of(10), std::nullopt, enc_present));
  EXPECT_FALSE(accepted(f.root, key_of(11), Bytes{1}, enc_absent));
  // An absence proof for 11 cannot show 10 absent: 10's own leaf is on its path.
  EXPECT_FALSE(accepted(f.root, key_of(10), std::nullopt, enc_absent));
  // A kOtherLeaf proof naming the key itself is refused before any hashing.
  SparseMerkleProof forged = present.proof;
  forged.terminal = ProofTerminal::kOtherLeaf;
  forged.other_path = smt::key_path(key_of(10));
  forged.other_value_hash = smt::value_hash(*present.value);
  EXPECT_EQ(verify_proof(f.root, key_of(10), std::nullopt, forged), ProofFailure::kLeafOffPath);
}

TEST(SmtProof, DecoderRejectsMalformedEncodings) {
  using codec::DecodeError;
  const auto reason = [](const Bytes& b) {
    DecodeError e = DecodeError::kNone;
    EXPECT_FALSE(decode_proof(b, &e));
    return e;
  };
  EXPECT_EQ(reason({}), DecodeError::kTruncated);
  EXPECT_EQ(reason({3, 0, 0}), DecodeError::kInvalid);                   // unknown terminal
  EXPECT_EQ(reason({0, 0x01, 0x01}), DecodeError::kTooLong);             // depth 257
  EXPECT_EQ(reason({0, 0, 0, 0}), DecodeError::kTrailing);               // empty proof + 1 byte
  EXPECT_EQ(reason({0, 1, 0, 0x00}), DecodeError::kNonCanonical);        // terminal's sibling missing
  EXPECT_EQ(reason({0, 1, 0, 0x80}), DecodeError::kTruncated);           // sibling announced, absent
  EXPECT_EQ(reason({0, 1, 0, 0xc0}), DecodeError::kTruncated);           // padding bit, no data
  Bytes padding = {0, 1, 0, 0xc0};
  padding.resize(padding.size() + 64, 7);
  EXPECT_EQ(reason(padding), DecodeError::kNonCanonical);                // padding bit set
  Bytes explicit_empty = {0, 1, 0, 0x80};
  const crypto::Hash32& e = smt::empty_hash();
  explicit_empty.insert(explicit_empty.end(), e.begin(), e.end());
  EXPECT_EQ(reason(explicit_empty), DecodeError::kNonCanonical);         // empty sent explicitly
  Bytes leaf_with_data = {1, 0, 0};
  EXPECT_TRUE(decode_proof(leaf_with_data));
  EXPECT_EQ(reason(Bytes(kProofBytesMax + 1, 0)), DecodeError::kTooLong);
  EXPECT_TRUE(decode_proof(Bytes{0, 0, 0}));                             // the empty tree
  SparseMerkleProof too_deep;
  too_deep.depth = 300;
  EXPECT_THROW(too_deep.encode(), std::logic_error);
}

TEST(SmtProof, DeepestProofFitsTheBound) {
  SparseMerkleProof p;
  p.terminal = ProofTerminal::kOtherLeaf;
  p.other_path[0] = 1;
  p.depth = kProofDepthMax;
  p.bitmap.fill(0xff);
  p.siblings.assign(kProofDepthMax, crypto::blake2b_256(Bytes{1}));
  const Bytes enc = p.encode();
  EXPECT_EQ(enc.size(), kProofBytesMax);
  EXPECT_EQ(decode_proof(enc), p);
}

TEST(SmtProof, SizeGrowsWithLogOfKeyCount) {
  const Fixture& f = fixture();
  std::size_t max_bytes = 0;
  for (std::uint32_t n = 0; n < 400; ++n) max_bytes = std::max(max_bytes, f.prove(n).proof.encode().size());
  // 1,500 keys: ~11 siblings; a proof past 20 siblings would mean the walk is not stopping
  // at the first subtree with one key.
  EXPECT_LT(max_bytes, 3 + 64 + 4 + 20 * 32);
}

}  // namespace
}  // namespace telco::state
