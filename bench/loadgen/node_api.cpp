#include "node_api.h"

#include <charconv>
#include <nlohmann/json.hpp>
#include <stdexcept>

#include "util/hex.h"

namespace telco::bench {
namespace {

using Json = nlohmann::json;

Json parse_object(std::string_view text, const char* what) {
  Json j = Json::parse(text, nullptr, false);
  if (j.is_discarded() || !j.is_object()) throw std::runtime_error(std::string(what) + " is not a JSON object");
  return j;
}

// Amounts and u64 values may arrive as JSON strings (docs/api.md) or numbers.
std::uint64_t u64_field(const Json& parent, const char* key, const char* what) {
  auto it = parent.find(key);
  if (it == parent.end()) throw std::runtime_error(std::string(what) + " has no '" + key + "'");
  if (it->is_number_unsigned()) return it->get<std::uint64_t>();
  if (it->is_string()) {
    const std::string& s = it->get_ref<const std::string&>();
    std::uint64_t v = 0;
    const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (ec == std::errc() && end == s.data() + s.size() && !s.empty()) return v;
  }
  throw std::runtime_error(std::string(what) + ": '" + key + "' is not an unsigned integer");
}

std::optional<crypto::Hash32> hash_from_hex(std::string_view hex) {
  if (hex.size() != 64) return std::nullopt;
  auto bytes = from_hex(hex);
  if (!bytes || bytes->size() != 32) return std::nullopt;
  crypto::Hash32 h;
  std::copy(bytes->begin(), bytes->end(), h.begin());
  return h;
}

// The SAX handlers below walk a document once without building it: a block of 10,000
// transactions is several megabytes of JSON, and the load generator shares the machine's
// cores with the node it measures, so every cycle it spends is taken from the node.
class SaxBase {
 public:
  bool null() { return value(); }
  bool boolean(bool) { return value(); }
  bool number_integer(std::int64_t) { return value(); }
  bool number_float(double, const std::string&) { return value(); }
  bool binary(Json::binary_t&) { return value(); }
  bool parse_error(std::size_t, const std::string&, const nlohmann::detail::exception&) { return false; }

 protected:
  struct Frame {
    bool array = false;
    std::string key;       // the key under which this container sits in its parent
    std::string last_key;  // objects: the key of the value being read
    std::uint64_t items = 0;  // arrays: elements started so far
  };
  bool value() {
    if (!stack_.empty() && stack_.back().array) ++stack_.back().items;
    return true;
  }
  bool open(bool array) {
    std::string key = stack_.empty() ? std::string() : (stack_.back().array ? std::string() : stack_.back().last_key);
    value();
    stack_.push_back({array, std::move(key), {}, 0});
    return stack_.size() < 64;  // nothing the node sends is nested deeper
  }
  bool close() {
    stack_.pop_back();
    return true;
  }
  const std::string& current_key() const { return stack_.back().last_key; }
  std::vector<Frame> stack_;
};

class BlockSax : public SaxBase {
 public:
  BlockSummary block;
  bool saw_height = false;
  bool other_type = false;

  bool number_unsigned(std::uint64_t v) {
    // The block's own height: the root's (GET /v1/blocks) or root.block's (event).
    if (!saw_height && stack_.size() <= 2 && !stack_.back().array && current_key() == "height") {
      block.height = v;
      saw_height = true;
    }
    if (stack_.size() <= 2 && !stack_.back().array && current_key() == "tx_count") block.tx_count = v;
    return value();
  }
  bool string(std::string& s) {
    if (stack_.size() == 1 && current_key() == "type" && s != "block") other_type = true;
    // A transaction's hash: key "hash" in an object that is an element of the "txs" array.
    if (stack_.size() >= 2 && !stack_.back().array && current_key() == "hash" && stack_[stack_.size() - 2].array &&
        stack_[stack_.size() - 2].key == "txs") {
      if (auto h = hash_from_hex(s)) block.tx_hashes.push_back(*h);
    }
    return value();
  }
  bool key(std::string& k) {
    stack_.back().last_key = std::move(k);
    return true;
  }
  bool start_object(std::size_t) { return open(false); }
  bool end_object() { return close(); }
  bool start_array(std::size_t) { return open(true); }
  bool end_array() { return close(); }
};

class SubmitSax : public SaxBase {
 public:
  SubmitVerdict verdict;

