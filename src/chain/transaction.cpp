#include "chain/transaction.h"

#include "chain/limits.h"

namespace telco::chain {
namespace {
constexpr std::string_view kTxDomain = "telco/tx/v1";
}

void encode_unsigned(codec::Writer& w, const Transaction& tx) {
  w.u8(tx.version);
  w.string(tx.chain_id);
  w.fixed(tx.sender);
  w.u64(tx.nonce);
  w.u64(tx.fee);
  w.u16(tx.payload.type);
  w.bytes(tx.payload.body);
}

void encode(codec::Writer& w, const Transaction& tx) {
  encode_unsigned(w, tx);
  w.fixed(tx.signature);
}

Bytes Transaction::signing_bytes() const {
  codec::Writer w(160 + payload.body.size());
  w.string(kTxDomain);
  encode_unsigned(w, *this);
  return w.take();
}

Bytes Transaction::encode() const {
  codec::Writer w(150 + payload.body.size());
  chain::encode(w, *this);
  return w.take();
}

void Transaction::sign(const crypto::KeyPair& key) {
  sender = key.public_key();
  signature = key.sign(signing_bytes());
}

bool Transaction::verify_signature() const {
  return crypto::verify(sender, signing_bytes(), signature);
}

Transaction decode_transaction(codec::Reader& r) {
  const std::size_t start = r.position();
  Transaction tx;
  tx.version = r.u8();
  if (r.ok() && tx.version != kTxVersion) r.fail(codec::DecodeError::kInvalid);
  tx.chain_id = r.string(kChainIdBytesMax);
  tx.sender = r.fixed<32>();
  tx.nonce = r.u64();
  tx.fee = r.u64();
  tx.payload.type = r.u16();
  tx.payload.body = r.bytes(kPayloadBytesMax);
  tx.signature = r.fixed<64>();
  // The size bound holds wherever a transaction appears (inside a block too), so a block
  // can never carry a transaction that could not be submitted on its own.
  if (r.ok() && r.position() - start > kTxBytesMax) r.fail(codec::DecodeError::kTooLong);
  return tx;
}

std::optional<Transaction> decode_transaction(ByteView bytes, codec::DecodeError* error) {
  codec::Reader r(bytes);
  if (bytes.size() > kTxBytesMax) r.fail(codec::DecodeError::kTooLong);
  Transaction tx = decode_transaction(r);
  if (!r.finish()) {
    if (error) *error = r.error();
    return std::nullopt;
  }
  return tx;
}

}  // namespace telco::chain
