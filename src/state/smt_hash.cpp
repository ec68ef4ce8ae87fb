#include "state/smt_hash.h"

#include <array>
#include <cstring>
#include <string_view>

namespace telco::state::smt {
namespace {

constexpr std::string_view kKeyTag = "telco/smt/key";
constexpr std::string_view kValueTag = "telco/smt/value";
constexpr std::string_view kLeafTag = "telco/smt/leaf";
constexpr std::string_view kNodeTag = "telco/smt/node";
constexpr std::string_view kEmptyTag = "telco/smt/empty";

// tag || a || b in one stack buffer: one BLAKE2b call, no allocation (the hot path of
// both the tree update and the proof verifier).
Hash32 hash_pair(std::string_view tag, const Hash32& a, const Hash32& b) {
  std::array<std::uint8_t, 16 + 64> buf;
  static_assert(kLeafTag.size() <= 16 && kNodeTag.size() <= 16);
  std::memcpy(buf.data(), tag.data(), tag.size());
  std::memcpy(buf.data() + tag.size(), a.data(), 32);
  std::memcpy(buf.data() + tag.size() + 32, b.data(), 32);
  return crypto::blake2b_256(ByteView(buf.data(), tag.size() + 64));
}

Hash32 hash_tagged(std::string_view tag, ByteView data) {
  crypto::Hasher h;
  h.update(tag);
  h.update(data);
  return h.finish();
}

}  // namespace

Hash32 key_path(ByteView key) {
  // Keys are short (a prefix byte and an address): hash from a stack buffer when they fit.
  std::array<std::uint8_t, 128> buf;
  if (key.size() <= buf.size() - kKeyTag.size()) {
    std::memcpy(buf.data(), kKeyTag.data(), kKeyTag.size());
    if (!key.empty()) std::memcpy(buf.data() + kKeyTag.size(), key.data(), key.size());
    return crypto::blake2b_256(ByteView(buf.data(), kKeyTag.size() + key.size()));
  }
  return hash_tagged(kKeyTag, key);
}

Hash32 value_hash(ByteView value) {
  std::array<std::uint8_t, 128> buf;
  if (value.size() <= buf.size() - kValueTag.size()) {
    std::memcpy(buf.data(), kValueTag.data(), kValueTag.size());
    if (!value.empty()) std::memcpy(buf.data() + kValueTag.size(), value.data(), value.size());
    return crypto::blake2b_256(ByteView(buf.data(), kValueTag.size() + value.size()));
  }
  return hash_tagged(kValueTag, value);
}

Hash32 leaf_hash(const Hash32& path, const Hash32& value_hash) { return hash_pair(kLeafTag, path, value_hash); }

Hash32 internal_hash(const Hash32& left, const Hash32& right) { return hash_pair(kNodeTag, left, right); }

const Hash32& empty_hash() {
  static const Hash32 h = crypto::blake2b_256(as_bytes(kEmptyTag));
  return h;
}

}  // namespace telco::state::smt
