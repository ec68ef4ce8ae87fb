// The signed transaction envelope. Every module's action travels in one: the envelope
// carries who pays (sender key, nonce, fee) and the payload says what to do (a type number
// from the module registry and the module's canonical bytes).
//
// Signature = Ed25519 over  string("telco/tx/v1") || encoding of every field but the
// signature. The chain id is one of those fields, so a transaction signed for one chain
// can never be replayed on another. The hash (the transaction id) is BLAKE2b-256 of the
// full encoding, signature included; libsodium's canonical-signature check makes that
// unique per transaction.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "codec/reader.h"
#include "codec/writer.h"
#include "crypto/address.h"
#include "crypto/ed25519.h"
#include "crypto/hash.h"

namespace telco::chain {

using crypto::Hash32;

inline constexpr std::uint8_t kTxVersion = 1;

struct Payload {
  std::uint16_t type = 0;
  Bytes body;
  bool operator==(const Payload&) const = default;
};

struct Transaction {
  std::uint8_t version = kTxVersion;
  std::string chain_id;
  crypto::PublicKey sender{};
  std::uint64_t nonce = 0;
  std::uint64_t fee = 0;
  Payload payload;
  crypto::Signature signature{};

  crypto::Address sender_address() const { return crypto::Address::from_public_key(sender); }
  Bytes signing_bytes() const;
  Bytes encode() const;
  Hash32 hash() const { return crypto::blake2b_256(encode()); }
  void sign(const crypto::KeyPair& key);
  bool verify_signature() const;

  bool operator==(const Transaction&) const = default;
};

void encode_unsigned(codec::Writer& w, const Transaction& tx);
void encode(codec::Writer& w, const Transaction& tx);
// Reads one transaction from r (no trailing-byte check: used inside blocks).
Transaction decode_transaction(codec::Reader& r);
// Decodes exactly one transaction; nullopt and *error set on any malformed input.
std::optional<Transaction> decode_transaction(ByteView bytes, codec::DecodeError* error = nullptr);

}  // namespace telco::chain
