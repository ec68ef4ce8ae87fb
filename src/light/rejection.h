// Why the light client refused something a node sent. Every refusal is a value: a stable
// reason (its snake_case code is what `telco verify --json` prints and scripts match on)
// and a sentence with the particulars (heights, hashes). The light client trusts nothing
// the node sends, so every reason here is the node's fault (or the fault of whatever sits
// between it and us), never a local error.
#pragma once

#include <cstdint>
#include <string>

namespace telco::light {

// Numbers never change once published; new reasons take the next free number.
enum class Rejection : std::uint8_t {
  kNone = 0,
  kMalformedResponse = 1,     // the answer does not decode (JSON shape, hex, canonical bytes)
  kWrongChainId = 2,          // a header of another chain
  kWrongHeight = 3,           // not the height that comes next
  kHeaderHashMismatch = 4,    // the header's bytes hash to another hash than claimed or trusted
  kNotOnChain = 5,            // prev_hash does not name the last verified header
  kTimeNotIncreasing = 6,     // time_ms not after the previous header's
  kUnexpectedValidators = 7,  // validators_hash changed, and no change record was supplied
  kBadValidatorChange = 8,    // the change record does not yield the header's set, or is not proven
  kCommitWrongBlock = 9,      // the commit is for another height or block
  kUnknownSigner = 10,        // a commit signature by a key outside the trusted set
  kDuplicateSigner = 11,
  kForgedSignature = 12,     // a commit signature that does not verify
  kInsufficientPower = 13,   // the signers hold no more than 2/3 of the voting power
  kHeightNotVerified = 14,   // a proof at a height whose header was not verified
  kProofMalformed = 15,      // the proof does not decode
  kProofRootMismatch = 16,   // the proof does not lead to the verified header's state root
  kProofClaimMismatch = 17,  // the proof shows absence for a value, or presence for none
  kBadTrustAnchor = 18,      // the trusted genesis or header/set given to start from is unusable
};

// "forged_signature", ...: stable, for scripts.
const char* code_name(Rejection r);
// One sentence without particulars: "a commit signature does not verify".
const char* describe(Rejection r);

struct Verdict {
  Rejection reason = Rejection::kNone;
  std::string detail;  // particulars; may be empty

  bool ok() const { return reason == Rejection::kNone; }
  // describe(reason), then the detail when there is one: "…: header 7 names …".
  std::string message() const;
};

inline Verdict accept() { return {}; }
inline Verdict reject(Rejection r, std::string detail = {}) { return {r, std::move(detail)}; }

}  // namespace telco::light
