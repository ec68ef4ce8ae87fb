// Replica::on_commits: block sync applying many heights at once. Checks that a run is
// applied whole up to its first bad block, that nothing of the run is logged, that the
// application syncs once per run, and that a bad block leaves the engine and the WAL as if
// it never came.
#include <gtest/gtest.h>

#include <map>

#include "consensus/replica.h"
#include "consensus/storage.h"
#include "consensus_fixture.h"

namespace telco::consensus {
namespace {

using namespace testing;

// Valid blocks carry state_root[0] = height (the application's whole "execution").
class SyncApp : public Application {
 public:
  chain::Block prepare_proposal(const chain::BlockHeader& header, const chain::Commit& last_commit) override {
    return chain::Block{header, {}, last_commit};
  }
  bool process_proposal(const chain::Block& b) override {
    ++validations;
    return b.header.state_root[0] == static_cast<std::uint8_t>(b.header.height);
  }
  Finalized finalize_block(const chain::Block& b, const chain::Commit&) override {
    finalized.push_back(b.header.height);
    const auto it = updates.find(b.header.height);
    return {b.header.state_root, it == updates.end() ? std::vector<ValidatorUpdate>{} : it->second};
  }
  std::map<std::uint64_t, std::vector<ValidatorUpdate>> updates;  // returned at that height
  void commit() override { ++committed; }
  void commit_deferred() override { ++deferred; }
  void sync() override { ++syncs; }
  int validations = 0;
  int committed = 0;
  int deferred = 0;
  int syncs = 0;
  std::vector<std::uint64_t> finalized;
};

class NullOutbox : public Outbox {
 public:
  void broadcast(const Proposal&) override { ++signed_messages; }
  void broadcast(const Vote&) override { ++signed_messages; }
  void schedule(const Timeout& t, std::uint64_t) override { timeouts.push_back(t); }
  void evidence(const DuplicateVoteEvidence&) override {}
  void committed(const chain::Block& b, const chain::Commit&, const HeightContext& next) override {
    heights.push_back(b.header.height);
    last_next = next;
  }
  int signed_messages = 0;
  std::vector<Timeout> timeouts;
  std::vector<std::uint64_t> heights;
  std::optional<HeightContext> last_next;
};

// A chain of `n` blocks from height 1, each with a commit of validators 0, 1 and 2.
struct Chain {
  std::vector<chain::Block> blocks;
  std::vector<chain::Commit> commits;
};

chain::Commit commit_for(const chain::Block& b, std::vector<std::size_t> signers = {0, 1, 2}) {
  chain::Commit c{b.header.height, 0, b.header.hash(), {}};
  for (std::size_t i : signers) {
    const Vote v = vote(i, VoteType::kPrecommit, 0, b.header.hash(), b.header.height);
    c.signatures.push_back({v.validator, v.time_ms, v.signature});
  }
  return c;
}

// `set_at(h)` is the set that signs height h (its hash goes in the header).
template <typename SetAt>
Chain make_chain(SetAt set_at, std::size_t n, std::map<std::uint64_t, std::vector<std::size_t>> signers = {}) {
  Chain out;
  Hash32 prev{};
  chain::Commit last;
  for (std::uint64_t h = 1; h <= n; ++h) {
    chain::Block b;
    b.header.chain_id = kChainId;
    b.header.height = h;
    b.header.time_ms = kGenesisMs + h * 1'000;
    b.header.prev_hash = prev;
    b.last_commit = last;
    b.header.last_commit_hash = last.hash();
    const ValidatorSet& set = set_at(h);
    b.header.validators_hash = set.hash();
    b.header.proposer = crypto::Address::from_public_key(set.at(h % set.size()).key);
    b.header.state_root[0] = static_cast<std::uint8_t>(h);
    b.header.tx_root = chain::tx_root({});
    last = signers.contains(h) ? commit_for(b, signers[h]) : commit_for(b);
    prev = b.header.hash();
    out.blocks.push_back(std::move(b));
    out.commits.push_back(last);
  }
  return out;
}

Chain make_chain(const ValidatorSet& set, std::size_t n) {
  return make_chain([&](std::uint64_t) -> const ValidatorSet& { return set; }, n);
}

std::vector<Replica::SyncedBlock> run_of(const Chain& c, std::size_t from, std::size_t to) {
  std::vector<Replica::SyncedBlock> run;
  for (std::size_t i = from; i < to; ++i) run.push_back({&c.blocks[i], &c.commits[i], std::nullopt});
  return run;
}

class SyncRun : public ::testing::Test {
 protected:
  ValidatorSet set = make_set();
  Chain chain = make_chain(set, 12);
  SyncApp app;
  NullOutbox out;
  MemoryLogStorage wal;
  MemoryRecordStorage guard;
  std::uint64_t now = kGenesisMs + 100'000;
  // Validator 3 is in the set: a lagging validator syncing, which must sign nothing old.
  std::unique_ptr<Replica> replica = std::make_unique<Replica>(EngineConfig{kChainId, {}, {}}, key(3), app, out, wal,
                                                              guard);

