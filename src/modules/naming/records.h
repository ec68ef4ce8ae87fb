// What a name resolves to (its records) and how a number is routed (its routing records),
// with their canonical encodings and validity rules. Each rule failure has its own result
// code (docs/modules/naming.md "Records").
#pragma once

#include <array>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "chain/result_code.h"
#include "codec/reader.h"
#include "codec/writer.h"
#include "util/bytes.h"

namespace telco::modules::naming {

enum class RecordType : std::uint8_t {
  kEd25519Key = 1,  // 32-byte public key
  kAddress = 2,     // 20-byte account address
  kA = 3,           // 4-byte IPv4 address
  kAaaa = 4,        // 16-byte IPv6 address
  kTxt = 5,         // 1..255 bytes, one DNS character-string
  kSrv = 6,         // _service._proto, priority, weight, port, target host
  kNaptr = 7,       // RFC 3403 order, preference, flags, services, regexp, replacement
  kDeviceId = 8,    // 1..64 printable ASCII bytes
};

struct Srv {
  std::string service;  // "_sip"
  std::string proto;    // "_udp"
  std::uint16_t priority = 0, weight = 0, port = 0;
  std::string target;  // a host name, or "." for "no service here"
  bool operator==(const Srv&) const = default;
};

struct Naptr {
  std::uint16_t order = 0, preference = 0;
  std::string flags, services, regexp;
  std::string replacement;  // a host name, or "." (required when regexp is set)
  bool operator==(const Naptr&) const = default;
};

// One record: its type and its type-specific encoding (`data`). Typed accessors decode.
struct Record {
  RecordType type{};
  Bytes data;
  bool operator==(const Record&) const = default;

  static Record a(std::array<std::uint8_t, 4> ip);
  static Record aaaa(const std::array<std::uint8_t, 16>& ip);
  static Record txt(std::string_view text);
  static Record srv(const Srv& srv);
  static Record naptr(const Naptr& naptr);
  static Record key(ByteView public_key);
  static Record address(ByteView address);
  static Record device(std::string_view id);

  std::optional<Srv> as_srv() const;
  std::optional<Naptr> as_naptr() const;
};

struct RecordSet {
  std::uint32_t ttl = 300;
  std::vector<Record> records;
  bool operator==(const RecordSet&) const = default;
};

void encode_records(codec::Writer& w, const RecordSet& set);
RecordSet decode_records(codec::Reader& r);  // bounds only; validate_records checks the rules
// kOk, or the first broken rule: unknown type, bad size, too many, invalid content.
chain::ResultCode validate_records(const RecordSet& set);

// A host name inside a record (SRV target, NAPTR replacement): "." or LDH labels (with '_'
// allowed, as in service names), at most 253 bytes, no trailing dot.
bool valid_host_name(std::string_view name);

nlohmann::json records_to_json(const RecordSet& set);
// Throws std::invalid_argument with a sentence.
RecordSet records_from_json(const nlohmann::json& j);
std::string record_type_name(RecordType type);

// How a number is reached: ENUM NAPTR records (RFC 6116) built from these.
enum class RoutingService : std::uint8_t {
  kSip = 1,       // "E2U+sip", URI sip: or sips:
  kVoiceTel = 2,  // "E2U+voice:tel", URI tel:+digits
  kPstnTel = 3,   // "E2U+pstn:tel" (RFC 4769), URI tel:+digits;npdi;rn=...
};

struct Routing {
  std::uint16_t order = 10, preference = 100;
  RoutingService service = RoutingService::kSip;
  std::string uri;
  bool operator==(const Routing&) const = default;
};

void encode_routing(codec::Writer& w, const std::vector<Routing>& routing);
std::vector<Routing> decode_routing(codec::Reader& r);
chain::ResultCode validate_routing(const std::vector<Routing>& routing);  // kOk or kRoutingInvalid
std::string_view enum_service(RoutingService service);                     // "E2U+sip"
nlohmann::json routing_to_json(const std::vector<Routing>& routing);
std::vector<Routing> routing_from_json(const nlohmann::json& j);  // throws std::invalid_argument

// E.164: 3..15 digits, no leading 0 (`number`); a block prefix is 1..14 digits.
bool valid_number(std::string_view digits);
bool valid_prefix(std::string_view digits);
// "+44 20-7946 0123" -> "442079460123" (spaces, '-', '.', '(', ')' dropped); nullopt if not valid_number.
std::optional<std::string> parse_number_text(std::string_view text);

}  // namespace telco::modules::naming
