// The state transitions of the device payloads. Every refusal returns before the first
// write, so a refused payload leaves device state unchanged (only the fee and nonce are
// charged). Time comes from the block (ctx.time_ms) only.
#include "modules/device/merkle.h"
#include "modules/device/payloads.h"

namespace telco::modules::device {
namespace {

using chain::ResultCode;

HistoryEntry event(const TxContext& ctx, Event e, const DeviceRecord& d) {
  HistoryEntry h;
  h.height = ctx.height;
  h.time_ms = ctx.time_ms;
  h.event = e;
  h.actor = ctx.sender;
  h.other = d.owner;
  h.key = d.public_key;
  h.key_version = d.key_version;
  return h;
}

// The device exists and may still change: not revoked, not reported stolen or lost.
ResultCode changeable(const std::optional<DeviceRecord>& d) {
  if (!d) return ResultCode::kDeviceNotFound;
  if (d->status == DeviceStatus::kRevoked) return ResultCode::kDeviceRevoked;
  if (d->status == DeviceStatus::kStolen || d->status == DeviceStatus::kLost)
    return ResultCode::kDeviceReported;
  return ResultCode::kOk;
}

void commit(TxContext& ctx, DeviceRecord d, Event e) {
  append_history(ctx.state, d, event(ctx, e, d));
  store_device(ctx.state, d);
}

}  // namespace

ResultCode DeviceRegister::apply(TxContext& ctx) const {
  if (load_device(ctx.state, id_hash)) return ResultCode::kDeviceExists;
  DeviceRecord d;
  d.id_hash = id_hash;
  d.public_key = public_key;
  d.owner = owner;
  d.serving = serving;
  d.attributes = attributes;
  d.registered_at = ctx.height;
  commit(ctx, std::move(d), Event::kRegistered);
  return ResultCode::kOk;
}

ResultCode DeviceRegisterFleet::apply(TxContext& ctx) const {
  const crypto::Hash32 id = fleet_id(root, size);
  if (load_fleet(ctx.state, id)) return ResultCode::kFleetExists;
  store_fleet(ctx.state, id, {root, size, owner, serving, attributes, ctx.height, ctx.time_ms});
  return ResultCode::kOk;
}

ResultCode DeviceClaimFleetMember::apply(TxContext& ctx) const {
  auto f = load_fleet(ctx.state, fleet);
  if (!f) return ResultCode::kFleetNotFound;
  if (!merkle_verify(kFleetDomain, fleet_leaf(id_hash, public_key), index, f->size, path, f->root)) {
    return ResultCode::kFleetPathMismatch;
  }
  if (auto mark = load_member(ctx.state, fleet, id_hash)) {
    return *mark == MemberMark::kRevoked ? ResultCode::kFleetMemberRevoked : ResultCode::kFleetMemberClaimed;
  }
  // Two fleets (or a fleet and a single registration) may list one identifier; the first
  // to be registered individually keeps it.
  if (load_device(ctx.state, id_hash)) return ResultCode::kDeviceExists;
  DeviceRecord d;
  d.id_hash = id_hash;
  d.public_key = public_key;
  d.owner = f->owner;
  d.serving = f->serving;
  d.attributes = f->attributes;
  d.registered_at = ctx.height;
  d.fleet = fleet;
  store_member(ctx.state, fleet, id_hash, MemberMark::kClaimed);
  commit(ctx, std::move(d), Event::kClaimed);
  return ResultCode::kOk;
}

ResultCode DeviceRotateKey::apply(TxContext& ctx) const {
  auto d = load_device(ctx.state, id_hash);
  if (const ResultCode c = changeable(d); c != ResultCode::kOk) return c;
  if (d->owner != ctx.sender) {
    const bool signed_by_device =
        old_key_signature &&
        crypto::verify(d->public_key, rotation_message(ctx.tx.chain_id, id_hash, d->key_version, new_key),
                       *old_key_signature);
    if (!signed_by_device) return ResultCode::kRotationNotAuthorised;
  }
  if (new_key == d->public_key) return ResultCode::kRotationSameKey;
  d->public_key = new_key;
  ++d->key_version;
  commit(ctx, std::move(*d), Event::kKeyRotated);
  return ResultCode::kOk;
}

ResultCode DeviceTransfer::apply(TxContext& ctx) const {
  auto d = load_device(ctx.state, id_hash);
  if (const ResultCode c = changeable(d); c != ResultCode::kOk) return c;
  if (d->owner != ctx.sender) return ResultCode::kNotDeviceOwner;
  if (new_owner == d->owner) return ResultCode::kTransferToSelf;
  d->owner = new_owner;
  commit(ctx, std::move(*d), Event::kTransferred);
  return ResultCode::kOk;
}

ResultCode DeviceReport::apply(TxContext& ctx) const {
  auto d = load_device(ctx.state, id_hash);
  if (const ResultCode c = changeable(d); c != ResultCode::kOk) return c;
  if (d->owner != ctx.sender) return ResultCode::kNotDeviceOwner;
  d->status = status;
  store_stolen(ctx.state, id_hash, {status, ctx.height, ctx.time_ms, ctx.sender});
  commit(ctx, std::move(*d), status == DeviceStatus::kStolen ? Event::kReportedStolen : Event::kReportedLost);
  return ResultCode::kOk;
}

ResultCode DeviceSetStatus::apply(TxContext& ctx) const {
  auto d = load_device(ctx.state, id_hash);
  if (const ResultCode c = changeable(d); c != ResultCode::kOk) return c;
  if (d->serving != ctx.sender) return ResultCode::kNotDeviceOperator;
  const DeviceStatus from =
      status == DeviceStatus::kSuspended ? DeviceStatus::kActive : DeviceStatus::kSuspended;
  if (d->status != from) return ResultCode::kDeviceStatusTransition;
  d->status = status;
  commit(ctx, std::move(*d), status == DeviceStatus::kSuspended ? Event::kSuspended : Event::kResumed);
  return ResultCode::kOk;
}

ResultCode DeviceRevoke::apply(TxContext& ctx) const {
  auto d = load_device(ctx.state, id_hash);
  const bool member_only = fleet != crypto::Hash32{} && (!d || d->fleet != fleet);
  if (member_only) {
    auto f = load_fleet(ctx.state, fleet);
    if (!f) return ResultCode::kFleetNotFound;
    if (f->owner != ctx.sender && f->serving != ctx.sender) return ResultCode::kNotFleetOwner;
    if (auto mark = load_member(ctx.state, fleet, id_hash)) {
      // A claimed member is a device of its own now (d->fleet == fleet would have matched).
      return *mark == MemberMark::kRevoked ? ResultCode::kFleetMemberRevoked
                                           : ResultCode::kFleetMemberClaimed;
    }
    // Membership is not checked: revoking an identifier that is not in the fleet harms no one.
    store_member(ctx.state, fleet, id_hash, MemberMark::kRevoked);
    return ResultCode::kOk;
  }
  if (!d) return ResultCode::kDeviceNotFound;
  if (d->status == DeviceStatus::kRevoked) return ResultCode::kDeviceRevoked;
  if (d->owner != ctx.sender && d->serving != ctx.sender) return ResultCode::kNotDeviceOwner;
  d->status = DeviceStatus::kRevoked;
  commit(ctx, std::move(*d), Event::kRevoked);
  return ResultCode::kOk;
}

ResultCode DeviceAnchor::apply(TxContext& ctx) const {
  if (load_anchor(ctx.state, root)) return ResultCode::kAnchorExists;
  std::vector<DeviceRecord> devices;
  devices.reserve(ranges.size());
  for (const SeqRange& s : ranges) {
    auto d = load_device(ctx.state, s.id_hash);
    if (!d) return ResultCode::kDeviceNotFound;
    if (d->owner != ctx.sender && d->serving != ctx.sender) return ResultCode::kAnchorNotAuthorised;
    if (d->status != DeviceStatus::kActive) return ResultCode::kAnchorNotAuthorised;
    if (s.first_seq <= d->reading_seq) return ResultCode::kReadingSeqStale;
    d->reading_seq = s.last_seq;
    devices.push_back(std::move(*d));
  }
  for (const DeviceRecord& d : devices) ctx.state.put(device_key(d.id_hash), encode_device(d));
  store_anchor(ctx.state, {root, ctx.sender, count, ctx.height, ctx.time_ms, ranges});
  return ResultCode::kOk;
}

}  // namespace telco::modules::device