  void SetUp() override { replica->start(genesis_context(set), now); }

  std::vector<WalEntry> logged() { return Wal(wal).recover().entries; }
};

TEST_F(SyncRun, AppliesAWholeRunWithOneSyncAndOneWalStart) {
  const auto run = run_of(chain, 0, 10);
  EXPECT_EQ(replica->on_commits(run, now), 10u);
  EXPECT_EQ(replica->engine().height(), 11u);
  EXPECT_EQ(app.deferred, 10);
  EXPECT_EQ(app.committed, 0);
  EXPECT_EQ(app.syncs, 1) << "one sync for the whole run";
  EXPECT_EQ(out.heights, (std::vector<std::uint64_t>{1, 2, 3, 4, 5, 6, 7, 8, 9, 10}));
  EXPECT_EQ(out.signed_messages, 0) << "nothing of a synced height is signed";
  ASSERT_TRUE(out.last_next);
  EXPECT_EQ(out.last_next->last_commit, chain.commits[9]);
  EXPECT_EQ(out.last_next->prev_hash, chain.blocks[9].header.hash());
  const auto entries = logged();
  ASSERT_EQ(entries.size(), 1u) << "the WAL holds the new height's start and nothing of the run";
  const auto* start = std::get_if<StartHeight>(&entries[0].event);
  ASSERT_NE(start, nullptr);
  EXPECT_EQ(start->height, 11u);
  // The chain goes on from there, one block at a time.
  replica->on_commit(chain.blocks[10], chain.commits[10], now);
  EXPECT_EQ(replica->engine().height(), 12u);
  EXPECT_EQ(app.committed, 1);
}

TEST_F(SyncRun, StopsAtAForgedCommitAndKeepsWhatCameBefore) {
  chain.commits[4].signatures[1].signature[0] ^= 1;
  const auto run = run_of(chain, 0, 10);
  EXPECT_EQ(replica->on_commits(run, now), 4u);
  EXPECT_EQ(replica->engine().height(), 5u);
  EXPECT_EQ(app.syncs, 1);
  EXPECT_EQ(app.finalized.back(), 4u);
  // The refused block is not in the engine: the right one for height 5 is taken.
  chain.commits[4] = commit_for(chain.blocks[4]);
  EXPECT_EQ(replica->on_commits(run_of(chain, 4, 10), now), 6u);
  EXPECT_EQ(replica->engine().height(), 11u);
}

TEST_F(SyncRun, StopsAtTooLittlePowerAndAtABlockThatDoesNotExecute) {
  chain.commits[2] = commit_for(chain.blocks[2], {0, 1});  // two of four: no quorum
  EXPECT_EQ(replica->on_commits(run_of(chain, 0, 10), now), 2u);
  EXPECT_EQ(replica->engine().height(), 3u);

  // A block whose execution result differs from its header is refused by the application,
  // even with a valid commit (more than 1/3 of the set would have to be faulty).
  Chain bad = make_chain(set, 12);
  bad.blocks[2].header.state_root[0] = 99;
  bad.commits[2] = commit_for(bad.blocks[2]);
  EXPECT_EQ(replica->on_commits(run_of(bad, 2, 10), now), 0u);
  EXPECT_EQ(replica->engine().height(), 3u);
}

TEST_F(SyncRun, AFirstBadBlockChangesNothing) {
  const auto before = logged();
  chain.commits[0].signatures.clear();
  EXPECT_EQ(replica->on_commits(run_of(chain, 0, 5), now), 0u);
  EXPECT_EQ(replica->engine().height(), 1u);
  EXPECT_EQ(app.syncs, 0);
  EXPECT_EQ(app.validations, 0);
  EXPECT_EQ(logged(), before) << "the WAL of the current height is untouched";
}

TEST_F(SyncRun, BlocksOutOfOrderOrOfAnotherChainAreRefused) {
  EXPECT_EQ(replica->on_commits(run_of(chain, 1, 5), now), 0u) << "height 2 while at height 1";
  auto run = run_of(chain, 0, 5);
  std::swap(run[2], run[3]);
  EXPECT_EQ(replica->on_commits(run, now), 2u) << "a gap stops the run";
  // A commit for another block at the right height.
  chain::Commit swapped = commit_for(chain.blocks[3]);
  run = run_of(chain, 2, 5);
  run[0].commit = &swapped;
  EXPECT_EQ(replica->on_commits(run, now), 0u);
  EXPECT_EQ(replica->engine().height(), 3u);
}

TEST_F(SyncRun, APrecheckedCommitIsTrustedOnlyForTheSetItWasCheckedAgainst) {
  chain.commits[0].signatures[0].signature[0] ^= 1;
  auto run = run_of(chain, 0, 3);
  run[0].commit_verified = Hash32{};  // "checked" against some other set: checked again
  EXPECT_EQ(replica->on_commits(run, now), 0u);
  // Against this set, the caller's word stands (it ran verify_commit itself).
  run[0].commit_verified = set.hash();
  EXPECT_EQ(replica->on_commits(run, now), 3u);
}

// Block 3 removes validator 3: heights from 4 are signed by a set of three. Commits checked
// ahead against the old set are checked again against the new one, so a commit that has
// the old set's quorum only because validator 3 signed it is refused.
TEST_F(SyncRun, ASetChangeInsideARunIsCheckedAgainstTheNewSet) {
  app.updates[3] = {ValidatorUpdate{key(3).public_key(), 0, "v3"}};
  const ValidatorSet smaller = *set.next(app.updates[3]);
  ASSERT_NE(smaller.hash(), set.hash());
  auto set_at = [&](std::uint64_t h) -> const ValidatorSet& { return h <= 3 ? set : smaller; };
  Chain c = make_chain(set_at, 8, {{6, {0, 1, 3}}});
  std::vector<Replica::SyncedBlock> run = run_of(c, 0, 8);
  for (std::size_t i = 0; i < run.size(); ++i) {
    // What the node's parallel pre-check says: every commit has the old set's quorum.
    ASSERT_EQ(verify_commit(set, kChainId, c.commits[i], i + 1, c.blocks[i].header.hash()), CommitError::kOk);
    run[i].commit_verified = set.hash();
  }
  EXPECT_EQ(replica->on_commits(run, now), 5u) << "heights 1-5 apply; 6 lacks the new set's quorum";
  EXPECT_EQ(replica->engine().height(), 6u);
  EXPECT_EQ(replica->engine().context().validators.hash(), smaller.hash());
}

TEST_F(SyncRun, RestartAfterARunResumesAtTheNewHeight) {
  EXPECT_EQ(replica->on_commits(run_of(chain, 0, 6), now), 6u);
  const HeightContext next = *out.last_next;
  replica.reset();
  NullOutbox again;
  Replica restarted(EngineConfig{kChainId, {}, {}}, key(3), app, again, wal, guard);
  restarted.start(next, now + 1);
  EXPECT_EQ(restarted.engine().height(), 7u);
  EXPECT_EQ(again.signed_messages, 0);
  EXPECT_EQ(restarted.on_commits(run_of(chain, 6, 12), now + 2), 6u);
  EXPECT_EQ(restarted.engine().height(), 13u);
}

}  // namespace
}  // namespace telco::consensus
