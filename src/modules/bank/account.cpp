#include "modules/bank/account.h"

#include <stdexcept>

#include "codec/reader.h"
#include "codec/writer.h"
#include "state/prefixes.h"

namespace telco::modules::bank {
namespace {

Bytes encode_pair(std::uint64_t a, std::uint64_t b) {
  codec::Writer w(16);
  w.u64(a);
  w.u64(b);
  return w.take();
}

std::pair<std::uint64_t, std::uint64_t> decode_pair(const Bytes& bytes, const char* what) {
  codec::Reader r(bytes);
  const std::uint64_t a = r.u64();
  const std::uint64_t b = r.u64();
  if (!r.finish()) throw std::logic_error(std::string("corrupt ") + what + " record in state");
  return {a, b};
}

Bytes supply_key() {
  // The explicit length keeps the leading NUL: a plain literal would give an empty view.
  static constexpr std::string_view kName("\x00supply", 7);
  static_assert(static_cast<std::uint8_t>(state::Prefix::kChain) == 0);
  return Bytes(kName.begin(), kName.end());
}

}  // namespace

Bytes account_key(const crypto::Address& address) {
  Bytes k(1 + address.bytes.size());
  k[0] = static_cast<std::uint8_t>(state::Prefix::kAccount);
  std::copy(address.bytes.begin(), address.bytes.end(), k.begin() + 1);
  return k;
}

Bytes encode_account(const Account& account) { return encode_pair(account.balance, account.nonce); }

std::optional<Account> decode_account(ByteView value) {
  codec::Reader r(value);
  Account a;
  a.balance = r.u64();
  a.nonce = r.u64();
  if (!r.finish()) return std::nullopt;
  return a;
}

Account load_account(const state::StateView& state, const crypto::Address& address) {
  auto v = state.get(account_key(address));
  if (!v) return {};
  auto [balance, nonce] = decode_pair(*v, "account");
  return {balance, nonce};
}

void store_account(state::WriteSet& state, const crypto::Address& address, const Account& account) {
  state.put(account_key(address), encode_pair(account.balance, account.nonce));
}

Supply load_supply(const state::StateView& state) {
  auto v = state.get(supply_key());
  if (!v) return {};
  auto [total, burned] = decode_pair(*v, "supply");
  return {total, burned};
}

void store_supply(state::WriteSet& state, const Supply& supply) {
  state.put(supply_key(), encode_pair(supply.total, supply.burned));
}

}  // namespace telco::modules::bank
