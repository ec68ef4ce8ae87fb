// Canonical (de)coding of a module payload's body: its fields in order, nothing after them.
// Shared by the modules whose payload structs carry kType (naming, device).
#pragma once

#include <optional>
#include <utility>

#include "chain/transaction.h"
#include "codec/reader.h"
#include "codec/writer.h"
#include "crypto/address.h"

namespace telco::modules {

template <typename P, typename F>
chain::Payload encode_payload(F&& fields, std::size_t reserve = 128) {
  codec::Writer w(reserve);
  fields(w);
  return {P::kType, w.take()};
}

// Reads the fields in order and refuses another type or trailing bytes (Reader::finish).
template <typename P, typename F>
std::optional<P> decode_payload(const chain::Payload& payload, F&& fields) {
  if (payload.type != P::kType) return std::nullopt;
  codec::Reader r(payload.body);
  P p;
  fields(r, p);
  if (!r.finish()) return std::nullopt;
  return p;
}

inline crypto::Address read_address(codec::Reader& r) { return crypto::Address{r.fixed<crypto::kAddressBytes>()}; }

}  // namespace telco::modules
