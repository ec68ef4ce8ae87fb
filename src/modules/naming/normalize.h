// The name normalisation rule (docs/modules/naming.md "Normalisation"). A name on chain is
// its normal form: lower-case LDH labels, non-ASCII labels as IDNA A-labels ("xn--" +
// Punycode), separated by '.', no trailing dot. Unicode labels may only use the letters of
// one script from a fixed repertoire (Latin, Greek, Cyrillic, Hebrew, Arabic, Han with
// Hiragana/Katakana or with Hangul), plus digits and '-'. The repertoire is a frozen
// table in this file, not a library's Unicode version, because every node must agree
// byte for byte on which names are valid.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace telco::modules::naming {

enum class NameIssue {
  kOk,
  kInvalid,        // empty label, character outside the rule, bad Punycode, leading/trailing '-'
  kTooLong,        // > 253 bytes, a label > 63 bytes, or > 10 labels
  kNotNormalised,  // upper case, raw Unicode, trailing dot: valid, but not written in normal form
  kMixedScripts,   // one label uses letters of two scripts
};

// Checks that `name` is in normal form (what a transaction must carry).
NameIssue check_name(std::string_view name);

// What a user typed (any case, Unicode or A-labels, an optional trailing dot) -> the normal
// form, or nullopt with *issue saying why. Upper case is mapped for ASCII and the supported
// scripts; input must be precomposed (NFC), as keyboards produce it.
std::optional<std::string> normalize_name(std::string_view input, NameIssue* issue = nullptr);

// The normal form for display: A-labels decoded to UTF-8. Assumes check_name(name) == kOk.
std::string to_unicode(std::string_view name);

std::vector<std::string_view> split_labels(std::string_view name);

}  // namespace telco::modules::naming
