// node/genesis_cache: a restart reads the cached canonical genesis instead of the JSON, and
// any change to the JSON or damage to the cache falls back to parsing the JSON.
#include "node/genesis_cache.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <fstream>
#include <iterator>
#include <string>

#include "crypto/ed25519.h"

namespace telco::node {
namespace {

chain::Genesis sample(std::uint64_t extra_accounts) {
  chain::Genesis g;
  g.chain_id = "telco-cache-test";
  g.genesis_time_ms = 1'700'000'000'000ULL;
  crypto::Seed seed{};
  seed.fill(7);
  g.validators.push_back({"v0", crypto::KeyPair::from_seed(seed).public_key(), 1});
  for (std::uint64_t i = 0; i < extra_accounts; ++i) {
    crypto::Address a;
    for (std::size_t b = 0; b < 8; ++b) a.bytes[b] = static_cast<std::uint8_t>(i >> (8 * b));
    g.accounts.push_back({a, 1'000 + i});
  }
  return g;
}

class GenesisCacheTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string tmpl = (std::filesystem::temp_directory_path() / "telco-gcache-XXXXXX").string();
    ASSERT_NE(::mkdtemp(tmpl.data()), nullptr);
    dir_ = tmpl;
    json_ = dir_ / "genesis.json";
    cache_ = dir_ / "data" / "genesis.cache";
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  void write_json(const chain::Genesis& g) {
    std::ofstream out(json_, std::ios::trunc);
    out << chain::genesis_to_json(g);
  }
  std::string read_cache() const {
    std::ifstream in(cache_, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
  }

  std::filesystem::path dir_, json_, cache_;
};

TEST_F(GenesisCacheTest, FirstLoadParsesAndWritesTheCacheLaterLoadsUseIt) {
  const chain::Genesis g = sample(50);
  write_json(g);
  LoadedGenesis first = load_genesis_cached(json_, cache_);
  EXPECT_FALSE(first.from_cache);
  EXPECT_EQ(*first.genesis, g);
  ASSERT_TRUE(std::filesystem::exists(cache_));
  EXPECT_FALSE(std::filesystem::exists(cache_.string() + ".tmp"));

  LoadedGenesis second = load_genesis_cached(json_, cache_);
  EXPECT_TRUE(second.from_cache);
  EXPECT_EQ(*second.genesis, g);
  EXPECT_EQ(second.genesis->hash(), g.hash());
}

TEST_F(GenesisCacheTest, AChangedJsonIsParsedAgainAndReplacesTheCache) {
  write_json(sample(3));
  (void)load_genesis_cached(json_, cache_);
  const chain::Genesis changed = sample(4);
  write_json(changed);
  LoadedGenesis loaded = load_genesis_cached(json_, cache_);
  EXPECT_FALSE(loaded.from_cache);
  EXPECT_EQ(*loaded.genesis, changed);
  EXPECT_TRUE(load_genesis_cached(json_, cache_).from_cache);
}

TEST_F(GenesisCacheTest, AnInvalidJsonIsRejectedEvenWhenAnOldCacheExists) {
  write_json(sample(3));
  (void)load_genesis_cached(json_, cache_);
  {
    std::ofstream out(json_, std::ios::trunc);
    out << "{\"chain_id\": \"x\"";
  }
  EXPECT_THROW(load_genesis_cached(json_, cache_), std::invalid_argument);
}

TEST_F(GenesisCacheTest, EveryDamagedByteOfTheCacheFallsBackToTheJson) {
  const chain::Genesis g = sample(2);
  write_json(g);
  (void)load_genesis_cached(json_, cache_);
  const std::string good = read_cache();
  ASSERT_GT(good.size(), 72u);
  for (std::size_t i = 0; i < good.size(); ++i) {
    std::string bad = good;
    bad[i] = static_cast<char>(bad[i] ^ 0x20);
    {
      std::ofstream out(cache_, std::ios::binary | std::ios::trunc);
      out << bad;
    }
    LoadedGenesis loaded = load_genesis_cached(json_, cache_);
    EXPECT_FALSE(loaded.from_cache) << "byte " << i;
    EXPECT_EQ(*loaded.genesis, g);
    EXPECT_EQ(read_cache(), good) << "cache not rewritten after damage at byte " << i;
  }
  // Truncated and empty caches too.
  for (std::size_t n : {std::size_t{0}, std::size_t{10}, good.size() - 1}) {
    {
      std::ofstream out(cache_, std::ios::binary | std::ios::trunc);
      out << good.substr(0, n);
    }
    EXPECT_FALSE(load_genesis_cached(json_, cache_).from_cache) << "length " << n;
  }
}

TEST_F(GenesisCacheTest, MissingJsonIsAClearError) {
  try {
    (void)load_genesis_cached(json_, cache_);
    FAIL() << "no exception";
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("cannot open"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace telco::node
