// Every bound of the naming module, in one place (docs/modules/naming.md "Limits"). They are
// part of the protocol: a payload over a bound is refused with its own result code.
#pragma once

#include <cstddef>
#include <cstdint>

namespace telco::modules::naming {

// Names (RFC 1035 §2.3.4 text-form bounds, applied to the A-label form).
inline constexpr std::size_t kNameBytesMax = 253;
inline constexpr std::size_t kLabelBytesMax = 63;
inline constexpr std::size_t kNameLabelsMax = 10;  // the top-level label included
// Encoded names in payloads are read up to this bound so that a too-long name gets its own
// code (name_too_long) rather than malformed_payload.
inline constexpr std::size_t kNameFieldBytesMax = 1024;
inline constexpr std::size_t kCodePointsPerLabelMax = 63;

// Records of one name.
inline constexpr std::size_t kRecordsMax = 16;
inline constexpr std::size_t kRecordDataBytesMax = 600;  // one record's encoded data
inline constexpr std::size_t kRecordSetBytesMax = 4096;  // all of a name's records, encoded
inline constexpr std::size_t kTxtBytesMax = 255;         // one DNS character-string
inline constexpr std::size_t kDeviceIdBytesMax = 64;
inline constexpr std::size_t kNaptrFlagsBytesMax = 16;
inline constexpr std::size_t kNaptrServicesBytesMax = 64;
inline constexpr std::size_t kNaptrRegexpBytesMax = 255;
inline constexpr std::uint32_t kTtlMax = 86'400;
inline constexpr std::uint32_t kTtlDefault = 300;

// Registration.
inline constexpr std::uint64_t kRevealDelayBlocksMin = 1;  // a reveal comes at least one block after its commit
inline constexpr std::uint64_t kRenewPeriodsAheadMax = 10;  // expiry at most 10 periods ahead of now

// E.164 numbers (ITU-T E.164: at most 15 digits, country code never starts with 0).
inline constexpr std::size_t kNumberDigitsMin = 3;
inline constexpr std::size_t kNumberDigitsMax = 15;
inline constexpr std::size_t kRoutingRecordsMax = 8;
inline constexpr std::size_t kUriBytesMax = 240;  // fits "!^.*$!" URI "!" in one character-string
inline constexpr std::size_t kAssignBatchMax = 512;
inline constexpr std::size_t kReasonBytesMax = 128;
// A port is scheduled at least the donor deadline ahead and at most this much beyond it.
inline constexpr std::uint64_t kPortScheduleSlackBlocksMax = 1'000'000;
// DNS answers for numbers use this TTL: short, because a port moves routing at one height.
inline constexpr std::uint32_t kNumberTtl = 60;

// Queries.
inline constexpr std::size_t kHistoryPageMax = 100;

}  // namespace telco::modules::naming
