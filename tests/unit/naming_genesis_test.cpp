// chain/genesis naming section: optional (absent keeps old encodings and hashes), parsed
// with defaults, validated, canonically encoded and round-tripped; written to state.
#include <gtest/gtest.h>

#include "chain/genesis.h"
#include "modules/naming/state.h"
#include "test_chain.h"

namespace telco::chain {
namespace {

std::string genesis_json(const std::string& naming) {
  return R"({"chain_id":"n-1","genesis_time_ms":1,"validators":[{"public_key":")" +
         crypto::to_hex(test::key(0).public_key()) + R"(","power":1}])" + (naming.empty() ? "" : ",\"naming\":" + naming) + "}";
}

TEST(NamingGenesis, AbsentSectionKeepsTheEncoding) {
  const Genesis g = parse_genesis_json(genesis_json(""));
  EXPECT_FALSE(g.naming);
  EXPECT_EQ(g.naming_params(), NamingParams{});
  Genesis with = g;
  with.naming = NamingParams{};
  EXPECT_NE(with.hash(), g.hash()) << "an explicit section is part of the hash";
  const Bytes plain = encode_genesis(g);
  EXPECT_EQ(encode_genesis(*decode_genesis(plain)), plain);
}

TEST(NamingGenesis, ParsesValidatesAndRoundTrips) {
  const std::string authority = test::addr(5).to_string();
  const Genesis g = parse_genesis_json(genesis_json(R"({"top_level_labels":["tel","sip"],"name_expiry_blocks":"1000",
      "name_grace_blocks":50,"reveal_window_blocks":20,"port_deadline_blocks":7,"numbering_authority":")" +
                                                    authority + "\"}"));
  ASSERT_TRUE(g.naming);
  EXPECT_EQ(g.naming->top_level_labels, (std::vector<std::string>{"tel", "sip"}));
  EXPECT_EQ(g.naming->name_expiry_blocks, 1000u);
  EXPECT_EQ(g.naming->numbering_authority, test::addr(5));
  const Bytes bytes = encode_genesis(g);
  auto back = decode_genesis(bytes);
  ASSERT_TRUE(back);
  EXPECT_EQ(*back, g);
  EXPECT_EQ(parse_genesis_json(genesis_to_json(g)), g);
  Bytes trailing = bytes;
  trailing.push_back(0);
  EXPECT_FALSE(decode_genesis(trailing));
  // Defaults for what the section leaves out.
  const Genesis d = parse_genesis_json(genesis_json("{}"));
  EXPECT_EQ(*d.naming, NamingParams{});
}

TEST(NamingGenesis, RefusesBadParameters) {
  for (const char* bad : {R"({"top_level_labels":[]})", R"({"top_level_labels":["Tel"]})",
                          R"({"top_level_labels":["arpa"]})", R"({"top_level_labels":["tel","tel"]})",
                          R"({"top_level_labels":["-x"]})", R"({"name_expiry_blocks":0})",
                          R"({"reveal_window_blocks":1})", R"({"port_deadline_blocks":0})",
                          R"({"numbering_authority":"tc1nope"})", R"({"unknown":1})", R"([])"}) {
    EXPECT_THROW(parse_genesis_json(genesis_json(bad)), std::invalid_argument) << bad;
  }
}

TEST(NamingGenesis, ParamsReachState) {
  Genesis g = test::make_genesis();
  test::MapView view;
  EXPECT_EQ(modules::naming::load_params(view), NamingParams{});
  g.naming = NamingParams{};
  g.naming->top_level_labels = {"tel", "mobile"};
  g.naming->numbering_authority = test::addr(5);
  state::WriteSet ws(view);
  modules::naming::write_genesis_state(g, ws);
  view.apply(ws.writes());
  EXPECT_EQ(modules::naming::load_params(view), *g.naming);
}

}  // namespace
}  // namespace telco::chain
