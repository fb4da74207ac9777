// End to end: the real carereach-server on a free loopback port with the real data, driven by the
// real carereach CLI. Answers are checked against the domain library run in this process.
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <thread>

#include "absl/strings/numbers.h"
#include "absl/strings/str_split.h"
#include "geo/access/coverage.h"
#include "geo/io/census.h"
#include "geo/io/csv.h"
#include "gmock/gmock.h"
#include "grpc/reflection/v1alpha/reflection.grpc.pb.h"
#include "grpcpp/create_channel.h"
#include "grpcpp/security/credentials.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "tests/data_dir.h"
#include "tests/e2e/process.h"
#include "tests/real_data.h"

namespace carereach {
namespace {

using nlohmann::json;
using testing::HasSubstr;
using testing_util::CommandResult;
using testing_util::DataDir;
using testing_util::RunCommand;

class EndToEndTest : public testing::Test {
 protected:
  static void SetUpTestSuite() {
    ASSERT_TRUE(std::filesystem::exists(DataDir())) << "real data missing: " << DataDir();
    const std::string dir = testing::TempDir() + "/e2e" + std::to_string(getpid());
    std::filesystem::create_directories(dir);
    log_path_ = new std::string(dir + "/server.log");
    const std::string port_file = dir + "/port";
    std::filesystem::remove(port_file);  // a previous suite's server wrote one
    server_ = new testing_util::ChildProcess(
        {CAREREACH_SERVER_BIN, "--listen=127.0.0.1:0", "--port_file=" + port_file,
         "--data_dir=" + DataDir(), "--state_dir=" + dir + "/state", "--reflection"},
        *log_path_);
    for (int i = 0; i < 600 && !std::filesystem::exists(port_file); ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    ASSERT_TRUE(std::filesystem::exists(port_file)) << testing_util::ReadWholeFile(*log_path_);
    address_ = new std::string("127.0.0.1:" + testing_util::ReadWholeFile(port_file).substr(0, 5));
    address_->erase(address_->find_last_not_of("\n ") + 1);
  }
  static void TearDownTestSuite() {
    delete server_;
    delete address_;
    delete log_path_;
  }

  static CommandResult Cli(std::vector<std::string> args) {
    std::vector<std::string> argv = {CAREREACH_CLI_BIN, "--server", *address_, "--wait-seconds",
                                     "120"};
    argv.insert(argv.end(), args.begin(), args.end());
    return RunCommand(argv);
  }

  static std::string Hospitals() { return DataDir() + "/facilities/hifld_hospitals.csv"; }

  // The same question answered by the library in this process.
  static access::CoverageSummary Expected(const access::RegionSelector& selector,
                                          const std::vector<access::Threshold>& thresholds) {
    io::LoadReport report;
    auto units = io::LoadTractCentres(DataDir() + "/census/CenPop2020_Mean_TR.txt", &report);
    EXPECT_TRUE(units.ok());
    auto region = access::BuildRegion("r", "", "", selector, *units, {});
    EXPECT_TRUE(region.ok());
    access::CoverageRequest request;
    auto hospitals = testing_util::LoadOpenHifldHospitals(DataDir());
    EXPECT_TRUE(hospitals.ok());
    request.facilities = *std::move(hospitals);
    request.thresholds = thresholds;
    auto answer = access::ComputeCoverage(*region, nullptr, request, {});
    EXPECT_TRUE(answer.ok());
    return answer->summary;
  }

  static testing_util::ChildProcess* server_;
  static std::string* address_;
  static std::string* log_path_;
};
testing_util::ChildProcess* EndToEndTest::server_ = nullptr;
std::string* EndToEndTest::address_ = nullptr;
std::string* EndToEndTest::log_path_ = nullptr;

TEST_F(EndToEndTest, ListsTheShippedRegions) {
  const CommandResult r = Cli({"regions", "--format", "json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const std::string out = r.out;
  for (const char* name : {"honolulu", "imperial", "yuba", "michigan", "massachusetts", "us"}) {
    EXPECT_THAT(out, HasSubstr(std::string("\"") + name + "\""));
  }
  EXPECT_THAT(out, HasSubstr("10077331"));
  EXPECT_THAT(out, HasSubstr("334735155"));
}

TEST_F(EndToEndTest, ReflectionListsTheServicesAndDescribesTheApi) {
  auto reflection = grpc::reflection::v1alpha::ServerReflection::NewStub(
      grpc::CreateChannel(*address_, grpc::InsecureChannelCredentials()));
  grpc::ClientContext context;
  auto stream = reflection->ServerReflectionInfo(&context);
  grpc::reflection::v1alpha::ServerReflectionRequest request;
  request.set_list_services("");
  ASSERT_TRUE(stream->Write(request));
  grpc::reflection::v1alpha::ServerReflectionResponse response;
  ASSERT_TRUE(stream->Read(&response));
  std::vector<std::string> names;
  for (const auto& s : response.list_services_response().service()) names.push_back(s.name());
  EXPECT_THAT(names,
              testing::IsSupersetOf({"carereach.v1.AccessService", "grpc.health.v1.Health"}));

  request.set_file_containing_symbol("carereach.v1.ComputeCoverageRequest");
  ASSERT_TRUE(stream->Write(request));
  ASSERT_TRUE(stream->Read(&response));
  EXPECT_GE(response.file_descriptor_response().file_descriptor_proto_size(), 1);
  stream->WritesDone();
  EXPECT_TRUE(stream->Finish().ok());
}

TEST_F(EndToEndTest, MichiganMilesCoverageIsRightToThePerson) {
  const CommandResult r = Cli({"coverage", "--region", "michigan", "--facilities", Hospitals(),
                               "--where", "STATUS=OPEN", "--miles", "5,10,20", "--format", "json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.err, HasSubstr("kept 7634 of 8013"));
  const json j = json::parse(r.out);
  EXPECT_EQ(j["region"], "michigan");
  EXPECT_EQ(j["mode"], "straight-line");
  EXPECT_EQ(j["total_population"], 10077331);
  const access::CoverageSummary expected = Expected(
      {.state_fips = {"26"}},
      {access::Threshold::Miles(5), access::Threshold::Miles(10), access::Threshold::Miles(20)});
  ASSERT_EQ(j["results"].size(), 3u);
  const double miles[] = {5, 10, 20};
  for (int k = 0; k < 3; ++k) {
    EXPECT_EQ(j["results"][k]["miles"], miles[k]);
    EXPECT_EQ(j["results"][k]["covered_population"], expected.by_threshold[k].covered_population);
    EXPECT_DOUBLE_EQ(j["results"][k]["share"].get<double>(),
                     expected.by_threshold[k].covered_population / 10077331.0);
  }
  ASSERT_EQ(j["counties"].size(), 83u);
  int64_t county_sum = 0;
  for (const json& c : j["counties"]) county_sum += c["total_population"].get<int64_t>();
  EXPECT_EQ(county_sum, 10077331);
  EXPECT_EQ(j["counties"][0]["fips"], "26001");
}

TEST_F(EndToEndTest, HonoluluMinutesWithUnitDetail) {
  // Its own name: another run of the suite on the machine may write the same folder at once.
  const std::string units_csv =
      testing::TempDir() + "/honolulu_units_" + std::to_string(getpid()) + ".csv";
  const CommandResult r =
      Cli({"coverage", "--region", "honolulu", "--facilities", Hospitals(), "--where",
           "STATUS=OPEN", "--minutes", "10,20,30", "--units-out", units_csv, "--format", "json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const json j = json::parse(r.out);
  EXPECT_EQ(j["total_population"], 1016508);
  const access::CoverageSummary expected = Expected(
      {.county_fips = {"15003"}}, {access::Threshold::Minutes(10), access::Threshold::Minutes(20),
                                   access::Threshold::Minutes(30)});
  for (int k = 0; k < 3; ++k) {
    EXPECT_EQ(j["results"][k]["covered_population"], expected.by_threshold[k].covered_population);
  }
  const std::vector<std::string> lines =
      absl::StrSplit(testing_util::ReadWholeFile(units_csv), '\n', absl::SkipEmpty());
  ASSERT_EQ(lines.size(), 331u);  // header + 330 tracts
  EXPECT_THAT(lines[0], HasSubstr("unit_id"));
}

TEST_F(EndToEndTest, TableOutputIsReadable) {
  const CommandResult r = Cli({"coverage", "--region", "yuba", "--facilities", Hospitals(),
                               "--where", "STATUS=OPEN", "--minutes", "20"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("yuba"));
  EXPECT_THAT(r.out, HasSubstr("81,575"));
  EXPECT_THAT(r.out, HasSubstr("20 min"));
}

TEST_F(EndToEndTest, BadInputGetsOneClearLineAndANonZeroExit) {
  const std::string bad = testing::TempDir() + "/bad_facilities.csv";
  std::ofstream(bad) << "ID,NAME,LATITUDE,LONGITUDE\n"
                        "a,Good,21.3,-157.8\n"
                        "b,Bad,123.4,-157.8\n";
  CommandResult r =
      Cli({"coverage", "--region", "honolulu", "--facilities", bad, "--minutes", "10"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.err, HasSubstr("INVALID_ARGUMENT: facilities[1].location.lat: 123.4 is outside "
                               "[-90, 90]"));
  EXPECT_THAT(r.err, HasSubstr("line 3"));

  r = Cli({"coverage", "--region", "atlantis", "--facilities", bad, "--minutes", "10"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.err, HasSubstr("NOT_FOUND"));

  const std::string good = testing::TempDir() + "/good_facilities.csv";
  std::ofstream(good) << "ID,NAME,LATITUDE,LONGITUDE\na,Good,21.3,-157.8\n";
  r = Cli({"coverage", "--region", "honolulu", "--facilities", good, "--minutes", "-3"});
  EXPECT_NE(r.exit_code, 0);
  EXPECT_THAT(r.err, HasSubstr("-3"));
  EXPECT_THAT(r.err, testing::Not(HasSubstr("facilities[")));
}

class DriveEndToEndTest : public EndToEndTest, public testing::WithParamInterface<const char*> {};

// Drive mode answers with the same JSON shape as straight-line mode, plus unsnapped counts; the
// CLI waits (--wait-seconds) while the region's roads load.
TEST_P(DriveEndToEndTest, DriveCoverageHasTheSameShapePlusUnsnapped) {
  const CommandResult r =
      Cli({"coverage", "--region", GetParam(), "--facilities", Hospitals(), "--where",
           "STATUS=OPEN", "--mode", "drive", "--minutes", "10,20,30", "--format", "json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const json j = json::parse(r.out);
  EXPECT_EQ(j["region"], GetParam());
  EXPECT_EQ(j["mode"], "drive");
  ASSERT_EQ(j["results"].size(), 3u);
  int64_t previous = 0;
  for (const json& result : j["results"]) {
    EXPECT_TRUE(result.contains("minutes"));
    EXPECT_GE(result["covered_population"].get<int64_t>(), previous);
    previous = result["covered_population"].get<int64_t>();
    EXPECT_GE(result["share"].get<double>(), 0.0);
    EXPECT_LE(result["share"].get<double>(), 1.0);
  }
  EXPECT_TRUE(j.contains("unsnapped_units"));
  EXPECT_GT(j["counties"].size(), 0u);
  EXPECT_FALSE(j.contains("straight_line"));
}

INSTANTIATE_TEST_SUITE_P(Extracts, DriveEndToEndTest,
                         testing::Values("honolulu", "imperial", "yuba"));

TEST_F(EndToEndTest, HonoluluDriveMatchesTheLibrary) {
  const CommandResult r =
      Cli({"coverage", "--region", "honolulu", "--facilities", Hospitals(), "--where",
           "STATUS=OPEN", "--mode", "drive", "--minutes", "10", "--format", "json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const json j = json::parse(r.out);
  EXPECT_EQ(j["total_population"], 1016508);
  EXPECT_EQ(j["unsnapped_units"], 3);  // three tracts far from O'ahu's roads, all empty
  // Within 10 minutes by road is less than within the straight-line equivalent at 35 mph x 1.3.
  const double drive_share = j["results"][0]["share"];
  EXPECT_GT(drive_share, 0.5);
  EXPECT_LT(drive_share, 0.95);
}

// CMS adequacy for Michigan with its open general acute care hospitals as acute inpatient
// hospitals (040, counted in beds): one result per county, through the real CLI and server.
TEST_F(EndToEndTest, MichiganAcuteInpatientAdequacyReport) {
  const CommandResult r =
      Cli({"adequacy", "--region", "michigan", "--network", Hospitals(), "--where", "STATE=MI",
           "--where", "STATUS=OPEN", "--where", "TYPE=GENERAL ACUTE CARE", "--specialty", "040",
           "--specialties", "040", "--format", "json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const json j = json::parse(r.out);
  EXPECT_EQ(j["standards_set"], "cms-ma-cy2026");
  ASSERT_EQ(j["results"].size(), 83u);
  EXPECT_EQ(j["summary"]["results"], 83);
  bool saw_wayne = false, failing_first = true, seen_pass = false;
  for (const json& row : j["results"]) {
    EXPECT_EQ(row["specialty_code"], "040");
    if (row["pass"].get<bool>()) seen_pass = true;
    if (!row["pass"].get<bool>() && seen_pass) failing_first = false;
    if (row["county_fips"] == "26163") {
      saw_wayne = true;
      EXPECT_EQ(row["county_designation"], "Large Metro");
      EXPECT_EQ(row["minimum_number"], 327);  // beds, from the CY2026 reference file
      EXPECT_DOUBLE_EQ(row["required_share"].get<double>(), 0.90);
      EXPECT_GT(row["counted"].get<double>(), 327);
    }
  }
  EXPECT_TRUE(saw_wayne);
  EXPECT_TRUE(failing_first);
}

// Last: SIGTERM stops the server cleanly.
// The Together Health Network seed scenario: Ascension and Trinity Health Michigan hospitals as
// two stored networks, their alliance's 20-minute coverage with each member's part, and the first
// recommended addition, all through the CLI and checked against the library in this process.
TEST_F(EndToEndTest, MichiganAllianceSeedScenarioMatchesTheLibrary) {
  const std::vector<std::pair<std::string, std::string>> systems = {
      {"ascension-mi", "ASCENSION"},
      {"trinity-mi", "MERCY HEALTH|ST JOSEPH MERCY|SAINT JOSEPH MERCY|ST MARY MERCY"}};
  for (const auto& [id, names] : systems) {
    const CommandResult r = Cli({"--tenant", "e2e-thn", "network", "import", id, "--create",
                                 "--facilities", Hospitals(), "--where", "STATE=MI", "--where",
                                 "STATUS=OPEN", "--where", "NAME~" + names});
    ASSERT_EQ(r.exit_code, 0) << r.err;
  }
  const CommandResult r = Cli({"--tenant", "e2e-thn", "analyze", "coverage", "--region", "michigan",
                               "--network", "ascension-mi", "--network", "trinity-mi", "--minutes",
                               "20", "--save-report", "--format", "json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const json answer = json::parse(r.out);

  // The same facilities, selected here, and the library's answers.
  auto csv = io::ReadCsvFile(Hospitals());
  ASSERT_TRUE(csv.ok());
  const int id = csv->Column("ID"), name = csv->Column("NAME"), state = csv->Column("STATE"),
            status = csv->Column("STATUS"), lat = csv->Column("LATITUDE"),
            lon = csv->Column("LONGITUDE");
  auto matches = [](std::string_view text, const std::string& alternatives) {
    for (absl::string_view alt : absl::StrSplit(alternatives, '|')) {
      if (text.find(std::string_view(alt.data(), alt.size())) != std::string_view::npos) {
        return true;
      }
    }
    return false;
  };
  std::vector<std::vector<access::Facility>> members(2);
  std::vector<access::Facility> others;  // open Michigan general acute care, in neither system
  for (const io::CsvRecord& row : csv->records) {
    if (row.fields[state] != "MI" || row.fields[status] != "OPEN") continue;
    access::Facility f{.id = row.fields[id]};
    ASSERT_TRUE(absl::SimpleAtod(row.fields[lat], &f.location.lat));
    ASSERT_TRUE(absl::SimpleAtod(row.fields[lon], &f.location.lon));
    bool member = false;
    for (size_t m = 0; m < systems.size(); ++m) {
      if (matches(row.fields[name], systems[m].second)) {
        members[m].push_back(f);
        member = true;
      }
    }
    if (!member) others.push_back(f);
  }
  ASSERT_EQ(members[0].size(), 20u);
  ASSERT_EQ(members[1].size(), 13u);
  io::LoadReport report;
  auto units = io::LoadTractCentres(DataDir() + "/census/CenPop2020_Mean_TR.txt", &report);
  ASSERT_TRUE(units.ok());
  auto michigan = access::BuildRegion("michigan", "", "", {.state_fips = {"26"}}, *units, {});
  ASSERT_TRUE(michigan.ok());
  auto covered = [&](const std::vector<access::Facility>& facilities) -> int64_t {
    access::CoverageRequest request{.facilities = facilities,
                                    .thresholds = {access::Threshold::Minutes(20)}};
    auto answer = access::ComputeCoverage(*michigan, nullptr, request, {});
    EXPECT_TRUE(answer.ok()) << answer.status();
    return answer.ok() ? answer->summary.by_threshold[0].covered_population : -1;
  };
  std::vector<access::Facility> all = members[0];
  all.insert(all.end(), members[1].begin(), members[1].end());
  const int64_t union_covered = covered(all);
  const int64_t alone0 = covered(members[0]), alone1 = covered(members[1]);
  auto as_int = [](const json& v) {
    return v.is_string() ? std::stoll(v.get<std::string>()) : v.get<int64_t>();
  };
  EXPECT_EQ(as_int(answer["results"][0]["covered_population"]), union_covered);
  ASSERT_EQ(answer["members"].size(), 2u);
  EXPECT_EQ(as_int(answer["members"][0]["alone"][0]["covered_population"]), alone0);
  EXPECT_EQ(as_int(answer["members"][1]["alone"][0]["covered_population"]), alone1);
  // Two members: leaving loses what the other does not cover.
  EXPECT_EQ(as_int(answer["members"][0]["loss_if_leaves"][0]), union_covered - alone1);
  EXPECT_EQ(as_int(answer["members"][1]["gain_by_joining"][0]), union_covered - alone1);
  // Fair shares: each member's own residents and half of those both cover; they add up to the
  // union's covered population.
  const double both = static_cast<double>(alone0 + alone1 - union_covered);
  const double fair0 = answer["members"][0]["fair_share_population"][0].get<double>();
  const double fair1 = answer["members"][1]["fair_share_population"][0].get<double>();
  EXPECT_NEAR(fair0, alone0 - both / 2, 1e-6);
  EXPECT_NEAR(fair0 + fair1, static_cast<double>(union_covered), 1e-6);
  EXPECT_FALSE(answer["report_id"].get<std::string>().empty());

  // The first recommended addition is the candidate with the largest gain (library, one by one).
  const CommandResult rec = Cli({"--tenant",
                                 "e2e-thn",
                                 "recommend",
                                 "--region",
                                 "michigan",
                                 "--network",
                                 "ascension-mi",
                                 "--network",
                                 "trinity-mi",
                                 "--candidates-facilities",
                                 Hospitals(),
                                 "--candidates-where",
                                 "STATE=MI",
                                 "--candidates-where",
                                 "STATUS=OPEN",
                                 "--minutes",
                                 "20",
                                 "--picks",
                                 "3",
                                 "--format",
                                 "json"});
  ASSERT_EQ(rec.exit_code, 0) << rec.err;
  const json picks = json::parse(rec.out);
  ASSERT_EQ(picks["picks"].size(), 3u);
  int64_t best_gain = -1;
  for (const access::Facility& candidate : others) {
    std::vector<access::Facility> with = all;
    with.push_back(candidate);
    best_gain = std::max(best_gain, covered(with) - union_covered);
  }
  EXPECT_EQ(picks["picks"][0]["gain"].get<double>(), static_cast<double>(best_gain));
  EXPECT_EQ(picks["base_covered"].get<double>(), static_cast<double>(union_covered));

  // The saved report is listed for its networks and gives back its request.
  const CommandResult list =
      Cli({"--tenant", "e2e-thn", "report", "list", "--network", "trinity-mi"});
  ASSERT_EQ(list.exit_code, 0) << list.err;
  EXPECT_THAT(list.out, HasSubstr(answer["report_id"].get<std::string>()));
  const CommandResult other =
      Cli({"--tenant", "someone-else", "report", "show", answer["report_id"].get<std::string>()});
  EXPECT_EQ(other.exit_code, 1);
  EXPECT_THAT(other.err, HasSubstr("NOT_FOUND"));
}

// Issue #15's round trip (docs/CMS.md section 15): CMS's Provider and Facility HSD tables
// (with Latitude and Longitude added) imported into a stored network and exported again give
// the same rows, byte for byte, through the real server and its SQLite store.
TEST_F(EndToEndTest, HsdTablesRoundTripThroughAStoredNetwork) {
  const std::string fixtures = std::string(CAREREACH_SOURCE_DIR) + "/tests/fixtures/hsd/";
  CommandResult r =
      Cli({"--tenant", "e2e-hsd", "network", "import", "oahu-hmo", "--create", "--hsd-providers",
           fixtures + "providers.csv", "--hsd-facilities", fixtures + "facilities.csv"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.err, HasSubstr("hsd-providers: kept 4 of 4 rows of providers.csv\n"));
  EXPECT_THAT(r.err, HasSubstr("hsd-facilities: kept 5 of 5 rows of facilities.csv\n"));
  EXPECT_THAT(r.out, HasSubstr("9"));

  const std::string dir = testing::TempDir() + "/e2e_hsd" + std::to_string(getpid()) + "/";
  std::filesystem::create_directories(dir);
  r = Cli({"--tenant", "e2e-hsd", "network", "export", "oahu-hmo", "--hsd-providers",
           dir + "providers.csv", "--hsd-facilities", dir + "facilities.csv"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("wrote 9 rows of network oahu-hmo version 1: 4 to "));
  EXPECT_EQ(testing_util::ReadWholeFile(dir + "providers.csv"),
            testing_util::ReadWholeFile(fixtures + "providers.csv"));
  EXPECT_EQ(testing_util::ReadWholeFile(dir + "facilities.csv"),
            testing_util::ReadWholeFile(fixtures + "facilities.csv"));

  // Another tenant does not see the network.
  r = Cli({"--tenant", "e2e-other", "network", "export", "oahu-hmo", "--hsd-providers",
           dir + "p2.csv", "--hsd-facilities", dir + "f2.csv"});
  EXPECT_NE(r.exit_code, 0);
  EXPECT_FALSE(std::filesystem::exists(dir + "p2.csv"));
}

TEST(ServerFlagsTest, RefusesAnUnknownHierarchyMetricsValue) {
  const CommandResult r = RunCommand(
      {CAREREACH_SERVER_BIN, "--road_hierarchy_metrics=distance", "--listen=127.0.0.1:0"});
  EXPECT_NE(r.exit_code, 0);
  EXPECT_THAT(r.err, HasSubstr("road_hierarchy_metrics"));
  EXPECT_THAT(r.err, HasSubstr("must be time,distance or time"));
}

TEST_F(EndToEndTest, ZzGracefulShutdownOnSigterm) {
  EXPECT_EQ(server_->Stop(30), 0);
  EXPECT_THAT(testing_util::ReadWholeFile(*log_path_), HasSubstr("received SIGTERM"));
  EXPECT_THAT(testing_util::ReadWholeFile(*log_path_), HasSubstr("stopped"));
}

}  // namespace
}  // namespace carereach
