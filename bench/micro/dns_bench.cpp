// dns::respond, the pure DNS responder telcod serves with (src/dns/responder.h): queries
// per second on one core for ENUM NAPTR lookups over N assigned numbers in an in-memory
// state view, and for A lookups of a name. No sockets: the server's cost on top is
// measured by dnsperf (docs/PERFORMANCE.md, "DNS").
#include <benchmark/benchmark.h>

#include <map>
#include <memory>
#include <random>
#include <string>

#include "dns/responder.h"
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

std::string number_of(std::uint64_t i) { return std::to_string(4'150'000'000ULL + i); }

struct World {
  MapView view;
  chain::NamingParams params;
  explicit World(std::uint64_t numbers) {
    params.top_level_labels = {"tel"};
    state::WriteSet ws(view);
    naming::NameRecord alice;
    alice.name = "alice.tel";
    alice.registered_at = 1;
    alice.expires_at = 1'000'000;
    alice.records.records = {naming::Record::a({192, 0, 2, 1})};
    naming::store_name(ws, alice);
    for (const auto& [k, v] : ws.writes()) view.data[k] = *v;
    for (std::uint64_t i = 0; i < numbers; ++i) {
      naming::NumberRecord n;
      n.digits = number_of(i);
      n.assigned = true;
      n.routing = {{10, 100, naming::RoutingService::kSip, "sip:+" + n.digits + "@operator.example"}};
      state::WriteSet one(view);
      naming::store_number(one, n);
      for (const auto& [k, v] : one.writes()) view.data[k] = *v;
    }
  }
};

Bytes query_for(const std::string& qname, std::uint16_t qtype, std::uint16_t id) {
  Bytes q = {
      static_cast<std::uint8_t>(id >> 8), static_cast<std::uint8_t>(id), 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0};
  std::size_t start = 0;
  while (start <= qname.size()) {
    const std::size_t dot = std::min(qname.find('.', start), qname.size());
    q.push_back(static_cast<std::uint8_t>(dot - start));
    q.insert(q.end(), qname.begin() + static_cast<std::ptrdiff_t>(start),
             qname.begin() + static_cast<std::ptrdiff_t>(dot));
    start = dot + 1;
  }
  q.push_back(0);
  q.insert(q.end(), {static_cast<std::uint8_t>(qtype >> 8), static_cast<std::uint8_t>(qtype), 0, 1});
  return q;
}

std::string enum_owner(const std::string& digits) {
  std::string out;
  for (auto it = digits.rbegin(); it != digits.rend(); ++it) {
    out += *it;
    out += '.';
  }
  return out + "e164.arpa";
}

void BM_EnumNaptr(benchmark::State& st) {
  static std::map<std::int64_t, std::unique_ptr<World>> worlds;
  auto& world = worlds[st.range(0)];
  if (!world) world = std::make_unique<World>(static_cast<std::uint64_t>(st.range(0)));
  std::mt19937_64 rng(1);
  std::vector<Bytes> queries;
  for (int i = 0; i < 4096; ++i) {
    queries.push_back(query_for(enum_owner(number_of(rng() % static_cast<std::uint64_t>(st.range(0)))), 35,
                                static_cast<std::uint16_t>(i)));
  }
  std::size_t i = 0, bytes = 0;
  for (auto _ : st) {
    const Bytes r = dns::respond({world->view, world->params, 10}, queries[i++ & 4095], dns::Transport::kUdp);
    bytes += r.size();
    benchmark::DoNotOptimize(r.data());
  }
  st.SetItemsProcessed(st.iterations());
  st.counters["answer_bytes"] = static_cast<double>(bytes) / static_cast<double>(st.iterations());
}
BENCHMARK(BM_EnumNaptr)->Arg(1'000)->Arg(1'000'000)->Unit(benchmark::kMicrosecond);

void BM_NameA(benchmark::State& st) {
  static World world(0);
  const Bytes q = query_for("alice.tel", 1, 7);
  for (auto _ : st)
    benchmark::DoNotOptimize(dns::respond({world.view, world.params, 10}, q, dns::Transport::kUdp));
  st.SetItemsProcessed(st.iterations());
}
BENCHMARK(BM_NameA)->Unit(benchmark::kMicrosecond);

void BM_Refused(benchmark::State& st) {
  static World world(0);
  const Bytes q = query_for("example.com", 1, 7);
  for (auto _ : st)
    benchmark::DoNotOptimize(dns::respond({world.view, world.params, 10}, q, dns::Transport::kUdp));
  st.SetItemsProcessed(st.iterations());
}
BENCHMARK(BM_Refused)->Unit(benchmark::kMicrosecond);

}  // namespace

BENCHMARK_MAIN();
