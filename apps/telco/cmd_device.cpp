// telco device ...: device identity (issue #4). Transactions are built and signed here and
// sent to POST /v1/txs; reads, challenges and online authentication use the device routes;
// the offline path verifies headers and the device's state proof with the light client.
#include <sodium.h>

#include <chrono>
#include <fstream>
#include <iostream>
#include <memory>
#include <sstream>
#include <thread>

#include "cli_error.h"
#include "commands.h"
#include "device_files.h"
#include "light/wire.h"
#include "render.h"
#include "requests.h"
#include "transfer.h"
#include "util/hex.h"
#include "verify_chain.h"

namespace telco::cli {
namespace {

using Json = nlohmann::json;
namespace dev = modules::device;
using Clock = std::chrono::steady_clock;

constexpr auto kPollInterval = std::chrono::milliseconds(250);
constexpr double kWaitTimeoutS = 60.0;
constexpr std::size_t kLocalChallengesMax = 10'000;

struct DeviceOptions {
  std::string device_file, new_device_file, out, identifier, id, public_key, owner, serving, fleet,
      fleet_file;
  std::string devices_file, readings_file, batch_file, status, to, purpose = "attach", verifier = "telco-cli";
  std::string challenge, signature, value, genesis_file, genesis_hash, challenges_file;
  std::vector<std::string> attributes;
  std::uint64_t seq = 0, index = 0, ttl_ms = 30'000, time_ms = 0;
  bool by_device = false, offline = false, local = false;
};

std::uint64_t wall_ms() {
  return static_cast<std::uint64_t>(std::chrono::duration_cast<std::chrono::milliseconds>(
                                        std::chrono::system_clock::now().time_since_epoch())
                                        .count());
}

Json read_json_file(const std::string& path, const char* what) {
  std::ifstream in(path);
  if (!in) throw CliError("file_unreadable", std::string("cannot read the ") + what + " " + path);
  Json j = Json::parse(in, nullptr, false);
  if (j.is_discarded()) throw CliError("bad_json", std::string("the ") + what + " " + path + " is not JSON");
  return j;
}

void write_json_file(const std::string& path, const Json& j) {
  std::ofstream out(path, std::ios::trunc);
  out << j.dump(1) << "\n";
  if (!out) throw CliError("file_unwritable", "cannot write " + path);
}

template <std::size_t N>
std::array<std::uint8_t, N> hex_arg(const std::string& text, const char* what) {
  auto b = from_hex(text);
  if (!b || b->size() != N)
    throw UsageError(std::string(what) + " must be " + std::to_string(2 * N) + " hex digits");
  std::array<std::uint8_t, N> out;
  std::copy(b->begin(), b->end(), out.begin());
  return out;
}

// --id HEX, --identifier RAW or --device FILE name the device.
crypto::Hash32 device_of(const DeviceOptions& o) {
  if (!o.id.empty()) return hex_arg<32>(o.id, "--id");
  if (!o.identifier.empty()) return dev::device_id_hash(o.identifier);
  if (!o.device_file.empty())
    return device_key_from_json(read_json_file(o.device_file, "device file")).id_hash();
  throw UsageError("name the device with --id HASH, --identifier RAW or --device FILE");
}

std::vector<dev::Attribute> attributes_of(const DeviceOptions& o) {
  std::map<std::string, std::string> sorted;
  for (const std::string& a : o.attributes) {
    const auto eq = a.find('=');
    if (eq == std::string::npos || eq == 0) throw UsageError("--attr takes KEY=VALUE, got '" + a + "'");
    sorted[a.substr(0, eq)] = a.substr(eq + 1);
  }
  return {sorted.begin(), sorted.end()};
}

std::optional<TxProgress> wait_final(const NodeClient& node, const std::string& hash,
                                     Clock::time_point deadline) {
  while (Clock::now() < deadline) {
    try {
      TxProgress p = parse_tx_status(node.get_allowing_not_found(tx_path(hash)).body);
      if (p.phase == TxPhase::kFinalized || p.phase == TxPhase::kRejected) return p;
    } catch (const CliError& e) {
      if (e.code() != "node_unreachable" && e.code() != "timeout") throw;
    }
    std::this_thread::sleep_for(kPollInterval);
  }
  return std::nullopt;
}

// Signs `payload` with the --key account, submits it and waits for its block. Exit 1 unless
// it was applied; the result code and its sentence are printed either way.
int send_payload(const Context& ctx, const chain::Payload& payload, Json summary) {
  const NodeClient node = ctx.node();
  const std::string from = ctx.keystore().info(ctx.options.key).address;
  const SenderState sender =
      sender_state(node.get("/v1/status"), node.get(account_path(parse_address(from, "sender"))));
  chain::Transaction tx;
  tx.chain_id = sender.chain_id;
  tx.nonce = sender.nonce;
  tx.fee = choose_fee(std::nullopt, sender.min_fee);
  tx.payload = payload;
  tx.sign(ctx.unlock(ctx.options.key));
  const std::string hash = crypto::to_hex(tx.hash());
  summary["hash"] = hash;
  summary["from"] = from;
  const SubmitOutcome submitted = parse_submit_response(node.post("/v1/txs", submit_body(tx)));
  auto fail = [&](const std::string& status, std::uint64_t code, const std::string& name,
                  const std::string& msg) {
    summary["status"] = status;
    summary["result"] = {{"code", code}, {"name", name}, {"message", msg}};
    if (ctx.options.json) ctx.emit(summary, "");
    std::cerr << "error: " << status << ": " << clean(name) << " (" << code << "): " << clean(msg) << "\n";
    return kExitFailed;
  };
  if (!submitted.accepted) return fail("rejected", submitted.code, submitted.name, submitted.message);
  const auto deadline =
      Clock::now() + std::chrono::milliseconds(static_cast<std::int64_t>(kWaitTimeoutS * 1000));
  const auto final = wait_final(node, hash, deadline);
  if (!final)
    return fail("pending", 0, "not_final", "not final within 60 s; check with 'telco tx " + hash + "'");
  if (final->phase == TxPhase::kRejected) return fail("rejected", final->code, final->name, final->message);
  if (final->code != 0)
    return fail("failed", final->code, final->name, final->message + "; the fee was charged");
  summary["status"] = "finalized";
  summary["height"] = final->height;
  ctx.emit(summary, std::string(summary["type"].get<std::string>()) + " finalized in block " +
                        std::to_string(final->height) + " (tx " + hash + ")");
  return kExitOk;
}

template <typename P>
int send(const Context& ctx, const P& p) {
  Json summary = p.to_json();
  summary["type"] = P::kName;
  return send_payload(ctx, p.to_payload(), summary);
}

int run_keygen(const Context& ctx, const DeviceOptions& o) {
  if (o.identifier.empty() || o.out.empty()) throw UsageError("keygen needs --identifier and --out");
  const DeviceKeyFile d{o.identifier, crypto::KeyPair::generate()};
  write_json_file(o.out, device_key_json(d));
  const Json j = {
      {"file", o.out}, {"id_hash", to_hex(d.id_hash())}, {"public_key", to_hex(d.key.public_key())}};
  ctx.emit(j, "device key written to " + o.out + "\nid_hash    " + to_hex(d.id_hash()) + "\npublic_key " +
                  to_hex(d.key.public_key()));
  return kExitOk;
}

int run_register(const Context& ctx, const DeviceOptions& o) {
  dev::DeviceRegister p;
  if (!o.device_file.empty()) {
    const DeviceKeyFile d = device_key_from_json(read_json_file(o.device_file, "device file"));
    p.id_hash = d.id_hash();
    p.public_key = d.key.public_key();
  } else {
    p.id_hash = device_of(o);
    p.public_key = hex_arg<32>(o.public_key, "--public-key");
  }
  p.owner = ctx.resolve_address(o.owner, "--owner");
  p.serving = ctx.resolve_address(o.serving, "--operator");
  p.attributes = attributes_of(o);
  return send(ctx, p);
}

int run_register_fleet(const Context& ctx, const DeviceOptions& o) {
  if (o.devices_file.empty() || o.out.empty())
    throw UsageError("register-fleet needs --devices FILE and --out FILE");
  const FleetFile f = build_fleet(read_json_file(o.devices_file, "devices file"));
  write_json_file(o.out, fleet_file_json(f));
  if (!ctx.options.json)
    std::cout << "fleet " << to_hex(f.fleet_id) << ": " << f.size << " devices, root " << to_hex(f.root)
              << "; paths written to " << o.out << "\n";
  return send(ctx, dev::DeviceRegisterFleet{f.root, f.size, ctx.resolve_address(o.owner, "--owner"),
                                            ctx.resolve_address(o.serving, "--operator"), attributes_of(o)});
}

int run_claim(const Context& ctx, const DeviceOptions& o) {
  if (o.fleet_file.empty()) throw UsageError("claim needs --fleet-file FILE (from register-fleet)");
  const FleetFile f = fleet_from_json(read_json_file(o.fleet_file, "fleet file"));
  const std::size_t i = fleet_index_of(f, device_of(o));
  return send(ctx, dev::DeviceClaimFleetMember{f.fleet_id, i, f.ids[i], f.keys[i], f.paths[i]});
}

int run_rotate(const Context& ctx, const DeviceOptions& o) {
  if (o.new_device_file.empty()) throw UsageError("rotate needs --new-device FILE (make one with keygen)");
  const DeviceKeyFile next = device_key_from_json(read_json_file(o.new_device_file, "new device file"));
  dev::DeviceRotateKey p{device_of(o), next.key.public_key(), std::nullopt};
  if (o.by_device) {
    if (o.device_file.empty()) throw UsageError("--by-device signs with the current key: give --device FILE");
    const DeviceKeyFile cur = device_key_from_json(read_json_file(o.device_file, "device file"));
    const Json d = ctx.node().get("/v1/devices/" + to_hex(p.id_hash));
    const auto version = d.at("key_version").get<std::uint32_t>();
    const std::string chain_id = ctx.node().get("/v1/status").at("chain_id").get<std::string>();
    p.old_key_signature = cur.key.sign(dev::rotation_message(chain_id, p.id_hash, version, p.new_key));
  }
  return send(ctx, p);
}

int run_status_change(const Context& ctx, const DeviceOptions& o, const std::string& verb) {
  const crypto::Hash32 id = device_of(o);
  if (verb == "transfer") return send(ctx, dev::DeviceTransfer{id, ctx.resolve_address(o.to, "--to")});
  if (verb == "suspend") return send(ctx, dev::DeviceSetStatus{id, dev::DeviceStatus::kSuspended});
  if (verb == "resume") return send(ctx, dev::DeviceSetStatus{id, dev::DeviceStatus::kActive});
  if (verb == "revoke") {
    return send(ctx,
                dev::DeviceRevoke{id, o.fleet.empty() ? crypto::Hash32{} : hex_arg<32>(o.fleet, "--fleet")});
  }
  auto s = dev::parse_status(o.status);
  if (!s || (*s != dev::DeviceStatus::kStolen && *s != dev::DeviceStatus::kLost))
    throw UsageError("report needs --as stolen or --as lost");
  return send(ctx, dev::DeviceReport{id, *s});
}

int run_show(const Context& ctx, const DeviceOptions& o, const std::string& what) {
  const std::string id = to_hex(device_of(o));
  const NodeClient node = ctx.node();
  if (what == "stolen") {
    const Json j = node.get("/v1/stolen/" + id);
    ctx.emit(j, j["listed"].get<bool>() ? "LISTED as " + j["status"].get<std::string>() + " since block " +
                                              std::to_string(j["height"].get<std::uint64_t>())
                                        : "not on the stolen list");
    return kExitOk;
  }
  if (what == "history") {
    const Json j = node.get("/v1/devices/" + id + "/history");
    std::ostringstream text;
    for (const Json& e : j["entries"]) {
      text << "#" << e["seq"] << "  block " << e["height"] << "  " << e["event"].get<std::string>() << "  by "
           << e["actor"].get<std::string>() << "  key v" << e["key_version"] << "\n";
    }
    ctx.emit(j, text.str() + std::to_string(j["total"].get<std::uint64_t>()) + " entries");
    return kExitOk;
  }
  const Json j = node.get("/v1/devices/" + id);
  ctx.emit(j, render_fields({{"id_hash", id},
                             {"status", j["status"].get<std::string>()},
                             {"owner", j["owner"].get<std::string>()},
                             {"operator", j["operator"].get<std::string>()},
                             {"public_key", j["public_key"].get<std::string>()},
                             {"key_version", std::to_string(j["key_version"].get<std::uint64_t>())},
                             {"attributes", j["attributes"].dump()}}));
  return kExitOk;
}

// The offline verifier's own single-use table, kept in a file between runs.
std::string challenges_path(const Context& ctx, const DeviceOptions& o) {
  if (!o.challenges_file.empty()) return o.challenges_file;
  return (ctx.keystore().keys_dir().parent_path() / "device-challenges.json").string();
}

Json load_local_table(const std::string& path) {
  std::ifstream in(path);
  if (!in) return Json::object();
  Json j = Json::parse(in, nullptr, false);
  return j.is_object() ? j : Json::object();
}

void save_local_table(const std::string& path, Json table, std::uint64_t now) {
  for (auto it = table.begin(); it != table.end();) {
    it = it.value().value("expires_ms", std::uint64_t{0}) < now ? table.erase(it) : std::next(it);
  }
  if (table.size() > kLocalChallengesMax)
    throw CliError("too_many_challenges", "the local challenge table is full");
  write_json_file(path, table);
}

int run_challenge(const Context& ctx, const DeviceOptions& o) {
  const crypto::Hash32 id = device_of(o);
  if (!o.local) {
    const Json j = ctx.node().post(
        "/v1/devices/challenge",
        {{"id_hash", to_hex(id)}, {"purpose", o.purpose}, {"verifier_id", o.verifier}, {"ttl_ms", o.ttl_ms}});
    ctx.emit(j, j["challenge"].get<std::string>());
    return kExitOk;
  }
  // Issued by this verifier itself (offline mode): recorded in its table for single use.
  dev::Challenge c;
  c.chain_id = ctx.node().get("/v1/status").at("chain_id").get<std::string>();
  c.purpose = o.purpose;
  c.verifier_id = o.verifier;
  c.id_hash = id;
  const std::uint64_t now = wall_ms();
  c.expires_ms = now + o.ttl_ms;
  randombytes_buf(c.nonce.data(), c.nonce.size());
  const std::string path = challenges_path(ctx, o);
  Json table = load_local_table(path);
  table[to_hex(c.nonce)] = {{"expires_ms", c.expires_ms}, {"used", false}};
  save_local_table(path, table, now);
  const Json j = challenge_json(c);
  ctx.emit(j, j["challenge"].get<std::string>());
  return kExitOk;
}

int report_auth(const Context& ctx, Json j) {
  const bool ok = j.value("ok", false);
  ctx.emit(j, ok ? "AUTHENTICATED (" + j["mode"].get<std::string>() + ")"
                 : "REFUSED: " + j["outcome"].get<std::string>() + ": " + j["message"].get<std::string>());
  return ok ? kExitOk : kExitFailed;
}

Json offline_outcome(dev::AuthOutcome o, std::uint64_t height) {
  return {{"ok", o == dev::AuthOutcome::kOk},
          {"outcome", dev::auth_name(o)},
          {"message", dev::auth_message(o)},
          {"height", height},
          {"mode", "offline"}};
}

// The value of `key` at `height` (nullopt: proven absent), from the node's proof checked
// against the state root of the header the light client verified.
std::optional<Bytes> proven_value(const NodeClient& node, const light::LightClient& client, const Bytes& key,
                                  std::uint64_t height, const std::string& what) {
  const Json body = node.get("/v1/state/proof?key=" + to_hex(key) + "&height=" + std::to_string(height));
  light::Verdict why;
  auto proven = light::decode_state_proof(body, &why);
  if (!proven) require(why, what);
  const std::optional<ByteView> value =
      proven->value ? std::optional<ByteView>(*proven->value) : std::nullopt;
  require(client.verify_state(height, key, value, proven->proof), what);
  return proven->value;
}

int run_authenticate(const Context& ctx, const DeviceOptions& o) {
  if (o.challenge.empty() || o.signature.empty())
    throw UsageError("authenticate needs --challenge HEX and --signature HEX");
  if (!o.offline) {
    Json j =
        ctx.node().post("/v1/devices/authenticate", {{"challenge", o.challenge}, {"signature", o.signature}});
    j["mode"] = "online";
    return report_auth(ctx, j);
  }
  auto bytes = from_hex(o.challenge);
  auto c = bytes ? dev::decode_challenge(*bytes) : std::nullopt;
  if (!c) throw UsageError("--challenge is not a challenge's hex bytes");
  const crypto::Signature sig = hex_arg<64>(o.signature, "--signature");
  const std::uint64_t now = wall_ms();
  const std::string path = challenges_path(ctx, o);
  Json table = load_local_table(path);
  const std::string nonce = to_hex(c->nonce);
  if (!table.contains(nonce)) return report_auth(ctx, offline_outcome(dev::AuthOutcome::kNonceUnknown, 0));
  if (table[nonce].value("used", false))
    return report_auth(ctx, offline_outcome(dev::AuthOutcome::kNonceUsed, 0));
  if (table[nonce].value("expires_ms", std::uint64_t{0}) != c->expires_ms)
    return report_auth(ctx, offline_outcome(dev::AuthOutcome::kNonceUnknown, 0));

  // Nothing from the node is believed unverified: headers through the light client, then
  // the device record's proof against the verified state root.
  const NodeClient node = ctx.node();
  const TrustAnchor anchor = establish_trust(node, o.genesis_file, o.genesis_hash);
  const std::uint64_t height = target_height(node, std::nullopt);
  light::LightClient client = verify_headers(node, anchor, height, {});
  if (anchor.genesis.chain_id != c->chain_id)
    return report_auth(ctx, offline_outcome(dev::AuthOutcome::kWrongChain, height));
  dev::AuthOutcome outcome;
  if (!o.fleet_file.empty()) {
    // A fleet member not claimed yet: the fleet record and the member's mark (proven
    // absent, or claimed/revoked), then the path from the fleet file.
    const FleetFile f = fleet_from_json(read_json_file(o.fleet_file, "fleet file"));
    const std::size_t i = fleet_index_of(f, c->id_hash);
    const auto fleet_bytes = proven_value(node, client, dev::fleet_key(f.fleet_id), height, "fleet proof");
    const auto mark_bytes =
        proven_value(node, client, dev::member_key(f.fleet_id, c->id_hash), height, "member proof");
    const auto fleet = fleet_bytes ? dev::decode_fleet(*fleet_bytes) : std::nullopt;
    std::optional<dev::MemberMark> mark;
    if (mark_bytes && mark_bytes->size() == 1) mark = static_cast<dev::MemberMark>((*mark_bytes)[0]);
    outcome = dev::verify_member_answer(anchor.genesis.chain_id, *c, sig, fleet, mark,
                                        {i, f.keys[i], f.paths[i]}, now);
  } else {
    const auto value = proven_value(node, client, dev::device_key(c->id_hash), height, "device proof");
    const auto record = value ? dev::decode_device(*value) : std::nullopt;
    outcome = dev::verify_answer(anchor.genesis.chain_id, *c, sig, record, now);
  }
  if (outcome == dev::AuthOutcome::kOk) {
    table[nonce]["used"] = true;
    save_local_table(path, table, now);
  }
  Json j = offline_outcome(outcome, height);
  j["state_root"] = crypto::to_hex(client.head()->state_root);
  return report_auth(ctx, j);
}

int run_simulate(const Context& ctx, const DeviceOptions& o, const std::string& what) {
  if (o.device_file.empty()) throw UsageError("simulate needs --device FILE (the device's key file)");
  const DeviceKeyFile d = device_key_from_json(read_json_file(o.device_file, "device file"));
  if (what == "answer") {
    auto bytes = from_hex(o.challenge);
    auto c = bytes ? dev::decode_challenge(*bytes) : std::nullopt;
    if (!c) throw UsageError("--challenge is not a challenge's hex bytes");
    if (c->id_hash != d.id_hash())
      throw CliError("not_my_challenge",
                     "the challenge is addressed to another device; this device does not answer");
    const std::string sig = to_hex(dev::answer_challenge(d.key, *c));
    ctx.emit({{"signature", sig}, {"id_hash", to_hex(d.id_hash())}}, sig);
    return kExitOk;
  }
  auto value = from_hex(o.value);
  if (!value) throw UsageError("--value must be hex bytes");
  const std::string chain_id = ctx.node().get("/v1/status").at("chain_id").get<std::string>();
  std::uint32_t version = 0;
  try {
    version = ctx.node().get("/v1/devices/" + to_hex(d.id_hash())).at("key_version").get<std::uint32_t>();
  } catch (const CliError&) {
  }
  const dev::Reading r{d.id_hash(), o.time_ms ? o.time_ms : wall_ms(), o.seq, version, std::move(*value)};
  const Json j = reading_json(r, dev::sign_reading(d.key, chain_id, r));
  ctx.emit(j, j.dump());
  return kExitOk;
}

int run_anchor(const Context& ctx, const DeviceOptions& o) {
  if (o.readings_file.empty() || o.out.empty())
    throw UsageError("anchor needs --readings FILE and --out FILE");
  const std::string chain_id = ctx.node().get("/v1/status").at("chain_id").get<std::string>();
  const Batch b = build_batch(chain_id, read_json_file(o.readings_file, "readings file"));
  write_json_file(o.out, batch_file_json(b));
  return send(ctx, b.anchor);
}

int run_verify_reading(const Context& ctx, const DeviceOptions& o) {
  if (o.batch_file.empty())
    throw UsageError("verify-reading needs --batch-file FILE (from anchor) and --index N");
  const Json batch = read_json_file(o.batch_file, "batch file");
  if (!batch.contains("readings") || o.index >= batch["readings"].size())
    throw UsageError("--index is beyond the batch's readings");
  const Json& item = batch["readings"][o.index];
  Json reading = item["reading"];
  const std::string sig = reading["signature"].get<std::string>();
  reading.erase("signature");
  const Json j = ctx.node().post("/v1/readings/verify", {{"reading", reading},
                                                         {"signature", sig},
                                                         {"root", batch["root"]},
                                                         {"index", o.index},
                                                         {"path", item["path"]}});
  const bool ok = j.value("ok", false);
  ctx.emit(j,
           ok ? "VALID: " + j["message"].get<std::string>() : "INVALID: " + j["message"].get<std::string>());
  return ok ? kExitOk : kExitFailed;
}

CLI::App* sub(CLI::App* parent, Context& ctx, std::shared_ptr<DeviceOptions> o, const std::string& name,
              const std::string& help, std::function<int(const Context&, const DeviceOptions&)> run) {
  CLI::App* c = parent->add_subcommand(name, help);
  c->footer(kGlobalOptionsNote);
  c->callback([&ctx, o, run] { ctx.action = [&ctx, o, run] { return run(ctx, *o); }; });
  return c;
}

void device_names(CLI::App* c, DeviceOptions& o) {
  c->add_option("--id", o.id, "Device identifier hash (64 hex digits)");
  c->add_option("--identifier", o.identifier, "Raw identifier (IMEI, EID); only its hash is used");
  c->add_option("--device", o.device_file, "Device key file (from 'telco device keygen')");
}

}  // namespace

void add_device_commands(CLI::App& app, Context& ctx) {
  auto o = std::make_shared<DeviceOptions>();
  CLI::App* d =
      app.add_subcommand("device", "Device identity: register, manage, authenticate, anchor readings");
  d->require_subcommand(1);
  d->footer(kGlobalOptionsNote);

  auto* keygen = sub(d, ctx, o, "keygen",
                     "Make a device key file (the device's own key; keep it on the device)", run_keygen);
  keygen->add_option("--identifier", o->identifier, "Raw identifier (IMEI, EID)")->required();
  keygen->add_option("--out", o->out, "Key file to write")->required();

  auto* reg = sub(d, ctx, o, "register", "Register one device (sent by the --key account)", run_register);
  device_names(reg, *o);
  reg->add_option("--public-key", o->public_key, "Device public key (hex), with --id or --identifier");
  reg->add_option("--owner", o->owner, "Owner: a tc1... address or local key name")->required();
  reg->add_option("--operator", o->serving, "Serving operator: a tc1... address or local key name")
      ->required();
  reg->add_option("--attr", o->attributes, "Attribute KEY=VALUE (repeatable), e.g. model=T-100");

  auto* fleet = sub(d, ctx, o, "register-fleet",
                    "Register a fleet by its Merkle root (one transaction under 1 KiB)", run_register_fleet);
  fleet->add_option("--devices", o->devices_file, "JSON array of {identifier|id_hash, public_key}")
      ->required();
  fleet->add_option("--out", o->out, "Fleet file to write: root and every member's path")->required();
  fleet->add_option("--owner", o->owner, "Owner of the fleet's devices")->required();
  fleet->add_option("--operator", o->serving, "Serving operator of the fleet's devices")->required();
  fleet->add_option("--attr", o->attributes, "Attribute KEY=VALUE given to every member");

  auto* claim = sub(d, ctx, o, "claim", "Make a fleet member an individually managed device", run_claim);
  device_names(claim, *o);
  claim->add_option("--fleet-file", o->fleet_file, "Fleet file from register-fleet")->required();

  auto* rotate =
      sub(d, ctx, o, "rotate", "Rotate the device key (as owner, or signed by the current key)", run_rotate);
  device_names(rotate, *o);
  rotate->add_option("--new-device", o->new_device_file, "Key file of the new key")->required();
  rotate->add_flag("--by-device", o->by_device, "Sign the rotation with the current key (--device FILE)");

  for (const auto& [verb, help] : std::vector<std::pair<std::string, std::string>>{
           {"transfer", "Transfer the device to a new owner (owner only)"},
           {"report", "Report the device stolen or lost (owner only)"},
           {"suspend", "Suspend the device (serving operator only)"},
           {"resume", "Resume a suspended device (serving operator only)"},
           {"revoke", "Revoke the device for good (owner or operator)"}}) {
    auto* c = sub(d, ctx, o, verb, help, [verb = verb](const Context& cx, const DeviceOptions& op) {
      return run_status_change(cx, op, verb);
    });
    device_names(c, *o);
    if (verb == "transfer")
      c->add_option("--to", o->to, "New owner: a tc1... address or local key name")->required();
    if (verb == "report") c->add_option("--as", o->status, "stolen or lost")->required();
    if (verb == "revoke") c->add_option("--fleet", o->fleet, "Fleet id: revoke a member that is not claimed");
  }
  for (const auto& [what, help] : std::vector<std::pair<std::string, std::string>>{
           {"status", "Show the device's record"},
           {"history", "List the device's history, newest first"},
           {"stolen", "Look the device up in the stolen-device list"}}) {
    auto* c = sub(d, ctx, o, what, help, [what = what](const Context& cx, const DeviceOptions& op) {
      return run_show(cx, op, what);
    });
    device_names(c, *o);
  }

  auto* challenge =
      sub(d, ctx, o, "challenge", "Issue a challenge for a device (by the node, or --local)", run_challenge);
  device_names(challenge, *o);
  challenge->add_option("--purpose", o->purpose, "What the authentication is for")->capture_default_str();
  challenge->add_option("--verifier", o->verifier, "Verifier id (base station, server)")
      ->capture_default_str();
  challenge->add_option("--ttl-ms", o->ttl_ms, "Milliseconds until the challenge expires")
      ->capture_default_str();
  challenge->add_flag("--local", o->local,
                      "Issue it here, for 'authenticate --offline' (kept in a local table)");
  challenge->add_option("--challenges-file", o->challenges_file,
                        "Local challenge table (default: HOME/device-challenges.json)");

  auto* auth = sub(d, ctx, o, "authenticate",
                   "Verify a device's answer (online by the node, or --offline here)", run_authenticate);
  auth->add_option("--challenge", o->challenge, "The challenge's hex bytes")->required();
  auth->add_option("--signature", o->signature, "The device's signature (hex)")->required();
  auth->add_flag("--offline", o->offline,
                 "Verify headers and the device's state proof with the light client");
  auth->add_option("--genesis", o->genesis_file, "Offline: trusted genesis file");
  auth->add_option("--genesis-hash", o->genesis_hash, "Offline: pinned genesis hash");
  auth->add_option("--fleet-file", o->fleet_file, "Offline: the device is an unclaimed member of this fleet");
  auth->add_option("--challenges-file", o->challenges_file,
                   "Local challenge table (default: HOME/device-challenges.json)");

  auto* sim =
      d->add_subcommand("simulate", "Play a device from its key file: answer challenges, sign readings");
  sim->require_subcommand(1);
  auto* answer =
      sub(sim, ctx, o, "answer", "Sign a challenge addressed to this device",
          [](const Context& cx, const DeviceOptions& op) { return run_simulate(cx, op, "answer"); });
  answer->add_option("--device", o->device_file, "Device key file")->required();
  answer->add_option("--challenge", o->challenge, "The challenge's hex bytes")->required();
  auto* reading =
      sub(sim, ctx, o, "reading", "Sign one sensor reading (prints it as JSON)",
          [](const Context& cx, const DeviceOptions& op) { return run_simulate(cx, op, "reading"); });
  reading->add_option("--device", o->device_file, "Device key file")->required();
  reading->add_option("--seq", o->seq, "Sequence number (1, 2, ... per device)")->required();
  reading->add_option("--value", o->value, "Reading value as hex bytes")->required();
  reading->add_option("--time-ms", o->time_ms, "Reading time (default: now)");

  auto* anchor = sub(d, ctx, o, "anchor", "Anchor a batch of signed readings by its Merkle root (as gateway)",
                     run_anchor);
  anchor->add_option("--readings", o->readings_file, "JSON array of signed readings")->required();
  anchor->add_option("--out", o->out, "Batch file to write: root and each reading's path")->required();

  auto* vr = sub(d, ctx, o, "verify-reading",
                 "Verify one anchored reading (signature, inclusion, block time)", run_verify_reading);
  vr->add_option("--batch-file", o->batch_file, "Batch file from anchor")->required();
  vr->add_option("--index", o->index, "The reading's index in the batch")->required();
}

}  // namespace telco::cli
