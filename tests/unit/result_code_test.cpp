// chain/result_code: the stable numbers, names and classes of transaction outcomes.
#include "chain/result_code.h"

#include <gtest/gtest.h>

#include <set>
#include <string>

namespace telco::chain {
namespace {

TEST(ResultCode, NumbersAreFrozen) {
  const std::pair<ResultCode, int> frozen[] = {
      {ResultCode::kOk, 0},
      {ResultCode::kMalformedEncoding, 100},
      {ResultCode::kBadSignature, 101},
      {ResultCode::kWrongChainId, 102},
      {ResultCode::kUnknownPayloadType, 103},
      {ResultCode::kTxTooLarge, 104},
      {ResultCode::kFeeBelowMinimum, 105},
      {ResultCode::kMalformedPayload, 106},
      {ResultCode::kZeroAmount, 107},
      {ResultCode::kUnsupportedVersion, 108},
      {ResultCode::kNonceTooLow, 200},
      {ResultCode::kNonceTooHigh, 201},
      {ResultCode::kCannotPayFee, 202},
      {ResultCode::kDuplicate, 203},
      {ResultCode::kSenderQueueFull, 204},
      {ResultCode::kInsufficientFunds, 300},
      {ResultCode::kBalanceOverflow, 301},
      {ResultCode::kStateValueTooLarge, 302},
      {ResultCode::kMempoolFull, 400},
      {ResultCode::kShuttingDown, 401},
      {ResultCode::kInternal, 499},
  };
  std::set<std::string_view> names;
  for (const auto& [code, number] : frozen) {
    EXPECT_EQ(static_cast<int>(code), number);
    EXPECT_NE(result_name(code), "unknown_code") << number;
    EXPECT_NE(result_message(code), "unknown result code") << number;
    EXPECT_TRUE(names.insert(result_name(code)).second) << "duplicate name " << result_name(code);
    for (char c : result_name(code)) EXPECT_TRUE((c >= 'a' && c <= 'z') || c == '_') << result_name(code);
  }
  EXPECT_EQ(result_name(ResultCode::kInsufficientFunds), "insufficient_funds");
  EXPECT_EQ(result_name(static_cast<ResultCode>(299)), "unknown_code");
  EXPECT_EQ(result_message(static_cast<ResultCode>(299)), "unknown result code");
}

TEST(ResultCode, ClassesFollowRanges) {
  EXPECT_EQ(classify(ResultCode::kOk), ResultClass::kSuccess);
  EXPECT_EQ(classify(static_cast<ResultCode>(1)), ResultClass::kMalformed);
  EXPECT_EQ(classify(ResultCode::kMalformedEncoding), ResultClass::kMalformed);
  EXPECT_EQ(classify(static_cast<ResultCode>(199)), ResultClass::kMalformed);
  EXPECT_EQ(classify(ResultCode::kNonceTooLow), ResultClass::kRejected);
  EXPECT_EQ(classify(static_cast<ResultCode>(299)), ResultClass::kRejected);
  EXPECT_EQ(classify(ResultCode::kInsufficientFunds), ResultClass::kFailedInBlock);
  EXPECT_EQ(classify(static_cast<ResultCode>(399)), ResultClass::kFailedInBlock);
  EXPECT_EQ(classify(ResultCode::kMempoolFull), ResultClass::kLocal);
  EXPECT_EQ(classify(ResultCode::kInternal), ResultClass::kLocal);
  static_assert(classify(ResultCode::kBalanceOverflow) == ResultClass::kFailedInBlock);
}

}  // namespace
}  // namespace telco::chain
