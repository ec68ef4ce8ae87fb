// `telco verify`: the light client driven over the node's API. Establishes the trusted
// genesis (from a file, checked against a pinned hash, or — said plainly — trusted on
// first use), verifies every header 1..height through its commit, following validator-set
// hand-overs, and leaves a LightClient whose head is `height`, ready to check proofs.
// Nothing the node sends is believed before it is verified; any refusal becomes a
// CliError whose code is the light client's reason (light/rejection.h).
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>

#include "chain/genesis.h"
#include "light/light_client.h"
#include "node_client.h"

namespace telco::cli {

enum class TrustMode { kGenesisFile, kGenesisHash, kFirstUse, kTrustedHeader };
// "genesis_file", "genesis_hash", "first_use", "trusted_header"
const char* trust_mode_name(TrustMode m);

struct TrustAnchor {
  TrustMode mode = TrustMode::kFirstUse;
  chain::Genesis genesis;                   // all modes but kTrustedHeader
  crypto::Hash32 genesis_hash{};            // all modes but kTrustedHeader
  std::optional<light::LightClient> start;  // kTrustedHeader: the client at the trusted header
};

// --genesis FILE wins; else --genesis-hash HEX pins the genesis the node sends; else the
// node's genesis is trusted on first use (the caller warns). Throws CliError
// ("genesis_mismatch") when the node's genesis is not the pinned one.
TrustAnchor establish_trust(const NodeClient& node, const std::string& genesis_file,
                            const std::string& genesis_hash_hex);

// --trusted-height H --trusted-hash HEX: header H, which must hash to HEX, and the set the
// node says signed it, which must hash to its validators_hash. Verification then starts at
// H + 1; no genesis is needed.
TrustAnchor trust_header(const NodeClient& node, std::uint64_t height, const std::string& hash_hex);

// Called after each page of headers: (verified so far, target).
using Progress = std::function<void(std::uint64_t, std::uint64_t)>;

// The height to verify: `requested`, or the node's head (which a node could under-report;
// it cannot forge what lies under it). Throws CliError when there is no block yet.
std::uint64_t target_height(const NodeClient& node, std::optional<std::uint64_t> requested);

// Verifies headers from the anchor (the genesis, or the trusted header) up to `height`. Throws CliError on
// any refusal.
light::LightClient verify_headers(const NodeClient& node, const TrustAnchor& anchor, std::uint64_t height,
                                  const Progress& progress);

// Throws CliError(code_name(v.reason), context + ": " + v.message()) unless v.ok().
void require(const light::Verdict& v, const std::string& context);

}  // namespace telco::cli
