// Sealed frames (src/p2p/frame.h): any byte stream, split and opened as a peer's traffic,
// must never crash, read past its input or accept a frame over the limit; and any plaintext
// sealed and opened comes back intact, while flipping any one bit of the frame is refused.
#include <cstddef>
#include <cstdint>

#include "fuzz_check.h"
#include "p2p/frame.h"

namespace {

telco::p2p::SessionKey fixed_key() {
  telco::p2p::SessionKey k{};
  for (std::size_t i = 0; i < k.size(); ++i) k[i] = static_cast<std::uint8_t>(i * 13 + 1);
  return k;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace telco;
  using namespace telco::p2p;
  if (size == 0) return 0;
  const ByteView input(data + 1, size - 1);
  if (data[0] % 2 == 0) {
    // The input as a stream from a peer.
    FrameOpener opener(fixed_key());
    std::size_t offset = 0;
    Bytes plain;
    for (int frames = 0; frames < 1000; ++frames) {
      const FrameSplit split = split_frame(input.subspan(offset));
      if (split.status == SplitStatus::kNeedMore) break;
      if (split.status == SplitStatus::kBadLength) {
        FUZZ_CHECK(split.claimed_length > kFrameCiphertextMax || split.claimed_length < kFrameTagBytes);
        break;
      }
      FUZZ_CHECK(split.frame_bytes <= input.size() - offset);
      FUZZ_CHECK(split.frame_bytes <= kFrameBytesMax);
      if (!opener.open(input.subspan(offset, split.frame_bytes), plain)) break;
      FUZZ_CHECK(plain.size() + kFrameTagBytes + kFrameLengthBytes == split.frame_bytes);
      offset += split.frame_bytes;
    }
    return 0;
  }
  // Round trip and tamper detection.
  const ByteView plaintext = input.first(std::min(input.size(), kFramePlaintextMax));
  FrameSealer sealer(fixed_key());
  Bytes frame;
  FUZZ_CHECK(sealer.seal(plaintext, frame));
  FUZZ_CHECK(frame.size() == kFrameLengthBytes + plaintext.size() + kFrameTagBytes);
  const FrameSplit split = split_frame(frame);
  FUZZ_CHECK(split.status == SplitStatus::kFrame && split.frame_bytes == frame.size());
  Bytes back;
  {
    FrameOpener opener(fixed_key());
    FUZZ_CHECK(opener.open(frame, back));
    FUZZ_CHECK(back.size() == plaintext.size() && std::equal(back.begin(), back.end(), plaintext.begin()));
  }
  const std::size_t bit = (static_cast<std::size_t>(data[0]) * 7919 + size) % (frame.size() * 8);
  frame[bit / 8] ^= static_cast<std::uint8_t>(1u << (bit % 8));
  FrameOpener opener(fixed_key());
  FUZZ_CHECK(!opener.open(frame, back));
  return 0;
}
