// The device module's other decoders: state records (device, fleet, stolen entry, anchor,
// history entry) and challenge bytes. Whatever decodes re-encodes to the same bytes, so one
// record has one encoding; a reading verification over decoded parts never crashes.
#include <cstddef>
#include <cstdint>

#include "fuzz_check.h"
#include "modules/device/auth.h"
#include "modules/device/merkle.h"
#include "modules/device/state.h"

namespace {

using namespace telco;
namespace dev = modules::device;

template <typename T, typename D, typename E>
void round_trip(ByteView bytes, D&& decode, E&& encode) {
  const std::optional<T> x = decode(bytes);
  if (!x) return;
  FUZZ_CHECK(encode(*x) == Bytes(bytes.begin(), bytes.end()));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const ByteView bytes(data + 1, size - 1);
  switch (data[0] % 6) {
    case 0:
      round_trip<dev::DeviceRecord>(bytes, dev::decode_device, dev::encode_device);
      break;
    case 1:
      round_trip<dev::FleetRecord>(bytes, dev::decode_fleet, dev::encode_fleet);
      break;
    case 2:
      round_trip<dev::StolenEntry>(bytes, dev::decode_stolen, dev::encode_stolen);
      break;
    case 3:
      round_trip<dev::AnchorRecord>(bytes, dev::decode_anchor, dev::encode_anchor);
      break;
    case 4:
      round_trip<dev::HistoryEntry>(bytes, dev::decode_history, dev::encode_history);
      break;
    default: {
      round_trip<dev::Challenge>(bytes, dev::decode_challenge, dev::encode_challenge);
      if (auto c = dev::decode_challenge(bytes)) {
        // An answer that is all zeros never verifies, whatever the record says.
        dev::DeviceRecord d;
        d.id_hash = c->id_hash;
        d.public_key = crypto::KeyPair::from_seed(crypto::Seed{1}).public_key();
        FUZZ_CHECK(dev::verify_answer(c->chain_id, *c, crypto::Signature{}, d, 0) != dev::AuthOutcome::kOk);
      }
    }
  }
  return 0;
}
