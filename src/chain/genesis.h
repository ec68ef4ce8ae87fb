// The genesis file: the chain's identity, its first validator set, initial balances and
// parameters. Read from JSON (the only JSON the core reads), validated with a sentence per
// problem, and hashed canonically so nodes can refuse peers of another genesis.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "codec/reader.h"
#include "crypto/address.h"
#include "crypto/hash.h"

namespace telco::chain {

struct ChainParams {
  std::uint64_t min_fee = 1'000;  // uTEL per transaction (0.001 TEL)
  std::uint32_t max_tx_bytes = 4 * 1024;
  std::uint32_t max_block_txs = 10'000;
  std::uint32_t max_block_bytes = 4 * 1024 * 1024;
  std::uint32_t max_pending_per_sender = 1'000;
  bool operator==(const ChainParams&) const = default;
};

struct GenesisValidator {
  std::string name;
  crypto::PublicKey public_key{};
  std::uint64_t power = 1;
  bool operator==(const GenesisValidator&) const = default;
};

struct GenesisAccount {
  crypto::Address address;
  std::uint64_t balance = 0;
  bool operator==(const GenesisAccount&) const = default;
};

// Parameters of the naming module (issue #5; docs/modules/naming.md). Optional in the
// genesis file: a chain without a "naming" section uses these defaults and has no
// numbering authority, so no E.164 block can be allocated on it. Periods are in blocks.
inline constexpr std::size_t kTopLevelLabelsMax = 16;
inline constexpr std::size_t kTopLevelLabelBytesMax = 63;
inline constexpr std::uint64_t kNamingPeriodBlocksMax = 10'000'000'000;  // ~317 years at 1 block/s
inline constexpr std::uint64_t kRevealWindowBlocksMax = 1'000'000;
inline constexpr std::size_t kValidatorAuthoritiesMax = 64;

struct NamingParams {
  std::vector<std::string> top_level_labels = {"tel"};  // zones names are registered under
  std::uint64_t name_expiry_blocks = 31'536'000;          // a registration (or renewal) lasts this long
  std::uint64_t name_grace_blocks = 2'592'000;            // after expiry only the old owner may renew
  std::uint64_t reveal_window_blocks = 1'000;             // a commitment may be revealed this long
  std::optional<crypto::Address> numbering_authority;     // allocates E.164 blocks to operators
  std::uint64_t port_deadline_blocks = 86'400;            // the donor may object this long to a port
  bool operator==(const NamingParams&) const = default;
};

struct Genesis {
  std::string chain_id;
  std::uint64_t genesis_time_ms = 0;
  ChainParams params;
  std::vector<GenesisValidator> validators;
  std::vector<GenesisAccount> accounts;
  // Present iff the genesis file has a "naming" object; absent keeps the encoding (and hash)
  // of genesis files written before the naming module existed.
  std::optional<NamingParams> naming;
  // Addresses allowed to change the validator set (payload validator.update, docs/CONSENSUS.md
  // "Validator-set changes"); governance will generalise this. Empty: the set is fixed. An
  // empty list is not encoded, which keeps the hash of genesis files written before it.
  std::vector<crypto::Address> validator_authorities;

  const NamingParams& naming_params() const;  // *naming, or the defaults
  std::uint64_t total_supply() const;  // sum of balances; validate() checks it fits in u64
  crypto::Hash32 hash() const;
  crypto::Hash32 validators_hash() const;
  bool operator==(const Genesis&) const = default;
};

// The canonical encoding (docs/PROTOCOL.md "Genesis"): what hash() hashes, and what the
// node caches so a restart need not parse a large JSON file again. decode_genesis is its
// exact inverse; it checks bounds and form, not the rules of validate().
Bytes encode_genesis(const Genesis& g);
std::optional<Genesis> decode_genesis(ByteView bytes, codec::DecodeError* error = nullptr);

// Throws std::invalid_argument with a sentence naming the first problem found.
Genesis parse_genesis_json(std::string_view text);
Genesis load_genesis(const std::filesystem::path& path);
std::string genesis_to_json(const Genesis& g);
// Checks every rule parse applies (bounds, duplicates, supply overflow); throws as parse does.
void validate(const Genesis& g);

crypto::Hash32 validators_hash(const std::vector<GenesisValidator>& validators);

}  // namespace telco::chain
