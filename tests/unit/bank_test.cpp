// modules/bank: the transfer payload, its handler, account records, and the registry.
#include <gtest/gtest.h>

#include <limits>
#include <map>
#include <set>
#include <stdexcept>

#include "codec/writer.h"
#include "modules/bank/account.h"
#include "modules/bank/transfer.h"
#include "modules/registry.h"
#include "state/prefixes.h"

namespace telco::modules::bank {
namespace {

using chain::ResultCode;
using Json = nlohmann::json;
constexpr std::uint64_t kMax = std::numeric_limits<std::uint64_t>::max();

crypto::KeyPair key(std::uint8_t n) {
  crypto::Seed seed{};
  seed.fill(n);
  return crypto::KeyPair::from_seed(seed);
}
crypto::Address addr(std::uint8_t n) { return crypto::Address::from_public_key(key(n).public_key()); }

class MapView final : public state::StateView {
 public:
  std::optional<Bytes> get(ByteView k) const override {
    auto it = data.find(k);
    if (it == data.end()) return std::nullopt;
    return it->second;
  }
  std::map<Bytes, Bytes, BytesLess> data;
};

Transfer sample_transfer() { return Transfer{addr(2), 1'500'000, Bytes{'i', 'n', 'v', '-', '7'}}; }

// ---------------------------------------------------------------- payload codec

TEST(Transfer, PayloadLayout) {
  const Transfer t = sample_transfer();
  const chain::Payload p = t.to_payload();
  EXPECT_EQ(p.type, kTransferType);
  EXPECT_EQ(kTransferType, 1);
  codec::Writer w;
  w.fixed(t.to.bytes);
  w.u64(t.amount);
  w.bytes(t.memo);
  EXPECT_EQ(p.body, w.data());
  EXPECT_EQ(p.body.size(), 20u + 8 + 4 + 5);
}

TEST(Transfer, DecodeRoundTrip) {
  for (const Transfer& t :
       {sample_transfer(), Transfer{addr(3), 1, {}}, Transfer{addr(4), kMax, Bytes(kMemoBytesMax, 0xff)}}) {
    auto back = Transfer::decode(t.to_payload());
    ASSERT_TRUE(back);
    EXPECT_EQ(*back, t);
  }
}

TEST(Transfer, DecodeRejectsMalformedBodies) {
  const chain::Payload good = sample_transfer().to_payload();
  chain::Payload wrong_type = good;
  wrong_type.type = 2;
  EXPECT_FALSE(Transfer::decode(wrong_type));
  for (std::size_t len = 0; len < good.body.size(); ++len) {
    chain::Payload p = good;
    p.body.resize(len);
    EXPECT_FALSE(Transfer::decode(p)) << len;
  }
  chain::Payload trailing = good;
  trailing.body.push_back(0);
  EXPECT_FALSE(Transfer::decode(trailing));
  const Transfer long_memo{addr(2), 5, Bytes(kMemoBytesMax + 1, 'm')};
  EXPECT_FALSE(Transfer::decode(long_memo.to_payload()));
}

// ---------------------------------------------------------------- handler: stateless

TEST(TransferHandler, Identity) {
  const TransferHandler h;
  EXPECT_EQ(h.type(), 1);
  EXPECT_EQ(h.name(), "bank.transfer");
}

TEST(TransferHandler, Check) {
  const TransferHandler h;
  EXPECT_EQ(h.check(sample_transfer().to_payload()), ResultCode::kOk);
  EXPECT_EQ(h.check(Transfer{addr(2), 0, {}}.to_payload()), ResultCode::kZeroAmount);
  chain::Payload truncated = sample_transfer().to_payload();
  truncated.body.pop_back();
  EXPECT_EQ(h.check(truncated), ResultCode::kMalformedPayload);
  EXPECT_EQ(h.check(chain::Payload{1, {}}), ResultCode::kMalformedPayload);
  EXPECT_EQ(h.check(Transfer{addr(2), 5, Bytes(kMemoBytesMax + 1, 'm')}.to_payload()),
            ResultCode::kMalformedPayload);
  EXPECT_EQ(h.check(Transfer{addr(2), 5, Bytes(kMemoBytesMax, 'm')}.to_payload()), ResultCode::kOk);
}

TEST(TransferHandler, MaxSpendAndCounterparties) {
  const TransferHandler h;
  EXPECT_EQ(h.max_spend(sample_transfer().to_payload()), 1'500'000u);
  EXPECT_EQ(h.max_spend(chain::Payload{1, {1, 2, 3}}), 0u);
  EXPECT_EQ(h.counterparties(sample_transfer().to_payload()), std::vector<crypto::Address>{addr(2)});
  EXPECT_TRUE(h.counterparties(chain::Payload{1, {1, 2, 3}}).empty());
}

// ---------------------------------------------------------------- handler: apply

class ApplyTest : public ::testing::Test {
 protected:
  void fund(std::uint8_t n, std::uint64_t balance, std::uint64_t nonce = 0) {
    codec::Writer w;
    w.u64(balance);
    w.u64(nonce);
    base_.data[account_key(addr(n))] = w.take();
  }
  ResultCode apply(std::uint8_t from, const Transfer& t) {
    tx_.payload = t.to_payload();
    tx_.sign(key(from));
    const crypto::Address sender = addr(from);
    TxContext ctx{tx_, sender, 5, 1'700'000'000'000, ws_};
    return TransferHandler().apply(ctx, tx_.payload);
  }
  Account account(std::uint8_t n) const { return load_account(ws_, addr(n)); }

