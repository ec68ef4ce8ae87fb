#include "node/validator_history.h"

#include <stdexcept>

#include "chain/limits.h"
#include "codec/reader.h"
#include "codec/writer.h"

namespace telco::node {
namespace {

constexpr std::size_t kProofBytesMax = 64 * 1024;

void write_list(codec::Writer& w, const std::vector<chain::GenesisValidator>& list) {
  w.count(list.size());
  for (const chain::GenesisValidator& v : list) {
    w.string(v.name);
    w.fixed(v.public_key);
    w.u64(v.power);
  }
}

std::vector<chain::GenesisValidator> read_list(codec::Reader& r) {
  std::vector<chain::GenesisValidator> list(r.count(2 * chain::kValidatorsMax, 4 + 32 + 8));
  for (chain::GenesisValidator& v : list) {
    v.name = r.string(chain::kValidatorNameBytesMax);
    v.public_key = r.fixed<32>();
    v.power = r.u64();
  }
  return list;
}

}  // namespace

Bytes encode_change_record(const ValidatorChangeRecord& r) {
  codec::Writer w;
  w.u64(r.effective_height);
  write_list(w, r.updates);
  write_list(w, r.validators);
  w.bytes(r.proof);
  return w.take();
}

ValidatorChangeRecord decode_change_record(ByteView bytes) {
  codec::Reader r(bytes);
  ValidatorChangeRecord out;
  out.effective_height = r.u64();
  out.updates = read_list(r);
  out.validators = read_list(r);
  out.proof = r.bytes(kProofBytesMax);
  if (!r.finish()) throw std::runtime_error("store: a validator change record does not decode (corrupt store)");
  return out;
}

}  // namespace telco::node
