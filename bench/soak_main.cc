// carereach-soak: a mixed-workload load generator for a running carereach-server.
//
// Keeps --concurrency calls in flight (gRPC callback API: unary callbacks and client/server/bidi
// stream reactors) for --duration_seconds, drawing each next call from a weighted mix of every
// RPC kind: regions, straight-line and drive coverage, isochrones, the matrix stream, the adequacy
// stream, the contracting analyses over stored networks, and the network store (create, import,
// list, get, export, diff). Requests are built from the real data (--data_dir): open HIFLD
// hospitals and Census tract centres of population of the regions in deploy/regions.textproto.
//
// Prints calls, errors by code, p50/p99/max latency and throughput per RPC kind, and the server's
// RSS (/proc/PID/status VmRSS, with --server_pid) at start, after the warm-up and at the end.
// Exits 1 when any call failed (any non-OK code other than the NOT_FOUND of the deliberate
// "not_found" kind, and any answer whose shape is wrong), when RSS grew more than
// --max_rss_growth after the warm-up, or (with --require_every_kind) when a kind in the mix never
// completed. RESOURCE_EXHAUSTED (admission control) is reported on its own line and is an error:
// choose a concurrency under the server's limits. Run by bench/soak.sh; see docs/RELIABILITY.md.
//
// This file holds the flags and the run; bench/soak/: world (the real data), mix (the kinds and
// their weights), requests (each kind's request and the check of its answer), calls (the stream
// reactors), driver (the slots and the set-up), report (statistics, RSS and the report).
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/strings/str_join.h"
#include "absl/strings/strip.h"
#include "bench/soak/driver.h"
#include "bench/soak/mix.h"
#include "bench/soak/report.h"
#include "bench/soak/world.h"
#include "grpcpp/create_channel.h"
#include "grpcpp/grpcpp.h"
#include "grpcpp/security/credentials.h"

ABSL_FLAG(std::string, target, "127.0.0.1:50051", "host:port of the carereach-server");
ABSL_FLAG(std::string, data_dir, "", "The real data directory (hospitals and tract centres)");
ABSL_FLAG(int32_t, duration_seconds, 60, "How long new calls are started, seconds");
ABSL_FLAG(
    int32_t, warmup_seconds, -1,
    "RSS is compared with its value at this point; -1: a quarter of the duration, at most 60");
ABSL_FLAG(int32_t, concurrency, 8, "Calls kept in flight");
ABSL_FLAG(std::string, mix, "",
          "Weights overriding the defaults, e.g. \"coverage_drive=10,isochrones=0\". Kinds "
          "(default weight): list_regions (4), coverage_straight (8), coverage_drive (6), "
          "isochrones (3), matrix (4), evaluate_adequacy (4), analyze_coverage (4), "
          "analyze_adequacy (3), recommend_additions (2), access_ratios (3), create_network (2), "
          "import_network (2), list_networks (3), get_network (3), export_network (3), "
          "diff_versions (3), not_found (1)");
ABSL_FLAG(std::vector<std::string>, tenants, std::vector<std::string>({"soak-a", "soak-b"}),
          "x-carereach-tenant values; call slot i uses tenants[i % n]");
ABSL_FLAG(std::string, tls_ca_file, "", "PEM roots: connect with TLS (else plaintext)");
ABSL_FLAG(std::string, tls_server_name, "", "TLS name to verify, when not the target's host");
ABSL_FLAG(std::string, token_file, "", "A bearer token sent as \"authorization\" on every call");
ABSL_FLAG(int32_t, server_pid, 0, "Sample this process's VmRSS (0: no RSS figures)");
ABSL_FLAG(double, max_rss_growth, 0.10, "Fail when end RSS > after-warm-up RSS x (1 + this)");
ABSL_FLAG(int32_t, ready_timeout_seconds, 600,
          "Wait this long for health SERVING and the drive regions' roads READY");
