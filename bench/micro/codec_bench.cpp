// Canonical encoding and decoding of transactions, single and as a submit batch.
#include <benchmark/benchmark.h>

#include "codec/reader.h"
#include "codec/writer.h"
#include "micro/fixtures.h"

namespace telco::bench::micro {
namespace {

const Chain& chain2() {
  static const Chain c = make_chain(2);
  return c;
}

void BM_TxEncode(benchmark::State& state) {
  const chain::Transaction tx = transfer(chain2(), 0, 1, 0);
  for (auto _ : state) benchmark::DoNotOptimize(tx.encode());
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_TxEncode);

void BM_TxSigningBytes(benchmark::State& state) {
  const chain::Transaction tx = transfer(chain2(), 0, 1, 0);
  for (auto _ : state) benchmark::DoNotOptimize(tx.signing_bytes());
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_TxSigningBytes);

void BM_TxDecode(benchmark::State& state) {
  const Bytes encoded = transfer(chain2(), 0, 1, 0).encode();
  for (auto _ : state) {
    auto tx = chain::decode_transaction(ByteView(encoded));
    if (!tx) state.SkipWithError("decode failed");
    benchmark::DoNotOptimize(tx);
  }
  state.SetItemsProcessed(state.iterations());
  state.SetBytesProcessed(state.iterations() * static_cast<std::int64_t>(encoded.size()));
}
BENCHMARK(BM_TxDecode);

// The octet-stream body of POST /v1/txs: u32 count, then the transactions back to back.
void BM_TxBatchDecode(benchmark::State& state) {
  const auto n = static_cast<std::size_t>(state.range(0));
  codec::Writer w;
  w.u32(static_cast<std::uint32_t>(n));
  const Bytes one = transfer(chain2(), 0, 1, 0).encode();
  for (std::size_t i = 0; i < n; ++i) w.fixed(ByteView(one));
  const Bytes body = w.take();
  for (auto _ : state) {
    codec::Reader r(body);
    const std::uint32_t count = r.u32();
    std::vector<chain::Transaction> txs;
    txs.reserve(count);
    for (std::uint32_t i = 0; i < count; ++i) txs.push_back(chain::decode_transaction(r));
    if (!r.finish()) state.SkipWithError("decode failed");
    benchmark::DoNotOptimize(txs);
  }
  state.SetItemsProcessed(state.iterations() * state.range(0));
}
BENCHMARK(BM_TxBatchDecode)->Arg(1000);

}  // namespace
}  // namespace telco::bench::micro
