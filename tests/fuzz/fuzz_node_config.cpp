// telcod's config.json: any text either parses into a config that passes validate() or
// throws std::invalid_argument with a sentence naming the setting ("config: ..."); no
// other exception may escape. An accepted config must survive write -> read unchanged.
#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string_view>

#include "fuzz_check.h"
#include "node/config.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace telco;
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  node::NodeConfig c;
  try {
    c = node::parse_config_json(text);
  } catch (const std::invalid_argument& e) {
    FUZZ_CHECK(std::string_view(e.what()).substr(0, 8) == "config: ");
    return 0;
  }
  node::validate(c);  // must not throw: parse already validated
  const std::string out = node::config_to_json(c);
  FUZZ_CHECK(node::config_to_json(node::parse_config_json(out)) == out);
  return 0;
}
