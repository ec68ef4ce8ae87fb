// crypto/: BLAKE2b-256, Ed25519 (RFC 8032 vectors), bech32m (BIP-350 vectors), addresses.
// Expected hashes were computed independently with Python's hashlib.blake2b(digest_size=32);
// expected addresses with an independent Python bech32m implementation.
#include <gtest/gtest.h>

#include <cctype>
#include <set>
#include <string>
#include <unordered_set>

#include "crypto/address.h"
#include "crypto/bech32.h"
#include "crypto/ed25519.h"
#include "crypto/hash.h"
#include "util/hex.h"

namespace telco::crypto {
namespace {

Bytes unhex(std::string_view s) {
  auto b = telco::from_hex(s);
  EXPECT_TRUE(b) << s;
  return b ? *b : Bytes{};
}

Seed seed_from_hex(std::string_view s) {
  const Bytes b = unhex(s);
  Seed seed{};
  EXPECT_EQ(b.size(), seed.size());
  std::copy_n(b.begin(), std::min(b.size(), seed.size()), seed.begin());
  return seed;
}

// ---------------------------------------------------------------- BLAKE2b-256

TEST(Blake2b256, KnownValues) {
  EXPECT_EQ(to_hex(blake2b_256({})), "0e5751c026e543b2e8ab2eb06099daa1d1e5df47778f7787faab45cdf12fe3a8");
  EXPECT_EQ(to_hex(blake2b_256(as_bytes("abc"))),
            "bddd813c634239723171ef3fee98579b94964e3bb1cb3e427262c8c068d52319");
  EXPECT_EQ(to_hex(blake2b_256(as_bytes("The quick brown fox jumps over the lazy dog"))),
            "01718cec35cd3d796dd00020e0bfecb473ad23457d063b75eff29c0ffa2e58a9");
  Bytes all(256);
  for (int i = 0; i < 256; ++i) all[i] = static_cast<std::uint8_t>(i);
  EXPECT_EQ(to_hex(blake2b_256(all)), "39a7eb9fedc19aabc83425c6755dd90e6f9d0c804964a1f4aaeea3b9fb599835");
  // One and a bit compression blocks (128-byte block size).
  EXPECT_EQ(to_hex(blake2b_256(Bytes(128, 0))),
            "378d0caaaa3855f1b38693c1d6ef004fd118691c95c959d4efa950d6d6fcf7c1");
  EXPECT_EQ(to_hex(blake2b_256(Bytes(129, 0))),
            "baadfb64c3bd2cd187b54accc5e61a0720ed86bf48c28017873536cf9015d1b8");
  EXPECT_EQ(to_hex(blake2b_256(Bytes(1'000'000, 'a'))),
            "0741850f36cba4259628355d1073e24ddb9ca0e1bfac36fd39ae5dc2101e23a4");
}

TEST(Hasher, IncrementalEqualsOneShotForEverySplit) {
  Bytes msg(300);
  for (std::size_t i = 0; i < msg.size(); ++i) msg[i] = static_cast<std::uint8_t>(i * 7 + 3);
  const Hash32 expected = blake2b_256(msg);
  for (std::size_t split = 0; split <= msg.size(); split += 13) {
    Hasher h;
    h.update(ByteView(msg.data(), split)).update(ByteView(msg.data() + split, msg.size() - split));
    EXPECT_EQ(h.finish(), expected) << split;
  }
  Hasher bytewise;
  for (std::uint8_t b : msg) bytewise.update(ByteView(&b, 1));
  EXPECT_EQ(bytewise.finish(), expected);
}

TEST(Hasher, StringOverloadHashesRawBytes) {
  EXPECT_EQ(Hasher().update(std::string_view("ab")).update(std::string_view("c")).finish(),
            blake2b_256(as_bytes("abc")));
  EXPECT_EQ(Hasher().finish(), blake2b_256({}));
}

TEST(Hash32Hex, IsLowerCaseHex) {
  Hash32 h{};
  h[0] = 0xAB;
  h[31] = 0x01;
  const std::string s = to_hex(h);
  ASSERT_EQ(s.size(), 64u);
  EXPECT_EQ(s.substr(0, 2), "ab");
  EXPECT_EQ(s.substr(62), "01");
}

// ---------------------------------------------------------------- Ed25519

struct Rfc8032Case {
  const char* name;
  const char* secret;
  const char* public_key;
  std::string message_hex;
  const char* signature;
};

// TEST 1024's 1023-byte message.
const char* const kTest1024Message =
    "08b8b2b733424243760fe426a4b54908632110a66c2f6591eabd3345e3e4eb98fa6e264bf09efe12ee50f8f54e9f77b1e355"
    "f6c50544e23fb1433ddf73be84d879de7c0046dc4996d9e773f4bc9efe5738829adb26c81b37c93a1b270b20329d658675fc"
    "6ea534e0810a4432826bf58c941efb65d57a338bbd2e26640f89ffbc1a858efcb8550ee3a5e1998bd177e93a7363c344fe6b"
    "199ee5d02e82d522c4feba15452f80288a821a579116ec6dad2b3b310da903401aa62100ab5d1a36553e06203b33890cc9b8"
    "32f79ef80560ccb9a39ce767967ed628c6ad573cb116dbefefd75499da96bd68a8a97b928a8bbc103b6621fcde2beca1231d"
    "206be6cd9ec7aff6f6c94fcd7204ed3455c68c83f4a41da4af2b74ef5c53f1d8ac70bdcb7ed185ce81bd84359d44254d9562"
    "9e9855a94a7c1958d1f8ada5d0532ed8a5aa3fb2d17ba70eb6248e594e1a2297acbbb39d502f1a8c6eb6f1ce22b3de1a1f40"
    "cc24554119a831a9aad6079cad88425de6bde1a9187ebb6092cf67bf2b13fd65f27088d78b7e883c8759d2c4f5c65adb7553"
    "878ad575f9fad878e80a0c9ba63bcbcc2732e69485bbc9c90bfbd62481d9089beccf80cfe2df16a2cf65bd92dd597b0707e0"
    "917af48bbb75fed413d238f5555a7a569d80c3414a8d0859dc65a46128bab27af87a71314f318c782b23ebfe808b82b0ce26"
    "401d2e22f04d83d1255dc51addd3b75a2b1ae0784504df543af8969be3ea7082ff7fc9888c144da2af58429ec96031dbcad3"
    "dad9af0dcbaaaf268cb8fcffead94f3c7ca495e056a9b47acdb751fb73e666c6c655ade8297297d07ad1ba5e43f1bca32301"
    "651339e22904cc8c42f58c30c04aafdb038dda0847dd988dcda6f3bfd15c4b4c4525004aa06eeff8ca61783aacec57fb3d1f"
    "92b0fe2fd1a85f6724517b65e614ad6808d6f6ee34dff7310fdc82aebfd904b01e1dc54b2927094b2db68d6f903b68401ade"
    "bf5a7e08d78ff4ef5d63653a65040cf9bfd4aca7984a74d37145986780fc0b16ac451649de6188a7dbdf191f64b5fc5e2ab4"
    "7b57f7f7276cd419c17a3ca8e1b939ae49e488acba6b965610b5480109c8b17b80e1b7b750dfc7598d5d5011fd2dcc5600a3"
    "2ef5b52a1ecc820e308aa342721aac0943bf6686b64b2579376504ccc493d97e6aed3fb0f9cd71a43dd497f01f17c0e2cb37"
    "97aa2a2f256656168e6c496afc5fb93246f6b1116398a346f1a641f3b041e989f7914f90cc2c7fff357876e506b50d334ba7"
    "7c225bc307ba537152f3f1610e4eafe595f6d9d90d11faa933a15ef1369546868a7f3a45a96768d40fd9d03412c091c6315c"
    "f4fde7cb68606937380db2eaaa707b4c4185c32eddcdd306705e4dc1ffc872eeee475a64dfac86aba41c0618983f8741c5ef"
    "68d3a101e8a3b8cac60c905c15fc910840b94c00a0b9d0";

std::vector<Rfc8032Case> rfc8032_cases() {
  return {
      {"TEST 1", "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60",
       "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a", "",
       "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf"
       "5f0"
       "595bbe24655141438e7a100b"},
      {"TEST 2", "4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb",
       "3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c", "72",
       "92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da085ac1e43e15996e458f3613d0f11d8c387b2"
       "ea"
       "eb4302aeeb00d291612bb0c00"},
      {"TEST 3", "c5aa8df43f9f837bedb7442f31dcb7b166d38535076f094b85ce3a2e0b4458f7",
       "fc51cd8e6218a1a38da47ed00230f0580816ed13ba3303ac5deb911548908025", "af82",
       "6291d657deec24024827e69c3abe01a30ce548a284743a445e3680d7db5ac3ac18ff9b538d16f290ae67f760984dc6594a7c1"
       "5e"
       "9716ed28dc027beceea1ec40a"},
      {"TEST 1024", "f5e5767cf153319517630f226876b86c8160cc583bc013744c6bf255f5cc0ee5",
       "278117fc144c72340f67d0f2316e8386ceffbf2b2428c9c51fef7c597f1d426e", kTest1024Message,
       "0aab4c900501b3e24d7cdf4663326a3a87df5e4843b2cbdb67cbf6e460fec350aa5371b1508f9f4528ecea23c436d94b5e8fc"
       "d4"
       "f681e30a6ac00a9704a188a03"},
      // TEST SHA(abc): the message is SHA-512("abc").
      {"TEST SHA(abc)", "833fe62409237b9d62ec77587520911e9a759cec1d19755b7da901b96dca3d42",
       "ec172b93ad5e563bf4932c70e1245034c35467ef2efd4d64ebf819683467e2bf",
       "ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a2192992a274fc1a836ba3c23a3feebbd454d4"
       "423"
       "643ce80e2a9ac94fa54ca49f",
       "dc2a4459e7369633a52b1bf277839a00201009a3efbf3ecb69bea2186c26b58909351fc9ac90b3ecfdfbc7c66431e0303dca1"
       "79"
       "c138ac17ad9bef1177331a704"},
  };
}

TEST(Ed25519, Rfc8032Section71Vectors) {
  for (const Rfc8032Case& c : rfc8032_cases()) {
    SCOPED_TRACE(c.name);
    const Bytes msg = unhex(c.message_hex);
    if (std::string_view(c.name) == "TEST 1024") {
      EXPECT_EQ(msg.size(), 1023u);
    }
    const KeyPair kp = KeyPair::from_seed(seed_from_hex(c.secret));
    EXPECT_EQ(telco::to_hex(kp.public_key()), c.public_key);
    EXPECT_EQ(telco::to_hex(kp.seed()), c.secret);
    const Signature sig = kp.sign(msg);
    EXPECT_EQ(telco::to_hex(sig), c.signature);
    auto pk = public_key_from_hex(c.public_key);
    auto parsed_sig = signature_from_hex(c.signature);
    ASSERT_TRUE(pk && parsed_sig);
    EXPECT_TRUE(verify(*pk, msg, *parsed_sig));
  }
}

TEST(Ed25519, VerifyRejectsModifiedMessageSignatureOrKey) {
  for (const Rfc8032Case& c : rfc8032_cases()) {
    SCOPED_TRACE(c.name);
    const Bytes msg = unhex(c.message_hex);
    const PublicKey pk = *public_key_from_hex(c.public_key);
    const Signature sig = *signature_from_hex(c.signature);
    ASSERT_TRUE(verify(pk, msg, sig));

    Bytes longer = msg;
    longer.push_back(0);
    EXPECT_FALSE(verify(pk, longer, sig));
    if (!msg.empty()) {
      Bytes flipped = msg;
      flipped[flipped.size() / 2] ^= 0x01;
      EXPECT_FALSE(verify(pk, flipped, sig));
      EXPECT_FALSE(verify(pk, ByteView(msg.data(), msg.size() - 1), sig));
    }
    for (std::size_t i = 0; i < sig.size(); i += 7) {
      Signature bad = sig;
      bad[i] ^= 0x04;
      EXPECT_FALSE(verify(pk, msg, bad)) << "sig byte " << i;
    }
    for (std::size_t i = 0; i < pk.size(); i += 5) {
      PublicKey bad = pk;
      bad[i] ^= 0x10;
      EXPECT_FALSE(verify(bad, msg, sig)) << "key byte " << i;
    }
  }
}

TEST(Ed25519, RejectsNonCanonicalSAndSmallOrderKey) {
  const Rfc8032Case c = rfc8032_cases()[0];
  const PublicKey pk = *public_key_from_hex(c.public_key);
  Signature sig = *signature_from_hex(c.signature);
  // S + L (the group order) verifies mathematically but is not canonical: must be refused,
  // or the transaction hash (which covers the signature) would be malleable.
  static constexpr std::uint8_t kL[32] = {0xed, 0xd3, 0xf5, 0x5c, 0x1a, 0x63, 0x12, 0x58, 0xd6, 0x9c, 0xf7,
                                          0xa2, 0xde, 0xf9, 0xde, 0x14, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
                                          0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x10};
  unsigned carry = 0;
  for (int i = 0; i < 32; ++i) {
    const unsigned sum = sig[32 + i] + kL[i] + carry;
    sig[32 + i] = static_cast<std::uint8_t>(sum);
    carry = sum >> 8;
  }
  EXPECT_FALSE(verify(pk, {}, sig));
  // The identity point (a small-order key) with an all-zero-R signature.
  PublicKey identity{};
  identity[0] = 1;
  Signature zero{};
  zero[0] = 1;
  EXPECT_FALSE(verify(identity, as_bytes("anything"), zero));
}

TEST(Ed25519, GeneratedKeysSignAndDiffer) {
  const KeyPair a = KeyPair::generate();
  const KeyPair b = KeyPair::generate();
  EXPECT_NE(a.public_key(), b.public_key());
  const Signature s = a.sign(as_bytes("hello"));
  EXPECT_TRUE(verify(a.public_key(), as_bytes("hello"), s));
  EXPECT_FALSE(verify(b.public_key(), as_bytes("hello"), s));
  EXPECT_EQ(KeyPair::from_seed(a.seed()).public_key(), a.public_key());
}

TEST(Ed25519, CopiedKeyPairStillSigns) {
  KeyPair a = KeyPair::from_seed(Seed{});
  const KeyPair copy = a;
  a = KeyPair::from_seed(Seed{1});
  const Signature s = copy.sign(as_bytes("x"));
  EXPECT_TRUE(verify(copy.public_key(), as_bytes("x"), s));
  EXPECT_NE(copy.public_key(), a.public_key());
}

TEST(Ed25519, HexParsersCheckLength) {
  EXPECT_TRUE(public_key_from_hex(std::string(64, 'a')));
  EXPECT_FALSE(public_key_from_hex(std::string(62, 'a')));
  EXPECT_FALSE(public_key_from_hex(std::string(66, 'a')));
  EXPECT_FALSE(public_key_from_hex(std::string(63, 'a') + "g"));
  EXPECT_TRUE(signature_from_hex(std::string(128, 'F')));
  EXPECT_FALSE(signature_from_hex(std::string(126, 'f')));
  EXPECT_FALSE(signature_from_hex(""));
}

// ---------------------------------------------------------------- bech32m

TEST(Bech32m, Bip350ValidStrings) {
  // Every string carries a valid bech32m checksum. Our decoder also requires the data part
  // to be whole bytes (zero padding), which two of them do not satisfy: expected_bytes
  // nullptr marks those.
  struct Case {
    const char* text;
    const char* expected_bytes_hex;
  };
  const Case cases[] = {
      {"A1LQFN3A", ""},
      {"a1lqfn3a", ""},
      {"an83characterlonghumanreadablepartthatcontainsthetheexcludedcharactersbioandnumber11sg7hg6", ""},
      {"abcdef1l7aum6echk45nj3s0wdvt2fg8x9yrzpqzd3ryx", "ffbbcdeb38bdab49ca307b9ac5a928398a418820"},
      {"11llllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllludsr8", nullptr},
      {"split1checkupstagehandshakeupstreamerranterredcaperredlc445v",
       "c5f38b70305f519bf66d85fb6cf03058f3dde463ecd7918f2dc743918f2d"},
      {"?1v759aa", ""},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.text);
    auto d = bech32m_decode(c.text);
    if (c.expected_bytes_hex == nullptr) {
      EXPECT_FALSE(d);  // 82 data characters = 410 bits: 2 bytes' worth of non-zero padding
      continue;
    }
    ASSERT_TRUE(d);
    EXPECT_EQ(telco::to_hex(d->data), c.expected_bytes_hex);
    std::string lower = c.text;
    for (char& ch : lower) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    EXPECT_EQ(d->hrp, lower.substr(0, lower.rfind('1')));
    EXPECT_EQ(bech32m_encode(d->hrp, d->data), lower);
  }
}

TEST(Bech32m, Bip350InvalidStrings) {
  const std::string cases[] = {
      std::string("\x20") + "1xj0phk",  // HRP character out of range
      std::string("\x7f") + "1g6xzxy",  // HRP character out of range
      std::string("\x80") + "1vctc34",  // HRP character out of range
      "an84characterslonghumanreadablepartthatcontainsthetheexcludedcharactersbioandnumber11d6pts4",  // too
                                                                                                      // long
      "qyrz8wqd2c9m",   // no separator
      "1qyrz8wqd2c9m",  // empty HRP
      "y1b0jsk6g",      // invalid data character
      "lt1igcx5c0",     // invalid data character
      "in1muywd",       // checksum too short
      "mm1crxm3i",      // invalid character in checksum
      "au1s5cgom",      // invalid character in checksum
      "M1VUXWEZ",       // checksum computed over the upper-case HRP
      "16plkw9",        // empty HRP
      "1p2gdwpf",       // empty HRP
  };
  for (const std::string& s : cases) EXPECT_FALSE(bech32m_decode(s)) << s;
}

TEST(Bech32m, Bech32ChecksumIsNotBech32m) {
  // BIP-173 (original bech32) valid strings must fail the bech32m constant.
  EXPECT_FALSE(bech32m_decode("A12UEL5L"));
  EXPECT_FALSE(bech32m_decode("a12uel5l"));
  EXPECT_FALSE(bech32m_decode("abcdef1qpzry9x8gf2tvdw0s3jn54khce6mua7lmqqqxw"));
}

TEST(Bech32m, RejectsMixedCaseAndNonZeroPadding) {
  EXPECT_TRUE(bech32m_decode("a1lqfn3a"));
  EXPECT_FALSE(bech32m_decode("A1lqfn3a"));
  EXPECT_FALSE(bech32m_decode("a1Lqfn3a"));
  EXPECT_EQ(bech32m_encode("a", {}), "a1lqfn3a");
  // Checksums below are valid (computed with an independent implementation); only the
  // data part's bit layout is wrong.
  EXPECT_FALSE(bech32m_decode("a1lwc3nuc"));   // one 5-bit group: not a whole byte
  EXPECT_FALSE(bech32m_decode("a1qpg8r8qs"));  // 8 zero bits then padding bits 01
  auto ok = bech32m_decode("a1qq43hjaz");      // 8 zero bits then padding bits 00
  ASSERT_TRUE(ok);
  EXPECT_EQ(ok->data, Bytes{0});
  EXPECT_EQ(bech32m_encode("a", Bytes{0}), "a1qq43hjaz");
}

TEST(Bech32m, EncodeDecodeRoundTripAllLengths) {
  for (std::size_t n = 0; n <= 50; ++n) {
    Bytes data(n);
    for (std::size_t i = 0; i < n; ++i) data[i] = static_cast<std::uint8_t>(0xff - i * 11);
    const std::string text = bech32m_encode("hrp", data);
    if (text.size() > 90) {
      EXPECT_FALSE(bech32m_decode(text)) << n;
      continue;
    }
    auto d = bech32m_decode(text);
    ASSERT_TRUE(d) << n;
    EXPECT_EQ(d->hrp, "hrp");
    EXPECT_EQ(d->data, data);
  }
}

// ---------------------------------------------------------------- Address

TEST(Address, DerivedFromDomainSeparatedHash) {
  const PublicKey pk =
      *public_key_from_hex("d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a");
  const Address a = Address::from_public_key(pk);
  EXPECT_EQ(telco::to_hex(a.bytes), "043d7e076fc1d41ae13b7e912a274d139fdae1b4");
  EXPECT_EQ(a.to_string(), "tc1qs7hupm0c82p4cfm06gj5f6dzw0a4cd58gwdxw");
  Bytes preimage(as_bytes("telco/address/v1").begin(), as_bytes("telco/address/v1").end());
  preimage.insert(preimage.end(), pk.begin(), pk.end());
  const Hash32 h = blake2b_256(preimage);
  EXPECT_TRUE(std::equal(a.bytes.begin(), a.bytes.end(), h.begin()));

  const PublicKey pk2 =
      *public_key_from_hex("3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c");
  EXPECT_EQ(Address::from_public_key(pk2).to_string(), "tc12utzj0jqsckgzmttf2jfgeg0dedqa5hg7wnfxe");
  EXPECT_EQ(Address{}.to_string(), "tc1qqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqq4aln4q");
}

TEST(Address, ParseFormatRoundTrip) {
  for (int i = 0; i < 20; ++i) {
    Seed seed{};
    seed[0] = static_cast<std::uint8_t>(i);
    const Address a = Address::from_public_key(KeyPair::from_seed(seed).public_key());
    const std::string text = a.to_string();
    EXPECT_EQ(text.size(), 41u);
    EXPECT_EQ(text.substr(0, 3), "tc1");
    auto back = Address::parse(text);
    ASSERT_TRUE(back);
    EXPECT_EQ(*back, a);
  }
}

TEST(Address, EverySingleCharacterSubstitutionIsRejected) {
  const Address a = Address::from_public_key(KeyPair::from_seed(Seed{42}).public_key());
  const std::string text = a.to_string();
  const std::string alphabet = "qpzry9x8gf2tvdw0s3jn54khce6mua7l1bio-QPZ";
  int tried = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    for (char c : alphabet) {
      if (c == text[i]) continue;
      std::string bad = text;
      bad[i] = c;
      ++tried;
      EXPECT_FALSE(Address::parse(bad)) << bad;
    }
  }
  EXPECT_GT(tried, 1500);
}

