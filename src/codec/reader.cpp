#include "codec/reader.h"

namespace telco::codec {

const char* describe(DecodeError e) {
  switch (e) {
    case DecodeError::kNone: return "ok";
    case DecodeError::kTruncated: return "input ends inside a value";
    case DecodeError::kTooLong: return "length or count exceeds its limit";
    case DecodeError::kTrailing: return "unexpected bytes after the last field";
    case DecodeError::kNonCanonical: return "value is not in canonical form";
    case DecodeError::kInvalid: return "value not allowed for its type";
  }
  return "unknown decode error";
}

ByteView Reader::take(std::size_t n) {
  if (!ok()) return {};
  if (n > remaining()) {
    fail(DecodeError::kTruncated);
    return {};
  }
  ByteView v = in_.subspan(pos_, n);
  pos_ += n;
  return v;
}

std::uint64_t Reader::get_le(int width) {
  ByteView v = take(static_cast<std::size_t>(width));
  if (v.empty()) return 0;
  std::uint64_t out = 0;
  for (int i = 0; i < width; ++i) out |= static_cast<std::uint64_t>(v[i]) << (8 * i);
  return out;
}

bool Reader::boolean() {
  const std::uint8_t b = u8();
  if (b > 1) fail(DecodeError::kNonCanonical);
  return b == 1;
}

ByteView Reader::bytes_view(std::size_t max_len) {
  const std::uint32_t len = u32();
  if (!ok()) return {};
  if (len > max_len) {
    fail(DecodeError::kTooLong);
    return {};
  }
  return take(len);
}

Bytes Reader::bytes(std::size_t max_len) {
  ByteView v = bytes_view(max_len);
  return Bytes(v.begin(), v.end());
}

std::string Reader::string(std::size_t max_len) { return to_string(bytes_view(max_len)); }

std::size_t Reader::count(std::size_t max_count, std::size_t min_element_bytes) {
  const std::uint32_t n = u32();
  if (!ok()) return 0;
  if (n > max_count) {
    fail(DecodeError::kTooLong);
    return 0;
  }
  if (min_element_bytes > 0 && n > remaining() / min_element_bytes) {
    fail(DecodeError::kTruncated);
    return 0;
  }
  return n;
}

bool Reader::finish() {
  if (ok() && remaining() != 0) fail(DecodeError::kTrailing);
  return ok();
}

}  // namespace telco::codec
