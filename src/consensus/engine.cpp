#include "consensus/engine.h"

#include <algorithm>
#include <cassert>
#include <utility>

#include "crypto/address.h"

namespace telco::consensus {
namespace {

std::uint64_t saturating_add(std::uint64_t a, std::uint64_t b) { return a > UINT64_MAX - b ? UINT64_MAX : a + b; }

// The members of the last commit's set whose precommit is in it (TimeoutConfig).
std::vector<bool> last_commit_signers(const HeightContext& c) {
  if (!c.last_validators) return {};
  std::vector<bool> signed_by(c.last_validators->size(), false);
  for (const chain::CommitSig& sig : c.last_commit.signatures) {
    if (const auto index = c.last_validators->index_of(sig.validator)) signed_by[*index] = true;
  }
  return signed_by;
}

std::uint64_t grown(std::uint64_t base, std::uint64_t delta, Round round) {
  const auto r = static_cast<std::uint64_t>(round);
  if (delta != 0 && r > (UINT64_MAX - base) / delta) return UINT64_MAX;
  return base + r * delta;
}

// Upon-rules only move state forward (step, round, flags, decision), so settle() reaches a
// fixed point in a few passes; this bound turns a bug into a crash instead of a hang.
constexpr int kSettlePassesMax = 64;

}  // namespace

const char* step_name(Step s) {
  switch (s) {
    case Step::kNewHeight: return "new-height";
    case Step::kPropose: return "propose";
    case Step::kPrevote: return "prevote";
    case Step::kPrecommit: return "precommit";
  }
  return "?";
}

Engine::Engine(EngineConfig config, std::optional<crypto::PublicKey> self)
    : config_(std::move(config)), self_(self) {}

Actions Engine::take() {
  Actions out;
  out.swap(out_);
  return out;
}

// --- events ----------------------------------------------------------------------------

Actions Engine::start(HeightContext context, std::uint64_t now_ms) {
  assert(!context_ || context.height > context_->height);
  self_index_ = self_ ? context.validators.index_of(*self_) : std::nullopt;
  votes_.emplace(context.validators);
  rotation_ = context.validators;
  proposers_ = {context.validators.proposer()};
  context_ = std::move(context);
  round_ = 0;
  step_ = Step::kPropose;
  decided_ = false;
  locked_value_.reset();
  locked_round_ = kNoRound;
  valid_value_.reset();
  valid_round_ = kNoRound;
  proposals_.clear();
  blocks_.clear();
  flags_.clear();
  synced_commit_.reset();
  reported_.clear();
  last_signers_ = last_commit_signers(*context_);
  last_missing_ = static_cast<std::size_t>(std::count(last_signers_.begin(), last_signers_.end(), false));
  if (config_.timeouts.commit_ms == 0 || commit_wait_skippable()) {
    start_round(0, now_ms);
  } else {
    step_ = Step::kNewHeight;
    out_.push_back(ScheduleTimeout{Timeout{context_->height, 0, Step::kNewHeight}, config_.timeouts.commit_ms});
  }
  settle(now_ms);
  return take();
}

Actions Engine::on_proposal(const Proposal& p, std::uint64_t now_ms) {
  if (!context_ || decided_ || p.height != context_->height) return {};
  if (p.round > round_ + kProposalRoundsAheadMax || p.round > kRoundMax) return {};
  const std::size_t proposer_index = proposer(p.round);
  const Hash32 hash = p.block_hash();
  const auto held = proposals_.find(p.round);
  if (held != proposals_.end()) {
    const std::vector<ProposalEntry>& entries = held->second;
    for (const ProposalEntry& e : entries) {
      if (e.hash == hash && e.proposal.pol_round == p.pol_round) return {};  // already held
    }
    if (entries.size() >= kProposalsPerRoundMax || !wanted(hash)) return {};
  }
  if (!votes_->admit(proposer_index, p.round, round_)) return {};
  const crypto::PublicKey& key = context_->validators.at(proposer_index).key;
  if (!crypto::verify(key, p.signing_bytes(config_.chain_id), p.signature)) return {};

  ProposalEntry entry{p, hash, p.pol_round == kNoRound && timely(p.block.header, p.round, now_ms)};
  entry.proposal.block = {};
  proposals_[p.round].push_back(std::move(entry));
  votes_->heard_from(proposer_index, p.round);
  add_block(p.block);
  settle(now_ms);
  return take();
}

Actions Engine::on_vote(const Vote& v, std::uint64_t now_ms) {
  if (context_ && !decided_ && v.height + 1 == context_->height) return on_late_precommit(v, now_ms);
  if (!context_ || decided_ || v.height != context_->height || v.round > kRoundMax) return {};
  if (votes_->holds(v) || !verify_vote_signature(v, config_.chain_id)) return {};
  // An equivocator's second value counts only if it can matter: nil, or a block we hold.
  const bool relevant = is_nil(v.block_hash) || blocks_.contains(v.block_hash);
  const HeightVotes::AddOutcome added = votes_->add(v, round_, relevant);
  if (added.result == HeightVotes::Result::kConflict) report_conflict(added.first, v);
  if (added.result != HeightVotes::Result::kNew && added.result != HeightVotes::Result::kConflict) return take();
  settle(now_ms);
  return take();
}

// TimeoutConfig: the commit wait is skipped after a non-empty block once every validator of
// its set has precommitted it: in the commit we formed at the quorum, or late (below).
bool Engine::commit_wait_skippable() const {
  return context_->last_validators && context_->prev_tx_count > 0 && last_missing_ == 0;
}

// A precommit for the block just decided, from a validator missing in our commit, arriving
// while we wait before round 0. It changes nothing but the wait: the commit is already
// stored and the next proposal carries the one formed at the quorum.
Actions Engine::on_late_precommit(const Vote& v, std::uint64_t now_ms) {
  if (step_ != Step::kNewHeight || last_missing_ == 0 || !context_->last_validators) return {};
  if (v.type != VoteType::kPrecommit || v.round != context_->last_commit.round ||
      v.block_hash != context_->last_commit.block_hash) {
    return {};
  }
  const auto index = context_->last_validators->index_of(v.validator);
  if (!index || last_signers_[*index] || !verify_vote_signature(v, config_.chain_id)) return {};
  last_signers_[*index] = true;
  --last_missing_;
  if (commit_wait_skippable()) {
    start_round(0, now_ms);
    settle(now_ms);
  }
  return take();
}

// Lines 57-67: OnTimeoutPropose, OnTimeoutPrevote, OnTimeoutPrecommit; and the end of the
// wait before round 0 (TimeoutConfig::commit_ms).
Actions Engine::on_timeout(const Timeout& t, std::uint64_t now_ms) {
  if (!context_ || decided_ || t.height != context_->height || t.round != round_) return {};
  if (t.step == Step::kNewHeight && step_ == Step::kNewHeight) {
    start_round(0, now_ms);
  } else if (t.step == Step::kPropose && step_ == Step::kPropose) {
    broadcast_vote(VoteType::kPrevote, kNilHash, now_ms);
    step_ = Step::kPrevote;
  } else if (t.step == Step::kPrevote && step_ == Step::kPrevote) {
    broadcast_vote(VoteType::kPrecommit, kNilHash, now_ms);
    step_ = Step::kPrecommit;
  } else if (t.step == Step::kPrecommit) {
    start_round(round_ + 1, now_ms);
  } else {
    return {};
  }
  settle(now_ms);
  return take();
}

Actions Engine::on_block_prepared(Round round, const chain::Block& block, std::uint64_t /*now_ms*/) {
  if (!context_ || decided_ || round != round_ || step_ != Step::kPropose) return {};
  if (!self_index_ || proposer(round) != *self_index_ || !consensus_fields_valid(block)) return {};
  if (std::exchange(flags_[round].proposal_signed, true)) return {};
  out_.push_back(SignProposal{Proposal{context_->height, round, kNoRound, block, {}}});
  return take();
}

Actions Engine::on_block_validated(const Hash32& hash, bool valid, std::uint64_t now_ms) {
  const auto it = blocks_.find(hash);
  if (!context_ || decided_ || it == blocks_.end() || it->second.validity != Validity::kPending) return {};
  it->second.validity = valid ? Validity::kValid : Validity::kInvalid;
  settle(now_ms);
  return take();
}

Actions Engine::on_commit(const chain::Block& block, const chain::Commit& commit, std::uint64_t now_ms) {
  if (!context_ || decided_ || synced_commit_ || block.header.height != context_->height) return {};
  const Hash32 hash = block.header.hash();
  if (verify_commit(context_->validators, config_.chain_id, commit, context_->height, hash) != CommitError::kOk) {
    return {};
  }
  synced_commit_ = commit;
  add_block(block, true);
  settle(now_ms);
  return take();
}

// --- paper functions and rules ---------------------------------------------------------

// Lines 11-21. getValue() is asynchronous here (PrepareBlock → on_block_prepared), so the
// proposer also schedules OnTimeoutPropose: it only acts while still in step propose.
void Engine::start_round(Round round, std::uint64_t now_ms) {
  round_ = round;
  step_ = Step::kPropose;
  if (self_index_ && proposer(round) == *self_index_) {
    if (valid_value_) {
      const auto& entry = blocks_.at(*valid_value_);
      flags_[round].proposal_signed = true;
      out_.push_back(SignProposal{Proposal{context_->height, round, valid_round_, *entry.block, {}}});
    } else if (!std::exchange(flags_[round].block_requested, true)) {
      chain::BlockHeader h;
      h.chain_id = config_.chain_id;
      h.height = context_->height;
      h.time_ms = std::max(now_ms, context_->prev_time_ms + 1);
      h.prev_hash = context_->prev_hash;
      h.last_commit_hash = context_->last_commit.hash();
      h.validators_hash = context_->validators.hash();
      h.proposer = crypto::Address::from_public_key(*self_);
      out_.push_back(PrepareBlock{round, std::move(h), context_->last_commit});
    }
  }
  schedule(Step::kPropose);
}

// Lines 22-27: a fresh proposal (validRound −1) while in step propose.
bool Engine::upon_fresh_proposal(std::uint64_t now_ms) {
  if (step_ != Step::kPropose) return false;
  const auto it = proposals_.find(round_);
  if (it == proposals_.end()) return false;
  const ProposalEntry& e = it->second.front();  // the first the proposer showed us
  if (e.proposal.pol_round != kNoRound) return false;
  const Validity v = validity(e.hash);
  if (v == Validity::kPending) return false;  // valid(v) still being decided
  const bool accept = v == Validity::kValid && e.timely && (locked_round_ == kNoRound || locked_value_ == e.hash);
  broadcast_vote(VoteType::kPrevote, accept ? e.hash : kNilHash, now_ms);
  step_ = Step::kPrevote;
  return true;
}

// Lines 28-33: a re-proposal with a proof-of-lock round vr and 2f+1 prevotes for it in vr.
bool Engine::upon_proposal_with_pol(std::uint64_t now_ms) {
  if (step_ != Step::kPropose) return false;
  const auto it = proposals_.find(round_);
  if (it == proposals_.end()) return false;
  for (const ProposalEntry& e : it->second) {
    const Round vr = e.proposal.pol_round;
    if (vr < 0 || vr >= round_) continue;
    if (prevote_power(vr, e.hash) < context_->validators.quorum_power()) continue;
    const Validity v = validity(e.hash);
    if (v == Validity::kPending) continue;
    const bool accept = v == Validity::kValid && (locked_round_ <= vr || locked_value_ == e.hash);
    broadcast_vote(VoteType::kPrevote, accept ? e.hash : kNilHash, now_ms);
    step_ = Step::kPrevote;
    return true;
  }
  return false;
}

// Lines 34-35: 2f+1 prevotes of any kind in step prevote, first time: OnTimeoutPrevote.
bool Engine::upon_prevote_quorum_any() {
  if (step_ != Step::kPrevote || flags_[round_].prevote_timeout) return false;
  const VoteSet* prevotes = votes_->find(round_, VoteType::kPrevote);
  if (!prevotes || prevotes->power() < context_->validators.quorum_power()) return false;
  flags_[round_].prevote_timeout = true;
  schedule(Step::kPrevote);
  return true;
}

// Lines 36-43: the round's proposal with 2f+1 prevotes for it, valid, step >= prevote, first
// time: lock and precommit it (if still in prevote), and remember it as the valid value.
bool Engine::upon_polka_for_proposal(std::uint64_t now_ms) {
  if (step_ < Step::kPrevote || flags_[round_].polka_seen) return false;
  const VoteSet* prevotes = votes_->find(round_, VoteType::kPrevote);
  const auto it = proposals_.find(round_);
  if (!prevotes || it == proposals_.end()) return false;
  const auto value = prevotes->value_with(context_->validators.quorum_power());
  if (!value || is_nil(*value)) return false;
  const bool proposed = std::any_of(it->second.begin(), it->second.end(),
                                    [&](const ProposalEntry& e) { return e.hash == *value; });
  if (!proposed || validity(*value) != Validity::kValid) return false;
  flags_[round_].polka_seen = true;
  if (step_ == Step::kPrevote) {
    locked_value_ = *value;
    locked_round_ = round_;
    broadcast_vote(VoteType::kPrecommit, *value, now_ms);
    step_ = Step::kPrecommit;
  }
  valid_value_ = *value;
  valid_round_ = round_;
  return true;
}

// Lines 44-46: 2f+1 nil prevotes in step prevote: precommit nil.
bool Engine::upon_nil_polka(std::uint64_t now_ms) {
  if (step_ != Step::kPrevote) return false;
  if (prevote_power(round_, kNilHash) < context_->validators.quorum_power()) return false;
  broadcast_vote(VoteType::kPrecommit, kNilHash, now_ms);
  step_ = Step::kPrecommit;
  return true;
}

// Lines 47-48: 2f+1 precommits of any kind, first time: OnTimeoutPrecommit.
bool Engine::upon_precommit_quorum_any() {
  if (flags_[round_].precommit_timeout) return false;
  const VoteSet* precommits = votes_->find(round_, VoteType::kPrecommit);
  if (!precommits || precommits->power() < context_->validators.quorum_power()) return false;
  flags_[round_].precommit_timeout = true;
  schedule(Step::kPrecommit);
  return true;
}

// Lines 49-54: in any round r, a valid value v with 2f+1 precommits for id(v): decide. The
// value is identified by its hash, so any copy of the block with that hash serves (from a
// proposal of any round, or from block sync).
bool Engine::upon_commit_quorum() {
  if (decided_) return false;
  for (const Round r : votes_->rounds()) {
    const VoteSet* precommits = votes_->find(r, VoteType::kPrecommit);
    if (!precommits) continue;
    const auto value = precommits->value_with(context_->validators.quorum_power());
    if (!value || is_nil(*value) || validity(*value) != Validity::kValid) continue;
    decided_ = true;
    out_.push_back(Decide{context_->height, r, blocks_.at(*value).block, commit_for(r, *value)});
    return true;
  }
  if (synced_commit_ && validity(synced_commit_->block_hash) == Validity::kValid) {
    decided_ = true;
    out_.push_back(Decide{context_->height, synced_commit_->round, blocks_.at(synced_commit_->block_hash).block,
                          *synced_commit_});
    return true;
  }
  return false;
}

// Lines 55-56: f+1 (more than 1/3 of the power) sent messages for a higher round: go there.
bool Engine::upon_round_skip(std::uint64_t now_ms) {
  const auto round = votes_->highest_round_above(round_, context_->validators.one_third_plus_power());
  if (!round) return false;
  start_round(*round, now_ms);
  return true;
}

void Engine::settle(std::uint64_t now_ms) {
  for (int pass = 0; pass < kSettlePassesMax; ++pass) {
    if (decided_) return;
    const bool changed = upon_commit_quorum() || upon_round_skip(now_ms) || upon_fresh_proposal(now_ms) ||
                         upon_proposal_with_pol(now_ms) || upon_polka_for_proposal(now_ms) ||
                         upon_nil_polka(now_ms) || upon_prevote_quorum_any() || upon_precommit_quorum_any();
    if (!changed) return;
  }
  assert(false && "consensus rules did not settle");
}

// --- helpers ---------------------------------------------------------------------------

std::size_t Engine::proposer(Round round) {
  while (proposers_.size() <= static_cast<std::size_t>(round)) {
    rotation_ = rotation_->advanced(1);
    proposers_.push_back(rotation_->proposer());
  }
  return proposers_[static_cast<std::size_t>(round)];
}

void Engine::broadcast_vote(VoteType type, const Hash32& value, std::uint64_t now_ms) {
  if (!self_index_) return;  // observers follow without voting
  out_.push_back(SignVote{Vote{type, context_->height, round_, value, *self_, now_ms, {}}});
}

void Engine::schedule(Step step) {
  const TimeoutConfig& t = config_.timeouts;
  std::uint64_t ms = 0;
  switch (step) {
    case Step::kNewHeight: ms = t.commit_ms; break;
    case Step::kPropose: ms = grown(t.propose_ms, t.propose_delta_ms, round_); break;
    case Step::kPrevote: ms = grown(t.prevote_ms, t.prevote_delta_ms, round_); break;
    case Step::kPrecommit: ms = grown(t.precommit_ms, t.precommit_delta_ms, round_); break;
  }
  out_.push_back(ScheduleTimeout{Timeout{context_->height, round_, step}, ms});
}

Engine::Validity Engine::validity(const Hash32& hash) const {
  const auto it = blocks_.find(hash);
  return it == blocks_.end() ? Validity::kPending : it->second.validity;
}

// The consensus part of valid(v) is checked here; the application part is asked for with
// ValidateBlock only when this passes.
void Engine::add_block(const chain::Block& block, bool committed) {
  const Hash32 hash = block.header.hash();
  if (blocks_.contains(hash)) return;
  BlockEntry& entry = blocks_[hash];
  entry.block = std::make_shared<const chain::Block>(block);
  if (!consensus_fields_valid(block) || !block.body_matches_header()) {
    entry.validity = Validity::kInvalid;
    return;
  }
  out_.push_back(ValidateBlock{hash, entry.block, committed});
}

bool consensus_fields_valid(const HeightContext& c, std::string_view chain_id, const chain::Block& block,
                            bool verify_last_commit) {
  const chain::BlockHeader& h = block.header;
  if (h.version != chain::kHeaderVersion || h.chain_id != chain_id || h.height != c.height ||
      h.prev_hash != c.prev_hash || h.time_ms <= c.prev_time_ms || h.validators_hash != c.validators.hash()) {
    return false;
  }
  const auto& vs = c.validators.validators();
  const bool known_proposer = std::any_of(vs.begin(), vs.end(), [&](const Validator& v) {
    return crypto::Address::from_public_key(v.key) == h.proposer;
  });
  if (!known_proposer) return false;
  if (!c.last_validators) return block.last_commit == chain::Commit{};
  if (!verify_last_commit) return block.last_commit.height == c.height - 1 && block.last_commit.block_hash == c.prev_hash;
  return verify_commit(*c.last_validators, chain_id, block.last_commit, c.height - 1, c.prev_hash) == CommitError::kOk;
}

bool Engine::timely(const chain::BlockHeader& header, Round round, std::uint64_t received_ms) const {
  const TimeConfig& t = config_.time;
  const std::uint64_t late = saturating_add(t.precision_ms, grown(t.message_delay_ms, t.message_delay_delta_ms, round));
  return saturating_add(header.time_ms, late) >= received_ms &&
         header.time_ms <= saturating_add(received_ms, t.precision_ms);
}

std::uint64_t Engine::prevote_power(Round round, const Hash32& value) const {
  const VoteSet* prevotes = votes_->find(round, VoteType::kPrevote);
  return prevotes ? prevotes->power_for(value) : 0;
}

// A second proposal for a round (the proposer equivocated) is kept only if more than 1/3
// of the power voted for it in some round: then a correct validator did, and we may need
// the block to follow the quorum.
bool Engine::wanted(const Hash32& hash) const {
  const std::uint64_t power = context_->validators.one_third_plus_power();
  for (const Round r : votes_->rounds()) {
    for (const VoteType type : {VoteType::kPrevote, VoteType::kPrecommit}) {
      const VoteSet* set = votes_->find(r, type);
      if (set && set->power_for(hash) >= power) return true;
    }
  }
  return false;
}

void Engine::report_conflict(const Vote& held, const Vote& vote) {
  if (!reported_.emplace(vote.validator, vote.round, vote.type).second) return;
  out_.push_back(ReportEvidence{DuplicateVoteEvidence::of(held, vote)});
}

chain::Commit Engine::commit_for(Round round, const Hash32& value) const {
  chain::Commit commit{context_->height, static_cast<std::uint32_t>(round), value, {}};
  for (const auto& mine : votes_->find(round, VoteType::kPrecommit)->votes()) {
    for (const Vote& vote : mine) {
      if (vote.block_hash == value) commit.signatures.push_back({vote.validator, vote.time_ms, vote.signature});
    }
  }
  return commit;
}

std::vector<Proposal> Engine::proposals() const {
  std::vector<Proposal> out;
  for (const auto& [round, entries] : proposals_) {
    for (const ProposalEntry& e : entries) {
      Proposal p = e.proposal;
      p.block = *blocks_.at(e.hash).block;
      out.push_back(std::move(p));
    }
  }
  return out;
}

std::vector<Vote> Engine::votes() const {
  std::vector<Vote> out;
  if (!votes_) return out;
  for (const Round r : votes_->rounds()) {
    for (const VoteType type : {VoteType::kPrevote, VoteType::kPrecommit}) {
      for (const auto& mine : votes_->find(r, type)->votes()) out.insert(out.end(), mine.begin(), mine.end());
    }
  }
  return out;
}

}  // namespace telco::consensus
