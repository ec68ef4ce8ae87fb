// Consensus message decoding: the input is offered to the proposal, vote, evidence and WAL
// record decoders. None may crash; whatever one accepts must re-encode to exactly the input.
#include <cstddef>
#include <cstdint>

#include "consensus/messages.h"
#include "consensus/sign_guard.h"
#include "consensus/wal.h"
#include "fuzz_check.h"

namespace {

using namespace telco;

bool same(const Bytes& a, ByteView b) { return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin()); }

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const ByteView in(data, size);
  if (const auto p = consensus::decode_proposal(in)) {
    FUZZ_CHECK(same(p->encode(), in));
    FUZZ_CHECK(p->pol_round == consensus::kNoRound || (p->pol_round >= 0 && p->pol_round < p->round));
  }
  if (const auto v = consensus::decode_vote(in)) FUZZ_CHECK(same(v->encode(), in));
  if (const auto e = consensus::decode_evidence(in)) {
    FUZZ_CHECK(same(e->encode(), in));
    FUZZ_CHECK(consensus::DuplicateVoteEvidence::of(e->first, e->second) == *e);
  }
  if (const auto w = consensus::decode_wal_payload(in)) FUZZ_CHECK(same(consensus::encode_wal_payload(*w), in));
  if (const auto s = consensus::decode_signed_state(in)) FUZZ_CHECK(same(consensus::encode_signed_state(*s), in));
  // The WAL reader must stop cleanly at any garbage and keep only whole records.
  consensus::MemoryLogStorage log;
  log.append(in);
  const auto recovered = consensus::Wal(log).recover();
  FUZZ_CHECK(recovered.dropped_bytes <= size);
  FUZZ_CHECK(log.size() == size - recovered.dropped_bytes);
  return 0;
}
