// Cancellation, deadlines and shutdown against the real carereach-server binary with the real
// data: a call that would run for minutes is cancelled by its client (or its deadline passes),
// and the server's CPU time (utime + stime of /proc/PID/stat) stops growing within a second; after
// SIGTERM, new calls get UNAVAILABLE and the process exits within the grace + 2 s.
//
// CAREREACH_CANCEL_TEST_SERVER_BIN runs the same tests against another build of the server (e.g.
// one without the fix, to see them fail).
#include <signal.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "carereach/v1/access.grpc.pb.h"
#include "gmock/gmock.h"
#include "grpcpp/create_channel.h"
#include "grpcpp/security/credentials.h"
#include "gtest/gtest.h"
#include "tests/data_dir.h"
#include "tests/e2e/process.h"

namespace carereach {
namespace {

using testing_util::DataDir;

std::string ServerBinary() {
  const char* other = std::getenv("CAREREACH_CANCEL_TEST_SERVER_BIN");
  return other != nullptr && *other != '\0' ? other : CAREREACH_SERVER_BIN;
}

// CPU seconds (user + system) the process has used so far.
double CpuSeconds(pid_t pid) {
  const std::string stat = testing_util::ReadWholeFile(absl::StrCat("/proc/", pid, "/stat"));
  // Fields after the command name (which is in parentheses and may hold spaces): state is
  // field 3, utime field 14, stime field 15.
  std::istringstream rest(stat.substr(stat.rfind(')') + 2));
  std::string field;
  long long utime = 0, stime = 0;
  for (int i = 3; i <= 15 && rest >> field; ++i) {
    if (i == 14) utime = std::stoll(field);
    if (i == 15) stime = std::stoll(field);
  }
  return static_cast<double>(utime + stime) / static_cast<double>(sysconf(_SC_CLK_TCK));
}

// The real server on a free loopback port, the shipped regions and the real data.
struct RunningServer {
  std::unique_ptr<testing_util::ChildProcess> process;
  std::string address;
  std::string log_path;
  std::unique_ptr<v1::AccessService::Stub> stub;

