// The p2p host's policy pieces without sockets, on an injected clock and random source:
// token buckets, reconnect backoff, scores and bans, send queues (bounds, overflow policy,
// weighted fairness) and the address book (bounds, persistence, bad files).
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <random>

#include "p2p/address_book.h"
#include "p2p/backoff.h"
#include "p2p/envelope.h"
#include "p2p/peer_scores.h"
#include "p2p/rate_limiter.h"
#include "p2p/send_queue.h"

namespace telco::p2p {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

NodeId id(std::uint8_t n) {
  NodeId out{};
  out.fill(n);
  return out;
}

RandomSource seeded(std::uint64_t seed) {
  auto rng = std::make_shared<std::mt19937_64>(seed);
  return [rng] { return (*rng)(); };
}

TEST(P2pTokenBucket, BurstThenRateThenDebt) {
  const auto t0 = Clock::now();
  TokenBucket b(1000, 500, t0);  // 1000/s, burst 500
  b.consume(500, t0);
  EXPECT_EQ(b.wait_time(t0), Clock::duration::zero());
  b.consume(250, t0);  // 250 in debt
  EXPECT_NEAR(std::chrono::duration<double>(b.wait_time(t0)).count(), 0.25, 1e-6);
  EXPECT_EQ(b.wait_time(t0 + 250ms), Clock::duration::zero());
  // Refill stops at the burst.
  EXPECT_DOUBLE_EQ(b.tokens(t0 + 10s), 500);
  TokenBucket unlimited(0, 0, t0);
  unlimited.consume(1e12, t0);
  EXPECT_EQ(unlimited.wait_time(t0), Clock::duration::zero());
}

TEST(P2pBackoff, GrowsWithJitterUpToTheCap) {
  Backoff b(100ms, 1000ms);
  auto random = seeded(1);
  std::vector<std::int64_t> waits;
  for (int i = 0; i < 8; ++i) waits.push_back(b.next(random).count());
  // n-th wait in [d/2, d], d = min(1000, 100 * 2^n)
  for (int i = 0; i < 8; ++i) {
    const std::int64_t d = std::min<std::int64_t>(1000, 100LL << i);
    EXPECT_GE(waits[i], d / 2) << i;
    EXPECT_LE(waits[i], d) << i;
  }
  b.reset();
  EXPECT_LE(b.next(random).count(), 100);
  // Same seed, same waits: reproducible.
  Backoff c(100ms, 1000ms), d(100ms, 1000ms);
  auto r1 = seeded(9), r2 = seeded(9);
  for (int i = 0; i < 5; ++i) EXPECT_EQ(c.next(r1), d.next(r2));
  // Many failures do not overflow.
  Backoff e(1ms, 60'000ms);
  for (int i = 0; i < 200; ++i) EXPECT_LE(e.next(random).count(), 60'000);
}

TEST(P2pScores, MalformedBansAtOnceInvalidAtTheThirdAndScoresDecay) {
  const auto t0 = Clock::now();
  PeerScores s(10min);
  EXPECT_TRUE(s.penalize(id(1), PeerFault::kMalformed, t0));
  EXPECT_TRUE(s.banned(id(1), t0 + 9min));
  EXPECT_FALSE(s.penalize(id(2), PeerFault::kInvalid, t0));
  EXPECT_FALSE(s.penalize(id(2), PeerFault::kInvalid, t0));
  EXPECT_TRUE(s.penalize(id(2), PeerFault::kInvalid, t0));
  // Spread out, the same faults are forgiven: 34 points decay in ~3.4 minutes.
  const auto t1 = t0 + 1h;
  for (int i = 0; i < 10; ++i) EXPECT_FALSE(s.penalize(id(3), PeerFault::kInvalid, t1 + i * 4min));
  EXPECT_NEAR(s.score(id(3), t1 + 36min), 34, 1e-6);
  EXPECT_EQ(s.score(id(4), t1), 0);
  EXPECT_EQ(s.bans(t0 + 1min), 2u);
  EXPECT_FALSE(s.banned(id(1), t0 + 10min));  // temporary
  EXPECT_EQ(s.bans(t0 + 10min), 0u);
}

TEST(P2pScores, TablesStayBounded) {
  PeerScores s(1h);
  const auto t0 = Clock::now();
  for (std::size_t i = 0; i < kBansMax + 10; ++i) {
    NodeId n{};
    n[0] = static_cast<std::uint8_t>(i);
    n[1] = static_cast<std::uint8_t>(i >> 8);
    s.ban(n, t0 + std::chrono::milliseconds(i));
  }
  EXPECT_EQ(s.bans(t0), kBansMax);
}

ChannelTable two_channels(OverflowPolicy overflow = OverflowPolicy::kDropNewest) {
  ChannelTable t;
  ChannelConfig votes{.id = 2, .priority = 4, .message_bytes_max = 100'000, .queue_messages_max = 1000,
                      .queue_bytes_max = 20'000'000};
  ChannelConfig sync{.id = 5, .priority = 1, .message_bytes_max = 100'000, .queue_messages_max = 3,
                     .queue_bytes_max = 250'000, .overflow = overflow};
  EXPECT_FALSE(t.add_all({votes, sync}).has_value());
  return t;
}

SharedMessage message(std::size_t n) { return std::make_shared<const Bytes>(Bytes(n, 0x5a)); }

TEST(P2pSendQueues, BoundsAndOverflowPolicies) {
  const ChannelTable drop = two_channels();
  SendQueues q(drop);
  EXPECT_EQ(q.push(9, message(1)), QueueResult::kUnknownChannel);
  EXPECT_EQ(q.push(5, message(100'001)), QueueResult::kTooLarge);
  for (int i = 0; i < 3; ++i) EXPECT_EQ(q.push(5, message(10)), QueueResult::kQueued);
  EXPECT_EQ(q.push(5, message(10)), QueueResult::kFull);  // 3 messages max
  SendQueues bytes(drop);
  EXPECT_EQ(bytes.push(5, message(100'000)), QueueResult::kQueued);
  EXPECT_EQ(bytes.push(5, message(100'000)), QueueResult::kQueued);
  EXPECT_EQ(bytes.push(5, message(60'000)), QueueResult::kFull);  // 250,000 bytes max
  EXPECT_EQ(bytes.depths()[1].dropped, 1u);
  EXPECT_EQ(bytes.bytes_queued(), 200'000u);

  const ChannelTable strict = two_channels(OverflowPolicy::kDisconnect);
  SendQueues d(strict);
  for (int i = 0; i < 3; ++i) EXPECT_EQ(d.push(5, message(10)), QueueResult::kQueued);
  EXPECT_EQ(d.push(5, message(10)), QueueResult::kOverflowDisconnect);
}

TEST(P2pSendQueues, FragmentsInOrderAndAccountingReturnsToZero) {
  const ChannelTable t = two_channels();
  SendQueues q(t);
  const std::size_t n = 2 * kFragmentChunkBytesMax + 7;
  ASSERT_EQ(q.push(5, message(n)), QueueResult::kQueued);
  std::size_t offset = 0;
  int fragments = 0;
  while (auto f = q.next()) {
    EXPECT_EQ(f->offset, offset);
    offset += f->size;
    ++fragments;
    EXPECT_EQ(f->last, offset == n);
  }
  EXPECT_EQ(fragments, 3);
  EXPECT_TRUE(q.empty());
  EXPECT_EQ(q.bytes_queued(), 0u);
  EXPECT_EQ(q.depths()[1].messages, 0u);
}

TEST(P2pSendQueues, WeightedFairShareAndNoStarvation) {
  const ChannelTable t = two_channels();
  SendQueues q(t);
  // Block sync (priority 1) has 3 large messages queued; votes (priority 4) a steady stream.
  for (int i = 0; i < 3; ++i) ASSERT_EQ(q.push(5, message(4 * kFragmentChunkBytesMax)), QueueResult::kQueued);
  for (int i = 0; i < 1000; ++i) ASSERT_EQ(q.push(2, message(kFragmentChunkBytesMax)), QueueResult::kQueued);
  std::map<ChannelId, std::size_t> bytes;
  for (int i = 0; i < 50; ++i) {  // 12 block-sync fragments are queued; 10 are due in 50
    auto f = q.next();
    ASSERT_TRUE(f);
    bytes[f->channel] += f->size;
  }
  // 4:1 by bytes while both have data; block sync still makes progress.
  EXPECT_NEAR(static_cast<double>(bytes[2]) / static_cast<double>(bytes[5]), 4.0, 0.3);
  // A channel that was idle does not get a burst of saved-up credit.
  SendQueues r(t);
  for (int i = 0; i < 200; ++i) ASSERT_EQ(r.push(2, message(1000)), QueueResult::kQueued);
  for (int i = 0; i < 150; ++i) r.next();
  ASSERT_EQ(r.push(5, message(1000)), QueueResult::kQueued);
  ASSERT_EQ(r.push(5, message(1000)), QueueResult::kQueued);
  int first_sync = -1;
  for (int i = 0; i < 10; ++i) {
    if (r.next()->channel == 5 && first_sync < 0) first_sync = i;
  }
  EXPECT_GE(first_sync, 0);
  EXPECT_LE(first_sync, 1);
}

// ---- address book -------------------------------------------------------------------------

struct TempDir {
  std::filesystem::path path;
  TempDir() {
    path = std::filesystem::temp_directory_path() / ("p2p-book-" + std::to_string(::getpid()) + "-" +
                                                     std::to_string(Clock::now().time_since_epoch().count()));
    std::filesystem::create_directories(path);
  }
  ~TempDir() { std::filesystem::remove_all(path); }
};

PeerAddress addr(std::uint8_t n, std::uint16_t port = 26656) { return PeerAddress{id(n), "10.0.0." + std::to_string(n), port}; }

TEST(P2pAddressBook, PersistsAndReloads) {
  TempDir dir;
  const auto file = dir.path / "addrbook.json";
  {
    AddressBook book(file, 100);
    EXPECT_FALSE(book.load());  // missing file: empty, no error
    EXPECT_TRUE(book.add(addr(1), AddressBook::AddMode::kKeep));
    EXPECT_TRUE(book.add(addr(2), AddressBook::AddMode::kKeep));
    book.mark_success(addr(3, 9000), 1'700'000'000'000);
    EXPECT_FALSE(book.mark_failure(id(2), Clock::now(), seeded(1)));
    EXPECT_FALSE(book.save());
  }
  AddressBook again(file, 100);
  EXPECT_FALSE(again.load());
  ASSERT_EQ(again.size(), 3u);
  EXPECT_EQ(again.find(id(3))->address, addr(3, 9000));
  EXPECT_EQ(again.find(id(3))->last_success_ms, 1'700'000'000'000);
  EXPECT_EQ(again.find(id(2))->failures, 1u);
  EXPECT_FALSE(again.add(PeerAddress{std::nullopt, "h", 1}, AddressBook::AddMode::kKeep));
}

TEST(P2pAddressBook, KeepDoesNotOverwriteReplaceDoes) {
  AddressBook book("", 10);
  ASSERT_TRUE(book.add(addr(1), AddressBook::AddMode::kKeep));
  PeerAddress moved = addr(1);
  moved.host = "evil.example";
  book.add(moved, AddressBook::AddMode::kKeep);
  EXPECT_EQ(book.find(id(1))->address.host, "10.0.0.1");
  book.add(moved, AddressBook::AddMode::kReplace);
  EXPECT_EQ(book.find(id(1))->address.host, "evil.example");
}

TEST(P2pAddressBook, BoundedAndFloodingCannotEvictGoodAddresses) {
  AddressBook book("", 3);
  for (std::uint8_t i = 1; i <= 3; ++i) book.mark_success(addr(i), 1000 + i);
  EXPECT_FALSE(book.add(addr(9), AddressBook::AddMode::kKeep));  // all three worked: keep them
  EXPECT_EQ(book.size(), 3u);
  const auto now = Clock::now();
  EXPECT_FALSE(book.mark_failure(id(2), now, seeded(2)));
  EXPECT_TRUE(book.add(addr(9), AddressBook::AddMode::kKeep));  // the failing one makes room
  EXPECT_EQ(book.size(), 3u);
  EXPECT_EQ(book.find(id(2)), nullptr);
  // Retry waits, then forgetting after kAddressFailuresMax.
  auto never = [](const NodeId&) { return false; };
  EXPECT_FALSE(book.mark_failure(id(9), now, seeded(3)));
  const auto c = book.candidates(10, now, never, seeded(4));
  EXPECT_EQ(c.size(), 2u);  // 9 waits for its retry time
  EXPECT_EQ(book.candidates(10, now + kAddressRetryMax, never, seeded(4)).size(), 3u);
  for (std::uint32_t i = 1; i < kAddressFailuresMax - 1; ++i) EXPECT_FALSE(book.mark_failure(id(9), now, seeded(i)));
  EXPECT_TRUE(book.mark_failure(id(9), now, seeded(99)));
  EXPECT_EQ(book.find(id(9)), nullptr);
  // sample skips the asker and caps the count.
  const auto s = book.sample(1, id(1), seeded(5));
  ASSERT_EQ(s.size(), 1u);
  EXPECT_NE(*s[0].id, id(1));
}

TEST(P2pAddressBook, BadFilesAreReportedAndSkipped) {
  TempDir dir;
  const auto file = dir.path / "addrbook.json";
  std::ofstream(file) << "not json";
  AddressBook a(file, 10);
  EXPECT_TRUE(a.load());
  EXPECT_EQ(a.size(), 0u);
  std::ofstream(file, std::ios::trunc)
      << R"({"version":1,"addresses":[{"id":")" << node_id_hex(id(1))
      << R"(","host":"ok","port":1},{"id":"zz","host":"h","port":1},{"id":")" << node_id_hex(id(2))
      << R"(","host":"bad host","port":1},{"id":")" << node_id_hex(id(3)) << R"(","host":"h","port":70000}]})";
  AddressBook b(file, 10);
  const auto warning = b.load();
  ASSERT_TRUE(warning);
  EXPECT_NE(warning->find("skipped 3"), std::string::npos) << *warning;
  EXPECT_EQ(b.size(), 1u);
  // Over capacity: the excess is skipped.
  AddressBook small(file, 1);
  small.load();
  EXPECT_EQ(small.size(), 1u);
}

}  // namespace
}  // namespace telco::p2p
