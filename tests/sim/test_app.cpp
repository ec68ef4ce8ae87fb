#include "test_app.h"

#include <string>

namespace telco::sim {

crypto::Hash32 TestApp::apply(const crypto::Hash32& root, const std::vector<chain::Transaction>& txs) {
  crypto::Hasher h;
  h.update("telco/sim-app/v1").update(root);
  for (const chain::Transaction& tx : txs) h.update(tx.hash());
  return h.finish();
}

bool TestApp::txs_valid(const std::vector<chain::Transaction>& txs) {
  for (const chain::Transaction& tx : txs) {
    const std::string_view body(reinterpret_cast<const char*>(tx.payload.body.data()), tx.payload.body.size());
    if (body.starts_with("bad")) return false;
  }
  return true;
}

chain::Block TestApp::build(const chain::BlockHeader& header, const chain::Commit& last_commit,
                            std::vector<chain::Transaction> txs, const crypto::Hash32& root) {
  chain::Block b{header, std::move(txs), last_commit};
  b.header.tx_root = chain::tx_root(b.txs);
  b.header.tx_count = static_cast<std::uint32_t>(b.txs.size());
  b.header.receipts_root = chain::receipts_root(std::vector<chain::Receipt>(b.txs.size()));
  b.header.state_root = apply(root, b.txs);
  return b;
}

chain::Transaction TestApp::make_tx(std::uint32_t node_id, std::uint64_t height, std::uint64_t round,
                                    std::string_view body) {
  chain::Transaction tx;
  tx.chain_id = "telco-sim";
  tx.nonce = height;
  tx.fee = round;
  tx.sender[0] = static_cast<std::uint8_t>(node_id);
  tx.sender[1] = static_cast<std::uint8_t>(node_id >> 8);
  tx.payload.type = 0xFFFF;
  tx.payload.body.assign(body.begin(), body.end());
  return tx;
}

chain::Block TestApp::prepare_proposal(const chain::BlockHeader& header, const chain::Commit& last_commit) {
  std::vector<chain::Transaction> txs;
  const std::uint64_t count = 1 + header.time_ms % 3;  // vary the block deterministically
  for (std::uint64_t i = 0; i < count; ++i) {
    txs.push_back(make_tx(node_id_, header.height, i, "put " + std::to_string(header.height * 10 + i)));
  }
  if (propose_invalid_) txs.push_back(make_tx(node_id_, header.height, 99, "bad value"));
  return build(header, last_commit, std::move(txs), root_);
}

bool TestApp::process_proposal(const chain::Block& block) {
  const bool ok = txs_valid(block.txs) && block.header.state_root == apply(root_, block.txs) &&
                  block.header.receipts_root == chain::receipts_root(std::vector<chain::Receipt>(block.txs.size()));
  if (ok) accepted_.insert(block.header.hash());
  return ok;
}

consensus::Application::Finalized TestApp::finalize_block(const chain::Block& block, const chain::Commit&) {
  pending_ = apply(root_, block.txs);
  std::vector<consensus::ValidatorUpdate> updates;
  const std::uint64_t phase = block.header.height % 3;
  if (!genesis_.empty() && phase != 0) {
    for (const chain::GenesisValidator& v : genesis_) {
      updates.push_back({v.public_key, phase == 1 ? 2 * v.power : v.power, v.name});
    }
  }
  return {*pending_, std::move(updates)};
}

void TestApp::commit() {
  root_ = pending_.value();
  pending_.reset();
}

}  // namespace telco::sim
