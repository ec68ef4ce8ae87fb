// Snapshot manifests and chunks (src/state/snapshot.h), as a peer sends them for fast sync.
// The first byte picks the decoder. Whatever decodes must re-encode to exactly the input;
// verifying a decoded manifest against its own root, and a decoded chunk against an entry
// made from it, must not crash, and a chunk that verifies must rebuild a subtree without
// throwing. Nothing may crash on any input.
#include <cstddef>
#include <cstdint>

#include "fuzz_check.h"
#include "state/snapshot.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace telco;
  using namespace telco::state;
  if (size < 1) return 0;
  const ByteView in(data + 1, size - 1);
  if (data[0] & 1) {
    const auto m = decode_manifest(in);
    if (!m) return 0;
    const Bytes again = m->encode();
    FUZZ_CHECK(again.size() == in.size() && std::equal(again.begin(), again.end(), in.begin()));
    const SnapshotFailure f = verify_manifest(*m, m->height, m->state_root);
    if (f == SnapshotFailure::kNone) {
      // A verified cover builds its upper nodes; one-key entries get a placeholder leaf.
      const TreeUpdate u = upper_nodes(*m, [](std::size_t) { return SnapshotLeaf{Bytes{1}, Bytes{2}}; });
      FUZZ_CHECK(u.version == m->height);
    }
    return 0;
  }
  const auto c = decode_chunk(in);
  if (!c) return 0;
  const Bytes again = c->encode();
  FUZZ_CHECK(again.size() == in.size() && std::equal(again.begin(), again.end(), in.begin()));
  SnapshotEntry entry;
  entry.prefix = c->prefix;
  entry.keys = c->leaves.size();
  entry.chunk_bytes = static_cast<std::uint32_t>(in.size());
  SnapshotChunk out;
  if (verify_chunk(entry, in, &out) == SnapshotFailure::kHashMismatch) {
    // Well-ordered leaves under the prefix: the subtree builds.
    const auto nodes = chunk_nodes(7, out.leaves.empty() ? *c : out);
    FUZZ_CHECK(c->leaves.size() >= 2 || nodes.empty());
  }
  return 0;
}
