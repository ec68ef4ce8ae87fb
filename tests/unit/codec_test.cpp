// codec/: the canonical encoding every hashed or signed value goes through.
#include <gtest/gtest.h>

#include <array>
#include <cstdint>
#include <limits>
#include <string>

#include "codec/reader.h"
#include "codec/writer.h"

namespace telco::codec {
namespace {

TEST(Writer, IntegersAreFixedWidthLittleEndian) {
  Writer w;
  w.u8(0xab);
  w.u16(0x0102);
  w.u32(0x03040506);
  w.u64(0x0708090a0b0c0d0eULL);
  const Bytes expected = {0xab, 0x02, 0x01, 0x06, 0x05, 0x04, 0x03, 0x0e,
                          0x0d, 0x0c, 0x0b, 0x0a, 0x09, 0x08, 0x07};
  EXPECT_EQ(w.data(), expected);
}

TEST(Writer, BoolIsOneByteZeroOrOne) {
  Writer w;
  w.boolean(false);
  w.boolean(true);
  EXPECT_EQ(w.data(), (Bytes{0, 1}));
}

TEST(Writer, BytesAndStringsHaveU32LengthPrefix) {
  Writer w;
  w.bytes(Bytes{0xaa, 0xbb});
  w.string("hi");
  w.string("");
  const Bytes expected = {2, 0, 0, 0, 0xaa, 0xbb, 2, 0, 0, 0, 'h', 'i', 0, 0, 0, 0};
  EXPECT_EQ(w.data(), expected);
}

TEST(Writer, FixedHasNoPrefix) {
  Writer w;
  const std::array<std::uint8_t, 3> a = {1, 2, 3};
  w.fixed(a);
  w.fixed(ByteView{});
  EXPECT_EQ(w.data(), (Bytes{1, 2, 3}));
}

TEST(Writer, CountIsU32) {
  Writer w;
  w.count(0x01020304);
  EXPECT_EQ(w.data(), (Bytes{4, 3, 2, 1}));
}

TEST(Writer, TakeMovesTheBuffer) {
  Writer w(64);
  w.u8(9);
  const Bytes out = w.take();
  EXPECT_EQ(out, Bytes{9});
}

template <typename T>
void round_trip_width(void (Writer::*put)(T), T (Reader::*get)(), std::size_t width) {
  const T values[] = {T{0},
                      T{1},
                      T{0x7f},
                      T{0x80},
                      std::numeric_limits<T>::max(),
                      static_cast<T>(std::numeric_limits<T>::max() - 1),
                      static_cast<T>(0xa5a5a5a5a5a5a5a5ULL)};
  for (T v : values) {
    Writer w;
    (w.*put)(v);
    ASSERT_EQ(w.data().size(), width);
    Reader r(w.data());
    EXPECT_EQ((r.*get)(), v);
    EXPECT_TRUE(r.finish());
  }
}

TEST(RoundTrip, EveryIntegerWidth) {
  round_trip_width<std::uint8_t>(&Writer::u8, &Reader::u8, 1);
  round_trip_width<std::uint16_t>(&Writer::u16, &Reader::u16, 2);
  round_trip_width<std::uint32_t>(&Writer::u32, &Reader::u32, 4);
  round_trip_width<std::uint64_t>(&Writer::u64, &Reader::u64, 8);
}

TEST(RoundTrip, EveryBitOfU64) {
  for (int bit = 0; bit < 64; ++bit) {
    const std::uint64_t v = std::uint64_t{1} << bit;
    Writer w;
    w.u64(v);
    EXPECT_EQ(w.data()[bit / 8], 1u << (bit % 8)) << bit;
    Reader r(w.data());
    EXPECT_EQ(r.u64(), v);
  }
}

TEST(RoundTrip, MixedRecord) {
  Writer w;
  w.u8(1);
  w.boolean(true);
  w.string("telco");
  w.bytes(Bytes(300, 0x5a));
  w.fixed(std::array<std::uint8_t, 4>{9, 8, 7, 6});
  w.count(2);
  w.u16(65535);
  w.u16(0);
  Reader r(w.data());
  EXPECT_EQ(r.u8(), 1);
  EXPECT_TRUE(r.boolean());
  EXPECT_EQ(r.string(5), "telco");
  EXPECT_EQ(r.bytes(300), Bytes(300, 0x5a));
  EXPECT_EQ((r.fixed<4>()), (std::array<std::uint8_t, 4>{9, 8, 7, 6}));
  const std::size_t n = r.count(10, 2);
  ASSERT_EQ(n, 2u);
  EXPECT_EQ(r.u16(), 65535);
  EXPECT_EQ(r.u16(), 0);
  EXPECT_TRUE(r.finish());
  EXPECT_EQ(r.error(), DecodeError::kNone);
}

TEST(Reader, BytesViewPointsIntoInput) {
  Writer w;
  w.bytes(Bytes{1, 2, 3});
  const Bytes in = w.take();
  Reader r(in);
  ByteView v = r.bytes_view(3);
  ASSERT_EQ(v.size(), 3u);
  EXPECT_EQ(v.data(), in.data() + 4);
  EXPECT_TRUE(r.finish());
}

TEST(Reader, BoolValueTwoIsNonCanonical) {
  for (int b = 2; b < 256; b += 50) {
    const Bytes in = {static_cast<std::uint8_t>(b)};
    Reader r(in);
    r.boolean();
    EXPECT_FALSE(r.ok());
    EXPECT_EQ(r.error(), DecodeError::kNonCanonical);
  }
  const Bytes two = {2};
  Reader r(two);
  r.boolean();
  EXPECT_EQ(r.error(), DecodeError::kNonCanonical);
  EXPECT_FALSE(r.finish());
}

TEST(Reader, ErrorsAreStickyAndReadsReturnZero) {
  const Bytes in = {0xff, 0xff, 0xff};
  Reader r(in);
  EXPECT_EQ(r.u32(), 0u);  // needs 4, has 3
  EXPECT_EQ(r.error(), DecodeError::kTruncated);
  EXPECT_EQ(r.u8(), 0);  // would succeed on fresh input; sticky error returns zero
  EXPECT_EQ(r.u16(), 0);
  EXPECT_EQ(r.u64(), 0u);
  EXPECT_FALSE(r.boolean());
  EXPECT_TRUE(r.bytes(10).empty());
  EXPECT_EQ(r.string(10), "");
  EXPECT_EQ((r.fixed<2>()), (std::array<std::uint8_t, 2>{0, 0}));
  EXPECT_EQ(r.count(10), 0u);
  r.fail(DecodeError::kInvalid);  // the first error wins
  EXPECT_EQ(r.error(), DecodeError::kTruncated);
  EXPECT_FALSE(r.finish());
  EXPECT_EQ(r.error(), DecodeError::kTruncated);
}

TEST(Reader, FailMarksInvalid) {
  const Bytes in = {1};
  Reader r(in);
  r.fail(DecodeError::kInvalid);
  EXPECT_EQ(r.u8(), 0);
  EXPECT_FALSE(r.finish());
  EXPECT_EQ(r.error(), DecodeError::kInvalid);
}

TEST(Reader, TruncatedFixedDoesNotConsume) {
  const Bytes in = {1, 2, 3};
  Reader r(in);
  auto a = r.fixed<4>();
  EXPECT_EQ(a, (std::array<std::uint8_t, 4>{}));
  EXPECT_EQ(r.error(), DecodeError::kTruncated);
  EXPECT_EQ(r.position(), 0u);
}

// A record with one field of every kind; truncating its encoding at any byte must fail
// with kTruncated, never succeed and never read out of bounds.
Bytes sample_record() {
  Writer w;
  w.u8(0x11);
  w.u16(0x2222);
  w.u32(0x33333333);
  w.u64(0x4444444444444444ULL);
  w.boolean(true);
  w.fixed(std::array<std::uint8_t, 5>{5, 5, 5, 5, 5});
  w.bytes(Bytes{6, 6, 6});
  w.string("seven");
  w.count(2);
  w.u8(8);
  w.u8(9);
  return w.take();
}

bool read_sample(Reader& r) {
  r.u8();
  r.u16();
  r.u32();
  r.u64();
  r.boolean();
  r.fixed<5>();
  r.bytes(3);
  r.string(5);
  const std::size_t n = r.count(2, 1);
  for (std::size_t i = 0; i < n; ++i) r.u8();
  return r.finish();
}

TEST(Reader, TruncationAtEveryByteOffset) {
  const Bytes full = sample_record();
  {
    Reader r(full);
    ASSERT_TRUE(read_sample(r));
  }
  for (std::size_t len = 0; len < full.size(); ++len) {
    Reader r(ByteView(full.data(), len));
    EXPECT_FALSE(read_sample(r)) << "prefix of " << len << " bytes decoded";
    EXPECT_EQ(r.error(), DecodeError::kTruncated) << len;
  }
}

TEST(Reader, TrailingBytesRejected) {
  Bytes full = sample_record();
  for (int extra = 1; extra <= 3; ++extra) {
    full.push_back(0);
    Reader r(full);
    EXPECT_FALSE(read_sample(r));
    EXPECT_EQ(r.error(), DecodeError::kTrailing);
  }
}

TEST(Reader, FinishOnEmptyInputSucceeds) {
  Reader r(ByteView{});
  EXPECT_TRUE(r.finish());
  EXPECT_EQ(r.remaining(), 0u);
}

TEST(Reader, LengthAboveBoundIsTooLong) {
  Writer w;
  w.bytes(Bytes(11, 1));
  {
    Reader r(w.data());
    EXPECT_TRUE(r.bytes(10).empty());
    EXPECT_EQ(r.error(), DecodeError::kTooLong);
  }
  {
    Reader r(w.data());
    EXPECT_EQ(r.bytes(11).size(), 11u);
    EXPECT_TRUE(r.finish());
  }
  {
    Reader r(w.data());
    EXPECT_EQ(r.string(10), "");
    EXPECT_EQ(r.error(), DecodeError::kTooLong);
  }
}

TEST(Reader, HugeLengthPrefixIsRejectedBeforeAllocating) {
  const Bytes in = {0xff, 0xff, 0xff, 0xff, 1, 2};
  {
    Reader r(in);
    r.bytes(1024);
    EXPECT_EQ(r.error(), DecodeError::kTooLong);
  }
  {
    // Within the bound but beyond the input: truncated.
    Reader r(in);
    r.bytes(std::numeric_limits<std::size_t>::max());
    EXPECT_EQ(r.error(), DecodeError::kTruncated);
  }
}

TEST(Reader, CountAboveBoundIsTooLong) {
  Writer w;
  w.count(5);
  w.fixed(Bytes(100, 0));
  Reader r(w.data());
  EXPECT_EQ(r.count(4, 1), 0u);
  EXPECT_EQ(r.error(), DecodeError::kTooLong);
}

TEST(Reader, CountThatCannotFitRemainingInputIsTruncated) {
  Writer w;
  w.count(4);
  w.fixed(Bytes(7, 0));  // 4 elements of at least 2 bytes need 8
  {
    Reader r(w.data());
    EXPECT_EQ(r.count(100, 2), 0u);
    EXPECT_EQ(r.error(), DecodeError::kTruncated);
  }
  {
    Reader r(w.data());
    EXPECT_EQ(r.count(100, 1), 4u);  // 7 bytes hold 4 one-byte elements
    EXPECT_TRUE(r.ok());
  }
  {
    Reader r(w.data());
    EXPECT_EQ(r.count(100, 0), 4u);  // no minimum: only the bound applies
    EXPECT_TRUE(r.ok());
  }
}

TEST(Reader, CountAtExactFit) {
  Writer w;
  w.count(3);
  w.fixed(Bytes(6, 0));
  Reader r(w.data());
  EXPECT_EQ(r.count(3, 2), 3u);
  EXPECT_TRUE(r.ok());
}

TEST(Reader, PositionAndRemainingTrackReads) {
  const Bytes in = {1, 2, 3, 4, 5};
  Reader r(in);
  EXPECT_EQ(r.remaining(), 5u);
  r.u16();
  EXPECT_EQ(r.position(), 2u);
  EXPECT_EQ(r.remaining(), 3u);
  EXPECT_FALSE(r.finish());
  EXPECT_EQ(r.error(), DecodeError::kTrailing);
}

TEST(DecodeError, EveryValueIsDescribed) {
  for (auto e : {DecodeError::kNone, DecodeError::kTruncated, DecodeError::kTooLong, DecodeError::kTrailing,
                 DecodeError::kNonCanonical, DecodeError::kInvalid}) {
    EXPECT_STRNE(describe(e), "unknown decode error");
  }
  EXPECT_STREQ(describe(static_cast<DecodeError>(200)), "unknown decode error");
}

}  // namespace
}  // namespace telco::codec
