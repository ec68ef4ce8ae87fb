// node/state_cache: the producer's cache always answers what the store would.
#include "node/state_cache.h"

#include <gtest/gtest.h>

#include <map>
#include <random>

namespace telco::node {
namespace {

// A store stand-in that counts lookups.
class CountingView final : public state::StateView {
 public:
  std::optional<Bytes> get(ByteView key) const override {
    ++reads;
    auto it = data.find(Bytes(key.begin(), key.end()));
    if (it == data.end()) return std::nullopt;
    return it->second;
  }
  void apply(const state::Writes& writes) {
    for (const auto& [k, v] : writes) {
      if (v) {
        data[k] = *v;
      } else {
        data.erase(k);
      }
    }
  }
  std::map<Bytes, Bytes, BytesLess> data;
  mutable std::size_t reads = 0;
};

Bytes b(std::string_view s) { return Bytes(s.begin(), s.end()); }

TEST(StateCache, ReadsThroughOnceThenServesHitsIncludingAbsentKeys) {
  CountingView store;
  store.data[b("a")] = b("1");
  StateCache cache(store);
  EXPECT_EQ(cache.get(b("a")), b("1"));
  EXPECT_EQ(cache.get(b("a")), b("1"));
  EXPECT_EQ(cache.get(b("missing")), std::nullopt);
  EXPECT_EQ(cache.get(b("missing")), std::nullopt);
  EXPECT_EQ(store.reads, 2u);
  EXPECT_EQ(cache.hits(), 2u);
  EXPECT_EQ(cache.misses(), 2u);
}

TEST(StateCache, CommittedWritesReplaceCachedValuesAndDeletesBecomeAbsent) {
  CountingView store;
  store.data[b("a")] = b("1");
  store.data[b("b")] = b("2");
  StateCache cache(store);
  ASSERT_EQ(cache.get(b("a")), b("1"));
  ASSERT_EQ(cache.get(b("b")), b("2"));
  const state::Writes block{{b("a"), b("10")}, {b("b"), std::nullopt}, {b("c"), b("3")}};
  store.apply(block);
  cache.apply(block);
  const std::size_t reads = store.reads;
  EXPECT_EQ(cache.get(b("a")), b("10"));
  EXPECT_EQ(cache.get(b("b")), std::nullopt);
  EXPECT_EQ(cache.get(b("c")), b("3"));
  EXPECT_EQ(store.reads, reads) << "written keys must be served from the cache";
}

// Random blocks of writes and reads: the cache and the store never disagree, also across
// the clears that keep it bounded.
TEST(StateCache, AgreesWithTheStoreUnderRandomBlocksAndStaysBounded) {
  CountingView store;
  StateCache cache(store);
  std::mt19937_64 rng(7);
  const std::size_t key_space = StateCache::kEntriesMax + 1000;
  auto key = [&](std::size_t i) { return b("k" + std::to_string(i)); };
  for (int block = 0; block < 40; ++block) {
    state::Writes writes;
    for (int i = 0; i < 2000; ++i) {
      const std::size_t k = rng() % key_space;
      if (rng() % 5 == 0) {
        writes[key(k)] = std::nullopt;
      } else {
        writes[key(k)] = b(std::to_string(rng()));
      }
    }
    store.apply(writes);
    cache.apply(writes);
    for (int i = 0; i < 2000; ++i) {
      const Bytes k = key(rng() % key_space);
      ASSERT_EQ(cache.get(k), store.get(k)) << "block " << block;
    }
  }
  // Fill past the bound: the cache clears itself and keeps answering correctly.
  for (std::size_t i = 0; i < key_space; ++i) (void)cache.get(key(i));
  EXPECT_LE(cache.size(), StateCache::kEntriesMax);
  for (std::size_t i = 0; i < key_space; i += 997) EXPECT_EQ(cache.get(key(i)), store.get(key(i)));
}

}  // namespace
}  // namespace telco::node
