// The real carereach-server binary with --metrics_listen, --metrics_port_file and
// --log_format=json, driven by the real CLI (with $CAREREACH_REQUEST_ID): the scrape over HTTP,
// parsed, counts the CLI's calls, and every line of the server's log is JSON.
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "absl/strings/numbers.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "tests/e2e/process.h"
#include "tests/server/prometheus_text.h"

namespace carereach {
namespace {

using testing::Optional;
using testing_util::RunCommand;

const std::string kFixtures = std::string(CAREREACH_SOURCE_DIR) + "/tests/fixtures/server";

TEST(MetricsE2eTest, ScrapeCountsTheCliCallsAndTheLogIsJson) {
  const std::string dir = testing::TempDir() + "/metrics_e2e" + std::to_string(getpid());
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  auto server = testing_util::StartedServer::Start(
      CAREREACH_SERVER_BIN, dir,
      {"--data_dir=" + kFixtures, "--regions=" + kFixtures + "/regions.textproto",
       "--state_dir=", "--road_cache_dir=", "--metrics_listen=127.0.0.1:0",
       "--metrics_port_file=" + dir + "/metrics_port", "--log_format=json"});
  ASSERT_NE(server, nullptr);
  // The metrics port file is written before the port file StartedServer waited for.
  int metrics_port = 0;
  ASSERT_TRUE(absl::SimpleAtoi(
      absl::StripAsciiWhitespace(testing_util::ReadWholeFile(dir + "/metrics_port")),
      &metrics_port));
  ASSERT_GT(metrics_port, 0);

  testing_util::RunOptions with_id;
  with_id.env = {"CAREREACH_REQUEST_ID=e2e-request-1"};
  const std::vector<std::string> regions = {
      CAREREACH_CLI_BIN, "regions", "--wait-seconds", "30", "--server", server->address};
  const testing_util::CommandResult first = RunCommand(regions, with_id);
  ASSERT_EQ(first.exit_code, 0) << first.err;
  const testing_util::CommandResult second = RunCommand(regions);
  ASSERT_EQ(second.exit_code, 0) << second.err;
  const testing_util::CommandResult refused =
      RunCommand({CAREREACH_CLI_BIN, "network", "list", "--server", server->address});
  ASSERT_NE(refused.exit_code, 0);  // no --state_dir: FAILED_PRECONDITION

  absl::StatusOr<testing_util::HttpResponse> r = testing_util::HttpGet(metrics_port, "/metrics");
  ASSERT_TRUE(r.ok()) << r.status();
  ASSERT_EQ(r->status, 200);
  absl::StatusOr<testing_util::PromScrape> s = testing_util::ParsePrometheusText(r->body);
  ASSERT_TRUE(s.ok()) << s.status() << "\n" << r->body;
  EXPECT_THAT(s->Value("carereach_rpc_total",
                       {{"method", "carereach.v1.AccessService/ListRegions"}, {"code", "OK"}}),
              Optional(2.0));
  EXPECT_THAT(
      s->Value("carereach_rpc_total", {{"method", "carereach.v1.NetworkService/ListNetworks"},
                                       {"code", "FAILED_PRECONDITION"}}),
      Optional(1.0));
  EXPECT_THAT(s->Value("carereach_rpc_in_flight"), Optional(0.0));

  EXPECT_EQ(server->process->Stop(30), 0);
  const std::string log = testing_util::ReadWholeFile(server->log_path);
  int access = 0;
  bool saw_id = false;
  for (absl::string_view line : absl::StrSplit(log, '\n', absl::SkipEmpty())) {
    const nlohmann::json j = nlohmann::json::parse(line, nullptr, /*allow_exceptions=*/false);
    ASSERT_TRUE(j.is_object()) << line;
    EXPECT_TRUE(j.contains("time") && j.contains("level")) << line;
    if (j.value("event", "") != "access") continue;
    ++access;
    saw_id |= j.value("request_id", "") == "e2e-request-1";
  }
  // The CLI's calls (it may also ask the health service while it waits): at least the three.
  EXPECT_GE(access, 3) << log;
  EXPECT_TRUE(saw_id) << log;
  std::filesystem::remove_all(dir);
}

TEST(MetricsE2eTest, RefusesAnUnknownLogFormat) {
  const testing_util::CommandResult r =
      RunCommand({CAREREACH_SERVER_BIN, "--log_format=xml", "--listen=127.0.0.1:0"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_THAT(r.err, testing::HasSubstr("--log_format: must be text or json, got xml"));
}

}  // namespace
}  // namespace carereach
