// crypto/keyfile: encrypted key files (Argon2id + XChaCha20-Poly1305).
#include "crypto/keyfile.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <nlohmann/json.hpp>
#include <sstream>
#include <stdexcept>
#include <string>

#include "crypto/address.h"
#include "util/hex.h"

namespace telco::crypto {
namespace {

namespace fs = std::filesystem;
using Json = nlohmann::json;

class KeyfileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string tmpl = (fs::temp_directory_path() / "telco-keyfile-XXXXXX").string();
    ASSERT_NE(::mkdtemp(tmpl.data()), nullptr);
    dir_ = tmpl;
  }
  void TearDown() override { fs::remove_all(dir_); }

  fs::path path(const std::string& name = "key.json") const { return dir_ / name; }

  static KeyPair key() {
    Seed seed{};
    for (std::size_t i = 0; i < seed.size(); ++i) seed[i] = static_cast<std::uint8_t>(i + 1);
    return KeyPair::from_seed(seed);
  }

  fs::path write_default(const std::string& name = "key.json") const {
    const fs::path p = path(name);
    write_keyfile(p, key(), "correct horse", test_keyfile_cost());
    return p;
  }

  static Json read_json(const fs::path& p) {
    std::ifstream in(p);
    std::stringstream ss;
    ss << in.rdbuf();
    return Json::parse(ss.str());
  }
  static void write_text(const fs::path& p, const std::string& text) {
    fs::remove(p);
    std::ofstream out(p);
    out << text;
  }
  // Rewrites the key file with one edit applied to its JSON.
  static void edit(const fs::path& p, const std::function<void(Json&)>& f) {
    Json j = read_json(p);
    f(j);
    write_text(p, j.dump(2));
  }
  // Flips the lowest bit of the first hex digit of a hex string field.
  static void flip_hex(Json& field) {
    std::string s = field.get<std::string>();
    s[0] = s[0] == '0' ? '1' : '0';
    field = s;
  }

  fs::path dir_;
};

// Unlocking must fail with an exception whose type the CLI catches (std::runtime_error).
void expect_unlock_fails(const fs::path& p, const std::string& pass = "correct horse") {
  EXPECT_THROW(unlock_keyfile(p, pass), std::runtime_error);
}

TEST_F(KeyfileTest, WriteUnlockRoundTrip) {
  const fs::path p = write_default();
  const KeyPair back = unlock_keyfile(p, "correct horse");
  EXPECT_EQ(back.public_key(), key().public_key());
  EXPECT_EQ(back.seed(), key().seed());
  const KeyfileInfo info = read_keyfile_info(p);
  EXPECT_EQ(info.public_key, key().public_key());
  EXPECT_EQ(info.address, Address::from_public_key(key().public_key()).to_string());
}

TEST_F(KeyfileTest, FileLayout) {
  const fs::path p = write_default();
  const Json j = read_json(p);
  EXPECT_EQ(j["version"], 1);
  EXPECT_EQ(j["public_key"], telco::to_hex(key().public_key()));
  EXPECT_EQ(j["address"], Address::from_public_key(key().public_key()).to_string());
  EXPECT_EQ(j["kdf"]["name"], "argon2id13");
  EXPECT_EQ(j["cipher"]["name"], "xchacha20poly1305-ietf");
  EXPECT_EQ(j["kdf"]["salt"].get<std::string>().size(), 32u);
  EXPECT_EQ(j["cipher"]["nonce"].get<std::string>().size(), 48u);
  EXPECT_EQ(j["ciphertext"].get<std::string>().size(), 2u * (32 + 16));
  // The seed must not appear in clear anywhere in the file.
  std::ifstream in(p);
  std::stringstream ss;
  ss << in.rdbuf();
  EXPECT_EQ(ss.str().find(telco::to_hex(key().seed())), std::string::npos);
}

TEST_F(KeyfileTest, SaltAndNonceAreFreshPerFile) {
  const Json a = read_json(write_default("a.json"));
  const Json b = read_json(write_default("b.json"));
  EXPECT_NE(a["kdf"]["salt"], b["kdf"]["salt"]);
  EXPECT_NE(a["cipher"]["nonce"], b["cipher"]["nonce"]);
  EXPECT_NE(a["ciphertext"], b["ciphertext"]);
}

