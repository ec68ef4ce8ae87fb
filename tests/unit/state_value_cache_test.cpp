#include "storage/state_value_cache.h"

#include <gtest/gtest.h>

#include <atomic>
#include <map>
#include <mutex>
#include <random>
#include <thread>

namespace telco {
namespace {

using storage::StateValueCache;

Bytes key_of(std::uint32_t n) {
  Bytes k = {0x10};
  for (int i = 0; i < 4; ++i) k.push_back(static_cast<std::uint8_t>(n >> (8 * i)));
  return k;
}

// A store: a map the test writes, then tells the cache about, as Store::commit_block does.
struct ModelStore {
  std::map<Bytes, Bytes> values;
  std::size_t loads = 0;
  std::optional<Bytes> load(ByteView k) {
    ++loads;
    auto it = values.find(Bytes(k.begin(), k.end()));
    if (it == values.end()) return std::nullopt;
    return it->second;
  }
  void write(StateValueCache& cache, const Bytes& k, std::optional<Bytes> v) {
    state::Writes w;
    w[k] = v;
    cache.begin_write(w);
    if (v) {
      values[k] = *v;
    } else {
      values.erase(k);
    }
    cache.end_write(w, true);
  }
};

TEST(StateValueCache, HitsAfterTheFirstReadAndFollowsWrites) {
  StateValueCache cache(1 << 20);
  ModelStore store;
  const auto load = [&](ByteView k) { return store.load(k); };
  store.values[key_of(1)] = {1, 2, 3};
  EXPECT_EQ(cache.get(key_of(1), load), (Bytes{1, 2, 3}));
  EXPECT_EQ(cache.get(key_of(1), load), (Bytes{1, 2, 3}));
  EXPECT_EQ(store.loads, 1u);
  EXPECT_EQ(cache.hits(), 1u);
  EXPECT_EQ(cache.misses(), 1u);
  store.write(cache, key_of(1), Bytes{4});
  EXPECT_EQ(cache.get(key_of(1), load), Bytes{4});
  EXPECT_EQ(store.loads, 1u);  // the write reached the held copy
  store.write(cache, key_of(1), std::nullopt);
  EXPECT_EQ(cache.get(key_of(1), load), std::nullopt);
  EXPECT_EQ(store.loads, 1u);
  store.write(cache, key_of(1), Bytes{5});
  EXPECT_EQ(cache.get(key_of(1), load), Bytes{5});
  // Absent keys go to the store every time and take no room.
  EXPECT_EQ(cache.get(key_of(2), load), std::nullopt);
  EXPECT_EQ(cache.get(key_of(2), load), std::nullopt);
  EXPECT_EQ(store.loads, 3u);
  EXPECT_EQ(cache.entries(), 1u);
  cache.clear();
  EXPECT_EQ(cache.entries(), 0u);
  EXPECT_EQ(cache.bytes(), 0u);
  EXPECT_EQ(cache.get(key_of(1), load), Bytes{5});
  EXPECT_EQ(store.loads, 4u);
}

// The race the generation count closes: the store is read, a block lands, then the reader
// would cache what it read before the block.
TEST(StateValueCache, AValueReadBeforeAWriteIsNotCachedAfterIt) {
  StateValueCache cache(1 << 20);
  ModelStore store;
  store.values[key_of(1)] = {1};
  bool raced = false;
  const auto racing_load = [&](ByteView k) {
    std::optional<Bytes> old = store.load(k);
    if (!raced) {
      raced = true;
      store.write(cache, key_of(1), Bytes{2});
    }
    return old;
  };
  EXPECT_EQ(cache.get(key_of(1), racing_load), Bytes{1});  // what the store said at the read
  const auto load = [&](ByteView k) { return store.load(k); };
  EXPECT_EQ(cache.get(key_of(1), load), Bytes{2});
  EXPECT_EQ(cache.get(key_of(1), load), Bytes{2});
}

// While a write is in progress nothing read from the store is cached (it may be the old
// value or the new one); a failed write leaves held values as they were.
TEST(StateValueCache, NothingIsCachedWhileAWriteIsInProgress) {
  StateValueCache cache(1 << 20);
  ModelStore store;
  const auto load = [&](ByteView k) { return store.load(k); };
  store.values[key_of(1)] = {1};
  store.values[key_of(2)] = {1};
  EXPECT_EQ(cache.get(key_of(2), load), Bytes{1});  // held
  state::Writes w;
  w[key_of(1)] = Bytes{2};
  w[key_of(2)] = Bytes{2};
  cache.begin_write(w);
  store.values[key_of(1)] = {2};  // landed in the store, not yet ended
  EXPECT_EQ(cache.get(key_of(1), load), Bytes{2});
  EXPECT_EQ(cache.get(key_of(2), load), Bytes{1});  // held keys change at the end
  EXPECT_EQ(cache.entries(), 1u);
  cache.end_write(w, true);
  EXPECT_EQ(cache.get(key_of(2), load), Bytes{2});
  state::Writes failed;
  failed[key_of(2)] = Bytes{3};
  cache.begin_write(failed);
  cache.end_write(failed, false);
  EXPECT_EQ(cache.get(key_of(2), load), Bytes{2});
  EXPECT_EQ(cache.get(key_of(1), load), Bytes{2});
  EXPECT_EQ(cache.entries(), 2u);  // cached again once no write is open
}

TEST(StateValueCache, StaysWithinItsBudgetAndKeepsWhatIsRead) {
  constexpr std::size_t kBudget = 64 * 4096;  // 4 KiB a shard
  StateValueCache cache(kBudget);
  ModelStore store;
  const auto load = [&](ByteView k) { return store.load(k); };
  for (std::uint32_t n = 0; n < 20'000; ++n)
    store.values[key_of(n)] = Bytes(40, static_cast<std::uint8_t>(n));
  // A hot set, read between every cold read, survives a scan of everything else.
  std::vector<std::uint32_t> hot;
  for (std::uint32_t n = 0; n < 200; ++n) hot.push_back(n * 97);
  for (const std::uint32_t h : hot) cache.get(key_of(h), load);
  for (std::uint32_t n = 0; n < 20'000; ++n) {
    ASSERT_EQ(cache.get(key_of(n), load), store.values[key_of(n)]);
    ASSERT_LE(cache.bytes(), kBudget);
    if (n % 8 == 0) {
      for (const std::uint32_t h : hot) cache.get(key_of(h), load);
    }
  }
  const std::size_t loads = store.loads;
  for (const std::uint32_t h : hot) cache.get(key_of(h), load);
  EXPECT_LT(store.loads - loads, hot.size() / 4) << "the hot set was evicted by the scan";
  EXPECT_GT(cache.entries(), 0u);
  // An entry bigger than a shard's budget is served, not held.
  store.values[key_of(99'999)] = Bytes(8192, 1);
  EXPECT_EQ(cache.get(key_of(99'999), load)->size(), 8192u);
  EXPECT_LE(cache.bytes(), kBudget);
}

// A full cache still learns: a key read once stays while the hand sweeps the others, not
// only until the next two misses on its shard.
TEST(StateValueCache, ANewKeyInAFullCacheOutlivesTheNextFewMisses) {
  StateValueCache cache(64 * 4096);
  ModelStore store;
  const auto load = [&](ByteView k) { return store.load(k); };
  for (std::uint32_t n = 0; n < 6'000; ++n) store.values[key_of(n)] = Bytes(40, 1);
  for (std::uint32_t n = 0; n < 5'000; ++n) cache.get(key_of(n), load);  // full, nothing referenced
  cache.get(key_of(5'000), load);
  for (std::uint32_t n = 5'001; n < 5'200; ++n) cache.get(key_of(n), load);  // ~3 more per shard
  const std::size_t loads = store.loads;
  EXPECT_EQ(cache.get(key_of(5'000), load), Bytes(40, 1));
  EXPECT_EQ(store.loads, loads);
}

// A held value that grows past its shard's budget does not keep the shard over it.
TEST(StateValueCache, AGrownValueDoesNotBreakTheBudget) {
  StateValueCache cache(64 * 600);
  ModelStore store;
  const auto load = [&](ByteView k) { return store.load(k); };
  store.values[key_of(1)] = Bytes(10, 1);
  cache.get(key_of(1), load);
  EXPECT_EQ(cache.entries(), 1u);
  store.write(cache, key_of(1), Bytes(500, 2));  // 505 + 160 bytes: more than a shard holds
  EXPECT_LE(cache.bytes(), 600u);
  EXPECT_EQ(cache.get(key_of(1), load), Bytes(500, 2));
}

// Random reads and writes at a small budget: every read equals the store.
TEST(StateValueCache, AlwaysAnswersAsTheStoreDoes) {
  for (std::uint32_t seed = 1; seed <= 10; ++seed) {
    std::mt19937 rng(seed);
    StateValueCache cache(64 * 600);
    ModelStore store;
    const auto load = [&](ByteView k) { return store.load(k); };
    for (int step = 0; step < 20'000; ++step) {
      const Bytes k = key_of(rng() % 300);
      switch (rng() % 4) {
        case 0:
          store.write(cache, k, Bytes(rng() % 64, static_cast<std::uint8_t>(step)));
          break;
        case 1:
          if (rng() % 4 == 0) store.write(cache, k, std::nullopt);
          break;
        default:
          ASSERT_EQ(cache.get(k, load), store.load(k)) << "seed " << seed << " step " << step;
      }
      ASSERT_LE(cache.bytes(), 64u * 600) << "seed " << seed << " step " << step;
    }
  }
}

// Readers on several threads while one writer advances every key's version: no reader ever
// sees a key go back to an older version, and at the end all see the last one.
TEST(StateValueCache, ReadersNeverSeeAKeyGoBackwards) {
  StateValueCache cache(64 * 2048);
  std::mutex store_mutex;
  std::map<Bytes, Bytes> store;
  const auto version_of = [](const Bytes& v) { return v[0] | (v[1] << 8) | (v[2] << 16); };
  const auto make = [](std::uint32_t version) {
    return Bytes{static_cast<std::uint8_t>(version), static_cast<std::uint8_t>(version >> 8),
                 static_cast<std::uint8_t>(version >> 16)};
  };
  constexpr std::uint32_t kKeys = 64, kVersions = 3000;
  for (std::uint32_t n = 0; n < kKeys; ++n) store[key_of(n)] = make(0);
  const auto load = [&](ByteView k) -> std::optional<Bytes> {
    std::lock_guard lock(store_mutex);
    auto it = store.find(Bytes(k.begin(), k.end()));
    if (it == store.end()) return std::nullopt;
    return it->second;
  };
  std::atomic<bool> done = false;
  std::atomic<int> backwards = 0;
  std::vector<std::thread> readers;
  for (int t = 0; t < 3; ++t) {
    readers.emplace_back([&, t] {
      std::vector<int> seen(kKeys, 0);
      std::mt19937 rng(t);
      while (!done.load()) {
        const std::uint32_t n = rng() % kKeys;
        const int v = version_of(*cache.get(key_of(n), load));
        if (v < seen[n]) backwards.fetch_add(1);
        seen[n] = v;
      }
    });
  }
  for (std::uint32_t version = 1; version <= kVersions; ++version) {
    state::Writes w;
    for (std::uint32_t n = version % 4; n < kKeys; n += 4) w[key_of(n)] = make(version);
    cache.begin_write(w);  // around the store's write, as Store::commit_block does
    {
      std::lock_guard lock(store_mutex);
      for (const auto& [k, v] : w) store[k] = *v;
    }
    cache.end_write(w, true);
  }
  done = true;
  for (std::thread& r : readers) r.join();
  EXPECT_EQ(backwards.load(), 0);
  for (std::uint32_t n = 0; n < kKeys; ++n) EXPECT_EQ(cache.get(key_of(n), load), store[key_of(n)]);
}

}  // namespace
}  // namespace telco
