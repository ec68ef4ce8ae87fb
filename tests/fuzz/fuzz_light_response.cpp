// The light client's decoding of node answers (light/wire.h) from arbitrary bytes taken as
// JSON text, then the decoded headers fed to a light client of a fixed four-validator
// genesis. Nothing may crash or throw; every refusal must carry a named reason; whatever
// header decodes must re-encode to the bytes its hash was checked against; a client must
// only ever advance one height at a time.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "fuzz_check.h"
#include "light/light_client.h"
#include "light/wire.h"

namespace {

using namespace telco;

chain::Genesis make_genesis() {
  chain::Genesis g;
  g.chain_id = "telco-fuzz";
  g.genesis_time_ms = 1'700'000'000'000;
  for (std::uint8_t i = 0; i < 4; ++i) {
    crypto::Seed seed{};
    seed.fill(static_cast<std::uint8_t>(0x40 + i));
    g.validators.push_back({"v" + std::to_string(i), crypto::KeyPair::from_seed(seed).public_key(), 1});
  }
  return g;
}

void check_verdict(const light::Verdict& v) {
  FUZZ_CHECK(!v.ok());
  FUZZ_CHECK(std::string_view(light::code_name(v.reason)) != "unknown");
  FUZZ_CHECK(!v.message().empty());
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const chain::Genesis genesis = make_genesis();
  const auto j = nlohmann::json::parse(data, data + size, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) return 0;
  light::Verdict why;

  if (auto page = light::decode_headers_page(j, light::kHeadersPageMax, &why)) {
    FUZZ_CHECK(page->size() <= light::kHeadersPageMax);
    auto client = light::LightClient::from_genesis(genesis, &why);
    FUZZ_CHECK(client.has_value());
    for (const light::SignedHeader& s : *page) {
      const Bytes again = s.header.encode();
      FUZZ_CHECK(chain::decode_header(again).has_value());
      const std::uint64_t before = client->height();
      const light::Verdict v = client->verify_next(s.header, s.commit);
      FUZZ_CHECK(client->height() == (v.ok() ? before + 1 : before));
      if (!v.ok()) check_verdict(v);
    }
  } else {
    check_verdict(why);
  }
  if (auto header = light::decode_signed_header(j, &why)) {
    FUZZ_CHECK(header->commit.signatures.size() <= chain::kValidatorsMax);
  } else {
    check_verdict(why);
  }
  if (auto proven = light::decode_state_proof(j, &why)) {
    FUZZ_CHECK(proven->proof.well_formed());
  } else {
    check_verdict(why);
  }
  if (auto set = light::decode_validator_set(j, &why)) {
    FUZZ_CHECK(set->size() <= chain::kValidatorsMax);
  } else {
    check_verdict(why);
  }
  if (auto changes = light::decode_validator_changes(j, &why)) {
    FUZZ_CHECK(changes->size() <= light::kChangesPageMax);
    for (std::size_t i = 1; i < changes->size(); ++i)
      FUZZ_CHECK((*changes)[i - 1].height < (*changes)[i].height);
  } else {
    check_verdict(why);
  }
  return 0;
}
