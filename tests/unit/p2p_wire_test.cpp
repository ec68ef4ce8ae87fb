// The p2p byte formats without sockets: addresses, sealed frames, envelopes (fragments and
// reassembly), the handshake state machine (including a man in the middle), peer exchange.
#include <gtest/gtest.h>
#include <sodium.h>

#include "codec/writer.h"
#include "p2p/envelope.h"
#include "p2p/frame.h"
#include "p2p/handshake.h"
#include "p2p/node_id.h"
#include "p2p/pex_message.h"

namespace telco::p2p {
namespace {

crypto::KeyPair key(std::uint8_t n) {
  crypto::Seed seed{};
  seed.fill(n);
  return crypto::KeyPair::from_seed(seed);
}

SessionKey session_key(std::uint8_t n) {
  SessionKey k{};
  k.fill(n);
  return k;
}

ChannelTable table() {
  ChannelTable t;
  ChannelConfig small{.id = 1, .priority = 1, .message_bytes_max = 100, .queue_messages_max = 4, .queue_bytes_max = 400};
  ChannelConfig big{.id = 5, .priority = 1, .message_bytes_max = 40'000, .queue_messages_max = 4, .queue_bytes_max = 160'000};
  EXPECT_FALSE(t.add_all({small, big}).has_value());
  return t;
}

// ---- addresses ----------------------------------------------------------------------------

TEST(P2pAddress, ParsesHostPortAndNodeIdForms) {
  const std::string id = node_id_hex(key(1).public_key());
  auto a = parse_peer_address("127.0.0.1:26656");
  ASSERT_TRUE(a);
  EXPECT_FALSE(a->id);
  EXPECT_EQ(a->host, "127.0.0.1");
  EXPECT_EQ(a->port, 26656);
  a = parse_peer_address(id + "@node-1.example.org:9");
  ASSERT_TRUE(a);
  EXPECT_EQ(*a->id, key(1).public_key());
  EXPECT_EQ(a->to_string(), id + "@node-1.example.org:9");
  a = parse_peer_address("[::1]:80");
  ASSERT_TRUE(a);
  EXPECT_EQ(a->host, "::1");
  EXPECT_EQ(a->endpoint(), "[::1]:80");
  // Upper-case hex is accepted and printed lower-case.
  std::string upper = id;
  for (char& c : upper) c = static_cast<char>(std::toupper(c));
  a = parse_peer_address(upper + "@h:1");
  ASSERT_TRUE(a);
  EXPECT_EQ(a->to_string(), id + "@h:1");
}

TEST(P2pAddress, RejectsBadFormsWithAReason) {
  for (const char* bad : {"", "host", "host:", "host:0", "host:65536", "host:12x", ":1", "::1:80", "[127.0.0.1]:80",
                          "[::1]80", "abc@host:1", "ho st:1", "h\n:1"}) {
    std::string error;
    EXPECT_FALSE(parse_peer_address(bad, &error)) << bad;
    EXPECT_FALSE(error.empty()) << bad;
  }
  EXPECT_FALSE(parse_peer_address(std::string(254, 'a') + ":1"));
}

TEST(P2pAddress, PrintableReplacesControlBytes) {
  EXPECT_EQ(printable("ok\n\x01z"), "ok??z");
  EXPECT_EQ(printable(std::string(100, 'a')).size(), 64u);
}

// ---- frames -------------------------------------------------------------------------------

TEST(P2pFrame, SealOpenRoundTripInOrder) {
  FrameSealer sealer(session_key(7));
  FrameOpener opener(session_key(7));
  Bytes stream;
  ASSERT_TRUE(sealer.seal(as_bytes("first"), stream));
  ASSERT_TRUE(sealer.seal(as_bytes(""), stream));
  ASSERT_TRUE(sealer.seal(Bytes(kFramePlaintextMax, 0xab), stream));
  std::size_t offset = 0;
  std::vector<Bytes> got;
  for (;;) {
    const auto split = split_frame(ByteView(stream).subspan(offset));
    if (split.status != SplitStatus::kFrame) break;
    Bytes plain;
    ASSERT_TRUE(opener.open(ByteView(stream).subspan(offset, split.frame_bytes), plain));
    got.push_back(plain);
    offset += split.frame_bytes;
  }
  ASSERT_EQ(got.size(), 3u);
  EXPECT_EQ(to_string(got[0]), "first");
  EXPECT_TRUE(got[1].empty());
  EXPECT_EQ(got[2], Bytes(kFramePlaintextMax, 0xab));
  EXPECT_EQ(offset, stream.size());
}

TEST(P2pFrame, RefusesOversizedPlaintext) {
  FrameSealer sealer(session_key(1));
  Bytes out;
  EXPECT_FALSE(sealer.seal(Bytes(kFramePlaintextMax + 1, 0), out));
  EXPECT_TRUE(out.empty());
}

TEST(P2pFrame, EveryFlippedBitFailsToOpen) {
  FrameSealer sealer(session_key(2));
  Bytes frame;
  ASSERT_TRUE(sealer.seal(as_bytes("vote for block 42"), frame));
  for (std::size_t bit = 0; bit < frame.size() * 8; ++bit) {
    Bytes bad = frame;
    bad[bit / 8] ^= static_cast<std::uint8_t>(1u << (bit % 8));
    FrameOpener opener(session_key(2));
    Bytes plain;
    EXPECT_FALSE(opener.open(bad, plain)) << "bit " << bit;
  }
}

TEST(P2pFrame, ReplayReorderAndWrongKeyFail) {
  FrameSealer sealer(session_key(3));
  Bytes a, b;
  ASSERT_TRUE(sealer.seal(as_bytes("a"), a));
  ASSERT_TRUE(sealer.seal(as_bytes("b"), b));
  Bytes plain;
  {
    FrameOpener opener(session_key(3));
    EXPECT_FALSE(opener.open(b, plain));  // reordered: b carries counter 1
    EXPECT_TRUE(opener.open(a, plain));
    EXPECT_FALSE(opener.open(a, plain));  // replayed
    EXPECT_TRUE(opener.open(b, plain));
  }
  FrameOpener wrong(session_key(4));
  EXPECT_FALSE(wrong.open(a, plain));
}

TEST(P2pFrame, SplitRefusesBadLengthsBeforeBuffering) {
  Bytes header = {0xff, 0xff, 0xff, 0x7f};  // 2 GiB claimed
  EXPECT_EQ(split_frame(header).status, SplitStatus::kBadLength);
  const auto over = static_cast<std::uint32_t>(kFrameCiphertextMax + 1);
  header = {static_cast<std::uint8_t>(over), static_cast<std::uint8_t>(over >> 8), static_cast<std::uint8_t>(over >> 16), 0};
  EXPECT_EQ(split_frame(header).status, SplitStatus::kBadLength);
  header = {15, 0, 0, 0};  // shorter than the tag
  EXPECT_EQ(split_frame(header).status, SplitStatus::kBadLength);
  header = {16, 0, 0, 0};
  EXPECT_EQ(split_frame(header).status, SplitStatus::kNeedMore);
  EXPECT_EQ(split_frame(ByteView(header).first(3)).status, SplitStatus::kNeedMore);
}

// ---- envelopes ----------------------------------------------------------------------------

TEST(P2pEnvelope, FragmentRoundTripAndCanonicalRules) {
  const ChannelTable channels = table();
  Bytes plain;
  encode_fragment(1, true, as_bytes("hi"), plain);
  Fragment f;
  ASSERT_EQ(decode_fragment(plain, channels, &f), FragmentError::kNone);
  EXPECT_EQ(f.channel, 1);
  EXPECT_TRUE(f.last);
  EXPECT_EQ(to_string(f.chunk), "hi");

  Bytes trailing = plain;
  trailing.push_back(0);
  EXPECT_EQ(decode_fragment(trailing, channels, &f), FragmentError::kMalformed);
  EXPECT_EQ(decode_fragment(ByteView(plain).first(plain.size() - 1), channels, &f), FragmentError::kMalformed);
  Bytes flags = plain;
  flags[1] = 0x03;
  EXPECT_EQ(decode_fragment(flags, channels, &f), FragmentError::kMalformed);
  encode_fragment(9, true, as_bytes("x"), plain);
  EXPECT_EQ(decode_fragment(plain, channels, &f), FragmentError::kUnknownChannel);
  encode_fragment(5, false, Bytes(100, 1), plain);  // a short non-final fragment
  EXPECT_EQ(decode_fragment(plain, channels, &f), FragmentError::kNotCanonical);
  // A chunk over the maximum is refused by the length bound.
  codec::Writer w;
  w.u8(5);
  w.u8(1);
  w.bytes(Bytes(kFragmentChunkBytesMax + 1, 0));
  EXPECT_EQ(decode_fragment(w.data(), channels, &f), FragmentError::kMalformed);
}

TEST(P2pEnvelope, ReassemblesPerChannelAndEnforcesLimits) {
  const ChannelTable channels = table();
  Reassembler r(channels);
  const Bytes big(kFragmentChunkBytesMax * 2 + 5, 0x11);
  Bytes message;
  bool complete = false;
  // Fragments of channel 5 interleaved with a whole message on channel 1.
  ASSERT_EQ(r.add({5, false, ByteView(big).first(kFragmentChunkBytesMax)}, &message, &complete), FragmentError::kNone);
  EXPECT_FALSE(complete);
  ASSERT_EQ(r.add({1, true, as_bytes("vote")}, &message, &complete), FragmentError::kNone);
  EXPECT_TRUE(complete);
  EXPECT_EQ(to_string(message), "vote");
  ASSERT_EQ(r.add({5, false, ByteView(big).subspan(kFragmentChunkBytesMax, kFragmentChunkBytesMax)}, &message, &complete),
            FragmentError::kNone);
  EXPECT_EQ(r.partial_bytes(), 2 * kFragmentChunkBytesMax);
  ASSERT_EQ(r.add({5, true, ByteView(big).subspan(2 * kFragmentChunkBytesMax)}, &message, &complete), FragmentError::kNone);
  EXPECT_TRUE(complete);
  EXPECT_EQ(message, big);
  EXPECT_EQ(r.partial_bytes(), 0u);
  EXPECT_EQ(fragment_count(big.size()), 3u);
  EXPECT_EQ(fragment_count(0), 1u);
  EXPECT_EQ(fragment_count(kFragmentChunkBytesMax), 1u);

  // Channel 1 allows 100 bytes.
  EXPECT_EQ(r.add({1, true, ByteView(big).first(101)}, &message, &complete), FragmentError::kMessageTooLarge);
  // Channel 5 allows 40,000: the third full fragment crosses it.
  Reassembler r2(channels);
  const Bytes chunk(kFragmentChunkBytesMax, 0);
  EXPECT_EQ(r2.add({5, false, chunk}, &message, &complete), FragmentError::kNone);
  EXPECT_EQ(r2.add({5, false, chunk}, &message, &complete), FragmentError::kNone);
  EXPECT_EQ(r2.add({5, false, chunk}, &message, &complete), FragmentError::kMessageTooLarge);
  // An empty last fragment after full ones is a second fragmentation of the same bytes.
  Reassembler r3(channels);
  EXPECT_EQ(r3.add({5, false, chunk}, &message, &complete), FragmentError::kNone);
  EXPECT_EQ(r3.add({5, true, ByteView()}, &message, &complete), FragmentError::kNotCanonical);
}

// ---- handshake ----------------------------------------------------------------------------

struct Side {
  crypto::KeyPair node;
  Handshake hs;
  Side(std::uint8_t n, std::string chain) : node(key(n)), hs(LocalIdentity{&node, std::move(chain), 26656, "test"}) {}
};

// Runs both steps between two sides; returns each side's error at the auth step.
std::pair<HandshakeError, HandshakeError> run(Side& a, Side& b) {
  Bytes auth_a, auth_b;
  EXPECT_EQ(a.hs.on_peer_hello(b.hs.hello(), &auth_a), HandshakeError::kNone);
  EXPECT_EQ(b.hs.on_peer_hello(a.hs.hello(), &auth_b), HandshakeError::kNone);
  return {a.hs.on_peer_auth(auth_b), b.hs.on_peer_auth(auth_a)};
}

TEST(P2pHandshake, BothSidesLearnEachOtherAndShareKeys) {
  Side a(1, "telco-test"), b(2, "telco-test");
  const auto [ea, eb] = run(a, b);
  ASSERT_EQ(ea, HandshakeError::kNone) << a.hs.error_detail();
  ASSERT_EQ(eb, HandshakeError::kNone) << b.hs.error_detail();
  EXPECT_EQ(a.hs.peer().node_key, b.node.public_key());
  EXPECT_EQ(b.hs.peer().node_key, a.node.public_key());
  EXPECT_EQ(a.hs.peer().listen_port, 26656);
  EXPECT_NE(a.hs.role(), b.hs.role());
  FrameSealer a_tx = a.hs.take_sealer();
  FrameOpener b_rx = b.hs.take_opener();
  Bytes frame, plain;
  ASSERT_TRUE(a_tx.seal(as_bytes("hello b"), frame));
  ASSERT_TRUE(b_rx.open(frame, plain));
  EXPECT_EQ(to_string(plain), "hello b");
  // The other direction uses another key: a frame A sealed does not open as B's traffic.
  FrameOpener a_rx = a.hs.take_opener();
  EXPECT_FALSE(a_rx.open(frame, plain));
}

TEST(P2pHandshake, WrongChainIsNamed) {
  Side a(1, "telco-main"), b(2, "telco-test");
  const auto [ea, eb] = run(a, b);
  EXPECT_EQ(ea, HandshakeError::kWrongChain);
  EXPECT_EQ(eb, HandshakeError::kWrongChain);
  EXPECT_NE(a.hs.error_detail().find("telco-test"), std::string::npos) << a.hs.error_detail();
}

TEST(P2pHandshake, BadMagicVersionAndReflection) {
  Side a(1, "c");
  Bytes auth;
  Bytes wrong = Side(2, "c").hs.hello();
  wrong[0] = 'X';
  EXPECT_EQ(a.hs.on_peer_hello(wrong, &auth), HandshakeError::kBadMagic);
  Side c(1, "c");
  Bytes version = Side(2, "c").hs.hello();
  version[4] = 2;
  EXPECT_EQ(c.hs.on_peer_hello(version, &auth), HandshakeError::kVersionMismatch);
  EXPECT_NE(c.hs.error_detail().find("version 2"), std::string::npos);
  Side d(1, "c");
  EXPECT_EQ(d.hs.on_peer_hello(d.hs.hello(), &auth), HandshakeError::kReflectedKey);
  Side e(1, "c");
  EXPECT_EQ(e.hs.on_peer_hello(ByteView(Side(2, "c").hs.hello()).first(kHelloBytes - 1), &auth), HandshakeError::kBadMagic);
  // An all-zero X25519 key (low order) makes the key exchange fail.
  Side f(1, "c");
  Bytes zero = encode_hello(Hello{kProtocolVersion, EphemeralKey{}});
  EXPECT_EQ(f.hs.on_peer_hello(zero, &auth), HandshakeError::kWeakKey);
  // Steps out of order.
  Side g(1, "c");
  EXPECT_EQ(g.hs.on_peer_auth(auth), HandshakeError::kOutOfOrder);
}

TEST(P2pHandshake, TamperedHelloMeansNoSharedKeys) {
  Side a(1, "c"), b(2, "c");
  Bytes hello_a = a.hs.hello();
  hello_a[10] ^= 1;  // a relay flips one bit of A's ephemeral key
  Bytes auth_a, auth_b;
  ASSERT_EQ(a.hs.on_peer_hello(b.hs.hello(), &auth_a), HandshakeError::kNone);
  ASSERT_EQ(b.hs.on_peer_hello(hello_a, &auth_b), HandshakeError::kNone);
  EXPECT_EQ(b.hs.on_peer_auth(auth_a), HandshakeError::kAuthUndecryptable);
  EXPECT_EQ(a.hs.on_peer_auth(auth_b), HandshakeError::kAuthUndecryptable);
}

TEST(P2pHandshake, ManInTheMiddleCannotImpersonate) {
  // M runs its own key exchange with A (posing as B) and with B (posing as A). It can read
  // A's auth message on its leg and re-seal it for B, but A signed the transcript of the
  // A-M leg, whose ephemeral keys differ from the M-B leg's: B refuses the signature.
  Side a(1, "c"), b(2, "c");
  Side m_to_a(3, "c");
  Bytes auth_a, auth_ma;
  ASSERT_EQ(a.hs.on_peer_hello(m_to_a.hs.hello(), &auth_a), HandshakeError::kNone);
  ASSERT_EQ(m_to_a.hs.on_peer_hello(a.hs.hello(), &auth_ma), HandshakeError::kNone);
  ASSERT_EQ(m_to_a.hs.on_peer_auth(auth_a), HandshakeError::kNone);
  const AuthMessage a_claim = m_to_a.hs.peer();

  // M's leg to B, done by hand so that its first sealed frame is the forged auth.
  EphemeralKey m_pk{};
  std::array<std::uint8_t, 32> m_sk{};
  crypto_kx_keypair(m_pk.data(), m_sk.data());
  Bytes auth_b;
  ASSERT_EQ(b.hs.on_peer_hello(encode_hello(Hello{kProtocolVersion, m_pk}), &auth_b), HandshakeError::kNone);
  Hello b_hello;
  ASSERT_EQ(parse_hello(b.hs.hello(), &b_hello), HandshakeError::kNone);
  SessionKey rx{}, tx{};
  const bool m_is_client = std::lexicographical_compare(m_pk.begin(), m_pk.end(), b_hello.key.begin(), b_hello.key.end());
  ASSERT_EQ(m_is_client ? crypto_kx_client_session_keys(rx.data(), tx.data(), m_pk.data(), m_sk.data(), b_hello.key.data())
                        : crypto_kx_server_session_keys(rx.data(), tx.data(), m_pk.data(), m_sk.data(), b_hello.key.data()),
            0);
  FrameSealer m_tx(tx);
  Bytes forged;
  ASSERT_TRUE(m_tx.seal(encode_auth(a_claim), forged));
  EXPECT_EQ(b.hs.on_peer_auth(forged), HandshakeError::kBadSignature) << b.hs.error_detail();
  EXPECT_NE(b.hs.error_detail().find(node_id_hex(a.node.public_key())), std::string::npos);
}

TEST(P2pHandshake, AuthParserBounds) {
  AuthMessage m;
  m.chain_id = std::string(kChainIdBytesMax, 'c');
  m.agent = std::string(kAgentBytesMax, 'a');
  Bytes enc = encode_auth(m);
  EXPECT_EQ(enc.size(), kAuthPlaintextMax);
  AuthMessage back;
  EXPECT_EQ(parse_auth(enc, &back), HandshakeError::kNone);
  EXPECT_EQ(back.chain_id, m.chain_id);
  enc.push_back(0);
  EXPECT_EQ(parse_auth(enc, &back), HandshakeError::kAuthMalformed);
  m.chain_id += "x";
  EXPECT_EQ(parse_auth(encode_auth(m), &back), HandshakeError::kAuthMalformed);
}

TEST(P2pHandshake, TranscriptBindsEveryInput) {
  const EphemeralKey x{1}, y{2};
  const auto h = transcript_hash("c", x, y);
  EXPECT_NE(h, transcript_hash("d", x, y));
  EXPECT_NE(h, transcript_hash("c", y, x));
  EXPECT_NE(auth_signing_bytes(h, Role::kClient), auth_signing_bytes(h, Role::kServer));
}

// ---- peer exchange ------------------------------------------------------------------------

TEST(P2pPex, RoundTripAndRejects) {
  PexMessage m{kPexAddresses, {}};
  for (std::uint8_t i = 0; i < 3; ++i) m.addresses.push_back(PeerAddress{key(i).public_key(), "10.0.0." + std::to_string(i), 26656});
  const auto back = decode_pex(encode_pex(m));
  ASSERT_TRUE(back);
  EXPECT_EQ(back->addresses, m.addresses);
  EXPECT_TRUE(decode_pex(encode_pex(PexMessage{kPexRequest, {}})));
  EXPECT_FALSE(decode_pex(Bytes{}));
  EXPECT_FALSE(decode_pex(Bytes{3}));
  EXPECT_FALSE(decode_pex(Bytes{kPexRequest, 0}));  // trailing
  // A bad host or port inside is malformed.
  m.addresses[1].host = "evil\nhost";
  EXPECT_FALSE(decode_pex(encode_pex(m)));
  m.addresses[1].host = "ok";
  m.addresses[1].port = 0;
  EXPECT_FALSE(decode_pex(encode_pex(m)));
  // Counts over the maximum are refused before reading entries.
  codec::Writer w;
  w.u8(kPexAddresses);
  w.count(kPexAddressesMax + 1);
  EXPECT_FALSE(decode_pex(w.data()));
  // The encoder caps the list.
  PexMessage many{kPexAddresses, {}};
  for (int i = 0; i < 100; ++i) many.addresses.push_back(PeerAddress{key(1).public_key(), "h", 1});
  EXPECT_EQ(decode_pex(encode_pex(many))->addresses.size(), kPexAddressesMax);
  EXPECT_LE(encode_pex(many).size(), kPexMessageBytesMax);
}

}  // namespace
}  // namespace telco::p2p
