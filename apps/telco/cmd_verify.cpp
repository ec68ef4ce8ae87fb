// `telco verify account ADDRESS` and `telco verify state KEYHEX`: a fact of state checked
// against the validators' signatures instead of the node's word (docs/cli.md, "verify").
#include <chrono>
#include <iostream>
#include <memory>
#include <optional>

#include "chain/amount.h"
#include "cli_error.h"
#include "commands.h"
#include "light/wire.h"
#include "modules/bank/account.h"
#include "render.h"
#include "state/tree_node.h"
#include "util/hex.h"
#include "verify_chain.h"

namespace telco::cli {
namespace {

// Below this many headers the verification is quick enough to need no progress lines.
constexpr std::uint64_t kProgressHeadersMin = 500;
constexpr auto kProgressInterval = std::chrono::seconds(1);

struct VerifyOptions {
  std::string arg;
  std::optional<std::uint64_t> height;
  std::string genesis_file;
  std::string genesis_hash;
  std::optional<std::uint64_t> trusted_height;
  std::string trusted_hash;
};

Progress stderr_progress(std::uint64_t target) {
  if (target < kProgressHeadersMin) return {};
  auto last = std::make_shared<std::chrono::steady_clock::time_point>();
  return [last](std::uint64_t done, std::uint64_t total) {
    const auto now = std::chrono::steady_clock::now();
    if (done < total && now - *last < kProgressInterval) return;
    *last = now;
    std::cerr << "verified " << done << "/" << total << " headers\n";
  };
}

void warn_first_use(const TrustAnchor& anchor) {
  if (anchor.mode != TrustMode::kFirstUse) return;
  std::cerr
      << "warning: trust on first use: no --genesis-hash or --genesis was given, so the genesis itself comes "
         "from this node (hash "
      << crypto::to_hex(anchor.genesis_hash) << "). Pin it with --genesis-hash "
      << crypto::to_hex(anchor.genesis_hash) << ".\n";
}

struct Verified {
  TrustAnchor anchor;
  light::LightClient client;
  light::ProvenValue proven;
  std::uint64_t first_height = 1;  // the first header verified (after a trusted one: its successor)
};

// Verifies headers 1..height, then the proof served at `proof_path` for `key`.
Verified verify(const Context& ctx, const VerifyOptions& o, ByteView key, const std::string& proof_path) {
  const NodeClient node = ctx.node();
  TrustAnchor anchor = o.trusted_height ? trust_header(node, *o.trusted_height, o.trusted_hash)
                                        : establish_trust(node, o.genesis_file, o.genesis_hash);
  warn_first_use(anchor);
  const std::uint64_t height = target_height(node, o.height);
  light::LightClient client = verify_headers(node, anchor, height, stderr_progress(height));
  const char* sep = proof_path.find('?') == std::string::npos ? "?" : "&";
  const nlohmann::json body = node.get(proof_path + sep + "height=" + std::to_string(height));
  light::Verdict why;
  auto proven = light::decode_state_proof(body, &why);
  if (!proven) require(why, "state proof");
  if (proven->height != height)
    throw CliError("malformed_response", "the node sent a proof for height " +
                                             std::to_string(proven->height) + ", not " +
                                             std::to_string(height));
  const std::optional<ByteView> value =
      proven->value ? std::optional<ByteView>(*proven->value) : std::nullopt;
  require(client.verify_state(height, key, value, proven->proof),
          "state proof at height " + std::to_string(height));
  const std::uint64_t first = anchor.start ? anchor.start->height() + 1 : 1;
  return {std::move(anchor), std::move(client), std::move(*proven), first};
}

nlohmann::json trust_json(const Verified& v) {
  nlohmann::json j = {{"mode", trust_mode_name(v.anchor.mode)}};
  if (v.anchor.start) {
    j["height"] = v.anchor.start->height();
    j["hash"] = crypto::to_hex(v.anchor.start->head_hash());
  } else {
    j["genesis_hash"] = crypto::to_hex(v.anchor.genesis_hash);
  }
  return j;
}

nlohmann::json common_json(const Verified& v) {
  const chain::BlockHeader& h = *v.client.head();
  return {{"verified", true},
          {"height", h.height},
          {"block_hash", crypto::to_hex(v.client.head_hash())},
          {"state_root", crypto::to_hex(h.state_root)},
          {"headers_verified", h.height - v.first_height + 1},
          {"validators", v.client.validators().size()},
          {"trust", trust_json(v)}};
}

Fields common_fields(const Verified& v) {
  const chain::BlockHeader& h = *v.client.head();
  const char* trust = v.anchor.mode == TrustMode::kGenesisFile   ? " (from --genesis file)"
                      : v.anchor.mode == TrustMode::kGenesisHash ? " (pinned with --genesis-hash)"
                                                                 : " (trusted on first use)";
  const std::uint64_t checked = h.height + 1 - v.first_height;
  Fields f = {{"height", std::to_string(h.height)},
              {"block", crypto::to_hex(v.client.head_hash())},
              {"state root", crypto::to_hex(h.state_root)},
              {"checked", std::to_string(checked) + (checked == 1 ? " header" : " headers") +
                              ", each final by >2/3 of the voting power of its validator set (now " +
                              std::to_string(v.client.validators().size()) + " validator" +
                              (v.client.validators().size() == 1 ? ")" : "s)")}};
  if (v.anchor.start) {
    f.push_back({"trusted", "header " + std::to_string(v.anchor.start->height()) + " " +
                                crypto::to_hex(v.anchor.start->head_hash()) + " (--trusted-hash)"});
  } else {
    f.push_back({"genesis", crypto::to_hex(v.anchor.genesis_hash) + trust});
  }
  return f;
}

int run_verify_account(const Context& ctx, const VerifyOptions& o) {
  const crypto::Address address = ctx.resolve_address(o.arg, "ADDRESS");
  const Bytes key = modules::bank::account_key(address);
  const Verified v = verify(ctx, o, key, "/v1/accounts/" + address.to_string() + "/proof");
  modules::bank::Account account;  // proven absent: a zero account
  if (v.proven.value) {
    auto decoded = modules::bank::decode_account(*v.proven.value);
    if (!decoded) throw CliError("malformed_value", "the proven value is not an account record (16 bytes)");
    account = *decoded;
  }
  nlohmann::json j = common_json(v);
  j["address"] = address.to_string();
  j["exists"] = v.proven.value.has_value();
  j["balance"] = std::to_string(account.balance);  // strings, as GET /v1/accounts/{address}
  j["balance_tel"] = chain::format_amount(account.balance);
  j["nonce"] = account.nonce;
  Fields fields = {{"balance", format_tel_and_units(account.balance)},
                   {"nonce", std::to_string(account.nonce)}};
  if (!v.proven.value)
    fields.push_back({"note", "the account is absent from state (proven): a zero account"});
  for (auto& f : common_fields(v)) fields.push_back(std::move(f));
  ctx.emit(j, "Verified account " + address.to_string() + "\n" + render_fields(fields));
  return kExitOk;
}

int run_verify_state(const Context& ctx, const VerifyOptions& o) {
  auto key = o.arg.size() <= 2 * state::kStateKeyBytesMax ? from_hex(o.arg) : std::nullopt;
  if (!key || key->empty()) throw UsageError("KEYHEX must be a state key in hex, 1 to 128 bytes");
  const Verified v = verify(ctx, o, *key, "/v1/state/proof?key=" + to_hex(*key));
  // The node's answer to /v1/state/proof names no key we trust; we asked with ours.
  nlohmann::json j = common_json(v);
  j["key"] = to_hex(*key);
  j["exists"] = v.proven.value.has_value();
  j["value"] = v.proven.value ? nlohmann::json(to_hex(*v.proven.value)) : nlohmann::json(nullptr);
  Fields fields = {{"value", v.proven.value ? to_hex(*v.proven.value) : "absent (proven)"}};
  for (auto& f : common_fields(v)) fields.push_back(std::move(f));
  ctx.emit(j, "Verified state key " + to_hex(*key) + "\n" + render_fields(fields));
  return kExitOk;
}

void add_verify_subcommand(CLI::App& verify, Context& ctx, const char* name, const char* help,
                           const char* arg_name, const char* arg_help, bool required,
                           int (*run)(const Context&, const VerifyOptions&)) {
  auto o = std::make_shared<VerifyOptions>();
  CLI::App* sub = verify.add_subcommand(name, help);
  sub->footer(kGlobalOptionsNote);
  CLI::Option* arg = sub->add_option(arg_name, o->arg, arg_help);
  if (required) arg->required();
  sub->add_option("--height", o->height, "Height to verify at (default: the node's head)");
  auto* file = sub->add_option("--genesis", o->genesis_file,
                               "Trusted genesis file (JSON); nothing is taken from the node");
  auto* pinned = sub->add_option("--genesis-hash", o->genesis_hash,
                                 "Trusted genesis hash (64 hex): the node's genesis must hash to it");
  pinned->excludes(file);
  auto* t_height = sub->add_option("--trusted-height", o->trusted_height,
                                   "Start from this header instead of the genesis (with --trusted-hash)");
  auto* t_hash =
      sub->add_option("--trusted-hash", o->trusted_hash, "The hash (64 hex) of the --trusted-height header");
  t_height->needs(t_hash)->excludes(file)->excludes(pinned);
  t_hash->needs(t_height);
  sub->callback([&ctx, o, run] { ctx.action = [&ctx, o, run] { return run(ctx, *o); }; });
}

}  // namespace

void add_verify_commands(CLI::App& app, Context& ctx) {
  CLI::App* verify = app.add_subcommand(
      "verify",
      "Verify state against the validators' signatures (light client): trusts nothing the node sends");
  verify->footer(kGlobalOptionsNote);
  verify->require_subcommand(1);
  add_verify_subcommand(*verify, ctx, "account", "Verify an account's balance and nonce", "ADDRESS",
                        "A tc1... address or the name of a local key (default: --key)", false,
                        run_verify_account);
  add_verify_subcommand(*verify, ctx, "state", "Verify the value (or absence) of any state key", "KEYHEX",
                        "The state key in hex (docs/STATE.md lists the layouts)", true, run_verify_state);
}

}  // namespace telco::cli
