#include "p2p/handshake.h"

#include <sodium.h>

#include <algorithm>

#include "codec/reader.h"
#include "codec/writer.h"

namespace telco::p2p {

static_assert(crypto_kx_PUBLICKEYBYTES == 32 && crypto_kx_SECRETKEYBYTES == 32 && crypto_kx_SEEDBYTES == 32);
static_assert(crypto_kx_SESSIONKEYBYTES == std::tuple_size_v<SessionKey>);

const char* describe(HandshakeError e) {
  switch (e) {
    case HandshakeError::kNone: return "ok";
    case HandshakeError::kBadMagic: return "peer does not speak the telco p2p protocol";
    case HandshakeError::kVersionMismatch: return "p2p protocol version mismatch";
    case HandshakeError::kReflectedKey: return "peer reflected our ephemeral key";
    case HandshakeError::kWeakKey: return "key exchange failed (invalid ephemeral key)";
    case HandshakeError::kAuthUndecryptable: return "auth frame failed decryption (tampered in transit)";
    case HandshakeError::kAuthMalformed: return "malformed auth message";
    case HandshakeError::kWrongChain: return "peer is on another chain";
    case HandshakeError::kBadSignature: return "node key signature does not verify";
    case HandshakeError::kOutOfOrder: return "handshake step out of order";
  }
  return "unknown handshake error";
}

Bytes encode_hello(const Hello& hello) {
  codec::Writer w(kHelloBytes);
  w.fixed(kHelloMagic);
  w.u16(hello.version);
  w.fixed(hello.key);
  return w.take();
}

HandshakeError parse_hello(ByteView bytes, Hello* out) {
  codec::Reader r(bytes);
  const auto magic = r.fixed<4>();
  const std::uint16_t version = r.u16();
  const auto key = r.fixed<32>();
  if (!r.finish() || magic != kHelloMagic) return HandshakeError::kBadMagic;
  out->version = version;
  out->key = key;
  return version == kProtocolVersion ? HandshakeError::kNone : HandshakeError::kVersionMismatch;
}

Bytes encode_auth(const AuthMessage& auth) {
  codec::Writer w(kAuthPlaintextMax);
  w.string(auth.chain_id);
  w.fixed(auth.node_key);
  w.u16(auth.listen_port);
  w.string(auth.agent);
  w.fixed(auth.signature);
  return w.take();
}

HandshakeError parse_auth(ByteView plaintext, AuthMessage* out) {
  codec::Reader r(plaintext);
  AuthMessage a;
  a.chain_id = r.string(kChainIdBytesMax);
  a.node_key = r.fixed<32>();
  a.listen_port = r.u16();
  a.agent = r.string(kAgentBytesMax);
  a.signature = r.fixed<64>();
  if (!r.finish()) return HandshakeError::kAuthMalformed;
  *out = std::move(a);
  return HandshakeError::kNone;
}

crypto::Hash32 transcript_hash(std::string_view chain_id, const EphemeralKey& client, const EphemeralKey& server) {
  codec::Writer w;
  w.string(kHandshakeDomain);
  w.string(chain_id);
  w.fixed(client);
  w.fixed(server);
  return crypto::blake2b_256(w.data());
}

Bytes auth_signing_bytes(const crypto::Hash32& transcript, Role signer) {
  Bytes out(transcript.begin(), transcript.end());
  out.push_back(static_cast<std::uint8_t>(signer));
  return out;
}

Handshake::Handshake(LocalIdentity local) : local_(std::move(local)) {
  crypto::init();
  crypto_kx_keypair(ephemeral_public_.data(), ephemeral_secret_.data());
  hello_ = encode_hello(Hello{kProtocolVersion, ephemeral_public_});
}

Handshake::Handshake(LocalIdentity local, const std::array<std::uint8_t, 32>& ephemeral_seed)
    : local_(std::move(local)) {
  crypto::init();
  crypto_kx_seed_keypair(ephemeral_public_.data(), ephemeral_secret_.data(), ephemeral_seed.data());
  hello_ = encode_hello(Hello{kProtocolVersion, ephemeral_public_});
}

Handshake::~Handshake() { sodium_memzero(ephemeral_secret_.data(), ephemeral_secret_.size()); }

HandshakeError Handshake::fail(HandshakeError e, std::string detail) {
  step_ = Step::kFailed;
  detail_ = std::string(describe(e)) + (detail.empty() ? "" : ": " + detail);
  return e;
}

HandshakeError Handshake::on_peer_hello(ByteView peer_hello, Bytes* auth_frame) {
  if (step_ != Step::kAwaitHello) return fail(HandshakeError::kOutOfOrder, "hello");
  Hello hello;
  const HandshakeError parsed = parse_hello(peer_hello, &hello);
  if (parsed == HandshakeError::kVersionMismatch) {
    return fail(parsed, "peer speaks version " + std::to_string(hello.version) + ", we speak " +
                            std::to_string(kProtocolVersion));
  }
  if (parsed != HandshakeError::kNone) return fail(parsed, "");
  if (hello.key == ephemeral_public_) return fail(HandshakeError::kReflectedKey, "");
  peer_ephemeral_ = hello.key;
  role_ = std::lexicographical_compare(ephemeral_public_.begin(), ephemeral_public_.end(), peer_ephemeral_.begin(),
                                       peer_ephemeral_.end())
              ? Role::kClient
              : Role::kServer;
  SessionKey rx{};
  SessionKey tx{};
  const int rc = role_ == Role::kClient
                     ? crypto_kx_client_session_keys(rx.data(), tx.data(), ephemeral_public_.data(),
                                                     ephemeral_secret_.data(), peer_ephemeral_.data())
                     : crypto_kx_server_session_keys(rx.data(), tx.data(), ephemeral_public_.data(),
                                                     ephemeral_secret_.data(), peer_ephemeral_.data());
  sodium_memzero(ephemeral_secret_.data(), ephemeral_secret_.size());  // forward secrecy: no longer needed
  if (rc != 0) return fail(HandshakeError::kWeakKey, "");
  sealer_.emplace(tx);
  opener_.emplace(rx);
  sodium_memzero(rx.data(), rx.size());
  sodium_memzero(tx.data(), tx.size());

  const EphemeralKey& client = role_ == Role::kClient ? ephemeral_public_ : peer_ephemeral_;
  const EphemeralKey& server = role_ == Role::kClient ? peer_ephemeral_ : ephemeral_public_;
  transcript_ = transcript_hash(local_.chain_id, client, server);
  AuthMessage mine;
  mine.chain_id = local_.chain_id;
  mine.node_key = local_.node_key->public_key();
  mine.listen_port = local_.listen_port;
  mine.agent = local_.agent;
  mine.signature = local_.node_key->sign(auth_signing_bytes(transcript_, role_));
  auth_frame->clear();
  if (!sealer_->seal(encode_auth(mine), *auth_frame)) return fail(HandshakeError::kAuthMalformed, "ours too large");
  step_ = Step::kAwaitAuth;
  return HandshakeError::kNone;
}

HandshakeError Handshake::on_peer_auth(ByteView frame) {
  if (step_ != Step::kAwaitAuth) return fail(HandshakeError::kOutOfOrder, "auth");
  if (frame.size() > kFrameLengthBytes + kAuthCiphertextMax) return fail(HandshakeError::kAuthMalformed, "too large");
  Bytes plaintext;
  if (!opener_->open(frame, plaintext)) return fail(HandshakeError::kAuthUndecryptable, "");
  AuthMessage auth;
  if (parse_auth(plaintext, &auth) != HandshakeError::kNone) return fail(HandshakeError::kAuthMalformed, "");
  if (auth.chain_id != local_.chain_id) {
    return fail(HandshakeError::kWrongChain, "peer is on '" + printable(auth.chain_id) + "', we are on '" + local_.chain_id + "'");
  }
  const Role peer_role = role_ == Role::kClient ? Role::kServer : Role::kClient;
  if (!crypto::verify(auth.node_key, auth_signing_bytes(transcript_, peer_role), auth.signature)) {
    return fail(HandshakeError::kBadSignature, "claimed node key " + node_id_hex(auth.node_key));
  }
  peer_auth_ = std::move(auth);
  step_ = Step::kDone;
  return HandshakeError::kNone;
}

}  // namespace telco::p2p
