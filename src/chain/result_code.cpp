#include "chain/result_code.h"

namespace telco::chain {
namespace {

struct Entry {
  ResultCode code;
  std::string_view name;
  std::string_view message;
};

constexpr Entry kEntries[] = {
    {ResultCode::kOk, "ok", "applied"},
    {ResultCode::kMalformedEncoding, "malformed_encoding", "transaction bytes are not a canonical encoding"},
    {ResultCode::kBadSignature, "bad_signature", "signature does not verify against the sender key"},
    {ResultCode::kWrongChainId, "wrong_chain_id", "transaction was signed for another chain"},
    {ResultCode::kUnknownPayloadType, "unknown_payload_type", "payload type is not known to this chain"},
    {ResultCode::kTxTooLarge, "tx_too_large", "transaction exceeds the maximum size"},
    {ResultCode::kFeeBelowMinimum, "fee_below_minimum", "fee is below the chain's minimum fee"},
    {ResultCode::kMalformedPayload, "malformed_payload", "payload bytes do not decode for its type"},
    {ResultCode::kZeroAmount, "zero_amount", "amount must be greater than zero"},
    {ResultCode::kUnsupportedVersion, "unsupported_version", "transaction version is not supported"},
    {ResultCode::kNameInvalid, "name_invalid", "name is not a valid domain name (labels of letters, digits, hyphens)"},
    {ResultCode::kNameTooLong, "name_too_long", "name exceeds 253 bytes, a label 63 bytes, or 10 labels"},
    {ResultCode::kNameNotNormalised, "name_not_normalised",
     "name is not in normal form (lower case, A-labels for non-ASCII, no trailing dot)"},
    {ResultCode::kNameMixedScripts, "name_mixed_scripts", "a label mixes letters of different scripts"},
    {ResultCode::kRecordTypeUnknown, "record_type_unknown", "record type is not known"},
    {ResultCode::kRecordBadSize, "record_bad_size", "record data has the wrong size for its type"},
    {ResultCode::kRecordsTooMany, "records_too_many", "more records than a name may hold"},
    {ResultCode::kRecordInvalid, "record_invalid", "record content is not valid for its type (or is duplicated)"},
    {ResultCode::kNumberInvalid, "number_invalid", "not an E.164 number or block prefix (digits, no leading 0, at most 15)"},
    {ResultCode::kRoutingInvalid, "routing_invalid", "routing record is not valid (service, URI or count)"},
    {ResultCode::kBatchInvalid, "batch_invalid", "batch is empty, too large, or lists a number twice"},
    {ResultCode::kDeviceIdInvalid, "device_id_invalid", "device identifier hash (or fleet id) must not be all zeros"},
    {ResultCode::kDeviceKeyInvalid, "device_key_invalid", "device public key is not a valid Ed25519 point of full order"},
    {ResultCode::kDeviceAttributesInvalid, "device_attributes_invalid",
     "attributes: at most 8, keys 1-32 bytes, values at most 128 bytes, keys unique and sorted"},
    {ResultCode::kFleetSizeInvalid, "fleet_size_invalid", "a fleet has between 1 and 1,048,576 devices"},
    {ResultCode::kFleetPathInvalid, "fleet_path_invalid", "a fleet membership path has at most 20 hashes"},
    {ResultCode::kDeviceStatusInvalid, "device_status_invalid",
     "the status named is not allowed here (report: stolen or lost; set_status: active or suspended)"},
    {ResultCode::kAnchorBatchInvalid, "anchor_batch_invalid",
     "anchor batch: 1 to 64 devices, each once, sequence ranges from 1 upward whose sizes add up to the count"},
    {ResultCode::kValidatorUpdateInvalid, "validator_update_invalid",
     "a validator update needs 1..16 entries, each a valid Ed25519 key named once, a name of at most 64 bytes"},
    {ResultCode::kNonceTooLow, "nonce_too_low", "nonce already used (replay or duplicate)"},
    {ResultCode::kNonceTooHigh, "nonce_too_high", "nonce is ahead of the sender's next nonce"},
    {ResultCode::kCannotPayFee, "cannot_pay_fee", "sender balance cannot cover the fee and amount"},
    {ResultCode::kDuplicate, "duplicate", "transaction is already pending"},
    {ResultCode::kSenderQueueFull, "sender_queue_full", "too many pending transactions from this sender"},
    {ResultCode::kInsufficientFunds, "insufficient_funds", "balance too low for the amount"},
    {ResultCode::kBalanceOverflow, "balance_overflow", "recipient balance would overflow"},
    {ResultCode::kStateValueTooLarge, "state_value_too_large",
     "the transaction would store a record larger than 4096 bytes (or a key longer than 128); nothing was changed"},
    {ResultCode::kNotValidatorAuthority, "not_validator_authority",
     "only an address the genesis names in validator_authorities may change the validator set"},
    {ResultCode::kValidatorNotFound, "validator_not_found", "the update removes a key that is not a validator"},
    {ResultCode::kValidatorSetInvalid, "validator_set_invalid",
     "the set would be empty, exceed 1000 validators or 2^60 total power"},
    {ResultCode::kValidatorUpdatedTwice, "validator_updated_twice",
     "this validator was already updated in this block; send the change in a later block"},
    {ResultCode::kValidatorUpdatesTooMany, "validator_updates_too_many",
     "a block may change at most 32 validators"},
    {ResultCode::kNameUnknownZone, "name_unknown_zone",
     "name is not a second-level name under one of the chain's top-level labels"},
    {ResultCode::kNameTaken, "name_taken", "name is registered to someone (or in its grace period)"},
    {ResultCode::kCommitmentNotFound, "commitment_not_found", "no commitment matches this reveal (name, owner, secret)"},
    {ResultCode::kRevealTooEarly, "reveal_too_early", "a reveal must come in a later block than its commitment"},
    {ResultCode::kRevealWindowPassed, "reveal_window_passed", "the commitment's reveal window has passed"},
    {ResultCode::kCommitmentExists, "commitment_exists", "this commitment is already recorded and still open"},
    {ResultCode::kNotNameOwner, "not_name_owner", "sender does not own the name"},
    {ResultCode::kNameNotFound, "name_not_found", "name is not registered"},
    {ResultCode::kNameExpired, "name_expired", "name has expired past its grace period"},
    {ResultCode::kNameInGrace, "name_in_grace", "name is in its grace period: only its owner may renew it"},
    {ResultCode::kRenewTooFar, "renew_too_far", "renewal would extend the name too far ahead"},
    {ResultCode::kParentNotFound, "parent_not_found", "the parent of this subname is not an active name"},
    {ResultCode::kNotNumberingAuthority, "not_numbering_authority", "only the chain's numbering authority may allocate"},
    {ResultCode::kBlockOverlaps, "block_overlaps", "number block overlaps an allocated block"},
    {ResultCode::kNumberNotInBlock, "number_not_in_block",
     "number is not in a block allocated to the sender (or has the wrong length)"},
    {ResultCode::kNumberTaken, "number_taken", "number is already assigned"},
    {ResultCode::kNumberNotAssigned, "number_not_assigned", "number is not assigned"},
    {ResultCode::kNotServingOperator, "not_serving_operator", "sender is not the operator serving this number"},
    {ResultCode::kNotAnOperator, "not_an_operator", "sender holds no number block"},
    {ResultCode::kPortToSelf, "port_to_self", "sender already serves this number"},
    {ResultCode::kPortPending, "port_pending", "a port of this number is pending"},
    {ResultCode::kNoPortPending, "no_port_pending", "no port of this number is pending"},
    {ResultCode::kPortDonorMismatch, "port_donor_mismatch", "the named donor does not serve this number"},
    {ResultCode::kPortWrongApprover, "port_wrong_approver", "only the number's subscriber may approve its port"},
    {ResultCode::kPortDeadlinePassed, "port_deadline_passed", "the donor's objection deadline has passed"},
    {ResultCode::kPortHeightInvalid, "port_height_invalid",
     "port height must be at least the donor deadline and at most the scheduling horizon ahead"},
    {ResultCode::kPortNotParty, "port_not_party", "only the recipient operator or the subscriber may cancel a port"},
    {ResultCode::kNotSubname, "not_subname",
     "a subname has at least three labels under one of the chain's top-level labels"},
    {ResultCode::kNotPortDonor, "not_port_donor", "only the donor operator named in the pending port may reject it"},
    {ResultCode::kDeviceExists, "device_exists", "a device with this identifier hash is already registered"},
    {ResultCode::kDeviceNotFound, "device_not_found", "no device is registered under this identifier hash"},
    {ResultCode::kNotDeviceOwner, "not_device_owner", "sender does not own the device"},
    {ResultCode::kNotDeviceOperator, "not_device_operator", "sender is not the device's serving operator"},
    {ResultCode::kDeviceRevoked, "device_revoked", "the device is revoked; nothing about it can change"},
    {ResultCode::kDeviceReported, "device_reported", "the device is reported stolen or lost; only revocation is allowed"},
    {ResultCode::kDeviceStatusTransition, "device_status_transition",
     "the device is not in a status this change applies to (suspend an active device, resume a suspended one)"},
    {ResultCode::kRotationNotAuthorised, "rotation_not_authorised",
     "a key rotation must be sent by the owner or carry a signature by the device's current key"},
    {ResultCode::kRotationSameKey, "rotation_same_key", "the new key is the device's current key"},
    {ResultCode::kFleetExists, "fleet_exists", "a fleet with this root and size is already registered"},
    {ResultCode::kFleetNotFound, "fleet_not_found", "no fleet is registered under this id"},
    {ResultCode::kFleetPathMismatch, "fleet_path_mismatch",
     "the membership path does not lead to this fleet's root (wrong fleet, index, key or path)"},
    {ResultCode::kFleetMemberClaimed, "fleet_member_claimed", "this fleet member is already claimed"},
    {ResultCode::kFleetMemberRevoked, "fleet_member_revoked", "this fleet member was revoked and cannot be claimed"},
    {ResultCode::kNotFleetOwner, "not_fleet_owner", "sender is neither the fleet's owner nor its serving operator"},
    {ResultCode::kAnchorExists, "anchor_exists", "a batch with this root is already anchored"},
    {ResultCode::kReadingSeqStale, "reading_seq_stale",
     "a device's first sequence number is not above its last anchored one (replayed or reordered readings)"},
    {ResultCode::kAnchorNotAuthorised, "anchor_not_authorised",
     "the gateway (sender) is neither owner nor serving operator of every device in the batch, or a device is not active"},
    {ResultCode::kTransferToSelf, "transfer_to_self", "the new owner is already the owner"},
    {ResultCode::kMempoolFull, "mempool_full", "node's mempool is full; retry later"},
    {ResultCode::kShuttingDown, "shutting_down", "node is shutting down"},
    {ResultCode::kNotOnThisNode, "not_on_this_node",
     "this node runs a single-validator chain without consensus and cannot change its validator set"},
    {ResultCode::kInternal, "internal_error", "node failed internally; see its log"},
};

const Entry* find(ResultCode c) {
  for (const Entry& e : kEntries) {
    if (e.code == c) return &e;
  }
  return nullptr;
}

}  // namespace

std::string_view result_name(ResultCode c) {
  const Entry* e = find(c);
  return e ? e->name : "unknown_code";
}

std::string_view result_message(ResultCode c) {
  const Entry* e = find(c);
  return e ? e->message : "unknown result code";
}

}  // namespace telco::chain
