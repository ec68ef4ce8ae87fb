// The API edge's per-transaction JSON work at load: decoding an octet-stream submit body,
// the submit response listing every verdict, and the /v1/events message of a block (built
// once per block and sent to every subscriber).
#include <benchmark/benchmark.h>

#include "api/json/submit_body.h"
#include "api/json/views.h"
#include "codec/writer.h"
#include "micro/fixtures.h"

namespace telco::bench::micro {
namespace {

std::string octet_body(const std::vector<chain::Transaction>& txs) {
  codec::Writer w;
  w.u32(static_cast<std::uint32_t>(txs.size()));
  for (const auto& tx : txs) w.fixed(ByteView(tx.encode()));
  return to_string(w.data());
}

void BM_ApiParseOctetBody(benchmark::State& state) {
  const Chain c = make_chain(100);
  const std::string body = octet_body(transfers(c, static_cast<std::size_t>(state.range(0))));
  for (auto _ : state) benchmark::DoNotOptimize(api::parse_submit_body("application/octet-stream", body));
  state.SetItemsProcessed(state.iterations() * state.range(0));
}
BENCHMARK(BM_ApiParseOctetBody)->Arg(1'000)->Unit(benchmark::kMillisecond);

void BM_ApiSubmitResponseJson(benchmark::State& state) {
  const Chain c = make_chain(100);
  const std::string body = octet_body(transfers(c, static_cast<std::size_t>(state.range(0))));
  const auto parsed = std::get<api::SubmitBody>(api::parse_submit_body("application/octet-stream", body));
  std::vector<api::SubmitResult> results;
  for (const auto& item : parsed.items) results.push_back({item.tx->hash(), chain::ResultCode::kOk});
  for (auto _ : state) benchmark::DoNotOptimize(api::submit_response_json(parsed.items, results).dump());
  state.SetItemsProcessed(state.iterations() * state.range(0));
}
BENCHMARK(BM_ApiSubmitResponseJson)->Arg(1'000)->Unit(benchmark::kMillisecond);

void BM_ApiBlockEventJson(benchmark::State& state) {
  const auto n = static_cast<std::size_t>(state.range(0));
  const Chain c = make_chain(n);
  api::BlockData block;
  block.block.txs = transfers(c, n);
  block.block.header.tx_count = static_cast<std::uint32_t>(n);
  block.receipts.assign(n, chain::Receipt{chain::ResultCode::kOk, kMinFee});
  std::size_t bytes = 0;
  for (auto _ : state) {
    const std::string message = api::block_event_json(block).dump();
    bytes = message.size();
    benchmark::DoNotOptimize(message);
  }
  state.SetItemsProcessed(state.iterations() * state.range(0));
  state.SetLabel(std::to_string(bytes / 1024) + " KiB per message");
}
BENCHMARK(BM_ApiBlockEventJson)->Arg(1'000)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace telco::bench::micro
