// telco validator ...: change the validator set (a genesis-named authority's key signs
// validator.update; docs/CONSENSUS.md "Validator-set changes") and list past changes.
#include <iostream>
#include <memory>

#include "cli_error.h"
#include "commands.h"
#include "payload_tx.h"
#include "util/hex.h"

namespace telco::cli {
namespace {

using Json = nlohmann::json;

struct UpdateOptions {
  std::string public_key;
  std::uint64_t power = 0;
  std::string name;
  std::string updates_json;
  TxOptions tx;
};

Json updates_of(const UpdateOptions& o) {
  Json updates = Json::array();
  if (!o.updates_json.empty()) {
    updates = Json::parse(o.updates_json, nullptr, false);
    if (updates.is_discarded() || !updates.is_array()) {
      throw UsageError("--updates-json must be a JSON array of {public_key, power, name}");
    }
  }
  if (!o.public_key.empty()) updates.push_back({{"public_key", o.public_key}, {"power", o.power}, {"name", o.name}});
  if (updates.empty()) throw UsageError("give --public-key and --power, or --updates-json");
  return updates;
}

std::string change_lines(const Json& changes) {
  std::string out;
  for (const Json& c : changes["changes"]) {
    out += "from height " + std::to_string(c["height"].get<std::uint64_t>()) + ": " +
           std::to_string(c["validators"].size()) + " validators, total power " +
           std::to_string(c["total_power"].get<std::uint64_t>()) + "\n";
    for (const Json& u : c["updates"]) {
      const std::uint64_t power = u["power"].get<std::uint64_t>();
      const std::string who = u["name"].get<std::string>().empty() ? u["public_key"].get<std::string>().substr(0, 16)
                                                                   : u["name"].get<std::string>();
      out += "  " + (power == 0 ? "removed " + who : who + " power " + std::to_string(power)) + "\n";
    }
  }
  if (out.empty()) out = "no validator-set change in heights (" + std::to_string(changes["from"].get<std::uint64_t>()) +
                         ", " + std::to_string(changes["to"].get<std::uint64_t>()) + "]\n";
  out.pop_back();
  return out;
}

}  // namespace

void add_validator_commands(CLI::App& app, Context& ctx) {
  CLI::App* validator = app.add_subcommand("validator", "Change the validator set (authorities only); list changes");
  validator->require_subcommand(1);

  auto o = std::make_shared<UpdateOptions>();
  CLI::App* update = validator->add_subcommand(
      "update", "Add a validator, change its power or name, or remove it (power 0), from the next height");
  update->add_option("--public-key", o->public_key, "The validator's Ed25519 public key (64 hex digits)");
  update->add_option("--power", o->power, "Voting power; 0 removes the validator")->capture_default_str();
  update->add_option("--name", o->name, "A name for people (at most 64 bytes)");
  update->add_option("--updates-json", o->updates_json,
                     "Several updates at once: '[{\"public_key\":\"..\",\"power\":1,\"name\":\"..\"}]' (up to 16)");
  update->add_option("--wait-timeout", o->tx.wait_timeout_s, "Seconds to wait for finality")->capture_default_str();
  update->footer(std::string("Signed with the --key key, which must be one of the genesis file's "
                             "validator_authorities. The new set signs from the height after the block "
                             "holding the transaction. Exit code 1 if refused or failed in its block.\n") +
                 kGlobalOptionsNote);
  update->callback([&ctx, o] {
    ctx.action = [&ctx, o] {
      Json out = send_payload(ctx, "validator.update", {{"updates", updates_of(*o)}}, o->tx);
      out["effective_height"] = out["height"].get<std::uint64_t>() + 1;
      ctx.emit(out, "validator.update finalized in block " + std::to_string(out["height"].get<std::uint64_t>()) +
                        "; the new set signs from height " +
                        std::to_string(out["effective_height"].get<std::uint64_t>()) + " (tx " +
                        out["hash"].get<std::string>() + ")");
      return kExitOk;
    };
  });

  auto from = std::make_shared<std::uint64_t>(0);
  CLI::App* changes =
      validator->add_subcommand("changes", "List the validator-set changes after a height (default: since genesis)");
  changes->add_option("--from", *from, "List changes that take effect after this height")->capture_default_str();
  changes->footer(kGlobalOptionsNote);
  changes->callback([&ctx, from] {
    ctx.action = [&ctx, from] {
      const Json j = ctx.node().get("/v1/validators/changes?from=" + std::to_string(*from));
      ctx.emit(j, change_lines(j));
      return kExitOk;
    };
  });
}

}  // namespace telco::cli
