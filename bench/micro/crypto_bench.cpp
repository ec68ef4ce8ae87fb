// Ed25519 and BLAKE2b on the inputs the node actually sees: a bank transfer's signing bytes
// and its canonical encoding.
#include <benchmark/benchmark.h>

#include "micro/fixtures.h"

namespace telco::bench::micro {
namespace {

const Chain& chain2() {
  static const Chain c = make_chain(2);
  return c;
}

void BM_Ed25519Sign(benchmark::State& state) {
  const chain::Transaction tx = transfer(chain2(), 0, 1, 0);
  const Bytes message = tx.signing_bytes();
  const crypto::KeyPair& k = chain2().keys[0];
  for (auto _ : state) benchmark::DoNotOptimize(k.sign(message));
  state.SetItemsProcessed(state.iterations());
  state.SetLabel(std::to_string(message.size()) + "-byte message");
}
BENCHMARK(BM_Ed25519Sign);

void BM_Ed25519Verify(benchmark::State& state) {
  const chain::Transaction tx = transfer(chain2(), 0, 1, 0);
  const Bytes message = tx.signing_bytes();
  for (auto _ : state) benchmark::DoNotOptimize(crypto::verify(tx.sender, message, tx.signature));
  state.SetItemsProcessed(state.iterations());
  state.SetLabel(std::to_string(message.size()) + "-byte message");
}
BENCHMARK(BM_Ed25519Verify);

// What the mempool pays per transaction for the signature: build the signing bytes again
// from the decoded fields, then verify.
void BM_TxVerifySignature(benchmark::State& state) {
  const chain::Transaction tx = transfer(chain2(), 0, 1, 0);
  for (auto _ : state) benchmark::DoNotOptimize(tx.verify_signature());
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_TxVerifySignature);

void BM_Blake2b256Tx(benchmark::State& state) {
  const Bytes encoded = transfer(chain2(), 0, 1, 0).encode();
  for (auto _ : state) benchmark::DoNotOptimize(crypto::blake2b_256(encoded));
  state.SetItemsProcessed(state.iterations());
  state.SetBytesProcessed(state.iterations() * static_cast<std::int64_t>(encoded.size()));
  state.SetLabel(std::to_string(encoded.size()) + "-byte tx");
}
BENCHMARK(BM_Blake2b256Tx);

// tx.hash() as the node calls it: encode, then hash.
void BM_TxHash(benchmark::State& state) {
  const chain::Transaction tx = transfer(chain2(), 0, 1, 0);
  for (auto _ : state) benchmark::DoNotOptimize(tx.hash());
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_TxHash);

// Paid per transaction in execution, in the history index and in every JSON view.
void BM_SenderAddress(benchmark::State& state) {
  const chain::Transaction tx = transfer(chain2(), 0, 1, 0);
  for (auto _ : state) benchmark::DoNotOptimize(tx.sender_address());
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_SenderAddress);

void BM_AddressToBech32(benchmark::State& state) {
  const crypto::Address a = chain2().addresses[0];
  for (auto _ : state) benchmark::DoNotOptimize(a.to_string());
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_AddressToBech32);

// Paid per account when genesis.json is read, and per address the API parses.
void BM_AddressParseBech32(benchmark::State& state) {
  const std::string text = chain2().addresses[0].to_string();
  for (auto _ : state) benchmark::DoNotOptimize(crypto::Address::parse(text));
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_AddressParseBech32);

}  // namespace
}  // namespace telco::bench::micro
