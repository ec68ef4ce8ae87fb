// Accounts: the balance (uTEL) and the next expected nonce of each address, and the
// chain-wide supply counters. Key: Prefix::kAccount || address (21 bytes).
#pragma once

#include <cstdint>
#include <optional>

#include "crypto/address.h"
#include "state/write_set.h"

namespace telco::modules::bank {

struct Account {
  std::uint64_t balance = 0;
  std::uint64_t nonce = 0;  // the nonce the next transaction from this address must carry
  bool operator==(const Account&) const = default;
};

Bytes account_key(const crypto::Address& address);
// The stored value's encoding (u64 balance, u64 nonce) and its strict inverse, for those
// that read a value from outside (a proof response): nullopt unless exactly 16 bytes.
Bytes encode_account(const Account& account);
std::optional<Account> decode_account(ByteView value);
// An address never seen reads as a zero account. A stored value that does not decode is a
// broken invariant (we wrote it) and throws std::logic_error.
Account load_account(const state::StateView& state, const crypto::Address& address);
void store_account(state::WriteSet& state, const crypto::Address& address, const Account& account);

// Supply counters under Prefix::kChain: tokens in existence and fees burned so far.
// Invariant kept by exec: sum of all balances == supply, and supply + burned == genesis supply.
struct Supply {
  std::uint64_t total = 0;
  std::uint64_t burned = 0;
  bool operator==(const Supply&) const = default;
};
Supply load_supply(const state::StateView& state);
void store_supply(state::WriteSet& state, const Supply& supply);

}  // namespace telco::modules::bank
