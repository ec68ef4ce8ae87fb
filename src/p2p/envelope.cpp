#include "p2p/envelope.h"

#include "codec/reader.h"

namespace telco::p2p {

const char* describe(FragmentError e) {
  switch (e) {
    case FragmentError::kNone: return "ok";
    case FragmentError::kMalformed: return "malformed fragment";
    case FragmentError::kNotCanonical: return "non-final fragment not full (non-canonical)";
    case FragmentError::kUnknownChannel: return "unknown channel";
    case FragmentError::kMessageTooLarge: return "message over its channel's size limit";
  }
  return "unknown fragment error";
}

void encode_fragment(ChannelId channel, bool last, ByteView chunk, Bytes& out) {
  out.resize(kFragmentHeaderBytes + chunk.size());
  out[0] = channel;
  out[1] = last ? kFragmentFlagLast : 0;
  const auto n = static_cast<std::uint32_t>(chunk.size());
  for (int i = 0; i < 4; ++i) out[2 + i] = static_cast<std::uint8_t>(n >> (8 * i));
  if (!chunk.empty()) std::copy(chunk.begin(), chunk.end(), out.begin() + kFragmentHeaderBytes);
}

FragmentError decode_fragment(ByteView plaintext, const ChannelTable& channels, Fragment* out) {
  codec::Reader r(plaintext);
  const ChannelId channel = r.u8();
  const std::uint8_t flags = r.u8();
  const ByteView chunk = r.bytes_view(kFragmentChunkBytesMax);
  if (!r.finish() || (flags & ~kFragmentFlagLast) != 0) return FragmentError::kMalformed;
  const bool last = (flags & kFragmentFlagLast) != 0;
  if (!last && chunk.size() != kFragmentChunkBytesMax) return FragmentError::kNotCanonical;
  if (channels.find(channel) == nullptr) return FragmentError::kUnknownChannel;
  *out = Fragment{channel, last, chunk};
  return FragmentError::kNone;
}

std::size_t fragment_count(std::size_t payload_bytes) {
  // A payload that is an exact multiple of the chunk size still ends with a full last
  // fragment, not an extra empty one.
  return payload_bytes == 0 ? 1 : (payload_bytes + kFragmentChunkBytesMax - 1) / kFragmentChunkBytesMax;
}

FragmentError Reassembler::add(const Fragment& fragment, Bytes* message, bool* complete) {
  *complete = false;
  const ChannelConfig* config = channels_.find(fragment.channel);
  if (config == nullptr) return FragmentError::kUnknownChannel;
  Bytes& partial = partial_[fragment.channel];
  // After full fragments the last one carries at least one byte; an empty one would be a
  // second fragmentation of the same message.
  if (fragment.last && fragment.chunk.empty() && !partial.empty()) return FragmentError::kNotCanonical;
  if (partial.size() + fragment.chunk.size() > config->message_bytes_max) return FragmentError::kMessageTooLarge;
  if (fragment.last && partial.empty()) {
    message->assign(fragment.chunk.begin(), fragment.chunk.end());  // the common case: no copy into partial
    *complete = true;
    return FragmentError::kNone;
  }
  partial.insert(partial.end(), fragment.chunk.begin(), fragment.chunk.end());
  partial_bytes_ += fragment.chunk.size();
  if (!fragment.last) return FragmentError::kNone;
  partial_bytes_ -= partial.size();
  *message = std::move(partial);
  partial = Bytes();
  *complete = true;
  return FragmentError::kNone;
}

}  // namespace telco::p2p
