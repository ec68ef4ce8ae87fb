// modules/naming normalisation: Punycode (RFC 3492 vectors), the name rule, E.164 digits.
#include <gtest/gtest.h>

#include "modules/naming/normalize.h"
#include "modules/naming/punycode.h"
#include "modules/naming/records.h"

namespace telco::modules::naming {
namespace {

std::string puny(std::string_view utf8) { return *punycode_encode(*utf8_decode(utf8)); }

TEST(Punycode, Rfc3492SampleStrings) {
  // RFC 3492 §7.1 (B) Chinese (simplified) and (L) Japanese samples, and well-known labels.
  EXPECT_EQ(puny("\xe4\xbb\x96\xe4\xbb\xac\xe4\xb8\xba\xe4\xbb\x80\xe4\xb9\x88\xe4\xb8\x8d\xe8\xaf\xb4\xe4\xb8\xad\xe6\x96\x87"),
            "ihqwcrb4cv8a8dqg056pqjye");
  EXPECT_EQ(puny("b\xc3\xbc\x63her"), "bcher-kva");                   // bücher
  EXPECT_EQ(puny("m\xc3\xbcnchen"), "mnchen-3ya");                    // münchen
  EXPECT_EQ(puny("\xd0\xbf\xd1\x80\xd0\xb8\xd0\xbc\xd0\xb5\xd1\x80"), "e1afmkfd");  // пример
  auto back = punycode_decode("mnchen-3ya");
  ASSERT_TRUE(back);
  EXPECT_EQ(utf8_encode(*back), "m\xc3\xbcnchen");
}

TEST(Punycode, RejectsBadInput) {
  EXPECT_FALSE(punycode_decode("a-!"));
  EXPECT_FALSE(punycode_decode("99999999999999"));  // overflow
  EXPECT_FALSE(punycode_decode(std::string(300, 'a')));
  EXPECT_FALSE(utf8_decode("\xc0\xaf"));      // overlong '/'
  EXPECT_FALSE(utf8_decode("\xed\xa0\x80"));  // surrogate
  EXPECT_FALSE(utf8_decode("\xe4\xbb"));      // truncated
}

TEST(NameRule, AcceptsNormalForms) {
  EXPECT_EQ(check_name("alice.tel"), NameIssue::kOk);
  EXPECT_EQ(check_name("a-1.b2.tel"), NameIssue::kOk);
  EXPECT_EQ(check_name("xn--mnchen-3ya.tel"), NameIssue::kOk);
  EXPECT_EQ(check_name("xn--e1afmkfd.tel"), NameIssue::kOk);
}

TEST(NameRule, NotNormalised) {
  EXPECT_EQ(check_name("Alice.tel"), NameIssue::kNotNormalised);
  EXPECT_EQ(check_name("alice.tel."), NameIssue::kNotNormalised);
  EXPECT_EQ(check_name("m\xc3\xbcnchen.tel"), NameIssue::kNotNormalised);  // U-label, not A-label
  EXPECT_EQ(check_name("XN--mnchen-3ya.tel"), NameIssue::kNotNormalised);
  EXPECT_EQ(check_name("xn--Mnchen-3ya.tel"), NameIssue::kNotNormalised);
}

TEST(NameRule, Invalid) {
  EXPECT_EQ(check_name(""), NameIssue::kInvalid);
  EXPECT_EQ(check_name("alice..tel"), NameIssue::kInvalid);
  EXPECT_EQ(check_name("-alice.tel"), NameIssue::kInvalid);
  EXPECT_EQ(check_name("alice-.tel"), NameIssue::kInvalid);
  EXPECT_EQ(check_name("al ice.tel"), NameIssue::kInvalid);
  EXPECT_EQ(check_name("al_ice.tel"), NameIssue::kInvalid);
  EXPECT_EQ(check_name("ab--cd.tel"), NameIssue::kInvalid);      // reserved R-LDH label
  EXPECT_EQ(check_name("xn--abc.tel"), NameIssue::kInvalid);     // decodes to ASCII only / garbage
  EXPECT_EQ(check_name("xn--ls8h.tel"), NameIssue::kInvalid);    // an emoji: outside the repertoire
  EXPECT_EQ(check_name("\xff.tel"), NameIssue::kInvalid);
}

TEST(NameRule, TooLong) {
  EXPECT_EQ(check_name(std::string(64, 'a') + ".tel"), NameIssue::kTooLong);
  EXPECT_EQ(check_name(std::string(63, 'a') + ".tel"), NameIssue::kOk);
  std::string deep;
  for (int i = 0; i < 10; ++i) deep += "a.";
  EXPECT_EQ(check_name(deep + "tel"), NameIssue::kTooLong);  // 11 labels
  std::string long_name;
  while (long_name.size() < 250) long_name += std::string(60, 'b') + ".";
  EXPECT_EQ(check_name(long_name + "tel"), NameIssue::kTooLong);
}

TEST(NameRule, MixedScriptsRefused) {
  // "pаypal" with a Cyrillic а (U+0430) among Latin letters: the classic homograph.
  NameIssue issue{};
  EXPECT_FALSE(normalize_name("p\xd0\xb0ypal.tel", &issue));
  EXPECT_EQ(issue, NameIssue::kMixedScripts);
  const std::string a_label = "xn--" + puny("p\xd0\xb0ypal");
  EXPECT_EQ(check_name(a_label + ".tel"), NameIssue::kMixedScripts);
  // Han with Hiragana is one writing system (Japanese), allowed.
  EXPECT_TRUE(normalize_name("\xe6\x97\xa5\xe6\x9c\xac\xe3\x81\xae.tel"));
  // Greek with Cyrillic is not.
  EXPECT_FALSE(normalize_name("\xce\xb1\xd0\xb1.tel", &issue));
  EXPECT_EQ(issue, NameIssue::kMixedScripts);
}

TEST(NameRule, BidiLabels) {
  // Hebrew "שלום": fine; with a label starting with a digit elsewhere in the name: not.
  EXPECT_TRUE(normalize_name("\xd7\xa9\xd7\x9c\xd7\x95\xd7\x9d.tel"));
  EXPECT_FALSE(normalize_name("\xd7\xa9\xd7\x9c\xd7\x95\xd7\x9d.1a.tel"));
  EXPECT_FALSE(normalize_name("1\xd7\xa9\xd7\x9c.tel"));  // an RTL label must start with a letter
}

TEST(Normalize, MapsCaseAndUnicode) {
  EXPECT_EQ(normalize_name("Alice.TEL."), "alice.tel");
  EXPECT_EQ(normalize_name("M\xc3\x9cNCHEN.tel"), "xn--mnchen-3ya.tel");
  EXPECT_EQ(normalize_name("\xd0\x9f\xd1\x80\xd0\xb8\xd0\xbc\xd0\xb5\xd1\x80.tel"), "xn--e1afmkfd.tel");  // Пример
  EXPECT_EQ(to_unicode("xn--mnchen-3ya.tel"), "m\xc3\xbcnchen.tel");
  NameIssue issue{};
  EXPECT_FALSE(normalize_name("e\xcc\x81.tel", &issue));  // combining accent: not NFC, refused
  EXPECT_EQ(issue, NameIssue::kInvalid);
  EXPECT_FALSE(normalize_name(".tel", &issue));
  EXPECT_EQ(issue, NameIssue::kInvalid);
}

TEST(E164, Digits) {
  EXPECT_TRUE(valid_number("442079460123"));
  EXPECT_FALSE(valid_number("042079460123"));    // leading 0
  EXPECT_FALSE(valid_number("1234567890123456"));  // 16 digits
  EXPECT_FALSE(valid_number("12"));
  EXPECT_FALSE(valid_number("44a"));
  EXPECT_EQ(parse_number_text("+44 20 7946-0123"), "442079460123");
  EXPECT_FALSE(parse_number_text("44+20"));
  EXPECT_TRUE(valid_prefix("4420"));
  EXPECT_FALSE(valid_prefix("123456789012345"));  // a prefix leaves room for a digit
}

}  // namespace
}  // namespace telco::modules::naming
