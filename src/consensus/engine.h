// The Tendermint consensus algorithm of Buchman, Kwon and Milosevic, "The latest gossip on
// BFT consensus" (arXiv 1807.04938), Algorithm 1, as a pure state machine for one validator
// (or an observer): events in, actions out. No clock, socket, thread, file or randomness:
// time arrives as a field of each event (the shell's local clock, ms), and everything the
// engine wants done — sign and broadcast, schedule a timeout, build or validate a block,
// finalize a decision, report an equivocation — is returned as an action. The same events
// in the same order give the same actions, which is what WAL replay and the deterministic
// simulator rely on. docs/CONSENSUS.md maps each upon-rule of the paper to a function here.
//
// The engine verifies every signature it counts but never signs: it returns unsigned votes
// and proposals, and the shell signs them (through the double-sign guard) and feeds them
// back through on_vote / on_proposal like any peer's message.
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <tuple>
#include <variant>
#include <vector>

#include "consensus/messages.h"
#include "consensus/validator_set.h"
#include "consensus/vote_set.h"

namespace telco::consensus {

// kNewHeight: the height is started but round 0 is not (waiting commit_ms, see TimeoutConfig).
enum class Step : std::uint8_t { kNewHeight = 0, kPropose = 1, kPrevote = 2, kPrecommit = 3 };
const char* step_name(Step s);

// timeoutX(r) = X_ms + r × X_delta_ms (the paper's initTimeoutX + r · timeoutDelta).
// commit_ms is the wait between a decision and round 0 of the next height (CometBFT's
// timeout_commit; the paper's 0): it sets the minimum block interval, lets late precommits
// reach peers, and keeps a lone validator from deciding heights in a tight loop. Messages
// of the new height are counted while waiting. The wait ends early (round 0 starts) once
// every member of the set that signed last_commit has precommitted the decided block and
// that block held transactions: nobody is left to wait for, and there is work queued; an
// idle chain keeps one empty block per commit_ms. The commit is formed at the quorum, so
// precommits that arrive after it (votes of height - 1, passed to on_vote while waiting)
// are counted too, as CometBFT does with all precommits in. Every input is an event or
// the HeightContext, so the rule stays a pure function.
struct TimeoutConfig {
  std::uint64_t commit_ms = 1'000;
  std::uint64_t propose_ms = 3'000;
  std::uint64_t propose_delta_ms = 500;
  std::uint64_t prevote_ms = 1'000;
  std::uint64_t prevote_delta_ms = 500;
  std::uint64_t precommit_ms = 1'000;
  std::uint64_t precommit_delta_ms = 500;
};

// The proposer-time rule (docs/CONSENSUS.md, "Time"): a fresh proposal (pol_round −1) is
// timely when its header time lies in [received − precision − delay(r), received + precision],
// delay(r) = message_delay_ms + r × message_delay_delta_ms, received being the local time it
// arrived. Validators prevote nil for an untimely fresh proposal.
struct TimeConfig {
  std::uint64_t precision_ms = 500;
  std::uint64_t message_delay_ms = 2'000;
  std::uint64_t message_delay_delta_ms = 500;
};

struct EngineConfig {
  std::string chain_id;
  TimeoutConfig timeouts;
  TimeConfig time;
};

// What the committed chain says about the next height to decide.
struct HeightContext {
  std::uint64_t height = 1;
  ValidatorSet validators;                      // signs this height; advanced for round 0
  std::optional<ValidatorSet> last_validators;  // signed last_commit; none at height 1
  chain::Commit last_commit;                    // Commit{} at height 1
  Hash32 prev_hash{};                           // zero at height 1
  std::uint64_t prev_time_ms = 0;               // genesis time at height 1
  std::uint32_t prev_tx_count = 0;              // transactions in the previous block
};

// The consensus half of valid(v) for a block of context `c`'s height: version, chain id,
// height, previous hash, a time after the previous block's, the validators hash, a proposer
// in the set, and a last commit that verifies against the previous set (not re-checked with
// verify_last_commit false: the caller verified that very commit already).
bool consensus_fields_valid(const HeightContext& c, std::string_view chain_id, const chain::Block& block,
                            bool verify_last_commit = true);

struct Timeout {
  std::uint64_t height = 0;
  Round round = 0;
  Step step = Step::kPropose;
  bool operator==(const Timeout&) const = default;
};

// --- actions ---------------------------------------------------------------------------
struct SignProposal {  // sign, broadcast, and feed back through on_proposal
  Proposal proposal;
};
struct SignVote {  // sign, broadcast, and feed back through on_vote
  Vote vote;
};
struct ScheduleTimeout {  // call on_timeout(timeout) after duration_ms
  Timeout timeout;
  std::uint64_t duration_ms = 0;
};
// getValue(): ask the application for a block on this header (consensus fields filled in;
// the application fills the transactions and the execution fields), answer with
// on_block_prepared.
struct PrepareBlock {
  Round round = 0;
  chain::BlockHeader header;
  chain::Commit last_commit;
};
// valid(v), application part: answer with on_block_validated(hash, verdict). `committed`:
// the block came by block sync with a commit of more than 2/3 of the set, already verified.
struct ValidateBlock {
  Hash32 hash{};
  std::shared_ptr<const chain::Block> block;
  bool committed = false;
};
// The height is decided: finalize and commit the block, then call start() for height + 1.
struct Decide {
  std::uint64_t height = 0;
  Round round = 0;
  std::shared_ptr<const chain::Block> block;
  chain::Commit commit;
};
struct ReportEvidence {
  DuplicateVoteEvidence evidence;
};
using Action = std::variant<SignProposal, SignVote, ScheduleTimeout, PrepareBlock, ValidateBlock, Decide, ReportEvidence>;
using Actions = std::vector<Action>;

// Proposals may be for at most this many rounds ahead of ours (finding their proposer costs
// one rotation step per round); later ones are gossiped again when we get there.
inline constexpr Round kProposalRoundsAheadMax = 8;
// Different proposals kept per round: the first, then only values other validators back.
inline constexpr std::size_t kProposalsPerRoundMax = 4;

class Engine {
 public:
  // `self` is this validator's key; nullopt (or a key outside the set) makes an observer
  // that follows and decides but never proposes or votes.
  Engine(EngineConfig config, std::optional<crypto::PublicKey> self);

