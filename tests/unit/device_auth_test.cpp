// modules/device/auth and challenge_table: challenge-response against the committed record
// and fleet paths; replayed, expired, rotated-key and reported-device answers refused;
// signed readings verified in an anchored batch.
#include <gtest/gtest.h>

#include <algorithm>
#include <deque>
#include <map>
#include <random>
#include <vector>

#include "device_fixture.h"
#include "modules/device/challenge_table.h"

namespace telco::test {
namespace {

using chain::ResultCode;
using namespace modules::device;

class DeviceAuth : public DeviceFixture {
 protected:
  Challenge challenge(std::uint32_t n, std::uint8_t nonce_byte = 1) {
    Challenge c{chain_id_, "attach", {}, "gnb-0042", time_ms() + 30'000, device_id(n)};
    c.nonce.fill(nonce_byte);
    return c;
  }
  AuthOutcome verify(const Challenge& c, const crypto::Signature& sig, std::uint32_t n) {
    return verify_answer(chain_id_, c, sig, load_device(view_, device_id(n)), time_ms());
  }
};

TEST_F(DeviceAuth, ActiveDeviceAnswersWithItsKey) {
  register_device(7);
  const Challenge c = challenge(7);
  EXPECT_EQ(verify(c, answer_challenge(device_keypair(7), c), 7), AuthOutcome::kOk);
  EXPECT_EQ(verify(c, answer_challenge(device_keypair(8), c), 7), AuthOutcome::kBadSignature);
  EXPECT_EQ(verify(challenge(9), answer_challenge(device_keypair(9), challenge(9)), 9),
            AuthOutcome::kUnknownDevice);
}

TEST_F(DeviceAuth, SignatureCoversEveryField) {
  register_device(7);
  const Challenge c = challenge(7);
  const crypto::Signature sig = answer_challenge(device_keypair(7), c);
  Challenge p = c;
  p.purpose = "login";
  EXPECT_EQ(verify(p, sig, 7), AuthOutcome::kBadSignature);
  Challenge v = c;
  v.verifier_id = "gnb-0043";
  EXPECT_EQ(verify(v, sig, 7), AuthOutcome::kBadSignature);
  Challenge n = c;
  n.nonce[31] ^= 1;
  EXPECT_EQ(verify(n, sig, 7), AuthOutcome::kBadSignature);
  Challenge e = c;
  e.expires_ms += 1;
  EXPECT_EQ(verify(e, sig, 7), AuthOutcome::kBadSignature);
  Challenge ch = c;
  ch.chain_id = "other";
  EXPECT_EQ(verify(ch, answer_challenge(device_keypair(7), ch), 7), AuthOutcome::kWrongChain);
}

TEST_F(DeviceAuth, ExpiredChallengeRefused) {
  register_device(7);
  const Challenge c = challenge(7);
  const auto sig = answer_challenge(device_keypair(7), c);
  EXPECT_EQ(verify_answer(chain_id_, c, sig, device(7), c.expires_ms), AuthOutcome::kOk);
  EXPECT_EQ(verify_answer(chain_id_, c, sig, device(7), c.expires_ms + 1), AuthOutcome::kExpired);
}

TEST_F(DeviceAuth, RotatedKeyNoLongerAuthenticates) {
  register_device(7);
  ASSERT_EQ(submit(3, DeviceRotateKey{device_id(7), device_keypair(8).public_key(), std::nullopt}),
            ResultCode::kOk);
  const Challenge c = challenge(7);
  EXPECT_EQ(verify(c, answer_challenge(device_keypair(7), c), 7), AuthOutcome::kBadSignature);
  EXPECT_EQ(verify(c, answer_challenge(device_keypair(8), c), 7), AuthOutcome::kOk);
}

TEST_F(DeviceAuth, StatusDecidesBeforeTheSignature) {
  for (std::uint32_t n : {7u, 8u, 9u, 10u}) register_device(n);
  ASSERT_EQ(submit(2, DeviceSetStatus{device_id(7), DeviceStatus::kSuspended}), ResultCode::kOk);
  ASSERT_EQ(submit(3, DeviceReport{device_id(8), DeviceStatus::kStolen}), ResultCode::kOk);
  ASSERT_EQ(submit(3, DeviceReport{device_id(9), DeviceStatus::kLost}), ResultCode::kOk);
  ASSERT_EQ(submit(3, DeviceRevoke{device_id(10), {}}), ResultCode::kOk);
  const std::pair<std::uint32_t, AuthOutcome> expected[] = {{7, AuthOutcome::kSuspended},
                                                            {8, AuthOutcome::kStolen},
                                                            {9, AuthOutcome::kLost},
                                                            {10, AuthOutcome::kRevoked}};
  for (const auto& [n, outcome] : expected) {
    const Challenge c = challenge(n);
    EXPECT_EQ(verify(c, answer_challenge(device_keypair(static_cast<std::uint8_t>(n)), c), n), outcome);
  }
}

TEST_F(DeviceAuth, ChallengeTableIsSingleUseAndBounded) {
  ChallengeTable table(2);
  const Challenge a = challenge(7, 1), b = challenge(7, 2), c = challenge(7, 3), d = challenge(7, 4);
  ASSERT_TRUE(table.issue(a, time_ms()));
  EXPECT_FALSE(table.issue(a, time_ms()));  // a nonce is issued once
  ASSERT_TRUE(table.issue(b, time_ms()));
  EXPECT_FALSE(table.issue(c, time_ms()));  // two unexpired challenges outstanding: full
  EXPECT_EQ(table.consume(a, time_ms()), AuthOutcome::kOk);
  EXPECT_EQ(table.consume(a, time_ms()), AuthOutcome::kNonceUsed);  // the replay
  EXPECT_FALSE(table.issue(a, time_ms()));  // nor is an answered nonce issued again
  // The answer freed a's room; its replay is still told apart.
  EXPECT_TRUE(table.issue(c, time_ms()));
  EXPECT_EQ(table.outstanding(), 2u);
  EXPECT_EQ(table.answered(), 1u);
  EXPECT_EQ(table.check(a, time_ms()), AuthOutcome::kNonceUsed);
  Challenge altered = b;
  altered.expires_ms += 60'000;
  EXPECT_EQ(table.consume(altered, time_ms()), AuthOutcome::kNonceUnknown);
  // Every other field counts too: the answer must be to the challenge issued.
  for (auto alter : {+[](Challenge& x) { x.chain_id += "x"; }, +[](Challenge& x) { x.purpose = "login"; },
                     +[](Challenge& x) { x.verifier_id += "2"; }, +[](Challenge& x) { x.id_hash[5] ^= 1; }}) {
    Challenge other = b;
    alter(other);
    EXPECT_EQ(table.check(other, time_ms()), AuthOutcome::kNonceUnknown);
  }
  EXPECT_EQ(table.consume(d, time_ms()), AuthOutcome::kNonceUnknown);
  EXPECT_EQ(table.consume(b, b.expires_ms + 1), AuthOutcome::kExpired);
  EXPECT_EQ(table.consume(b, b.expires_ms + 1), AuthOutcome::kNonceUnknown);
  // Past their expiry, outstanding and answered entries are forgotten.
  EXPECT_TRUE(table.issue(d, a.expires_ms + 1));
  EXPECT_EQ(table.answered(), 0u);
  EXPECT_EQ(table.outstanding(), 1u);
}

TEST_F(DeviceAuth, ChallengeTableForgetsTheEarliestAnsweredWhenItsAnsweredSetIsFull) {
  ChallengeTable table(4, 2);
  const Challenge a = challenge(7, 1), b = challenge(7, 2), c = challenge(7, 3);
  for (const Challenge& x : {a, b, c}) {
    ASSERT_TRUE(table.issue(x, time_ms()));
    ASSERT_EQ(table.consume(x, time_ms()), AuthOutcome::kOk);
  }
  EXPECT_EQ(table.answered(), 2u);
  // a was forgotten: its replay is still refused, as a nonce never issued.
  EXPECT_EQ(table.consume(a, time_ms()), AuthOutcome::kNonceUnknown);
  EXPECT_EQ(table.consume(b, time_ms()), AuthOutcome::kNonceUsed);
  EXPECT_EQ(table.consume(c, time_ms()), AuthOutcome::kNonceUsed);
}

// The table against a plain model (maps swept of expired entries before each issue, the
// answered set evicted in answer order), over random issues (single and all-or-nothing
// batches), answers and clock steps at small bounds: every outcome the same, and neither
// bound ever exceeded however long it runs full.
// The model keys on the nonce's last byte. With `shared_prefixes` the first 8 bytes (the
// table's hash) take only three values, so most nonces collide in the table and its probe
// runs, backward-shift deletions and expiry by prefix are exercised hard.
void run_challenge_table_model(bool shared_prefixes) {
  const auto set_nonce = [&](Challenge& c, std::uint8_t nb) {
    c.nonce.fill(nb);
    if (shared_prefixes) std::fill(c.nonce.begin(), c.nonce.begin() + 8, static_cast<std::uint8_t>(nb % 3));
  };
  for (std::uint32_t seed = 1; seed <= 20; ++seed) {
    std::mt19937 rng(seed);
    constexpr std::size_t kCap = 16, kUsedCap = 8;
    ChallengeTable table(kCap, kUsedCap);
    std::map<std::uint8_t, Challenge> model;  // nonce byte -> challenge, outstanding or answered
    std::map<std::uint8_t, bool> used;
    std::deque<std::pair<std::uint8_t, std::uint64_t>> answered;  // (nonce, expiry) in answer order; may be stale
    const auto outstanding = [&] {
      return static_cast<std::size_t>(std::count_if(used.begin(), used.end(), [](auto& kv) { return !kv.second; }));
    };
    const auto answered_count = [&] { return model.size() - outstanding(); };
    std::uint64_t now = 1'000;
    for (int step = 0; step < 4'000; ++step) {
      now += rng() % 4;
      Challenge c{"telco-test", "attach", {}, "gnb", now + 1 + rng() % 40, {}};
      const auto nb = static_cast<std::uint8_t>(rng() % 48);
      set_nonce(c, nb);
      const unsigned op = rng() % 4;
      if (op <= 1) {
        std::erase_if(model, [&](const auto& kv) { return kv.second.expires_ms < now; });
        for (auto it = used.begin(); it != used.end();) it = model.count(it->first) ? std::next(it) : used.erase(it);
        std::vector<Challenge> batch{c};
        if (op == 1) {  // a batch of 1 to 4; a repeated nonce refuses the whole batch
          for (unsigned k = rng() % 4; k > 0; --k) {
            Challenge more = c;
            set_nonce(more, static_cast<std::uint8_t>(rng() % 48));
            batch.push_back(more);
          }
        }
        bool expect = outstanding() + batch.size() <= kCap;
        for (std::size_t i = 0; i < batch.size(); ++i) {
          expect = expect && !model.count(batch[i].nonce[31]);
          for (std::size_t j = 0; j < i; ++j) expect = expect && batch[j].nonce != batch[i].nonce;
        }
        const bool got = op == 0 ? table.issue(c, now) : table.issue_all(batch, now);
        ASSERT_EQ(got, expect) << "seed " << seed << " step " << step;
        if (expect) {
          for (const Challenge& b : batch) model[b.nonce[31]] = b, used[b.nonce[31]] = false;
        }
      } else {
        // Answer a held challenge (or an unknown one); check first, then consume.
        auto it = model.find(nb);
        if (it != model.end() && rng() % 4 != 0) c = it->second;
        AuthOutcome expect = AuthOutcome::kNonceUnknown;
        if (it != model.end() && used[nb]) {
          expect = AuthOutcome::kNonceUsed;
        } else if (it != model.end() && it->second == c) {
          expect = now > c.expires_ms ? AuthOutcome::kExpired : AuthOutcome::kOk;
        }
        ASSERT_EQ(table.check(c, now), expect) << "seed " << seed << " step " << step;
        ASSERT_EQ(table.consume(c, now), expect) << "seed " << seed << " step " << step;
        if (expect == AuthOutcome::kOk) {
          while (answered_count() >= kUsedCap) {
            const auto [oldest, expires] = answered.front();
            answered.pop_front();
            if (used.count(oldest) && used[oldest] && model[oldest].expires_ms == expires)
              model.erase(oldest), used.erase(oldest);
          }
          used[nb] = true;
          answered.emplace_back(nb, c.expires_ms);
        }
        if (expect == AuthOutcome::kExpired) model.erase(nb), used.erase(nb);
      }
      ASSERT_EQ(table.size(), model.size()) << "seed " << seed << " step " << step;
      ASSERT_EQ(table.outstanding(), outstanding());
      ASSERT_LE(table.outstanding(), kCap);
      ASSERT_LE(table.answered(), kUsedCap);
    }
  }
}

TEST(ChallengeTableModel, MatchesAPlainModelAtCapacity) { run_challenge_table_model(false); }
TEST(ChallengeTableModel, MatchesAPlainModelWhenNoncesShareTheirHash) { run_challenge_table_model(true); }

TEST_F(DeviceAuth, FleetMemberAuthenticatesByPath) {
  const TestFleet fleet(9);
  const MerkleTree tree(kFleetDomain, fleet.leaves);
  ASSERT_EQ(submit(1, DeviceRegisterFleet{tree.root(), 9, addr(3), addr(2), {}}), ResultCode::kOk);
  const crypto::Hash32 id = fleet_id(tree.root(), 9);
  Challenge c = challenge(0);
  c.id_hash = fleet.ids[4];
  const auto sig = answer_challenge(device_keypair(4), c);
  const MemberProof proof{4, fleet.keys[4], tree.path(4)};
  auto run = [&](const MemberProof& p, const crypto::Signature& s) {
    return verify_member_answer(chain_id_, c, s, load_fleet(view_, id), load_member(view_, id, fleet.ids[4]),
                                p, time_ms());
  };
  EXPECT_EQ(run(proof, sig), AuthOutcome::kOk);
  EXPECT_EQ(run(proof, answer_challenge(device_keypair(5), c)), AuthOutcome::kBadSignature);
  EXPECT_EQ(run(MemberProof{5, fleet.keys[4], tree.path(4)}, sig), AuthOutcome::kFleetPathMismatch);
  EXPECT_EQ(verify_member_answer(chain_id_, c, sig, std::nullopt, std::nullopt, proof, time_ms()),
            AuthOutcome::kFleetUnknown);
  ASSERT_EQ(submit(3, DeviceRevoke{fleet.ids[4], id}), ResultCode::kOk);
  EXPECT_EQ(run(proof, sig), AuthOutcome::kFleetMemberRevoked);
}

TEST_F(DeviceAuth, ChallengeBytesRoundTripAndRejectTrailing) {
  const Challenge c = challenge(7);
  Bytes b = encode_challenge(c);
  EXPECT_EQ(decode_challenge(b), c);
  b.push_back(0);
  EXPECT_FALSE(decode_challenge(b));
  EXPECT_FALSE(decode_challenge(Bytes(b.begin(), b.begin() + 10)));
}

class DeviceReadings : public DeviceFixture {
 protected:
  DeviceReadings() {
    register_device(7);
    for (std::uint64_t s = 1; s <= 6; ++s) {
      Reading r{device_id(7), time_ms() - 500 + s, s, 0, Bytes{static_cast<std::uint8_t>(20 + s), 0x01}};
      readings.push_back(r);
      sigs.push_back(sign_reading(device_keypair(7), chain_id_, r));
      leaves.push_back(reading_leaf(chain_id_, r, sigs.back()));
    }
  }
  std::vector<Reading> readings;
  std::vector<crypto::Signature> sigs;
  std::vector<crypto::Hash32> leaves;
};

TEST_F(DeviceReadings, AnchoredReadingVerifiesAndTamperingFails) {
  const MerkleTree tree(kReadingDomain, leaves);
  ASSERT_EQ(submit(2, DeviceAnchor{tree.root(), 6, {{device_id(7), 1, 6}}}), ResultCode::kOk);
  const auto batch = load_anchor(view_, tree.root());
  const auto key = load_key_version(view_, device_id(7), 0);
  for (std::uint64_t i = 0; i < 6; ++i) {
    EXPECT_EQ(verify_reading(chain_id_, readings[i], sigs[i], key, batch, i, tree.path(i)),
              ReadingOutcome::kOk);
  }
  Reading changed = readings[2];
  changed.value[0] ^= 1;
  EXPECT_EQ(verify_reading(chain_id_, changed, sigs[2], key, batch, 2, tree.path(2)),
            ReadingOutcome::kBadSignature);
  EXPECT_EQ(verify_reading(chain_id_, readings[2], sigs[2], load_key_version(view_, device_id(7), 1), batch,
                           2, tree.path(2)),
            ReadingOutcome::kBadSignature);
  EXPECT_EQ(verify_reading(chain_id_, readings[2], sigs[2], key, batch, 3, tree.path(2)),
            ReadingOutcome::kNotInBatch);
  EXPECT_EQ(verify_reading(chain_id_, readings[2], sigs[2], key, std::nullopt, 2, tree.path(2)),
            ReadingOutcome::kBatchUnknown);
  // A reading signed with a sequence number outside the batch's range for the device.
  Reading outside = readings[2];
  outside.seq = 9;
  const auto sig9 = sign_reading(device_keypair(7), chain_id_, outside);
  auto leaves9 = leaves;
  leaves9[2] = reading_leaf(chain_id_, outside, sig9);
  const MerkleTree tree9(kReadingDomain, leaves9);
  auto batch9 = *batch;
  batch9.root = tree9.root();
  EXPECT_EQ(verify_reading(chain_id_, outside, sig9, key, batch9, 2, tree9.path(2)),
            ReadingOutcome::kSeqOutOfRange);
  // A reading dated after the block that anchored it.
  auto early = *batch;
  early.time_ms = readings[2].time_ms - 1;
  EXPECT_EQ(verify_reading(chain_id_, readings[2], sigs[2], key, early, 2, tree.path(2)),
            ReadingOutcome::kAfterAnchor);
}

TEST_F(DeviceReadings, ReplayedBatchRefusedOnChain) {
  const MerkleTree first(kReadingDomain, std::vector<crypto::Hash32>(leaves.begin(), leaves.begin() + 3));
  ASSERT_EQ(submit(2, DeviceAnchor{first.root(), 3, {{device_id(7), 1, 3}}}), ResultCode::kOk);
  // The same readings again under another root (e.g. reordered): their sequence numbers are stale.
  std::vector<crypto::Hash32> reordered = {leaves[2], leaves[1], leaves[0]};
  const MerkleTree second(kReadingDomain, reordered);
  expect_refused(2, DeviceAnchor{second.root(), 3, {{device_id(7), 1, 3}}}, ResultCode::kReadingSeqStale);
  const MerkleTree rest(kReadingDomain, std::vector<crypto::Hash32>(leaves.begin() + 3, leaves.end()));
  EXPECT_EQ(submit(2, DeviceAnchor{rest.root(), 3, {{device_id(7), 4, 6}}}), ResultCode::kOk);
}

}  // namespace
}  // namespace telco::test
