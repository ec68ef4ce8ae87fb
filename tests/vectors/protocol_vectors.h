// The inputs of the protocol test vectors and the computation of every vector from them.
// Shared by gen_vectors (which writes protocol_vectors.json) and tests/unit/vectors_test.cpp
// (which recomputes and compares with the checked-in file). Inputs are fixed: keys come
// from fixed seeds and Ed25519 signing is deterministic, so the output never varies.
// docs/PROTOCOL.md ("Test vectors") explains each field.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "chain/amount.h"
#include "chain/block.h"
#include "chain/genesis.h"
#include "chain/merkle.h"
#include "chain/result_code.h"
#include "modules/bank/account.h"
#include "modules/bank/transfer.h"
#include "state/commitment.h"
#include "state/write_set.h"
#include "util/hex.h"

namespace telco::vectors {

using Json = nlohmann::ordered_json;

inline constexpr const char* kChainId = "telco-vectors-1";
inline constexpr std::uint64_t kGenesisTimeMs = 1'700'000'000'000;

// Seeds: 32 copies of one byte. A = 0x01, B = 0x02, validators V1..V3 = 0x11..0x13.
inline crypto::KeyPair key_from_byte(std::uint8_t b) {
  crypto::Seed seed{};
  seed.fill(b);
  return crypto::KeyPair::from_seed(seed);
}
inline crypto::KeyPair key_a() { return key_from_byte(0x01); }
inline crypto::KeyPair key_b() { return key_from_byte(0x02); }
inline crypto::KeyPair validator_key(int i) { return key_from_byte(static_cast<std::uint8_t>(0x10 + i)); }
inline crypto::Address address_of(const crypto::KeyPair& k) {
  return crypto::Address::from_public_key(k.public_key());
}

inline std::string hex(ByteView b) { return to_hex(b); }

struct VectorInputs {
  chain::Genesis genesis;
  chain::Transaction transfer_ok;     // A -> B 1.5 TEL with a memo; applies
  chain::Transaction transfer_fails;  // B -> A more than B owns; included, fee charged, code 300
  chain::Transaction other_chain;     // transfer_ok's fields signed for another chain id
  chain::Transaction edge;            // extreme field values: encoding only, never valid on chain
  std::vector<chain::Receipt> receipts;
  state::Writes genesis_writes;
  state::Writes block1_writes;
};

inline chain::Transaction signed_tx(const crypto::KeyPair& k, std::string chain_id, std::uint64_t nonce,
                                    std::uint64_t fee, chain::Payload payload) {
  chain::Transaction tx;
  tx.chain_id = std::move(chain_id);
  tx.nonce = nonce;
  tx.fee = fee;
  tx.payload = std::move(payload);
  tx.sign(k);
  return tx;
}

class MapView final : public state::StateView {
 public:
  explicit MapView(const state::Writes& w) : writes_(w) {}
  std::optional<Bytes> get(ByteView key) const override {
    auto it = writes_.find(key);
    if (it == writes_.end()) return std::nullopt;
    return it->second;
  }

