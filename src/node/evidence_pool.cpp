#include "node/evidence_pool.h"

#include <set>

namespace telco::node {

exec::Misbehaviour misbehaviour_of(const consensus::DuplicateVoteEvidence& e) {
  return {e.first.validator, e.first.height, static_cast<std::uint32_t>(e.first.round),
          static_cast<std::uint8_t>(e.first.type),
          crypto::blake2b_256(e.encode())};
}

std::optional<std::vector<exec::Misbehaviour>> verify_block_evidence(const std::vector<Bytes>& items,
                                                                     std::uint64_t height, std::string_view chain_id,
                                                                     const SetAt& set_at,
                                                                     const state::StateView& recorded,
                                                                     std::string* reason) {
  std::vector<exec::Misbehaviour> out;
  std::set<Bytes> keys;
  auto refuse = [&](std::size_t i, const std::string& why) {
    if (reason) *reason = "evidence " + std::to_string(i) + ": " + why;
    return std::nullopt;
  };
  if (items.size() > chain::kBlockEvidenceMax) {
    if (reason) *reason = "more than " + std::to_string(chain::kBlockEvidenceMax) + " evidence items";
    return std::nullopt;
  }
  for (std::size_t i = 0; i < items.size(); ++i) {
    codec::DecodeError error{};
    const auto e = consensus::decode_evidence(items[i], &error);
    if (!e) return refuse(i, std::string("malformed: ") + codec::describe(error));
    if (e->first.height >= height) return refuse(i, "the offence is not at an earlier height");
    if (e->first.height == 0) return refuse(i, "no validator votes at height 0");
    if (height - e->first.height > kEvidenceAgeMax) return refuse(i, "older than the evidence age limit");
    const consensus::EvidenceError verdict = consensus::verify_evidence(*e, chain_id, set_at(e->first.height));
    if (verdict != consensus::EvidenceError::kOk) return refuse(i, consensus::describe(verdict));
    exec::Misbehaviour m = misbehaviour_of(*e);
    if (!keys.insert(exec::misbehaviour_key(m)).second) return refuse(i, "the same offence twice in one block");
    if (exec::load_misbehaviour(recorded, m)) return refuse(i, "the offence is already recorded");
    out.push_back(m);
  }
  return out;
}

bool EvidencePool::add(const consensus::DuplicateVoteEvidence& e) {
  if (items_.size() >= kCapacity) return false;
  return items_.emplace(key_of(misbehaviour_of(e)), e).second;
}

std::vector<Bytes> EvidencePool::for_block(std::uint64_t height, const state::StateView& recorded, std::size_t max) {
  std::vector<Bytes> out;
  for (auto it = items_.begin(); it != items_.end() && out.size() < max;) {
    const exec::Misbehaviour m = misbehaviour_of(it->second);
    if (m.height >= height) {
      ++it;
    } else if (height - m.height > kEvidenceAgeMax || exec::load_misbehaviour(recorded, m)) {
      it = items_.erase(it);
    } else {
      out.push_back(it->second.encode());
      ++it;
    }
  }
  return out;
}

void EvidencePool::committed(const chain::Block& block) {
  for (const Bytes& item : block.evidence) {
    if (const auto e = consensus::decode_evidence(item)) items_.erase(key_of(misbehaviour_of(*e)));
  }
}

}  // namespace telco::node