  bool in_result() const {
    return stack_.size() == 3 && !stack_.back().array && stack_[1].array && stack_[1].key == "results";
  }
  bool number_unsigned(std::uint64_t v) {
    if (stack_.size() == 1 && current_key() == "accepted") verdict.accepted = v;
    if (stack_.size() == 1 && current_key() == "rejected") verdict.rejected = v;
    return value();
  }
  bool boolean(bool b) {
    if (in_result() && current_key() == "accepted") item_accepted_ = b;
    return value();
  }
  bool string(std::string& s) {
    if (in_result() && current_key() == "name") item_name_ = std::move(s);
    return value();
  }
  bool key(std::string& k) {
    stack_.back().last_key = std::move(k);
    return true;
  }
  bool start_object(std::size_t) {
    item_accepted_ = true;
    item_name_.clear();
    return open(false);
  }
  bool end_object() {
    if (in_result()) {
      const auto index = static_cast<std::uint32_t>(stack_[1].items - 1);
      if (!item_accepted_) verdict.rejections.push_back({index, item_name_.empty() ? "unknown" : item_name_});
      verdict.results = stack_[1].items;
    }
    return close();
  }
  bool start_array(std::size_t) { return open(true); }
  bool end_array() { return close(); }

 private:
  bool item_accepted_ = true;
  std::string item_name_;
};

}  // namespace

NodeStatus parse_status(std::string_view text) {
  const Json j = parse_object(text, "GET /v1/status");
  NodeStatus s;
  if (!j.contains("chain_id") || !j["chain_id"].is_string()) throw std::runtime_error("GET /v1/status has no chain_id");
  s.chain_id = j["chain_id"].get<std::string>();
  if (!j.contains("params") || !j["params"].is_object()) throw std::runtime_error("GET /v1/status has no params");
  s.min_fee = u64_field(j["params"], "min_fee", "status params");
  if (j["params"].contains("max_tx_bytes")) s.max_tx_bytes = u64_field(j["params"], "max_tx_bytes", "status params");
  if (j["params"].contains("max_pending_per_sender")) {
    s.max_pending_per_sender = u64_field(j["params"], "max_pending_per_sender", "status params");
  }
  if (j.contains("head") && j["head"].is_object()) s.height = u64_field(j["head"], "height", "status head");
  if (j.contains("mempool") && j["mempool"].is_object() && j["mempool"].contains("txs_max")) {
    s.mempool_txs_max = u64_field(j["mempool"], "txs_max", "status mempool");
  }
  // "validators" is a count today; accept a list too, should the contract grow one.
  if (j.contains("validators")) {
    const Json& v = j["validators"];
    s.validators = v.is_array() ? v.size() : u64_field(j, "validators", "GET /v1/status");
  }
  return s;
}

AccountState parse_account(std::string_view text) {
  const Json j = parse_object(text, "GET /v1/accounts/{address}");
  AccountState a;
  a.balance = u64_field(j, "balance", "account");
  a.nonce = u64_field(j, "nonce", "account");
  a.pending_nonce = j.contains("pending_nonce") ? u64_field(j, "pending_nonce", "account") : a.nonce;
  return a;
}

SubmitVerdict parse_submit_response(std::string_view text) {
  SubmitSax sax;
  if (!Json::sax_parse(text, &sax)) throw std::runtime_error("POST /v1/txs answered with malformed JSON");
  if (sax.verdict.rejected != sax.verdict.rejections.size()) {
    throw std::runtime_error("POST /v1/txs: 'rejected' does not match the results listed");
  }
  return std::move(sax.verdict);
}

std::optional<BlockSummary> parse_block(std::string_view text) {
  BlockSax sax;
  if (!Json::sax_parse(text, &sax)) throw std::runtime_error("block JSON is malformed");
  if (sax.other_type) return std::nullopt;
  if (!sax.saw_height) throw std::runtime_error("block JSON has no height");
  if (sax.block.tx_count == 0) sax.block.tx_count = sax.block.tx_hashes.size();
  return std::move(sax.block);
}

std::string describe_error_body(std::string_view body) {
  const Json j = Json::parse(body, nullptr, false);
  if (!j.is_discarded() && j.is_object() && j.contains("error") && j["error"].is_object()) {
    const Json& e = j["error"];
    return e.value("code", std::string("error")) + ": " + e.value("message", std::string());
  }
  return std::string(body.substr(0, 200));
}

}  // namespace telco::bench
