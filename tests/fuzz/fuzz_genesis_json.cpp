// Genesis JSON: any text either parses into a genesis that passes validate() or throws
// std::invalid_argument with a sentence; no other exception may escape (an uncaught one
// aborts and libFuzzer reports it). An accepted genesis must survive serialize -> parse.
#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string_view>

#include "chain/genesis.h"
#include "fuzz_check.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace telco;
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  chain::Genesis g;
  try {
    g = chain::parse_genesis_json(text);
  } catch (const std::invalid_argument& e) {
    FUZZ_CHECK(std::string_view(e.what()).substr(0, 9) == "genesis: ");
    return 0;
  }
  chain::validate(g);  // must not throw: parse already validated
  const std::string out = chain::genesis_to_json(g);
  const chain::Genesis back = chain::parse_genesis_json(out);
  FUZZ_CHECK(back == g);
  FUZZ_CHECK(back.hash() == g.hash());
  FUZZ_CHECK(chain::genesis_to_json(back) == out);
  return 0;
}
