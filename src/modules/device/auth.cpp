#include "modules/device/auth.h"

#include "codec/reader.h"
#include "codec/writer.h"
#include "modules/device/limits.h"
#include "modules/device/merkle.h"

namespace telco::modules::device {
namespace {

constexpr std::string_view kAuthTag = "telco/device-auth/v1";
constexpr std::string_view kReadingTag = "telco/device-reading/v1";

// The checks that do not need a key: chain, bounds, expiry, status.
AuthOutcome precheck(std::string_view chain_id, const Challenge& c, std::uint64_t now_ms) {
  if (c.chain_id != chain_id) return AuthOutcome::kWrongChain;
  if (c.purpose.size() > kPurposeBytesMax || c.verifier_id.size() > kVerifierIdBytesMax ||
      c.id_hash == crypto::Hash32{}) {
    return AuthOutcome::kChallengeInvalid;
  }
  if (now_ms > c.expires_ms) return AuthOutcome::kExpired;
  return AuthOutcome::kOk;
}

AuthOutcome status_outcome(DeviceStatus s) {
  switch (s) {
    case DeviceStatus::kActive:
      return AuthOutcome::kOk;
    case DeviceStatus::kSuspended:
      return AuthOutcome::kSuspended;
    case DeviceStatus::kStolen:
      return AuthOutcome::kStolen;
    case DeviceStatus::kLost:
      return AuthOutcome::kLost;
    case DeviceStatus::kRevoked:
      return AuthOutcome::kRevoked;
  }
  return AuthOutcome::kRevoked;
}

struct AuthText {
  AuthOutcome outcome;
  std::string_view name;
  std::string_view message;
};
constexpr AuthText kAuthTexts[] = {
    {AuthOutcome::kOk, "ok", "the device answered with its current key and is active"},
    {AuthOutcome::kUnknownDevice, "unknown_device", "no device is registered under this identifier hash"},
    {AuthOutcome::kExpired, "challenge_expired", "the challenge expired before it was verified"},
    {AuthOutcome::kBadSignature, "bad_signature",
     "the answer is not signed by the device's current key (wrong, rotated or forged key)"},
    {AuthOutcome::kSuspended, "device_suspended", "the device is suspended by its serving operator"},
    {AuthOutcome::kStolen, "device_stolen", "the device is reported stolen"},
    {AuthOutcome::kLost, "device_lost", "the device is reported lost"},
    {AuthOutcome::kRevoked, "device_revoked", "the device is revoked"},
    {AuthOutcome::kWrongChain, "wrong_chain", "the challenge names another chain"},
    {AuthOutcome::kChallengeInvalid, "challenge_invalid",
     "the challenge is malformed (purpose over 64 bytes, verifier id over 128, or no device)"},
    {AuthOutcome::kNonceUnknown, "nonce_unknown", "this verifier did not issue the nonce, or it has expired"},
    {AuthOutcome::kNonceUsed, "nonce_used", "the nonce was already answered: a replayed challenge"},
    {AuthOutcome::kFleetUnknown, "fleet_unknown", "no fleet is registered under this id"},
    {AuthOutcome::kFleetPathMismatch, "fleet_path_mismatch",
     "the membership path does not lead to this fleet's root"},
    {AuthOutcome::kFleetMemberRevoked, "fleet_member_revoked", "this fleet member is revoked"},
    {AuthOutcome::kFleetMemberClaimed, "fleet_member_claimed",
     "this fleet member is claimed: authenticate it by its device record"},
};

struct ReadingText {
  ReadingOutcome outcome;
  std::string_view name;
  std::string_view message;
};
constexpr ReadingText kReadingTexts[] = {
    {ReadingOutcome::kOk, "ok",
     "signed by the device, included in the batch, anchored at the batch's block time"},
    {ReadingOutcome::kBadSignature, "bad_signature",
     "the reading is not signed by the device key of its key version"},
    {ReadingOutcome::kBatchUnknown, "batch_unknown", "no batch with this root is anchored"},
    {ReadingOutcome::kNotInBatch, "not_in_batch", "the inclusion path does not lead to the batch root"},
    {ReadingOutcome::kSeqOutOfRange, "seq_out_of_range",
     "the batch does not cover this device with this sequence number"},
    {ReadingOutcome::kAfterAnchor, "after_anchor",
     "the reading's time is later than the block that anchored it"},
    {ReadingOutcome::kValueTooLarge, "value_too_large", "the reading's value exceeds 1024 bytes"},
};

}  // namespace

Bytes challenge_message(const Challenge& c) {
  codec::Writer w(192);
  w.string(kAuthTag);
  w.string(c.chain_id);
  w.string(c.purpose);
  w.fixed(c.nonce);
  w.string(c.verifier_id);
  w.u64(c.expires_ms);
  w.fixed(c.id_hash);
  return w.take();
}

Bytes encode_challenge(const Challenge& c) { return challenge_message(c); }

std::optional<Challenge> decode_challenge(ByteView bytes) {
  codec::Reader r(bytes);
  const std::string tag = r.string(kAuthTag.size());
  Challenge c;
  c.chain_id = r.string(64);
  c.purpose = r.string(kPurposeBytesMax);
  c.nonce = r.fixed<32>();
  c.verifier_id = r.string(kVerifierIdBytesMax);
  c.expires_ms = r.u64();
  c.id_hash = r.fixed<32>();
  if (!r.finish() || tag != kAuthTag) return std::nullopt;
  return c;
}

std::string_view auth_name(AuthOutcome o) {
  for (const AuthText& t : kAuthTexts) {
    if (t.outcome == o) return t.name;
  }
  return "unknown";
}
std::string_view auth_message(AuthOutcome o) {
  for (const AuthText& t : kAuthTexts) {
    if (t.outcome == o) return t.message;
  }
  return "unknown outcome";
}

crypto::Signature answer_challenge(const crypto::KeyPair& device_key, const Challenge& c) {
  return device_key.sign(challenge_message(c));
}

AuthOutcome verify_answer(std::string_view chain_id, const Challenge& c, const crypto::Signature& sig,
                          const std::optional<DeviceRecord>& device, std::uint64_t now_ms) {
  if (const AuthOutcome o = precheck(chain_id, c, now_ms); o != AuthOutcome::kOk) return o;
  if (!device || device->id_hash != c.id_hash) return AuthOutcome::kUnknownDevice;
  if (const AuthOutcome o = status_outcome(device->status); o != AuthOutcome::kOk) return o;
  if (!crypto::verify(device->public_key, challenge_message(c), sig)) return AuthOutcome::kBadSignature;
  return AuthOutcome::kOk;
}

AuthOutcome verify_member_answer(std::string_view chain_id, const Challenge& c, const crypto::Signature& sig,
                                 const std::optional<FleetRecord>& fleet,
                                 const std::optional<MemberMark>& mark, const MemberProof& proof,
                                 std::uint64_t now_ms) {
  if (const AuthOutcome o = precheck(chain_id, c, now_ms); o != AuthOutcome::kOk) return o;
  if (!fleet) return AuthOutcome::kFleetUnknown;
  if (mark == MemberMark::kRevoked) return AuthOutcome::kFleetMemberRevoked;
  if (mark == MemberMark::kClaimed) return AuthOutcome::kFleetMemberClaimed;
  if (proof.path.size() > kFleetPathMax ||
      !merkle_verify(kFleetDomain, fleet_leaf(c.id_hash, proof.public_key), proof.index, fleet->size,
                     proof.path, fleet->root)) {
    return AuthOutcome::kFleetPathMismatch;
  }
  if (!crypto::verify(proof.public_key, challenge_message(c), sig)) return AuthOutcome::kBadSignature;
  return AuthOutcome::kOk;
}

Bytes reading_message(std::string_view chain_id, const Reading& r) {
  codec::Writer w(96 + r.value.size());
  w.string(kReadingTag);
  w.string(chain_id);
  w.fixed(r.id_hash);
  w.u64(r.time_ms);
  w.u64(r.seq);
  w.u32(r.key_version);
  w.bytes(r.value);
  return w.take();
}

crypto::Signature sign_reading(const crypto::KeyPair& device_key, std::string_view chain_id,
                               const Reading& r) {
  return device_key.sign(reading_message(chain_id, r));
}

crypto::Hash32 reading_leaf(std::string_view chain_id, const Reading& r, const crypto::Signature& sig) {
  return crypto::Hasher()
      .update(kReadingDomain.leaf_tag)
      .update(reading_message(chain_id, r))
      .update(ByteView(sig.data(), sig.size()))
      .finish();
}

std::string_view reading_name(ReadingOutcome o) {
  for (const ReadingText& t : kReadingTexts) {
    if (t.outcome == o) return t.name;
  }
  return "unknown";
}
std::string_view reading_message_text(ReadingOutcome o) {
  for (const ReadingText& t : kReadingTexts) {
    if (t.outcome == o) return t.message;
  }
  return "unknown outcome";
}

ReadingOutcome verify_reading(std::string_view chain_id, const Reading& r, const crypto::Signature& sig,
                              const std::optional<crypto::PublicKey>& key,
                              const std::optional<AnchorRecord>& batch, std::uint64_t index,
                              std::span<const crypto::Hash32> path) {
  if (r.value.size() > kReadingValueBytesMax) return ReadingOutcome::kValueTooLarge;
  if (!key || !crypto::verify(*key, reading_message(chain_id, r), sig)) return ReadingOutcome::kBadSignature;
  if (!batch) return ReadingOutcome::kBatchUnknown;
  if (path.size() > kReadingPathMax || !merkle_verify(kReadingDomain, reading_leaf(chain_id, r, sig), index,
                                                      batch->count, path, batch->root)) {
    return ReadingOutcome::kNotInBatch;
  }
  bool covered = false;
  for (const SeqRange& s : batch->ranges) {
    covered = covered || (s.id_hash == r.id_hash && r.seq >= s.first_seq && r.seq <= s.last_seq);
  }
  if (!covered) return ReadingOutcome::kSeqOutOfRange;
  if (r.time_ms > batch->time_ms) return ReadingOutcome::kAfterAnchor;
  return ReadingOutcome::kOk;
}

}  // namespace telco::modules::device
