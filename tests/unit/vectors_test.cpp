// The protocol test vectors (tests/vectors/protocol_vectors.json) freeze the protocol: this
// test recomputes every vector from its fixed inputs and compares with the checked-in file,
// then checks the file's bytes on their own (decode, re-encode, verify) and against the
// executor. A failure here means an encoding, hash, signature or state rule changed.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "../vectors/protocol_vectors.h"
#include "exec/executor.h"

namespace telco::vectors {
namespace {

Json load_file() {
  const std::string path = std::string(TELCO_SOURCE_DIR) + "/tests/vectors/protocol_vectors.json";
  std::ifstream in(path);
  EXPECT_TRUE(in) << "cannot open " << path;
  std::stringstream ss;
  ss << in.rdbuf();
  return Json::parse(ss.str());
}

const Json& file() {
  static const Json j = load_file();
  return j;
}

Bytes unhex(const Json& j) {
  auto b = from_hex(j.get<std::string>());
  EXPECT_TRUE(b) << j;
  return b ? *b : Bytes{};
}

template <std::size_t N>
std::array<std::uint8_t, N> unhex_fixed(const Json& j) {
  const Bytes b = unhex(j);
  std::array<std::uint8_t, N> out{};
  EXPECT_EQ(b.size(), N);
  std::copy_n(b.begin(), std::min(N, b.size()), out.begin());
  return out;
}

void diff(const Json& expected, const Json& actual, const std::string& path, std::vector<std::string>* out) {
  // Parsed JSON holds non-negative integers as unsigned; computed ones may be signed.
  if (expected.type() != actual.type() && !(expected.is_number_integer() && actual.is_number_integer())) {
    out->push_back(path + ": type differs");
    return;
  }
  if (expected.is_object()) {
    for (auto it = expected.begin(); it != expected.end(); ++it) {
      if (!actual.contains(it.key())) {
        out->push_back(path + "/" + it.key() + ": missing from the recomputation");
      } else {
        diff(it.value(), actual[it.key()], path + "/" + it.key(), out);
      }
    }
    for (auto it = actual.begin(); it != actual.end(); ++it) {
      if (!expected.contains(it.key())) out->push_back(path + "/" + it.key() + ": missing from the file");
    }
  } else if (expected.is_array()) {
    if (expected.size() != actual.size()) out->push_back(path + ": array length differs");
    for (std::size_t i = 0; i < std::min(expected.size(), actual.size()); ++i) {
      diff(expected[i], actual[i], path + "/" + std::to_string(i), out);
    }
  } else if (expected != actual) {
    out->push_back(path + ": file has " + expected.dump() + ", code computes " + actual.dump());
  }
}

TEST(ProtocolVectors, RecomputedValuesEqualTheCheckedInFile) {
  const Json computed = compute_protocol_vectors();
  std::vector<std::string> differences;
  diff(file(), computed, "", &differences);
  for (const std::string& d : differences) ADD_FAILURE() << d;
  EXPECT_TRUE(differences.empty()) << differences.size() << " vector values changed: the protocol changed";
  EXPECT_EQ(file().dump(2) + "\n", computed.dump(2) + "\n");
}

TEST(ProtocolVectors, ComputationIsDeterministic) {
  EXPECT_EQ(compute_protocol_vectors(), compute_protocol_vectors());
}

const Json& find_named(const Json& list, const std::string& name) {
  for (const Json& e : list) {
    if (e["name"] == name) return e;
  }
  static const Json none;
  ADD_FAILURE() << "no entry named " << name;
  return none;
}

TEST(ProtocolVectors, KeysAndAddresses) {
  for (const Json& k : file()["keys"]) {
    SCOPED_TRACE(k["name"].get<std::string>());
    const crypto::KeyPair kp = crypto::KeyPair::from_seed(unhex_fixed<32>(k["seed"]));
    EXPECT_EQ(hex(kp.public_key()), k["public_key"]);
    auto a = crypto::Address::parse(k["address"].get<std::string>());
    ASSERT_TRUE(a);
    EXPECT_EQ(hex(a->bytes), k["address_bytes"]);
    Bytes preimage(as_bytes("telco/address/v1").begin(), as_bytes("telco/address/v1").end());
    const Bytes pk = unhex(k["public_key"]);
    preimage.insert(preimage.end(), pk.begin(), pk.end());
    EXPECT_EQ(hex(crypto::blake2b_256(preimage)).substr(0, 40), k["address_bytes"]);
  }
}

TEST(ProtocolVectors, TransactionsDecodeVerifyAndReencode) {
  for (const Json& v : file()["transactions"]) {
    SCOPED_TRACE(v["name"].get<std::string>());
    const Bytes bytes = unhex(v["tx_bytes"]);
    auto tx = chain::decode_transaction(bytes);
    ASSERT_TRUE(tx);
    EXPECT_EQ(tx->encode(), bytes);
    EXPECT_TRUE(tx->verify_signature());
    EXPECT_EQ(hex(crypto::blake2b_256(bytes)), v["tx_hash"]);
    EXPECT_EQ(hex(tx->signing_bytes()), v["signing_bytes"]);
    EXPECT_EQ(hex(tx->signature), v["signature"]);
    const Json& f = v["fields"];
    EXPECT_EQ(tx->version, f["version"].get<int>());
    EXPECT_EQ(tx->chain_id, f["chain_id"]);
    EXPECT_EQ(hex(tx->sender), f["sender"]);
    EXPECT_EQ(std::to_string(tx->nonce), f["nonce"]);
    EXPECT_EQ(std::to_string(tx->fee), f["fee"]);
    EXPECT_EQ(tx->payload.type, f["payload_type"].get<int>());
    EXPECT_EQ(hex(tx->payload.body), f["payload_body"]);
    // signing bytes = string("telco/tx/v1") || tx bytes without the trailing signature
    Bytes expected_signing = {11, 0, 0, 0};
    for (char c : std::string_view("telco/tx/v1")) expected_signing.push_back(static_cast<std::uint8_t>(c));
    expected_signing.insert(expected_signing.end(), bytes.begin(), bytes.end() - 64);
    EXPECT_EQ(hex(expected_signing), v["signing_bytes"]);
  }
  // The same fields signed for another chain give another signature and hash.
  const Json& ok = find_named(file()["transactions"], "transfer_ok");
  const Json& other = find_named(file()["transactions"], "other_chain");
  EXPECT_NE(ok["signature"], other["signature"]);
  EXPECT_NE(ok["tx_hash"], other["tx_hash"]);
}

TEST(ProtocolVectors, BankPayload) {
  const Json& p = file()["bank_transfer_payload"];
  chain::Payload payload{static_cast<std::uint16_t>(p["type"].get<int>()), unhex(p["body"])};
  auto t = modules::bank::Transfer::decode(payload);
  ASSERT_TRUE(t);
  EXPECT_EQ(t->to.to_string(), p["to"]);
  EXPECT_EQ(std::to_string(t->amount), p["amount"]);
  EXPECT_EQ(to_string(t->memo), p["memo_utf8"]);
}

TEST(ProtocolVectors, BlockHeaderAndBody) {
  const Json& b = file()["block"];
  auto header = chain::decode_header(unhex(b["header_bytes"]));
  ASSERT_TRUE(header);
  EXPECT_EQ(hex(header->encode()), b["header_bytes"]);
  EXPECT_EQ(hex(header->hash()), b["block_hash"]);
  EXPECT_EQ(hex(header->state_root), file()["state"]["block1_root"]);
  EXPECT_EQ(hex(header->validators_hash), file()["genesis"]["validators_hash"]);
  EXPECT_EQ(header->proposer.to_string(), b["header_fields"]["proposer"]);
  auto block = chain::decode_block(unhex(b["block_bytes"]));
  ASSERT_TRUE(block);
  EXPECT_EQ(block->header, *header);
  EXPECT_TRUE(block->body_matches_header());
  EXPECT_EQ(hex(block->encode()), b["block_bytes"]);
  ASSERT_EQ(block->txs.size(), 2u);
  EXPECT_EQ(hex(block->txs[0].hash()), find_named(file()["transactions"], "transfer_ok")["tx_hash"]);
  EXPECT_EQ(hex(block->txs[1].hash()), find_named(file()["transactions"], "transfer_fails")["tx_hash"]);

  std::vector<chain::Receipt> receipts;
  for (const Json& r : file()["receipts"]) {
    auto rc = chain::decode_receipt(unhex(r["bytes"]));
    ASSERT_TRUE(rc);
    EXPECT_EQ(static_cast<int>(rc->code), r["code"].get<int>());
    receipts.push_back(*rc);
  }
  EXPECT_EQ(header->receipts_root, chain::receipts_root(receipts));
}

TEST(ProtocolVectors, CommitSignaturesVerify) {
  const Json& c = file()["commit"];
  auto commit = chain::decode_commit(unhex(c["commit_bytes"]));
  ASSERT_TRUE(commit);
  EXPECT_EQ(hex(commit->encode()), c["commit_bytes"]);
  EXPECT_EQ(hex(commit->block_hash), file()["block"]["block_hash"]);
  ASSERT_EQ(commit->signatures.size(), c["votes"].size());
  for (std::size_t i = 0; i < commit->signatures.size(); ++i) {
    const chain::CommitSig& s = commit->signatures[i];
    const Json& v = c["votes"][i];
    const Bytes vote = unhex(v["vote_bytes"]);
    EXPECT_EQ(vote, chain::vote_signing_bytes(kChainId, chain::kVotePrecommit, commit->height, commit->round,
                                              commit->block_hash, s.time_ms));
    EXPECT_EQ(hex(s.signature), v["signature"]);
    EXPECT_TRUE(crypto::verify(s.validator, vote, s.signature));
    EXPECT_EQ(hex(s.validator), find_named(file()["keys"], v["validator"].get<std::string>())["public_key"]);
  }
}

state::Writes writes_from(const Json& list) {
  state::Writes w;
  for (const Json& e : list) {
    w[unhex(e["key"])] = e["value"].is_null() ? std::nullopt : std::optional<Bytes>(unhex(e["value"]));
  }
  return w;
}

TEST(ProtocolVectors, StateRootsFollowFromTheListedWrites) {
  const Json& s = file()["state"];
  const state::Writes genesis = writes_from(s["genesis_writes"]);
  const state::Writes block1 = writes_from(s["block1_writes"]);
  state::MemoryState tree;
  const state::TreeUpdate g = state::genesis_tree(genesis);
  EXPECT_EQ(hex(g.root_hash), s["genesis_root"]);
  tree.apply(genesis, g);
  EXPECT_EQ(hex(state::advance_tree(tree, 1, g.root_hash, block1).root_hash), s["block1_root"]);
}

// Each listed proof decodes, re-encodes to the same bytes and verifies against its root;
// the same proof fails for a flipped claim.
TEST(ProtocolVectors, StateProofsVerify) {
  const Json& proofs = file()["state"]["proofs"];
  ASSERT_EQ(proofs.size(), 4u);
  for (const Json& p : proofs) {
    const Bytes bytes = unhex(p["proof"]);
    const auto proof = state::decode_proof(bytes);
    ASSERT_TRUE(proof);
    EXPECT_EQ(proof->encode(), bytes);
    crypto::Hash32 root;
    const Bytes root_bytes = unhex(p["root"]);
    std::copy(root_bytes.begin(), root_bytes.end(), root.begin());
    const Bytes key = unhex(p["key"]);
    if (p["value"].is_null()) {
      EXPECT_EQ(state::verify_proof(root, key, std::nullopt, *proof), state::ProofFailure::kNone);
      EXPECT_NE(state::verify_proof(root, key, ByteView(key), *proof), state::ProofFailure::kNone);
    } else {
      const Bytes value = unhex(p["value"]);
      EXPECT_EQ(state::verify_proof(root, key, ByteView(value), *proof), state::ProofFailure::kNone);
      EXPECT_NE(state::verify_proof(root, key, std::nullopt, *proof), state::ProofFailure::kNone);
    }
  }
}

TEST(ProtocolVectors, GenesisDocument) {
  const Json& g = file()["genesis"];
  const chain::Genesis genesis = chain::parse_genesis_json(g["json"].get<std::string>());
  EXPECT_EQ(hex(genesis.hash()), g["genesis_hash"]);
  EXPECT_EQ(hex(genesis.validators_hash()), g["validators_hash"]);
  EXPECT_EQ(chain::genesis_to_json(genesis), g["json"]);
}

TEST(ProtocolVectors, MerkleAndHashes) {
  for (const Json& m : file()["merkle"]) {
    std::vector<crypto::Hash32> items;
    for (std::size_t i = 0; i < m["n"].get<std::size_t>(); ++i) {
      const std::uint8_t b = static_cast<std::uint8_t>(i);
      items.push_back(crypto::blake2b_256(ByteView(&b, 1)));
    }
    EXPECT_EQ(hex(chain::merkle_root(items)), m["root"]);
  }
  for (const Json& h : file()["blake2b_256"]) {
    EXPECT_EQ(hex(crypto::blake2b_256(as_bytes(h["input_utf8"].get<std::string>()))), h["hash"]);
  }
  for (const Json& a : file()["amounts"]) {
    EXPECT_EQ(std::to_string(*chain::parse_amount(a["text"].get<std::string>())), a["units"]);
  }
  for (const Json& r : file()["result_codes"]) {
    EXPECT_EQ(chain::result_name(static_cast<chain::ResultCode>(r["code"].get<int>())), r["name"]);
  }
}

// The executor (exec/) must reach the same genesis root, and replaying the vector block
// must give the listed writes, receipts and state root.
TEST(ProtocolVectors, ExecutorAgrees) {
  const VectorInputs in = make_inputs();
  const exec::Executor executor(in.genesis);
  EXPECT_EQ(executor.genesis_writes(), in.genesis_writes);
  EXPECT_EQ(hex(executor.genesis_state_root()), file()["state"]["genesis_root"]);

  state::MemoryState genesis_view;
  genesis_view.apply(in.genesis_writes, state::genesis_tree(in.genesis_writes));
  const std::vector<chain::Transaction> txs = {in.transfer_ok, in.transfer_fails};
  std::vector<exec::CheckedTx> checked;
  for (const chain::Transaction& tx : txs) {
    EXPECT_EQ(executor.check_stateless(tx, tx.encode().size()), chain::ResultCode::kOk);
    checked.push_back({&tx, tx.hash(), tx.encode().size()});
  }
  chain::ResultCode reason = chain::ResultCode::kOk;
  auto outcome = executor.replay(genesis_view, executor.genesis_state_root(), checked,
                                 {1, kGenesisTimeMs + 1'000}, &reason);
  ASSERT_TRUE(outcome) << chain::result_name(reason);
  EXPECT_EQ(outcome->receipts, in.receipts);
  EXPECT_EQ(outcome->writes, in.block1_writes);
  EXPECT_EQ(hex(outcome->state_root), file()["state"]["block1_root"]);
  EXPECT_EQ(executor.check_stateless(in.other_chain, in.other_chain.encode().size()),
            chain::ResultCode::kWrongChainId);
}

}  // namespace
}  // namespace telco::vectors
