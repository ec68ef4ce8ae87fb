// chain/merkle: RFC 6962-shaped binary Merkle root over 32-byte items.
#include "chain/merkle.h"

#include <gtest/gtest.h>

#include <set>
#include <vector>

#include "util/hex.h"

namespace telco::chain {
namespace {

using crypto::Hash32;

// Independent reimplementation: RFC 6962 section 2.1 MTH, written from the definition with
// explicit concatenation (the library hashes incrementally and splits with bit_floor).
Hash32 reference_root(const std::vector<Hash32>& items) {
  if (items.empty()) return crypto::blake2b_256({});
  if (items.size() == 1) {
    Bytes b = {0x00};
    b.insert(b.end(), items[0].begin(), items[0].end());
    return crypto::blake2b_256(b);
  }
  std::size_t k = 1;
  while (k * 2 < items.size()) k *= 2;  // largest power of two strictly below n
  const Hash32 l = reference_root({items.begin(), items.begin() + static_cast<std::ptrdiff_t>(k)});
  const Hash32 r = reference_root({items.begin() + static_cast<std::ptrdiff_t>(k), items.end()});
  Bytes b = {0x01};
  b.insert(b.end(), l.begin(), l.end());
  b.insert(b.end(), r.begin(), r.end());
  return crypto::blake2b_256(b);
}

std::vector<Hash32> items(std::size_t n) {
  std::vector<Hash32> out;
  for (std::size_t i = 0; i < n; ++i) {
    const std::uint8_t b = static_cast<std::uint8_t>(i);
    out.push_back(crypto::blake2b_256(ByteView(&b, 1)));
  }
  return out;
}

TEST(Merkle, MatchesIndependentImplementation) {
  for (std::size_t n : {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 15, 16, 17, 31, 33, 100}) {
    const auto v = items(n);
    EXPECT_EQ(merkle_root(v), reference_root(v)) << n;
  }
}

TEST(Merkle, KnownRoots) {
  // Computed with Python hashlib.blake2b(digest_size=32) over items[i] = H(bytes([i])).
  const std::pair<std::size_t, const char*> cases[] = {
      {0, "0e5751c026e543b2e8ab2eb06099daa1d1e5df47778f7787faab45cdf12fe3a8"},
      {1, "3946e42970577c9173a8f4d152fd19978ce2dd8ebe9ae841b0ce809661d3aa0c"},
      {2, "b8bc17005fd60e103d27fb7b417ed7601d74f2a887800356cb2c986f8bbf9e3b"},
      {3, "e13696916a40519dfef0ed54b55992e01bf1993215ba50ac94c75be929ebbeb8"},
      {4, "c583c5be3d0ba89b471c26635e07671fd9d9f5654c4f56571aa17d65ba4ba221"},
      {5, "dc31f41937b6ebc00567efa88bbecb2f66124988b2643f0eee68098092e7e320"},
      {7, "947ce8abe033ade23df99636881bb7cbb3e15e4a0db15acb36f7f08fcd5c02d7"},
      {8, "fc1e91df617b2bf14a4b88002a2aa89cf92dae9eec2913e867c9cc096b0fa177"},
      {9, "3fec279300ea077c818ce8eda894a2a853ccd426672a80981b2b5228a954f883"},
  };
  for (const auto& [n, hex] : cases) EXPECT_EQ(to_hex(merkle_root(items(n))), hex) << n;
}

TEST(Merkle, EmptyIsHashOfNothing) { EXPECT_EQ(merkle_root({}), crypto::blake2b_256({})); }

TEST(Merkle, SingleLeafIsDomainSeparated) {
  const auto v = items(1);
  EXPECT_NE(merkle_root(v), v[0]);  // a leaf is H(0x00 || item), never the item itself
}

TEST(Merkle, OrderSensitive) {
  auto v = items(5);
  const Hash32 root = merkle_root(v);
  for (std::size_t i = 0; i + 1 < v.size(); ++i) {
    auto w = v;
    std::swap(w[i], w[i + 1]);
    EXPECT_NE(merkle_root(w), root) << i;
  }
}

TEST(Merkle, NoDuplicateLastElementAmbiguity) {
  // Bitcoin's tree gives [a,b,c] and [a,b,c,c] the same root; this one must not.
  const auto v = items(3);
  auto w = v;
  w.push_back(v[2]);
  EXPECT_NE(merkle_root(v), merkle_root(w));
  auto two = items(2);
  auto two_dup = two;
  two_dup.push_back(two[1]);
  EXPECT_NE(merkle_root(two), merkle_root(two_dup));
}

TEST(Merkle, InnerNodeCannotPoseAsLeafList) {
  // The root of [a,b] must differ from the root of the single item H(0x01||leaf(a)||leaf(b))
  // would-be collisions between levels are prevented by the 0x00/0x01 prefixes.
  const auto v = items(2);
  const Hash32 root2 = merkle_root(v);
  EXPECT_NE(merkle_root(std::vector<Hash32>{root2}), root2);
}

TEST(Merkle, EveryItemChangesTheRoot) {
  const auto v = items(9);
  std::set<Hash32> roots = {merkle_root(v)};
  for (std::size_t i = 0; i < v.size(); ++i) {
    auto w = v;
    w[i][0] ^= 0x80;
    EXPECT_TRUE(roots.insert(merkle_root(w)).second) << i;
  }
}

TEST(Merkle, PrefixListsDiffer) {
  const auto v = items(9);
  std::set<Hash32> roots;
  for (std::size_t n = 0; n <= v.size(); ++n) {
    EXPECT_TRUE(roots.insert(merkle_root(std::span<const Hash32>(v.data(), n))).second) << n;
  }
}

}  // namespace
}  // namespace telco::chain
