#include "crypto/bech32.h"

#include <array>
#include <cstdint>
#include <vector>

namespace telco::crypto {
namespace {

constexpr char kCharset[] = "qpzry9x8gf2tvdw0s3jn54khce6mua7l";
constexpr std::uint32_t kBech32mConst = 0x2bc830a3;
constexpr std::size_t kMaxLength = 90;

std::uint32_t polymod(const std::vector<std::uint8_t>& values) {
  static constexpr std::array<std::uint32_t, 5> kGen = {0x3b6a57b2, 0x26508e6d, 0x1ea119fa,
                                                        0x3d4233dd, 0x2a1462b3};
  std::uint32_t chk = 1;
  for (std::uint8_t v : values) {
    const std::uint32_t top = chk >> 25;
    chk = ((chk & 0x1ffffff) << 5) ^ v;
    for (int i = 0; i < 5; ++i) {
      if ((top >> i) & 1) chk ^= kGen[i];
    }
  }
  return chk;
}

std::vector<std::uint8_t> hrp_expand(std::string_view hrp) {
  std::vector<std::uint8_t> out;
  out.reserve(hrp.size() * 2 + 1);
  for (char c : hrp) out.push_back(static_cast<std::uint8_t>(c) >> 5);
  out.push_back(0);
  for (char c : hrp) out.push_back(static_cast<std::uint8_t>(c) & 31);
  return out;
}

// Regroups bits; with pad=false, leftover bits must be fewer than from_bits and zero.
bool convert_bits(ByteView in, int from_bits, int to_bits, bool pad, std::vector<std::uint8_t>* out) {
  std::uint32_t acc = 0;
  int bits = 0;
  const std::uint32_t maxv = (1u << to_bits) - 1;
  for (std::uint8_t v : in) {
    if ((v >> from_bits) != 0) return false;
    acc = (acc << from_bits) | v;
    bits += from_bits;
    while (bits >= to_bits) {
      bits -= to_bits;
      out->push_back(static_cast<std::uint8_t>((acc >> bits) & maxv));
    }
  }
  if (pad) {
    if (bits > 0) out->push_back(static_cast<std::uint8_t>((acc << (to_bits - bits)) & maxv));
  } else if (bits >= from_bits || ((acc << (to_bits - bits)) & maxv) != 0) {
    return false;
  }
  return true;
}

// Reverse of kCharset over all bytes: -1 for characters outside the alphabet.
constexpr std::array<std::int8_t, 256> make_charset_index() {
  std::array<std::int8_t, 256> table{};
  for (auto& v : table) v = -1;
  for (int i = 0; i < 32; ++i) table[static_cast<unsigned char>(kCharset[i])] = static_cast<std::int8_t>(i);
  return table;
}
constexpr std::array<std::int8_t, 256> kCharsetIndex = make_charset_index();

int charset_index(char c) { return kCharsetIndex[static_cast<unsigned char>(c)]; }

}  // namespace

std::string bech32m_encode(std::string_view hrp, ByteView data) {
  std::vector<std::uint8_t> five;
  convert_bits(data, 8, 5, true, &five);
  std::vector<std::uint8_t> values = hrp_expand(hrp);
  values.insert(values.end(), five.begin(), five.end());
  values.insert(values.end(), 6, 0);
  const std::uint32_t mod = polymod(values) ^ kBech32mConst;
  std::string out(hrp);
  out.push_back('1');
  for (std::uint8_t v : five) out.push_back(kCharset[v]);
  for (int i = 0; i < 6; ++i) out.push_back(kCharset[(mod >> (5 * (5 - i))) & 31]);
  return out;
}

std::optional<Bech32Decoded> bech32m_decode(std::string_view text) {
  if (text.size() > kMaxLength || text.size() < 8) return std::nullopt;
  bool lower = false, upper = false;
  for (char c : text) {
    if (c < 33 || c > 126) return std::nullopt;
    lower |= (c >= 'a' && c <= 'z');
    upper |= (c >= 'A' && c <= 'Z');
  }
  if (lower && upper) return std::nullopt;
  std::string s(text);
  for (char& c : s) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  const std::size_t sep = s.rfind('1');
  if (sep == std::string::npos || sep == 0 || sep + 7 > s.size()) return std::nullopt;
  std::string hrp = s.substr(0, sep);
  std::vector<std::uint8_t> five;
  for (std::size_t i = sep + 1; i < s.size(); ++i) {
    const int idx = charset_index(s[i]);
    if (idx < 0) return std::nullopt;
    five.push_back(static_cast<std::uint8_t>(idx));
  }
  std::vector<std::uint8_t> values = hrp_expand(hrp);
  values.insert(values.end(), five.begin(), five.end());
  if (polymod(values) != kBech32mConst) return std::nullopt;
  five.resize(five.size() - 6);
  Bech32Decoded out{std::move(hrp), {}};
  if (!convert_bits(five, 5, 8, false, &out.data)) return std::nullopt;
  return out;
}

}  // namespace telco::crypto
