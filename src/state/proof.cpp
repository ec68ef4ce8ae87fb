#include "state/proof.h"

#include <bit>
#include <stdexcept>

#include "codec/writer.h"
#include "state/smt_hash.h"

namespace telco::state {
namespace {

std::size_t bitmap_bytes(std::size_t depth) { return (depth + 7) / 8; }

std::size_t popcount(const std::array<std::uint8_t, kProofDepthMax / 8>& bitmap) {
  std::size_t n = 0;
  for (std::uint8_t b : bitmap) n += static_cast<std::size_t>(std::popcount(b));
  return n;
}

}  // namespace

bool SparseMerkleProof::well_formed() const {
  if (terminal != ProofTerminal::kEmpty && terminal != ProofTerminal::kLeaf && terminal != ProofTerminal::kOtherLeaf) {
    return false;
  }
  if (depth > kProofDepthMax) return false;
  // No bit at or beyond depth (covers the padding of the last encoded byte).
  for (std::size_t i = depth; i < kProofDepthMax; ++i) {
    if (has_sibling(i)) return false;
  }
  if (depth > 0 && !has_sibling(depth - 1u)) return false;
  if (popcount(bitmap) != siblings.size()) return false;
  for (const crypto::Hash32& s : siblings) {
    if (s == smt::empty_hash()) return false;
  }
  if (terminal != ProofTerminal::kOtherLeaf && (other_path != crypto::Hash32{} || other_value_hash != crypto::Hash32{})) {
    return false;
  }
  return true;
}

Bytes SparseMerkleProof::encode() const {
  if (!well_formed()) throw std::logic_error("encoding a malformed state proof");
  codec::Writer w(1 + 64 + 2 + bitmap_bytes(depth) + siblings.size() * 32);
  w.u8(static_cast<std::uint8_t>(terminal));
  if (terminal == ProofTerminal::kOtherLeaf) {
    w.fixed(other_path);
    w.fixed(other_value_hash);
  }
  w.u16(depth);
  w.fixed(ByteView(bitmap.data(), bitmap_bytes(depth)));
  for (const crypto::Hash32& s : siblings) w.fixed(s);
  return w.take();
}

std::optional<SparseMerkleProof> decode_proof(ByteView bytes, codec::DecodeError* error) {
  auto fail = [&](codec::DecodeError e) -> std::optional<SparseMerkleProof> {
    if (error) *error = e;
    return std::nullopt;
  };
  if (bytes.size() > kProofBytesMax) return fail(codec::DecodeError::kTooLong);
  codec::Reader r(bytes);
  SparseMerkleProof p;
  const std::uint8_t terminal = r.u8();
  if (terminal > static_cast<std::uint8_t>(ProofTerminal::kOtherLeaf)) r.fail(codec::DecodeError::kInvalid);
  p.terminal = static_cast<ProofTerminal>(terminal);
  if (p.terminal == ProofTerminal::kOtherLeaf) {
    p.other_path = r.fixed<32>();
    p.other_value_hash = r.fixed<32>();
  }
  p.depth = r.u16();
  if (r.ok() && p.depth > kProofDepthMax) r.fail(codec::DecodeError::kTooLong);
  if (!r.ok()) return fail(r.error());
  for (std::size_t i = 0; i < bitmap_bytes(p.depth); ++i) p.bitmap[i] = r.u8();
  const std::size_t n = popcount(p.bitmap);
  if (r.ok() && n * 32 > r.remaining()) r.fail(codec::DecodeError::kTruncated);
  if (!r.ok()) return fail(r.error());
  p.siblings.reserve(n);
  for (std::size_t i = 0; i < n; ++i) p.siblings.push_back(r.fixed<32>());
  if (!r.finish()) return fail(r.error());
  if (!p.well_formed()) return fail(codec::DecodeError::kNonCanonical);
  if (error) *error = codec::DecodeError::kNone;
  return p;
}

const char* describe(ProofFailure f) {
  switch (f) {
    case ProofFailure::kNone: return "proof verified";
    case ProofFailure::kMalformed: return "proof is not in canonical form";
    case ProofFailure::kRootMismatch: return "proof does not lead to the expected state root";
    case ProofFailure::kProvesAbsence: return "proof shows the key absent, but a value was claimed";
    case ProofFailure::kProvesPresence: return "proof shows the key present, but absence was claimed";
    case ProofFailure::kLeafOffPath: return "proof's leaf is not another key on this key's path";
  }
  return "unknown proof failure";
}

ProofFailure verify_proof_at_path(const crypto::Hash32& root, const crypto::Hash32& path,
                                  std::optional<ByteView> value, const SparseMerkleProof& proof) {
  if (!proof.well_formed()) return ProofFailure::kMalformed;
  crypto::Hash32 h;
  switch (proof.terminal) {
    case ProofTerminal::kLeaf:
      if (!value) return ProofFailure::kProvesPresence;
      h = smt::leaf_hash(path, smt::value_hash(*value));
      break;
    case ProofTerminal::kOtherLeaf:
      if (value) return ProofFailure::kProvesAbsence;
      if (proof.other_path == path) return ProofFailure::kLeafOffPath;
      for (std::size_t i = 0; i < proof.depth; ++i) {
        if (smt::path_bit(proof.other_path, i) != smt::path_bit(path, i)) return ProofFailure::kLeafOffPath;
      }
      h = smt::leaf_hash(proof.other_path, proof.other_value_hash);
      break;
    case ProofTerminal::kEmpty:
      if (value) return ProofFailure::kProvesAbsence;
      h = smt::empty_hash();
      break;
  }
  std::size_t next = proof.siblings.size();
  for (std::size_t d = proof.depth; d > 0; --d) {
    const crypto::Hash32& sibling = proof.has_sibling(d - 1) ? proof.siblings[--next] : smt::empty_hash();
    h = smt::path_bit(path, d - 1) ? smt::internal_hash(sibling, h) : smt::internal_hash(h, sibling);
  }
  return h == root ? ProofFailure::kNone : ProofFailure::kRootMismatch;
}

ProofFailure verify_proof(const crypto::Hash32& root, ByteView key, std::optional<ByteView> value,
                          const SparseMerkleProof& proof) {
  return verify_proof_at_path(root, smt::key_path(key), value, proof);
}

}  // namespace telco::state
