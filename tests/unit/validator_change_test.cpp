// Validator-set changes (issue #7): the validator.update payload and its rules, the state it
// writes, the executor's report of a change, the engine's next-set rule, and through two real
// nodes: a change decided, stored with its proof, followed by a light client, and derived
// again after a restart.
#include <gtest/gtest.h>

#include "chain/limits.h"
#include "chain/merkle.h"
#include "consensus/validator_set.h"
#include "exec/executor.h"
#include "light/validator_change.h"
#include "modules/registry.h"
#include "modules/validator/payloads.h"
#include "modules/validator/state.h"
#include "node/chain_application.h"
#include "node/node.h"
#include "state/commitment.h"
#include "state/prefixes.h"
#include "state/write_set.h"
#include "test_chain.h"

namespace telco {
namespace {

using chain::ResultCode;
using modules::validator::Update;
using modules::validator::ValidatorUpdatePayload;

constexpr std::uint64_t kTime = 1'700'000'000'000;

// Validators key(0..n-1), power 10 each; accounts 1..4 funded; key(1)'s address an authority.
chain::Genesis genesis_with_authority(std::size_t validators = 4) {
  chain::Genesis g = test::make_genesis();
  g.validators.clear();
  for (std::size_t i = 0; i < validators; ++i) {
    g.validators.push_back({"v" + std::to_string(i), test::key(static_cast<std::uint8_t>(i)).public_key(), 10});
  }
  g.validator_authorities = {test::addr(1)};
  return g;
}

chain::Transaction update_tx(std::uint8_t from, std::vector<Update> updates, std::uint64_t nonce) {
  chain::Transaction tx;
  tx.chain_id = "telco-test";
  tx.nonce = nonce;
  tx.fee = 1'000;
  tx.payload = ValidatorUpdatePayload{std::move(updates)}.to_payload();
  tx.sign(test::key(from));
  return tx;
}

Update add(std::uint8_t n, std::uint64_t power) { return {"v" + std::to_string(n), test::key(n).public_key(), power}; }

// Runs txs as block `height` over `view` and applies the result; returns the receipts' codes.
struct Chain {
  explicit Chain(const chain::Genesis& g) : ex(g) {
    const state::Writes w = ex.genesis_writes();
    view.apply(w, state::genesis_tree(w));
    root = ex.genesis_state_root();
  }
  exec::BlockOutcome block(const std::vector<chain::Transaction>& txs) {
    ++height;
    std::vector<exec::CheckedTx> checked;
    for (const auto& tx : txs) checked.push_back({&tx, tx.hash(), tx.encode().size()});
    exec::BlockOutcome out = ex.build(view, root, checked, {height, kTime + height * 1'000});
    view.apply(out.writes, out.tree);
    root = out.state_root;
    return out;
  }
  exec::Executor ex;
  state::MemoryState view;
  crypto::Hash32 root{};
  std::uint64_t height = 0;
};

TEST(ValidatorUpdatePayload, StatelessCheckRefusesEveryMalformedForm) {
  EXPECT_EQ(ValidatorUpdatePayload{{add(5, 3)}}.check(), ResultCode::kOk);
  EXPECT_EQ(ValidatorUpdatePayload{{}}.check(), ResultCode::kValidatorUpdateInvalid) << "empty";
  std::vector<Update> many;
  for (std::uint8_t i = 0; i < 17; ++i) many.push_back(add(static_cast<std::uint8_t>(10 + i), 1));
  EXPECT_EQ(ValidatorUpdatePayload{many}.check(), ResultCode::kValidatorUpdateInvalid) << "17 updates";
  EXPECT_EQ((ValidatorUpdatePayload{{add(5, 3), add(5, 4)}}.check()), ResultCode::kValidatorUpdateInvalid)
      << "one key twice";
  Update long_name = add(5, 1);
  long_name.name = std::string(chain::kValidatorNameBytesMax + 1, 'x');
  EXPECT_EQ(ValidatorUpdatePayload{{long_name}}.check(), ResultCode::kValidatorUpdateInvalid);
  Update not_a_point = add(5, 1);
  not_a_point.public_key.fill(0);  // small order: no secret key yields it
  EXPECT_EQ(ValidatorUpdatePayload{{not_a_point}}.check(), ResultCode::kValidatorUpdateInvalid);
  Update too_strong = add(5, (std::uint64_t{1} << 60) + 1);
  EXPECT_EQ(ValidatorUpdatePayload{{too_strong}}.check(), ResultCode::kValidatorUpdateInvalid);
}

TEST(ValidatorUpdatePayload, EncodingAndJsonRoundTripAndRefuseTrailingBytesAndUnknownFields) {
  const ValidatorUpdatePayload p{{add(5, 3), add(0, 0)}};
  const chain::Payload bytes = p.to_payload();
  EXPECT_EQ(bytes.type, 60);
  EXPECT_EQ(ValidatorUpdatePayload::decode(bytes), p);
  chain::Payload trailing = bytes;
  trailing.body.push_back(0);
  EXPECT_FALSE(ValidatorUpdatePayload::decode(trailing));
  chain::Payload truncated = bytes;
  truncated.body.pop_back();
  EXPECT_FALSE(ValidatorUpdatePayload::decode(truncated));

  const modules::PayloadHandler* h = modules::find_handler("validator.update");
  ASSERT_NE(h, nullptr);
  const nlohmann::json j = h->to_json(bytes);
  EXPECT_EQ(j["type"], "validator.update");
  EXPECT_EQ(h->from_json(j), bytes);
  nlohmann::json unknown = j;
  unknown["updates"][0]["stake"] = 1;
  EXPECT_THROW(h->from_json(unknown), std::invalid_argument);
  nlohmann::json negative = j;
  negative["updates"][0]["power"] = -1;
  EXPECT_THROW(h->from_json(negative), std::invalid_argument);
}

TEST(ValidatorGenesis, AuthoritiesRoundTripThroughJsonAndEncodingAndAreValidated) {
  const chain::Genesis g = genesis_with_authority();
  const chain::Genesis parsed = chain::parse_genesis_json(chain::genesis_to_json(g));
  EXPECT_EQ(parsed, g);
  EXPECT_EQ(chain::decode_genesis(chain::encode_genesis(g)), g);
  chain::Genesis without = g;
  without.validator_authorities.clear();
  EXPECT_NE(g.hash(), without.hash()) << "the authorities are bound by the genesis hash";
  EXPECT_EQ(chain::decode_genesis(chain::encode_genesis(without)), without);

  chain::Genesis twice = g;
  twice.validator_authorities.push_back(test::addr(1));
  EXPECT_THROW(chain::validate(twice), std::invalid_argument);
  std::string text = chain::genesis_to_json(g);
  text.replace(text.find("\"validator_authorities\": ["), 26, "\"validator_authorities\": [\"tc1nope\", ");
  EXPECT_THROW(chain::parse_genesis_json(text), std::invalid_argument);
}

TEST(ValidatorState, AChangeIsRecordedForTheNextHeightWithItsHashAndTheExecutorReportsIt) {
  Chain c(genesis_with_authority());
  ASSERT_FALSE(c.view.get(Bytes(state::kNextValidatorsKey.begin(), state::kNextValidatorsKey.end())))
      << "the genesis header names the genesis set";
  const auto genesis_record = modules::validator::load_set(c.view);
  ASSERT_TRUE(genesis_record);
  EXPECT_EQ(genesis_record->effective_height, 1u);

  // Block 1: key(4) joins and v0 leaves, in two transactions.
  const auto out = c.block({update_tx(1, {add(4, 5)}, 0), update_tx(1, {add(0, 0)}, 1)});
  ASSERT_EQ(out.receipts.size(), 2u);
  EXPECT_EQ(out.receipts[0].code, ResultCode::kOk);
  EXPECT_EQ(out.receipts[1].code, ResultCode::kOk);
  ASSERT_TRUE(out.validator_change);
  EXPECT_EQ(out.validator_change->updates, (std::vector<Update>{add(4, 5), add(0, 0)}));
  const std::vector<chain::GenesisValidator> expected = {{"v1", test::key(1).public_key(), 10},
                                                         {"v2", test::key(2).public_key(), 10},
                                                         {"v3", test::key(3).public_key(), 10},
                                                         {"v4", test::key(4).public_key(), 5}};
  EXPECT_EQ(out.validator_change->validators, expected);
  const auto record = modules::validator::load_set(c.view);
  ASSERT_TRUE(record);
  EXPECT_EQ(record->effective_height, 2u);
  const auto hash = c.view.get(Bytes(state::kNextValidatorsKey.begin(), state::kNextValidatorsKey.end()));
  ASSERT_TRUE(hash);
  const crypto::Hash32 want = chain::validators_hash(expected);
  EXPECT_EQ(*hash, Bytes(want.begin(), want.end()));

  // The engine's set for height 2 from the updates equals the members the state holds.
  const auto set1 = *consensus::ValidatorSet::create(genesis_with_authority().validators);
  std::vector<consensus::ValidatorUpdate> updates;
  for (const Update& u : out.validator_change->updates) updates.push_back({u.public_key, u.power, u.name});
  const auto set2 = set1.next(updates);
  ASSERT_TRUE(set2);
  EXPECT_EQ(set2->to_genesis_list(), expected);
  EXPECT_EQ(*set2, *consensus::ValidatorSet::of(expected, 2, 2)) << "a set is a function of members and height";
  EXPECT_EQ(set2->advanced(7), *consensus::ValidatorSet::of(expected, 2, 9));

  // Block 2 has no update: no change reported, the record stays.
  const auto quiet = c.block({test::transfer(2, test::addr(3), 5, 0)});
  EXPECT_FALSE(quiet.validator_change);
  EXPECT_EQ(modules::validator::load_set(c.view)->effective_height, 2u);
}

TEST(ValidatorState, EachRuleFailsItsTransactionWithItsCodeAndChangesNothing) {
  Chain c(genesis_with_authority(3));
  std::uint64_t nonce = 0;
  auto code_of = [&](std::uint8_t from, std::vector<Update> updates, std::uint64_t n) {
    const auto out = c.block({update_tx(from, std::move(updates), n)});
    EXPECT_EQ(out.receipts.size(), 1u);
    return out.receipts.empty() ? ResultCode::kInternal : out.receipts[0].code;
  };
  EXPECT_EQ(code_of(2, {add(5, 1)}, 0), ResultCode::kNotValidatorAuthority) << "key(2) is no authority";
  EXPECT_EQ(code_of(1, {add(9, 0)}, nonce++), ResultCode::kValidatorNotFound);
  EXPECT_EQ(code_of(1, {add(0, 0), add(1, 0), add(2, 0)}, nonce++), ResultCode::kValidatorSetInvalid) << "empty";
  EXPECT_EQ(code_of(1, {add(0, std::uint64_t{1} << 60)}, nonce++), ResultCode::kValidatorSetInvalid)
      << "total power above 2^60";
  EXPECT_EQ(modules::validator::load_set(c.view)->effective_height, 1u) << "nothing changed";

  // Two transactions naming one key in one block: the second fails.
  const auto twice = c.block({update_tx(1, {add(0, 20)}, nonce), update_tx(1, {add(0, 30)}, nonce + 1)});
  nonce += 2;
  ASSERT_EQ(twice.receipts.size(), 2u);
  EXPECT_EQ(twice.receipts[0].code, ResultCode::kOk);
  EXPECT_EQ(twice.receipts[1].code, ResultCode::kValidatorUpdatedTwice);
  ASSERT_TRUE(twice.validator_change);
  EXPECT_EQ(twice.validator_change->validators[0].power, 20u);

  // More than 32 updates in one block: the third transaction of 16 fails.
  std::vector<chain::Transaction> txs;
  for (std::uint8_t t = 0; t < 3; ++t) {
    std::vector<Update> batch;
    for (std::uint8_t i = 0; i < 16; ++i) batch.push_back(add(static_cast<std::uint8_t>(20 + t * 16 + i), 1));
    txs.push_back(update_tx(1, batch, nonce++));
  }
  const auto crowded = c.block(txs);
  ASSERT_EQ(crowded.receipts.size(), 3u);
  EXPECT_EQ(crowded.receipts[0].code, ResultCode::kOk);
  EXPECT_EQ(crowded.receipts[1].code, ResultCode::kOk);
  EXPECT_EQ(crowded.receipts[2].code, ResultCode::kValidatorUpdatesTooMany);
  ASSERT_TRUE(crowded.validator_change);
  EXPECT_EQ(crowded.validator_change->validators.size(), 3u + 32u);
  EXPECT_EQ(modules::validator::load_set(c.view)->validators.size(), 35u) << "two pages of members";
}

TEST(ValidatorState, WithoutAuthoritiesNothingIsWrittenAndNobodyMayChangeTheSet) {
  Chain c(test::make_genesis());
  EXPECT_FALSE(modules::validator::load_set(c.view));
  const auto out = c.block({update_tx(1, {add(5, 1)}, 0)});
  ASSERT_EQ(out.receipts.size(), 1u);
  EXPECT_EQ(out.receipts[0].code, ResultCode::kNotValidatorAuthority);
  EXPECT_FALSE(out.validator_change);
}

// Through two real nodes and their ChainApplications: block 1 carries the update; the
// decided block hands the engine its updates, the store keeps the change with its proof, a
// light client accepts the hand-over, and a reopened node derives the same sets.
std::unique_ptr<node::Node> open_node(const chain::Genesis& g, const std::filesystem::path& dir,
                                      std::uint64_t* clock) {
  node::NodeConfig config;
  config.storage.sync = false;
  return std::make_unique<node::Node>(std::make_shared<const chain::Genesis>(g), test::key(0), config, dir,
                                      [clock] { return *clock; });
}

chain::BlockHeader next_header(const node::Node& n, const chain::Genesis& g, const crypto::Hash32& validators_hash,
                               std::uint64_t time_ms) {
  chain::BlockHeader h;
  h.chain_id = g.chain_id;
  h.height = n.head().height + 1;
  h.time_ms = time_ms;
  h.prev_hash = n.head().hash;
  h.validators_hash = validators_hash;
  h.last_commit_hash = chain::Commit{}.hash();  // height 1 carries the empty commit
  h.proposer = crypto::Address::from_public_key(test::key(0).public_key());
  return h;
}

TEST(ValidatorChangeThroughNodes, DecidedChangeIsStoredProvenFollowedAndSurvivesARestart) {
  test::TempDir dir_a, dir_b;
  const chain::Genesis g = genesis_with_authority();
  std::uint64_t clock = g.genesis_time_ms + 1'000;
  auto a = open_node(g, dir_a.path(), &clock);
  auto b = open_node(g, dir_b.path(), &clock);
  ASSERT_FALSE(a->single_validator());
  const auto submitted = a->submit({update_tx(1, {add(4, 5), add(0, 0)}, 0)});
  ASSERT_EQ(submitted.at(0).code, ResultCode::kOk);

  node::ChainApplication app_a(*a, 1);
  node::ChainApplication app_b(*b, 1);
  const consensus::ValidatorSet set1 = a->validator_set_at(1);
  const chain::Block block = app_a.prepare_proposal(next_header(*a, g, set1.hash(), clock), chain::Commit{});
  ASSERT_EQ(block.txs.size(), 1u);
  ASSERT_TRUE(app_b.process_proposal(block));
  const chain::Commit commit{1, 0, block.header.hash(), {}};
  for (node::ChainApplication* app : {&app_a, &app_b}) {
    const auto f = app->finalize_block(block, commit);
    EXPECT_EQ(f.app_hash, block.header.state_root);
    const std::vector<consensus::ValidatorUpdate> want = {{test::key(4).public_key(), 5, "v4"},
                                                          {test::key(0).public_key(), 0, "v0"}};
    EXPECT_EQ(f.validator_updates, want);
    app->commit();
  }

  const consensus::ValidatorSet set2 = *set1.next({{test::key(4).public_key(), 5, "v4"},
                                                  {test::key(0).public_key(), 0, "v0"}});
  for (node::Node* n : {a.get(), b.get()}) {
    EXPECT_EQ(n->validator_set_at(1), set1);
    EXPECT_EQ(n->validator_set_at(2), set2);
    EXPECT_EQ(n->validator_set_at(5), set2.advanced(3));
    EXPECT_EQ(n->validators_at(2), set2.to_genesis_list());
  }

  // The change as a light client receives it: its proof ties it to the state root the old
  // set signed at height 1.
  const auto changes = b->validator_changes(0, 2, 10);
  ASSERT_EQ(changes.size(), 1u);
  EXPECT_EQ(changes[0].height, 2u);
  ASSERT_FALSE(changes[0].proof.empty());
  light::ValidatorSetChange change;
  change.height = 2;
  for (const auto& u : changes[0].updates) change.updates.push_back({u.key, u.power, u.name});
  auto proof = state::decode_proof(changes[0].proof);
  ASSERT_TRUE(proof);
  change.proof = *proof;
  light::Verdict why;
  const auto followed = light::apply_change(set1, block.header.state_root, change, set2.hash(), &why);
  ASSERT_TRUE(followed) << why.detail;
  EXPECT_EQ(followed->hash(), set2.hash());
  light::ValidatorSetChange wrong = change;
  wrong.updates[0].power = 6;
  EXPECT_FALSE(light::apply_change(set1, block.header.state_root, wrong, set2.hash(), &why));

  // Reopened from disk, the node derives the same sets from its change history.
  b.reset();
  b = open_node(g, dir_b.path(), &clock);
  EXPECT_EQ(b->validator_set_at(1), set1);
  EXPECT_EQ(b->validator_set_at(2), set2);
  EXPECT_EQ(b->validator_changes(0, 2, 10).size(), 1u);
}

// Block sync trusts a verified >2/3 commit for what its signers checked: a block whose
// transaction signature is broken (everything else intact) is refused as a proposal but
// applied when it comes with a commit. Everything execution decides is still re-checked.
TEST(ChainApplicationSync, ACommittedBlockSkipsSignatureChecksButNotExecution) {
  test::TempDir dir_a, dir_b;
  const chain::Genesis g = genesis_with_authority();
  std::uint64_t clock = g.genesis_time_ms + 1'000;
  auto a = open_node(g, dir_a.path(), &clock);
  auto b = open_node(g, dir_b.path(), &clock);
  ASSERT_EQ(a->submit({test::transfer(2, test::addr(3), 5, 0)}).at(0).code, ResultCode::kOk);
  node::ChainApplication app_a(*a, 1);
  node::ChainApplication app_b(*b, 1);
  const chain::Block block =
      app_a.prepare_proposal(next_header(*a, g, a->validator_set_at(1).hash(), clock), chain::Commit{});
  ASSERT_EQ(block.txs.size(), 1u);

  chain::Block forged = block;
  forged.txs[0].signature[3] ^= 0x10;
  forged.header.tx_root = chain::tx_root(forged.txs);
  ASSERT_TRUE(forged.body_matches_header());
  EXPECT_FALSE(app_b.process_proposal(forged)) << "a proposal's signatures are checked";
  EXPECT_TRUE(app_b.process_committed(forged)) << "a committed block's are the signers' responsibility";

  chain::Block wrong_state = block;
  wrong_state.header.state_root[0] ^= 1;
  EXPECT_FALSE(app_b.process_committed(wrong_state)) << "execution is always re-checked";
  chain::Block overspend = block;
  overspend.txs[0] = test::transfer(2, test::addr(3), 1'000'000'000'000, 0);
  overspend.header.tx_root = chain::tx_root(overspend.txs);
  EXPECT_FALSE(app_b.process_committed(overspend)) << "the receipts differ from the header's";
}

TEST(ValidatorChangeThroughNodes, ASingleValidatorNodeRefusesAChangeItCouldNotApply) {
  test::TempDir dir;
  chain::Genesis g = genesis_with_authority(1);
  std::uint64_t clock = g.genesis_time_ms + 1'000;
  auto n = open_node(g, dir.path(), &clock);
  ASSERT_TRUE(n->single_validator());
  const auto results = n->submit({test::transfer(2, test::addr(3), 5, 0), update_tx(1, {add(4, 5)}, 0)});
  ASSERT_EQ(results.size(), 2u);
  EXPECT_EQ(results[0].code, ResultCode::kOk);
  EXPECT_EQ(results[1].code, ResultCode::kNotOnThisNode);
}

}  // namespace
}  // namespace telco