TEST(Address, AdjacentTranspositionsAreRejected) {
  const std::string text = Address::from_public_key(KeyPair::from_seed(Seed{43}).public_key()).to_string();
  for (std::size_t i = 3; i + 1 < text.size(); ++i) {
    if (text[i] == text[i + 1]) continue;
    std::string bad = text;
    std::swap(bad[i], bad[i + 1]);
    EXPECT_FALSE(Address::parse(bad)) << bad;
  }
}

TEST(Address, CaseRules) {
  const std::string text = Address::from_public_key(KeyPair::from_seed(Seed{7}).public_key()).to_string();
  std::string upper = text;
  for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  auto parsed = Address::parse(upper);
  ASSERT_TRUE(parsed);
  EXPECT_EQ(parsed->to_string(), text);  // formatting is always lower case
  std::string mixed = text;
  for (std::size_t i = 0; i < mixed.size(); ++i) {
    if (std::isalpha(static_cast<unsigned char>(mixed[i])) && i > 3) {
      mixed[i] = static_cast<char>(std::toupper(static_cast<unsigned char>(mixed[i])));
      break;
    }
  }
  EXPECT_FALSE(Address::parse(mixed));
  std::string mixed_prefix = "Tc" + text.substr(2);
  EXPECT_FALSE(Address::parse(mixed_prefix));
}

