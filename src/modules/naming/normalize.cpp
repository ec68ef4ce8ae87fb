#include "modules/naming/normalize.h"

#include <algorithm>
#include <cstdint>

#include "modules/naming/limits.h"
#include "modules/naming/punycode.h"

namespace telco::modules::naming {
namespace {

enum class Script : std::uint8_t { kNone, kCommon, kLatin, kGreek, kCyrillic, kHebrew, kArabic, kHan, kKana, kHangul };

bool odd(char32_t c) { return (c & 1) != 0; }

// The repertoire: lower-case letters only (upper case is "not normalised"), precomposed,
// IDNA2008 PVALID; compatibility characters (U+0133, U+0140, U+0149, U+017F) excluded.
Script script_of(char32_t c) {
  if ((c >= 'a' && c <= 'z')) return Script::kLatin;
  if ((c >= '0' && c <= '9') || c == '-') return Script::kCommon;
  if ((c >= 0xDF && c <= 0xF6) || (c >= 0xF8 && c <= 0xFF)) return Script::kLatin;
  if (c >= 0x100 && c <= 0x137) return odd(c) && c != 0x133 ? Script::kLatin : Script::kNone;
  if (c == 0x138) return Script::kLatin;
  if (c >= 0x139 && c <= 0x148) return !odd(c) && c != 0x140 ? Script::kLatin : Script::kNone;
  if (c >= 0x14A && c <= 0x177) return odd(c) ? Script::kLatin : Script::kNone;
  if (c >= 0x179 && c <= 0x17E) return !odd(c) ? Script::kLatin : Script::kNone;
  if (c == 0x390 || (c >= 0x3AC && c <= 0x3CE)) return Script::kGreek;
  if (c >= 0x430 && c <= 0x45F) return Script::kCyrillic;
  if (c >= 0x5D0 && c <= 0x5EA) return Script::kHebrew;
  if ((c >= 0x621 && c <= 0x63A) || (c >= 0x641 && c <= 0x64A)) return Script::kArabic;
  if (c >= 0x3041 && c <= 0x3096) return Script::kKana;  // Hiragana
  if (c >= 0x30A1 && c <= 0x30FA) return Script::kKana;  // Katakana
  if (c >= 0x4E00 && c <= 0x9FFF) return Script::kHan;
  if (c >= 0xAC00 && c <= 0xD7A3) return Script::kHangul;
  return Script::kNone;
}

bool rtl(Script s) { return s == Script::kHebrew || s == Script::kArabic; }

// Upper case of the supported scripts -> lower case; anything else unchanged.
char32_t to_lower(char32_t c) {
  if (c >= 'A' && c <= 'Z') return c + 0x20;
  if (c >= 0xC0 && c <= 0xDE && c != 0xD7) return c + 0x20;
  if (c >= 0x100 && c <= 0x137 && !odd(c) && c != 0x130) return c + 1;
  if (c >= 0x139 && c <= 0x148 && odd(c)) return c + 1;
  if (c >= 0x14A && c <= 0x177 && !odd(c)) return c + 1;
  if (c == 0x178) return 0xFF;
  if (c >= 0x179 && c <= 0x17E && odd(c)) return c + 1;
  if (c >= 0x391 && c <= 0x3A9 && c != 0x3A2) return c + 0x20;
  if (c == 0x386) return 0x3AC;
  if (c >= 0x388 && c <= 0x38A) return c + 0x25;
  if (c == 0x38C) return 0x3CC;
  if (c == 0x38E || c == 0x38F) return c + 0x3F;
  if (c >= 0x410 && c <= 0x42F) return c + 0x20;
  if (c >= 0x400 && c <= 0x40F) return c + 0x50;
  return c;
}

bool ldh(char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-'; }

struct LabelInfo {
  NameIssue issue = NameIssue::kOk;
  bool rtl = false;
  bool starts_with_digit = false;
};

// Scripts that may share a label (UTS #39 "highly restrictive" combinations for CJK).
bool scripts_compatible(unsigned mask) {
  auto bit = [](Script s) { return 1u << static_cast<unsigned>(s); };
  const unsigned allowed[] = {bit(Script::kLatin), bit(Script::kGreek), bit(Script::kCyrillic),
                              bit(Script::kHebrew), bit(Script::kArabic),
                              bit(Script::kHan) | bit(Script::kKana), bit(Script::kHan) | bit(Script::kHangul)};
  if (mask == 0) return true;
  return std::any_of(std::begin(allowed), std::end(allowed), [mask](unsigned a) { return (mask & ~a) == 0; });
}

// The Unicode rule for the code points of one U-label.
LabelInfo check_u_label(const std::vector<char32_t>& cps) {
  LabelInfo info;
  if (cps.empty() || cps.size() > kCodePointsPerLabelMax) return {NameIssue::kInvalid};
  if (cps.front() == '-' || cps.back() == '-') return {NameIssue::kInvalid};
  unsigned mask = 0;
  bool any_non_ascii = false;
  for (char32_t c : cps) {
    const Script s = script_of(c);
    if (s == Script::kNone) return {to_lower(c) != c && script_of(to_lower(c)) != Script::kNone
                                        ? NameIssue::kNotNormalised
                                        : NameIssue::kInvalid};
    if (c >= 0x80) any_non_ascii = true;
    if (s != Script::kCommon) mask |= 1u << static_cast<unsigned>(s);
  }
  if (!any_non_ascii) return {NameIssue::kInvalid};  // an ASCII label must not be encoded
  if (!scripts_compatible(mask)) return {NameIssue::kMixedScripts};
  info.rtl = (mask & ((1u << static_cast<unsigned>(Script::kHebrew)) | (1u << static_cast<unsigned>(Script::kArabic)))) != 0;
  // RFC 5893 (Bidi rule) for our repertoire: an RTL label starts with a letter.
  if (info.rtl && !rtl(script_of(cps.front()))) return {NameIssue::kInvalid};
  info.starts_with_digit = cps.front() >= '0' && cps.front() <= '9';
  return info;
}

LabelInfo check_label(std::string_view label) {
  if (label.empty()) return {NameIssue::kInvalid};
  if (label.size() > kLabelBytesMax) return {NameIssue::kTooLong};
  bool upper = false;
  for (char c : label) {
    if (c >= 'A' && c <= 'Z') {
      upper = true;
    } else if (static_cast<unsigned char>(c) >= 0x80) {
      // A U-label where an A-label belongs: valid text, not the normal form.
      auto cps = utf8_decode(label);
      if (!cps) return {NameIssue::kInvalid};
      for (char32_t& cp : *cps) cp = to_lower(cp);
      const LabelInfo u = check_u_label(*cps);
      return {u.issue == NameIssue::kOk ? NameIssue::kNotNormalised : u.issue};
    } else if (!ldh(c)) {
      return {NameIssue::kInvalid};
    }
  }
  if (label.front() == '-' || label.back() == '-') return {NameIssue::kInvalid};
  const bool r_ldh = label.size() >= 4 && label[2] == '-' && label[3] == '-';
  if (!r_ldh) return {upper ? NameIssue::kNotNormalised : NameIssue::kOk, false, label[0] >= '0' && label[0] <= '9'};
  // "??--" labels are reserved (RFC 5890 §2.3.1) except IDNA's "xn--".
  if (!(label[0] == 'x' || label[0] == 'X') || !(label[1] == 'n' || label[1] == 'N')) return {NameIssue::kInvalid};
  auto cps = punycode_decode(label.substr(4));
  if (!cps) return {NameIssue::kInvalid};
  LabelInfo u = check_u_label(*cps);
  if (u.issue != NameIssue::kOk) return u;
  auto again = punycode_encode(*cps);
  if (!again || "xn--" + *again != label) {
    // Decodes to a valid label but is not its canonical spelling (case, digit forms).
    std::string lower(label);
    std::transform(lower.begin(), lower.end(), lower.begin(), [](char c) { return c >= 'A' && c <= 'Z' ? c + 32 : c; });
    return {again && "xn--" + *again == lower ? NameIssue::kNotNormalised : NameIssue::kInvalid};
  }
  if (upper) return {NameIssue::kNotNormalised};
  return u;
}

}  // namespace

std::vector<std::string_view> split_labels(std::string_view name) {
  std::vector<std::string_view> out;
  while (true) {
    const std::size_t dot = name.find('.');
    out.push_back(name.substr(0, dot));
    if (dot == std::string_view::npos || out.size() > kNameLabelsMax + 1) break;
    name.remove_prefix(dot + 1);
  }
  return out;
}

NameIssue check_name(std::string_view name) {
  if (name.size() > kNameBytesMax) return NameIssue::kTooLong;
  if (name.empty()) return NameIssue::kInvalid;
  const bool trailing_dot = name.back() == '.';
  if (trailing_dot) name.remove_suffix(1);
  const auto labels = split_labels(name);
  if (labels.size() > kNameLabelsMax) return NameIssue::kTooLong;
  NameIssue worst = NameIssue::kOk;
  bool any_rtl = false, ltr_starts_with_digit = false;
  for (std::string_view label : labels) {
    const LabelInfo info = check_label(label);
    if (info.issue == NameIssue::kInvalid || info.issue == NameIssue::kTooLong ||
        info.issue == NameIssue::kMixedScripts) {
      return info.issue;
    }
    if (info.issue == NameIssue::kNotNormalised) worst = NameIssue::kNotNormalised;
    any_rtl = any_rtl || info.rtl;
    if (!info.rtl && info.starts_with_digit) ltr_starts_with_digit = true;
  }
  // RFC 5893: in a name with an RTL label, every label must satisfy the Bidi rule; an LTR
  // label starting with a digit does not.
  if (any_rtl && ltr_starts_with_digit) return NameIssue::kInvalid;
  if (trailing_dot) return NameIssue::kNotNormalised;
  return worst;
}

std::optional<std::string> normalize_name(std::string_view input, NameIssue* issue) {
  auto fail = [issue](NameIssue i) -> std::optional<std::string> {
    if (issue) *issue = i;
    return std::nullopt;
  };
  if (input.size() > 4 * kNameFieldBytesMax) return fail(NameIssue::kTooLong);
  if (!input.empty() && input.back() == '.') input.remove_suffix(1);
  std::string out;
  const auto labels = split_labels(input);
  if (labels.size() > kNameLabelsMax) return fail(NameIssue::kTooLong);
  for (std::size_t i = 0; i < labels.size(); ++i) {
    const std::string_view label = labels[i];
    if (label.empty()) return fail(NameIssue::kInvalid);
    auto cps = utf8_decode(label);
    if (!cps) return fail(NameIssue::kInvalid);
    for (char32_t& c : *cps) c = to_lower(c);
    const bool ascii = std::all_of(cps->begin(), cps->end(), [](char32_t c) { return c < 0x80; });
    std::string a_label;
    if (ascii) {
      a_label.assign(cps->begin(), cps->end());
    } else {
      auto puny = punycode_encode(*cps);
      if (!puny) return fail(NameIssue::kInvalid);
      a_label = "xn--" + *puny;
    }
    if (i > 0) out.push_back('.');
    out += a_label;
  }
  const NameIssue result = check_name(out);
  if (result != NameIssue::kOk) return fail(result);
  if (issue) *issue = NameIssue::kOk;
  return out;
}

std::string to_unicode(std::string_view name) {
  std::string out;
  for (std::string_view label : split_labels(name)) {
    if (!out.empty()) out.push_back('.');
    if (label.size() > 4 && label.substr(0, 4) == "xn--") {
      auto cps = punycode_decode(label.substr(4));
      out += cps ? utf8_encode(*cps) : std::string(label);
    } else {
      out += label;
    }
  }
  return out;
}

}  // namespace telco::modules::naming