  static std::unique_ptr<RunningServer> Start(const std::string& name, int grace_seconds) {
    auto s = std::make_unique<RunningServer>();
    const std::string dir = absl::StrCat(testing::TempDir(), "/cancel-", name, "-", getpid());
    std::filesystem::create_directories(dir);
    s->log_path = dir + "/server.log";
    const std::string port_file = dir + "/port";
    std::filesystem::remove(port_file);
    s->process = std::make_unique<testing_util::ChildProcess>(
        std::vector<std::string>{ServerBinary(), "--listen=127.0.0.1:0", "--port_file=" + port_file,
                                 "--data_dir=" + DataDir(), "--state_dir=",
                                 absl::StrCat("--shutdown_grace_seconds=", grace_seconds)},
        s->log_path);
    for (int i = 0; i < 1200 && !std::filesystem::exists(port_file); ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    if (!std::filesystem::exists(port_file)) {
      ADD_FAILURE() << "no port file: " << testing_util::ReadWholeFile(s->log_path);
      return nullptr;
    }
    std::string port = testing_util::ReadWholeFile(port_file);
    port.erase(port.find_last_not_of("\n ") + 1);
    s->address = "127.0.0.1:" + port;
    s->stub = v1::AccessService::NewStub(
        grpc::CreateChannel(s->address, grpc::InsecureChannelCredentials()));
    // Regions load after the port is bound, and their road networks (graph and hierarchy) in
    // the background after that: wait until every one is done, so that no start-up work falls
    // into the windows where the tests measure the server's CPU.
    for (int i = 0; i < 1800; ++i) {
      grpc::ClientContext context;
      v1::ListRegionsResponse response;
      if (s->stub->ListRegions(&context, {}, &response).ok()) {
        bool loading = false;
        for (const v1::Region& r : response.regions()) {
          loading |= r.roads_state() == v1::ROAD_NETWORK_STATE_LOADING;
        }
        if (!loading) return s;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    ADD_FAILURE() << "regions or their roads never loaded: "
                  << testing_util::ReadWholeFile(s->log_path);
    return nullptr;
  }
};

// Straight-line coverage of every Census tract of the nation against `count` facilities stacked
// on one spot: every tract's nearest-facility query has `count` equally near candidates to
// measure (85,000 tracts x `count` geodesics). Measured before calls watched for cancellation:
// with 2,000, the server was still busy 60 s after the client cancelled at 3 s; with 100,000 and
// a 5 s deadline, it went on for minutes (the deadline was read every 2,048 tracts only).
v1::ComputeCoverageRequest StackedNationalCoverage(int count) {
  v1::ComputeCoverageRequest request;
  request.set_region("us");
  request.set_mode(v1::TRAVEL_MODE_STRAIGHT_LINE);
  request.add_max_miles(30);
  for (int i = 0; i < count; ++i) {
    v1::Facility* f = request.add_facilities();
    f->set_id(absl::StrCat("stacked-", i));
    f->mutable_location()->set_lon(-98.5795);
    f->mutable_location()->set_lat(39.8283);
  }
  return request;
}

// Drive isochrones from downtown Honolulu: 8 thresholds of 240 minutes (the whole island) with
// 10 m road buffers; most of the time goes to GEOS (buffers and their union).
v1::ComputeIsochronesRequest IslandIsochrones(int thresholds, double minutes) {
  v1::ComputeIsochronesRequest request;
  request.set_region("honolulu");
  for (int i = 0; i < thresholds; ++i) request.add_max_minutes(minutes);
  request.set_road_buffer_meters(10);
  v1::Facility* f = request.add_facilities();
  f->set_id("downtown");
  f->mutable_location()->set_lon(-157.8583);
  f->mutable_location()->set_lat(21.3069);
  return request;
}

class CancellationTest : public testing::Test {
 protected:
  static void SetUpTestSuite() {
    ASSERT_TRUE(std::filesystem::exists(DataDir())) << "real data missing: " << DataDir();
    server_ = RunningServer::Start("calls", 10).release();
    ASSERT_NE(server_, nullptr);
  }
  static void TearDownTestSuite() {
    delete server_;
    server_ = nullptr;
  }

  void SetUp() override { ASSERT_NE(server_, nullptr); }

  // Asserts that the server's CPU time grows by at most 0.15 s between 1 s and 2 s after now,
  // i.e. the stopped call's computation is gone within the first second (a busy core would add
  // about 1 s in that window).
  static void ExpectIdleWithinASecond() {
    const absl::Time stopped = absl::Now();
    absl::SleepFor(stopped + absl::Seconds(1) - absl::Now());
    const double at_1s = CpuSeconds(server_->process->pid());
    absl::SleepFor(stopped + absl::Seconds(2) - absl::Now());
    const double at_2s = CpuSeconds(server_->process->pid());
    EXPECT_LE(at_2s - at_1s, 0.15) << "the server kept computing after the call ended";
  }

  // Waits until the server has burnt `seconds` of CPU since `from` (the call is under way).
  static void AwaitBusy(double from, double seconds, const std::thread& call) {
    for (int i = 0; i < 300 && CpuSeconds(server_->process->pid()) - from < seconds; ++i) {
      absl::SleepFor(absl::Milliseconds(100));
    }
    EXPECT_GE(CpuSeconds(server_->process->pid()) - from, seconds) << "the call never got going";
    (void)call;
  }

  static RunningServer* server_;
};
RunningServer* CancellationTest::server_ = nullptr;

TEST_F(CancellationTest, ClientCancelStopsStraightLineCoverage) {
  const v1::ComputeCoverageRequest request = StackedNationalCoverage(2000);
  grpc::ClientContext context;
  grpc::Status status;
  const double before = CpuSeconds(server_->process->pid());
  std::thread call([&] {
    v1::ComputeCoverageResponse response;
    status = server_->stub->ComputeCoverage(&context, request, &response);
  });
  AwaitBusy(before, 2.0, call);
  context.TryCancel();
  call.join();
  EXPECT_EQ(status.error_code(), grpc::StatusCode::CANCELLED) << status.error_message();
  ExpectIdleWithinASecond();
}

TEST_F(CancellationTest, DeadlineStopsStraightLineCoverage) {
  const v1::ComputeCoverageRequest request = StackedNationalCoverage(100000);
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(3));
  v1::ComputeCoverageResponse response;
  const grpc::Status status = server_->stub->ComputeCoverage(&context, request, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::DEADLINE_EXCEEDED) << status.error_message();
  ExpectIdleWithinASecond();
}

TEST_F(CancellationTest, DeadlineStopsIsochroneGeometry) {
  // Honolulu's roads load in the background after start-up: wait for them.
  grpc::Status ready;
  for (int i = 0; i < 600; ++i) {
    grpc::ClientContext context;
    v1::ComputeIsochronesResponse response;
    ready = server_->stub->ComputeIsochrones(&context, IslandIsochrones(1, 1), &response);
    if (ready.error_code() != grpc::StatusCode::UNAVAILABLE) break;
    absl::SleepFor(absl::Milliseconds(500));
  }
  ASSERT_TRUE(ready.ok()) << ready.error_message();

  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(3));
  v1::ComputeIsochronesResponse response;
  const absl::Time start = absl::Now();
  const grpc::Status status =
      server_->stub->ComputeIsochrones(&context, IslandIsochrones(8, 240), &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::DEADLINE_EXCEEDED) << status.error_message();
  EXPECT_GE(absl::Now() - start, absl::Seconds(2.5)) << "the call ended before its deadline";
  ExpectIdleWithinASecond();
}

TEST(ShutdownTest, SigtermCancelsRunningCallsAfterTheGraceAndExits) {
  ASSERT_TRUE(std::filesystem::exists(DataDir())) << "real data missing: " << DataDir();
  constexpr int kGraceSeconds = 2;
  std::unique_ptr<RunningServer> server = RunningServer::Start("sigterm", kGraceSeconds);
  ASSERT_NE(server, nullptr);

  // A call that would run for minutes, without a deadline of its own.
  grpc::ClientContext context;
  grpc::Status long_status;
  const v1::ComputeCoverageRequest request = StackedNationalCoverage(2000);
  const double before = CpuSeconds(server->process->pid());
  std::thread long_call([&] {
    v1::ComputeCoverageResponse response;
    long_status = server->stub->ComputeCoverage(&context, request, &response);
  });
  for (int i = 0; i < 300 && CpuSeconds(server->process->pid()) - before < 1.0; ++i) {
    absl::SleepFor(absl::Milliseconds(100));
  }

  const absl::Time sigterm = absl::Now();
  int exit_code = -2;
  absl::Duration took;
  std::thread stop([&] {
    exit_code = server->process->Stop(30);
    took = absl::Now() - sigterm;
  });
  // A new call after SIGTERM (on a new connection) is refused.
  absl::SleepFor(absl::Milliseconds(500));
  {
    auto fresh = v1::AccessService::NewStub(
        grpc::CreateChannel(server->address, grpc::InsecureChannelCredentials()));
    grpc::ClientContext late;
    late.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(1));
    v1::ListRegionsResponse response;
    const grpc::Status refused = fresh->ListRegions(&late, {}, &response);
    EXPECT_EQ(refused.error_code(), grpc::StatusCode::UNAVAILABLE) << refused.error_message();
  }
  stop.join();
  long_call.join();
  EXPECT_EQ(exit_code, 0) << testing_util::ReadWholeFile(server->log_path);
  EXPECT_LE(took, absl::Seconds(kGraceSeconds + 2))
      << testing_util::ReadWholeFile(server->log_path);
  // Still running when the grace ran out: cancelled by the server, never answered.
  EXPECT_FALSE(long_status.ok());
  EXPECT_THAT(testing_util::ReadWholeFile(server->log_path),
              testing::HasSubstr("received SIGTERM"));
}

}  // namespace
}  // namespace carereach
