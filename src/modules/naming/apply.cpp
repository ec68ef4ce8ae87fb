// The state transitions of the naming payloads. Every refusal returns before the first
// write, or exec rolls the payload's writes back, so a refused payload leaves naming state
// unchanged (only the fee and nonce are charged).
#include "modules/naming/limits.h"
#include "modules/naming/payloads.h"
#include "modules/naming/views.h"

namespace telco::modules::naming {
namespace {

using chain::ResultCode;

HistoryEntry event(const TxContext& ctx, Event e) {
  HistoryEntry h;
  h.height = ctx.height;
  h.event = e;
  h.actor = ctx.sender;
  return h;
}

// The name must be active and owned by the sender; the code says what is wrong otherwise.
ResultCode owned_active(const TxContext& ctx, const chain::NamingParams& params, std::string_view name,
                        std::optional<NameView>* out) {
  if (!in_zone(params, name)) return ResultCode::kNameUnknownZone;
  *out = view_name(ctx.state, params, ctx.height, name);
  if (!*out || (*out)->status == NameStatus::kAvailable) {
    return *out && label_count(name) == 2 ? ResultCode::kNameExpired : ResultCode::kNameNotFound;
  }
  if ((*out)->status == NameStatus::kGrace) return ResultCode::kNameInGrace;
  if ((*out)->record.owner != ctx.sender) return ResultCode::kNotNameOwner;
  return ResultCode::kOk;
}

// The number's record with a due port applied and its events appended (stored by the caller).
std::optional<NumberRecord> settled_number(TxContext& ctx, std::string_view digits) {
  auto stored = load_number(ctx.state, digits);
  if (!stored) return std::nullopt;
  std::vector<HistoryEntry> due;
  NumberRecord n = settle(*stored, ctx.height, &due);
  for (const HistoryEntry& e : due) append_number_history(ctx.state, n, e);
  return n;
}

}  // namespace

ResultCode NameCommit::apply(TxContext& ctx) const {
  const chain::NamingParams params = load_params(ctx.state);
  if (auto existing = load_commitment(ctx.state, commitment)) {
    if (ctx.height <= existing->height + params.reveal_window_blocks) return ResultCode::kCommitmentExists;
  }
  store_commitment(ctx.state, commitment, {ctx.sender, ctx.height});
  return ResultCode::kOk;
}

ResultCode NameReveal::apply(TxContext& ctx) const {
  const chain::NamingParams params = load_params(ctx.state);
  if (label_count(name) != 2 || !in_zone(params, name)) return ResultCode::kNameUnknownZone;
  const crypto::Hash32 c = commitment_hash(name, ctx.sender, secret);
  auto commit = load_commitment(ctx.state, c);
  if (!commit) return ResultCode::kCommitmentNotFound;
  if (ctx.height < commit->height + kRevealDelayBlocksMin) return ResultCode::kRevealTooEarly;
  if (ctx.height > commit->height + params.reveal_window_blocks) return ResultCode::kRevealWindowPassed;
  auto existing = view_name(ctx.state, params, ctx.height, name);
  if (existing && existing->status != NameStatus::kAvailable) return ResultCode::kNameTaken;

  ctx.state.erase(commitment_key(c));
  NameRecord record;
  record.name = name;
  record.owner = ctx.sender;
  record.registered_at = ctx.height;
  record.expires_at = ctx.height + params.name_expiry_blocks;
  record.records.ttl = kTtlDefault;
  record.history_count = existing ? existing->record.history_count : 0;
  HistoryEntry e = event(ctx, Event::kRegistered);
  e.other = ctx.sender;
  e.value = record.expires_at;
  append_name_history(ctx.state, record, e);
  store_name(ctx.state, record);
  return ResultCode::kOk;
}

ResultCode NameSetRecords::apply(TxContext& ctx) const {
  const chain::NamingParams params = load_params(ctx.state);
  std::optional<NameView> view;
  if (const ResultCode c = owned_active(ctx, params, name, &view); c != ResultCode::kOk) return c;
  NameRecord record = view->record;
  record.records = records;
  HistoryEntry e = event(ctx, Event::kRecordsSet);
  e.records = records;
  append_name_history(ctx.state, record, e);
  store_name(ctx.state, record);
  return ResultCode::kOk;
}

ResultCode NameTransfer::apply(TxContext& ctx) const {
  const chain::NamingParams params = load_params(ctx.state);
  std::optional<NameView> view;
  if (const ResultCode c = owned_active(ctx, params, name, &view); c != ResultCode::kOk) return c;
  NameRecord record = view->record;
  record.owner = new_owner;
  HistoryEntry e = event(ctx, Event::kTransferred);
  e.other = new_owner;
  append_name_history(ctx.state, record, e);
  store_name(ctx.state, record);
  return ResultCode::kOk;
}

ResultCode NameRenew::apply(TxContext& ctx) const {
  const chain::NamingParams params = load_params(ctx.state);
  // Subnames do not expire on their own: they follow their second-level ancestor.
  if (label_count(name) != 2 || !in_zone(params, name)) return ResultCode::kNameUnknownZone;
  auto view = view_name(ctx.state, params, ctx.height, name);
  if (!view) return ResultCode::kNameNotFound;
  if (view->status == NameStatus::kAvailable) return ResultCode::kNameExpired;
  if (view->record.owner != ctx.sender) return ResultCode::kNotNameOwner;
  NameRecord record = view->record;
  const std::uint64_t horizon = ctx.height + kRenewPeriodsAheadMax * params.name_expiry_blocks;
  if (record.expires_at + params.name_expiry_blocks > horizon) return ResultCode::kRenewTooFar;
  record.expires_at += params.name_expiry_blocks;
  HistoryEntry e = event(ctx, Event::kRenewed);
  e.value = record.expires_at;
  append_name_history(ctx.state, record, e);
  store_name(ctx.state, record);
  return ResultCode::kOk;
}

ResultCode NameSetSubname::apply(TxContext& ctx) const {
  const chain::NamingParams params = load_params(ctx.state);
  if (label_count(name) < 3 || !in_zone(params, name)) return ResultCode::kNotSubname;
  const std::string_view parent = parent_of(name);
  auto parent_view = view_name(ctx.state, params, ctx.height, parent);
  if (!parent_view || parent_view->status == NameStatus::kAvailable) return ResultCode::kParentNotFound;
  if (parent_view->status == NameStatus::kGrace) return ResultCode::kNameInGrace;
  if (parent_view->record.owner != ctx.sender) return ResultCode::kNotNameOwner;
  auto root = load_name(ctx.state, second_level_of(name));
  if (!root) return ResultCode::kParentNotFound;  // cannot happen: the parent is active

  auto existing = load_name(ctx.state, name);
  NameRecord record;
  record.name = name;
  record.owner = owner;
  record.registered_at = root->registered_at;
  record.records.ttl = kTtlDefault;  // a new holder starts with no records
  record.history_count = existing ? existing->history_count : 0;
  HistoryEntry e = event(ctx, Event::kSubnameSet);
  e.other = owner;
  append_name_history(ctx.state, record, e);
  store_name(ctx.state, record);
  return ResultCode::kOk;
}

ResultCode NameSetReverse::apply(TxContext& ctx) const {
  if (name.empty()) {
    store_reverse(ctx.state, ctx.sender, "");
    return ResultCode::kOk;
  }
  const chain::NamingParams params = load_params(ctx.state);
  std::optional<NameView> view;
  if (const ResultCode c = owned_active(ctx, params, name, &view); c != ResultCode::kOk) return c;
  store_reverse(ctx.state, ctx.sender, name);
  return ResultCode::kOk;
}

ResultCode NumberAllocate::apply(TxContext& ctx) const {
  const chain::NamingParams params = load_params(ctx.state);
  if (!params.numbering_authority || *params.numbering_authority != ctx.sender) {
    return ResultCode::kNotNumberingAuthority;
  }
  // Blocks never nest: no allocated block may start this prefix, and none may lie below it.
  for (std::size_t len = 1; len <= prefix.size(); ++len) {
    if (load_block(ctx.state, std::string_view(prefix).substr(0, len))) return ResultCode::kBlockOverlaps;
  }
  if (load_count(ctx.state, blocks_below_key(prefix)) > 0) return ResultCode::kBlockOverlaps;
  store_block(ctx.state, {prefix, length, holder, ctx.height});
  for (std::size_t len = 1; len < prefix.size(); ++len) {
    const Bytes k = blocks_below_key(std::string_view(prefix).substr(0, len));
    store_count(ctx.state, k, load_count(ctx.state, k) + 1);
  }
  const Bytes op = operator_key(holder);
  store_count(ctx.state, op, load_count(ctx.state, op) + 1);
  return ResultCode::kOk;
}

ResultCode NumberAssign::apply(TxContext& ctx) const {
  std::optional<NumberBlock> block;  // consecutive numbers usually share one
  for (const Assignment& a : assignments) {
    if (!block || a.number.compare(0, block->prefix.size(), block->prefix) != 0) {
      block = find_block(ctx.state, a.number);
    }
    if (!block || block->holder != ctx.sender || block->length != a.number.size()) {
      return ResultCode::kNumberNotInBlock;
    }
    auto existing = settled_number(ctx, a.number);
    if (existing && existing->assigned) return ResultCode::kNumberTaken;
    NumberRecord n = existing ? *existing : NumberRecord{};
    n.digits = a.number;
    n.assigned = true;
    n.subscriber = a.subscriber;
    n.serving = ctx.sender;
    n.routing = a.routing;
    n.since = ctx.height;
    HistoryEntry e = event(ctx, Event::kAssigned);
    e.other = a.subscriber;
    e.routing = a.routing;
    append_number_history(ctx.state, n, e);
    store_number(ctx.state, n);
  }
  return ResultCode::kOk;
}

ResultCode NumberSetRouting::apply(TxContext& ctx) const {
  auto n = settled_number(ctx, number);
  if (!n || !n->assigned) return ResultCode::kNumberNotAssigned;
  if (n->serving != ctx.sender) return ResultCode::kNotServingOperator;
  n->routing = routing;
  HistoryEntry e = event(ctx, Event::kRoutingSet);
  e.routing = routing;
  append_number_history(ctx.state, *n, e);
  store_number(ctx.state, *n);
  return ResultCode::kOk;
}

ResultCode NumberRelease::apply(TxContext& ctx) const {
  auto n = settled_number(ctx, number);
  if (!n || !n->assigned) return ResultCode::kNumberNotAssigned;
  if (n->serving != ctx.sender) return ResultCode::kNotServingOperator;
  // A donor must not defeat a pending port by releasing the number.
  if (n->port) return ResultCode::kPortPending;
  n->assigned = false;
  n->subscriber = {};
  n->serving = {};
  n->routing.clear();
  n->since = ctx.height;
  append_number_history(ctx.state, *n, event(ctx, Event::kReleased));
  store_number(ctx.state, *n);
  return ResultCode::kOk;
}

ResultCode NumberPortRequest::apply(TxContext& ctx) const {
  const chain::NamingParams params = load_params(ctx.state);
  auto n = settled_number(ctx, number);
  if (!n || !n->assigned) return ResultCode::kNumberNotAssigned;
  if (n->serving == ctx.sender) return ResultCode::kPortToSelf;
  if (load_count(ctx.state, operator_key(ctx.sender)) == 0) return ResultCode::kNotAnOperator;
  if (n->port) return ResultCode::kPortPending;
  if (donor != n->serving) return ResultCode::kPortDonorMismatch;
  const std::uint64_t earliest = ctx.height + params.port_deadline_blocks;
  if (port_height < earliest || port_height - earliest > kPortScheduleSlackBlocksMax) {
    return ResultCode::kPortHeightInvalid;
  }
  n->port = PortRequest{ctx.sender, donor, ctx.height, port_height, false, routing};
  HistoryEntry e = event(ctx, Event::kPortRequested);
  e.other = donor;
  e.value = port_height;
  e.routing = routing;
  append_number_history(ctx.state, *n, e);
  store_number(ctx.state, *n);
  return ResultCode::kOk;
}

ResultCode NumberPortApprove::apply(TxContext& ctx) const {
  auto n = settled_number(ctx, number);
  if (!n || !n->port) return ResultCode::kNoPortPending;
  if (n->subscriber != ctx.sender) return ResultCode::kPortWrongApprover;
  if (n->port->approved) return ResultCode::kOk;  // approving twice changes nothing
  n->port->approved = true;
  append_number_history(ctx.state, *n, event(ctx, Event::kPortApproved));
  store_number(ctx.state, *n);
  return ResultCode::kOk;
}

ResultCode NumberPortReject::apply(TxContext& ctx) const {
  const chain::NamingParams params = load_params(ctx.state);
  auto n = settled_number(ctx, number);
  if (!n || !n->port) return ResultCode::kNoPortPending;
  if (n->port->donor != ctx.sender) return ResultCode::kNotPortDonor;
  if (ctx.height >= n->port->requested_at + params.port_deadline_blocks) return ResultCode::kPortDeadlinePassed;
  n->port.reset();
  HistoryEntry e = event(ctx, Event::kPortRejected);
  e.text = reason;
  append_number_history(ctx.state, *n, e);
  store_number(ctx.state, *n);
  return ResultCode::kOk;
}

ResultCode NumberPortCancel::apply(TxContext& ctx) const {
  auto n = settled_number(ctx, number);
  if (!n || !n->port) return ResultCode::kNoPortPending;
  if (ctx.sender != n->port->recipient && ctx.sender != n->subscriber) return ResultCode::kPortNotParty;
  n->port.reset();
  append_number_history(ctx.state, *n, event(ctx, Event::kPortCancelled));
  store_number(ctx.state, *n);
  return ResultCode::kOk;
}

}  // namespace telco::modules::naming
