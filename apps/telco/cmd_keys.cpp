// telco keys new | list | show | import | export-seed, and telco address.
#include <sodium.h>

#include <fstream>
#include <iostream>
#include <iterator>
#include <memory>

#include "cli_error.h"
#include "commands.h"
#include "passphrase.h"
#include "render.h"
#include "util/hex.h"

namespace telco::cli {
namespace {

namespace fs = std::filesystem;

constexpr std::size_t kSeedFileBytesMax = 4096;
constexpr const char* kPassphraseNote =
    "The passphrase is read from TELCO_PASSPHRASE when set, else from the terminal without echo "
    "(asked twice for a new key).";

struct KeyOptions {
  std::string name;
  std::string kdf_cost = "moderate";
  std::string seed_hex;
  std::string seed_file;
};

nlohmann::json key_json(std::string_view name, const crypto::KeyfileInfo& info, const fs::path& file) {
  return {{"name", name},
          {"address", info.address},
          {"public_key", to_hex(info.public_key)},
          {"file", file.string()}};
}

std::string key_human(std::string_view name, const crypto::KeyfileInfo& info, const fs::path& file) {
  return "key " + std::string(name) + "\n  address     " + info.address + "\n  public key  " +
         to_hex(info.public_key) + "\n  file        " + file.string() + "\n";
}

crypto::KeyfileCost kdf_cost(const std::string& name) {
  if (name == "test") {
    std::cerr << "warning: --kdf-cost test makes this key file cheap to brute-force; use it only in "
                 "automated tests\n";
    return crypto::test_keyfile_cost();
  }
  return crypto::default_keyfile_cost();
}

// Seals `key` under a new passphrase (asked twice) into HOME/keys/NAME.json.
int store_new_key(const Context& ctx, const std::string& name, const crypto::KeyPair& key,
                  const std::string& cost_name, std::string_view verb) {
  const Keystore store = ctx.keystore();
  const fs::path path = store.key_path(name);
  if (store.exists(name))
    throw CliError("key_exists", "a key named '" + name + "' already exists at " + path.string());
  const crypto::KeyfileCost cost = kdf_cost(cost_name);
  store.ensure_keys_dir();
  const Secret passphrase =
      read_passphrase("New passphrase for key '" + name + "': ", PassphrasePurpose::kCreate);
  try {
    crypto::write_keyfile(path, key, passphrase.value(), cost);
  } catch (const std::exception& e) {
    throw CliError("io_error", e.what());
  }
  const crypto::KeyfileInfo info = store.info(name);
  ctx.emit(key_json(name, info, path),
           std::string(verb) + " " + key_human(name, info, path) +
               "Keep the passphrase safe: without it the key cannot be unlocked.\n");
  return kExitOk;
}

std::string read_seed_source(const std::string& file) {
  std::string data;
  if (file == "-") {
    data.assign(std::istreambuf_iterator<char>(std::cin), {});
  } else {
    std::ifstream in(file, std::ios::binary);
    if (!in) throw CliError("io_error", "cannot open seed file " + file);
    data.assign(std::istreambuf_iterator<char>(in), {});
  }
  if (data.size() > kSeedFileBytesMax) {
    sodium_memzero(data.data(), data.size());
    throw UsageError("seed file " + file + " is too large to hold a 32-byte seed");
  }
  return data;
}

int run_import(const Context& ctx, const KeyOptions& o) {
  validate_key_name(o.name);
  std::string text = o.seed_file.empty() ? o.seed_hex : read_seed_source(o.seed_file);
  auto seed = parse_seed(text, !o.seed_file.empty());
  sodium_memzero(text.data(), text.size());
  if (!seed)
    throw UsageError("the seed must be 64 hex digits (32 bytes)" +
                     std::string(o.seed_file.empty() ? "" : ", or a file of exactly 32 raw bytes"));
  const crypto::KeyPair key = crypto::KeyPair::from_seed(*seed);
  sodium_memzero(seed->data(), seed->size());
  return store_new_key(ctx, o.name, key, o.kdf_cost, "Imported");
}

int run_list(const Context& ctx) {
  const Keystore store = ctx.keystore();
  const auto entries = store.list();
  nlohmann::json keys = nlohmann::json::array();
  std::vector<std::vector<std::string>> rows;
  for (const KeyEntry& e : entries) {
    if (e.error.empty()) {
      keys.push_back(key_json(e.name, e.info, e.file));
      rows.push_back({clean(e.name), e.info.address});
    } else {
      keys.push_back({{"name", e.name}, {"file", e.file.string()}, {"error", e.error}});
      rows.push_back({clean(e.name), "(unreadable: " + clean(e.error) + ")"});
    }
  }
  const std::string human =
      rows.empty() ? "No keys in " + store.keys_dir().string() + "; create one with 'telco keys new'.\n"
                   : render_table({"NAME", "ADDRESS"}, rows, 0);
  ctx.emit({{"home", store.home().string()}, {"keys", keys}}, human);
  return kExitOk;
}

int run_show(const Context& ctx, const std::string& name_arg) {
  const std::string& name = name_arg.empty() ? ctx.options.key : name_arg;
  const Keystore store = ctx.keystore();
  const crypto::KeyfileInfo info = store.info(name);
  ctx.emit(key_json(name, info, store.key_path(name)), key_human(name, info, store.key_path(name)));
  return kExitOk;
}

int run_export_seed(const Context& ctx, const std::string& name) {
  const crypto::KeyPair key = ctx.unlock(name);
  const std::string address = crypto::Address::from_public_key(key.public_key()).to_string();
  std::cerr << "warning: the seed below is the private key of " << address
            << ". Anyone who sees it can spend this account's funds; store it offline.\n";
  std::string seed = to_hex(key.seed());
  ctx.emit({{"name", name}, {"address", address}, {"seed", seed}}, seed);
  sodium_memzero(seed.data(), seed.size());
  return kExitOk;
}

void add_kdf_option(CLI::App* sub, KeyOptions& o) {
  // Hidden (empty group): only automated tests want a key file that unlocks in milliseconds.
  sub->add_option("--kdf-cost", o.kdf_cost,
                  "Argon2id cost: moderate (default) or test (INSECURE, tests only)")
      ->check(CLI::IsMember({"moderate", "test"}))
      ->group("");
}

}  // namespace

void add_key_commands(CLI::App& app, Context& ctx) {
  CLI::App* keys = app.add_subcommand("keys", "Manage the wallet's encrypted keys (HOME/keys/NAME.json)");
  keys->require_subcommand(1);
  keys->footer(kGlobalOptionsNote);

  auto o_new = std::make_shared<KeyOptions>();
  CLI::App* add = keys->add_subcommand("new", "Generate a new key and store it encrypted under a passphrase");
  add->add_option("NAME", o_new->name, "Key name (default: the --key value, 'default')");
  add_kdf_option(add, *o_new);
  add->callback([&ctx, o_new] {
    ctx.action = [&ctx, o_new] {
      const std::string name = o_new->name.empty() ? ctx.options.key : o_new->name;
      validate_key_name(name);
      return store_new_key(ctx, name, crypto::KeyPair::generate(), o_new->kdf_cost, "Created");
    };
  });

  CLI::App* list =
      keys->add_subcommand("list", "List the keys in HOME/keys with their addresses (no passphrase)");
  list->callback([&ctx] { ctx.action = [&ctx] { return run_list(ctx); }; });

  auto o_show = std::make_shared<KeyOptions>();
  CLI::App* show = keys->add_subcommand("show", "Show a key's address and public key (no passphrase)");
  show->add_option("NAME", o_show->name, "Key name (default: the --key value)");
  show->callback([&ctx, o_show] { ctx.action = [&ctx, o_show] { return run_show(ctx, o_show->name); }; });

  auto o_import = std::make_shared<KeyOptions>();
  CLI::App* import_cmd =
      keys->add_subcommand("import", "Store an existing 32-byte Ed25519 seed as a new encrypted key");
  import_cmd->add_option("NAME", o_import->name, "Name of the new key")->required();
  CLI::Option_group* source =
      import_cmd->add_option_group("seed source", "Where the seed comes from (exactly one)");
  source->add_option(
      "--seed-hex", o_import->seed_hex,
      "Seed as 64 hex digits (visible in the shell history and process list; prefer --seed-file)");
  source->add_option("--seed-file", o_import->seed_file,
                     "File holding the seed as 64 hex digits or 32 raw bytes; '-' reads standard input");
  source->require_option(1);
  add_kdf_option(import_cmd, *o_import);
  import_cmd->callback(
      [&ctx, o_import] { ctx.action = [&ctx, o_import] { return run_import(ctx, *o_import); }; });

  auto o_export = std::make_shared<KeyOptions>();
  CLI::App* export_cmd =
      keys->add_subcommand("export-seed", "Unlock a key and print its 32-byte seed in hex (a secret!)");
  export_cmd->add_option("NAME", o_export->name, "Key name")->required();
  export_cmd->callback([&ctx, o_export] {
    ctx.action = [&ctx, o_export] {
      validate_key_name(o_export->name);
      return run_export_seed(ctx, o_export->name);
    };
  });

  for (CLI::App* sub : {list, show}) sub->footer(kGlobalOptionsNote);
  for (CLI::App* sub : {add, import_cmd, export_cmd}) {
    sub->footer(std::string(kPassphraseNote) + "\n" + kGlobalOptionsNote);
  }

  CLI::App* address = app.add_subcommand("address", "Print the address of the --key key (no passphrase)");
  address->footer(kGlobalOptionsNote);
  address->callback([&ctx] {
    ctx.action = [&ctx] {
      const Keystore store = ctx.keystore();
      const crypto::KeyfileInfo info = store.info(ctx.options.key);
      ctx.emit(key_json(ctx.options.key, info, store.key_path(ctx.options.key)), info.address);
      return kExitOk;
    };
  });
}

}  // namespace telco::cli
