// Device-module handler tests: payloads applied through the registry's handlers exactly as
// exec applies them (stateless check first; a failing apply's writes are rolled back), over
// an in-memory state. Device keys are deterministic from a byte, like the account keys.
#pragma once

#include <gtest/gtest.h>

#include "modules/device/auth.h"
#include "modules/device/merkle.h"
#include "modules/device/payloads.h"
#include "modules/device/state.h"
#include "modules/registry.h"
#include "test_chain.h"

namespace telco::test {

inline crypto::KeyPair device_keypair(std::uint8_t n) {
  crypto::Seed seed{};
  seed.fill(static_cast<std::uint8_t>(n ^ 0xA5));
  seed[0] = 0xD0;
  return crypto::KeyPair::from_seed(seed);
}

inline crypto::Hash32 device_id(std::uint32_t n) {
  return modules::device::device_id_hash("IMEI-35" + std::to_string(1'000'000 + n));
}

class DeviceFixture : public ::testing::Test {
 protected:
  static constexpr std::uint64_t kTimeBaseMs = 1'700'000'000'000;

  template <typename P>
  chain::ResultCode submit(std::uint8_t from, const P& payload) {
    const chain::Payload body = payload.to_payload();
    const modules::PayloadHandler* handler = modules::find_handler(body.type);
    EXPECT_NE(handler, nullptr);
    if (const chain::ResultCode c = handler->check(body); c != chain::ResultCode::kOk) return c;
    chain::Transaction tx;
    tx.chain_id = chain_id_;
    tx.payload = body;
    const crypto::Address sender = addr(from);
    state::WriteSet ws(view_);
    const std::size_t savepoint = ws.savepoint();
    modules::TxContext ctx{tx, sender, height_, time_ms(), ws};
    chain::ResultCode code = handler->apply(ctx, body);
    if (code == chain::ResultCode::kOk && ws.oversized_puts() != 0)
      code = chain::ResultCode::kStateValueTooLarge;
    if (code != chain::ResultCode::kOk) ws.rollback(savepoint);
    view_.apply(ws.writes());
    return code;
  }

  template <typename P>
  void expect_refused(std::uint8_t from, const P& payload, chain::ResultCode code) {
    const auto before = view_.values;
    EXPECT_EQ(submit(from, payload), code) << chain::result_name(code);
    EXPECT_EQ(view_.values, before) << "a refused payload must leave state unchanged";
  }

  std::uint64_t time_ms() const { return kTimeBaseMs + height_ * 1000; }
  void advance(std::uint64_t blocks = 1) { height_ += blocks; }

  // Device `n` registered by account 1, owned by account `owner`, served by account 2.
  modules::device::DeviceRegister registration(std::uint32_t n, std::uint8_t owner = 3) {
    return {device_id(n),
            device_keypair(static_cast<std::uint8_t>(n)).public_key(),
            addr(owner),
            addr(2),
            {{"model", "T-100"}}};
  }
  void register_device(std::uint32_t n, std::uint8_t owner = 3) {
    ASSERT_EQ(submit(1, registration(n, owner)), chain::ResultCode::kOk);
  }
  modules::device::DeviceRecord device(std::uint32_t n) {
    auto d = modules::device::load_device(view_, device_id(n));
    EXPECT_TRUE(d.has_value());
    return d.value_or(modules::device::DeviceRecord{});
  }

  std::string chain_id_ = "telco-test";
  MapView view_;
  std::uint64_t height_ = 1;
};

// A fleet of `size` members, member i = (device_id(1000 + i), device_keypair(i % 256)).
struct TestFleet {
  std::vector<crypto::Hash32> ids;
  std::vector<crypto::PublicKey> keys;
  std::vector<crypto::Hash32> leaves;
  explicit TestFleet(std::uint32_t size) {
    for (std::uint32_t i = 0; i < size; ++i) {
      ids.push_back(device_id(1000 + i));
      keys.push_back(device_keypair(static_cast<std::uint8_t>(i)).public_key());
      leaves.push_back(modules::device::fleet_leaf(ids.back(), keys.back()));
    }
  }
};

}  // namespace telco::test
