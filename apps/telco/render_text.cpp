// The formatting primitives of render.h: numbers, times, sanitising and layout.
#include <algorithm>
#include <cstdio>
#include <ctime>

#include "chain/amount.h"
#include "json_fields.h"
#include "render.h"

namespace telco::cli {

std::string clean(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (const char c : text) {
    const auto u = static_cast<unsigned char>(c);
    if (u < 0x20 || u == 0x7f) {
      char buf[5];
      std::snprintf(buf, sizeof buf, "\\x%02x", u);
      out += buf;
    } else {
      out.push_back(c);
    }
  }
  return out;
}

std::string format_tel(std::uint64_t units) { return chain::format_amount(units) + " TEL"; }

std::string format_tel_and_units(std::uint64_t units) {
  return format_tel(units) + " (" + std::to_string(units) + " uTEL)";
}

std::string format_time_ms(std::uint64_t ms) {
  const auto seconds = static_cast<std::time_t>(ms / 1000);
  std::tm tm{};
  if (::gmtime_r(&seconds, &tm) == nullptr) return std::to_string(ms) + " ms";
  char buf[64];
  const std::size_t n = std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%S", &tm);
  char millis[8];
  std::snprintf(millis, sizeof millis, ".%03u", static_cast<unsigned>(ms % 1000));
  return std::string(buf, n) + millis + " UTC";
}

std::string format_age(std::uint64_t then_ms, std::uint64_t now_ms) {
  if (then_ms > now_ms) return "in the future: clocks differ";
  const std::uint64_t s = (now_ms - then_ms) / 1000;
  if (s < 120) return std::to_string(s) + " s ago";
  if (s < 7200) return std::to_string(s / 60) + " min ago";
  if (s < 2 * 86400) return std::to_string(s / 3600) + " h ago";
  return std::to_string(s / 86400) + " days ago";
}

std::string format_duration_ms(std::uint64_t ms) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%llu.%02llu s", static_cast<unsigned long long>(ms / 1000),
                static_cast<unsigned long long>(ms % 1000 / 10));
  return buf;
}

std::string format_bytes(std::uint64_t bytes) {
  static constexpr const char* kUnits[] = {"B", "KiB", "MiB", "GiB", "TiB"};
  double value = static_cast<double>(bytes);
  int unit = 0;
  while (value >= 1024 && unit < 4) {
    value /= 1024;
    ++unit;
  }
  char buf[32];
  if (unit == 0) {
    std::snprintf(buf, sizeof buf, "%llu B", static_cast<unsigned long long>(bytes));
  } else {
    std::snprintf(buf, sizeof buf, "%.1f %s", value, kUnits[unit]);
  }
  return buf;
}

std::string render_fields(const Fields& fields, int indent) {
  std::size_t width = 0;
  for (const auto& [label, value] : fields) width = std::max(width, label.size());
  std::string out;
  for (const auto& [label, value] : fields) {
    out.append(static_cast<std::size_t>(indent), ' ');
    out += label;
    out.append(width - label.size() + 2, ' ');
    out += value;
    out += '\n';
  }
  return out;
}

std::string render_table(const std::vector<std::string>& header,
                         const std::vector<std::vector<std::string>>& rows, int indent) {
  std::vector<std::size_t> widths(header.size(), 0);
  const auto measure = [&](const std::vector<std::string>& row) {
    for (std::size_t i = 0; i < row.size() && i < widths.size(); ++i)
      widths[i] = std::max(widths[i], row[i].size());
  };
  measure(header);
  for (const auto& row : rows) measure(row);
  const auto line = [&](const std::vector<std::string>& row) {
    std::string out(static_cast<std::size_t>(indent), ' ');
    for (std::size_t i = 0; i < row.size() && i < widths.size(); ++i) {
      out += row[i];
      if (i + 1 < row.size()) out.append(widths[i] - row[i].size() + 2, ' ');
    }
    return out + "\n";
  };
  std::string out = line(header);
  for (const auto& row : rows) out += line(row);
  return out;
}

std::string describe_result(const Json& result) {
  const auto code = optional_u64(result, "code");
  if (!code) return "?";
  if (*code == 0) return "ok";
  std::string out = clean(display_field(result, "name")) + " (" + std::to_string(*code) + ")";
  const Json& message = member(result, "message");
  if (message.is_string() && !message.get_ref<const std::string&>().empty()) {
    out += ": " + clean(message.get_ref<const std::string&>());
  }
  return out;
}

std::string describe_payload(const Json& payload) {
  const std::string type = clean(display_field(payload, "type"));
  if (type == "bank.transfer") {
    const auto amount = optional_u64(payload, "amount");
    std::string out = "transfer " + (amount ? format_tel(*amount) : std::string("?")) + " to " +
                      clean(display_field(payload, "to"));
    const Json& memo = member(payload, "memo");
    if (memo.is_string() && !memo.get_ref<const std::string&>().empty()) {
      out += " memo \"" + clean(memo.get_ref<const std::string&>()) + "\"";
    }
    return out;
  }
  // A payload type this CLI does not know yet: show its fields rather than nothing.
  Json rest = payload.is_object() ? payload : Json::object();
  rest.erase("type");
  return type + " " + clean(rest.dump());
}

}  // namespace telco::cli
