// The server's metrics endpoint and JSON access log, in process: real gRPC calls on the equator
// fixture, then a real HTTP scrape of /metrics, parsed.
#include <grpcpp/client_context.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "carereach/v1/access.grpc.pb.h"
#include "carereach/v1/contracting.grpc.pb.h"
#include "carereach/v1/networks.grpc.pb.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "server/rpc/observe.h"
#include "server/server.h"
#include "tests/server/equator_server.h"
#include "tests/server/prometheus_text.h"

namespace carereach {
namespace {

using testing::Optional;
using testing_util::MakeFacility;
using testing_util::PromSample;
using testing_util::PromScrape;

constexpr char kListRegions[] = "carereach.v1.AccessService/ListRegions";
constexpr char kCoverage[] = "carereach.v1.AccessService/ComputeCoverage";

v1::ComputeCoverageRequest GoodCoverage() {
  v1::ComputeCoverageRequest r;
  r.set_region("equator");
  *r.add_facilities() = MakeFacility("h", 0, 0);
  r.add_max_miles(35);
  r.mutable_straight_line()->set_circuity_factor(1.5);
  r.mutable_straight_line()->set_speed_mph(60);
  return r;
}

std::string Metadata(const std::multimap<grpc::string_ref, grpc::string_ref>& m,
                     const std::string& key) {
  auto it = m.find(key);
  return it == m.end() ? "<none>" : std::string(it->second.data(), it->second.size());
}

class ObserveServerTest : public testing::Test {
 protected:
  void Start(bool metrics, bool access_log, const std::string& state_dir = "") {
    Server::Options o = testing_util::EquatorServerOptions();
    o.state_dir = state_dir;
    if (metrics) o.metrics_listen = "127.0.0.1:0";
    o.access_log = access_log;
    server_ = testing_util::StartServer(o);
    ASSERT_NE(server_, nullptr);
    stub_ = v1::AccessService::NewStub(testing_util::LoopbackChannel(*server_));
  }

  grpc::Status ListRegions(grpc::ClientContext& context) {
    v1::ListRegionsResponse response;
    return stub_->ListRegions(&context, {}, &response);
  }
  grpc::Status Coverage(const v1::ComputeCoverageRequest& request) {
    grpc::ClientContext context;
    v1::ComputeCoverageResponse response;
    return stub_->ComputeCoverage(&context, request, &response);
  }

  PromScrape Scrape() {
    absl::StatusOr<testing_util::HttpResponse> r =
        testing_util::HttpGet(server_->metrics_port(), "/metrics");
    EXPECT_TRUE(r.ok()) << r.status();
    if (!r.ok()) return {};
    EXPECT_EQ(r->status, 200);
    absl::StatusOr<PromScrape> s = testing_util::ParsePrometheusText(r->body);
    EXPECT_TRUE(s.ok()) << s.status() << "\n" << r->body;
    return s.ok() ? *s : PromScrape{};
  }

