// Canonical decoder, the exact inverse of Writer. Errors are sticky: after the first
// failure every read returns a zero value and ok() is false, so a decoder reads all its
// fields straight through and checks once. finish() also rejects trailing bytes.
// Every variable-length read takes the caller's upper bound, so no length prefix from an
// untrusted peer can make us allocate more than the bound.
#pragma once

#include <array>
#include <cstdint>
#include <string>

#include "util/bytes.h"

namespace telco::codec {

enum class DecodeError : std::uint8_t {
  kNone = 0,
  kTruncated,     // input ended inside a value
  kTooLong,       // a length or count above the caller's bound
  kTrailing,      // bytes left after the last field
  kNonCanonical,  // a value with another accepted encoding (e.g. bool 2)
  kInvalid,       // a well-formed value the type does not allow (unknown tag, bad text)
};

const char* describe(DecodeError e);

class Reader {
 public:
  explicit Reader(ByteView input) : in_(input) {}

  std::uint8_t u8() { return static_cast<std::uint8_t>(get_le(1)); }
  std::uint16_t u16() { return static_cast<std::uint16_t>(get_le(2)); }
  std::uint32_t u32() { return static_cast<std::uint32_t>(get_le(4)); }
  std::uint64_t u64() { return get_le(8); }
  bool boolean();
  template <std::size_t N>
  std::array<std::uint8_t, N> fixed() {
    std::array<std::uint8_t, N> out{};
    ByteView v = take(N);
    if (!v.empty()) std::copy(v.begin(), v.end(), out.begin());
    return out;
  }
  Bytes bytes(std::size_t max_len);
  // A view into the input (valid as long as the input is), for zero-copy decoding.
  ByteView bytes_view(std::size_t max_len);
  std::string string(std::size_t max_len);
  // Reads a list count, rejecting counts above max_count or that could not fit in the
  // remaining input at min_element_bytes each.
  std::size_t count(std::size_t max_count, std::size_t min_element_bytes = 1);

  // Marks the input invalid from a type-level check (unknown tag and the like).
  void fail(DecodeError e) {
    if (error_ == DecodeError::kNone) error_ = e;
  }
  // True when every read so far succeeded and no input is left.
  bool finish();
  bool ok() const { return error_ == DecodeError::kNone; }
  DecodeError error() const { return error_; }
  std::size_t remaining() const { return in_.size() - pos_; }
  std::size_t position() const { return pos_; }

 private:
  std::uint64_t get_le(int width);
  ByteView take(std::size_t n);

  ByteView in_;
  std::size_t pos_ = 0;
  DecodeError error_ = DecodeError::kNone;
};

}  // namespace telco::codec
