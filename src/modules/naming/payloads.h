// The naming module's payloads (types 20..26 names, 30..37 numbers; docs/PROTOCOL.md
// "Payload types"). Each struct has its canonical encoding, JSON form and stateless check;
// modules/typed_handler.h turns each into a PayloadHandler and apply.cpp holds the state transitions.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "chain/transaction.h"
#include "crypto/address.h"
#include "crypto/hash.h"
#include "modules/naming/records.h"
#include "modules/payload_handler.h"

namespace telco::modules::naming {

using Json = nlohmann::json;

#define TELCO_NAMING_PAYLOAD(Struct, type_number, type_name)                   \
  static constexpr std::uint16_t kType = type_number;                          \
  static constexpr std::string_view kName = type_name;                         \
  chain::Payload to_payload() const;                                           \
  static std::optional<Struct> decode(const chain::Payload& payload);          \
  chain::ResultCode check() const;                                             \
  chain::ResultCode apply(TxContext& ctx) const;                               \
  std::vector<crypto::Address> counterparties() const;                         \
  Json to_json() const;                                                        \
  static Struct from_json(const Json& fields);                                 \
  bool operator==(const Struct&) const = default;

// Records a commitment to (name, owner = sender, secret) without revealing the name.
struct NameCommit {
  crypto::Hash32 commitment{};
  TELCO_NAMING_PAYLOAD(NameCommit, 20, "name.commit")
};
// Registers `name` to the sender if a commitment to (name, sender, secret) was made at
// least one block and at most reveal_window blocks ago and the name is available.
struct NameReveal {
  std::string name;
  crypto::Hash32 secret{};
  TELCO_NAMING_PAYLOAD(NameReveal, 21, "name.reveal")
};
// Replaces the name's whole record set (owner only, active names).
struct NameSetRecords {
  std::string name;
  RecordSet records;
  TELCO_NAMING_PAYLOAD(NameSetRecords, 22, "name.set_records")
};
struct NameTransfer {
  std::string name;
  crypto::Address new_owner;
  TELCO_NAMING_PAYLOAD(NameTransfer, 23, "name.transfer")
};
// Extends a second-level name by one expiry period (owner only; also in the grace period).
struct NameRenew {
  std::string name;
  TELCO_NAMING_PAYLOAD(NameRenew, 24, "name.renew")
};
// Creates or re-assigns a subname (`name` has 3+ labels) to `owner`; the sender owns its parent.
struct NameSetSubname {
  std::string name;
  crypto::Address owner;
  TELCO_NAMING_PAYLOAD(NameSetSubname, 25, "name.set_subname")
};
// Sets the sender's reverse record to a name it owns ("" clears it).
struct NameSetReverse {
  std::string name;
  TELCO_NAMING_PAYLOAD(NameSetReverse, 26, "name.set_reverse")
};

// Numbering authority only: allocates the block of `length`-digit numbers starting with
// `prefix` to operator `holder`.
struct NumberAllocate {
  std::string prefix;
  std::uint8_t length = 0;
  crypto::Address holder;
  TELCO_NAMING_PAYLOAD(NumberAllocate, 30, "number.allocate")
};
struct Assignment {
  std::string number;
  crypto::Address subscriber;
  std::vector<Routing> routing;
  bool operator==(const Assignment&) const = default;
};
// The block holder assigns up to 512 numbers of its blocks to subscribers, all or none.
struct NumberAssign {
  std::vector<Assignment> assignments;
  TELCO_NAMING_PAYLOAD(NumberAssign, 31, "number.assign")
};
struct NumberSetRouting {
  std::string number;
  std::vector<Routing> routing;
  TELCO_NAMING_PAYLOAD(NumberSetRouting, 32, "number.set_routing")
};
struct NumberRelease {
  std::string number;
  TELCO_NAMING_PAYLOAD(NumberRelease, 33, "number.release")
};
// The recipient operator asks to serve `number`, now served by `donor`, from `port_height`
// (at least the donor deadline ahead) with `routing`.
struct NumberPortRequest {
  std::string number;
  crypto::Address donor;
  std::uint64_t port_height = 0;
  std::vector<Routing> routing;
  TELCO_NAMING_PAYLOAD(NumberPortRequest, 34, "number.port_request")
};
// The subscriber's consent, signed with the subscriber's key.
struct NumberPortApprove {
  std::string number;
  TELCO_NAMING_PAYLOAD(NumberPortApprove, 35, "number.port_approve")
};
// The donor's objection, only before the deadline.
struct NumberPortReject {
  std::string number;
  std::string reason;
  TELCO_NAMING_PAYLOAD(NumberPortReject, 36, "number.port_reject")
};
// Withdrawn by the recipient or the subscriber before the port height.
struct NumberPortCancel {
  std::string number;
  TELCO_NAMING_PAYLOAD(NumberPortCancel, 37, "number.port_cancel")
};

#undef TELCO_NAMING_PAYLOAD

chain::ResultCode name_code(std::string_view name);  // check_name as a result code

}  // namespace telco::modules::naming
