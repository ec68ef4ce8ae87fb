// chain/amount: decimal TEL text <-> integer uTEL.
#include "chain/amount.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <limits>
#include <optional>
#include <string>

namespace telco::chain {
namespace {

constexpr std::uint64_t kMax = std::numeric_limits<std::uint64_t>::max();

TEST(Amount, ParsesValidText) {
  const std::pair<const char*, std::uint64_t> cases[] = {
      {"0", 0},
      {"0.0", 0},
      {"0.000000", 0},
      {"000", 0},
      {"0.000001", 1},
      {"0.00001", 10},
      {"0.1", 100'000},
      {"1", 1'000'000},
      {"1.5", 1'500'000},
      {"1.500000", 1'500'000},
      {"01.5", 1'500'000},
      {"12.345678", 12'345'678},
      {"1000", 1'000'000'000},
      {"18446744073709", 18'446'744'073'709'000'000ULL},
      {"18446744073709.551615", kMax},
      {"18446744073709.55161", 18'446'744'073'709'551'610ULL},
  };
  for (const auto& [text, units] : cases) {
    auto v = parse_amount(text);
    ASSERT_TRUE(v) << text;
    EXPECT_EQ(*v, units) << text;
  }
}

TEST(Amount, RejectsInvalidText) {
  const char* cases[] = {
      "",
      ".",
      "1.",
      ".5",
      "1e3",
      "1E3",
      "-1",
      "+1",
      " 1",
      "1 ",
      "1,5",
      "1.2.3",
      "1..2",
      "0x10",
      "1.0000001",              // 7 decimals
      "0.0000000",              // 7 decimals, even of zero
      "18446744073709.551616",  // max + 1
      "18446744073710",         // whole part overflows after scaling
      "18446744073709551616",   // overflows u64 as an integer
      "99999999999999999999999",
      "TEL",
      "1TEL",
      "１",  // full-width digit
  };
  for (const char* text : cases) EXPECT_FALSE(parse_amount(text)) << "'" << text << "'";
  EXPECT_FALSE(parse_amount(std::string("1\0", 2)));
}

TEST(Amount, FormatsCanonically) {
  const std::pair<std::uint64_t, const char*> cases[] = {
      {0, "0"},
      {1, "0.000001"},
      {10, "0.00001"},
      {100'000, "0.1"},
      {999'999, "0.999999"},
      {1'000'000, "1"},
      {1'500'000, "1.5"},
      {1'000'001, "1.000001"},
      {12'345'678, "12.345678"},
      {1'000'000'000, "1000"},
      {kMax, "18446744073709.551615"},
  };
  for (const auto& [units, text] : cases) EXPECT_EQ(format_amount(units), text) << units;
}

TEST(Amount, FormatThenParseIsIdentity) {
  std::uint64_t v = 1;
  for (int i = 0; i < 200; ++i) {
    auto back = parse_amount(format_amount(v));
    ASSERT_TRUE(back) << v;
    EXPECT_EQ(*back, v);
    v = v * 3 + 7;  // wraps: covers the whole range
  }
  EXPECT_EQ(parse_amount(format_amount(kMax)), kMax);
  EXPECT_EQ(parse_amount(format_amount(kMax - 1)), kMax - 1);
}

TEST(Amount, Constants) {
  EXPECT_EQ(kAmountDecimals, 6);
  EXPECT_EQ(kUnitsPerToken, 1'000'000u);
  EXPECT_EQ(kTokenSymbol, "TEL");
}

}  // namespace
}  // namespace telco::chain
