// The light client against a chain of real signed headers built here: following it from
// genesis and from a trusted header, through a validator-set hand-over, and refusing
// tampered headers, weak or forged commits, unproven hand-overs and tampered proofs, each
// with its own reason.
#include <gtest/gtest.h>

#include "light/light_client.h"
#include "light/wire.h"
#include "light_fixture.h"
#include "util/hex.h"

namespace telco::light {
namespace {

using testing::TestChain;
using testing::user_key;

LightClient from_genesis(const TestChain& chain) {
  Verdict why;
  auto client = LightClient::from_genesis(chain.genesis, &why);
  EXPECT_TRUE(client) << why.message();
  return *client;
}

// Verifies headers 1..to of `chain`, handing over the chain's change record when needed.
void follow(LightClient& client, const TestChain& chain, std::uint64_t to) {
  for (std::uint64_t h = client.height() + 1; h <= to; ++h) {
    const ValidatorSetChange* change = chain.change && chain.change->height == h ? &*chain.change : nullptr;
    const Verdict v = client.verify_next(chain.at(h).header, chain.at(h).commit, change);
    ASSERT_TRUE(v.ok()) << "height " << h << ": " << v.message();
  }
}

Rejection next_verdict(LightClient client, const chain::BlockHeader& header, const chain::Commit& commit) {
  return client.verify_next(header, commit).reason;
}

TEST(Light, FollowsAChainFromGenesisAndVerifiesState) {
  const TestChain chain(12);
  LightClient client = from_genesis(chain);
  follow(client, chain, 12);
  EXPECT_EQ(client.height(), 12u);
  EXPECT_EQ(client.head_hash(), chain.at(12).header.hash());
  const auto present = chain.prove(12, user_key(7));
  ASSERT_TRUE(present.value);
  EXPECT_TRUE(client.verify_state(12, user_key(7), ByteView(*present.value), present.proof).ok());
  const auto absent = chain.prove(12, user_key(99));
  EXPECT_FALSE(absent.value);
  EXPECT_TRUE(client.verify_state(12, user_key(99), std::nullopt, absent.proof).ok());
  EXPECT_TRUE(client.verify_state(12, user_key(99), std::nullopt, ByteView(absent.proof.encode())).ok());
}

TEST(Light, FollowsAValidatorSetHandOver) {
  const TestChain chain(10, 6);
  LightClient client = from_genesis(chain);
  const crypto::Hash32 genesis_set = client.validators().hash();
  follow(client, chain, 10);
  EXPECT_NE(client.validators().hash(), genesis_set);
  EXPECT_EQ(client.validators().hash(), chain.at(10).header.validators_hash);
  EXPECT_EQ(client.validators().size(), 4u);
  EXPECT_FALSE(client.validators().index_of(testing::validator_key(0).public_key()));
  EXPECT_TRUE(client.validators().index_of(testing::validator_key(4).public_key()));
}

TEST(Light, RefusesAHandOverWithoutItsRecordOrProof) {
  const TestChain chain(8, 6);
  LightClient client = from_genesis(chain);
  follow(client, chain, 5);
  EXPECT_EQ(next_verdict(client, chain.at(6).header, chain.at(6).commit), Rejection::kUnexpectedValidators);

  ValidatorSetChange wrong_height = *chain.change;
  wrong_height.height = 7;
  EXPECT_EQ(client.verify_next(chain.at(6).header, chain.at(6).commit, &wrong_height).reason,
            Rejection::kBadValidatorChange);

  ValidatorSetChange other_updates = *chain.change;
  other_updates.updates.pop_back();  // v0 leaves, nobody joins: another set
  EXPECT_EQ(client.verify_next(chain.at(6).header, chain.at(6).commit, &other_updates).reason,
            Rejection::kBadValidatorChange);

  // A proof from a state that never recorded the hand-over (height 3: the key is absent).
  ValidatorSetChange unsigned_change = *chain.change;
  unsigned_change.proof = chain.prove(3, next_validators_key()).proof;
  Verdict v = client.verify_next(chain.at(6).header, chain.at(6).commit, &unsigned_change);
  EXPECT_EQ(v.reason, Rejection::kBadValidatorChange);
  EXPECT_NE(v.message().find("did not sign the hand-over"), std::string::npos) << v.message();
  EXPECT_EQ(client.height(), 5u);  // nothing refused changed what the client believes
  EXPECT_TRUE(client.verify_next(chain.at(6).header, chain.at(6).commit, &*chain.change).ok());
}

TEST(Light, RefusesASetTheChainNeverHandedOverTo) {
  // Validators 1..4 sign a header naming their own set, without any hand-over in state:
  // an attacker holding new keys cannot take over a chain the old set never gave up.
  const TestChain honest(6);
  const TestChain forked(6, 6);  // the same shape, but with a recorded hand-over
  LightClient client = from_genesis(honest);
  follow(client, honest, 5);
  chain::BlockHeader header = forked.at(6).header;
  header.prev_hash = honest.at(5).header.hash();
  const chain::Commit commit = testing::sign_commit({1, 2, 3, 4}, 6, header.hash());
  EXPECT_EQ(next_verdict(client, header, commit), Rejection::kUnexpectedValidators);
  EXPECT_EQ(client.verify_next(header, commit, &*forked.change).reason, Rejection::kBadValidatorChange);
}

TEST(Light, RefusesTamperedHeaders) {
  const TestChain chain(4);
  LightClient client = from_genesis(chain);
  follow(client, chain, 2);
  const chain::BlockHeader good = chain.at(3).header;
  const chain::Commit& commit = chain.at(3).commit;
  auto tampered = [&](auto&& change) {
    chain::BlockHeader h = good;
    change(h);
    return next_verdict(client, h, commit);
  };
  EXPECT_EQ(tampered([](auto& h) { h.state_root[0] ^= 1; }), Rejection::kCommitWrongBlock);
  EXPECT_EQ(tampered([](auto& h) { h.tx_count = 5; }), Rejection::kCommitWrongBlock);
  EXPECT_EQ(tampered([](auto& h) { h.proposer.bytes[3] ^= 1; }), Rejection::kCommitWrongBlock);
  EXPECT_EQ(tampered([](auto& h) { h.prev_hash[5] ^= 1; }), Rejection::kNotOnChain);
  EXPECT_EQ(tampered([](auto& h) { h.chain_id = "telco-other"; }), Rejection::kWrongChainId);
  EXPECT_EQ(tampered([](auto& h) { h.height = 4; }), Rejection::kWrongHeight);
  EXPECT_EQ(tampered([&](auto& h) { h.time_ms = chain.at(2).header.time_ms; }),
            Rejection::kTimeNotIncreasing);
  EXPECT_EQ(tampered([](auto& h) { h.validators_hash[0] ^= 1; }), Rejection::kUnexpectedValidators);
  EXPECT_EQ(next_verdict(client, chain.at(4).header, chain.at(4).commit), Rejection::kWrongHeight);
  EXPECT_EQ(next_verdict(client, chain.at(3).header, chain.at(4).commit), Rejection::kCommitWrongBlock);
  EXPECT_TRUE(client.verify_next(good, commit).ok());
}

TEST(Light, RefusesCommitsWithTooLittlePower) {
  const TestChain chain(2);
  LightClient client = from_genesis(chain);
  follow(client, chain, 1);
  const chain::BlockHeader& h = chain.at(2).header;
  // 2 of 4 equal votes is 1/2; 3 of 4 is more than 2/3.
  EXPECT_EQ(next_verdict(client, h, testing::sign_commit({0, 1}, 2, h.hash())),
            Rejection::kInsufficientPower);
  EXPECT_EQ(next_verdict(client, h, testing::sign_commit({}, 2, h.hash())), Rejection::kInsufficientPower);
  EXPECT_TRUE(client.verify_next(h, testing::sign_commit({0, 2, 3}, 2, h.hash())).ok());
}

TEST(Light, RefusesExactlyTwoThirds) {
  TestChain chain(1);
  chain.genesis.validators.pop_back();  // three validators; two of them are exactly 2/3
  chain::BlockHeader h = chain.at(1).header;
  h.validators_hash = chain::validators_hash(chain.genesis.validators);
  LightClient client = from_genesis(chain);
  EXPECT_EQ(next_verdict(client, h, testing::sign_commit({0, 1}, 1, h.hash())),
            Rejection::kInsufficientPower);
  EXPECT_TRUE(client.verify_next(h, testing::sign_commit({0, 1, 2}, 1, h.hash())).ok());
}

TEST(Light, RefusesForgedUnknownAndDuplicateSignatures) {
  const TestChain chain(1);
  const chain::BlockHeader& h = chain.at(1).header;
  LightClient client = from_genesis(chain);
  chain::Commit forged = chain.at(1).commit;
  forged.signatures[1].signature[10] ^= 0x40;
  EXPECT_EQ(next_verdict(client, h, forged), Rejection::kForgedSignature);
  chain::Commit retimed = chain.at(1).commit;  // the time is signed too
  retimed.signatures[2].time_ms += 1;
  EXPECT_EQ(next_verdict(client, h, retimed), Rejection::kForgedSignature);
  chain::Commit other_chain = testing::sign_commit({0, 1, 2, 3}, 1, h.hash(), "telco-other");
  EXPECT_EQ(next_verdict(client, h, other_chain), Rejection::kForgedSignature);
  chain::Commit stranger = testing::sign_commit({0, 1, 2, 5}, 1, h.hash());
  EXPECT_EQ(next_verdict(client, h, stranger), Rejection::kUnknownSigner);
  chain::Commit twice = testing::sign_commit({0, 1, 1}, 1, h.hash());
  EXPECT_EQ(next_verdict(client, h, twice), Rejection::kDuplicateSigner);
  Verdict v = client.verify_next(h, forged);
  EXPECT_NE(v.message().find("forged"), std::string::npos) << v.message();
  EXPECT_STREQ(code_name(v.reason), "forged_signature");
}

TEST(Light, EveryFlippedByteOfAProofIsRefused) {
  const TestChain chain(6);
  LightClient client = from_genesis(chain);
  follow(client, chain, 6);
  for (const std::uint32_t n : {3u, 77u}) {  // present, absent
    const auto proven = chain.prove(6, user_key(n));
    const std::optional<ByteView> value =
        proven.value ? std::optional<ByteView>(*proven.value) : std::nullopt;
    const Bytes encoded = proven.proof.encode();
    ASSERT_TRUE(client.verify_state(6, user_key(n), value, ByteView(encoded)).ok());
    for (std::size_t i = 0; i < encoded.size(); ++i) {
      for (const std::uint8_t mask : {0x01, 0x80}) {
        Bytes flipped = encoded;
        flipped[i] ^= mask;
        const Verdict v = client.verify_state(6, user_key(n), value, ByteView(flipped));
        EXPECT_FALSE(v.ok()) << "byte " << i << " mask " << int(mask);
      }
    }
  }
}

TEST(Light, RefusesProofsOfOtherValuesKeysAndHeights) {
  const TestChain chain(6);
  LightClient client = from_genesis(chain);
  follow(client, chain, 6);
  const auto proven = chain.prove(6, user_key(3));
  const Bytes other{9};
  EXPECT_EQ(client.verify_state(6, user_key(3), ByteView(other), proven.proof).reason,
            Rejection::kProofRootMismatch);
  EXPECT_EQ(client.verify_state(6, user_key(4), ByteView(*proven.value), proven.proof).reason,
            Rejection::kProofRootMismatch);
  EXPECT_EQ(client.verify_state(6, user_key(3), std::nullopt, proven.proof).reason,
            Rejection::kProofClaimMismatch);
  EXPECT_EQ(client.verify_state(5, user_key(3), ByteView(*proven.value), proven.proof).reason,
            Rejection::kHeightNotVerified);
  // A proof true at an older height is not true of the verified head.
  const auto old = chain.prove(2, user_key(3));
  EXPECT_EQ(client.verify_state(6, user_key(3), std::nullopt, old.proof).reason,
            Rejection::kProofRootMismatch);
  EXPECT_EQ(client.verify_state(6, user_key(3), ByteView(*proven.value), ByteView(Bytes{7, 7})).reason,
            Rejection::kProofMalformed);
}

TEST(Light, StartsFromATrustedHeader) {
  const TestChain chain(10, 8);
  Verdict why;
  std::vector<chain::GenesisValidator> set = chain.genesis.validators;
  auto client = LightClient::from_trusted_header(chain.at(5).header, chain.at(5).header.hash(), set, &why);
  ASSERT_TRUE(client) << why.message();
  follow(*client, chain, 10);
  EXPECT_EQ(client->height(), 10u);

  crypto::Hash32 wrong = chain.at(5).header.hash();
  wrong[0] ^= 1;
  EXPECT_FALSE(LightClient::from_trusted_header(chain.at(5).header, wrong, set, &why));
  EXPECT_EQ(why.reason, Rejection::kHeaderHashMismatch);
  set.pop_back();
  EXPECT_FALSE(LightClient::from_trusted_header(chain.at(5).header, chain.at(5).header.hash(), set, &why));
  EXPECT_EQ(why.reason, Rejection::kBadTrustAnchor);
}

nlohmann::json header_entry(const SignedHeader& s) {
  return {{"height", s.header.height},
          {"hash", crypto::to_hex(s.header.hash())},
          {"header_hex", to_hex(s.header.encode())},
          {"commit_hex", to_hex(s.commit.encode())}};
}

TEST(LightWire, DecodesHeadersAndRefusesTamperedBytes) {
  const TestChain chain(3);
  nlohmann::json page = {{"headers", nlohmann::json::array()}};
  for (std::uint64_t h = 1; h <= 3; ++h) page["headers"].push_back(header_entry(chain.at(h)));
  Verdict why;
  auto decoded = decode_headers_page(page, kHeadersPageMax, &why);
  ASSERT_TRUE(decoded) << why.message();
  ASSERT_EQ(decoded->size(), 3u);
  EXPECT_EQ((*decoded)[2].header, chain.at(3).header);
  EXPECT_EQ((*decoded)[2].commit, chain.at(3).commit);
  EXPECT_FALSE(decode_headers_page(page, 2, &why));
  EXPECT_EQ(why.reason, Rejection::kMalformedResponse);

  nlohmann::json entry = header_entry(chain.at(2));
  std::string hex = entry["header_hex"];
  hex[hex.size() - 3] = hex[hex.size() - 3] == '0' ? '1' : '0';  // inside the proposer address
  entry["header_hex"] = hex;
  EXPECT_FALSE(decode_signed_header(entry, &why));
  EXPECT_EQ(why.reason, Rejection::kHeaderHashMismatch);
  EXPECT_FALSE(decode_signed_header(nlohmann::json::array(), &why));
  EXPECT_FALSE(decode_signed_header({{"hash", 5}}, &why));
  EXPECT_EQ(why.reason, Rejection::kMalformedResponse);
}

TEST(LightWire, DecodesProofsAndChanges) {
  const TestChain chain(8, 6);
  const auto proven = chain.prove(8, user_key(4));
  nlohmann::json body = {
      {"height", 8}, {"value", to_hex(*proven.value)}, {"proof", to_hex(proven.proof.encode())}};
  Verdict why;
  auto p = decode_state_proof(body, &why);
  ASSERT_TRUE(p) << why.message();
  EXPECT_EQ(p->value, proven.value);
  EXPECT_EQ(p->proof, proven.proof);
  body["value"] = nullptr;
  EXPECT_FALSE(decode_state_proof(body, &why)->value);
  body["proof"] = "00zz";
  EXPECT_FALSE(decode_state_proof(body, &why));
  body["proof"] = "0700";
  EXPECT_FALSE(decode_state_proof(body, &why));
  EXPECT_EQ(why.reason, Rejection::kProofMalformed);

  nlohmann::json updates = nlohmann::json::array();
  for (const auto& u : chain.change->updates)
    updates.push_back({{"public_key", to_hex(u.key)}, {"power", u.power}, {"name", u.name}});
  nlohmann::json changes = {
      {"changes", {{{"height", 6}, {"updates", updates}, {"proof", to_hex(chain.change->proof.encode())}}}}};
  auto c = decode_validator_changes(changes, &why);
  ASSERT_TRUE(c) << why.message();
  ASSERT_EQ(c->size(), 1u);
  EXPECT_EQ((*c)[0].updates, chain.change->updates);
  EXPECT_EQ((*c)[0].proof, chain.change->proof);
  nlohmann::json set = nlohmann::json::array();
  for (const auto& v : chain.genesis.validators)
    set.push_back({{"name", v.name}, {"public_key", to_hex(v.public_key)}, {"power", v.power}});
  auto decoded_set = decode_validator_set({{"validators", {{"validators", set}}}}, &why);
  ASSERT_TRUE(decoded_set) << why.message();
  EXPECT_EQ(*decoded_set, chain.genesis.validators);
  changes["changes"].push_back(changes["changes"][0]);
  EXPECT_FALSE(decode_validator_changes(changes, &why));  // heights must increase
}

}  // namespace
}  // namespace telco::light
