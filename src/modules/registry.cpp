#include "modules/registry.h"

#include <array>

#include "modules/bank/transfer.h"
#include "modules/device/payloads.h"
#include "modules/naming/payloads.h"
#include "modules/naming/state.h"
#include "modules/typed_handler.h"
#include "modules/validator/payloads.h"
#include "modules/validator/state.h"

namespace telco::modules {
namespace {

const bank::TransferHandler kBankTransfer;
const TypedHandler<naming::NameCommit> kNameCommit;
const TypedHandler<naming::NameReveal> kNameReveal;
const TypedHandler<naming::NameSetRecords> kNameSetRecords;
const TypedHandler<naming::NameTransfer> kNameTransfer;
const TypedHandler<naming::NameRenew> kNameRenew;
const TypedHandler<naming::NameSetSubname> kNameSetSubname;
const TypedHandler<naming::NameSetReverse> kNameSetReverse;
const TypedHandler<naming::NumberAllocate> kNumberAllocate;
const TypedHandler<naming::NumberAssign> kNumberAssign;
const TypedHandler<naming::NumberSetRouting> kNumberSetRouting;
const TypedHandler<naming::NumberRelease> kNumberRelease;
const TypedHandler<naming::NumberPortRequest> kNumberPortRequest;
const TypedHandler<naming::NumberPortApprove> kNumberPortApprove;
const TypedHandler<naming::NumberPortReject> kNumberPortReject;
const TypedHandler<naming::NumberPortCancel> kNumberPortCancel;
const TypedHandler<device::DeviceRegister> kDeviceRegister;
const TypedHandler<device::DeviceRegisterFleet> kDeviceRegisterFleet;
const TypedHandler<device::DeviceClaimFleetMember> kDeviceClaimFleetMember;
const TypedHandler<device::DeviceRotateKey> kDeviceRotateKey;
const TypedHandler<device::DeviceTransfer> kDeviceTransfer;
const TypedHandler<device::DeviceReport> kDeviceReport;
const TypedHandler<device::DeviceSetStatus> kDeviceSetStatus;
const TypedHandler<device::DeviceRevoke> kDeviceRevoke;
const TypedHandler<device::DeviceAnchor> kDeviceAnchor;
const TypedHandler<validator::ValidatorUpdatePayload> kValidatorUpdate;

constexpr std::array<const PayloadHandler*, 26> kHandlers = {
    &kBankTransfer,
    &kNameCommit,
    &kNameReveal,
    &kNameSetRecords,
    &kNameTransfer,
    &kNameRenew,
    &kNameSetSubname,
    &kNameSetReverse,
    &kNumberAllocate,
    &kNumberAssign,
    &kNumberSetRouting,
    &kNumberRelease,
    &kNumberPortRequest,
    &kNumberPortApprove,
    &kNumberPortReject,
    &kNumberPortCancel,
    &kDeviceRegister,
    &kDeviceRegisterFleet,
    &kDeviceClaimFleetMember,
    &kDeviceRotateKey,
    &kDeviceTransfer,
    &kDeviceReport,
    &kDeviceSetStatus,
    &kDeviceRevoke,
    &kDeviceAnchor,
    &kValidatorUpdate,
};

}  // namespace

const PayloadHandler* find_handler(std::uint16_t type) {
  for (const PayloadHandler* h : kHandlers) {
    if (h->type() == type) return h;
  }
  return nullptr;
}

const PayloadHandler* find_handler(std::string_view name) {
  for (const PayloadHandler* h : kHandlers) {
    if (h->name() == name) return h;
  }
  return nullptr;
}

std::span<const PayloadHandler* const> all_handlers() { return kHandlers; }

void write_genesis_state(const chain::Genesis& genesis, state::WriteSet& ws) {
  naming::write_genesis_state(genesis, ws);
  validator::write_genesis_state(genesis, ws);
}

}  // namespace telco::modules
