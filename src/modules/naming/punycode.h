// Punycode (RFC 3492) for one label, and UTF-8 to code points and back. Pure functions;
// every failure (overflow, bad digit, invalid UTF-8) is nullopt.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace telco::modules::naming {

// Code points -> the Punycode string (without the "xn--" prefix). nullopt on overflow.
std::optional<std::string> punycode_encode(const std::vector<char32_t>& input);
// Punycode (without "xn--", case-insensitive digits) -> code points, or nullopt.
std::optional<std::vector<char32_t>> punycode_decode(std::string_view input);

// Strict UTF-8 (no overlong forms, no surrogates, at most U+10FFFF), or nullopt.
std::optional<std::vector<char32_t>> utf8_decode(std::string_view text);
std::string utf8_encode(const std::vector<char32_t>& code_points);

}  // namespace telco::modules::naming