  std::unique_ptr<Server> server_;
  std::unique_ptr<v1::AccessService::Stub> stub_;
};

TEST_F(ObserveServerTest, MetricsCountEveryCallByMethodAndCode) {
  Start(/*metrics=*/true, /*access_log=*/false);
  ASSERT_GT(server_->metrics_port(), 0);
  ASSERT_NE(server_->metrics_port(), server_->port());
  constexpr int kLists = 4, kGood = 3, kBad = 2;
  for (int i = 0; i < kLists; ++i) {
    grpc::ClientContext context;
    ASSERT_TRUE(ListRegions(context).ok());
  }
  for (int i = 0; i < kGood; ++i) {
    const grpc::Status s = Coverage(GoodCoverage());
    ASSERT_TRUE(s.ok()) << s.error_message();
  }
  v1::ComputeCoverageRequest bad = GoodCoverage();
  bad.clear_facilities();
  for (int i = 0; i < kBad; ++i) {
    ASSERT_EQ(Coverage(bad).error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  }

  const PromScrape s = Scrape();
  EXPECT_EQ(s.type.at("carereach_rpc_total"), "counter");
  EXPECT_THAT(s.Value("carereach_rpc_total", {{"method", kListRegions}, {"code", "OK"}}),
              Optional(double{kLists}));
  EXPECT_THAT(s.Value("carereach_rpc_total", {{"method", kCoverage}, {"code", "OK"}}),
              Optional(double{kGood}));
  EXPECT_THAT(s.Value("carereach_rpc_total", {{"method", kCoverage}, {"code", "INVALID_ARGUMENT"}}),
              Optional(double{kBad}));
  // Nothing else was called.
  double total = 0;
  for (const PromSample& c : s.Find("carereach_rpc_total")) total += c.value;
  EXPECT_EQ(total, kLists + kGood + kBad);
  // Each method's histogram counted the same calls, and its buckets are cumulative up to +Inf.
  for (const char* method : {kListRegions, kCoverage}) {
    double calls = 0;
    for (const PromSample& c : s.Find("carereach_rpc_total", {{"method", method}})) {
      calls += c.value;
    }
    EXPECT_THAT(s.Value("carereach_rpc_duration_seconds_count", {{"method", method}}),
                Optional(calls))
        << method;
    EXPECT_THAT(
        s.Value("carereach_rpc_duration_seconds_bucket", {{"method", method}, {"le", "+Inf"}}),
        Optional(calls))
        << method;
    double previous = 0;
    for (const PromSample& b :
         s.Find("carereach_rpc_duration_seconds_bucket", {{"method", method}})) {
      EXPECT_GE(b.value, previous) << method << " le=" << b.labels.at("le");
      previous = b.value;
    }
  }
  EXPECT_THAT(s.Value("carereach_rpc_in_flight"), Optional(0.0));
  // Every region is in exactly one state; the equator's roads (the fixture's) are loaded.
  for (const char* region : {"equator", "north"}) {
    double states = 0;
    for (const PromSample& g : s.Find("carereach_region_state", {{"region", region}})) {
      states += g.value;
    }
    EXPECT_EQ(states, 1) << region;
  }
  EXPECT_THAT(s.Value("carereach_region_state", {{"region", "equator"}, {"state", "loaded"}}),
              Optional(1.0));
  const std::optional<double> bytes =
      s.Value("carereach_region_road_graph_bytes", {{"region", "equator"}});
  ASSERT_TRUE(bytes.has_value());
  EXPECT_GT(*bytes, 0);
}

TEST_F(ObserveServerTest, StoreCallsAreTimedByOperation) {
  const std::string state_dir = testing::TempDir() + "/observe_store" + std::to_string(getpid());
  std::filesystem::remove_all(state_dir);
  Start(/*metrics=*/true, /*access_log=*/false, state_dir);
  auto networks = v1::NetworkService::NewStub(testing_util::LoopbackChannel(*server_));
  const auto call = [&](auto method, const auto& request, auto* response) {
    grpc::ClientContext context;
    context.AddMetadata("x-carereach-tenant", "acme");
    return ((*networks).*method)(&context, request, response);
  };
  v1::CreateNetworkRequest create;
  create.set_network_id("n1");
  v1::CreateNetworkResponse created;
  ASSERT_TRUE(call(&v1::NetworkService::Stub::CreateNetwork, create, &created).ok());
  v1::GetNetworkRequest get;
  get.set_network_id("n1");
  v1::GetNetworkResponse got;
  ASSERT_TRUE(call(&v1::NetworkService::Stub::GetNetwork, get, &got).ok());
  get.set_network_id("missing");
  EXPECT_EQ(call(&v1::NetworkService::Stub::GetNetwork, get, &got).error_code(),
            grpc::StatusCode::NOT_FOUND);
  // ContractingService's store calls are timed as NetworkService's: reading the stored rows of an
  // analysed network, and saving the report.
  v1::CreateNetworkRequest with_rows;
  with_rows.set_network_id("n2");
  v1::NetworkProvider* p = with_rows.add_providers();
  p->set_id("h1");
  p->set_specialty_code("040");
  p->mutable_location()->set_lon(0.5);
  p->mutable_location()->set_lat(0);
  ASSERT_TRUE(call(&v1::NetworkService::Stub::CreateNetwork, with_rows, &created).ok());
  auto contracting = v1::ContractingService::NewStub(testing_util::LoopbackChannel(*server_));
  v1::AnalyzeCoverageRequest analyze;
  analyze.set_region("equator");
  analyze.add_networks()->set_network_id("n2");
  analyze.add_max_miles(10);
  analyze.set_save_report(true);
  v1::AnalyzeCoverageResponse analyzed;
  {
    grpc::ClientContext context;
    context.AddMetadata("x-carereach-tenant", "acme");
    const grpc::Status status = contracting->AnalyzeCoverage(&context, analyze, &analyzed);
    ASSERT_TRUE(status.ok()) << status.error_message();
  }

  const PromScrape s = Scrape();
  EXPECT_EQ(s.type.at("carereach_store_call_duration_seconds"), "histogram");
  const auto count = [&](const std::string& operation) {
    return s.Value("carereach_store_call_duration_seconds_count", {{"operation", operation}});
  };
  EXPECT_THAT(count("CreateNetwork"), Optional(1.0));
  EXPECT_THAT(count("CreateNetworkWithVersion"), Optional(1.0));
  EXPECT_THAT(count("GetProviders"), Optional(1.0));
  EXPECT_THAT(count("SaveReport"), Optional(1.0));
  // The failed lookup is timed too; ListVersions ran only after the found one.
  EXPECT_THAT(count("GetNetwork"), Optional(2.0));
  EXPECT_THAT(count("ListVersions"), Optional(1.0));
  EXPECT_EQ(count("DeleteNetwork"), std::nullopt);
  EXPECT_THAT(s.Value("carereach_rpc_total", {{"method", "carereach.v1.NetworkService/GetNetwork"},
                                              {"code", "NOT_FOUND"}}),
              Optional(1.0));
  server_.reset();
  std::filesystem::remove_all(state_dir);
}

TEST_F(ObserveServerTest, NoMetricsPortWithoutTheOption) {
  Start(/*metrics=*/false, /*access_log=*/false);
  EXPECT_EQ(server_->metrics_port(), 0);
}

// The access-log lines written to stderr while `calls` ran.
std::vector<nlohmann::json> AccessLines(const std::string& captured) {
  std::vector<nlohmann::json> lines;
  for (absl::string_view line : absl::StrSplit(captured, '\n')) {
    if (line.empty() || line[0] != '{') continue;
    nlohmann::json j = nlohmann::json::parse(line, nullptr, /*allow_exceptions=*/false);
    EXPECT_FALSE(j.is_discarded()) << line;
    if (j.value("event", "") == "access") lines.push_back(std::move(j));
  }
  return lines;
}

TEST_F(ObserveServerTest, AccessLogCarriesTheClientsRequestIdAndEchoesIt) {
  Start(/*metrics=*/false, /*access_log=*/true);
  testing::internal::CaptureStderr();
  grpc::ClientContext given;
  given.AddMetadata(rpc::kRequestIdKey, "test-req-42");
  const grpc::Status ok = ListRegions(given);

  grpc::ClientContext none;
  const grpc::Status ok2 = ListRegions(none);

  grpc::ClientContext invalid;
  invalid.AddMetadata(rpc::kRequestIdKey, "has space");
  const grpc::Status ok3 = ListRegions(invalid);

  grpc::ClientContext failing;
  failing.AddMetadata(rpc::kRequestIdKey, "req-bad-1");
  failing.AddMetadata("x-carereach-tenant", "acme");
  v1::ComputeCoverageRequest bad = GoodCoverage();
  bad.clear_facilities();
  v1::ComputeCoverageResponse response;
  const grpc::Status failed = stub_->ComputeCoverage(&failing, bad, &response);
  const std::string captured = testing::internal::GetCapturedStderr();

  ASSERT_TRUE(ok.ok() && ok2.ok() && ok3.ok());
  ASSERT_EQ(failed.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(Metadata(given.GetServerInitialMetadata(), rpc::kRequestIdKey), "test-req-42");
  EXPECT_EQ(Metadata(given.GetServerTrailingMetadata(), rpc::kRequestIdKey), "test-req-42");
  const std::string generated = Metadata(none.GetServerTrailingMetadata(), rpc::kRequestIdKey);
  EXPECT_THAT(generated, testing::MatchesRegex("[0-9a-f]{16}"));
  EXPECT_EQ(Metadata(none.GetServerInitialMetadata(), rpc::kRequestIdKey), generated);
  const std::string replaced = Metadata(invalid.GetServerTrailingMetadata(), rpc::kRequestIdKey);
  EXPECT_THAT(replaced, testing::MatchesRegex("[0-9a-f]{16}"));
  EXPECT_EQ(Metadata(failing.GetServerTrailingMetadata(), rpc::kRequestIdKey), "req-bad-1");

  const std::vector<nlohmann::json> lines = AccessLines(captured);
  ASSERT_EQ(lines.size(), 4u) << captured;
  const std::vector<std::string> ids = {"test-req-42", generated, replaced, "req-bad-1"};
  for (size_t i = 0; i < lines.size(); ++i) {
    const nlohmann::json& l = lines[i];
    EXPECT_EQ(l.value("request_id", ""), ids[i]) << l;
    EXPECT_THAT(l.value("time", ""), testing::MatchesRegex("2[0-9-]+T[0-9:.]+Z")) << l;
    EXPECT_THAT(l.value("peer", ""), testing::HasSubstr("127.0.0.1")) << l;
    EXPECT_TRUE(l.contains("duration_ms") && l["duration_ms"].is_number()) << l;
    EXPECT_GE(l.value("duration_ms", -1.0), 0) << l;
  }
  EXPECT_EQ(lines[0].value("method", ""), kListRegions);
  EXPECT_EQ(lines[0].value("code", ""), "OK");
  EXPECT_EQ(lines[0].value("level", ""), "info");
  EXPECT_FALSE(lines[0].contains("tenant"));
  EXPECT_EQ(lines[3].value("method", ""), kCoverage);
  EXPECT_EQ(lines[3].value("code", ""), "INVALID_ARGUMENT");
  EXPECT_EQ(lines[3].value("level", ""), "warn");
  EXPECT_EQ(lines[3].value("tenant", ""), "acme");
}

TEST_F(ObserveServerTest, NoAccessLogInTextFormat) {
  Start(/*metrics=*/true, /*access_log=*/false);
  testing::internal::CaptureStderr();
  grpc::ClientContext context;
  context.AddMetadata(rpc::kRequestIdKey, "still-echoed");
  ASSERT_TRUE(ListRegions(context).ok());
  const std::string captured = testing::internal::GetCapturedStderr();
  EXPECT_TRUE(AccessLines(captured).empty()) << captured;
  // With metrics on, the request id is still echoed.
  EXPECT_EQ(Metadata(context.GetServerTrailingMetadata(), rpc::kRequestIdKey), "still-echoed");
}

// A measurement, not a check (run with --gtest_also_run_disabled_tests): the median time of a
// ListRegions call, without the interceptor, with metrics, and with metrics and the JSON access
// log (written to a captured stderr), over alternating rounds.
TEST(ObserveOverhead, DISABLED_MeasureListRegions) {
  constexpr int kCalls = 1000, kRounds = 5;
  std::map<std::string, std::vector<double>> per_call_us;
  for (int round = 0; round < kRounds; ++round) {
    for (const std::string mode : {"off", "metrics", "metrics+json"}) {
      Server::Options o = testing_util::EquatorServerOptions();
      if (mode != "off") o.metrics_listen = "127.0.0.1:0";
      o.access_log = mode == "metrics+json";
      std::unique_ptr<Server> server = testing_util::StartServer(o);
      ASSERT_NE(server, nullptr);
      auto stub = v1::AccessService::NewStub(testing_util::LoopbackChannel(*server));
      if (o.access_log) testing::internal::CaptureStderr();
      for (int i = 0; i < 100; ++i) {  // warm-up
        grpc::ClientContext context;
        v1::ListRegionsResponse response;
        ASSERT_TRUE(stub->ListRegions(&context, {}, &response).ok());
      }
      std::vector<double> times;
      for (int i = 0; i < kCalls; ++i) {
        grpc::ClientContext context;
        v1::ListRegionsResponse response;
        const auto start = std::chrono::steady_clock::now();
        const grpc::Status status = stub->ListRegions(&context, {}, &response);
        times.push_back(
            std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - start)
                .count());
        ASSERT_TRUE(status.ok());
      }
      if (o.access_log) testing::internal::GetCapturedStderr();
      std::nth_element(times.begin(), times.begin() + kCalls / 2, times.end());
      per_call_us[mode].push_back(times[kCalls / 2]);
    }
  }
  for (auto& [mode, medians] : per_call_us) {
    std::sort(medians.begin(), medians.end());
    std::string all;
    for (double m : medians) all += absl::StrFormat(" %.1f", m);
    std::printf("%-13s median of round medians %.1f us (rounds:%s)\n", mode.c_str(),
                medians[medians.size() / 2], all.c_str());
  }
}

}  // namespace
}  // namespace carereach
