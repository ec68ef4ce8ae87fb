// The consensus WAL (records, torn and corrupt tails, files), the last-signed-state guard,
// and the Replica's crash recovery: replay rebuilds the engine, what was signed is resent
// identically, and nothing different is ever signed for a step already signed.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>

#include "consensus/file_storage.h"
#include "consensus/replica.h"
#include "consensus_fixture.h"

namespace telco::consensus {
namespace {

using namespace testing;

std::vector<WalEntry> sample_entries() {
  const ValidatorSet set = make_set();
  const chain::Block b = make_block(set, kGenesisMs + 5, 1, 0);
  return {{1, StartHeight{7}},
          {2, proposal(0, 3, 1, b)},
          {3, vote(2, VoteType::kPrecommit, 3, b.header.hash())},
          {4, Timeout{7, 3, Step::kPrevote}},
          {5, BlockPrepared{3, b}},
          {6, BlockValidated{b.header.hash(), true}},
          {7, CommitReceived{b, chain::Commit{1, 0, b.header.hash(), {}}}}};
}

TEST(ConsensusWal, EveryEventRoundTrips) {
  MemoryLogStorage storage;
  Wal wal(storage);
  for (const WalEntry& e : sample_entries()) wal.append(e);
  const Wal::Recovery r = Wal(storage).recover();
  EXPECT_EQ(r.entries, sample_entries());
  EXPECT_EQ(r.dropped_bytes, 0u);
}

TEST(ConsensusWal, TornTailIsCutAtTheLastWholeRecord) {
  const auto entries = sample_entries();
  for (std::size_t keep = 0; keep < 40; keep += 7) {
    MemoryLogStorage storage;
    Wal wal(storage);
    for (std::size_t i = 0; i < 3; ++i) wal.append(entries[i]);
    wal.sync();
    const std::size_t synced = storage.size();
    wal.append(entries[3]);
    storage.crash(keep, false);
    const Wal::Recovery r = Wal(storage).recover();
    const bool whole = keep >= storage.size() - synced && storage.size() > synced && keep > 0 &&
                       r.entries.size() == 4;
    EXPECT_EQ(r.entries.size(), whole ? 4u : 3u) << "kept " << keep;
    EXPECT_EQ(storage.size(), whole ? storage.size() : synced);
    EXPECT_EQ(Wal(storage).recover().dropped_bytes, 0u) << "the cut is durable";
  }
}

TEST(ConsensusWal, CorruptRecordEndsTheLog) {
  const auto entries = sample_entries();
  MemoryLogStorage storage;
  Wal wal(storage);
  wal.append(entries[0]);
  wal.sync();
  const std::size_t first = storage.size();
  wal.append(entries[2]);
  wal.append(entries[3]);
  storage.crash(storage.unsynced(), true);  // the last byte flipped: its check fails
  const Wal::Recovery r = Wal(storage).recover();
  ASSERT_EQ(r.entries.size(), 2u);
  EXPECT_GT(r.dropped_bytes, 0u);
  EXPECT_GT(storage.size(), first);
}

TEST(ConsensusWal, OversizeLengthEndsTheLog) {
  MemoryLogStorage storage;
  Wal(storage).append(sample_entries()[0]);
  const Bytes huge{0xFF, 0xFF, 0xFF, 0xFF, 0, 0, 0, 0, 0, 0, 0, 0, 1};
  storage.append(huge);
  const Wal::Recovery r = Wal(storage).recover();
  EXPECT_EQ(r.entries.size(), 1u);
  EXPECT_EQ(r.dropped_bytes, huge.size());
}

class TempDir {
 public:
  TempDir() : path_(std::filesystem::temp_directory_path() / ("telco-wal-" + std::to_string(::getpid()))) {
    std::filesystem::remove_all(path_);
    std::filesystem::create_directories(path_);
  }
  ~TempDir() { std::filesystem::remove_all(path_); }
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

TEST(ConsensusWal, FileLogSurvivesReopenAndCutsTornTail) {
  TempDir dir;
  const auto file = dir.path() / "wal";
  const auto entries = sample_entries();
  {
    FileLogStorage storage(file);
    Wal wal(storage);
    for (const WalEntry& e : entries) wal.append(e);
    wal.sync();
  }
  const auto full = std::filesystem::file_size(file);
  std::filesystem::resize_file(file, full - 3);  // a torn last append
  {
    FileLogStorage storage(file);
    const Wal::Recovery r = Wal(storage).recover();
    EXPECT_EQ(r.entries.size(), entries.size() - 1);
    EXPECT_EQ(r.entries.back(), entries[entries.size() - 2]);
    Wal(storage).append(entries.back());
  }
  FileLogStorage storage(file);
  EXPECT_EQ(Wal(storage).recover().entries, entries) << "appending after the cut continues the log";
}

TEST(SignGuard, RefusesConflictsAllowsIdenticalResign) {
  MemoryRecordStorage storage;
  SignGuard guard(storage);
  const ByteView a = as_bytes("vote a");
  EXPECT_TRUE(guard.permit(5, 1, SignStep::kPrevote, a));
  EXPECT_TRUE(guard.permit(5, 1, SignStep::kPrevote, a)) << "identical bytes";
  EXPECT_FALSE(guard.permit(5, 1, SignStep::kPrevote, as_bytes("vote b")));
  EXPECT_TRUE(guard.permit(5, 1, SignStep::kPrecommit, as_bytes("pc")));
  EXPECT_TRUE(guard.permit(5, 1, SignStep::kPrevote, a)) << "an earlier step of the same round, same bytes";
  EXPECT_TRUE(guard.permit(5, 2, SignStep::kPrevote, as_bytes("r2")));
  EXPECT_FALSE(guard.permit(5, 1, SignStep::kPrecommit, as_bytes("pc"))) << "an earlier round";
  EXPECT_FALSE(guard.permit(4, 9, SignStep::kProposal, as_bytes("x"))) << "an earlier height";
  SignGuard reloaded(storage);
  EXPECT_EQ(reloaded.state(), guard.state());
  EXPECT_FALSE(reloaded.permit(5, 2, SignStep::kPrevote, as_bytes("other")));
}

TEST(SignGuard, FileRecordPersistsAndCorruptionRefusesToStart) {
  TempDir dir;
  FileRecordStorage storage(dir.path() / "signed");
  EXPECT_TRUE(SignGuard(storage).permit(3, 0, SignStep::kProposal, as_bytes("p")));
  EXPECT_FALSE(SignGuard(storage).permit(3, 0, SignStep::kProposal, as_bytes("q")));
  storage.replace(as_bytes("garbage"));
  EXPECT_THROW(SignGuard{storage}, StorageError);
}

// --- Replica recovery ---------------------------------------------------------------------

class EmptyBlockApp : public Application {
 public:
  chain::Block prepare_proposal(const chain::BlockHeader& header, const chain::Commit& last_commit) override {
    chain::Block b{header, {}, last_commit};
    b.header.tx_root = chain::tx_root({});
    b.header.state_root[0] = static_cast<std::uint8_t>(header.height);
    return b;
  }
  bool process_proposal(const chain::Block& b) override {
    ++validations;
    return b.txs.empty() && b.header.state_root[0] == static_cast<std::uint8_t>(b.header.height);
  }
  Finalized finalize_block(const chain::Block& b, const chain::Commit&) override { return {b.header.state_root, {}}; }
  void commit() override { ++committed; }
  int validations = 0;
  int committed = 0;
};

class RecordingOutbox : public Outbox {
 public:
  void broadcast(const Proposal& p) override { proposals.push_back(p); }
  void broadcast(const Vote& v) override { votes.push_back(v); }
  void schedule(const Timeout& t, std::uint64_t) override { timeouts.push_back(t); }
  void evidence(const DuplicateVoteEvidence& e) override { evidences.push_back(e); }
  void committed(const chain::Block& b, const chain::Commit& c, const HeightContext& n) override {
    blocks.push_back(b);
    commits.push_back(c);
    next = n;
  }
  std::vector<Proposal> proposals;
  std::vector<Vote> votes;
  std::vector<Timeout> timeouts;
  std::vector<DuplicateVoteEvidence> evidences;
  std::vector<chain::Block> blocks;
  std::vector<chain::Commit> commits;
  std::optional<HeightContext> next;
};

EngineConfig config() { return EngineConfig{kChainId, {}, {}}; }  // commit_ms 1 s: start waits

TEST(Replica, SingleValidatorDecidesAndChains) {
  const ValidatorSet set = make_set({1});
  EmptyBlockApp app;
  RecordingOutbox out;
  MemoryLogStorage wal;
  MemoryRecordStorage guard;
  Replica r(config(), key(0), app, out, wal, guard);
  r.start(genesis_context(set), kGenesisMs + 100);
  EXPECT_EQ(out.timeouts.at(0), (Timeout{1, 0, Step::kNewHeight}));
  r.on_timeout(out.timeouts[0], kGenesisMs + 1'100);
  ASSERT_EQ(out.blocks.size(), 1u) << "one validator decides height 1 at once";
  EXPECT_EQ(verify_commit(set, kChainId, out.commits[0], 1, out.blocks[0].header.hash()), CommitError::kOk);
  EXPECT_EQ(r.engine().height(), 2u);
  ASSERT_TRUE(out.next);
  EXPECT_EQ(out.next->last_commit, out.commits[0]);
  // Height 2 starts after commit_ms; its block carries the previous commit.
  EXPECT_EQ(out.timeouts.back(), (Timeout{2, 0, Step::kNewHeight}));
  r.on_timeout(out.timeouts.back(), kGenesisMs + 2'100);
  ASSERT_GE(out.blocks.size(), 2u);
  EXPECT_EQ(out.blocks[1].last_commit, out.commits[0]);
  EXPECT_EQ(out.blocks[1].header.prev_hash, out.blocks[0].header.hash());
  EXPECT_EQ(app.committed, static_cast<int>(out.blocks.size()));
}

// Two validators of equal power: alone, self cannot decide, so its state stays open.
class ReplicaRecovery : public ::testing::Test {
 protected:
  ValidatorSet set = make_set({1, 1});
  std::size_t self = set.proposer();
  EmptyBlockApp app;
  MemoryLogStorage wal;
  MemoryRecordStorage guard;
  std::uint64_t now = kGenesisMs + 100;

  // Starts (or restarts) the replica; a fresh start is taken past the commit wait.
  std::unique_ptr<Replica> boot(RecordingOutbox& out, std::size_t* cut = nullptr) {
    auto r = std::make_unique<Replica>(config(), key(self), app, out, wal, guard);
    const std::size_t dropped = r->start(genesis_context(set), now);
    if (cut) *cut = dropped;
    if (r->engine().step() == Step::kNewHeight) r->on_timeout({1, 0, Step::kNewHeight}, now);
    return r;
  }
};

TEST_F(ReplicaRecovery, ReplayRestoresStateWithoutResending) {
  RecordingOutbox first;
  auto r = boot(first);
  ASSERT_EQ(first.proposals.size(), 1u);
  ASSERT_EQ(first.votes.size(), 1u);  // its prevote for its own proposal
  EXPECT_EQ(r->engine().step(), Step::kPrevote);
  r.reset();  // a clean stop: every appended record is there

  RecordingOutbox second;
  r = boot(second);
  EXPECT_EQ(r->engine().step(), Step::kPrevote);
  EXPECT_EQ(r->engine().votes().size(), 1u);
  EXPECT_EQ(second.proposals.size(), 0u) << "the logged proposal is not signed again";
  EXPECT_EQ(second.votes.size(), 0u);
  EXPECT_EQ(r->signatures_refused(), 0u);
}

TEST_F(ReplicaRecovery, UnloggedVoteIsResentIdentically) {
  RecordingOutbox first;
  auto r = boot(first);
  const Vote prevote = first.votes.at(0);
  r.reset();
  // The own-vote record was appended after the last sync (which preceded the signature):
  // a crash loses it, and replay asks for the same vote again.
  wal.crash(0, false);
  RecordingOutbox second;
  r = boot(second);
  ASSERT_EQ(second.votes.size(), 1u);
  EXPECT_EQ(second.votes[0], prevote) << "same bytes, same deterministic signature";
  EXPECT_EQ(r->signatures_refused(), 0u);
}

TEST_F(ReplicaRecovery, LostWalNeverDoubleSigns) {
  RecordingOutbox first;
  auto r = boot(first);
  r.reset();
  wal.truncate(0);  // the whole WAL is gone; the guard remains
  now += 1'000;     // so a fresh proposal would differ
  RecordingOutbox second;
  r = boot(second);
  EXPECT_TRUE(second.proposals.empty());
  EXPECT_TRUE(second.votes.empty());
  EXPECT_EQ(r->signatures_refused(), 1u) << "the new proposal differs from the one signed";
}

TEST_F(ReplicaRecovery, TornTailIsReported) {
  RecordingOutbox first;
  auto r = boot(first);
  r->on_vote(vote(1 - self, VoteType::kPrevote, 0, kNilHash), now);  // logged, not synced
  r.reset();
  wal.crash(5, false);
  RecordingOutbox second;
  std::size_t dropped = 0;
  r = boot(second, &dropped);
  EXPECT_EQ(dropped, 5u);
}

}  // namespace
}  // namespace telco::consensus
