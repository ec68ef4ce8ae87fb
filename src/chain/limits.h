// Protocol-wide hard bounds. Genesis parameters may be tighter, never looser; every decoder
// enforces these before allocating.
#pragma once

#include <cstddef>

namespace telco::chain {

inline constexpr std::size_t kChainIdBytesMax = 50;
inline constexpr std::size_t kTxBytesMax = 64 * 1024;
inline constexpr std::size_t kPayloadBytesMax = kTxBytesMax;
inline constexpr std::size_t kBlockTxsMax = 100'000;
inline constexpr std::size_t kBlockBytesMax = 16 * 1024 * 1024;
inline constexpr std::size_t kValidatorsMax = 1'000;
inline constexpr std::size_t kValidatorNameBytesMax = 64;
inline constexpr std::size_t kHeaderBytesMax = 1024;
inline constexpr std::size_t kCommitSigBytes = 32 + 8 + 64;
inline constexpr std::size_t kCommitBytesMax = 8 + 4 + 32 + 4 + kValidatorsMax * kCommitSigBytes;
// Evidence of validator misbehaviour a block may carry: opaque to chain/ (consensus/ defines
// and verifies it), bounded here so the block decoder can bound it.
inline constexpr std::size_t kBlockEvidenceMax = 16;
inline constexpr std::size_t kEvidenceItemBytesMax = 512;
// A block's encoding: header, transactions (kBlockBytesMax), the previous block's commit
// and its evidence.
inline constexpr std::size_t kBlockEncodingBytesMax =
    kHeaderBytesMax + 4 + kBlockBytesMax + kCommitBytesMax + 4 + kBlockEvidenceMax * (4 + kEvidenceItemBytesMax);
// Funded accounts a genesis may list (a 100M-account file would be ~10 GiB of JSON).
inline constexpr std::size_t kGenesisAccountsMax = 100'000'000;

}  // namespace telco::chain
