// Snapshot-channel messages (src/node/snapshot_messages.h): whatever the decoder accepts must
// re-encode to exactly the input, and nothing may crash.
#include <cstddef>
#include <cstdint>

#include "fuzz_check.h"
#include "node/snapshot_messages.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace telco;
  using namespace telco::node::snapshot_wire;
  const ByteView in(data, size);
  const auto m = decode(in);
  if (!m) return 0;
  const Bytes again = encode(*m);
  FUZZ_CHECK(again.size() == size && std::equal(again.begin(), again.end(), in.begin()));
  return 0;
}
