#include "p2p/channel.h"

namespace telco::p2p {

std::optional<std::string> ChannelTable::add_all(const std::vector<ChannelConfig>& channels) {
  for (const ChannelConfig& c : channels) {
    const std::string name = "channel " + std::to_string(c.id);
    if (known_[c.id]) return name + " is declared twice";
    if (c.priority == 0 || c.priority > kPriorityMax) {
      return name + ": priority must be 1.." + std::to_string(kPriorityMax);
    }
    if (c.message_bytes_max == 0 || c.message_bytes_max > kMessageBytesHardMax) {
      return name + ": message_bytes_max must be 1.." + std::to_string(kMessageBytesHardMax);
    }
    if (c.queue_messages_max == 0) return name + ": queue_messages_max must be at least 1";
    if (c.queue_bytes_max < c.message_bytes_max) return name + ": queue_bytes_max is below message_bytes_max";
    configs_[c.id] = c;
    known_[c.id] = true;
    ids_.push_back(c.id);
  }
  return std::nullopt;
}

}  // namespace telco::p2p
