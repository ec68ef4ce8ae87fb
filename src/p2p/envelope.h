// Envelopes: a message is (channel, payload bytes). On the wire one message travels as one or
// more fragments, one fragment per sealed frame, so a large message (a block for block sync)
// never holds the link for long: fragments of different channels interleave by priority and
// each channel reassembles its own messages (docs/P2P.md, "Envelopes").
//
//   fragment = u8 channel || u8 flags || bytes chunk        (canonical codec: u32 LE length)
//   flags    = bit 0 "last fragment of the message"; the other bits must be 0
//
// Canonical: every fragment but the last carries exactly kFragmentChunkBytesMax bytes, so a
// message has exactly one fragmentation, and a non-final fragment can never be tiny (which
// bounds the frames a peer can make us open per byte), and a last fragment after full ones is
// not empty. An empty message is one empty last fragment.
//
// No Asio: the fuzz build compiles this file.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>

#include "p2p/channel.h"
#include "p2p/frame.h"
#include "util/bytes.h"

namespace telco::p2p {

inline constexpr std::size_t kFragmentChunkBytesMax = 16 * 1024;
inline constexpr std::size_t kFragmentHeaderBytes = 1 + 1 + 4;
inline constexpr std::uint8_t kFragmentFlagLast = 0x01;
static_assert(kFragmentHeaderBytes + kFragmentChunkBytesMax <= kFramePlaintextMax);

struct Fragment {
  ChannelId channel = 0;
  bool last = false;
  ByteView chunk;  // points into the decoded plaintext
};

enum class FragmentError : std::uint8_t {
  kNone = 0,
  kMalformed,       // truncated, trailing bytes, reserved flag bits, chunk over the maximum
  kNotCanonical,    // a non-final fragment that is not full
  kUnknownChannel,  // a channel this node did not declare
  kMessageTooLarge, // the message being reassembled grew past its channel's limit
};

const char* describe(FragmentError e);

// Replaces `out` with the encoding of one fragment.
void encode_fragment(ChannelId channel, bool last, ByteView chunk, Bytes& out);

// Decodes one frame's plaintext; the channel must be in `channels`.
FragmentError decode_fragment(ByteView plaintext, const ChannelTable& channels, Fragment* out);

// The number of fragments a message of `payload_bytes` is sent as (at least 1).
std::size_t fragment_count(std::size_t payload_bytes);

// Rebuilds messages from one peer's fragments, one partial message per channel, each bounded
// by its channel's message_bytes_max (memory grows only as bytes arrive, never from a claim).
class Reassembler {
 public:
  explicit Reassembler(const ChannelTable& channels) : channels_(channels) {}

  // Adds a decoded fragment. When it completes a message, moves the payload into `*message`
  // and sets `*complete`. Any error means the peer broke the protocol.
  FragmentError add(const Fragment& fragment, Bytes* message, bool* complete);
  // Bytes held in unfinished messages across all channels.
  std::size_t partial_bytes() const { return partial_bytes_; }

 private:
  const ChannelTable& channels_;
  std::array<Bytes, 256> partial_{};
  std::size_t partial_bytes_ = 0;
};

}  // namespace telco::p2p
