// The metrics module (server/metrics.h) on its own: what it counts, its text format (parsed),
// its /metrics endpoint, and the request ids of rpc/observe.h.
#include "server/metrics.h"

#include <cstdio>
#include <set>

#include "carereach/v1/access.pb.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "server/rpc/observe.h"
#include "tests/server/prometheus_text.h"

namespace carereach {
namespace {

using testing::HasSubstr;
using testing::Optional;
using testing_util::ParsePrometheusText;
using testing_util::PromScrape;

PromScrape Parse(const Metrics& metrics) {
  absl::StatusOr<PromScrape> scrape = ParsePrometheusText(metrics.TextFormat());
  EXPECT_TRUE(scrape.ok()) << scrape.status() << "\n" << metrics.TextFormat();
  return scrape.ok() ? *scrape : PromScrape{};
}

TEST(MetricsTest, CountsCallsByMethodAndCodeWithTheirDurations) {
  Metrics metrics;
  for (int i = 0; i < 3; ++i) metrics.RpcStarted();
  metrics.RpcFinished("s/A", absl::StatusCode::kOk, absl::Milliseconds(2));
  metrics.RpcFinished("s/A", absl::StatusCode::kInvalidArgument, absl::Milliseconds(700));
  const PromScrape mid = Parse(metrics);
  EXPECT_THAT(mid.Value("carereach_rpc_in_flight"), Optional(1.0));
  metrics.RpcFinished("s/B", absl::StatusCode::kOk, absl::Seconds(20));

  const PromScrape s = Parse(metrics);
  EXPECT_EQ(s.type.at("carereach_rpc_total"), "counter");
  EXPECT_EQ(s.type.at("carereach_rpc_duration_seconds"), "histogram");
  EXPECT_EQ(s.type.at("carereach_rpc_in_flight"), "gauge");
  EXPECT_THAT(s.Value("carereach_rpc_total", {{"method", "s/A"}, {"code", "OK"}}), Optional(1.0));
  EXPECT_THAT(s.Value("carereach_rpc_total", {{"method", "s/A"}, {"code", "INVALID_ARGUMENT"}}),
              Optional(1.0));
  EXPECT_THAT(s.Value("carereach_rpc_total", {{"method", "s/B"}, {"code", "OK"}}), Optional(1.0));
  EXPECT_EQ(s.Value("carereach_rpc_total", {{"method", "s/B"}, {"code", "INVALID_ARGUMENT"}}),
            std::nullopt);
  EXPECT_THAT(s.Value("carereach_rpc_duration_seconds_count", {{"method", "s/A"}}), Optional(2.0));
  EXPECT_THAT(s.Value("carereach_rpc_duration_seconds_sum", {{"method", "s/A"}}),
              Optional(testing::DoubleNear(0.702, 1e-9)));
  // 2 ms falls in le=0.0025, 700 ms first in le=1; 20 s first in le=30.
  EXPECT_THAT(
      s.Value("carereach_rpc_duration_seconds_bucket", {{"method", "s/A"}, {"le", "0.001"}}),
      Optional(0.0));
  EXPECT_THAT(
      s.Value("carereach_rpc_duration_seconds_bucket", {{"method", "s/A"}, {"le", "0.0025"}}),
      Optional(1.0));
  EXPECT_THAT(s.Value("carereach_rpc_duration_seconds_bucket", {{"method", "s/A"}, {"le", "0.5"}}),
              Optional(1.0));
  EXPECT_THAT(s.Value("carereach_rpc_duration_seconds_bucket", {{"method", "s/A"}, {"le", "1"}}),
              Optional(2.0));
  EXPECT_THAT(s.Value("carereach_rpc_duration_seconds_bucket", {{"method", "s/B"}, {"le", "10"}}),
              Optional(0.0));
  EXPECT_THAT(s.Value("carereach_rpc_duration_seconds_bucket", {{"method", "s/B"}, {"le", "+Inf"}}),
              Optional(1.0));
  EXPECT_THAT(s.Value("carereach_rpc_in_flight"), Optional(0.0));
}

TEST(MetricsTest, StoreCallsReachTheMetricsSetForTheProcess) {
  Metrics metrics;
  ObserveStoreCall("GetNetwork", absl::Milliseconds(1));  // none set yet: dropped
  SetStoreMetrics(&metrics);
  ObserveStoreCall("GetNetwork", absl::Milliseconds(1));
  EXPECT_EQ(TimeStoreCall("ListVersions", [] { return 7; }), 7);
  ClearStoreMetrics(&metrics);
  ObserveStoreCall("GetNetwork", absl::Milliseconds(1));  // cleared: dropped

  const PromScrape s = Parse(metrics);
  EXPECT_EQ(s.type.at("carereach_store_call_duration_seconds"), "histogram");
  EXPECT_THAT(s.Value("carereach_store_call_duration_seconds_count", {{"operation", "GetNetwork"}}),
              Optional(1.0));
  EXPECT_THAT(
      s.Value("carereach_store_call_duration_seconds_count", {{"operation", "ListVersions"}}),
      Optional(1.0));
}

TEST(MetricsTest, ClearingAnotherMetricsLeavesTheOneSet) {
  Metrics a, b;
  SetStoreMetrics(&a);
  ClearStoreMetrics(&b);
  ObserveStoreCall("AddVersion", absl::Milliseconds(1));
  ClearStoreMetrics(&a);
  EXPECT_THAT(
      Parse(a).Value("carereach_store_call_duration_seconds_count", {{"operation", "AddVersion"}}),
      Optional(1.0));
}

TEST(MetricsTest, RegionGaugesComeFromTheSourceAtEachCollection) {
  Metrics metrics;
  EXPECT_TRUE(Parse(metrics).Find("carereach_region_state").empty());
  std::string north_state = "loading";
  metrics.SetRegionSource([&] {
    return std::vector<RegionMetrics>{{"equator", "loaded", 12345}, {"north", north_state, 0}};
  });
  PromScrape s = Parse(metrics);
  EXPECT_EQ(s.type.at("carereach_region_state"), "gauge");
  EXPECT_THAT(s.Value("carereach_region_state", {{"region", "equator"}, {"state", "loaded"}}),
              Optional(1.0));
  EXPECT_THAT(s.Value("carereach_region_state", {{"region", "equator"}, {"state", "loading"}}),
              Optional(0.0));
  EXPECT_THAT(s.Value("carereach_region_state", {{"region", "north"}, {"state", "loading"}}),
              Optional(1.0));
  EXPECT_EQ(s.Find("carereach_region_state", {{"region", "north"}}).size(), 4u);
  EXPECT_THAT(s.Value("carereach_region_road_graph_bytes", {{"region", "equator"}}),
              Optional(12345.0));

  north_state = "failed";
  s = Parse(metrics);
  EXPECT_THAT(s.Value("carereach_region_state", {{"region", "north"}, {"state", "failed"}}),
              Optional(1.0));
  EXPECT_THAT(s.Value("carereach_region_state", {{"region", "north"}, {"state", "loading"}}),
              Optional(0.0));
}

TEST(MetricsTest, ServesTheTextFormatOnAFreePort) {
  Metrics metrics;
  EXPECT_EQ(metrics.port(), 0);
  ASSERT_TRUE(metrics.Serve("127.0.0.1:0").ok());
  ASSERT_GT(metrics.port(), 0);
  metrics.RpcStarted();
  metrics.RpcFinished("s/A", absl::StatusCode::kNotFound, absl::Milliseconds(1));
  absl::StatusOr<testing_util::HttpResponse> r = testing_util::HttpGet(metrics.port(), "/metrics");
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->status, 200);
  absl::StatusOr<PromScrape> s = ParsePrometheusText(r->body);
  ASSERT_TRUE(s.ok()) << s.status() << "\n" << r->body;
  EXPECT_THAT(s->Value("carereach_rpc_total", {{"method", "s/A"}, {"code", "NOT_FOUND"}}),
              Optional(1.0));
}

TEST(MetricsTest, RefusesAnAddressItCannotListenOn) {
  Metrics first;
  ASSERT_TRUE(first.Serve("127.0.0.1:0").ok());
  Metrics second;
  const absl::Status s = second.Serve("127.0.0.1:" + std::to_string(first.port()));
  EXPECT_EQ(s.code(), absl::StatusCode::kUnavailable);
  EXPECT_THAT(s.message(), HasSubstr("--metrics_listen"));
  EXPECT_EQ(second.port(), 0);
}

TEST(MetricsTest, MethodLabelsAreKnownMethodsOrUnknown) {
  // Links access.proto's descriptor into this test (in the server, its service does).
  ASSERT_NE(v1::ComputeCoverageRequest::descriptor(), nullptr);
  EXPECT_EQ(MethodLabel("/carereach.v1.AccessService/ComputeCoverage"),
            "carereach.v1.AccessService/ComputeCoverage");
  EXPECT_EQ(MethodLabel("/grpc.health.v1.Health/Check"), "grpc.health.v1.Health/Check");
  EXPECT_EQ(MethodLabel("/carereach.v1.AccessService/NoSuchMethod"), "unknown");
  EXPECT_EQ(MethodLabel("/made.up/Path"), "unknown");
  EXPECT_EQ(MethodLabel(""), "unknown");
}

TEST(PromTextParserTest, RefusesWhatIsNotTheFormat) {
  EXPECT_TRUE(ParsePrometheusText("# TYPE a counter\na{x=\"1\\\"\"} 2\n").ok());
  EXPECT_FALSE(ParsePrometheusText("a 1\n").ok());  // no TYPE
  EXPECT_FALSE(ParsePrometheusText("# TYPE a counter\na{x=\"1} 2\n").ok());
  EXPECT_FALSE(ParsePrometheusText("# TYPE a counter\na two\n").ok());
  EXPECT_FALSE(ParsePrometheusText("# TYPE a widget\n").ok());
  EXPECT_FALSE(ParsePrometheusText("#TYPE a counter\n").ok());
}

TEST(RequestIdTest, ValidatesAndGenerates) {
  EXPECT_TRUE(rpc::IsValidRequestId("abc-123_XYZ.:/"));
  EXPECT_TRUE(rpc::IsValidRequestId(std::string(64, 'a')));
  EXPECT_FALSE(rpc::IsValidRequestId(std::string(65, 'a')));
  EXPECT_FALSE(rpc::IsValidRequestId(""));
  EXPECT_FALSE(rpc::IsValidRequestId("a b"));
  EXPECT_FALSE(rpc::IsValidRequestId("a\nb"));
  EXPECT_FALSE(rpc::IsValidRequestId("caf\xc3\xa9"));
  std::set<std::string> ids;
  for (int i = 0; i < 100; ++i) {
    const std::string id = rpc::NewRequestId();
    EXPECT_THAT(id, testing::MatchesRegex("[0-9a-f]{16}"));
    ids.insert(id);
  }
  EXPECT_EQ(ids.size(), 100u);
}

// A measurement, not a check (run with --gtest_also_run_disabled_tests): what recording one
// call costs (RpcStarted + RpcFinished, an existing series).
TEST(MetricsOverhead, DISABLED_MeasureRecordingACall) {
  Metrics metrics;
  constexpr int kCalls = 200000;
  for (int round = 0; round < 3; ++round) {
    const absl::Time start = absl::Now();
    for (int i = 0; i < kCalls; ++i) {
      metrics.RpcStarted();
      metrics.RpcFinished("carereach.v1.AccessService/ListRegions", absl::StatusCode::kOk,
                          absl::Microseconds(80));
    }
    std::printf("recording a call: %.0f ns\n",
                absl::ToDoubleNanoseconds(absl::Now() - start) / kCalls);
  }
  const absl::Time start = absl::Now();
  size_t bytes = 0;
  for (int i = 0; i < kCalls; ++i)
    bytes += MethodLabel("/carereach.v1.AccessService/ListRegions").size();
  std::printf("MethodLabel: %.0f ns (%zu bytes)\n",
              absl::ToDoubleNanoseconds(absl::Now() - start) / kCalls, bytes);
}

}  // namespace
}  // namespace carereach
