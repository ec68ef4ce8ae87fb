// telco name ... and telco number ...: every naming payload (docs/modules/naming.md) built
// from options, signed with the --key key, submitted and followed to finality; lookups and
// histories from the node's naming routes (GET /v1/names, /v1/numbers, ...).
#include <sodium.h>

#include <chrono>
#include <fstream>
#include <iostream>
#include <memory>
#include <thread>

#include "bulk_assign.h"
#include "cli_error.h"
#include "commands.h"
#include "json_fields.h"
#include "payload_tx.h"
#include "modules/naming/limits.h"
#include "modules/naming/state.h"
#include "modules/registry.h"
#include "requests.h"
#include "transfer.h"
#include "util/hex.h"

namespace telco::cli {
namespace {

using Json = nlohmann::json;
using Clock = std::chrono::steady_clock;

std::string url_segment(std::string_view text) {
  std::string out;
  static const char* kHex = "0123456789ABCDEF";
  for (unsigned char c : text) {
    const bool plain = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                       c == '-' || c == '.' || c == '_' || c == '+';
    if (plain) {
      out.push_back(static_cast<char>(c));
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

std::string human_lines(const Json& j, const std::string& indent = "") {
  std::string out;
  for (const auto& [k, v] : j.items()) {
    if (v.is_object()) {
      out += indent + k + ":\n" + human_lines(v, indent + "  ");
    } else if (v.is_array()) {
      out += indent + k + ":" + (v.empty() ? " (none)" : "") + "\n";
      for (const Json& e : v)
        out += indent + "  - " + (e.is_string() ? e.get<std::string>() : e.dump()) + "\n";
    } else {
      out += indent + k + ": " + (v.is_string() ? v.get<std::string>() : v.dump()) + "\n";
    }
  }
  return out;
}

int emit_lookup(const Context& ctx, const std::string& path) {
  const Json j = ctx.node().get(path);
  std::string human = human_lines(j);
  if (!human.empty() && human.back() == '\n') human.pop_back();
  ctx.emit(j, human);
  return kExitOk;
}

std::string random_secret_hex() {
  crypto::Hash32 secret{};
  randombytes_buf(secret.data(), secret.size());
  return to_hex(secret);
}

crypto::Hash32 parse_secret(const std::string& hex) {
  auto b = from_hex(hex);
  if (!b || b->size() != 32) throw UsageError("--secret must be 64 hex digits");
  crypto::Hash32 s{};
  std::copy(b->begin(), b->end(), s.begin());
  return s;
}

std::string commitment_hex(const Context& ctx, const std::string& name, const std::string& secret_hex) {
  const crypto::Address owner = parse_address(ctx.keystore().info(ctx.options.key).address, "owner");
  return to_hex(modules::naming::commitment_hash(name, owner, parse_secret(secret_hex)));
}

// The assignments must all fit in memory as signed transactions: a million numbers is
// about 2,000 transactions of 40 KB.
constexpr std::size_t kAssignFileLinesMax = 10'000'000;

// `number assign --file`: read, pack, send, report.
int assign_from_file(const Context& ctx, const std::string& path, const TxOptions& o) {
  std::ifstream file;
  if (path != "-") {
    file.open(path);
    if (!file) throw UsageError("cannot open " + path);
  }
  std::istream& in = path == "-" ? std::cin : file;
  const auto lines = read_assignment_lines(
      in, [&ctx](std::string_view a) { return ctx.resolve_address(a, "SUBSCRIBER").to_string(); },
      kAssignFileLinesMax);
  const Json status = ctx.node().get("/v1/status");
  const std::size_t tx_bytes_max = status.at("params").at("max_tx_bytes").get<std::size_t>();
  const auto batches =
      pack_assignments(lines, modules::naming::kAssignBatchMax, tx_bytes_max,
                       [](const Json& fields) { return payload_tx_bytes("number.assign", fields); });
  std::vector<Json> payloads;
  std::vector<std::size_t> items;
  for (const AssignmentBatch& b : batches) {
    payloads.push_back(b.fields);
    items.push_back(b.count);
  }
  std::cerr << "number.assign: " << lines.size() << " numbers from " << (path == "-" ? "stdin" : path) << " in "
            << batches.size() << " transactions\n";
  const BulkResult r = send_payloads(ctx, "number.assign", payloads, items, "numbers", o);
  Json failures = Json::array();
  std::string human = "assigned " + std::to_string(r.items_ok) + " of " + std::to_string(lines.size()) +
                      " numbers in " + std::to_string(r.txs_ok) + " transactions, blocks " +
                      std::to_string(r.first_height) + ".." + std::to_string(r.last_height);
  for (const BulkResult::Failure& f : r.failures) {
    const AssignmentBatch& b = batches[f.payload];
    const std::size_t first_line = lines[b.first].line, last_line = lines[b.first + b.count - 1].line;
    failures.push_back({{"lines", {first_line, last_line}},
                        {"hash", f.hash},
                        {"height", f.height},
                        {"name", f.name},
                        {"message", f.message}});
    human += "\nlines " + std::to_string(first_line) + "-" + std::to_string(last_line) + " not assigned: " + f.name +
             ": " + f.message + " (tx " + f.hash + ", block " + std::to_string(f.height) + "; the fee was charged)";
  }
  ctx.emit({{"type", "number.assign"},
            {"numbers", lines.size()},
            {"assigned", r.items_ok},
            {"txs", batches.size()},
            {"first_height", r.first_height},
            {"last_height", r.last_height},
            {"seconds", r.seconds},
            {"failures", failures}},
           human);
  return r.failures.empty() ? kExitOk : kExitFailed;
}

struct RecordOptions {
  std::vector<std::string> a, aaaa, txt, sip, device;
  std::string records_json;
  std::optional<std::uint32_t> ttl;
};

Json records_of(const RecordOptions& r) {
  Json set = Json::object();
  if (!r.records_json.empty()) {
    set = Json::parse(r.records_json, nullptr, false);
    if (set.is_discarded() || !set.is_object())
      throw UsageError("--records-json must be a JSON object {ttl, records}");
  }
  if (!set.contains("records")) set["records"] = Json::array();
  for (const auto& v : r.a) set["records"].push_back({{"type", "A"}, {"value", v}});
  for (const auto& v : r.aaaa) set["records"].push_back({{"type", "AAAA"}, {"value", v}});
  for (const auto& v : r.txt) set["records"].push_back({{"type", "TXT"}, {"value", v}});
  for (const auto& v : r.device) set["records"].push_back({{"type", "device"}, {"value", v}});
  for (const auto& v : r.sip) {
    set["records"].push_back({{"type", "NAPTR"},
                              {"order", 100u},
                              {"preference", 10u},
                              {"flags", "u"},
                              {"services", "E2U+sip"},
                              {"regexp", "!^.*$!" + v + "!"},
                              {"replacement", "."}});
  }
  if (r.ttl) set["ttl"] = *r.ttl;
  return set;
}

CLI::App* tx_command(CLI::App& parent, const char* name, const char* help, std::shared_ptr<TxOptions> o) {
  CLI::App* c = parent.add_subcommand(name, help);
  c->add_option("--wait-timeout", o->wait_timeout_s, "Seconds to wait for finality")->capture_default_str();
  c->footer(
      std::string("Signed with the --key key (TELCO_PASSPHRASE or a prompt); waits until final. Exit code 1 "
                  "if refused or failed in its block.\n") +
      kGlobalOptionsNote);
  return c;
}

void add_name_commands(CLI::App& app, Context& ctx) {
  CLI::App* name = app.add_subcommand("name", "Register and manage names (alice.tel) and look them up");
  name->require_subcommand(1);
  auto o = std::make_shared<TxOptions>();
  auto s = std::make_shared<std::map<std::string, std::string>>();
  auto rec = std::make_shared<RecordOptions>();
  auto clear = std::make_shared<bool>(false);
  auto arg = [](CLI::App* c, const std::shared_ptr<std::map<std::string, std::string>>& m, const char* key,
                const char* help) { return c->add_option(key, (*m)[key], help); };

  CLI::App* reg =
      tx_command(*name, "register", "Commit, wait a block, then reveal: registers NAME to the --key key", o);
  arg(reg, s, "name", "Name in normal form, e.g. alice.tel")->required();
  reg->callback([&ctx, o, s] {
    ctx.action = [&ctx, o, s] {
      const std::string n = (*s)["name"];
      const std::string secret = random_secret_hex();
      const Json c = send_payload(ctx, "name.commit", {{"commitment", commitment_hex(ctx, n, secret)}}, *o);
      if (!ctx.options.json)
        std::cout << "commitment in block " << c["height"] << "; revealing\n" << std::flush;
      // The reveal must be in a later block than the commitment; a submission after the
      // commit is final goes into a later block by construction.
      Json r = send_payload(ctx, "name.reveal", {{"name", n}, {"secret", secret}}, *o);
      r["commit"] = c;
      r["secret"] = secret;
      ctx.emit(r, n + " registered in block " + std::to_string(r["height"].get<std::uint64_t>()));
      return kExitOk;
    };
  });

  CLI::App* commit =
      tx_command(*name, "commit", "Step 1 of 2: commit to NAME (prints the secret for reveal)", o);
  arg(commit, s, "name", "Name in normal form")->required();
  arg(commit, s, "--secret", "64 hex digits (default: random)");
  commit->callback([&ctx, o, s] {
    ctx.action = [&ctx, o, s] {
      const std::string secret = (*s)["--secret"].empty() ? random_secret_hex() : (*s)["--secret"];
      Json out =
          send_payload(ctx, "name.commit", {{"commitment", commitment_hex(ctx, (*s)["name"], secret)}}, *o);
      out["secret"] = secret;
      ctx.emit(out, "committed in block " + std::to_string(out["height"].get<std::uint64_t>()) +
                        "; reveal with: telco name reveal " + (*s)["name"] + " --secret " + secret);
      return kExitOk;
    };
  });

  CLI::App* reveal =
      tx_command(*name, "reveal", "Step 2 of 2: reveal NAME with the secret of its commitment", o);
  arg(reveal, s, "name", "Name in normal form")->required();
  arg(reveal, s, "--secret", "The secret printed by 'telco name commit'")->required();
  reveal->callback([&ctx, o, s] {
    ctx.action = [&ctx, o, s] {
      return emit_tx(
          ctx, send_payload(ctx, "name.reveal", {{"name", (*s)["name"]}, {"secret", (*s)["--secret"]}}, *o));
    };
  });

  CLI::App* set = tx_command(*name, "set-records", "Replace NAME's records", o);
  arg(set, s, "name", "Name you own")->required();
  set->add_option("--a", rec->a, "IPv4 address (A record), repeatable");
  set->add_option("--aaaa", rec->aaaa, "IPv6 address (AAAA record), repeatable");
  set->add_option("--txt", rec->txt, "TXT record text, repeatable");
  set->add_option("--sip", rec->sip, "SIP URI served as NAPTR E2U+sip, repeatable");
  set->add_option("--device", rec->device, "device id record, repeatable");
  set->add_option("--ttl", rec->ttl, "TTL in seconds (0..86400, default 300)");
  set->add_option("--records-json", rec->records_json, "Full record set as JSON {ttl, records:[...]}");
  set->callback([&ctx, o, s, rec] {
    ctx.action = [&ctx, o, s, rec] {
      Json fields = records_of(*rec);
      fields["name"] = (*s)["name"];
      return emit_tx(ctx, send_payload(ctx, "name.set_records", fields, *o));
    };
  });

  CLI::App* transfer = tx_command(*name, "transfer", "Give NAME to another address", o);
  arg(transfer, s, "name", "Name you own")->required();
  arg(transfer, s, "--to", "New owner: tc1... address or local key name")->required();
  transfer->callback([&ctx, o, s] {
    ctx.action = [&ctx, o, s] {
      const std::string to = ctx.resolve_address((*s)["--to"], "--to").to_string();
      return emit_tx(ctx,
                     send_payload(ctx, "name.transfer", {{"name", (*s)["name"]}, {"new_owner", to}}, *o));
    };
  });

  CLI::App* renew = tx_command(*name, "renew", "Extend NAME by one expiry period (also in grace)", o);
  arg(renew, s, "name", "Second-level name you own")->required();
  renew->callback([&ctx, o, s] {
    ctx.action = [&ctx, o, s] {
      return emit_tx(ctx, send_payload(ctx, "name.renew", {{"name", (*s)["name"]}}, *o));
    };
  });

  CLI::App* sub =
      tx_command(*name, "subname", "Set the owner of a subname (phone.alice.tel) of a name you own", o);
  arg(sub, s, "name", "The subname, three labels or more")->required();
  arg(sub, s, "--owner", "Its owner: tc1... address or local key name")->required();
  sub->callback([&ctx, o, s] {
    ctx.action = [&ctx, o, s] {
      const std::string owner = ctx.resolve_address((*s)["--owner"], "--owner").to_string();
      return emit_tx(ctx,
                     send_payload(ctx, "name.set_subname", {{"name", (*s)["name"]}, {"owner", owner}}, *o));
    };
  });

  CLI::App* rev = tx_command(*name, "reverse", "Point the --key address at NAME (its reverse record)", o);
  arg(rev, s, "name", "Name you own (omit with --clear)");
  rev->add_flag("--clear", *clear, "Delete the reverse record");
  rev->callback([&ctx, o, s, clear] {
    ctx.action = [&ctx, o, s, clear] {
      if ((*s)["name"].empty() && !*clear) throw UsageError("give a NAME or --clear");
      return emit_tx(ctx, send_payload(ctx, "name.set_reverse", {{"name", *clear ? "" : (*s)["name"]}}, *o));
    };
  });

  CLI::App* lookup = name->add_subcommand(
      "lookup", "Show a name's owner, status, expiry and records (or --address: reverse)");
  arg(lookup, s, "name", "Name as typed (normalised for you)");
  arg(lookup, s, "--address", "Reverse lookup: the name of this tc1... address");
  lookup->callback([&ctx, s] {
    ctx.action = [&ctx, s] {
      if (!(*s)["--address"].empty())
        return emit_lookup(ctx, "/v1/reverse/" + url_segment((*s)["--address"]));
      if ((*s)["name"].empty()) throw UsageError("give a NAME or --address");
      return emit_lookup(ctx, "/v1/names/" + url_segment((*s)["name"]));
    };
  });
  CLI::App* history = name->add_subcommand("history", "List a name's history, newest first");
  arg(history, s, "name", "Name")->required();
  history->callback([&ctx, s] {
    ctx.action = [&ctx, s] {
      return emit_lookup(ctx, "/v1/names/" + url_segment((*s)["name"]) + "/history?limit=100");
    };
  });
}

void add_number_commands(CLI::App& app, Context& ctx) {
  CLI::App* number =
      app.add_subcommand("number", "Allocate, assign, route and port E.164 numbers; look them up");
  number->require_subcommand(1);
  auto o = std::make_shared<TxOptions>();
  auto s = std::make_shared<std::map<std::string, std::string>>();
  auto uris = std::make_shared<std::vector<std::string>>();
  auto u64 = std::make_shared<std::map<std::string, std::uint64_t>>();
  auto arg = [s](CLI::App* c, const char* key, const char* help) {
    return c->add_option(key, (*s)[key], help);
  };
  auto addr = [&ctx, s](const char* key) { return ctx.resolve_address((*s)[key], key).to_string(); };

  CLI::App* alloc =
      tx_command(*number, "allocate", "Numbering authority: allocate a block to an operator", o);
  arg(alloc, "prefix", "Block prefix digits, e.g. 4155512")->required();
  alloc->add_option("--length", (*u64)["length"], "Digits of every number in the block")->required();
  arg(alloc, "--holder", "Operator: tc1... address or local key name")->required();
  alloc->callback([&ctx, o, s, u64, addr] {
    ctx.action = [&ctx, o, s, u64, addr] {
      return emit_tx(
          ctx,
          send_payload(
              ctx, "number.allocate",
              {{"prefix", (*s)["prefix"]}, {"length", (*u64)["length"]}, {"holder", addr("--holder")}}, *o));
    };
  });

  CLI::App* assign = tx_command(
      *number, "assign", "Operator: assign NUMBER of your block to a subscriber, or many from --file", o);
  arg(assign, "number", "E.164 number, e.g. +14155512345");
  arg(assign, "--subscriber", "Subscriber: tc1... address or local key name");
  assign->add_option("--uri", *uris, "Routing URI (sip:..., tel:+...), repeatable");
  arg(assign, "--file",
      "Bulk import: one NUMBER,SUBSCRIBER[,URI...] per line ('-' = stdin; '#' comments), packed up to 512 "
      "numbers a transaction");
  assign->callback([&ctx, o, s, uris, addr] {
    ctx.action = [&ctx, o, s, uris, addr] {
      if (!(*s)["--file"].empty()) {
        if (!(*s)["number"].empty() || !(*s)["--subscriber"].empty() || !uris->empty()) {
          throw UsageError("--file takes NUMBER, --subscriber and --uri from the file: give them there");
        }
        return assign_from_file(ctx, (*s)["--file"], *o);
      }
      if ((*s)["number"].empty() || (*s)["--subscriber"].empty()) {
        throw UsageError("give NUMBER and --subscriber, or --file");
      }
      const Json a = {
          {"number", (*s)["number"]}, {"subscriber", addr("--subscriber")}, {"routing", routing_json(*uris)}};
      return emit_tx(ctx, send_payload(ctx, "number.assign", {{"assignments", Json::array({a})}}, *o));
    };
  });

  CLI::App* routing = tx_command(*number, "set-routing", "Serving operator: replace NUMBER's routing", o);
  arg(routing, "number", "E.164 number")->required();
  routing->add_option("--uri", *uris, "Routing URI, repeatable (none: empty routing)");
  routing->callback([&ctx, o, s, uris] {
    ctx.action = [&ctx, o, s, uris] {
      return emit_tx(ctx, send_payload(ctx, "number.set_routing",
                                       {{"number", (*s)["number"]}, {"routing", routing_json(*uris)}}, *o));
    };
  });

  for (const auto& [cmd, type, help] :
       {std::tuple{"release", "number.release", "Serving operator: release NUMBER"},
        std::tuple{"port-approve", "number.port_approve", "Subscriber: approve the pending port of NUMBER"},
        std::tuple{"port-cancel", "number.port_cancel",
                   "Recipient or subscriber: cancel the pending port"}}) {
    CLI::App* c = tx_command(*number, cmd, help, o);
    arg(c, "number", "E.164 number")->required();
    const std::string t = type;
    c->callback([&ctx, o, s, t] {
      ctx.action = [&ctx, o, s, t] {
        return emit_tx(ctx, send_payload(ctx, t, {{"number", (*s)["number"]}}, *o));
      };
    });
  }

  CLI::App* reject =
      tx_command(*number, "port-reject", "Donor: object to the pending port before the deadline", o);
  arg(reject, "number", "E.164 number")->required();
  arg(reject, "--reason", "Why (at most 128 bytes)");
  reject->callback([&ctx, o, s] {
    ctx.action = [&ctx, o, s] {
      return emit_tx(ctx, send_payload(ctx, "number.port_reject",
                                       {{"number", (*s)["number"]}, {"reason", (*s)["--reason"]}}, *o));
    };
  });

  CLI::App* request = tx_command(*number, "port-request", "Recipient operator: ask to serve NUMBER", o);
  arg(request, "number", "E.164 number")->required();
  arg(request, "--donor", "The operator serving it now: tc1... address or local key name")->required();
  request->add_option("--port-height", (*u64)["port_height"],
                      "Height of the move (default: the earliest allowed)");
  request->add_option("--uri", *uris, "Routing after the port, repeatable")->required();
  request->callback([&ctx, o, s, u64, uris, addr] {
    ctx.action = [&ctx, o, s, u64, uris, addr] {
      std::uint64_t at = (*u64)["port_height"];
      if (at == 0) {
        // The earliest height the chain takes: the donor's deadline after the block this
        // request lands in. A margin of a few blocks covers the wait for inclusion.
        const NodeClient node = ctx.node();
        const Json genesis = node.get("/v1/genesis");
        std::uint64_t deadline = 86'400;
        if (genesis.contains("naming") && genesis["naming"].contains("port_deadline_blocks")) {
          const Json& d = genesis["naming"]["port_deadline_blocks"];
          deadline = d.is_string() ? std::stoull(d.get<std::string>()) : d.get<std::uint64_t>();
        }
        at = require_u64(member(node.get("/v1/status"), "head"), "height") + deadline + 5;
      }
      return emit_tx(ctx, send_payload(ctx, "number.port_request",
                                       {{"number", (*s)["number"]},
                                        {"donor", addr("--donor")},
                                        {"port_height", at},
                                        {"routing", routing_json(*uris)}},
                                       *o));
    };
  });

  CLI::App* lookup =
      number->add_subcommand("lookup", "Show a number's routing, serving operator and pending port");
  arg(lookup, "number", "E.164 number")->required();
  lookup->callback([&ctx, s] {
    ctx.action = [&ctx, s] { return emit_lookup(ctx, "/v1/numbers/" + url_segment((*s)["number"])); };
  });
  CLI::App* block = number->add_subcommand("block", "Show the allocated block holding a number or prefix");
  arg(block, "digits", "Number or prefix")->required();
  block->callback([&ctx, s] {
    ctx.action = [&ctx, s] { return emit_lookup(ctx, "/v1/number-blocks/" + url_segment((*s)["digits"])); };
  });
  CLI::App* history =
      number->add_subcommand("history", "List a number's history (assignments, ports), newest first");
  arg(history, "number", "E.164 number")->required();
  history->callback([&ctx, s] {
    ctx.action = [&ctx, s] {
      return emit_lookup(ctx, "/v1/numbers/" + url_segment((*s)["number"]) + "/history?limit=100");
    };
  });
}

}  // namespace

void add_naming_commands(CLI::App& app, Context& ctx) {
  add_name_commands(app, ctx);
  add_number_commands(app, ctx);
}

}  // namespace telco::cli
