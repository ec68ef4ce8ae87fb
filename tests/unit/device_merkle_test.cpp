// modules/device/merkle: property tests over random fleets. Every member's path verifies;
// the path with a wrong index, size, leaf, root, domain or any flipped bit does not.
#include <gtest/gtest.h>

#include <random>

#include "device_fixture.h"
#include "modules/device/limits.h"

namespace telco::test {
namespace {

using namespace modules::device;

std::uint64_t test_seed() {
  const std::uint64_t seed = std::random_device{}();
  std::printf("DeviceMerkle seed %llu\n", static_cast<unsigned long long>(seed));
  return seed;
}

crypto::Hash32 random_hash(std::mt19937_64& rng) {
  crypto::Hash32 h;
  for (auto& b : h) b = static_cast<std::uint8_t>(rng());
  return h;
}

TEST(DeviceMerkle, EveryPathOfRandomFleetsVerifiesAndTamperingFails) {
  const std::uint64_t seed = test_seed();
  std::mt19937_64 rng(seed);
  for (int round = 0; round < 40; ++round) {
    const std::uint64_t size = 1 + rng() % (round < 20 ? 17 : 300);
    std::vector<crypto::Hash32> leaves;
    for (std::uint64_t i = 0; i < size; ++i)
      leaves.push_back(fleet_leaf(random_hash(rng), device_keypair(1).public_key()));
    const MerkleTree tree(kFleetDomain, leaves);
    ASSERT_EQ(tree.root(), merkle_root(kFleetDomain, leaves)) << "seed " << seed;
    const crypto::Hash32 other_root = merkle_root(
        kFleetDomain, std::vector<crypto::Hash32>(leaves.begin(), leaves.end() - (size > 1 ? 1 : 0)));
    for (std::uint64_t i = 0; i < size; ++i) {
      const auto path = tree.path(i);
      ASSERT_LE(path.size(), 9u);
      ASSERT_TRUE(merkle_verify(kFleetDomain, leaves[i], i, size, path, tree.root()))
          << "seed " << seed << " i " << i;
      if (size > 1) {
        // (A one-leaf tree's root is its leaf: no node tag is involved.)
        EXPECT_FALSE(merkle_verify(kReadingDomain, leaves[i], i, size, path, tree.root()));
        EXPECT_FALSE(merkle_verify(kFleetDomain, leaves[i], (i + 1) % size, size, path, tree.root()))
            << "seed " << seed;
        EXPECT_FALSE(merkle_verify(kFleetDomain, leaves[(i + 1) % size], i, size, path, tree.root()));
        EXPECT_FALSE(merkle_verify(kFleetDomain, leaves[i], i, size, path, other_root));
        auto flipped = path;
        flipped[rng() % flipped.size()][rng() % 32] ^= static_cast<std::uint8_t>(1 + rng() % 255);
        EXPECT_FALSE(merkle_verify(kFleetDomain, leaves[i], i, size, flipped, tree.root()))
            << "seed " << seed;
        auto shorter = path;
        shorter.pop_back();
        EXPECT_FALSE(merkle_verify(kFleetDomain, leaves[i], i, size, shorter, tree.root()));
      }
      auto longer = path;
      longer.push_back(random_hash(rng));
      EXPECT_FALSE(merkle_verify(kFleetDomain, leaves[i], i, size, longer, tree.root()));
      EXPECT_FALSE(merkle_verify(kFleetDomain, leaves[i], size, size, path, tree.root()));
    }
  }
}

TEST(DeviceMerkle, SizeIsBoundIntoTheShape) {
  // With 3 leaves the last one is carried up a level: its path for size 3 has one hash and
  // must not verify as if the tree had 4 leaves.
  TestFleet f(3);
  const MerkleTree tree(kFleetDomain, f.leaves);
  const auto path = tree.path(2);
  ASSERT_EQ(path.size(), 1u);
  EXPECT_TRUE(merkle_verify(kFleetDomain, f.leaves[2], 2, 3, path, tree.root()));
  EXPECT_FALSE(merkle_verify(kFleetDomain, f.leaves[2], 2, 4, path, tree.root()));
  EXPECT_FALSE(merkle_verify(kFleetDomain, f.leaves[2], 2, 0, path, tree.root()));
}

TEST(DeviceMerkle, LeafAndNodeTagsDiffer) {
  // A leaf whose data is two child hashes must not equal the node over them.
  const crypto::Hash32 a{1}, b{2};
  Bytes data(a.begin(), a.end());
  data.insert(data.end(), b.begin(), b.end());
  EXPECT_NE(merkle_leaf(kFleetDomain, data), merkle_node(kFleetDomain, a, b));
  EXPECT_NE(merkle_node(kFleetDomain, a, b), merkle_node(kReadingDomain, a, b));
  EXPECT_EQ(merkle_root(kFleetDomain, {}), crypto::Hash32{});
}

TEST(DeviceMerkle, MillionMemberPathHasTwentyHashes) {
  auto numbered = [](std::uint64_t i) {
    crypto::Hash32 h{};
    for (int k = 0; k < 3; ++k) h[k] = static_cast<std::uint8_t>(i >> (8 * k));
    return h;
  };
  std::vector<crypto::Hash32> leaves(kFleetSizeMax);
  for (std::size_t i = 0; i < leaves.size(); ++i) leaves[i] = numbered(i);
  const MerkleTree tree(kFleetDomain, std::move(leaves));
  const auto path = tree.path(765'432);
  EXPECT_EQ(path.size(), kFleetPathMax);
  const crypto::Hash32 leaf = numbered(765'432);
  EXPECT_TRUE(merkle_verify(kFleetDomain, leaf, 765'432, kFleetSizeMax, path, tree.root()));
}

}  // namespace
}  // namespace telco::test
