// Challenge-response authentication of devices and verification of anchored readings:
// pure functions over the records of state.h, used alike by the node's API (online), by a
// verifier holding a light-client-checked state proof (offline), by the CLI's simulated
// device and by tests. Nothing here reads a clock: the caller passes the time.
#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "crypto/ed25519.h"
#include "modules/device/state.h"

namespace telco::modules::device {

// What a verifier asks a device to sign. The nonce is fresh per challenge; the verifier
// keeps it until it is answered or expires, and accepts each nonce once.
struct Challenge {
  std::string chain_id;
  std::string purpose;  // e.g. "attach", "login"
  crypto::Hash32 nonce{};
  std::string verifier_id;  // who asks: a base station, a core function, a server
  std::uint64_t expires_ms = 0;
  crypto::Hash32 id_hash{};  // the device that must answer
  bool operator==(const Challenge&) const = default;
};

// challenge_message = string("telco/device-auth/v1") ‖ string(chain id) ‖ string(purpose)
//   ‖ fixed[32] nonce ‖ string(verifier id) ‖ u64 expires_ms ‖ fixed[32] id_hash
Bytes challenge_message(const Challenge& c);
Bytes encode_challenge(const Challenge& c);  // the same bytes: the challenge travels as them
std::optional<Challenge> decode_challenge(ByteView bytes);

enum class AuthOutcome : std::uint8_t {
  kOk = 0,
  kUnknownDevice,
  kExpired,
  kBadSignature,
  kSuspended,
  kStolen,
  kLost,
  kRevoked,
  kWrongChain,
  kChallengeInvalid,  // purpose or verifier id over its bound, zero device id
  kNonceUnknown,      // (verifier table) never issued here, or already forgotten
  kNonceUsed,         // (verifier table) answered before: a replay
  kFleetUnknown,
  kFleetPathMismatch,
  kFleetMemberRevoked,
  kFleetMemberClaimed,  // claimed members authenticate by their device record
};
std::string_view auth_name(AuthOutcome o);
std::string_view auth_message(AuthOutcome o);

// The device's answer: its signature over challenge_message, by its current key.
crypto::Signature answer_challenge(const crypto::KeyPair& device_key, const Challenge& c);

// A registered device: known, status active, challenge not expired at now_ms, for this
// chain, signature by its current key. `device` is nullopt when the state has no record.
AuthOutcome verify_answer(std::string_view chain_id, const Challenge& c, const crypto::Signature& sig,
                          const std::optional<DeviceRecord>& device, std::uint64_t now_ms);

// A fleet member not claimed yet, proving membership with its path.
struct MemberProof {
  std::uint64_t index = 0;
  crypto::PublicKey public_key{};
  std::vector<crypto::Hash32> path;
};
AuthOutcome verify_member_answer(std::string_view chain_id, const Challenge& c, const crypto::Signature& sig,
                                 const std::optional<FleetRecord>& fleet,
                                 const std::optional<MemberMark>& mark, const MemberProof& proof,
                                 std::uint64_t now_ms);

// One sensor reading as the device signs it.
struct Reading {
  crypto::Hash32 id_hash{};
  std::uint64_t time_ms = 0;
  std::uint64_t seq = 0;
  std::uint32_t key_version = 0;  // the key that signs it (state keeps every version)
  Bytes value;
  bool operator==(const Reading&) const = default;
};
// reading_message = string("telco/device-reading/v1") ‖ string(chain id) ‖ fixed[32] id_hash
//   ‖ u64 time_ms ‖ u64 seq ‖ u32 key_version ‖ bytes(value)
Bytes reading_message(std::string_view chain_id, const Reading& r);
crypto::Signature sign_reading(const crypto::KeyPair& device_key, std::string_view chain_id,
                               const Reading& r);
// The reading's leaf in a batch: merkle_leaf(kReadingDomain, reading_message ‖ signature).
crypto::Hash32 reading_leaf(std::string_view chain_id, const Reading& r, const crypto::Signature& sig);

enum class ReadingOutcome : std::uint8_t {
  kOk = 0,
  kBadSignature,  // not signed by the device's key of that version (or no such version)
  kBatchUnknown,
  kNotInBatch,     // the path does not lead to the batch root
  kSeqOutOfRange,  // the batch does not list this device with this sequence number
  kAfterAnchor,    // the reading claims a time later than the block that anchored it
  kValueTooLarge,
};
std::string_view reading_name(ReadingOutcome o);
std::string_view reading_message_text(ReadingOutcome o);

ReadingOutcome verify_reading(std::string_view chain_id, const Reading& r, const crypto::Signature& sig,
                              const std::optional<crypto::PublicKey>& key,
                              const std::optional<AnchorRecord>& batch, std::uint64_t index,
                              std::span<const crypto::Hash32> path);

}  // namespace telco::modules::device
