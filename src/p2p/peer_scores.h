// Misbehaviour scores and temporary bans, keyed by node id (docs/P2P.md, "Scoring and bans").
//
// The application (or the host itself, for protocol violations inside authenticated frames)
// reports a peer fault; the penalty depends on how sure we are that an honest peer never does
// it. Scores decay linearly, so rare mistakes are forgiven; at kBanScore the peer is
// disconnected and refused for the ban duration. Local errors (our disk, our bugs) are never
// reported here. Faults a third party can cause (a frame that fails decryption, a reset
// connection) are not faults of the peer's identity and are not scored either: the
// connection is simply closed.
//
// Both tables are bounded; not thread-safe (the host guards it). No Asio.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <unordered_map>

#include "p2p/node_id.h"

namespace telco::p2p {

enum class PeerFault : std::uint8_t {
  kMalformed,  // bytes that do not decode: no correct implementation sends them
  kInvalid,    // decodes but breaks a rule (bad signature, impossible height, oversize)
  kUnwanted,   // correct but useless or unsolicited (duplicate, not requested, too frequent)
};

const char* describe(PeerFault f);

inline constexpr double kBanScore = 100;
inline constexpr double kPenaltyMalformed = 100;  // banned at once
inline constexpr double kPenaltyInvalid = 34;     // banned at the third within a few minutes
inline constexpr double kPenaltyUnwanted = 5;
inline constexpr double kScoreDecayPerSecond = 10.0 / 60.0;  // 10 points a minute
inline constexpr std::size_t kScoresTrackedMax = 4096;
inline constexpr std::size_t kBansMax = 4096;

double penalty(PeerFault f);

class PeerScores {
 public:
  using Clock = std::chrono::steady_clock;

  explicit PeerScores(Clock::duration ban_duration) : ban_duration_(ban_duration) {}

  // Adds the fault's penalty; returns true when the score reached kBanScore and the peer is
  // now banned (its score is then forgotten).
  bool penalize(const NodeId& id, PeerFault fault, Clock::time_point now);
  void ban(const NodeId& id, Clock::time_point now);
  bool banned(const NodeId& id, Clock::time_point now);
  double score(const NodeId& id, Clock::time_point now) const;
  std::size_t bans(Clock::time_point now);

 private:
  struct Score {
    double value = 0;
    Clock::time_point updated;
  };
  static double decayed(const Score& s, Clock::time_point now);
  void make_room_for_score(Clock::time_point now);
  void make_room_for_ban(Clock::time_point now);

  Clock::duration ban_duration_;
  std::unordered_map<NodeId, Score, NodeIdHasher> scores_;
  std::unordered_map<NodeId, Clock::time_point, NodeIdHasher> banned_until_;
};

}  // namespace telco::p2p
