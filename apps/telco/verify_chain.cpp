#include "verify_chain.h"

#include <fstream>
#include <map>

#include "cli_error.h"
#include "light/wire.h"
#include "util/hex.h"

namespace telco::cli {
namespace {

using Json = nlohmann::json;

chain::Genesis node_genesis(const NodeClient& node) {
  const Json body = node.get("/v1/genesis");
  try {
    return chain::parse_genesis_json(body.dump());
  } catch (const std::exception& e) {
    throw CliError("malformed_response", std::string("the node's genesis does not parse: ") + e.what());
  }
}

// The node's validator-set changes in (from, height], every page (each page's next_from
// moves strictly forward, so the loop ends).
std::map<std::uint64_t, light::ValidatorSetChange> fetch_changes(const NodeClient& node, std::uint64_t from,
                                                                 std::uint64_t height) {
  std::map<std::uint64_t, light::ValidatorSetChange> out;
  for (;;) {
    const Json page =
        node.get("/v1/validators/changes?from=" + std::to_string(from) + "&to=" + std::to_string(height));
    light::Verdict why;
    auto changes = light::decode_validator_changes(page, &why);
    if (!changes) require(why, "validator-set changes");
    for (auto& c : *changes) {
      if (c.height <= from || c.height > height)
        throw CliError("malformed_response", "the node sent a validator-set change outside the asked range");
      out.emplace(c.height, std::move(c));
    }
    const auto complete = page.find("complete");
    if (complete == page.end() || !complete->is_boolean() || complete->get<bool>() || changes->empty()) break;
    from = changes->back().height;
  }
  return out;
}

}  // namespace

const char* trust_mode_name(TrustMode m) {
  switch (m) {
    case TrustMode::kGenesisFile:
      return "genesis_file";
    case TrustMode::kGenesisHash:
      return "genesis_hash";
    case TrustMode::kFirstUse:
      return "first_use";
    case TrustMode::kTrustedHeader:
      return "trusted_header";
  }
  return "unknown";
}

void require(const light::Verdict& v, const std::string& context) {
  if (!v.ok())
    throw CliError(light::code_name(v.reason), "verification failed: " + context + ": " + v.message());
}

TrustAnchor establish_trust(const NodeClient& node, const std::string& genesis_file,
                            const std::string& genesis_hash_hex) {
  TrustAnchor anchor;
  if (!genesis_file.empty()) {
    try {
      anchor.genesis = chain::load_genesis(genesis_file);
    } catch (const std::exception& e) {
      throw UsageError(std::string("--genesis: ") + e.what());
    }
    anchor.mode = TrustMode::kGenesisFile;
    anchor.genesis_hash = anchor.genesis.hash();
    return anchor;
  }
  std::optional<crypto::Hash32> pinned;
  if (!genesis_hash_hex.empty()) {
    auto bytes = genesis_hash_hex.size() == 64 ? from_hex(genesis_hash_hex) : std::nullopt;
    if (!bytes) throw UsageError("--genesis-hash must be 64 hex digits");
    pinned.emplace();
    std::copy(bytes->begin(), bytes->end(), pinned->begin());
  }
  anchor.genesis = node_genesis(node);
  anchor.genesis_hash = anchor.genesis.hash();
  if (pinned && *pinned != anchor.genesis_hash) {
    throw CliError("genesis_mismatch", "the node's genesis hashes to " + crypto::to_hex(anchor.genesis_hash) +
                                           ", not the trusted " + crypto::to_hex(*pinned) +
                                           ": it serves another chain, or lies");
  }
  anchor.mode = pinned ? TrustMode::kGenesisHash : TrustMode::kFirstUse;
  return anchor;
}

TrustAnchor trust_header(const NodeClient& node, std::uint64_t height, const std::string& hash_hex) {
  auto bytes = hash_hex.size() == 64 ? from_hex(hash_hex) : std::nullopt;
  if (!bytes) throw UsageError("--trusted-hash must be 64 hex digits");
  if (height == 0) throw UsageError("--trusted-height must be 1 or more");
  crypto::Hash32 trusted{};
  std::copy(bytes->begin(), bytes->end(), trusted.begin());
  light::Verdict why;
  auto signed_header = light::decode_signed_header(node.get("/v1/headers/" + std::to_string(height)), &why);
  if (!signed_header) require(why, "trusted header " + std::to_string(height));
  if (signed_header->header.height != height)
    throw CliError("malformed_response", "the node sent header " +
                                             std::to_string(signed_header->header.height) +
                                             " when asked for " + std::to_string(height));
  const std::string h = std::to_string(height);
  auto set = light::decode_validator_set(node.get("/v1/validators/changes?from=" + h + "&to=" + h), &why);
  if (!set) require(why, "validator set of the trusted header");
  TrustAnchor anchor;
  anchor.mode = TrustMode::kTrustedHeader;
  anchor.start = light::LightClient::from_trusted_header(signed_header->header, trusted, *set, &why);
  if (!anchor.start) require(why, "trusted header " + h);
  return anchor;
}

std::uint64_t target_height(const NodeClient& node, std::optional<std::uint64_t> requested) {
  if (requested) {
    if (*requested == 0) throw UsageError("--height must be 1 or more (height 0 has no header to verify)");
    return *requested;
  }
  const Json status = node.get("/v1/status");
  const auto head = status.find("head");
  if (head == status.end() || !head->is_object() || !head->contains("height") ||
      !(*head)["height"].is_number_unsigned())
    throw CliError("malformed_response", "the node's status has no head height");
  const std::uint64_t height = (*head)["height"].get<std::uint64_t>();
  if (height == 0)
    throw CliError("no_blocks", "the node has committed no block yet: there is no header to verify against");
  return height;
}

light::LightClient verify_headers(const NodeClient& node, const TrustAnchor& anchor, std::uint64_t height,
                                  const Progress& progress) {
  light::Verdict why;
  auto client = anchor.start ? anchor.start : light::LightClient::from_genesis(anchor.genesis, &why);
  if (!client) require(why, "genesis");
  if (height < client->height())
    throw UsageError("--height " + std::to_string(height) + " is below the trusted header " +
                     std::to_string(client->height()));
  const auto changes = fetch_changes(node, client->height(), height);
  while (client->height() < height) {
    const std::uint64_t from = client->height() + 1;
    const std::uint64_t limit = std::min<std::uint64_t>(light::kHeadersPageMax, height - client->height());
    const Json page =
        node.get("/v1/headers?from=" + std::to_string(from) + "&limit=" + std::to_string(limit));
    auto headers = light::decode_headers_page(page, limit, &why);
    if (!headers) require(why, "headers from " + std::to_string(from));
    if (headers->empty())
      throw CliError("malformed_response", "the node sent no header at height " + std::to_string(from));
    for (const light::SignedHeader& s : *headers) {
      const auto change = changes.find(s.header.height);
      require(client->verify_next(s.header, s.commit, change == changes.end() ? nullptr : &change->second),
              "header " + std::to_string(s.header.height));
    }
    if (progress) progress(client->height(), height);
  }
  return std::move(*client);
}

}  // namespace telco::cli
