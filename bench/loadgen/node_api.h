// The parts of the node's HTTP API (docs/api.md) the load generator reads, parsed from
// response bodies. No networking here: these are pure functions of the text, which keeps
// them cheap to reason about and lets the event and submit paths avoid a JSON DOM.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "crypto/hash.h"

namespace telco::bench {

struct NodeStatus {
  std::string chain_id;
  std::uint64_t min_fee = 0;
  std::uint64_t height = 0;
  std::uint64_t validators = 0;
  std::uint64_t max_tx_bytes = 0;
  std::uint64_t mempool_txs_max = 0;
  std::uint64_t max_pending_per_sender = 0;  // 0 = not reported
};

struct AccountState {
  std::uint64_t balance = 0;
  std::uint64_t nonce = 0;
  std::uint64_t pending_nonce = 0;
};

// One rejected item of a POST /v1/txs batch.
struct Rejection {
  std::uint32_t index = 0;  // position in the request
  std::string name;         // stable result name, e.g. "nonce_too_high"
};

struct SubmitVerdict {
  std::uint64_t accepted = 0;
  std::uint64_t rejected = 0;
  std::vector<Rejection> rejections;
  std::uint64_t results = 0;  // items in "results"
};

// A committed block as the load generator needs it: which transactions it finalized.
struct BlockSummary {
  std::uint64_t height = 0;
  std::uint64_t tx_count = 0;
  std::vector<crypto::Hash32> tx_hashes;
};

// Each throws std::runtime_error with a sentence naming what is missing or malformed.
NodeStatus parse_status(std::string_view json);
AccountState parse_account(std::string_view json);
SubmitVerdict parse_submit_response(std::string_view json);
// Accepts both a WebSocket event {"type":"block","block":{...}} and the body of
// GET /v1/blocks/{height}; nullopt for an event of another type.
std::optional<BlockSummary> parse_block(std::string_view json);

// The node's {"error":{"code","message"}} as one line, or the start of the body.
std::string describe_error_body(std::string_view body);

}  // namespace telco::bench
