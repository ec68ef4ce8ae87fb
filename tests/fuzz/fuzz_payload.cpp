// Payload bodies through every registered handler: check, max_spend, counterparties,
// to_json and apply must not crash on any body. For bank.transfer: a body that decodes is
// canonical, check() agrees with decode, the JSON form reads back, and apply conserves
// the sum of balances.
#include <cstddef>
#include <cstdint>
#include <map>

#include "chain/result_code.h"
#include "fuzz_check.h"
#include "modules/bank/account.h"
#include "modules/bank/transfer.h"
#include "modules/registry.h"

namespace {

using namespace telco;

class MapView final : public state::StateView {
 public:
  std::optional<Bytes> get(ByteView key) const override {
    auto it = data.find(key);
    if (it == data.end()) return std::nullopt;
    return it->second;
  }
  std::map<Bytes, Bytes, BytesLess> data;
};

const crypto::KeyPair& sender_key() {
  static const crypto::KeyPair k = crypto::KeyPair::from_seed(crypto::Seed{7});
  return k;
}

void bank_transfer(const chain::Payload& p) {
  using modules::bank::Transfer;
  const modules::bank::TransferHandler h;
  const auto t = Transfer::decode(p);
  const chain::ResultCode code = h.check(p);
  if (!t) {
    FUZZ_CHECK(code == chain::ResultCode::kMalformedPayload);
    return;
  }
  FUZZ_CHECK(t->to_payload() == p);
  FUZZ_CHECK(code == (t->amount == 0 ? chain::ResultCode::kZeroAmount : chain::ResultCode::kOk));
  FUZZ_CHECK(h.max_spend(p) == t->amount);

  const nlohmann::json j = h.to_json(p);
  bool utf8 = true;
  try {
    (void)j.dump();
  } catch (const nlohmann::json::type_error&) {
    utf8 = false;  // a binary memo: the API edge dumps with replacement characters
    (void)j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  }
  if (utf8) FUZZ_CHECK(h.from_json(j) == p);

  // apply: the sender holds a balance taken from the amount's low bits, the recipient
  // whatever it holds; the total must not change.
  MapView base;
  state::WriteSet ws(base);
  const crypto::Address sender = crypto::Address::from_public_key(sender_key().public_key());
  modules::bank::store_account(ws, sender, {t->amount ^ 0x5555, 1});
  chain::Transaction tx;
  tx.payload = p;
  modules::TxContext ctx{tx, sender, 1, 0, ws};
  const auto before_s = modules::bank::load_account(ws, sender).balance;
  const auto before_r = modules::bank::load_account(ws, t->to).balance;
  const chain::ResultCode applied = h.apply(ctx, p);
  if (applied != chain::ResultCode::kOk) {
    FUZZ_CHECK(chain::classify(applied) == chain::ResultClass::kFailedInBlock);
    return;
  }
  const auto after_s = modules::bank::load_account(ws, sender).balance;
  const auto after_r = modules::bank::load_account(ws, t->to).balance;
  if (t->to == sender) {
    FUZZ_CHECK(after_s == before_s);
  } else {
    FUZZ_CHECK(after_s == before_s - t->amount && after_r == before_r + t->amount);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const chain::Payload transfer{modules::bank::kTransferType, Bytes(data, data + size)};
  bank_transfer(transfer);

  for (const modules::PayloadHandler* h : modules::all_handlers()) {
    const chain::Payload p{h->type(), Bytes(data, data + size)};
    if (h->check(p) != chain::ResultCode::kOk) continue;
    (void)h->max_spend(p);
    (void)h->counterparties(p);
    (void)h->to_json(p).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    MapView base;
    state::WriteSet ws(base);
    chain::Transaction tx;
    tx.payload = p;
    const crypto::Address sender = crypto::Address::from_public_key(sender_key().public_key());
    modules::TxContext ctx{tx, sender, 1, 0, ws};
    (void)h->apply(ctx, p);
  }
  return 0;
}