  // StartRound(0) of a new height (paper line 10, and line 54 once the shell finalized).
  Actions start(HeightContext context, std::uint64_t now_ms);
  Actions on_proposal(const Proposal& proposal, std::uint64_t now_ms);
  Actions on_vote(const Vote& vote, std::uint64_t now_ms);
  Actions on_timeout(const Timeout& timeout, std::uint64_t now_ms);
  Actions on_block_prepared(Round round, const chain::Block& block, std::uint64_t now_ms);
  Actions on_block_validated(const Hash32& hash, bool valid, std::uint64_t now_ms);
  // A block with a commit for our height learned outside the protocol (block sync). The
  // commit's quorum of precommits stands in for paper line 49's 2f+1 PRECOMMIT messages.
  Actions on_commit(const chain::Block& block, const chain::Commit& commit, std::uint64_t now_ms);

  // --- state, for the shell, gossip and tests ---
  bool started() const { return context_.has_value(); }
  std::uint64_t height() const { return context_ ? context_->height : 0; }
  Round round() const { return round_; }
  Step step() const { return step_; }
  bool decided() const { return decided_; }
  Round locked_round() const { return locked_round_; }
  std::optional<Hash32> locked_value() const { return locked_value_; }
  Round valid_round() const { return valid_round_; }
  std::optional<Hash32> valid_value() const { return valid_value_; }
  const HeightContext& context() const { return *context_; }
  const EngineConfig& config() const { return config_; }
  std::size_t proposer(Round round);
  // Every proposal and vote held for this height (for gossip to peers that lag).
  std::vector<Proposal> proposals() const;
  std::vector<Vote> votes() const;

 private:
  enum class Validity : std::uint8_t { kPending, kValid, kInvalid };
  struct BlockEntry {
    std::shared_ptr<const chain::Block> block;
    Validity validity = Validity::kPending;
  };
  struct ProposalEntry {
    Proposal proposal;  // block stored in blocks_; proposal.block is cleared
    Hash32 hash{};
    bool timely = false;
  };
  struct RoundFlags {
    bool prevote_timeout = false;    // line 34
    bool precommit_timeout = false;  // line 47
    bool polka_seen = false;         // line 36
    bool block_requested = false;    // getValue() asked
    bool proposal_signed = false;    // our proposal for the round went out
  };

  // Paper functions and upon-rules, each one line group of Algorithm 1.
  void start_round(Round round, std::uint64_t now_ms);                       // 11-21
  bool upon_fresh_proposal(std::uint64_t now_ms);                            // 22-27
  bool upon_proposal_with_pol(std::uint64_t now_ms);                         // 28-33
  bool upon_prevote_quorum_any();                                            // 34-35
  bool upon_polka_for_proposal(std::uint64_t now_ms);                        // 36-43
  bool upon_nil_polka(std::uint64_t now_ms);                                 // 44-46
  bool upon_precommit_quorum_any();                                          // 47-48
  bool upon_commit_quorum();                                                 // 49-54
  bool upon_round_skip(std::uint64_t now_ms);                                // 55-56
  void settle(std::uint64_t now_ms);
  bool commit_wait_skippable() const;
  Actions on_late_precommit(const Vote& v, std::uint64_t now_ms);

  void broadcast_vote(VoteType type, const Hash32& value, std::uint64_t now_ms);
  void schedule(Step step);
  Validity validity(const Hash32& hash) const;
  void add_block(const chain::Block& block, bool committed = false);
  bool consensus_fields_valid(const chain::Block& block) const {
    return consensus::consensus_fields_valid(*context_, config_.chain_id, block);
  }
  bool timely(const chain::BlockHeader& header, Round round, std::uint64_t received_ms) const;
  std::uint64_t prevote_power(Round round, const Hash32& value) const;
  bool wanted(const Hash32& hash) const;
  void report_conflict(const Vote& held, const Vote& vote);
  chain::Commit commit_for(Round round, const Hash32& value) const;
  bool is_self(std::size_t index) const { return self_index_ && *self_index_ == index; }
  Actions take();

  EngineConfig config_;
  std::optional<crypto::PublicKey> self_;

  // Height state (reset by start()).
  std::optional<HeightContext> context_;
  std::optional<std::size_t> self_index_;
  std::optional<HeightVotes> votes_;
  std::vector<std::size_t> proposers_;  // proposer of round i, computed on demand
  std::optional<ValidatorSet> rotation_;
  Round round_ = 0;
  Step step_ = Step::kPropose;
  bool decided_ = false;
  std::optional<Hash32> locked_value_;
  Round locked_round_ = kNoRound;
  std::optional<Hash32> valid_value_;
  Round valid_round_ = kNoRound;
  std::map<Round, std::vector<ProposalEntry>> proposals_;
  std::map<Hash32, BlockEntry> blocks_;
  std::map<Round, RoundFlags> flags_;
  std::optional<chain::Commit> synced_commit_;
  std::set<std::tuple<crypto::PublicKey, Round, VoteType>> reported_;
  std::vector<bool> last_signers_;  // members of last_validators whose precommit we hold
  std::size_t last_missing_ = 0;    // members not in last_signers_

  Actions out_;
};

}  // namespace telco::consensus
