#include "crypto/keyfile.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <stdexcept>

#include "crypto/address.h"
#include "crypto/hash.h"
#include "util/hex.h"

namespace telco::crypto {
namespace {

constexpr int kVersion = 1;

using Json = nlohmann::json;

std::string associated_data(const PublicKey& pk) {
  return "telco/keyfile/v1:" + telco::to_hex(pk);
}

Bytes hex_field(const Json& j, const char* name, std::size_t size) {
  if (!j.contains(name) || !j[name].is_string()) {
    throw std::runtime_error(std::string("key file: missing field '") + name + "'");
  }
  auto bytes = telco::from_hex(j[name].get<std::string>());
  if (!bytes || (size != 0 && bytes->size() != size)) {
    throw std::runtime_error(std::string("key file: malformed field '") + name + "'");
  }
  return *bytes;
}

Json load(const std::filesystem::path& path) {
  std::ifstream in(path);
  if (!in) throw std::runtime_error("cannot open key file " + path.string());
  std::stringstream ss;
  ss << in.rdbuf();
  Json j = Json::parse(ss.str(), nullptr, false);
  if (j.is_discarded() || !j.is_object()) {
    throw std::runtime_error("key file " + path.string() + " is not valid JSON");
  }
  // Type-checked before reading: nlohmann's value() would throw its own exception type.
  if (!j.contains("version") || !j["version"].is_number_integer() || j["version"].get<long long>() != kVersion) {
    throw std::runtime_error("key file " + path.string() + " has an unsupported version");
  }
  return j;
}

void write_private_file(const std::filesystem::path& path, const std::string& content) {
  const std::filesystem::path tmp = path.string() + ".tmp";
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) throw std::runtime_error("cannot create " + tmp.string());
  const bool ok = ::write(fd, content.data(), content.size()) == static_cast<ssize_t>(content.size()) &&
                  ::fsync(fd) == 0;
  ::close(fd);
  if (!ok) {
    std::filesystem::remove(tmp);
    throw std::runtime_error("cannot write " + tmp.string());
  }
  std::filesystem::rename(tmp, path);
}

}  // namespace

KeyfileCost default_keyfile_cost() {
  return {crypto_pwhash_OPSLIMIT_MODERATE, crypto_pwhash_MEMLIMIT_MODERATE};
}

KeyfileCost test_keyfile_cost() {
  return {crypto_pwhash_OPSLIMIT_MIN, crypto_pwhash_MEMLIMIT_MIN};
}

void write_keyfile(const std::filesystem::path& path, const KeyPair& key,
                   const std::string& passphrase, KeyfileCost cost) {
  init();
  if (std::filesystem::exists(path)) {
    throw std::runtime_error("refusing to overwrite existing key file " + path.string());
  }
  std::array<std::uint8_t, crypto_pwhash_SALTBYTES> salt;
  std::array<std::uint8_t, crypto_aead_xchacha20poly1305_ietf_NPUBBYTES> nonce;
  randombytes_buf(salt.data(), salt.size());
  randombytes_buf(nonce.data(), nonce.size());
  std::array<std::uint8_t, crypto_aead_xchacha20poly1305_ietf_KEYBYTES> k;
  if (crypto_pwhash(k.data(), k.size(), passphrase.data(), passphrase.size(), salt.data(),
                    cost.ops, cost.mem_bytes, crypto_pwhash_ALG_ARGON2ID13) != 0) {
    throw std::runtime_error("Argon2id key derivation ran out of memory");
  }
  const std::string ad = associated_data(key.public_key());
  Bytes sealed(key.seed().size() + crypto_aead_xchacha20poly1305_ietf_ABYTES);
  unsigned long long sealed_len = 0;
  crypto_aead_xchacha20poly1305_ietf_encrypt(
      sealed.data(), &sealed_len, key.seed().data(), key.seed().size(),
      reinterpret_cast<const std::uint8_t*>(ad.data()), ad.size(), nullptr, nonce.data(), k.data());
  sodium_memzero(k.data(), k.size());
  sealed.resize(sealed_len);

  Json j = {{"version", kVersion},
            {"public_key", telco::to_hex(key.public_key())},
            {"address", Address::from_public_key(key.public_key()).to_string()},
            {"kdf", {{"name", "argon2id13"}, {"ops", cost.ops}, {"mem_bytes", cost.mem_bytes},
                     {"salt", telco::to_hex(salt)}}},
            {"cipher", {{"name", "xchacha20poly1305-ietf"}, {"nonce", telco::to_hex(nonce)}}},
            {"ciphertext", telco::to_hex(sealed)}};
  write_private_file(path, j.dump(2) + "\n");
}

