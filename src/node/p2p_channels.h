// The p2p channels a node declares (docs/CONSENSUS.md, "The node"; docs/STATE.md, "Fast sync
// over p2p"): limits, priorities and overflow policy. One table for the consensus service and
// the fast-sync client, which must declare the same set (a message on an undeclared channel
// closes the connection).
#pragma once

#include <vector>

#include "p2p/channel.h"

namespace telco::node {

std::vector<p2p::ChannelConfig> node_channels();

}  // namespace telco::node
