// Envelopes (src/p2p/envelope.h): the input is a sequence of frame plaintexts (u16 LE length,
// bytes). Every fragment the decoder accepts must re-encode to exactly its input (one
// encoding per fragment), reassembled messages never exceed their channel's limit, and the
// bytes held for partial messages stay within the channels' limits.
#include <cstddef>
#include <cstdint>
#include <optional>

#include "fuzz_check.h"
#include "p2p/envelope.h"

namespace {

const telco::p2p::ChannelTable& channels() {
  static const telco::p2p::ChannelTable table = [] {
    telco::p2p::ChannelTable t;
    using telco::p2p::ChannelConfig;
    const auto error = t.add_all({ChannelConfig{.id = 0, .message_bytes_max = 1},
                                  ChannelConfig{.id = 2, .message_bytes_max = 100},
                                  ChannelConfig{.id = 5, .message_bytes_max = 50'000}});
    FUZZ_CHECK(!error.has_value());
    return t;
  }();
  return table;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace telco;
  using namespace telco::p2p;
  std::optional<Reassembler> reassembler(std::in_place, channels());
  std::size_t offset = 0;
  Bytes again;
  while (offset + 2 <= size) {
    const std::size_t n = std::min<std::size_t>(data[offset] | (data[offset + 1] << 8), size - offset - 2);
    const ByteView plaintext(data + offset + 2, n);
    offset += 2 + n;
    Fragment f;
    const FragmentError e = decode_fragment(plaintext, channels(), &f);
    if (e != FragmentError::kNone) continue;
    FUZZ_CHECK(channels().find(f.channel) != nullptr);
    FUZZ_CHECK(f.chunk.size() <= kFragmentChunkBytesMax);
    FUZZ_CHECK(f.last || f.chunk.size() == kFragmentChunkBytesMax);
    encode_fragment(f.channel, f.last, f.chunk, again);
    FUZZ_CHECK(again.size() == plaintext.size() && std::equal(again.begin(), again.end(), plaintext.begin()));
    Bytes message;
    bool complete = false;
    if (reassembler->add(f, &message, &complete) != FragmentError::kNone) {
      reassembler.emplace(channels());  // the connection would be closed; start over
      continue;
    }
    if (complete) FUZZ_CHECK(message.size() <= channels().find(f.channel)->message_bytes_max);
    FUZZ_CHECK(reassembler->partial_bytes() <= 1 + 100 + 50'000);
  }
  return 0;
}
