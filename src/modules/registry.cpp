#include "modules/registry.h"

#include <array>

#include "modules/bank/transfer.h"
#include "modules/device/handlers.h"
#include "modules/naming/handlers.h"
#include "modules/naming/state.h"

namespace telco::modules {
namespace {

const bank::TransferHandler kBankTransfer;
const naming::Handler<naming::NameCommit> kNameCommit;
const naming::Handler<naming::NameReveal> kNameReveal;
const naming::Handler<naming::NameSetRecords> kNameSetRecords;
const naming::Handler<naming::NameTransfer> kNameTransfer;
const naming::Handler<naming::NameRenew> kNameRenew;
const naming::Handler<naming::NameSetSubname> kNameSetSubname;
const naming::Handler<naming::NameSetReverse> kNameSetReverse;
const naming::Handler<naming::NumberAllocate> kNumberAllocate;
const naming::Handler<naming::NumberAssign> kNumberAssign;
const naming::Handler<naming::NumberSetRouting> kNumberSetRouting;
const naming::Handler<naming::NumberRelease> kNumberRelease;
const naming::Handler<naming::NumberPortRequest> kNumberPortRequest;
const naming::Handler<naming::NumberPortApprove> kNumberPortApprove;
const naming::Handler<naming::NumberPortReject> kNumberPortReject;
const naming::Handler<naming::NumberPortCancel> kNumberPortCancel;
const device::Handler<device::DeviceRegister> kDeviceRegister;
const device::Handler<device::DeviceRegisterFleet> kDeviceRegisterFleet;
const device::Handler<device::DeviceClaimFleetMember> kDeviceClaimFleetMember;
const device::Handler<device::DeviceRotateKey> kDeviceRotateKey;
const device::Handler<device::DeviceTransfer> kDeviceTransfer;
const device::Handler<device::DeviceReport> kDeviceReport;
const device::Handler<device::DeviceSetStatus> kDeviceSetStatus;
const device::Handler<device::DeviceRevoke> kDeviceRevoke;
const device::Handler<device::DeviceAnchor> kDeviceAnchor;

constexpr std::array<const PayloadHandler*, 25> kHandlers = {
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
}

}  // namespace telco::modules
