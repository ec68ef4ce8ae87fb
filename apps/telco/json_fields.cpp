#include "json_fields.h"

#include <charconv>

#include "cli_error.h"

namespace telco::cli {

std::optional<std::uint64_t> parse_u64(std::string_view text) {
  std::uint64_t value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || ec != std::errc{} || end != text.data() + text.size()) return std::nullopt;
  return value;
}

const Json& member(const Json& object, std::string_view key) {
  static const Json kNull;
  if (!object.is_object()) return kNull;
  const auto it = object.find(key);
  return it == object.end() ? kNull : *it;
}

std::optional<std::uint64_t> optional_u64(const Json& object, std::string_view key) {
  const Json& v = member(object, key);
  if (v.is_number_unsigned()) return v.get<std::uint64_t>();
  if (v.is_number_integer() && v.get<std::int64_t>() >= 0)
    return static_cast<std::uint64_t>(v.get<std::int64_t>());
  if (v.is_string()) return parse_u64(v.get_ref<const std::string&>());
  return std::nullopt;
}

std::uint64_t require_u64(const Json& object, std::string_view key) {
  const auto v = optional_u64(object, key);
  if (!v) {
    throw CliError("bad_response", "node response lacks a valid integer field '" + std::string(key) + "'");
  }
  return *v;
}

std::string require_string(const Json& object, std::string_view key) {
  const Json& v = member(object, key);
  if (!v.is_string()) {
    throw CliError("bad_response", "node response lacks a string field '" + std::string(key) + "'");
  }
  return v.get<std::string>();
}

std::string display_field(const Json& object, std::string_view key) {
  const Json& v = member(object, key);
  if (v.is_string()) return v.get<std::string>();
  if (v.is_number() || v.is_boolean()) return v.dump();
  return "?";
}

}  // namespace telco::cli
