// Canonical encoder. Every value hashed or signed is written with this class, so one value
// has exactly one encoding (docs/PROTOCOL.md, "Canonical encoding"):
//   u8/u16/u32/u64  fixed width, little-endian
//   bool            one byte, 0 or 1
//   fixed[N]        N raw bytes, no prefix (keys, hashes, signatures)
//   bytes / string  u32 length, then the bytes
//   list<T>         u32 count, then the elements
#pragma once

#include <array>
#include <cstdint>
#include <cstring>
#include <string_view>

#include "util/bytes.h"

namespace telco::codec {

class Writer {
 public:
  Writer() = default;
  explicit Writer(std::size_t reserve_bytes) { out_.reserve(reserve_bytes); }

  void u8(std::uint8_t v) { out_.push_back(v); }
  void u16(std::uint16_t v) { put_le(v, 2); }
  void u32(std::uint32_t v) { put_le(v, 4); }
  void u64(std::uint64_t v) { put_le(v, 8); }
  void boolean(bool v) { u8(v ? 1 : 0); }
  void fixed(ByteView v) {
    if (v.empty()) return;
    const std::size_t n = out_.size();
    out_.resize(n + v.size());
    std::memcpy(out_.data() + n, v.data(), v.size());
  }
  template <std::size_t N>
  void fixed(const std::array<std::uint8_t, N>& v) {
    fixed(ByteView(v.data(), N));
  }
  void bytes(ByteView v);
  void string(std::string_view v) { bytes(as_bytes(v)); }
  void count(std::size_t n);

  const Bytes& data() const { return out_; }
  Bytes take() { return std::move(out_); }

 private:
  void put_le(std::uint64_t v, int width) {
    for (int i = 0; i < width; ++i) out_.push_back(static_cast<std::uint8_t>(v >> (8 * i)));
  }
  Bytes out_;
};

}  // namespace telco::codec
