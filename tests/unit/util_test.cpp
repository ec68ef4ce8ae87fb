// util/: hex, base64, checked arithmetic and the byte-string ordering.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "util/file.h"

#include <cstdint>
#include <limits>
#include <map>
#include <string>

#include "util/base64.h"
#include "util/bytes.h"
#include "util/checked.h"
#include "util/hex.h"

namespace telco {
namespace {

constexpr std::uint64_t kMax = std::numeric_limits<std::uint64_t>::max();

TEST(Hex, EncodesLowerCase) {
  const Bytes b = {0x00, 0x01, 0x7f, 0x80, 0xab, 0xff};
  EXPECT_EQ(to_hex(b), "00017f80abff");
  EXPECT_EQ(to_hex(Bytes{}), "");
}

TEST(Hex, RoundTripsEveryByteValue) {
  Bytes all(256);
  for (int i = 0; i < 256; ++i) all[i] = static_cast<std::uint8_t>(i);
  const std::string text = to_hex(all);
  ASSERT_EQ(text.size(), 512u);
  auto back = from_hex(text);
  ASSERT_TRUE(back);
  EXPECT_EQ(*back, all);
}

TEST(Hex, ParsesEitherCase) {
  EXPECT_EQ(from_hex("ABcdEF"), (Bytes{0xab, 0xcd, 0xef}));
  EXPECT_EQ(from_hex(""), Bytes{});
}

TEST(Hex, RejectsOddLengthAndNonHex) {
  EXPECT_FALSE(from_hex("a"));
  EXPECT_FALSE(from_hex("abc"));
  EXPECT_FALSE(from_hex("0g"));
  EXPECT_FALSE(from_hex("g0"));
  EXPECT_FALSE(from_hex(" 00"));
  EXPECT_FALSE(from_hex("00 "));
  EXPECT_FALSE(from_hex("0x00"));
  EXPECT_FALSE(from_hex(std::string("\0\0", 2)));
}

TEST(Base64, Rfc4648Section10Vectors) {
  const std::pair<const char*, const char*> cases[] = {
      {"", ""},
      {"f", "Zg=="},
      {"fo", "Zm8="},
      {"foo", "Zm9v"},
      {"foob", "Zm9vYg=="},
      {"fooba", "Zm9vYmE="},
      {"foobar", "Zm9vYmFy"},
  };
  for (const auto& [plain, encoded] : cases) {
    EXPECT_EQ(to_base64(as_bytes(plain)), encoded) << plain;
    auto back = from_base64(encoded);
    ASSERT_TRUE(back) << encoded;
    EXPECT_EQ(to_string(*back), plain);
  }
}

TEST(Base64, RoundTripsBinary) {
  for (std::size_t n = 0; n < 70; ++n) {
    Bytes b(n);
    for (std::size_t i = 0; i < n; ++i) b[i] = static_cast<std::uint8_t>(i * 37 + 255 - n);
    auto back = from_base64(to_base64(b));
    ASSERT_TRUE(back) << n;
    EXPECT_EQ(*back, b);
  }
}

TEST(Base64, RejectsMalformedText) {
  EXPECT_FALSE(from_base64("Zg"));      // missing padding
  EXPECT_FALSE(from_base64("Zg="));     // short padding
  EXPECT_FALSE(from_base64("Zm9v\n"));  // whitespace
  EXPECT_FALSE(from_base64(" Zm9v"));
  EXPECT_FALSE(from_base64("Zm9v!A=="));  // outside the alphabet
  EXPECT_FALSE(from_base64("Zm-_"));      // URL-safe alphabet is not accepted
  EXPECT_FALSE(from_base64("Zg==Zg=="));  // data after padding
  EXPECT_FALSE(from_base64("Z"));
}

TEST(Checked, AddDetectsOverflowAndLeavesOutputUntouched) {
  std::uint64_t out = 7;
  EXPECT_TRUE(checked_add(kMax - 1, 1, &out));
  EXPECT_EQ(out, kMax);
  out = 7;
  EXPECT_FALSE(checked_add(kMax, 1, &out));
  EXPECT_EQ(out, 7u);
  EXPECT_FALSE(checked_add(kMax / 2 + 1, kMax / 2 + 1, &out));
  EXPECT_EQ(out, 7u);
  EXPECT_TRUE(checked_add(0, 0, &out));
  EXPECT_EQ(out, 0u);
}

TEST(Checked, SubDetectsUnderflow) {
  std::uint64_t out = 7;
  EXPECT_TRUE(checked_sub(5, 5, &out));
  EXPECT_EQ(out, 0u);
  out = 7;
  EXPECT_FALSE(checked_sub(5, 6, &out));
  EXPECT_EQ(out, 7u);
  EXPECT_FALSE(checked_sub(0, kMax, &out));
  EXPECT_TRUE(checked_sub(kMax, kMax - 1, &out));
  EXPECT_EQ(out, 1u);
}

TEST(Checked, MulDetectsOverflow) {
  std::uint64_t out = 7;
  EXPECT_TRUE(checked_mul(kMax, 1, &out));
  EXPECT_EQ(out, kMax);
  EXPECT_TRUE(checked_mul(kMax, 0, &out));
  EXPECT_EQ(out, 0u);
  out = 7;
  EXPECT_FALSE(checked_mul(kMax, 2, &out));
  EXPECT_EQ(out, 7u);
  EXPECT_FALSE(checked_mul(std::uint64_t{1} << 32, std::uint64_t{1} << 32, &out));
  EXPECT_TRUE(checked_mul(std::uint64_t{1} << 31, std::uint64_t{1} << 32, &out));
  EXPECT_EQ(out, std::uint64_t{1} << 63);
}

TEST(BytesLess, OrdersUnsignedLexicographically) {
  const BytesLess less;
  const Bytes a = {0x01}, b = {0x01, 0x00}, c = {0x80}, d = {0xff};
  EXPECT_TRUE(less(a, b));  // a prefix sorts first
  EXPECT_FALSE(less(b, a));
  EXPECT_TRUE(less(b, c));
  EXPECT_TRUE(less(c, d));  // 0x80 < 0xff: bytes compare unsigned
  EXPECT_FALSE(less(a, a));
  EXPECT_TRUE(less(Bytes{}, a));
}

TEST(BytesLess, FindsByViewWithoutCopy) {
  std::map<Bytes, int, BytesLess> m;
  m[Bytes{1, 2, 3}] = 5;
  const std::uint8_t raw[] = {1, 2, 3};
  auto it = m.find(ByteView(raw, 3));
  ASSERT_NE(it, m.end());
  EXPECT_EQ(it->second, 5);
  EXPECT_EQ(m.find(ByteView(raw, 2)), m.end());
}

TEST(Bytes, StringConversionsAreByteExact) {
  const std::string s("a\0b\xff", 4);
  const ByteView v = as_bytes(s);
  ASSERT_EQ(v.size(), 4u);
  EXPECT_EQ(v[1], 0);
  EXPECT_EQ(v[3], 0xff);
  EXPECT_EQ(to_string(v), s);
}

}  // namespace
}  // namespace telco

namespace telco {
namespace {

TEST(WriteNewFile, CreatesWithModeAndRefusesToOverwrite) {
  const auto path = std::filesystem::temp_directory_path() /
                    ("telco-write-new-file-" + std::to_string(::getpid()));
  std::filesystem::remove(path);
  write_new_file(path, "secret\n", 0600);
  EXPECT_EQ(std::filesystem::status(path).permissions() & std::filesystem::perms::all,
            std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
  std::ifstream in(path);
  std::string line;
  std::getline(in, line);
  EXPECT_EQ(line, "secret");
  EXPECT_THROW(write_new_file(path, "other", 0600), std::runtime_error);
  std::filesystem::remove(path);
  EXPECT_THROW(write_new_file("/nonexistent-dir/x", "x", 0600), std::runtime_error);
}

}  // namespace
}  // namespace telco
