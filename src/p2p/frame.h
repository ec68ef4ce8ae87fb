// Sealed frames: how bytes travel on an authenticated connection (docs/P2P.md, "Frames").
//
//   frame = u32 LE length L || L bytes of XChaCha20-Poly1305 ciphertext (plaintext + 16-byte tag)
//
// The length is authenticated as the AEAD's associated data, so changing it is detected. Each
// direction has its own 32-byte key from the handshake and a 64-bit frame counter that starts
// at 0; the 24-byte nonce is the counter in little-endian followed by 16 zero bytes. A nonce
// therefore never repeats under one key, and a dropped, replayed, reordered or altered frame
// fails to open. No rekeying: at 2^64 frames the sealer refuses (unreachable in practice; a
// connection lives far shorter), and a reconnect starts fresh keys.
//
// This file has no Asio: the fuzz build compiles it.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>

#include "util/bytes.h"

namespace telco::p2p {

using SessionKey = std::array<std::uint8_t, 32>;

inline constexpr std::size_t kFrameLengthBytes = 4;
inline constexpr std::size_t kFrameTagBytes = 16;
// Largest plaintext in one frame: a fragment header and up to kFragmentChunkBytesMax of
// message (envelope.h), rounded up to leave room.
inline constexpr std::size_t kFramePlaintextMax = 16 * 1024 + 64;
inline constexpr std::size_t kFrameCiphertextMax = kFramePlaintextMax + kFrameTagBytes;
inline constexpr std::size_t kFrameBytesMax = kFrameLengthBytes + kFrameCiphertextMax;

class FrameSealer {
 public:
  explicit FrameSealer(const SessionKey& key);
  ~FrameSealer();
  FrameSealer(const FrameSealer&) = delete;
  FrameSealer& operator=(const FrameSealer&) = delete;
  FrameSealer(FrameSealer&& other) noexcept;
  FrameSealer& operator=(FrameSealer&&) = delete;

  // Appends one frame holding `plaintext` (at most kFramePlaintextMax bytes) to `out`.
  // Returns false, appending nothing, when the plaintext is too large or the counter is spent.
  [[nodiscard]] bool seal(ByteView plaintext, Bytes& out);
  std::uint64_t frames_sealed() const { return counter_; }

 private:
  SessionKey key_;
  std::uint64_t counter_ = 0;
};

class FrameOpener {
 public:
  explicit FrameOpener(const SessionKey& key);
  ~FrameOpener();
  FrameOpener(const FrameOpener&) = delete;
  FrameOpener& operator=(const FrameOpener&) = delete;
  FrameOpener(FrameOpener&& other) noexcept;
  FrameOpener& operator=(FrameOpener&&) = delete;

  // Opens the next frame: `frame` is the whole frame (length prefix and ciphertext) as
  // split_frame returned it. Replaces `plaintext` with its contents. Returns false when
  // authentication fails; the connection must then be closed (the counter has not moved, but
  // no later frame can be trusted either).
  [[nodiscard]] bool open(ByteView frame, Bytes& plaintext);
  std::uint64_t frames_opened() const { return counter_; }

 private:
  SessionKey key_;
  std::uint64_t counter_ = 0;
};

enum class SplitStatus : std::uint8_t {
  kNeedMore,  // not a whole frame yet
  kFrame,     // `frame_bytes` bytes at the front are one frame
  kBadLength,  // the length prefix is over the limit or below a tag's size: close
};

struct FrameSplit {
  SplitStatus status = SplitStatus::kNeedMore;
  std::size_t frame_bytes = 0;     // prefix + ciphertext, when kFrame
  std::uint32_t claimed_length = 0;  // the prefix's value, for the log line when kBadLength
};

// Finds the first frame in buffered stream bytes, refusing a length over `ciphertext_max`
// before any of that length is buffered.
FrameSplit split_frame(ByteView buffered, std::size_t ciphertext_max = kFrameCiphertextMax);

}  // namespace telco::p2p