TEST(Address, WrongPrefixOrLengthRejected) {
  const Address a = Address::from_public_key(KeyPair::from_seed(Seed{9}).public_key());
  EXPECT_FALSE(Address::parse(bech32m_encode("tb", a.bytes)));
  EXPECT_FALSE(Address::parse(bech32m_encode("t", a.bytes)));
  EXPECT_FALSE(Address::parse(bech32m_encode("tcc", a.bytes)));
  EXPECT_FALSE(Address::parse(bech32m_encode("tc", ByteView(a.bytes.data(), 19))));
  Bytes longer(a.bytes.begin(), a.bytes.end());
  longer.push_back(0);
  EXPECT_FALSE(Address::parse(bech32m_encode("tc", longer)));
  EXPECT_FALSE(Address::parse(bech32m_encode("tc", Bytes(32, 1))));
  EXPECT_FALSE(Address::parse(""));
  EXPECT_FALSE(Address::parse("tc1"));
  EXPECT_FALSE(Address::parse(" " + a.to_string()));
  EXPECT_FALSE(Address::parse(a.to_string() + " "));
  EXPECT_FALSE(Address::parse(telco::to_hex(a.bytes)));
}

TEST(Address, OrderingAndHashing) {
  Address lo{}, hi{};
  hi.bytes[0] = 1;
  EXPECT_LT(lo, hi);
  std::set<Address> s = {hi, lo, hi};
  EXPECT_EQ(s.size(), 2u);
  std::unordered_set<Address> u = {hi, lo, lo};
  EXPECT_EQ(u.size(), 2u);
}

}  // namespace
}  // namespace telco::crypto
