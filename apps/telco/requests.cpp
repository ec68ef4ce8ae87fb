#include "requests.h"

#include <algorithm>
#include <cctype>

#include "chain/amount.h"
#include "cli_error.h"
#include "json_fields.h"

namespace telco::cli {

crypto::Address parse_address(std::string_view text, std::string_view what) {
  auto address = crypto::Address::parse(text);
  if (!address) {
    throw UsageError(std::string(what) + " '" + std::string(text) +
                     "' is not a valid address (expected tc1..., checksum included)");
  }
  return *address;
}

std::string parse_hash(std::string_view text, std::string_view what) {
  const bool hex = std::all_of(text.begin(), text.end(),
                               [](char c) { return std::isxdigit(static_cast<unsigned char>(c)) != 0; });
  if (text.size() != 64 || !hex) {
    throw UsageError(std::string(what) + " '" + std::string(text) +
                     "' is not a hash (expected 64 hex digits)");
  }
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](char c) { return static_cast<char>(std::tolower(static_cast<unsigned char>(c))); });
  return out;
}

std::uint64_t parse_tel(std::string_view text, std::string_view what) {
  const auto units = chain::parse_amount(text);
  if (!units) {
    throw UsageError(std::string(what) + " '" + std::string(text) +
                     "' is not a TEL amount (digits with at most 6 decimals, e.g. 1.5)");
  }
  return *units;
}

std::string block_path(std::string_view ref) {
  if (ref.empty() || ref == "latest") return "/v1/blocks/latest";
  if (ref.size() == 64) return "/v1/blocks/" + parse_hash(ref, "block hash");
  if (const auto height = parse_u64(ref)) return "/v1/blocks/" + std::to_string(*height);
  throw UsageError("block '" + std::string(ref) + "' is not 'latest', a height or a 64-hex block hash");
}

std::string tx_path(std::string_view hash_hex) {
  return "/v1/txs/" + parse_hash(hash_hex, "transaction hash");
}

std::string account_path(const crypto::Address& address) { return "/v1/accounts/" + address.to_string(); }

std::string account_txs_path(const crypto::Address& address, std::uint64_t limit,
                             std::optional<std::uint64_t> before) {
  std::string path = account_path(address) +
                     "/txs?limit=" + std::to_string(std::clamp<std::uint64_t>(limit, 1, kListLimitMax));
  if (before) path += "&before=" + std::to_string(*before);
  return path;
}

}  // namespace telco::cli
