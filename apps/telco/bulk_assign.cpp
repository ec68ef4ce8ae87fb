#include "bulk_assign.h"

#include <unordered_map>

#include "cli_error.h"
#include "modules/naming/records.h"

namespace telco::cli {
namespace {

using Json = nlohmann::json;

std::string_view trim(std::string_view s) {
  const auto first = s.find_first_not_of(" \t\r");
  if (first == std::string_view::npos) return {};
  const auto last = s.find_last_not_of(" \t\r");
  return s.substr(first, last - first + 1);
}

std::vector<std::string_view> split_commas(std::string_view line) {
  std::vector<std::string_view> out;
  while (true) {
    const auto comma = line.find(',');
    out.push_back(trim(line.substr(0, comma)));
    if (comma == std::string_view::npos) return out;
    line.remove_prefix(comma + 1);
  }
}

}  // namespace

Json routing_json(const std::vector<std::string>& uris) {
  Json r = Json::array();
  for (const std::string& u : uris) {
    Json e = {{"uri", u}};
    if (u.starts_with("tel:")) e["service"] = "E2U+voice:tel";
    r.push_back(std::move(e));
  }
  return r;
}

std::vector<AssignmentLine> read_assignment_lines(std::istream& in, const ResolveAddress& resolve,
                                                  std::size_t lines_max) {
  std::vector<AssignmentLine> out;
  std::unordered_map<std::string, std::size_t> seen;  // digits -> line ("+1415..." and "1415..." are one)
  std::unordered_map<std::string, std::string> addresses;  // SUBSCRIBER field -> address
  std::string text;
  std::size_t line = 0;
  while (std::getline(in, text)) {
    ++line;
    const std::string_view t = trim(text);
    if (t.empty() || t.starts_with('#')) continue;
    const std::string at = "line " + std::to_string(line) + ": ";
    const auto fields = split_commas(t);
    if (fields.size() < 2 || fields[0].empty() || fields[1].empty()) {
      throw UsageError(at + "expected NUMBER,SUBSCRIBER[,URI...]");
    }
    for (std::size_t i = 2; i < fields.size(); ++i) {
      if (fields[i].empty()) throw UsageError(at + "an empty URI (two commas in a row, or a trailing comma)");
    }
    if (out.size() == lines_max) {
      throw UsageError(at + "more than " + std::to_string(lines_max) + " assignments in one file; split it");
    }
    const auto parsed = modules::naming::parse_number_text(fields[0]);
    if (!parsed) {
      throw UsageError(at + "'" + std::string(fields[0]) + "' is not an E.164 number (3 to 15 digits, no leading 0)");
    }
    const std::string& digits = *parsed;
    if (auto [it, fresh] = seen.emplace(digits, line); !fresh) {
      throw UsageError(at + "number " + std::string(fields[0]) + " is already on line " + std::to_string(it->second));
    }
    auto known = addresses.find(std::string(fields[1]));
    if (known == addresses.end()) {
      std::string address;
      try {
        address = resolve(fields[1]);
      } catch (const CliError& e) {
        throw UsageError(at + e.what());
      }
      known = addresses.emplace(std::string(fields[1]), std::move(address)).first;
    }
    out.push_back({line, Json{{"number", std::string(fields[0])}, {"subscriber", known->second},
                              {"routing", routing_json({fields.begin() + 2, fields.end()})}}});
  }
  if (in.bad()) throw CliError("io_error", "could not read the assignment file");
  if (out.empty()) throw UsageError("the file holds no assignments (NUMBER,SUBSCRIBER[,URI...] per line)");
  return out;
}

std::vector<AssignmentBatch> pack_assignments(const std::vector<AssignmentLine>& lines, std::size_t per_tx,
                                              std::size_t tx_bytes_max,
                                              const std::function<std::size_t(const Json& fields)>& tx_size) {
  if (per_tx == 0) throw std::invalid_argument("pack_assignments: per_tx must be positive");
  if (lines.empty()) return {};
  auto fields_of = [&](std::size_t first, std::size_t count) {
    Json list = Json::array();
    for (std::size_t i = first; i < first + count; ++i) list.push_back(lines[i].assignment);
    return Json{{"assignments", std::move(list)}};
  };
  // The framing of a transaction (header, key, signature, payload tag and count): a
  // transaction holding one line twice costs the line twice and the framing once. A batch
  // then costs the framing plus what each line adds, plus a little for the count's varint
  // growing; the exact size is checked once per batch.
  const Json one = fields_of(0, 1);
  Json twice = one;
  twice["assignments"].push_back(lines[0].assignment);
  const std::size_t alone0 = tx_size(one);
  const std::size_t framing = 2 * alone0 > tx_size(twice) ? 2 * alone0 - tx_size(twice) : 0;
  constexpr std::size_t kCountSlack = 8;
  std::vector<AssignmentBatch> out;
  std::size_t i = 0;
  while (i < lines.size()) {
    std::size_t count = 0, estimate = framing + kCountSlack;
    while (i + count < lines.size() && count < per_tx) {
      const std::size_t alone = tx_size(fields_of(i + count, 1));
      if (alone > tx_bytes_max) {
        throw UsageError("line " + std::to_string(lines[i + count].line) + ": the assignment alone makes a " +
                         std::to_string(alone) + "-byte transaction, over the chain's limit of " +
                         std::to_string(tx_bytes_max) + " bytes (fewer or shorter URIs)");
      }
      const std::size_t adds = alone > framing ? alone - framing : alone;
      if (count > 0 && estimate + adds > tx_bytes_max) break;
      estimate += adds;
      ++count;
    }
    Json fields = fields_of(i, count);
    while (count > 1 && tx_size(fields) > tx_bytes_max) {  // the estimate was short: drop lines
      --count;
      fields = fields_of(i, count);
    }
    out.push_back({i, count, std::move(fields)});
    i += count;
  }
  return out;
}

}  // namespace telco::cli
