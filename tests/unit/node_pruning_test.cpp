// The pruning window from the node's configuration (storage.state_versions_kept, also
// --state-versions-kept): a node keeps exactly the newest K versions provable; proofs at
// older heights are refused as "no longer stored", recent ones verify against their headers.
#include <gtest/gtest.h>

#include "modules/bank/account.h"
#include "node/config.h"
#include "node/node.h"
#include "state/proof.h"
#include "test_chain.h"

namespace telco {
namespace {

TEST(NodePruning, ConfiguredWindowPrunesOldVersionsAndKeepsRecentOnesProvable) {
  test::TempDir dir;
  const chain::Genesis g = test::make_genesis();
  std::uint64_t clock = g.genesis_time_ms + 1'000;
  node::NodeConfig config =
      node::parse_config_json(R"({"storage": {"sync": false, "state_versions_kept": 5}})");
  ASSERT_EQ(config.storage.state_versions_kept, 5u);
  node::Node node(std::make_shared<const chain::Genesis>(g), test::key(0), config, dir.path(),
                  [&] { return clock; });
  const Bytes key = modules::bank::account_key(test::addr(1));
  for (std::uint64_t n = 0; n < 30; ++n) {
    clock += 10;
    ASSERT_EQ(node.submit({test::transfer(1, test::addr(2), 1, n)})[0].code, chain::ResultCode::kOk);
    ASSERT_TRUE(node.produce_block(false));
  }
  ASSERT_EQ(node.head().height, 30u);
  EXPECT_EQ(node.state_oldest_height(), 26u);  // 26..30: five versions
  for (std::uint64_t h = 0; h <= 30; ++h) {
    auto proof = node.state_proof(key, h);
    if (h < 26) {
      EXPECT_FALSE(proof) << "height " << h << " should be pruned";
      continue;
    }
    ASSERT_TRUE(proof) << "height " << h << " should be provable";
    EXPECT_EQ(proof->state_root, node.header_at(h)->state_root);
    auto decoded = state::decode_proof(proof->proof);
    ASSERT_TRUE(decoded);
    const std::optional<ByteView> claim =
        proof->value ? std::optional<ByteView>(*proof->value) : std::nullopt;
    EXPECT_EQ(state::verify_proof(proof->state_root, key, claim, *decoded), state::ProofFailure::kNone);
  }
}

TEST(NodePruning, WindowAndSnapshotSettingsAreValidated) {
  EXPECT_THROW(node::parse_config_json(R"({"storage": {"state_versions_kept": 1}})"), std::invalid_argument);
  EXPECT_THROW(node::parse_config_json(R"({"snapshot": {"interval": 1000}})"), std::invalid_argument);
  EXPECT_THROW(node::parse_config_json(R"({"snapshot": {"keep": 0}})"), std::invalid_argument);
  EXPECT_THROW(node::parse_config_json(R"({"state_sync": {"enabled": 1}})"), std::invalid_argument);
  EXPECT_THROW(node::parse_config_json(R"({"state_sync": {"bogus": true}})"), std::invalid_argument);
  const node::NodeConfig c = node::parse_config_json(
      R"({"storage": {"state_versions_kept": 200}, "snapshot": {"interval": 100, "keep": 3},
          "state_sync": {"enabled": true, "discovery_ms": 500}})");
  EXPECT_EQ(c.snapshot.interval, 100u);
  EXPECT_EQ(c.snapshot.keep, 3u);
  EXPECT_TRUE(c.state_sync.enabled);
  EXPECT_EQ(c.state_sync.discovery_ms, 500u);
  // Defaults keep the old behaviour: 1 000 versions, no snapshots, no fast sync.
  const node::NodeConfig d = node::parse_config_json("{}");
  EXPECT_EQ(d.storage.state_versions_kept, 1000u);
  EXPECT_EQ(d.snapshot.interval, 0u);
  EXPECT_FALSE(d.state_sync.enabled);
  EXPECT_EQ(node::parse_config_json(node::config_to_json(c)).snapshot.keep, 3u);
}

TEST(NodePruning, RowCacheSettingIsReadCheckedAndWrittenBack) {
  EXPECT_EQ(node::parse_config_json("{}").storage.row_cache_mb, 0u);  // off unless asked for
  const node::NodeConfig c = node::parse_config_json(R"({"storage": {"row_cache_mb": 6144}})");
  EXPECT_EQ(c.storage.row_cache_mb, 6144u);
  EXPECT_EQ(node::parse_config_json(node::config_to_json(c)).storage.row_cache_mb, 6144u);
  EXPECT_THROW(node::parse_config_json(R"({"storage": {"row_cache_mb": 65537}})"), std::invalid_argument);
  EXPECT_THROW(node::parse_config_json(R"({"storage": {"row_cache_mb": -1}})"), std::invalid_argument);
}

TEST(NodePruning, StateCacheSettingIsReadCheckedAndReachesTheStore) {
  EXPECT_EQ(node::parse_config_json("{}").storage.state_cache_mb, 64u);
  const node::NodeConfig c = node::parse_config_json(R"({"storage": {"state_cache_mb": 4096}})");
  EXPECT_EQ(c.storage.state_cache_mb, 4096u);
  EXPECT_EQ(node::parse_config_json(node::config_to_json(c)).storage.state_cache_mb, 4096u);
  EXPECT_EQ(node::store_options(c.storage).state_cache_bytes, std::size_t{4096} << 20);
  EXPECT_EQ(node::store_options(node::parse_config_json(R"({"storage": {"state_cache_mb": 0}})").storage)
                .state_cache_bytes,
            0u);
  EXPECT_THROW(node::parse_config_json(R"({"storage": {"state_cache_mb": 65537}})"), std::invalid_argument);
  EXPECT_THROW(node::parse_config_json(R"({"storage": {"state_cache_mb": "big"}})"), std::invalid_argument);
}

}  // namespace
}  // namespace telco
