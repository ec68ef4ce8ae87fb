// Block, header, commit and receipt decoding: the input is offered to all four decoders.
// None may crash; whatever one accepts must re-encode to exactly the input (canonicality).
#include <cstddef>
#include <cstdint>

#include "chain/block.h"
#include "chain/limits.h"
#include "fuzz_check.h"

namespace {

using namespace telco;

bool same(const Bytes& a, ByteView b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin());
}

void header(ByteView in) {
  const auto h = chain::decode_header(in);
  if (!h) return;
  FUZZ_CHECK(h->version == chain::kHeaderVersion);
  FUZZ_CHECK(same(h->encode(), in));
  FUZZ_CHECK(h->hash() == crypto::blake2b_256(in));
}

void block(ByteView in) {
  const auto b = chain::decode_block(in);
  if (!b) return;
  FUZZ_CHECK(same(b->encode(), in));
  FUZZ_CHECK(b->txs.size() <= chain::kBlockTxsMax);
  (void)b->body_matches_header();
  for (const chain::Transaction& tx : b->txs) {
    FUZZ_CHECK(tx.version == chain::kTxVersion);
    FUZZ_CHECK(chain::decode_transaction(tx.encode()).has_value());  // every tx stands alone
    (void)tx.verify_signature();
  }
}

void commit(ByteView in) {
  const auto c = chain::decode_commit(in);
  if (!c) return;
  FUZZ_CHECK(same(c->encode(), in));
  FUZZ_CHECK(c->signatures.size() <= chain::kValidatorsMax);
  for (const chain::CommitSig& s : c->signatures) {
    const Bytes vote = chain::vote_signing_bytes("fuzz", chain::kVotePrecommit, c->height, c->round,
                                                 c->block_hash, s.time_ms);
    (void)crypto::verify(s.validator, vote, s.signature);
  }
}

void receipt(ByteView in) {
  const auto r = chain::decode_receipt(in);
  if (!r) return;
  FUZZ_CHECK(in.size() == 10);
  FUZZ_CHECK(same(r->encode(), in));
  (void)chain::result_name(r->code);
  (void)chain::classify(r->code);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const telco::ByteView in(data, size);
  header(in);
  block(in);
  commit(in);
  receipt(in);
  return 0;
}
