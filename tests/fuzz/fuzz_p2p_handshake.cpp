// The handshake parsers (src/p2p/handshake.h). parse_hello and parse_auth accept only
// canonical encodings (re-encoding gives the input back). Then a full handshake against a
// simulated peer whose auth plaintext is the fuzz input, sealed with the real session key,
// so the auth parser, chain check and signature check see arbitrary authenticated bytes:
// they must never crash and never accept a signature the input did not make.
#include <sodium.h>

#include <cstddef>
#include <cstdint>

#include "fuzz_check.h"
#include "p2p/handshake.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace telco;
  using namespace telco::p2p;
  const ByteView input(data, size);
  Hello hello;
  if (parse_hello(input, &hello) == HandshakeError::kNone) {
    const Bytes again = encode_hello(hello);
    FUZZ_CHECK(again.size() == size && std::equal(again.begin(), again.end(), data));
  }
  AuthMessage auth;
  if (parse_auth(input, &auth) == HandshakeError::kNone) {
    const Bytes again = encode_auth(auth);
    FUZZ_CHECK(again.size() == size && std::equal(again.begin(), again.end(), data));
    FUZZ_CHECK(auth.chain_id.size() <= kChainIdBytesMax && auth.agent.size() <= kAgentBytesMax);
  }

  // Our side, with a fixed node key and ephemeral seed.
  static const crypto::KeyPair node = crypto::KeyPair::from_seed(crypto::Seed{7});
  Handshake ours(LocalIdentity{&node, "fuzz-chain", 1, "fuzz"}, std::array<std::uint8_t, 32>{9});
  // The simulated peer's ephemeral key pair.
  EphemeralKey peer_pk{};
  std::array<std::uint8_t, 32> peer_sk{};
  const std::array<std::uint8_t, 32> seed{3};
  crypto_kx_seed_keypair(peer_pk.data(), peer_sk.data(), seed.data());
  Bytes our_auth;
  FUZZ_CHECK(ours.on_peer_hello(encode_hello(Hello{kProtocolVersion, peer_pk}), &our_auth) == HandshakeError::kNone);
  Hello our_hello;
  FUZZ_CHECK(parse_hello(ours.hello(), &our_hello) == HandshakeError::kNone);
  SessionKey rx{}, tx{};
  const bool peer_is_client =
      std::lexicographical_compare(peer_pk.begin(), peer_pk.end(), our_hello.key.begin(), our_hello.key.end());
  FUZZ_CHECK((peer_is_client ? crypto_kx_client_session_keys(rx.data(), tx.data(), peer_pk.data(), peer_sk.data(),
                                                             our_hello.key.data())
                             : crypto_kx_server_session_keys(rx.data(), tx.data(), peer_pk.data(), peer_sk.data(),
                                                             our_hello.key.data())) == 0);
  FrameSealer peer_tx(tx);
  Bytes frame;
  if (!peer_tx.seal(input.first(std::min(size, kFramePlaintextMax)), frame)) return 0;
  const HandshakeError e = ours.on_peer_auth(frame);
  if (e == HandshakeError::kNone) {
    // Accepted: the input must hold a valid signature by the key it names over this transcript.
    FUZZ_CHECK(ours.peer().chain_id == "fuzz-chain");
    FUZZ_CHECK(crypto::verify(ours.peer().node_key,
                              auth_signing_bytes(transcript_hash("fuzz-chain", peer_is_client ? peer_pk : our_hello.key,
                                                                 peer_is_client ? our_hello.key : peer_pk),
                                                 peer_is_client ? Role::kClient : Role::kServer),
                              ours.peer().signature));
  } else {
    FUZZ_CHECK(!ours.error_detail().empty());
  }
  return 0;
}