 private:
  const state::Writes& writes_;
};

inline VectorInputs make_inputs() {
  using modules::bank::Transfer;
  VectorInputs in;
  chain::Genesis& g = in.genesis;
  g.chain_id = kChainId;
  g.genesis_time_ms = kGenesisTimeMs;
  for (int i = 1; i <= 3; ++i) {
    g.validators.push_back(
        {"v" + std::to_string(i), validator_key(i).public_key(), static_cast<std::uint64_t>(10 * i)});
  }
  g.accounts.push_back({address_of(key_a()), 10'000'000});
  g.accounts.push_back({address_of(key_b()), 5'000'000});
  chain::validate(g);

  const std::string memo = "invoice 42";
  in.transfer_ok =
      signed_tx(key_a(), kChainId, 0, 1'000,
                Transfer{address_of(key_b()), 1'500'000, Bytes(memo.begin(), memo.end())}.to_payload());
  in.transfer_fails = signed_tx(key_b(), kChainId, 0, 1'000,
                                Transfer{address_of(key_a()), 1'000'000'000'000'000, {}}.to_payload());
  in.other_chain = signed_tx(key_a(), "telco-other", 0, 1'000, in.transfer_ok.payload);
  in.edge = signed_tx(key_b(), "", ~std::uint64_t{0}, ~std::uint64_t{0}, chain::Payload{0xffff, {}});
  in.receipts = {{chain::ResultCode::kOk, 1'000}, {chain::ResultCode::kInsufficientFunds, 1'000}};

  // Genesis state, as the executor writes it: one account record per genesis account
  // (balance, nonce 0) and the supply record (total, burned 0).
  {
    const state::Writes nothing;
    MapView empty(nothing);
    state::WriteSet ws(empty);
    for (const chain::GenesisAccount& a : g.accounts)
      modules::bank::store_account(ws, a.address, {a.balance, 0});
    modules::bank::store_supply(ws, {g.total_supply(), 0});
    in.genesis_writes = ws.writes();
  }
  // Block 1 = [transfer_ok, transfer_fails]: both pay their fee and advance their nonce;
  // the second transfer's payload fails and has no effect; fees are burned.
  {
    MapView genesis_view(in.genesis_writes);
    state::WriteSet ws(genesis_view);
    modules::bank::store_account(ws, address_of(key_a()), {10'000'000 - 1'000 - 1'500'000, 1});
    modules::bank::store_account(ws, address_of(key_b()), {5'000'000 + 1'500'000 - 1'000, 1});
    modules::bank::store_supply(ws, {15'000'000 - 2'000, 2'000});
    in.block1_writes = ws.writes();
  }
  return in;
}

inline Json key_json(const char* name, const crypto::KeyPair& k) {
  const crypto::Address a = address_of(k);
  return Json{{"name", name},
              {"seed", hex(k.seed())},
              {"public_key", hex(k.public_key())},
              {"address_bytes", hex(a.bytes)},
              {"address", a.to_string()}};
}

inline Json tx_json(const char* name, const chain::Transaction& tx) {
  return Json{{"name", name},
              {"fields",
               {{"version", tx.version},
                {"chain_id", tx.chain_id},
                {"sender", hex(tx.sender)},
                {"nonce", std::to_string(tx.nonce)},
                {"fee", std::to_string(tx.fee)},
                {"payload_type", tx.payload.type},
                {"payload_body", hex(tx.payload.body)}}},
              {"signing_bytes", hex(tx.signing_bytes())},
              {"signature", hex(tx.signature)},
              {"tx_bytes", hex(tx.encode())},
              {"tx_hash", hex(tx.hash())},
              {"sender_address", tx.sender_address().to_string()}};
}

// Proofs of one present and one absent account at versions 0 and 1.
inline Json state_proofs_json(const state::MemoryState& tree) {
  Json out = Json::array();
  const Bytes present = modules::bank::account_key(address_of(key_a()));
  crypto::Address nobody{};
  nobody.bytes.fill(0x5a);
  const Bytes absent = modules::bank::account_key(nobody);
  for (state::Version v : {0, 1}) {
    for (const Bytes& key : {present, absent}) {
      const auto vp = state::get_with_proof(tree, v, key);
      if (!vp) throw std::logic_error("vector state proof: version missing");
      out.push_back({{"version", v},
                     {"key", hex(key)},
                     {"value", vp->value ? Json(hex(*vp->value)) : Json(nullptr)},
                     {"root", crypto::to_hex(*state::root_hash_at(tree, v))},
                     {"proof", hex(vp->proof.encode())}});
    }
  }
  return out;
}

inline Json writes_json(const state::Writes& writes) {
  Json out = Json::array();
  for (const auto& [k, v] : writes)
    out.push_back({{"key", hex(k)}, {"value", v ? Json(hex(*v)) : Json(nullptr)}});
  return out;
}

inline chain::BlockHeader make_header(const VectorInputs& in, const crypto::Hash32& state_root) {
  chain::BlockHeader h;
  h.chain_id = kChainId;
  h.height = 1;
  h.time_ms = kGenesisTimeMs + 1'000;
  h.prev_hash = {};
  h.last_commit_hash = chain::Commit{}.hash();  // height 1 carries the empty commit
  h.tx_root = chain::tx_root({in.transfer_ok, in.transfer_fails});
  h.tx_count = 2;
  h.receipts_root = chain::receipts_root(in.receipts);
  h.state_root = state_root;
  h.validators_hash = in.genesis.validators_hash();
  h.proposer = address_of(validator_key(1));
  h.evidence_root = chain::evidence_root({});  // no evidence
  return h;
}

inline Json primitives_json() {
  Json out;
  out["domains"] = {{"tx", "telco/tx/v1"},           {"vote", "telco/vote/v1"},
                    {"address", "telco/address/v1"}, {"state", "telco/state/v1"},
                    {"genesis", "telco/genesis/v1"}, {"validators", "telco/validators/v1"}};
  out["blake2b_256"] = Json::array();
  for (const char* s : {"", "abc", "telco"}) {
    out["blake2b_256"].push_back(
        {{"input_utf8", s}, {"hash", crypto::to_hex(crypto::blake2b_256(as_bytes(s)))}});
  }
  out["keys"] = Json::array({key_json("A", key_a()), key_json("B", key_b())});
  for (int i = 1; i <= 3; ++i)
    out["keys"].push_back(key_json(("V" + std::to_string(i)).c_str(), validator_key(i)));
  return out;
}

inline Json merkle_json() {
  Json out = Json::array();
  for (std::size_t n : {0, 1, 2, 3, 4, 5, 7, 8, 9}) {
    std::vector<crypto::Hash32> items;
    for (std::size_t i = 0; i < n; ++i) {
      const std::uint8_t b = static_cast<std::uint8_t>(i);
      items.push_back(crypto::blake2b_256(ByteView(&b, 1)));
    }
    out.push_back({{"items", "H(byte i) for i in 0..n-1"},
                   {"n", n},
                   {"root", crypto::to_hex(chain::merkle_root(items))}});
  }
  return out;
}

inline Json block_json(const VectorInputs& in, const chain::BlockHeader& header) {
  const chain::Block block{header, {in.transfer_ok, in.transfer_fails}, chain::Commit{}};
  return {{"header_fields",
           {{"version", header.version},
            {"chain_id", header.chain_id},
            {"height", std::to_string(header.height)},
            {"time_ms", std::to_string(header.time_ms)},
            {"prev_hash", hex(header.prev_hash)},
            {"last_commit_hash", hex(header.last_commit_hash)},
            {"tx_root", hex(header.tx_root)},
            {"tx_count", header.tx_count},
            {"receipts_root", hex(header.receipts_root)},
            {"state_root", hex(header.state_root)},
            {"validators_hash", hex(header.validators_hash)},
            {"proposer", header.proposer.to_string()},
            {"evidence_root", hex(header.evidence_root)}}},
          {"header_bytes", hex(header.encode())},
          {"block_hash", crypto::to_hex(header.hash())},
          {"transactions", Json::array({"transfer_ok", "transfer_fails"})},
          {"last_commit_bytes", hex(block.last_commit.encode())},
          {"block_bytes", hex(block.encode())}};
}

// V1..V3 precommit the header's hash at round 0.
inline Json commit_json(const chain::BlockHeader& header) {
  chain::Commit commit;
  commit.height = header.height;
  commit.round = 0;
  commit.block_hash = header.hash();
  Json votes = Json::array();
  for (int i = 1; i <= 3; ++i) {
    const crypto::KeyPair k = validator_key(i);
    chain::CommitSig s;
    s.validator = k.public_key();
    s.time_ms = kGenesisTimeMs + 1'500 + static_cast<std::uint64_t>(i);
    const Bytes vote = chain::vote_signing_bytes(header.chain_id, chain::kVotePrecommit, commit.height,
                                                 commit.round, commit.block_hash, s.time_ms);
    s.signature = k.sign(vote);
    commit.signatures.push_back(s);
    votes.push_back({{"validator", "V" + std::to_string(i)},
                     {"time_ms", std::to_string(s.time_ms)},
                     {"vote_bytes", hex(vote)},
                     {"signature", hex(s.signature)}});
  }
  return {{"height", std::to_string(commit.height)},
          {"round", commit.round},
          {"block_hash", crypto::to_hex(commit.block_hash)},
          {"vote_type", chain::kVotePrecommit},
          {"votes", votes},
          {"commit_bytes", hex(commit.encode())}};
}

inline Json tables_json() {
  Json out;
  out["amounts"] = Json::array();
  for (std::uint64_t units : {std::uint64_t{0}, std::uint64_t{1}, std::uint64_t{1'500'000},
                              std::uint64_t{1'000'001}, ~std::uint64_t{0}}) {
    out["amounts"].push_back({{"units", std::to_string(units)}, {"text", chain::format_amount(units)}});
  }
  out["result_codes"] = Json::array();
  for (int n :
       {0, 100, 101, 102, 103, 104, 105, 106, 107, 108, 200, 201, 202, 203, 204, 300, 301, 400, 401, 499}) {
    out["result_codes"].push_back(
        {{"code", n}, {"name", chain::result_name(static_cast<chain::ResultCode>(n))}});
  }
  return out;
}

inline Json compute_protocol_vectors() {
  const VectorInputs in = make_inputs();
  Json out;
  out["format"] = "telcochain protocol vectors, version 1";
  out["about"] =
      "Every value is derived from the inputs by the rules of docs/PROTOCOL.md. Byte strings are lower-case "
      "hex; "
      "u64 values are decimal strings. Regenerate only for a deliberate protocol change: "
      "ninja -C <build dir> update_protocol_vectors (tests/vectors/CMakeLists.txt).";
  out.update(primitives_json());

  const auto t = modules::bank::Transfer::decode(in.transfer_ok.payload);
  out["bank_transfer_payload"] = {{"to", t->to.to_string()},
                                  {"amount", std::to_string(t->amount)},
                                  {"memo_utf8", to_string(t->memo)},
                                  {"type", in.transfer_ok.payload.type},
                                  {"body", hex(in.transfer_ok.payload.body)}};
  out["transactions"] =
      Json::array({tx_json("transfer_ok", in.transfer_ok), tx_json("transfer_fails", in.transfer_fails),
                   tx_json("other_chain", in.other_chain), tx_json("edge", in.edge)});
  out["receipts"] = Json::array();
  for (const chain::Receipt& r : in.receipts) {
    out["receipts"].push_back({{"code", static_cast<int>(r.code)},
                               {"fee_charged", std::to_string(r.fee_charged)},
                               {"bytes", hex(r.encode())},
                               {"leaf_hash", crypto::to_hex(crypto::blake2b_256(r.encode()))}});
  }
  out["merkle"] = merkle_json();

  // The state tree at version 0 (genesis) and 1 (after block 1), and proofs against both.
  state::MemoryState tree;
  const state::TreeUpdate genesis_update = state::genesis_tree(in.genesis_writes);
  tree.apply(in.genesis_writes, genesis_update);
  const crypto::Hash32 genesis_root = genesis_update.root_hash;
  const state::TreeUpdate block1_update = state::advance_tree(tree, 1, genesis_root, in.block1_writes);
  tree.apply(in.block1_writes, block1_update);
  const crypto::Hash32 block1_root = block1_update.root_hash;
  out["state"] = {{"genesis_writes", writes_json(in.genesis_writes)},
                  {"genesis_root", crypto::to_hex(genesis_root)},
                  {"block1_writes", writes_json(in.block1_writes)},
                  {"block1_root", crypto::to_hex(block1_root)},
                  {"proofs", state_proofs_json(tree)}};
  out["genesis"] = {{"json", chain::genesis_to_json(in.genesis)},
                    {"genesis_hash", crypto::to_hex(in.genesis.hash())},
                    {"validators_hash", crypto::to_hex(in.genesis.validators_hash())}};

  const chain::BlockHeader header = make_header(in, block1_root);
  out["block"] = block_json(in, header);
  out["commit"] = commit_json(header);
  out.update(tables_json());
  return out;
}

}  // namespace telco::vectors
