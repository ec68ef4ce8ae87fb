// State proofs (state/proof.h) from arbitrary bytes. The input is a selector byte and then
// the proof: the selector picks one of 64 keys of a fixed tree (the first 48 present) and a
// claim about it (its true value, a wrong value, or absence). Decoding must not crash,
// whatever decodes must re-encode to exactly the input, and the verifier must never accept
// a false claim against the tree's real root: a forged proof would be a soundness bug.
#include <cstddef>
#include <cstdint>

#include "fuzz_check.h"
#include "state/memory_node_store.h"
#include "state/proof.h"
#include "state/tree.h"

namespace {

using namespace telco;

constexpr std::uint32_t kKeys = 64;
constexpr std::uint32_t kPresent = 48;

Bytes key_of(std::uint32_t n) { return Bytes{0x01, static_cast<std::uint8_t>(n), 0x5a}; }
Bytes value_of(std::uint32_t n) { return Bytes{static_cast<std::uint8_t>(n), 0x77}; }

struct Tree {
  state::MemoryNodeStore nodes;
  crypto::Hash32 root{};
  Tree() {
    state::Writes w;
    for (std::uint32_t i = 0; i < kPresent; ++i) w[key_of(i)] = value_of(i);
    const state::TreeUpdate u = state::apply_writes(nodes, std::nullopt, 0, w);
    nodes.write(u);
    root = u.root_hash;
  }
};

const Tree& tree() {
  static const Tree t;
  return t;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const std::uint8_t selector = data[0];
  const ByteView in(data + 1, size - 1);
  const auto proof = state::decode_proof(in);
  if (!proof) return 0;
  const Bytes again = proof->encode();
  FUZZ_CHECK(again.size() == in.size() && std::equal(again.begin(), again.end(), in.begin()));

  const std::uint32_t index = selector % kKeys;
  const bool present = index < kPresent;
  const Bytes key = key_of(index);
  const Bytes true_value = value_of(index);
  const Bytes wrong_value = {0xde, 0xad};
  std::optional<ByteView> claim;
  bool claim_true = false;
  switch ((selector / kKeys) % 3) {
    case 0:  // the true value (or, for an absent key, a value it does not have)
      claim = ByteView(true_value);
      claim_true = present;
      break;
    case 1:
      claim = ByteView(wrong_value);
      claim_true = false;
      break;
    default:  // absence
      claim_true = !present;
      break;
  }
  const state::ProofFailure verdict = state::verify_proof(tree().root, key, claim, *proof);
  FUZZ_CHECK(state::describe(verdict) != nullptr);
  if (verdict == state::ProofFailure::kNone) FUZZ_CHECK(claim_true);
  return 0;
}
