#include "exec/misbehaviour.h"

#include <stdexcept>
#include <string_view>

#include "codec/reader.h"
#include "codec/writer.h"

namespace telco::exec {
namespace {

constexpr std::string_view kEvidencePrefix("\x00" "evidence/", 10);
constexpr std::string_view kCountPrefix("\x00" "misbehaviour/", 14);

void prefix(codec::Writer& w, std::string_view p) {
  w.fixed(ByteView(reinterpret_cast<const std::uint8_t*>(p.data()), p.size()));
}

}  // namespace

Bytes misbehaviour_key(const Misbehaviour& m) {
  codec::Writer w(kEvidencePrefix.size() + 32 + 8 + 4 + 1);
  prefix(w, kEvidencePrefix);
  w.fixed(m.validator);
  w.u64(m.height);
  w.u32(m.round);
  w.u8(m.vote_type);
  return w.take();
}

Bytes misbehaviour_count_key(const crypto::PublicKey& validator) {
  codec::Writer w(kCountPrefix.size() + 32);
  prefix(w, kCountPrefix);
  w.fixed(validator);
  return w.take();
}

std::optional<MisbehaviourRecord> load_misbehaviour(const state::StateView& state, const Misbehaviour& m) {
  const auto value = state.get(misbehaviour_key(m));
  if (!value) return std::nullopt;
  codec::Reader r(*value);
  MisbehaviourRecord rec;
  rec.recorded_at = r.u64();
  rec.evidence_hash = r.fixed<32>();
  if (!r.finish()) throw std::logic_error("corrupt misbehaviour record in state");
  return rec;
}

std::uint64_t misbehaviour_count(const state::StateView& state, const crypto::PublicKey& validator) {
  const auto value = state.get(misbehaviour_count_key(validator));
  if (!value) return 0;
  codec::Reader r(*value);
  const std::uint64_t n = r.u64();
  if (!r.finish()) throw std::logic_error("corrupt misbehaviour count in state");
  return n;
}

}  // namespace telco::exec
