#include "consensus/replica.h"

#include <stdexcept>

namespace telco::consensus {
namespace {

template <typename... F>
struct Overloaded : F... {
  using F::operator()...;
};
template <typename... F>
Overloaded(F...) -> Overloaded<F...>;

// Whether replayed `entry` is the answer to `action` (so the action need not run again).
bool answers(const WalEntry& entry, const Action& action, const std::optional<crypto::PublicKey>& self) {
  return std::visit(
      Overloaded{
          [&](const Vote& v) {
            const auto* a = std::get_if<SignVote>(&action);
            return a && self && v.validator == *self && a->vote.type == v.type && a->vote.round == v.round;
          },
          [&](const Proposal& p) {
            const auto* a = std::get_if<SignProposal>(&action);
            return a && a->proposal.round == p.round;
          },
          [&](const BlockPrepared& e) {
            const auto* a = std::get_if<PrepareBlock>(&action);
            return a && a->round == e.round;
          },
          [&](const BlockValidated& e) {
            const auto* a = std::get_if<ValidateBlock>(&action);
            return a && a->hash == e.hash;
          },
          [&](const Timeout& t) {
            const auto* a = std::get_if<ScheduleTimeout>(&action);
            return a && a->timeout == t;
          },
          [](const auto&) { return false; },
      },
      entry.event);
}

}  // namespace

Replica::Replica(EngineConfig config, std::optional<crypto::KeyPair> key, Application& app, Outbox& out,
                 LogStorage& wal_storage, RecordStorage& guard_storage)
    : engine_(std::move(config), key ? std::optional(key->public_key()) : std::nullopt),
      key_(std::move(key)),
      app_(app),
      out_(out),
      wal_(wal_storage),
      guard_(guard_storage) {
  // Without a wait between heights a lone validator would decide heights in one endless call.
  if (engine_.config().timeouts.commit_ms == 0) throw std::invalid_argument("Replica needs timeouts.commit_ms > 0");
}

std::size_t Replica::start(HeightContext context, std::uint64_t now_ms) {
  const Wal::Recovery recovered = wal_.recover();
  const auto& entries = recovered.entries;
  const auto* first = entries.empty() ? nullptr : std::get_if<StartHeight>(&entries.front().event);
  if (first && first->height == context.height) {
    replay(std::move(context), entries);
  } else {
    // The log holds an older height (committed since) or nothing: start afresh.
    wal_.begin_height(context.height, now_ms);
    for (const Action& a : engine_.start(std::move(context), now_ms)) perform(a, now_ms);
  }
  drain();
  return recovered.dropped_bytes;
}

// Rebuilds the engine from the log, performing nothing but decisions; then performs what the
// replayed engine asked for and the log shows no answer to.
void Replica::replay(HeightContext context, const std::vector<WalEntry>& entries) {
  std::vector<std::pair<Action, std::uint64_t>> open;
  auto note = [&](Actions actions, std::uint64_t now_ms) {
    for (Action& a : actions) {
      if (const auto* d = std::get_if<Decide>(&a)) {
        finalize(*d, now_ms);  // the crash came between deciding and committing
        return false;
      }
      open.emplace_back(std::move(a), now_ms);
    }
    return true;
  };
  bool replaying = note(engine_.start(std::move(context), entries.front().now_ms), entries.front().now_ms);
  const std::optional<crypto::PublicKey> self = key_ ? std::optional(key_->public_key()) : std::nullopt;
  for (std::size_t i = 1; replaying && i < entries.size(); ++i) {
    const WalEntry& e = entries[i];
    for (auto it = open.begin(); it != open.end(); ++it) {
      if (answers(e, it->first, self)) {
        open.erase(it);
        break;
      }
    }
    replaying = note(dispatch(e), e.now_ms);
  }
  if (!replaying) return;  // a decision moved us to the next height; its actions ran
  for (const auto& [action, now_ms] : open) perform(action, now_ms);
}

void Replica::deliver(WalEntry entry) {
  queue_.push_back(std::move(entry));
  drain();
}

void Replica::drain() {
  if (draining_) return;
  draining_ = true;
  while (!queue_.empty()) {
    WalEntry entry = std::move(queue_.front());
    queue_.pop_front();
    wal_.append(entry);
    for (const Action& a : dispatch(entry)) perform(a, entry.now_ms);
  }
  draining_ = false;
}

Actions Replica::dispatch(const WalEntry& entry) {
  const std::uint64_t now = entry.now_ms;
  return std::visit(Overloaded{
                        [](const StartHeight&) { return Actions{}; },
                        [&](const Proposal& p) { return engine_.on_proposal(p, now); },
                        [&](const Vote& v) { return engine_.on_vote(v, now); },
                        [&](const Timeout& t) { return engine_.on_timeout(t, now); },
                        [&](const BlockPrepared& e) { return engine_.on_block_prepared(e.round, e.block, now); },
                        [&](const BlockValidated& e) { return engine_.on_block_validated(e.hash, e.valid, now); },
                        [&](const CommitReceived& e) { return engine_.on_commit(e.block, e.commit, now); },
                    },
                    entry.event);
}

void Replica::perform(const Action& action, std::uint64_t now_ms) {
  std::visit(Overloaded{
                 [&](const SignProposal& a) { sign_and_send(a.proposal, now_ms); },
                 [&](const SignVote& a) { sign_and_send(a.vote, now_ms); },
                 [&](const ScheduleTimeout& a) { out_.schedule(a.timeout, a.duration_ms); },
                 [&](const PrepareBlock& a) {
                   queue_.push_back({now_ms, BlockPrepared{a.round, app_.prepare_proposal(a.header, a.last_commit)}});
                 },
                 [&](const ValidateBlock& a) {
                   const bool valid = a.committed ? app_.process_committed(*a.block) : app_.process_proposal(*a.block);
                   queue_.push_back({now_ms, BlockValidated{a.hash, valid}});
                 },
                 [&](const Decide& a) { finalize(a, now_ms); },
                 [&](const ReportEvidence& a) { out_.evidence(a.evidence); },
             },
             action);
}

void Replica::sign_and_send(Proposal proposal, std::uint64_t now_ms) {
  if (!key_) return;
  wal_.sync();
  const Bytes bytes = proposal.signing_bytes(engine_.config().chain_id);
  if (!guard_.permit(proposal.height, proposal.round, SignStep::kProposal, bytes)) {
    ++refused_;
    return;
  }
  proposal.signature = key_->sign(bytes);
  out_.broadcast(proposal);
  queue_.push_back({now_ms, std::move(proposal)});
}

void Replica::sign_and_send(Vote vote, std::uint64_t now_ms) {
  if (!key_) return;
  wal_.sync();
  const Bytes bytes = vote.signing_bytes(engine_.config().chain_id);
  const SignStep step = vote.type == VoteType::kPrevote ? SignStep::kPrevote : SignStep::kPrecommit;
  if (!guard_.permit(vote.height, vote.round, step, bytes)) {
    ++refused_;
    return;
  }
  vote.signature = key_->sign(bytes);
  out_.broadcast(vote);
  queue_.push_back({now_ms, vote});
}

HeightContext Replica::finalize_block(const HeightContext& current, const chain::Block& block,
                                     const chain::Commit& commit) {
  const Application::Finalized f = app_.finalize_block(block, commit);
  // The application accepted this block in process_proposal; a different state now means
  // it is not deterministic, and no vote of ours can be trusted after that.
  if (f.app_hash != block.header.state_root) throw std::logic_error("application state diverged from its block");
  std::string error;
  auto next_set = current.validators.next(f.validator_updates, &error);
  if (!next_set) throw std::logic_error("application returned invalid validator updates: " + error);
  return HeightContext{current.height + 1,     std::move(*next_set), current.validators, commit,
                       block.header.hash(), block.header.time_ms, block.header.tx_count};
}

// Line 49-54's "decision; h ← h + 1; StartRound(0)", with the application in between.
void Replica::finalize(const Decide& d, std::uint64_t now_ms) {
  HeightContext next = finalize_block(engine_.context(), *d.block, d.commit);
  app_.commit();
  out_.committed(*d.block, d.commit, next);
  wal_.begin_height(next.height, now_ms);
  queue_.clear();  // what was still queued belongs to the decided height
  for (const Action& a : engine_.start(std::move(next), now_ms)) perform(a, now_ms);
}

std::size_t Replica::on_commits(std::span<const SyncedBlock> run, std::uint64_t now_ms) {
  if (!engine_.started() || engine_.decided()) return 0;
  const std::string& chain_id = engine_.config().chain_id;
  std::optional<HeightContext> next;  // the context after the last block applied
  std::size_t applied = 0;
  for (const SyncedBlock& s : run) {
    const HeightContext& c = next ? *next : engine_.context();
    const chain::Block& block = *s.block;
    // A last commit equal to the commit verified for the previous block of this run is
    // not verified twice.
    const bool last_commit_known = next && block.last_commit == c.last_commit;
    if (!consensus_fields_valid(c, chain_id, block, !last_commit_known) || !block.body_matches_header()) break;
    const Hash32 hash = block.header.hash();
    const bool commit_checked = s.commit_verified && *s.commit_verified == c.validators.hash() &&
                                s.commit->height == c.height && s.commit->block_hash == hash;
    if (!commit_checked && verify_commit(c.validators, chain_id, *s.commit, c.height, hash) != CommitError::kOk) break;
    if (!app_.process_committed(block)) break;
    HeightContext after = finalize_block(c, block, *s.commit);
    app_.commit_deferred();
    out_.committed(block, *s.commit, after);
    next = std::move(after);
    ++applied;
  }
  if (!next) return 0;
  app_.sync();
  wal_.begin_height(next->height, now_ms);
  queue_.clear();
  for (const Action& a : engine_.start(std::move(*next), now_ms)) perform(a, now_ms);
  drain();
  return applied;
}

}  // namespace telco::consensus