  MapView base_;
  state::WriteSet ws_{base_};
  chain::Transaction tx_;
};

TEST_F(ApplyTest, MovesFunds) {
  fund(1, 10'000'000, 3);
  fund(2, 5);
  EXPECT_EQ(apply(1, Transfer{addr(2), 1'500'000, {}}), ResultCode::kOk);
  EXPECT_EQ(account(1), (Account{8'500'000, 3}));  // nonce is exec's business, not the handler's
  EXPECT_EQ(account(2), (Account{1'500'005, 0}));
  EXPECT_EQ(ws_.writes().size(), 2u);
}

TEST_F(ApplyTest, CreatesRecipientAccount) {
  fund(1, 100);
  EXPECT_EQ(apply(1, Transfer{addr(7), 100, {}}), ResultCode::kOk);
  EXPECT_EQ(account(1), (Account{0, 0}));
  EXPECT_EQ(account(7), (Account{100, 0}));
}

TEST_F(ApplyTest, InsufficientFundsWritesNothing) {
  fund(1, 99);
  EXPECT_EQ(apply(1, Transfer{addr(2), 100, {}}), ResultCode::kInsufficientFunds);
  EXPECT_TRUE(ws_.writes().empty());
  EXPECT_EQ(apply(9, Transfer{addr(2), 1, {}}), ResultCode::kInsufficientFunds);  // unknown sender
  EXPECT_TRUE(ws_.writes().empty());
}

TEST_F(ApplyTest, RecipientOverflowWritesNothing) {
  fund(1, 10);
  fund(2, kMax - 5);
  EXPECT_EQ(apply(1, Transfer{addr(2), 6, {}}), ResultCode::kBalanceOverflow);
  EXPECT_TRUE(ws_.writes().empty());
  EXPECT_EQ(apply(1, Transfer{addr(2), 5, {}}), ResultCode::kOk);
  EXPECT_EQ(account(2).balance, kMax);
}

TEST_F(ApplyTest, SelfTransfer) {
  fund(1, 50);
  EXPECT_EQ(apply(1, Transfer{addr(1), 50, {}}), ResultCode::kOk);
  EXPECT_EQ(account(1), (Account{50, 0}));
  EXPECT_EQ(apply(1, Transfer{addr(1), 51, {}}), ResultCode::kInsufficientFunds);
  EXPECT_EQ(account(1), (Account{50, 0}));
  fund(3, kMax);
  EXPECT_EQ(apply(3, Transfer{addr(3), kMax, {}}), ResultCode::kOk);  // no overflow on self
  EXPECT_EQ(account(3).balance, kMax);
}

TEST_F(ApplyTest, MalformedPayload) {
  fund(1, 50);
  tx_.payload = chain::Payload{1, {0}};
  tx_.sign(key(1));
  const crypto::Address sender = addr(1);
  TxContext ctx{tx_, sender, 5, 0, ws_};
  EXPECT_EQ(TransferHandler().apply(ctx, tx_.payload), ResultCode::kMalformedPayload);
  EXPECT_TRUE(ws_.writes().empty());
}

// ---------------------------------------------------------------- account records

TEST(Account, KeyAndRecordLayout) {
  const crypto::Address a = addr(1);
  const Bytes k = account_key(a);
  ASSERT_EQ(k.size(), 21u);
  EXPECT_EQ(k[0], static_cast<std::uint8_t>(state::Prefix::kAccount));
  EXPECT_TRUE(std::equal(a.bytes.begin(), a.bytes.end(), k.begin() + 1));

  MapView base;
  state::WriteSet ws(base);
  EXPECT_EQ(load_account(ws, a), Account{});
  store_account(ws, a, Account{0x0102, 0x03});
  const Bytes expected = {0x02, 0x01, 0, 0, 0, 0, 0, 0, 0x03, 0, 0, 0, 0, 0, 0, 0};
  EXPECT_EQ(ws.get(k), expected);
  EXPECT_EQ(load_account(ws, a), (Account{0x0102, 0x03}));
}

TEST(Account, SupplyRecord) {
  MapView base;
  state::WriteSet ws(base);
  EXPECT_EQ(load_supply(ws), Supply{});
  store_supply(ws, Supply{1000, 7});
  EXPECT_EQ(load_supply(ws), (Supply{1000, 7}));
  const Bytes key = {0x00, 's', 'u', 'p', 'p', 'l', 'y'};
  auto raw = ws.get(key);
  ASSERT_TRUE(raw);
  EXPECT_EQ(raw->size(), 16u);
}

TEST(Account, CorruptRecordIsABrokenInvariant) {
  MapView base;
  base.data[account_key(addr(1))] = Bytes{1, 2, 3};
  EXPECT_THROW(load_account(base, addr(1)), std::logic_error);
  base.data[account_key(addr(1))] = Bytes(17, 0);
  EXPECT_THROW(load_account(base, addr(1)), std::logic_error);
}

// ---------------------------------------------------------------- JSON edge

TEST(TransferJson, ToJson) {
  const TransferHandler h;
  const Json j = h.to_json(sample_transfer().to_payload());
  EXPECT_EQ(j["type"], "bank.transfer");
  EXPECT_EQ(j["to"], addr(2).to_string());
  EXPECT_EQ(j["amount"], "1500000");
  EXPECT_EQ(j["amount_tel"], "1.5");
  EXPECT_EQ(j["memo"], "inv-7");
  const Json bad = h.to_json(chain::Payload{1, {1}});
  EXPECT_EQ(bad["type"], "bank.transfer");
  EXPECT_EQ(bad["malformed"], true);
}

TEST(TransferJson, RoundTrip) {
  const TransferHandler h;
  for (const Transfer& t :
       {sample_transfer(), Transfer{addr(3), kMax, {}}, Transfer{addr(4), 1, Bytes(kMemoBytesMax, 'x')}}) {
    const chain::Payload p = t.to_payload();
    EXPECT_EQ(h.from_json(h.to_json(p)), p);
  }
}

TEST(TransferJson, FromJsonAcceptsMinimalForms) {
  const TransferHandler h;
  const std::string to = addr(2).to_string();
  EXPECT_EQ(h.from_json({{"to", to}, {"amount", "5"}}), (Transfer{addr(2), 5, {}}.to_payload()));
  EXPECT_EQ(h.from_json({{"to", to}, {"amount", 5u}}), (Transfer{addr(2), 5, {}}.to_payload()));
  EXPECT_EQ(
      h.from_json({{"type", "bank.transfer"}, {"to", to}, {"amount", "18446744073709551615"}, {"memo", ""}}),
      (Transfer{addr(2), kMax, {}}.to_payload()));
  EXPECT_EQ(h.from_json({{"to", to}, {"amount", "1500000"}, {"amount_tel", "1.5"}}),
            (Transfer{addr(2), 1'500'000, {}}.to_payload()));
  // Zero is representable (check() refuses it with its own code).
  EXPECT_EQ(h.check(h.from_json({{"to", to}, {"amount", "0"}})), ResultCode::kZeroAmount);
}

TEST(TransferJson, FromJsonRejections) {
  const TransferHandler h;
  const std::string to = addr(2).to_string();
  std::string typo = to;
  typo[8] = typo[8] == 'q' ? 'p' : 'q';
  const Json cases[] = {
      Json::array(),
      Json("transfer"),
      {{"to", to}},       // no amount
      {{"amount", "5"}},  // no recipient
      {{"to", 5}, {"amount", "5"}},
      {{"to", typo}, {"amount", "5"}},
      {{"to", "tb" + to.substr(2)}, {"amount", "5"}},
      {{"to", to}, {"amount", -5}},
      {{"to", to}, {"amount", 1.5}},
      {{"to", to}, {"amount", ""}},
      {{"to", to}, {"amount", "1.5"}},
      {{"to", to}, {"amount", "-5"}},
      {{"to", to}, {"amount", "+5"}},
      {{"to", to}, {"amount", " 5"}},
      {{"to", to}, {"amount", "1e3"}},
      {{"to", to}, {"amount", "18446744073709551616"}},
      {{"to", to}, {"amount", "123456789012345678901"}},
      {{"to", to}, {"amount", nullptr}},
      {{"to", to}, {"amount", "5"}, {"memo", 5}},
      {{"to", to}, {"amount", "5"}, {"memo", std::string(kMemoBytesMax + 1, 'm')}},
      {{"to", to}, {"amount", "5"}, {"fee", "1"}},                     // unknown field
      {{"to", to}, {"amount", "1000000"}, {"amount_tel", "1000000"}},  // TEL/uTEL confusion
      {{"to", to}, {"amount", "5"}, {"amount_tel", 5}},
      {{"to", to}, {"amount", "5"}, {"amount_tel", "abc"}},
  };
  for (const Json& c : cases) {
    EXPECT_THROW(h.from_json(c), std::invalid_argument) << c.dump();
  }
}

// ---------------------------------------------------------------- registry

TEST(Registry, Lookups) {
  const PayloadHandler* by_type = find_handler(std::uint16_t{1});
  ASSERT_NE(by_type, nullptr);
  EXPECT_EQ(by_type->name(), "bank.transfer");
  EXPECT_EQ(find_handler(std::string_view("bank.transfer")), by_type);
  EXPECT_EQ(find_handler(std::uint16_t{0}), nullptr);
  EXPECT_EQ(find_handler(std::uint16_t{0xffff}), nullptr);
  EXPECT_EQ(find_handler(std::string_view("bank.Transfer")), nullptr);
  EXPECT_EQ(find_handler(std::string_view("")), nullptr);
}

TEST(Registry, TypesAndNamesAreUnique) {
  std::set<std::uint16_t> types;
  std::set<std::string_view> names;
  ASSERT_FALSE(all_handlers().empty());
  for (const PayloadHandler* h : all_handlers()) {
    ASSERT_NE(h, nullptr);
    EXPECT_NE(h->type(), 0) << h->name();
    EXPECT_TRUE(types.insert(h->type()).second) << h->name();
    EXPECT_TRUE(names.insert(h->name()).second) << h->name();
    EXPECT_NE(h->name().find('.'), std::string_view::npos) << "names are <module>.<action>";
    EXPECT_EQ(find_handler(h->type()), h);
    EXPECT_EQ(find_handler(h->name()), h);
  }
}

}  // namespace
}  // namespace telco::modules::bank
