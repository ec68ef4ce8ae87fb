#include "p2p/frame.h"

#include <sodium.h>

#include <limits>

#include "crypto/hash.h"

namespace telco::p2p {
namespace {

using Nonce = std::array<std::uint8_t, crypto_aead_xchacha20poly1305_ietf_NPUBBYTES>;

Nonce nonce_for(std::uint64_t counter) {
  Nonce n{};
  for (int i = 0; i < 8; ++i) n[i] = static_cast<std::uint8_t>(counter >> (8 * i));
  return n;
}

void put_u32_le(std::uint8_t* out, std::uint32_t v) {
  for (int i = 0; i < 4; ++i) out[i] = static_cast<std::uint8_t>(v >> (8 * i));
}

std::uint32_t get_u32_le(const std::uint8_t* in) {
  return static_cast<std::uint32_t>(in[0]) | static_cast<std::uint32_t>(in[1]) << 8 |
         static_cast<std::uint32_t>(in[2]) << 16 | static_cast<std::uint32_t>(in[3]) << 24;
}

static_assert(kFrameTagBytes == crypto_aead_xchacha20poly1305_ietf_ABYTES);
static_assert(std::tuple_size_v<SessionKey> == crypto_aead_xchacha20poly1305_ietf_KEYBYTES);

}  // namespace

FrameSealer::FrameSealer(const SessionKey& key) : key_(key) { crypto::init(); }

FrameSealer::~FrameSealer() { sodium_memzero(key_.data(), key_.size()); }

FrameSealer::FrameSealer(FrameSealer&& other) noexcept : key_(other.key_), counter_(other.counter_) {
  sodium_memzero(other.key_.data(), other.key_.size());
  other.counter_ = std::numeric_limits<std::uint64_t>::max();  // a moved-from sealer seals nothing
}

bool FrameSealer::seal(ByteView plaintext, Bytes& out) {
  if (plaintext.size() > kFramePlaintextMax || counter_ == std::numeric_limits<std::uint64_t>::max()) {
    return false;
  }
  const std::size_t start = out.size();
  const std::size_t ciphertext_bytes = plaintext.size() + kFrameTagBytes;
  out.resize(start + kFrameLengthBytes + ciphertext_bytes);
  std::uint8_t* header = out.data() + start;
  put_u32_le(header, static_cast<std::uint32_t>(ciphertext_bytes));
  const Nonce nonce = nonce_for(counter_);
  unsigned long long written = 0;
  crypto_aead_xchacha20poly1305_ietf_encrypt(header + kFrameLengthBytes, &written, plaintext.data(),
                                             plaintext.size(), header, kFrameLengthBytes, nullptr,
                                             nonce.data(), key_.data());
  ++counter_;
  return true;
}

FrameOpener::FrameOpener(const SessionKey& key) : key_(key) { crypto::init(); }

FrameOpener::~FrameOpener() { sodium_memzero(key_.data(), key_.size()); }

FrameOpener::FrameOpener(FrameOpener&& other) noexcept : key_(other.key_), counter_(other.counter_) {
  sodium_memzero(other.key_.data(), other.key_.size());
  other.counter_ = std::numeric_limits<std::uint64_t>::max();
}

bool FrameOpener::open(ByteView frame, Bytes& plaintext) {
  if (frame.size() < kFrameLengthBytes + kFrameTagBytes || frame.size() > kFrameBytesMax) return false;
  if (get_u32_le(frame.data()) != frame.size() - kFrameLengthBytes) return false;
  if (counter_ == std::numeric_limits<std::uint64_t>::max()) return false;
  const std::size_t ciphertext_bytes = frame.size() - kFrameLengthBytes;
  plaintext.resize(ciphertext_bytes - kFrameTagBytes);
  const Nonce nonce = nonce_for(counter_);
  unsigned long long opened = 0;
  if (crypto_aead_xchacha20poly1305_ietf_decrypt(plaintext.data(), &opened, nullptr,
                                                 frame.data() + kFrameLengthBytes, ciphertext_bytes,
                                                 frame.data(), kFrameLengthBytes, nonce.data(), key_.data()) != 0) {
    plaintext.clear();
    return false;
  }
  ++counter_;
  return true;
}

FrameSplit split_frame(ByteView buffered, std::size_t ciphertext_max) {
  FrameSplit out;
  if (buffered.size() < kFrameLengthBytes) return out;
  out.claimed_length = get_u32_le(buffered.data());
  if (out.claimed_length > ciphertext_max || out.claimed_length < kFrameTagBytes) {
    out.status = SplitStatus::kBadLength;
    return out;
  }
  const std::size_t total = kFrameLengthBytes + out.claimed_length;
  if (buffered.size() < total) return out;
  out.status = SplitStatus::kFrame;
  out.frame_bytes = total;
  return out;
}

}  // namespace telco::p2p