ABSL_FLAG(int32_t, call_deadline_seconds, 120, "Deadline of every call");
ABSL_FLAG(bool, require_every_kind, false, "Fail unless every kind in the mix succeeded once");

namespace carereach::soak {
namespace {

std::string ReadFile(const std::string& path) {
  std::ifstream in(path);
  if (!in) {
    std::fprintf(stderr, "soak: cannot read %s\n", path.c_str());
    std::exit(2);
  }
  return std::string(std::istreambuf_iterator<char>(in), {});
}

int Main(int argc, char** argv) {
  absl::SetProgramUsageMessage("carereach-soak --target HOST:PORT --data_dir DIR [flags]");
  absl::ParseCommandLine(argc, argv);
  const std::string data_dir = absl::GetFlag(FLAGS_data_dir);
  const int duration = absl::GetFlag(FLAGS_duration_seconds);
  const int concurrency = absl::GetFlag(FLAGS_concurrency);
  const std::vector<std::string> tenants = absl::GetFlag(FLAGS_tenants);
  if (data_dir.empty() || duration <= 0 || concurrency <= 0 || tenants.empty()) {
    std::fprintf(stderr,
                 "soak: --data_dir, --duration_seconds > 0, --concurrency > 0 and --tenants are "
                 "required\n");
    return 2;
  }
  int warmup = absl::GetFlag(FLAGS_warmup_seconds);
  if (warmup < 0) warmup = std::min(60, duration / 4);
  warmup = std::min(warmup, duration);
  const std::vector<int> weights = ParseMix(absl::GetFlag(FLAGS_mix));
  const int pid = absl::GetFlag(FLAGS_server_pid);

  std::shared_ptr<grpc::ChannelCredentials> creds = grpc::InsecureChannelCredentials();
  grpc::ChannelArguments args;
  args.SetMaxReceiveMessageSize(64 << 20);
  if (!absl::GetFlag(FLAGS_tls_ca_file).empty()) {
    grpc::SslCredentialsOptions tls;
    tls.pem_root_certs = ReadFile(absl::GetFlag(FLAGS_tls_ca_file));
    creds = grpc::SslCredentials(tls);
    if (!absl::GetFlag(FLAGS_tls_server_name).empty()) {
      args.SetSslTargetNameOverride(absl::GetFlag(FLAGS_tls_server_name));
    }
  }
  std::string token;
  if (!absl::GetFlag(FLAGS_token_file).empty()) {
    token = std::string(absl::StripAsciiWhitespace(ReadFile(absl::GetFlag(FLAGS_token_file))));
  }
  auto channel = grpc::CreateCustomChannel(absl::GetFlag(FLAGS_target), creds, args);

  Driver soak(channel, LoadWorld(data_dir),
              {.weights = weights,
               .tenants = tenants,
               .token = token,
               .call_deadline_seconds = absl::GetFlag(FLAGS_call_deadline_seconds)});
  if (!soak.WaitReady(absl::GetFlag(FLAGS_ready_timeout_seconds))) return 1;
  if (!soak.Setup()) return 1;

  const auto begin = Driver::Clock::now();
  RssSampler sampler(pid, begin, warmup);
  std::printf("soak: %s, %d s (warm-up %d s), concurrency %d, tenants %s, run id %s\n",
              absl::GetFlag(FLAGS_target).c_str(), duration, warmup, concurrency,
              absl::StrJoin(tenants, ",").c_str(), soak.nonce().c_str());
  std::fflush(stdout);
  soak.Run(concurrency, begin + std::chrono::seconds(duration));
  const double elapsed = std::chrono::duration<double>(Driver::Clock::now() - begin).count();
  return PrintReport(soak.stats(), weights, elapsed, sampler.Stop(),
                     absl::GetFlag(FLAGS_require_every_kind), absl::GetFlag(FLAGS_max_rss_growth));
}

}  // namespace
}  // namespace carereach::soak

int main(int argc, char** argv) { return carereach::soak::Main(argc, argv); }
