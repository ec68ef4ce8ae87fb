// `telco number assign --file`: reading the file and packing it into transactions
// (apps/telco/bulk_assign.h), with the real encoded sizes of number.assign transactions.
#include "bulk_assign.h"

#include <gtest/gtest.h>

#include <sstream>

#include "cli_error.h"
#include "crypto/address.h"
#include "crypto/ed25519.h"
#include "modules/naming/limits.h"
#include "payload_tx.h"

namespace telco::cli {
namespace {

using Json = nlohmann::json;

const std::string kAddress = crypto::Address::from_public_key(crypto::KeyPair::from_seed(crypto::Seed{7}).public_key())
                                 .to_string();

std::string resolve(std::string_view a) {
  if (a == "alice") return kAddress;
  if (a.starts_with("tc1")) return std::string(a);
  throw UsageError("SUBSCRIBER '" + std::string(a) + "' is unknown");
}

std::vector<AssignmentLine> read(const std::string& text, std::size_t max = 1000) {
  std::istringstream in(text);
  return read_assignment_lines(in, resolve, max);
}

std::string usage_error_of(const std::string& text) {
  try {
    read(text);
  } catch (const UsageError& e) {
    return e.what();
  }
  return "";
}

TEST(BulkAssign, ReadsLinesWithCommentsBlanksSpacesAndRoutes) {
  const auto lines = read("# exported 2026-12-02\n\n +14155550100 , alice , sip:+14155550100@op.example\n"
                          "14155550101,alice,sip:a@op.example, tel:+14155550199\n14155550102,alice\n");
  ASSERT_EQ(lines.size(), 3u);
  EXPECT_EQ(lines[0].line, 3u);
  EXPECT_EQ(lines[0].assignment["number"], "+14155550100");
  EXPECT_EQ(lines[0].assignment["subscriber"], kAddress);
  EXPECT_EQ(lines[0].assignment["routing"], Json::parse(R"([{"uri":"sip:+14155550100@op.example"}])"));
  EXPECT_EQ(lines[1].assignment["routing"],
            Json::parse(R"([{"uri":"sip:a@op.example"},{"uri":"tel:+14155550199","service":"E2U+voice:tel"}])"));
  EXPECT_EQ(lines[2].assignment["routing"], Json::array());
}

TEST(BulkAssign, RefusesMalformedLinesNamingTheLine) {
  EXPECT_EQ(usage_error_of("14155550100,alice\n14155550101\n"), "line 2: expected NUMBER,SUBSCRIBER[,URI...]");
  EXPECT_EQ(usage_error_of(",alice\n"), "line 1: expected NUMBER,SUBSCRIBER[,URI...]");
  EXPECT_EQ(usage_error_of("14155550100,alice,sip:a@b,\n"),
            "line 1: an empty URI (two commas in a row, or a trailing comma)");
  // The same number with and without '+' is one number.
  EXPECT_EQ(usage_error_of("+14155550100,alice\n\n14155550100,alice\n"),
            "line 3: number 14155550100 is already on line 1");
  EXPECT_EQ(usage_error_of("14155550100,bob\n"), "line 1: SUBSCRIBER 'bob' is unknown");
  EXPECT_EQ(usage_error_of("+0155,alice\n"), "line 1: '+0155' is not an E.164 number (3 to 15 digits, no leading 0)");
  // Written with spaces or dashes it is the same number.
  EXPECT_EQ(usage_error_of("+1 415 555 0100,alice\n1415-555-0100,alice\n"),
            "line 2: number 1415-555-0100 is already on line 1");
  EXPECT_EQ(usage_error_of("# only a comment\n"),
            "the file holds no assignments (NUMBER,SUBSCRIBER[,URI...] per line)");
  std::istringstream many("1,alice\n2,alice\n3,alice\n");
  EXPECT_THROW(read_assignment_lines(many, resolve, 2), UsageError);
}

std::vector<AssignmentLine> numbered(std::size_t n, const std::string& uri_suffix = "@operator.example") {
  std::string text;
  for (std::size_t i = 0; i < n; ++i) {
    const std::string number = std::to_string(4155000000 + i);
    text += "+" + number + ",alice,sip:+" + number + uri_suffix + "\n";
  }
  return read(text, n);
}

std::size_t tx_size(const Json& fields) { return payload_tx_bytes("number.assign", fields); }

TEST(BulkAssign, PacksInOrderUpToTheCountAndTheChainsTransactionSize) {
  const auto lines = numbered(1500);
  for (const std::size_t tx_bytes_max : {std::size_t{4096}, std::size_t{65536}}) {
    const auto batches = pack_assignments(lines, modules::naming::kAssignBatchMax, tx_bytes_max, tx_size);
    std::size_t next = 0;
    for (const AssignmentBatch& b : batches) {
      EXPECT_EQ(b.first, next);  // in order, no gaps, no overlaps
      ASSERT_GT(b.count, 0u);
      EXPECT_LE(b.count, modules::naming::kAssignBatchMax);
      EXPECT_EQ(b.fields["assignments"].size(), b.count);
      EXPECT_EQ(b.fields["assignments"][0], lines[b.first].assignment);
      EXPECT_LE(tx_size(b.fields), tx_bytes_max);
      next += b.count;
    }
    EXPECT_EQ(next, lines.size());
    // Packed tight: every batch but the last would overflow with the next line added.
    for (std::size_t k = 0; k + 1 < batches.size(); ++k) {
      const AssignmentBatch& b = batches[k];
      if (b.count == modules::naming::kAssignBatchMax) continue;
      Json more = b.fields;
      more["assignments"].push_back(lines[b.first + b.count].assignment);
      EXPECT_GT(tx_size(more), tx_bytes_max - 16) << "batch " << k << " of " << b.count << " is loose";
    }
  }
  // At 64 KiB the count is the limit: 1500 = 512 + 512 + 476.
  EXPECT_EQ(pack_assignments(lines, modules::naming::kAssignBatchMax, 65536, tx_size).size(), 3u);
}

TEST(BulkAssign, ALineTooLargeForATransactionIsRefused) {
  const auto lines = numbered(3, "@" + std::string(200, 'h') + ".example");
  try {
    pack_assignments(lines, modules::naming::kAssignBatchMax, 300, tx_size);
    FAIL() << "packed a line larger than a transaction";
  } catch (const UsageError& e) {
    EXPECT_NE(std::string(e.what()).find("line 1: the assignment alone makes a"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace telco::cli
