#include "device_auth.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <iostream>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <random>
#include <stdexcept>
#include <thread>
#include <vector>

#include "api/json/device_octets.h"
#include "bench_keys.h"
#include "console.h"
#include "device/bench_registry.h"
#include "modules/device/auth.h"
#include "modules/device/payloads.h"
#include "modules/device/state.h"
#include "node_api.h"
#include "proc_stats.h"
#include "report.h"
#include "util/hex.h"
#include "verify_rate.h"

namespace telco::bench {
namespace {

namespace dev = modules::device;
using Json = nlohmann::json;
using Clock = std::chrono::steady_clock;

constexpr std::size_t kRegisterBatch = 500;  // transactions per POST /v1/txs

double since(Clock::time_point t) { return std::chrono::duration<double>(Clock::now() - t).count(); }

crypto::Hash32 device_id(std::size_t i) { return dev::device_id_hash("bench-device-" + std::to_string(i)); }
crypto::KeyPair device_key(std::size_t i) { return bench_key(kBenchDeviceKeyBase + i); }

// Who device i is in a run: telco-bench's own devices (registered by register_devices), or,
// with registry_sample_every = K, the K*i-th device of a registry that
// telco-device-store-bench --onto-node-data loaded (bench/device/bench_registry.h: only
// every K-th device there has its own key).
struct Identities {
  std::uint64_t sample_every = 0;
  std::size_t population(std::size_t devices) const {
    return sample_every ? (devices + sample_every - 1) / sample_every : devices;
  }
  crypto::Hash32 id(std::size_t i) const {
    return sample_every ? device::id_of(i * sample_every) : device_id(i);
  }
  crypto::KeyPair key(std::size_t i) const {
    return sample_every ? device::key_of(i * sample_every) : device_key(i);
  }
};

unsigned thread_count(unsigned threads) {
  return threads ? threads : std::max(1u, std::thread::hardware_concurrency());
}

// Runs fn(begin, end) over [0, n) in `threads` contiguous pieces.
template <typename Fn>
void parallel(std::size_t n, unsigned threads, Fn fn) {
  std::vector<std::thread> pool;
  const std::size_t per = (n + threads - 1) / threads;
  for (unsigned t = 0; t < threads; ++t) {
    const std::size_t b = t * per, e = std::min(n, b + per);
    if (b < e) pool.emplace_back([=, &fn] { fn(b, e); });
  }
  for (std::thread& th : pool) th.join();
}

NodeStatus status_of(HttpClient& c) {
  const HttpResponse r = c.get("/v1/status");
  if (r.status != 200) throw std::runtime_error("GET /v1/status answered HTTP " + std::to_string(r.status));
  return parse_status(r.body);
}

std::uint64_t mempool_txs(HttpClient& c) {
  const HttpResponse r = c.get("/v1/status");
  return Json::parse(r.body).at("mempool").at("txs").get<std::uint64_t>();
}

}  // namespace

std::string register_devices(const RegisterOptions& o) {
  if (o.devices == 0 || o.accounts == 0)
    throw std::invalid_argument("--devices and --accounts must be above zero");
  HttpClient client(o.node);
  const NodeStatus status = status_of(client);
  const unsigned threads = thread_count(o.threads);
  std::vector<crypto::KeyPair> senders;
  std::vector<std::uint64_t> nonces;
  for (std::size_t s = 0; s < o.accounts; ++s) {
    senders.push_back(bench_key(s));
    const std::string address = crypto::Address::from_public_key(senders.back().public_key()).to_string();
    const HttpResponse r = client.get("/v1/accounts/" + address);
    if (r.status != 200)
      throw std::runtime_error("bench account " + std::to_string(s) + " is not funded on this chain");
    nonces.push_back(parse_account(r.body).pending_nonce);
  }

  // Sign every registration first: device i is sent by account i mod A.
  const auto started = Clock::now();
  std::vector<Bytes> txs(o.devices);
  parallel(o.devices, threads, [&](std::size_t b, std::size_t e) {
    for (std::size_t i = b; i < e; ++i) {
      const std::size_t s = i % o.accounts;
      const crypto::Address owner = crypto::Address::from_public_key(senders[s].public_key());
      dev::DeviceRegister reg;
      reg.id_hash = device_id(i);
      reg.public_key = device_key(i).public_key();
      reg.owner = owner;
      reg.serving = owner;
      chain::Transaction tx;
      tx.chain_id = status.chain_id;
      tx.nonce = nonces[s] + i / o.accounts;
      tx.fee = status.min_fee;
      tx.payload = reg.to_payload();
      tx.sign(senders[s]);
      txs[i] = tx.encode();
    }
  });
  std::cerr << "signed " << o.devices << " device.register transactions in " << since(started) << " s\n";

  // Submit in order, keeping the mempool at most half full.
  const std::uint64_t room = std::max<std::uint64_t>(kRegisterBatch, status.mempool_txs_max / 2);
  const auto submit_started = Clock::now();
  auto last_progress = submit_started;
  std::size_t next = 0;
  while (next < o.devices) {
    while (mempool_txs(client) + kRegisterBatch > room)
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    const std::size_t count = std::min(kRegisterBatch, o.devices - next);
    std::string body(4, '\0');
    for (int k = 0; k < 4; ++k) body[k] = static_cast<char>((count >> (8 * k)) & 0xff);
    for (std::size_t i = next; i < next + count; ++i) body.append(txs[i].begin(), txs[i].end());
    const HttpResponse r = client.post("/v1/txs", "application/octet-stream", std::move(body));
    if (r.status != 200) throw std::runtime_error("POST /v1/txs answered HTTP " + std::to_string(r.status));
    const SubmitVerdict v = parse_submit_response(r.body);
    if (v.rejected > 0) {
      throw std::runtime_error(
          "the node refused " + std::to_string(v.rejected) +
          " registrations, the first: " + (v.rejections.empty() ? std::string("?") : v.rejections[0].name));
    }
    next += count;
    if (since(last_progress) >= 1) {
      last_progress = Clock::now();
      std::cerr << "registering devices: " << next << "/" << o.devices << " submitted, "
                << static_cast<std::uint64_t>(static_cast<double>(next) / since(submit_started)) << "/s\n";
    }
  }
  const auto drain_deadline = Clock::now() + std::chrono::seconds(120);
  while (mempool_txs(client) > 0) {
    if (Clock::now() > drain_deadline)
      throw std::runtime_error("the registrations were not all in blocks after 120 s");
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  // Every one must be on chain: the first, the last and a sample between.
  for (std::size_t i : {std::size_t{0}, o.devices / 2, o.devices - 1}) {
    const HttpResponse r = client.get("/v1/devices/" + to_hex(device_id(i)));
    if (r.status != 200) throw std::runtime_error("bench device " + std::to_string(i) + " is not registered");
  }
  const double seconds = since(submit_started);
  std::cerr << "registered " << o.devices << " devices in " << seconds << " s\n";
  Json out = {{"mode", "register"},
              {"devices", o.devices},
              {"accounts", o.accounts},
              {"seconds", seconds},
              {"registrations_per_s", static_cast<double>(o.devices) / seconds}};
  return out.dump();
}

std::string run_auth(const AuthOptions& o) {
  if (o.devices == 0 || o.connections == 0 || o.seconds <= 0) {
    throw std::invalid_argument("--devices, --connections and --seconds must be above zero");
  }
  if (o.batch == 0 || o.batch > 256) throw std::invalid_argument("--batch must be from 1 to 256");
  const Identities who{o.registry_sample_every};
  if (o.sweep && o.rate > 0) throw std::invalid_argument("--sweep runs flat out: give no --rate");
  if (o.binary && o.batch < 2)
    throw std::invalid_argument("--binary is for the /batch routes: give --batch 2 or more");
  const VerifyRate before = measure_verify_rate(1.0, 1);  // one core: the target is per core
  std::cerr << "Ed25519 verify on one core: " << before.per_s << "/s\n";
  {
    HttpClient probe(o.node);
    if (probe.get("/v1/devices/" + to_hex(who.id(who.population(o.devices) - 1))).status != 200) {
      throw std::runtime_error("bench device " + std::to_string(o.devices - 1) +
                               " is not registered: run telco-bench devices first");
    }
  }
  struct Sample {
    double total_ms, challenge_ms, auth_ms;
  };
  const bool batched = o.batch > 1;
  const bool binary = o.binary;
  const std::string challenge_path = batched ? "/v1/devices/challenge/batch" : "/v1/devices/challenge";
  const std::string auth_path = batched ? "/v1/devices/authenticate/batch" : "/v1/devices/authenticate";
  const std::string content_type = binary ? "application/octet-stream" : "application/json";
  std::mutex mutex;
  std::vector<Sample> samples;
  std::atomic<std::uint64_t> ok{0}, refused{0}, failed{0};
  std::string first_problem;
  // Every distinct problem (up to 20), with how often and when it first and last happened.
  struct Problem {
    std::size_t count = 0;
    double first_s = 0, last_s = 0;
  };
  std::map<std::string, Problem> problems;
  // Flat out, the bound is measured beside the load: every second the verifiers finish
  // their exchange and hold, one thread verifies for a quarter second, and the load goes on,
  // so the ratio compares the node with the verify rate of the same moments (this VM's speed
  // swings by tens of percent within seconds).
  const bool interleave = o.rate <= 0;
  std::atomic<bool> hold{false};
  const std::size_t population = who.population(o.devices);
  std::atomic<std::size_t> next_device{0};  // --sweep: each device once, in order
  ProgressLine sweep_progress("sweep: devices authenticated once", population);
  std::atomic<std::size_t> holding{0};
  std::atomic<std::size_t> active{o.connections};  // verifiers still running
  std::vector<double> bound_samples;
  double held_s = 0;
  const std::optional<double> node_cpu0 = o.node_pid ? cpu_seconds_of(o.node_pid) : std::nullopt;
  const auto started = Clock::now();
  const auto end =
      started + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(o.seconds));
  using Ms = std::chrono::duration<double, std::milli>;
  std::vector<std::thread> verifiers;
  for (std::size_t c = 0; c < o.connections; ++c) {
    verifiers.emplace_back([&, c] {
      HttpClient client(o.node, std::chrono::seconds(10));
      std::mt19937_64 rng(c * 7919 + 1);
      std::uniform_int_distribution<std::size_t> pick(0, who.population(o.devices) - 1);
      std::vector<Sample> mine;
      // Paced: each verifier starts one exchange (of `batch` devices) every
      // connections*batch/rate seconds, and latency counts from when it was due, so a slow
      // answer delays what follows it (no coordinated omission).
      const auto interval = o.rate > 0
                                ? std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(
                                      static_cast<double>(o.connections * o.batch) / o.rate))
                                : Clock::duration::zero();
      auto due = started + interval * c / o.connections;
      auto note = [&](const std::string& what) {
        std::lock_guard lock(mutex);
        if (first_problem.empty()) first_problem = what;
        const double at = since(started);
        auto it = problems.find(what);
        if (it == problems.end() && problems.size() < 20)
          it = problems.emplace(what, Problem{0, at, at}).first;
        if (it != problems.end()) {
          ++it->second.count;
          it->second.last_s = at;
        }
      };
      std::vector<std::size_t> picked(o.batch);
      std::vector<bool> oks(o.batch);
      while (true) {
        if (hold.load()) {
          holding.fetch_add(1);
          while (hold.load() && Clock::now() < end)
            std::this_thread::sleep_for(std::chrono::microseconds(200));
          holding.fetch_sub(1);
        }
        if (o.rate > 0) {
          std::this_thread::sleep_until(due);
        } else {
          due = Clock::now();
        }
        if (due >= end) break;
        if (o.sweep) {
          const std::size_t first = next_device.fetch_add(o.batch);
          if (first >= population) break;
          for (std::size_t k = 0; k < o.batch; ++k) picked[k] = (first + k) % population;
        } else {
          for (std::size_t& i : picked) i = pick(rng);
        }
        try {
          std::string ask_body;
          if (binary) {
            std::vector<api::ChallengeRequest> asks;
            asks.reserve(picked.size());
            for (std::size_t i : picked)
              asks.push_back({who.id(i), "login", "bench", api::kChallengeTtlMsDefault});
            const Bytes b = api::encode_challenge_asks(asks);
            ask_body.assign(b.begin(), b.end());
          } else {
            Json asks = Json::array();
            for (std::size_t i : picked)
              asks.push_back(
                  {{"id_hash", to_hex(who.id(i))}, {"purpose", "login"}, {"verifier_id", "bench"}});
            ask_body = batched ? Json{{"challenges", asks}}.dump() : asks[0].dump();
          }
          const auto asked = Clock::now();
          const HttpResponse ch = client.post(challenge_path, content_type, std::move(ask_body));
          const auto issued = Clock::now();
          if (ch.status != 200) {
            failed += o.batch;
            note("challenge: HTTP " + std::to_string(ch.status) + " " + ch.body.substr(0, 200));
            due += interval;
            continue;
          }
          // The devices sign what they were sent.
          std::string answer_body;
          if (binary) {
            auto issued_list = api::decode_challenge_batch_octets(as_bytes(ch.body));
            if (!issued_list || issued_list->size() != o.batch)
              throw std::runtime_error("the node's binary challenge list does not decode");
            std::vector<api::AuthAnswer> answers;
            answers.reserve(o.batch);
            for (std::size_t k = 0; k < o.batch; ++k) {
              const crypto::Signature sig = dev::answer_challenge(who.key(picked[k]), (*issued_list)[k]);
              answers.push_back({std::move((*issued_list)[k]), sig, std::nullopt});
            }
            const Bytes b = api::encode_auth_answers(answers);
            answer_body.assign(b.begin(), b.end());
          } else {
            const Json cj = Json::parse(ch.body);
            const Json& issued_list = batched ? cj.at("challenges") : cj;
            Json answers = Json::array();
            for (std::size_t k = 0; k < o.batch; ++k) {
              const std::string hex =
                  (batched ? issued_list.at(k) : issued_list).at("challenge").get<std::string>();
              const auto bytes = from_hex(hex);
              const auto challenge = bytes ? dev::decode_challenge(*bytes) : std::nullopt;
              if (!challenge) throw std::runtime_error("the node's challenge does not decode");
              const crypto::Signature sig = dev::answer_challenge(who.key(picked[k]), *challenge);
              answers.push_back({{"challenge", hex}, {"signature", to_hex(sig)}});
            }
            answer_body = batched ? Json{{"answers", answers}}.dump() : answers[0].dump();
          }
          const auto sent = Clock::now();
          const HttpResponse au = client.post(auth_path, content_type, std::move(answer_body));
          const auto done = Clock::now();
          if (au.status != 200) {
            failed += o.batch;
            note("authenticate: HTTP " + std::to_string(au.status) + " " + au.body.substr(0, 200));
          } else {
            std::string why;
            if (binary) {
              auto results = api::decode_auth_results_octets(as_bytes(au.body));
              if (!results || results->outcomes.size() != o.batch)
                throw std::runtime_error("the node's binary results do not decode");
              for (std::size_t k = 0; k < o.batch; ++k) {
                oks[k] = results->outcomes[k] == dev::AuthOutcome::kOk;
                if (!oks[k] && why.empty()) why = std::string(dev::auth_name(results->outcomes[k]));
              }
            } else {
              const Json aj = Json::parse(au.body);
              for (std::size_t k = 0; k < o.batch; ++k) {
                const Json& r = batched ? aj.at("results").at(k) : aj;
                oks[k] = r.value("ok", false);
                if (!oks[k] && why.empty()) why = r.dump().substr(0, 200);
              }
            }
            const Sample s{Ms(done - due).count(), Ms(issued - asked).count(), Ms(done - sent).count()};
            for (std::size_t k = 0; k < o.batch; ++k) {
              if (oks[k]) {
                ++ok;
                mine.push_back(s);
              } else {
                ++refused;
              }
            }
            if (!why.empty()) note("authenticate refused: " + why);
          }
        } catch (const std::exception& e) {
          failed += o.batch;
          note(e.what());
        }
        due += interval;
      }
      std::lock_guard lock(mutex);
      samples.insert(samples.end(), mine.begin(), mine.end());
      active.fetch_sub(1);
    });
  }
  if (interleave) {
    while (true) {
      if (o.sweep) sweep_progress(std::min(next_device.load(), population));
      const auto wake = std::min(end, Clock::now() + std::chrono::seconds(1));
      while (Clock::now() < wake && active.load() > 0)
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
      if (Clock::now() + std::chrono::milliseconds(500) >= end || active.load() == 0) break;
      const auto held = Clock::now();
      hold.store(true);
      // Every verifier finishes the exchange it is in (at most a batch's round trip).
      while (holding.load() < active.load() && Clock::now() < end)
        std::this_thread::sleep_for(std::chrono::microseconds(200));
      bound_samples.push_back(measure_verify_rate(0.25, 1).per_s);
      hold.store(false);
      held_s += since(held);
    }
  }
  for (std::thread& t : verifiers) t.join();
  const double seconds = since(started) - held_s;
  const std::optional<double> node_cpu1 = o.node_pid ? cpu_seconds_of(o.node_pid) : std::nullopt;
  std::vector<double> total, challenge, auth;
  for (const Sample& s : samples) {
    total.push_back(s.total_ms);
    challenge.push_back(s.challenge_ms);
    auth.push_back(s.auth_ms);
  }
  const double per_s = static_cast<double>(ok.load()) / seconds;
  double bound_per_s = before.per_s;
  if (!bound_samples.empty()) {
    bound_per_s = 0;
    for (double b : bound_samples) bound_per_s += b / static_cast<double>(bound_samples.size());
  }
  Json out = {{"mode", o.sweep      ? "sweep"
                       : o.rate > 0 ? "paced"
                                    : "flat"},
              {"rate_target", o.rate},
              {"devices", o.devices},
              {"connections", o.connections},
              {"batch", o.batch},
              {"seconds", seconds},
              {"authenticated", ok.load()},
              {"refused", refused.load()},
              {"failed", failed.load()},
              {"auth_per_s", per_s},
              {"latency_ms", Json::parse(latency_json(latency_stats(total)))},
              {"challenge_request_latency_ms", Json::parse(latency_json(latency_stats(challenge)))},
              {"authenticate_request_latency_ms", Json::parse(latency_json(latency_stats(auth)))},
              {"wire", binary ? "binary" : "json"},
              {"verify_per_s_one_core", bound_per_s},
              {"verify_per_s_before_run", before.per_s}};
  if (!bound_samples.empty()) {
    out["verify_bound_samples"] = bound_samples.size();
    out["verify_bound_min_max"] = {*std::min_element(bound_samples.begin(), bound_samples.end()),
                                   *std::max_element(bound_samples.begin(), bound_samples.end())};
    out["held_s"] = held_s;
  }
  if (!first_problem.empty()) out["first_problem"] = first_problem;
  for (const auto& [what, p] : problems)
    out["problems"].push_back(
        {{"what", what}, {"count", p.count}, {"first_s", p.first_s}, {"last_s", p.last_s}});
  if (node_cpu0 && node_cpu1 && ok.load() > 0) {
    const double cpu = *node_cpu1 - *node_cpu0;
    const double per_cpu_s = static_cast<double>(ok.load()) / cpu;
    out["node_cpu_s"] = cpu;
    out["auth_per_node_cpu_s"] = per_cpu_s;
    // The node's whole exchange (challenge issued, HTTP twice, JSON, lookup, verify) per
    // second of its CPU, against the bare verify rate of one core.
    out["ratio_to_verify_per_core"] = per_cpu_s / bound_per_s;
  }
  return out.dump();
}

}  // namespace telco::bench
