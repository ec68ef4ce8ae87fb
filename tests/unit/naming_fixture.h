// A chain of naming state for handler tests: the genesis naming records, then payloads
// applied through the registry's handlers exactly as exec applies them (stateless check
// first; on a failing apply the payload's writes are rolled back).
#pragma once

#include <gtest/gtest.h>

#include "modules/naming/payloads.h"
#include "modules/naming/state.h"
#include "modules/naming/views.h"
#include "modules/registry.h"
#include "test_chain.h"

namespace telco::test {

inline chain::NamingParams test_naming_params() {
  chain::NamingParams p;
  p.top_level_labels = {"tel", "sip"};
  p.name_expiry_blocks = 100;
  p.name_grace_blocks = 20;
  p.reveal_window_blocks = 10;
  p.numbering_authority = addr(5);
  p.port_deadline_blocks = 5;
  return p;
}

class NamingFixture : public ::testing::Test {
 protected:
  NamingFixture() {
    genesis_ = make_genesis(8);
    genesis_.naming = test_naming_params();
    state::WriteSet ws(view_);
    modules::write_genesis_state(genesis_, ws);
    view_.apply(ws.writes());
  }

  // Applies one payload from account `from` at the current height; returns its code.
  template <typename P>
  chain::ResultCode submit(std::uint8_t from, const P& payload) {
    const chain::Payload body = payload.to_payload();
    const modules::PayloadHandler* handler = modules::find_handler(body.type);
    EXPECT_NE(handler, nullptr);
    if (const chain::ResultCode c = handler->check(body); c != chain::ResultCode::kOk) return c;
    chain::Transaction tx;
    tx.chain_id = genesis_.chain_id;
    tx.payload = body;
    const crypto::Address sender = addr(from);
    state::WriteSet ws(view_);
    const std::size_t savepoint = ws.savepoint();
    modules::TxContext ctx{tx, sender, height_, 1'700'000'000'000 + height_, ws};
    chain::ResultCode code = handler->apply(ctx, body);
    // The executor's rule (exec/executor.cpp apply_tx): a record beyond the tree's bounds
    // fails the transaction.
    if (code == chain::ResultCode::kOk && ws.oversized_puts() != 0) code = chain::ResultCode::kStateValueTooLarge;
    if (code != chain::ResultCode::kOk) ws.rollback(savepoint);
    view_.apply(ws.writes());
    return code;
  }

  // Expects `code` and no change to any state.
  template <typename P>
  void expect_refused(std::uint8_t from, const P& payload, chain::ResultCode code) {
    const auto before = view_.values;
    EXPECT_EQ(submit(from, payload), code) << chain::result_name(code);
    EXPECT_EQ(view_.values, before) << "a refused payload must leave state unchanged";
  }

  void advance(std::uint64_t blocks = 1) { height_ += blocks; }

  // commit, next block, reveal: registers `name` to `from`.
  void register_name(std::uint8_t from, const std::string& name) {
    crypto::Hash32 secret{};
    secret.fill(static_cast<std::uint8_t>(from + 40));
    ASSERT_EQ(submit(from, modules::naming::NameCommit{modules::naming::commitment_hash(name, addr(from), secret)}),
              chain::ResultCode::kOk);
    advance();
    ASSERT_EQ(submit(from, modules::naming::NameReveal{name, secret}), chain::ResultCode::kOk);
    advance();
  }

  std::optional<modules::naming::NameView> name(const std::string& n) {
    return modules::naming::view_name(view_, *genesis_.naming, height_, n);
  }

  chain::Genesis genesis_;
  MapView view_;
  std::uint64_t height_ = 1;
};

}  // namespace telco::test
