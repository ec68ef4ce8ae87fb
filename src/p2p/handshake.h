// The connection handshake (docs/P2P.md, "Handshake"): an ephemeral X25519 key exchange that
// gives each direction its own key, then each side proves its long-term Ed25519 node key by
// signing the transcript, inside the now-encrypted channel.
//
//   1. both sides send  hello = "TLCP" || u16 LE version || 32-byte ephemeral X25519 key
//   2. the side with the lexicographically smaller ephemeral key is the crypto_kx client;
//      crypto_kx derives (rx, tx) session keys; equal keys (our own key reflected) are refused
//   3. both sides send one sealed frame (frame.h) holding
//        auth = string chain_id || node key[32] || u16 listen_port || string agent || sig[64]
//      sig = Ed25519(node key, BLAKE2b-256(string "telco/p2p/handshake/v1" || string chain_id
//                                          || client ephemeral || server ephemeral) || u8 role)
//      role: 0 = signer is the client, 1 = the server (so the two proofs differ).
//   4. each side checks the chain id, then the signature. A man in the middle has to run a
//      separate exchange with each side, so the transcripts differ and neither side's
//      signature verifies on the other leg.
//
// This class is the pure state machine (no sockets, no clock): the connection feeds it bytes
// and applies the node-level checks (self, expected key, bans) to the identity it returns.
// No Asio: the fuzz build compiles it.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "crypto/ed25519.h"
#include "crypto/hash.h"
#include "p2p/frame.h"
#include "p2p/node_id.h"
#include "util/bytes.h"

namespace telco::p2p {

inline constexpr std::array<std::uint8_t, 4> kHelloMagic = {'T', 'L', 'C', 'P'};
inline constexpr std::uint16_t kProtocolVersion = 1;
using EphemeralKey = std::array<std::uint8_t, 32>;
inline constexpr std::size_t kHelloBytes = kHelloMagic.size() + 2 + 32;
inline constexpr std::string_view kHandshakeDomain = "telco/p2p/handshake/v1";
inline constexpr std::size_t kChainIdBytesMax = 64;
inline constexpr std::size_t kAgentBytesMax = 64;
inline constexpr std::size_t kAuthPlaintextMax = 4 + kChainIdBytesMax + 32 + 2 + 4 + kAgentBytesMax + 64;
inline constexpr std::size_t kAuthCiphertextMax = kAuthPlaintextMax + kFrameTagBytes;

enum class HandshakeError : std::uint8_t {
  kNone = 0,
  kBadMagic,        // the peer does not speak this protocol (wrong port?)
  kVersionMismatch,
  kReflectedKey,    // the peer sent our own ephemeral key back
  kWeakKey,         // key exchange failed (a low-order point)
  kAuthUndecryptable,  // the auth frame did not open: keys differ, i.e. tampering in transit
  kAuthMalformed,
  kWrongChain,
  kBadSignature,
  kOutOfOrder,      // a step called twice or before the previous one
};

const char* describe(HandshakeError e);

enum class Role : std::uint8_t { kClient = 0, kServer = 1 };

struct Hello {
  std::uint16_t version = kProtocolVersion;
  EphemeralKey key{};
};
Bytes encode_hello(const Hello& hello);
HandshakeError parse_hello(ByteView bytes, Hello* out);

struct AuthMessage {
  std::string chain_id;
  NodeId node_key{};
  std::uint16_t listen_port = 0;  // where the peer accepts connections; 0 = it does not
  std::string agent;              // software name and version, for logs
  crypto::Signature signature{};
};
Bytes encode_auth(const AuthMessage& auth);
HandshakeError parse_auth(ByteView plaintext, AuthMessage* out);

crypto::Hash32 transcript_hash(std::string_view chain_id, const EphemeralKey& client, const EphemeralKey& server);
// The bytes a side signs: the transcript hash and the signer's role.
Bytes auth_signing_bytes(const crypto::Hash32& transcript, Role signer);

struct LocalIdentity {
  const crypto::KeyPair* node_key = nullptr;  // must outlive the handshake
  std::string chain_id;                       // at most kChainIdBytesMax bytes
  std::uint16_t listen_port = 0;
  std::string agent;                          // at most kAgentBytesMax bytes
};

class Handshake {
 public:
  // A fresh random ephemeral key.
  explicit Handshake(LocalIdentity local);
  // A given ephemeral seed (tests and fuzzing only: a reused ephemeral key breaks forward secrecy).
  Handshake(LocalIdentity local, const std::array<std::uint8_t, 32>& ephemeral_seed);
  ~Handshake();
  Handshake(const Handshake&) = delete;
  Handshake& operator=(const Handshake&) = delete;

  // What to send first (kHelloBytes).
  const Bytes& hello() const { return hello_; }
  // Step 1: the peer's hello (exactly kHelloBytes). On success, `auth_frame` is our sealed auth
  // frame to send next.
  HandshakeError on_peer_hello(ByteView peer_hello, Bytes* auth_frame);
  // Step 2: the peer's first frame (length prefix and ciphertext, at most kAuthCiphertextMax).
  HandshakeError on_peer_auth(ByteView frame);

  // A sentence for the log after an error (names both chain ids, versions and the like).
  const std::string& error_detail() const { return detail_; }
  // After step 2 succeeded: the peer's verified identity and the session.
  const AuthMessage& peer() const { return peer_auth_; }
  Role role() const { return role_; }
  FrameSealer take_sealer() { return std::move(*sealer_); }
  FrameOpener take_opener() { return std::move(*opener_); }

 private:
  HandshakeError fail(HandshakeError e, std::string detail);

  LocalIdentity local_;
  EphemeralKey ephemeral_public_{};
  std::array<std::uint8_t, 32> ephemeral_secret_{};
  Bytes hello_;
  EphemeralKey peer_ephemeral_{};
  Role role_ = Role::kClient;
  crypto::Hash32 transcript_{};
  std::optional<FrameSealer> sealer_;
  std::optional<FrameOpener> opener_;
  AuthMessage peer_auth_;
  enum class Step { kAwaitHello, kAwaitAuth, kDone, kFailed } step_ = Step::kAwaitHello;
  std::string detail_;
};

}  // namespace telco::p2p
