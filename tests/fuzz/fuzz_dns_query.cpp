// DNS queries through the responder (dns/responder.h) over a small naming state: no input
// may crash it, and every answer it gives must itself parse as a DNS message that is a
// response with the query's id, at most 512 bytes over UDP unless the query carried EDNS0.
#include <cstddef>
#include <cstdint>
#include <map>

#include "dns/ldns_include.h"
#include "dns/responder.h"
#include "fuzz_check.h"
#include "modules/naming/state.h"
#include "state/write_set.h"

namespace {

using namespace telco;
namespace naming = modules::naming;

class MapView final : public state::StateView {
 public:
  std::optional<Bytes> get(ByteView key) const override {
    auto it = data.find(key);
    if (it == data.end()) return std::nullopt;
    return it->second;
  }
  std::map<Bytes, Bytes, BytesLess> data;
};

struct World {
  MapView view;
  chain::NamingParams params;
  World() {
    params.top_level_labels = {"tel"};
    state::WriteSet ws(view);
    naming::NameRecord alice;
    alice.name = "alice.tel";
    alice.registered_at = 1;
    alice.expires_at = 1'000'000;
    alice.records.records = {naming::Record::a({192, 0, 2, 1}),
                             naming::Record::txt(std::string(200, 't')),
                             naming::Record::txt(std::string(200, 'u')),
                             naming::Record::txt(std::string(200, 'v')),
                             naming::Record::srv({"_sip", "_udp", 1, 1, 5060, "sip.alice.tel"}),
                             naming::Record::naptr({1, 1, "u", "E2U+sip", "!^.*$!sip:a@alice.tel!", "."})};
    naming::store_name(ws, alice);
    naming::NumberRecord number;
    number.digits = "4155512345";
    number.assigned = true;
    number.routing = {{10, 100, naming::RoutingService::kSip, "sip:+14155512345@a.example"}};
    naming::store_number(ws, number);
    for (const auto& [k, v] : ws.writes()) view.data[k] = *v;
  }
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const World world;
  const ByteView query(data, size);
  for (dns::Transport t : {dns::Transport::kUdp, dns::Transport::kTcp}) {
    const Bytes r = dns::respond(dns::ZoneSource{world.view, world.params, 10}, query, t);
    if (r.empty()) continue;
    FUZZ_CHECK(size >= 12);
    FUZZ_CHECK(r.size() >= 12 && r[0] == data[0] && r[1] == data[1] && (r[2] & 0x80));
    ldns_pkt* p = nullptr;
    FUZZ_CHECK(ldns_wire2pkt(&p, r.data(), r.size()) == LDNS_STATUS_OK);
    if (t == dns::Transport::kUdp && r.size() > dns::kUdpPlainBytesMax) FUZZ_CHECK(ldns_pkt_edns(p));
    FUZZ_CHECK(r.size() <= (t == dns::Transport::kUdp ? dns::kUdpPayloadMax : 65'535));
    ldns_pkt_free(p);
  }
  return 0;
}
