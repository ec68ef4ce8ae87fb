// Every bound of the device module, in one place (docs/modules/device.md "Limits"). They are
// part of the protocol: a payload over a bound is refused with its own result code.
#pragma once

#include <cstddef>
#include <cstdint>

namespace telco::modules::device {

// Attributes: a few short (key, value) pairs such as model and capabilities.
inline constexpr std::size_t kAttributesMax = 8;
inline constexpr std::size_t kAttributeKeyBytesMax = 32;
inline constexpr std::size_t kAttributeValueBytesMax = 128;
// Read bounds, so that an over-long attribute gets device_attributes_invalid, not malformed.
inline constexpr std::size_t kAttributeFieldBytesMax = 1024;
inline constexpr std::size_t kAttributesFieldMax = 64;

// Fleets: up to 2^20 (1,048,576) members, so a membership path has at most 20 hashes.
inline constexpr std::uint64_t kFleetSizeMax = std::uint64_t{1} << 20;
inline constexpr std::size_t kFleetPathMax = 20;
// Read bound for a path (a longer one is refused as fleet_path_invalid, not malformed).
inline constexpr std::size_t kFleetPathFieldMax = 64;

// Anchoring: one batch commits at most this many readings from at most this many devices.
inline constexpr std::uint64_t kAnchorReadingsMax = std::uint64_t{1} << 24;
inline constexpr std::size_t kAnchorDevicesMax = 64;
inline constexpr std::size_t kAnchorDevicesFieldMax = 256;
// A reading's value bytes (what the device measured), and a reading-in-batch path.
inline constexpr std::size_t kReadingValueBytesMax = 1024;
inline constexpr std::size_t kReadingPathMax = 24;  // log2(kAnchorReadingsMax)

// Challenge-response.
inline constexpr std::size_t kPurposeBytesMax = 64;
inline constexpr std::size_t kVerifierIdBytesMax = 128;

// Queries.
inline constexpr std::size_t kHistoryPageMax = 100;

}  // namespace telco::modules::device