KeyfileInfo read_keyfile_info(const std::filesystem::path& path) {
  const Json j = load(path);
  const Bytes pk = hex_field(j, "public_key", 32);
  KeyfileInfo info;
  std::copy(pk.begin(), pk.end(), info.public_key.begin());
  info.address = Address::from_public_key(info.public_key).to_string();
  // The clear address is for listing keys; it must name the key it sits next to.
  if (j.contains("address") && (!j["address"].is_string() || j["address"].get<std::string>() != info.address)) {
    throw std::runtime_error("key file " + path.string() + ": address does not match the public key");
  }
  return info;
}

KeyPair unlock_keyfile(const std::filesystem::path& path, const std::string& passphrase) {
  init();
  const Json j = load(path);
  const KeyfileInfo info = read_keyfile_info(path);
  if (!j.contains("kdf") || !j["kdf"].is_object() || !j.contains("cipher") || !j["cipher"].is_object()) {
    throw std::runtime_error("key file: missing kdf or cipher section");
  }
  const Json& kdf = j["kdf"];
  const Bytes salt = hex_field(kdf, "salt", crypto_pwhash_SALTBYTES);
  const Bytes nonce = hex_field(j["cipher"], "nonce", crypto_aead_xchacha20poly1305_ietf_NPUBBYTES);
  const Bytes sealed = hex_field(j, "ciphertext", 32 + crypto_aead_xchacha20poly1305_ietf_ABYTES);
  const auto unsigned_field = [&kdf](const char* name) -> unsigned long long {
    if (!kdf.contains(name) || !kdf[name].is_number_unsigned()) {
      throw std::runtime_error(std::string("key file: missing or malformed field 'kdf.") + name + "'");
    }
    return kdf[name].get<unsigned long long>();
  };
  const unsigned long long ops = unsigned_field("ops");
  const unsigned long long mem = unsigned_field("mem_bytes");
  if (ops < crypto_pwhash_OPSLIMIT_MIN || ops > crypto_pwhash_OPSLIMIT_MAX ||
      mem < crypto_pwhash_MEMLIMIT_MIN || mem > (1ULL << 32)) {
    throw std::runtime_error("key file: Argon2id cost outside the accepted range");
  }
  std::array<std::uint8_t, crypto_aead_xchacha20poly1305_ietf_KEYBYTES> k;
  if (crypto_pwhash(k.data(), k.size(), passphrase.data(), passphrase.size(), salt.data(), ops,
                    static_cast<std::size_t>(mem), crypto_pwhash_ALG_ARGON2ID13) != 0) {
    throw std::runtime_error("Argon2id key derivation ran out of memory");
  }
  const std::string ad = associated_data(info.public_key);
  Seed seed;
  unsigned long long seed_len = 0;
  const int rc = crypto_aead_xchacha20poly1305_ietf_decrypt(
      seed.data(), &seed_len, nullptr, sealed.data(), sealed.size(),
      reinterpret_cast<const std::uint8_t*>(ad.data()), ad.size(), nonce.data(), k.data());
  sodium_memzero(k.data(), k.size());
  if (rc != 0 || seed_len != seed.size()) {
    throw std::runtime_error("wrong passphrase or corrupted key file " + path.string());
  }
  KeyPair kp = KeyPair::from_seed(seed);
  sodium_memzero(seed.data(), seed.size());
  if (kp.public_key() != info.public_key) {
    throw std::runtime_error("key file " + path.string() + ": public key does not match the sealed key");
  }
  return kp;
}

}  // namespace telco::crypto
