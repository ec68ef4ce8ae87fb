// Proofs that a key has a value, or no value, in the state tree at one version, and their
// verifier. Dependency-light on purpose (crypto, codec): the light client, the CLI and the
// fuzz build link it without RocksDB or the tree itself.
//
// A proof walks the logical binary tree (state/smt_hash.h) from the root along the key's
// path down to the first subtree holding at most one key, the terminal:
//   kLeaf       the key's own leaf: inclusion; the verifier hashes the value it was given
//   kOtherLeaf  the only key under that subtree is another one (its path and value hash
//               travel in the proof): non-inclusion
//   kEmpty      nothing under that subtree: non-inclusion
// plus the sibling hash at every depth 1..depth. Empty siblings are not sent; a bitmap says
// which depths have one. Encoding (codec, docs/STATE.md "Proof format"):
//   u8 terminal · [fixed32 other path · fixed32 other value hash]  (kOtherLeaf only)
//   u16 depth (0..256) · fixed[ceil(depth/8)] bitmap, bit i = depth i+1, MSB first
//   fixed32 per set bit, root side first
// Exactly one encoding per proof: padding bits zero, no explicit empty sibling, the
// terminal's own sibling present (else the walk would have stopped one level up), no
// trailing bytes. At 10M keys a proof is ~24 siblings, about 0.8 KiB.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <vector>

#include "codec/reader.h"
#include "crypto/hash.h"
#include "util/bytes.h"

namespace telco::state {

enum class ProofTerminal : std::uint8_t { kEmpty = 0, kLeaf = 1, kOtherLeaf = 2 };

inline constexpr std::size_t kProofDepthMax = 256;
inline constexpr std::size_t kProofBytesMax = 1 + 64 + 2 + kProofDepthMax / 8 + kProofDepthMax * 32;

struct SparseMerkleProof {
  ProofTerminal terminal = ProofTerminal::kEmpty;
  crypto::Hash32 other_path{};        // kOtherLeaf only
  crypto::Hash32 other_value_hash{};  // kOtherLeaf only
  std::uint16_t depth = 0;            // depth of the terminal; the root is depth 0
  std::array<std::uint8_t, kProofDepthMax / 8> bitmap{};  // bit i: sibling at depth i+1 sent
  std::vector<crypto::Hash32> siblings;                   // the sent siblings, root side first

  bool has_sibling(std::size_t i) const { return (bitmap[i >> 3] >> (7 - (i & 7))) & 1; }
  // The canonical-form rules above; encode() requires them, the decoder enforces them.
  bool well_formed() const;
  Bytes encode() const;
  bool operator==(const SparseMerkleProof&) const = default;
};

std::optional<SparseMerkleProof> decode_proof(ByteView bytes, codec::DecodeError* error = nullptr);

// Why a proof did not verify. kNone means it did.
enum class ProofFailure : std::uint8_t {
  kNone = 0,
  kMalformed,       // not in canonical form (a hand-built struct; decoded ones never are)
  kRootMismatch,    // recomputed root differs: wrong value, wrong key, or a forged proof
  kProvesAbsence,   // a value was claimed but the proof is one of absence
  kProvesPresence,  // absence was claimed but the proof is of the key's own leaf
  kLeafOffPath,     // kOtherLeaf names the key itself, or a leaf not on the key's path
};
const char* describe(ProofFailure f);

// Pure; no allocation. value = nullopt claims the key is absent.
ProofFailure verify_proof(const crypto::Hash32& root, ByteView key, std::optional<ByteView> value,
                          const SparseMerkleProof& proof);
// The same with the key already hashed to its path (state/smt_hash.h key_path).
ProofFailure verify_proof_at_path(const crypto::Hash32& root, const crypto::Hash32& path,
                                  std::optional<ByteView> value, const SparseMerkleProof& proof);

}  // namespace telco::state