TEST_F(KeyfileTest, FileModeIs0600AndNoTemporaryLeft) {
  ::umask(0022);
  const fs::path p = write_default();
  struct stat st {};
  ASSERT_EQ(::stat(p.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  EXPECT_FALSE(fs::exists(p.string() + ".tmp"));
  int entries = 0;
  for ([[maybe_unused]] const auto& e : fs::directory_iterator(dir_)) ++entries;
  EXPECT_EQ(entries, 1);
}

TEST_F(KeyfileTest, WrongPassphrase) {
  const fs::path p = write_default();
  try {
    unlock_keyfile(p, "correct horsE");
    FAIL() << "unlocked with the wrong passphrase";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("wrong passphrase"), std::string::npos) << e.what();
  }
  expect_unlock_fails(p, "");
}

TEST_F(KeyfileTest, EmptyPassphraseWorksIfChosen) {
  const fs::path p = path();
  write_keyfile(p, key(), "", test_keyfile_cost());
  EXPECT_EQ(unlock_keyfile(p, "").public_key(), key().public_key());
  expect_unlock_fails(p, " ");
}

TEST_F(KeyfileTest, RefusesToOverwrite) {
  const fs::path p = write_default();
  const Json before = read_json(p);
  EXPECT_THROW(write_keyfile(p, KeyPair::from_seed(Seed{}), "x", test_keyfile_cost()), std::runtime_error);
  EXPECT_EQ(read_json(p), before);
  EXPECT_EQ(unlock_keyfile(p, "correct horse").public_key(), key().public_key());
}

TEST_F(KeyfileTest, UnwritableDirectoryThrows) {
  EXPECT_THROW(write_keyfile(dir_ / "missing" / "key.json", key(), "x", test_keyfile_cost()),
               std::runtime_error);
}

TEST_F(KeyfileTest, TamperedCiphertext) {
  const fs::path p = write_default();
  edit(p, [](Json& j) { flip_hex(j["ciphertext"]); });
  expect_unlock_fails(p);
}

TEST_F(KeyfileTest, TamperedTag) {
  const fs::path p = write_default();
  edit(p, [](Json& j) {
    std::string s = j["ciphertext"].get<std::string>();
    s.back() = s.back() == '0' ? '1' : '0';
    j["ciphertext"] = s;
  });
  expect_unlock_fails(p);
}

TEST_F(KeyfileTest, TamperedNonce) {
  const fs::path p = write_default();
  edit(p, [](Json& j) { flip_hex(j["cipher"]["nonce"]); });
  expect_unlock_fails(p);
}

TEST_F(KeyfileTest, TamperedSalt) {
  const fs::path p = write_default();
  edit(p, [](Json& j) { flip_hex(j["kdf"]["salt"]); });
  expect_unlock_fails(p);
}

TEST_F(KeyfileTest, TamperedCostParameters) {
  const fs::path p = write_default();
  edit(p, [](Json& j) { j["kdf"]["ops"] = j["kdf"]["ops"].get<unsigned long long>() + 1; });
  expect_unlock_fails(p);
}

TEST_F(KeyfileTest, SwappedPublicKeyIsDetected) {
  const fs::path p = write_default();
  const PublicKey other = KeyPair::from_seed(Seed{99}).public_key();
  edit(p, [&](Json& j) {
    j["public_key"] = telco::to_hex(other);
    j["address"] = Address::from_public_key(other).to_string();
  });
  expect_unlock_fails(p);
}

TEST_F(KeyfileTest, SwappedAddressIsDetected) {
  // The clear address must agree with the clear public key; a wallet that lists keys
  // without the passphrase must never show an address the key cannot sign for.
  const fs::path p = write_default();
  edit(p, [](Json& j) { j["address"] = Address{}.to_string(); });
  EXPECT_THROW(read_keyfile_info(p), std::runtime_error);
  expect_unlock_fails(p);
}

TEST_F(KeyfileTest, MissingFile) {
  EXPECT_THROW(read_keyfile_info(path("nope.json")), std::runtime_error);
  expect_unlock_fails(path("nope.json"));
}

TEST_F(KeyfileTest, MalformedFilesThrowRuntimeError) {
  const std::function<void(Json&)> edits[] = {
      [](Json& j) { j["version"] = 2; },
      [](Json& j) { j["version"] = "1"; },
      [](Json& j) { j.erase("version"); },
      [](Json& j) { j.erase("public_key"); },
      [](Json& j) { j["public_key"] = 5; },
      [](Json& j) { j["public_key"] = "abcd"; },
      [](Json& j) { j["public_key"] = std::string(64, 'z'); },
      [](Json& j) { j.erase("ciphertext"); },
      [](Json& j) { j["ciphertext"] = "00"; },
      [](Json& j) { j.erase("kdf"); },
      [](Json& j) { j["kdf"] = "argon2"; },
      [](Json& j) { j.erase("cipher"); },
      [](Json& j) { j["cipher"]["nonce"] = "00"; },
      [](Json& j) { j["kdf"]["salt"] = "0"; },
      [](Json& j) { j["kdf"]["ops"] = "2"; },
      [](Json& j) { j["kdf"]["ops"] = 0; },
      [](Json& j) { j["kdf"]["ops"] = -1; },
      [](Json& j) { j["kdf"]["mem_bytes"] = "8192"; },
      [](Json& j) { j["kdf"]["mem_bytes"] = 1; },
      [](Json& j) { j["kdf"]["mem_bytes"] = 1ULL << 40; },  // would allocate 1 TiB
      [](Json& j) { j["kdf"].erase("mem_bytes"); },
  };
  int i = 0;
  for (const auto& f : edits) {
    SCOPED_TRACE(i++);
    const fs::path p = write_default("m" + std::to_string(i) + ".json");
    edit(p, f);
    expect_unlock_fails(p);
  }
}

TEST_F(KeyfileTest, NotJsonOrNotAnObject) {
  const char* texts[] = {"", "not json", "{", "[]", "[1,2]", "null", "42", "\"key\"", "{\"version\":1}"};
  for (const char* t : texts) {
    SCOPED_TRACE(t);
    const fs::path p = path("bad.json");
    write_text(p, t);
    EXPECT_THROW(read_keyfile_info(p), std::runtime_error);
    expect_unlock_fails(p);
  }
}

TEST(KeyfileCost, TestCostIsCheaperThanDefault) {
  EXPECT_LT(test_keyfile_cost().mem_bytes, default_keyfile_cost().mem_bytes);
  EXPECT_LE(test_keyfile_cost().ops, default_keyfile_cost().ops);
}

}  // namespace
}  // namespace telco::crypto
