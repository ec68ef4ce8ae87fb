// `telco number assign --file` (apps/telco/bulk_assign.h): no file may crash the reader or
// the packer; what the reader accepts has one assignment per non-comment line, no number
// twice; what the packer makes covers every line once, in order, each batch within the
// count and the transaction size it was given.
#include <cstddef>
#include <cstdint>
#include <set>
#include <sstream>
#include <string>

#include "bulk_assign.h"
#include "chain/transaction.h"
#include "cli_error.h"
#include "crypto/address.h"
#include "crypto/ed25519.h"
#include "fuzz_check.h"
#include "modules/registry.h"

namespace {

using namespace telco;
using Json = nlohmann::json;

// SUBSCRIBER fields: "bad..." is unknown, anything else one fixed valid address.
std::string resolve(std::string_view field) {
  static const std::string address =
      crypto::Address::from_public_key(crypto::KeyPair::from_seed(crypto::Seed{1}).public_key()).to_string();
  if (field.starts_with("bad")) throw cli::UsageError("unknown subscriber");
  return address;
}

std::size_t tx_size(const Json& fields) {
  chain::Transaction tx;
  tx.chain_id = "fuzz";
  tx.payload = modules::find_handler("number.assign")->from_json(fields);
  return tx.encode().size();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size > 64 * 1024) return 0;
  // The first byte picks the limits, the rest is the file.
  const std::size_t per_tx = size > 0 ? 1 + data[0] % 8 : 1;
  const std::size_t tx_bytes_max = size > 0 ? 200 + 64 * (data[0] >> 3) : 200;
  std::istringstream in(std::string(reinterpret_cast<const char*>(data) + (size > 0), size > 0 ? size - 1 : 0));
  std::vector<cli::AssignmentLine> lines;
  try {
    lines = cli::read_assignment_lines(in, resolve, 1000);
  } catch (const cli::CliError&) {
    return 0;  // refused with a sentence: fine
  }
  FUZZ_CHECK(!lines.empty());
  std::set<std::string> numbers;
  for (std::size_t i = 0; i < lines.size(); ++i) {
    FUZZ_CHECK(i == 0 || lines[i].line > lines[i - 1].line);
    std::string n = lines[i].assignment["number"].get<std::string>();
    if (n.starts_with('+')) n.erase(0, 1);
    FUZZ_CHECK(numbers.insert(n).second);
  }
  std::vector<cli::AssignmentBatch> batches;
  try {
    batches = cli::pack_assignments(lines, per_tx, tx_bytes_max, tx_size);
  } catch (const cli::CliError&) {
    return 0;  // a line too large for a transaction
  } catch (const std::exception&) {
    return 0;  // from_json refused a field (a number or URI the payload cannot hold)
  }
  std::size_t next = 0;
  for (const cli::AssignmentBatch& b : batches) {
    FUZZ_CHECK(b.first == next && b.count >= 1 && b.count <= per_tx);
    FUZZ_CHECK(b.fields["assignments"].size() == b.count);
    FUZZ_CHECK(tx_size(b.fields) <= tx_bytes_max);
    next += b.count;
  }
  FUZZ_CHECK(next == lines.size());
  return 0;
}
