// Transaction decoding: no input may crash the decoder, and every input it accepts must be
// the one canonical encoding of what it decoded (re-encoding gives the input back, byte for
// byte), or two encodings of one transaction would have two hashes.
#include <cstddef>
#include <cstdint>

#include "chain/limits.h"
#include "chain/transaction.h"
#include "fuzz_check.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace telco;
  const ByteView input(data, size);
  codec::DecodeError error = codec::DecodeError::kNone;
  const auto tx = chain::decode_transaction(input, &error);
  if (!tx) {
    FUZZ_CHECK(error != codec::DecodeError::kNone);
    return 0;
  }
  FUZZ_CHECK(error == codec::DecodeError::kNone);
  FUZZ_CHECK(size <= chain::kTxBytesMax);
  FUZZ_CHECK(tx->version == chain::kTxVersion);
  FUZZ_CHECK(tx->chain_id.size() <= chain::kChainIdBytesMax);
  const Bytes again = tx->encode();
  FUZZ_CHECK(again.size() == size && std::equal(again.begin(), again.end(), data));
  FUZZ_CHECK(tx->hash() == crypto::blake2b_256(input));
  // The signing bytes are the domain tag and the encoding without the 64-byte signature.
  const Bytes signing = tx->signing_bytes();
  FUZZ_CHECK(signing.size() == 4 + 11 + size - 64);
  FUZZ_CHECK(std::equal(signing.begin() + 15, signing.end(), data));
  (void)tx->verify_signature();  // must not crash on any key or signature bytes
  (void)tx->sender_address().to_string();
  return 0;
}
