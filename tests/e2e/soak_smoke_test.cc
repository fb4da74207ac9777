// Smoke run of the soak load generator (bench/soak_main.cc): the real carereach-server on a free
// loopback port with the real data and a temporary store, driven by the real carereach-soak for a
// few seconds. Asserts 0 errors and that every RPC kind of the mix completed at least once; no
// timing or RSS assertions (those are for the full soak on an idle machine, docs/RELIABILITY.md).
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>

#include "absl/strings/numbers.h"
#include "absl/strings/str_split.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/data_dir.h"
#include "tests/e2e/process.h"

namespace carereach {
namespace {

using testing::HasSubstr;
using testing_util::ChildProcess;
using testing_util::CommandResult;
using testing_util::DataDir;
using testing_util::RunCommand;

constexpr const char* kKinds[] = {"list_regions",
                                  "coverage_straight",
                                  "coverage_drive",
                                  "isochrones",
                                  "matrix",
                                  "evaluate_adequacy",
                                  "analyze_coverage",
                                  "analyze_adequacy",
                                  "recommend_additions",
                                  "access_ratios",
                                  "create_network",
                                  "import_network",
                                  "list_networks",
                                  "get_network",
                                  "export_network",
                                  "diff_versions",
                                  "not_found"};

class SoakSmokeTest : public testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(std::filesystem::exists(DataDir())) << "real data missing: " << DataDir();
    dir_ = testing::TempDir() + "/soak" + std::to_string(getpid());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    const std::string port_file = dir_ + "/port";
    server_ = std::make_unique<ChildProcess>(
        std::vector<std::string>{CAREREACH_SERVER_BIN, "--listen=127.0.0.1:0",
                                 "--port_file=" + port_file, "--data_dir=" + DataDir(),
                                 "--state_dir=" + dir_ + "/state"},
        dir_ + "/server.log");
    for (int i = 0; i < 600 && testing_util::ReadWholeFile(port_file).empty(); ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    std::string port = testing_util::ReadWholeFile(port_file);
    port.erase(port.find_last_not_of("\n ") + 1);
    ASSERT_FALSE(port.empty()) << testing_util::ReadWholeFile(dir_ + "/server.log");
    address_ = "127.0.0.1:" + port;
  }

  // The generator's report row of `kind`: {calls, ok, expected, errors}.
  static std::vector<int64_t> Row(const std::string& report, const std::string& kind) {
    for (absl::string_view line : absl::StrSplit(report, '\n')) {
      std::vector<std::string> cells = absl::StrSplit(line, ' ', absl::SkipWhitespace());
      if (cells.size() == 8 && cells[0] == kind) {
        std::vector<int64_t> row(4);
        for (int i = 0; i < 4; ++i) {
          if (!absl::SimpleAtoi(cells[i + 1], &row[i])) return {};
        }
        return row;
      }
    }
    return {};
  }

  std::string dir_, address_;
  std::unique_ptr<ChildProcess> server_;
};

TEST_F(SoakSmokeTest, FiveSecondsOfEveryKindWithoutAnError) {
  const CommandResult r =
      RunCommand({CAREREACH_SOAK_BIN, "--target=" + address_, "--data_dir=" + DataDir(),
                  "--duration_seconds=5", "--concurrency=4", "--require_every_kind",
                  "--server_pid=" + std::to_string(server_->pid()), "--max_rss_growth=1000"});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err << testing_util::ReadWholeFile(dir_ + "/server.log");
  EXPECT_THAT(r.out, HasSubstr("\nerrors 0\n")) << r.out;
  EXPECT_THAT(r.out, HasSubstr("RESOURCE_EXHAUSTED (admission control) 0")) << r.out;
  EXPECT_THAT(r.out, HasSubstr("result: PASS")) << r.out;
  for (const char* kind : kKinds) {
    const std::vector<int64_t> row = Row(r.out, kind);
    ASSERT_EQ(row.size(), 4u) << "no report row for " << kind << "\n" << r.out;
    EXPECT_GE(row[0], 1) << kind;
    EXPECT_EQ(row[3], 0) << kind;
    if (std::string(kind) == "not_found") {
      EXPECT_EQ(row[2], row[0]) << "every not_found call answers NOT_FOUND";
    } else {
      EXPECT_EQ(row[1], row[0]) << kind << ": every call OK";
    }
  }
  EXPECT_EQ(server_->Stop(60), 0) << testing_util::ReadWholeFile(dir_ + "/server.log");
}

// The generator fails loudly: a call answered with an error makes it report the code and exit 1
// (here a hospital file with a latitude of 95 makes every national coverage call
// INVALID_ARGUMENT), a mix with every weight 0 is refused, and a server that does not answer
// makes it exit non-zero instead of reporting an empty PASS.
TEST_F(SoakSmokeTest, FailsLoudly) {
  const std::string data = dir_ + "/data";
  std::filesystem::create_directories(data + "/facilities");
  std::filesystem::create_directory_symlink(DataDir() + "/census", data + "/census");
  std::ofstream(data + "/facilities/hifld_hospitals.csv")
      << "ID,NAME,TYPE,STATUS,LATITUDE,LONGITUDE,BEDS\n"
         "1,Queen's,GENERAL ACUTE CARE,OPEN,21.3076,-157.8536,505\n"
         "2,Kapiolani,GENERAL ACUTE CARE,OPEN,21.3007,-157.8304,207\n"
         "3,Nowhere,GENERAL ACUTE CARE,OPEN,95,-157.8,10\n";
  CommandResult r = RunCommand({CAREREACH_SOAK_BIN, "--target=" + address_, "--data_dir=" + data,
                                "--duration_seconds=2", "--concurrency=2",
                                "--mix=coverage_straight=1,list_regions=0,coverage_drive=0,"
                                "isochrones=0,matrix=0,evaluate_adequacy=0,analyze_coverage=0,"
                                "analyze_adequacy=0,recommend_additions=0,access_ratios=0,"
                                "create_network=0,import_network=0,list_networks=0,get_network="
                                "0,export_network=0,diff_versions=0,not_found=0"});
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_THAT(r.out, HasSubstr("INVALID_ARGUMENT="));
  EXPECT_THAT(r.out, HasSubstr("lat: 95"));
  EXPECT_THAT(r.out, HasSubstr("result: FAIL"));

  r = RunCommand({CAREREACH_SOAK_BIN, "--target=" + address_, "--data_dir=" + DataDir(),
                  "--duration_seconds=1",
                  "--mix=list_regions=0,coverage_straight=0,coverage_drive=0,"
                  "isochrones=0,matrix=0,evaluate_adequacy=0,analyze_coverage=0,"
                  "analyze_adequacy=0,recommend_additions=0,access_ratios=0,"
                  "create_network=0,import_network=0,list_networks=0,get_network="
                  "0,export_network=0,diff_versions=0,not_found=0"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_THAT(r.err, HasSubstr("every weight is 0"));

  EXPECT_EQ(server_->Stop(60), 0);
  r = RunCommand({CAREREACH_SOAK_BIN, "--target=" + address_, "--data_dir=" + DataDir(),
                  "--duration_seconds=1", "--ready_timeout_seconds=2"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.err, HasSubstr("not ready after 2 s"));
}

}  // namespace
}  // namespace carereach
