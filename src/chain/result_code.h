// Stable result codes for every transaction outcome, in fixed ranges (after rippled's TER).
// A published number never changes meaning; new codes take unused numbers in their range.
//
//   0         success
//   100..199  malformed: the transaction itself is invalid. It is never admitted and never
//             appears in a block. The submitter (or a gossiping peer) is at fault.
//   200..299  rejected against current state: replay, nonce gap, fee it cannot pay,
//             duplicate. Never in a block; a later state may accept a corrected transaction.
//   300..399  failed in a block: the transaction was included, its fee charged and its
//             nonce consumed, but its payload had no effect (insufficient funds, overflow).
//   400..499  local: this node could not take it (mempool full, shutting down). Not the
//             submitter's fault; retry later or elsewhere.
//
// Module-specific codes take blocks of these ranges, listed in docs/PROTOCOL.md.
#pragma once

#include <cstdint>
#include <string_view>

namespace telco::chain {

enum class ResultCode : std::uint16_t {
  kOk = 0,

  kMalformedEncoding = 100,
  kBadSignature = 101,
  kWrongChainId = 102,
  kUnknownPayloadType = 103,
  kTxTooLarge = 104,
  kFeeBelowMinimum = 105,
  kMalformedPayload = 106,
  kZeroAmount = 107,
  kUnsupportedVersion = 108,

  // naming (issue #5): 140..159 malformed payloads, 340..369 failures in a block.
  kNameInvalid = 140,
  kNameTooLong = 141,
  kNameNotNormalised = 142,
  kNameMixedScripts = 143,
  kRecordTypeUnknown = 144,
  kRecordBadSize = 145,
  kRecordsTooMany = 146,
  kRecordInvalid = 147,
  kNumberInvalid = 148,
  kRoutingInvalid = 149,
  kBatchInvalid = 150,

  // device (issue #4): 160..179 malformed payloads, 370..399 failures in a block.
  kDeviceIdInvalid = 160,
  kDeviceKeyInvalid = 161,
  kDeviceAttributesInvalid = 162,
  kFleetSizeInvalid = 163,
  kFleetPathInvalid = 164,
  kDeviceStatusInvalid = 165,
  kAnchorBatchInvalid = 166,

  // validator-set changes (issue #7): 180..189 malformed payloads, 320..329 failures in a block.
  kValidatorUpdateInvalid = 180,

  kNonceTooLow = 200,
  kNonceTooHigh = 201,
  kCannotPayFee = 202,
  kDuplicate = 203,
  kSenderQueueFull = 204,

  kInsufficientFunds = 300,
  kBalanceOverflow = 301,
  kStateValueTooLarge = 302,

  kNotValidatorAuthority = 320,
  kValidatorNotFound = 321,
  kValidatorSetInvalid = 322,
  kValidatorUpdatedTwice = 323,
  kValidatorUpdatesTooMany = 324,

  kNameUnknownZone = 340,
  kNameTaken = 341,
  kCommitmentNotFound = 342,
  kRevealTooEarly = 343,
  kRevealWindowPassed = 344,
  kCommitmentExists = 345,
  kNotNameOwner = 346,
  kNameNotFound = 347,
  kNameExpired = 348,
  kNameInGrace = 349,
  kRenewTooFar = 350,
  kParentNotFound = 351,
  kNotNumberingAuthority = 352,
  kBlockOverlaps = 353,
  kNumberNotInBlock = 354,
  kNumberTaken = 355,
  kNumberNotAssigned = 356,
  kNotServingOperator = 357,
  kNotAnOperator = 358,
  kPortToSelf = 359,
  kPortPending = 360,
  kNoPortPending = 361,
  kPortDonorMismatch = 362,
  kPortWrongApprover = 363,
  kPortDeadlinePassed = 364,
  kPortHeightInvalid = 365,
  kPortNotParty = 366,
  kNotSubname = 367,
  kNotPortDonor = 368,

  kDeviceExists = 370,
  kDeviceNotFound = 371,
  kNotDeviceOwner = 372,
  kNotDeviceOperator = 373,
  kDeviceRevoked = 374,
  kDeviceReported = 375,
  kDeviceStatusTransition = 376,
  kRotationNotAuthorised = 377,
  kRotationSameKey = 378,
  kFleetExists = 379,
  kFleetNotFound = 380,
  kFleetPathMismatch = 381,
  kFleetMemberClaimed = 382,
  kFleetMemberRevoked = 383,
  kNotFleetOwner = 384,
  kAnchorExists = 385,
  kReadingSeqStale = 386,
  kAnchorNotAuthorised = 387,
  kTransferToSelf = 388,

  kMempoolFull = 400,
  kShuttingDown = 401,
  kNotOnThisNode = 402,
  kInternal = 499,
};

enum class ResultClass : std::uint8_t { kSuccess, kMalformed, kRejected, kFailedInBlock, kLocal };

constexpr ResultClass classify(ResultCode c) {
  const auto n = static_cast<std::uint16_t>(c);
  if (n == 0) return ResultClass::kSuccess;
  if (n < 200) return ResultClass::kMalformed;
  if (n < 300) return ResultClass::kRejected;
  if (n < 400) return ResultClass::kFailedInBlock;
  return ResultClass::kLocal;
}

// The stable machine name (e.g. "insufficient_funds") and a sentence for people.
std::string_view result_name(ResultCode c);
std::string_view result_message(ResultCode c);

}  // namespace telco::chain
