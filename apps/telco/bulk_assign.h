// `telco number assign --file FILE`: an operator's bulk import of number assignments (a
// range of new subscribers, a migration from another system). Pure logic here: reading the
// file and packing it into number.assign payloads; payload_tx.h sends them.
//
// File format, one assignment per line (a CSV export of an HLR or a numbering database):
//   NUMBER,SUBSCRIBER[,URI[,URI...]]
// NUMBER in E.164 (+ optional), SUBSCRIBER a tc1... address or a local key name, each URI
// routing (sip:..., tel:+...). Blank lines and lines starting with '#' are skipped; spaces
// around fields are trimmed.
#pragma once

#include <cstddef>
#include <functional>
#include <istream>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

namespace telco::cli {

// The "routing" of number.assign, number.set_routing and number.port_request from routing
// URIs, in order: `tel:` URIs get the service E2U+voice:tel, the others the default E2U+sip.
nlohmann::json routing_json(const std::vector<std::string>& uris);

struct AssignmentLine {
  std::size_t line = 0;         // 1-based, in the file
  nlohmann::json assignment;    // {"number", "subscriber", "routing"} as number.assign takes it
};

// Resolves a SUBSCRIBER field to a tc1... address; throws UsageError when it cannot.
using ResolveAddress = std::function<std::string(std::string_view)>;

// Throws UsageError naming the line for a malformed line, a number twice, or no lines.
std::vector<AssignmentLine> read_assignment_lines(std::istream& in, const ResolveAddress& resolve,
                                                  std::size_t lines_max);

// One number.assign payload's worth of lines.
struct AssignmentBatch {
  std::size_t first = 0, count = 0;  // a range of the lines
  nlohmann::json fields;             // {"assignments": [...]}
};

// Packs the lines, in order, into batches of at most `per_tx` assignments whose transaction
// stays within `tx_bytes_max`. `tx_size` gives the encoded size of the signed transaction
// that carries a number.assign payload built from given fields (payload_tx.h). Throws
// UsageError for a line that does not fit a transaction on its own.
std::vector<AssignmentBatch> pack_assignments(const std::vector<AssignmentLine>& lines, std::size_t per_tx,
                                              std::size_t tx_bytes_max,
                                              const std::function<std::size_t(const nlohmann::json& fields)>& tx_size);

}  // namespace telco::cli
