// The consensus write-ahead log: every input the engine acts on (peer and own messages,
// fired timeouts, the application's answers), logged before it is acted on, so that after a
// crash the engine is rebuilt by replaying exactly what it had seen (docs/CONSENSUS.md,
// "WAL").
//
// Record = u32 length ‖ fixed[8] check ‖ payload, check = the first 8 bytes of
// BLAKE2b-256(u32 length ‖ payload). Payload = u8 kind ‖ body ‖ u64 local time ms. The log
// of one height starts with a StartHeight record; starting the next height truncates it.
// recover() reads records until the first that is short, oversized, fails its check or does
// not decode, and cuts the log there: a torn append at a crash loses only unsynced records.
#pragma once

#include <variant>
#include <vector>

#include "consensus/engine.h"
#include "consensus/storage.h"

namespace telco::consensus {

struct StartHeight {
  std::uint64_t height = 0;
  bool operator==(const StartHeight&) const = default;
};
struct BlockPrepared {
  Round round = 0;
  chain::Block block;
  bool operator==(const BlockPrepared&) const = default;
};
struct BlockValidated {
  Hash32 hash{};
  bool valid = false;
  bool operator==(const BlockValidated&) const = default;
};
struct CommitReceived {
  chain::Block block;
  chain::Commit commit;
  bool operator==(const CommitReceived&) const = default;
};

using WalEvent = std::variant<StartHeight, Proposal, Vote, Timeout, BlockPrepared, BlockValidated, CommitReceived>;

struct WalEntry {
  std::uint64_t now_ms = 0;
  WalEvent event;
  bool operator==(const WalEntry&) const = default;
};

inline constexpr std::size_t kWalRecordHeaderBytes = 4 + 8;
inline constexpr std::size_t kWalPayloadBytesMax = 1 + 8 + 8 + 4 + chain::kBlockEncodingBytesMax + chain::kCommitBytesMax +
                                                   kProposalBytesMax;

Bytes encode_wal_payload(const WalEntry& entry);
std::optional<WalEntry> decode_wal_payload(ByteView bytes, codec::DecodeError* error = nullptr);

class Wal {
 public:
  explicit Wal(LogStorage& storage) : storage_(storage) {}

  struct Recovery {
    std::vector<WalEntry> entries;
    std::size_t dropped_bytes = 0;  // torn or corrupt tail cut off
  };
  Recovery recover();
  void append(const WalEntry& entry);
  void sync() { storage_.sync(); }
  // Truncates the log and begins `height` with a synced StartHeight record.
  void begin_height(std::uint64_t height, std::uint64_t now_ms);

 private:
  LogStorage& storage_;
};

}  // namespace telco::consensus
