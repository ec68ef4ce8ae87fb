#include "node/validator_history.h"

#include <stdexcept>

#include "chain/limits.h"
#include "codec/reader.h"
#include "codec/writer.h"
#include "modules/validator/state.h"

namespace telco::node {
namespace {

constexpr std::size_t kProofBytesMax = 64 * 1024;

}  // namespace

Bytes encode_change_record(const ValidatorChangeRecord& r) {
  codec::Writer w;
  w.u64(r.effective_height);
  modules::validator::write_members(w, r.updates);
  modules::validator::write_members(w, r.validators);
  w.bytes(r.proof);
  return w.take();
}

ValidatorChangeRecord decode_change_record(ByteView bytes) {
  codec::Reader r(bytes);
  ValidatorChangeRecord out;
  out.effective_height = r.u64();
  out.updates = modules::validator::read_members(r, 2 * chain::kValidatorsMax);
  out.validators = modules::validator::read_members(r, 2 * chain::kValidatorsMax);
  out.proof = r.bytes(kProofBytesMax);
  if (!r.finish()) throw std::runtime_error("store: a validator change record does not decode (corrupt store)");
  return out;
}

}  // namespace telco::node
