// The `carereach` client without the real server: argument parsing, facility CSV reading,
// output formats, and the command flow against an in-process fake AccessService.

#include <algorithm>
#include <atomic>
#include <chrono>
#include <fstream>
#include <functional>
#include <memory>
#include <mutex>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "absl/status/status.h"
#include "carereach/v1/access.grpc.pb.h"
#include "clients/cli/args.h"
#include "clients/cli/commands.h"
#include "clients/cli/facilities_csv.h"
#include "clients/cli/output.h"
#include "gmock/gmock.h"
#include "grpcpp/grpcpp.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"

namespace carereach::cli {
namespace {

using ::testing::AllOf;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::StartsWith;

MATCHER_P2(StatusIs, code, message_matcher, "") {
  return arg.code() == code && ::testing::ExplainMatchResult(
                                   message_matcher, std::string(arg.message()), result_listener);
}

std::string WriteTempFile(const std::string& name, const std::string& text) {
  std::string path = ::testing::TempDir() + name;
  std::ofstream(path, std::ios::binary) << text;
  return path;
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// ---------------------------------------------------------------------------------------------
// Arguments

TEST(ParseArgsTest, CoverageWithRepeatedWhereAndBothFlagForms) {
  absl::StatusOr<Invocation> inv = ParseArgs(
      {"coverage", "--region=michigan", "--facilities", "h.csv", "--where", "STATUS=OPEN",
       "--where=STATE = MI", "--minutes", "10,20", "--miles=5", "--mode=drive", "--format", "json",
       "--units-out", "units.csv", "--counties", "--server=example:7"});
  ASSERT_TRUE(inv.ok()) << inv.status();
  EXPECT_EQ(inv->command, Command::kCoverage);
  EXPECT_EQ(inv->global.server, "example:7");
  const CoverageOptions& cov = inv->coverage;
  EXPECT_EQ(cov.region, "michigan");
  EXPECT_EQ(cov.facilities_path, "h.csv");
  ASSERT_EQ(cov.where.size(), 2u);
  EXPECT_EQ(cov.where[0].column, "STATUS");
  EXPECT_EQ(cov.where[0].value, "OPEN");
  EXPECT_EQ(cov.where[1].column, "STATE");  // trimmed
  EXPECT_EQ(cov.where[1].value, "MI");
  EXPECT_THAT(cov.minutes, ElementsAre(10, 20));
  EXPECT_THAT(cov.miles, ElementsAre(5));
  EXPECT_EQ(cov.mode, Mode::kDrive);
  EXPECT_EQ(cov.format, OutputFormat::kJson);
  EXPECT_EQ(cov.units_out, "units.csv");
  EXPECT_TRUE(cov.counties);
}

TEST(ParseArgsTest, DefaultsAndGlobalFlagsBeforeTheCommand) {
  absl::StatusOr<Invocation> inv =
      ParseArgs({"--timeout-seconds", "5", "--wait-seconds=2.5", "regions"}, "env-host:9");
  ASSERT_TRUE(inv.ok()) << inv.status();
  EXPECT_EQ(inv->command, Command::kRegions);
  EXPECT_EQ(inv->global.server, "env-host:9");  // the caller's $CARERACH_SERVER
  EXPECT_EQ(inv->global.timeout_seconds, 5);
  EXPECT_EQ(inv->global.wait_seconds, 2.5);
  EXPECT_EQ(inv->regions.format, OutputFormat::kTable);

  absl::StatusOr<Invocation> plain = ParseArgs({"regions"});
  ASSERT_TRUE(plain.ok());
  EXPECT_EQ(plain->global.server, "127.0.0.1:50051");
  EXPECT_EQ(plain->global.timeout_seconds, 120);
  EXPECT_EQ(plain->global.wait_seconds, 0);
}

TEST(ParseArgsTest, StraightLineOptions) {
  absl::StatusOr<Invocation> inv =
      ParseArgs({"coverage", "--region", "r", "--facilities", "f", "--minutes", "30", "--circuity",
                 "1.2", "--speed-mph=40", "--lat-column", "Lat_WGS84"});
  ASSERT_TRUE(inv.ok()) << inv.status();
  EXPECT_EQ(inv->coverage.mode, Mode::kStraightLine);
  EXPECT_EQ(inv->coverage.circuity, 1.2);
  EXPECT_EQ(inv->coverage.speed_mph, 40);
  EXPECT_EQ(inv->coverage.columns.lat, "Lat_WGS84");
}

TEST(ParseArgsTest, HelpInAnyPosition) {
  for (const std::vector<std::string>& args :
       {std::vector<std::string>{"help"}, {"--help"}, {"coverage", "--help"}, {"-h"}}) {
    absl::StatusOr<Invocation> inv = ParseArgs(args);
    ASSERT_TRUE(inv.ok()) << args[0];
    EXPECT_EQ(inv->command, Command::kHelp);
  }
  EXPECT_THAT(UsageText(), AllOf(HasSubstr("carereach regions"), HasSubstr("--units-out"),
                                 HasSubstr("--wait-seconds"), HasSubstr("--where")));
}

TEST(ParseArgsTest, BadNumberNamesTheFlag) {
  EXPECT_THAT(
      ParseArgs({"coverage", "--region", "r", "--facilities", "f", "--minutes", "10,x"}).status(),
      StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("--minutes: 'x' is not a number")));
  EXPECT_THAT(
      ParseArgs({"coverage", "--region", "r", "--facilities", "f", "--miles=5,,10"}).status(),
      StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("--miles: '' is not")));
  EXPECT_THAT(ParseArgs({"regions", "--timeout-seconds", "soon"}).status(),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("--timeout-seconds")));
  EXPECT_THAT(ParseArgs({"regions", "--timeout-seconds", "0"}).status(),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("--timeout-seconds")));
}

TEST(ParseArgsTest, UsageErrors) {
  auto error_of = [](std::vector<std::string> args) {
    return std::string(ParseArgs(args).status().message());
  };
  EXPECT_EQ(error_of({"regions", "--colour", "red"}), "unknown flag --colour");
  EXPECT_EQ(error_of({"regions", "-x"}), "unknown flag -x");
  EXPECT_EQ(error_of({"regions", "--format"}), "--format needs a value");
  EXPECT_EQ(error_of({"coverage", "--region", "--facilities", "f"}), "--region needs a value");
  EXPECT_EQ(error_of({"regions", "--format", "xml"}),
            "--format: 'xml' is not one of table, csv, json");
  EXPECT_EQ(error_of({"regions", "--region", "r"}),
            "--region does not apply to 'carereach regions'");
  EXPECT_EQ(error_of({"regions", "--counties=yes"}), "--counties takes no value");
  EXPECT_EQ(error_of({}), "no command given");
  EXPECT_EQ(error_of({"cover"}), "unknown command 'cover'");
  EXPECT_EQ(error_of({"regions", "extra"}), "unexpected argument 'extra'");
  EXPECT_THAT(error_of({"coverage", "--region", "r", "--facilities", "f"}),
              HasSubstr("--minutes and/or --miles"));
  EXPECT_THAT(error_of({"coverage", "--facilities", "f", "--minutes", "10"}),
              HasSubstr("--region"));
  EXPECT_THAT(error_of({"coverage", "--region", "r", "--minutes", "10"}),
              HasSubstr("--facilities"));
  EXPECT_THAT(error_of({"coverage", "--region", "r", "--facilities", "f", "--minutes", "10",
                        "--where", "STATUS"}),
              HasSubstr("--where: 'STATUS' is not COLUMN=VALUE"));
  EXPECT_THAT(error_of({"coverage", "--region", "r", "--facilities", "f", "--minutes", "10",
                        "--mode", "walk"}),
              HasSubstr("--mode: 'walk'"));
  EXPECT_THAT(error_of({"coverage", "--region", "r", "--facilities", "f", "--minutes", "10",
                        "--mode", "drive", "--circuity", "1.2"}),
              HasSubstr("straight-line only"));
}

TEST(RunCliTest, UsageErrorExitsTwoWithHint) {
  std::ostringstream out, err;
  EXPECT_EQ(RunCli({"regions", "--bogus"}, out, err), kExitUsage);
  EXPECT_EQ(err.str(), "error: unknown flag --bogus\nrun 'carereach help' for usage\n");
  EXPECT_EQ(out.str(), "");
}

TEST(RunCliTest, HelpPrintsUsage) {
  std::ostringstream out, err;
  EXPECT_EQ(RunCli({"help"}, out, err), kExitOk);
  EXPECT_THAT(out.str(), HasSubstr("carereach coverage --region R"));
}

// ---------------------------------------------------------------------------------------------
// Facility CSV

// The HIFLD hospitals layout: a UTF-8 BOM, X/Y and OBJECTID besides ID/LATITUDE/LONGITUDE.
constexpr char kHifldLike[] =
    "\xEF\xBB\xBFX,Y,OBJECTID,ID,NAME,TYPE,STATUS,LATITUDE,LONGITUDE\n"
    "-86.49,31.29,1,0001336420,ANDALUSIA HEALTH,GENERAL ACUTE CARE,OPEN,31.29,-86.49\n"
    "-86.97,34.80,2,0001535611,\"ATHENS, LIMESTONE\",GENERAL ACUTE CARE,CLOSED,34.80,-86.97\n"
    "-87.47,31.01,3,0000136502,ATMORE COMMUNITY,CRITICAL ACCESS,OPEN,31.01,-87.47\n";

TEST(FacilitiesCsvTest, DetectsHifldColumnsBehindBom) {
  std::string path = WriteTempFile("hifld_like.csv", kHifldLike);
  absl::StatusOr<FacilityList> list = ReadFacilitiesCsv(path, {}, {});
  ASSERT_TRUE(list.ok()) << list.status();
  EXPECT_EQ(list->columns.id, "ID");          // preferred over OBJECTID
  EXPECT_EQ(list->columns.lat, "LATITUDE");   // preferred over Y
  EXPECT_EQ(list->columns.lon, "LONGITUDE");  // preferred over X
  EXPECT_EQ(list->columns.name, "NAME");
  EXPECT_EQ(list->columns.type, "TYPE");
  EXPECT_EQ(list->rows_read, 3);
  ASSERT_EQ(list->facilities.size(), 3u);
  const carereach::v1::Facility& first = list->facilities[0];
  EXPECT_EQ(first.id(), "0001336420");  // an id, not a number: leading zeros kept
  EXPECT_EQ(first.name(), "ANDALUSIA HEALTH");
  EXPECT_EQ(first.type(), "GENERAL ACUTE CARE");
  EXPECT_DOUBLE_EQ(first.location().lat(), 31.29);
  EXPECT_DOUBLE_EQ(first.location().lon(), -86.49);
  EXPECT_EQ(list->facilities[1].name(), "ATHENS, LIMESTONE");
  EXPECT_THAT(list->csv_lines, ElementsAre(2, 3, 4));
}

TEST(FacilitiesCsvTest, DetectsCmsColumns) {
  io::CsvTable table;
  table.source = "cms.csv";
  table.header = {"facility.id", "facility.name", "hospital.type", "lat", "long"};
  table.records = {{2, {"010001", "SOUTHEAST HEALTH", "Acute Care Hospitals", "31.2", "-85.3"}}};
  absl::StatusOr<FacilityList> list = FacilitiesFromTable(table, {}, {});
  ASSERT_TRUE(list.ok()) << list.status();
  EXPECT_EQ(list->columns.id, "facility.id");
  EXPECT_EQ(list->columns.name, "facility.name");
  EXPECT_EQ(list->columns.type, "hospital.type");
  EXPECT_EQ(list->columns.lat, "lat");
  EXPECT_EQ(list->columns.lon, "long");
  ASSERT_EQ(list->facilities.size(), 1u);
  EXPECT_DOUBLE_EQ(list->facilities[0].location().lon(), -85.3);
}

TEST(FacilitiesCsvTest, WhereKeepsRowsMatchingEveryClause) {
  std::string path = WriteTempFile("hifld_where.csv", kHifldLike);
  std::vector<WhereClause> where = {{"status", "OPEN"}};  // column names are case-insensitive
  absl::StatusOr<FacilityList> list = ReadFacilitiesCsv(path, {}, where);
  ASSERT_TRUE(list.ok()) << list.status();
  ASSERT_EQ(list->facilities.size(), 2u);
  EXPECT_EQ(list->facilities[1].id(), "0000136502");
  EXPECT_THAT(list->csv_lines, ElementsAre(2, 4));
  EXPECT_EQ(FacilitySummaryLine(*list, where),
            "facilities: kept 2 of 3 rows of hifld_where.csv (status=OPEN)");

  where.push_back({"TYPE", "CRITICAL ACCESS"});
  list = ReadFacilitiesCsv(path, {}, where);
  ASSERT_TRUE(list.ok()) << list.status();
  ASSERT_EQ(list->facilities.size(), 1u);
  EXPECT_EQ(list->facilities[0].name(), "ATMORE COMMUNITY");
  EXPECT_EQ(FacilitySummaryLine(*list, where),
            "facilities: kept 1 of 3 rows of hifld_where.csv (status=OPEN, TYPE=CRITICAL ACCESS)");
  EXPECT_EQ(FacilitySummaryLine(*list, {}), "facilities: kept 1 of 3 rows of hifld_where.csv");
}

TEST(FacilitiesCsvTest, WhereOnUnknownColumnListsColumns) {
  std::string path = WriteTempFile("hifld_unknown.csv", kHifldLike);
  EXPECT_THAT(ReadFacilitiesCsv(path, {}, {{"STATE", "MI"}}).status(),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       AllOf(HasSubstr("--where STATE=MI"), HasSubstr("no column 'STATE'"),
                             HasSubstr("columns: X, Y, OBJECTID, ID, NAME"))));
}

TEST(FacilitiesCsvTest, BadLatitudeIsAnErrorWithFileLineAndColumn) {
  std::string path = WriteTempFile("bad_lat.csv",
                                   "ID,NAME,LATITUDE,LONGITUDE\n"
                                   "a,A,42.1,-83.0\n"
                                   "b,\"B\nsecond line\",42.2,-83.1\n"
                                   "c,C,north,-83.2\n");
  EXPECT_THAT(ReadFacilitiesCsv(path, {}, {}).status(),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("bad_lat.csv:5: column LATITUDE: 'north' is not a number")));
}

TEST(FacilitiesCsvTest, EmptyCoordinateOrIdIsAnError) {
  std::string empty_lon = WriteTempFile("empty_lon.csv", "ID,LAT,LON\na,42,-83\nb,42, \n");
  EXPECT_THAT(ReadFacilitiesCsv(empty_lon, {}, {}).status(),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("empty_lon.csv:3: column LON: empty, expected a number")));
  std::string empty_id = WriteTempFile("empty_id.csv", "ID,LAT,LON\na,42,-83\n  ,42,-83\n");
  EXPECT_THAT(ReadFacilitiesCsv(empty_id, {}, {}).status(),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("empty_id.csv:3: column ID: empty facility id")));
}

TEST(FacilitiesCsvTest, RowsRemovedByWhereAreNotValidated) {
  std::string path = WriteTempFile("closed_bad.csv",
                                   "ID,STATUS,LATITUDE,LONGITUDE\n"
                                   "a,OPEN,42.1,-83.0\n"
                                   "b,CLOSED,NOT AVAILABLE,-83.1\n");
  absl::StatusOr<FacilityList> list = ReadFacilitiesCsv(path, {}, {{"STATUS", "OPEN"}});
  ASSERT_TRUE(list.ok()) << list.status();
  EXPECT_EQ(list->facilities.size(), 1u);
}

TEST(FacilitiesCsvTest, ExplicitColumns) {
  std::string path = WriteTempFile("explicit.csv",
                                   "npi_number,site,lat_wgs84,lon_wgs84,LATITUDE\n"
                                   "123,Clinic,42.5,-83.5,0\n");
  FacilityColumnFlags flags;
  flags.id = "npi_number";
  flags.name = "site";
  flags.lat = "LAT_WGS84";
  flags.lon = "lon_wgs84";
  absl::StatusOr<FacilityList> list = ReadFacilitiesCsv(path, flags, {});
  ASSERT_TRUE(list.ok()) << list.status();
  EXPECT_EQ(list->columns.lat, "lat_wgs84");
  ASSERT_EQ(list->facilities.size(), 1u);
  EXPECT_EQ(list->facilities[0].id(), "123");
  EXPECT_EQ(list->facilities[0].name(), "Clinic");
  EXPECT_DOUBLE_EQ(list->facilities[0].location().lat(), 42.5);  // not the LATITUDE column
  EXPECT_DOUBLE_EQ(list->facilities[0].location().lon(), -83.5);

  flags.lat = "latitude_deg";
  EXPECT_THAT(ReadFacilitiesCsv(path, flags, {}).status(),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       AllOf(HasSubstr("no column 'latitude_deg' (--lat-column)"),
                             HasSubstr("columns: npi_number, site, lat_wgs84"))));
}

TEST(FacilitiesCsvTest, MissingIdColumnListsHeader) {
  std::string path = WriteTempFile("no_id.csv", "NAME,LATITUDE,LONGITUDE\nA,42,-83\n");
  EXPECT_THAT(ReadFacilitiesCsv(path, {}, {}).status(),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       AllOf(HasSubstr("no facility id column"), HasSubstr("--id-column"),
                             HasSubstr("columns: NAME, LATITUDE, LONGITUDE"))));
}

TEST(FacilitiesCsvTest, MissingFileIsAnError) {
  EXPECT_FALSE(ReadFacilitiesCsv(::testing::TempDir() + "does_not_exist.csv", {}, {}).ok());
}

TEST(FacilitiesCsvTest, ServerMessagesGetTheCsvLine) {
  FacilityList list;
  list.source = "/data/facilities/hifld_hospitals.csv";
  list.csv_lines = {2, 4, 15};  // facilities[i] came from line csv_lines[i]
  EXPECT_EQ(AddCsvLineToMessage(
                "INVALID_ARGUMENT: facilities[2].location.lat: 123.4 is outside [-90, 90]", list),
            "INVALID_ARGUMENT: facilities[2].location.lat: 123.4 is outside [-90, 90] "
            "(hifld_hospitals.csv line 15)");
  EXPECT_EQ(AddCsvLineToMessage(
                "INVALID_ARGUMENT: facilities[2].id: \"a\" duplicates facilities[0].id", list),
            "INVALID_ARGUMENT: facilities[2].id: \"a\" duplicates facilities[0].id "
            "(hifld_hospitals.csv line 15; facilities[0] is line 2)");
  EXPECT_EQ(AddCsvLineToMessage("NOT_FOUND: unknown region 'mars'", list),
            "NOT_FOUND: unknown region 'mars'");
  EXPECT_EQ(AddCsvLineToMessage("facilities[7].id: x", list), "facilities[7].id: x");
}

// ---------------------------------------------------------------------------------------------
// Output

carereach::v1::ThresholdCoverage Minutes(double minutes, int64_t covered, double share) {
  carereach::v1::ThresholdCoverage t;
  t.set_max_minutes(minutes);
  t.set_covered_population(covered);
  t.set_share(share);
  return t;
}

carereach::v1::ThresholdCoverage Miles(double miles, int64_t covered, double share) {
  carereach::v1::ThresholdCoverage t;
  t.set_max_miles(miles);
  t.set_covered_population(covered);
  t.set_share(share);
  return t;
}

carereach::v1::ComputeCoverageResponse SampleResponse() {
  carereach::v1::ComputeCoverageResponse r;
  r.set_region("michigan");
  r.set_mode(carereach::v1::TRAVEL_MODE_STRAIGHT_LINE);
  r.set_total_population(10077331);
  r.set_unit_count(3);
  r.set_facility_count(2);
  *r.add_results() = Minutes(10, 7123456, 0.7068);
  *r.add_results() = Miles(2.5, 5000000, 0.5);
  carereach::v1::CountyCoverage* wayne = r.add_counties();
  wayne->set_fips("26163");
  wayne->set_name("Wayne County");
  wayne->set_state("MI");
  wayne->set_total_population(1793561);
  *wayne->add_results() = Minutes(10, 1793561, 1.0);
  *wayne->add_results() = Miles(2.5, 0, 0.0);
  carereach::v1::CountyCoverage* comma = r.add_counties();
  comma->set_fips("26001");
  comma->set_name("Alcona, County");
  comma->set_state("MI");
  comma->set_total_population(10167);
  *comma->add_results() = Minutes(10, 100, 0.25);
  *comma->add_results() = Miles(2.5, 0, 0.0);
  r.mutable_straight_line()->set_circuity_factor(1.3);
  r.mutable_straight_line()->set_speed_mph(35);
  return r;
}

TEST(OutputTest, CoverageJsonShape) {
  nlohmann::ordered_json json = CoverageJson(SampleResponse());
  std::vector<std::string> keys;
  for (const auto& [key, value] : json.items()) keys.push_back(key);
  EXPECT_THAT(keys, ElementsAre("region", "mode", "total_population", "facility_count",
                                "unit_count", "results", "counties", "straight_line"));
  EXPECT_EQ(json["region"], "michigan");
  EXPECT_EQ(json["mode"], "straight-line");
  EXPECT_TRUE(json["total_population"].is_number_integer());
  EXPECT_EQ(json["total_population"], 10077331);
  EXPECT_EQ(json["facility_count"], 2);
  EXPECT_EQ(json["unit_count"], 3);

  ASSERT_EQ(json["results"].size(), 2u);
  const auto& by_minutes = json["results"][0];
  EXPECT_TRUE(by_minutes.contains("minutes"));
  EXPECT_FALSE(by_minutes.contains("miles"));
  EXPECT_TRUE(by_minutes["minutes"].is_number_integer());  // 10, not 10.0 or "10"
  EXPECT_EQ(by_minutes["minutes"], 10);
  EXPECT_TRUE(by_minutes["covered_population"].is_number_integer());
  EXPECT_EQ(by_minutes["covered_population"], 7123456);
  EXPECT_TRUE(by_minutes["share"].is_number());
  EXPECT_DOUBLE_EQ(by_minutes["share"].get<double>(), 0.7068);
  const auto& by_miles = json["results"][1];
  EXPECT_FALSE(by_miles.contains("minutes"));
  EXPECT_TRUE(by_miles["miles"].is_number_float());
  EXPECT_DOUBLE_EQ(by_miles["miles"].get<double>(), 2.5);

  ASSERT_EQ(json["counties"].size(), 2u);
  const auto& wayne = json["counties"][0];
  std::vector<std::string> county_keys;
  for (const auto& [key, value] : wayne.items()) county_keys.push_back(key);
  EXPECT_THAT(county_keys, ElementsAre("fips", "name", "state", "total_population", "results"));
  EXPECT_EQ(wayne["fips"], "26163");
  EXPECT_EQ(wayne["state"], "MI");
  EXPECT_EQ(wayne["results"][0]["share"], 1);
  EXPECT_EQ(wayne["results"][1]["miles"], 2.5);

  EXPECT_EQ(json["straight_line"]["circuity_factor"], 1.3);
  EXPECT_TRUE(json["straight_line"]["speed_mph"].is_number());
  EXPECT_EQ(json["straight_line"]["speed_mph"], 35);
  EXPECT_FALSE(json.contains("unsnapped_units"));

  // Numbers are never strings on the wire either.
  EXPECT_THAT(json.dump(), AllOf(HasSubstr("\"minutes\":10,"), HasSubstr("\"miles\":2.5,"),
                                 HasSubstr("\"total_population\":10077331")));
}

TEST(OutputTest, DriveJsonHasUnsnappedUnitsInsteadOfStraightLine) {
  carereach::v1::ComputeCoverageResponse r = SampleResponse();
  r.set_mode(carereach::v1::TRAVEL_MODE_DRIVE);
  r.clear_straight_line();
  r.set_unsnapped_units(4);
  nlohmann::ordered_json json = CoverageJson(r);
  EXPECT_EQ(json["mode"], "drive");
  EXPECT_EQ(json["unsnapped_units"], 4);
  EXPECT_FALSE(json.contains("straight_line"));
  EXPECT_TRUE(json.contains("counties"));
}

TEST(OutputTest, JsonTextSurvivesInvalidUtf8) {
  carereach::v1::ComputeCoverageResponse r = SampleResponse();
  r.mutable_counties(0)->set_name(
      "Do\xF1"
      "a Ana County");  // Latin-1, not UTF-8
  std::string text = JsonText(CoverageJson(r));
  EXPECT_THAT(text, HasSubstr("Do\xEF\xBF\xBD"
                              "a Ana County"));
  EXPECT_EQ(text.back(), '\n');
  EXPECT_EQ(nlohmann::json::parse(text)["region"], "michigan");
}

TEST(OutputTest, CoverageCsvLines) {
  EXPECT_EQ(CoverageCsv(SampleResponse()),
            "scope,fips,name,threshold_kind,threshold,total_population,covered_population,share\n"
            "region,,michigan,minutes,10,10077331,7123456,0.706800\n"
            "region,,michigan,miles,2.5,10077331,5000000,0.500000\n"
            "county,26163,Wayne County,minutes,10,1793561,1793561,1.000000\n"
            "county,26163,Wayne County,miles,2.5,1793561,0,0.000000\n"
            "county,26001,\"Alcona, County\",minutes,10,10167,100,0.250000\n"
            "county,26001,\"Alcona, County\",miles,2.5,10167,0,0.000000\n");
}

TEST(OutputTest, CoverageTable) {
  std::string table = CoverageTable(SampleResponse(), "hifld.csv, STATUS=OPEN", false);
  EXPECT_THAT(table,
              AllOf(HasSubstr("michigan"), HasSubstr("straight-line, circuity 1.3, 35 mph"),
                    HasSubstr("2 (hifld.csv, STATUS=OPEN)"), HasSubstr("10,077,331"),
                    HasSubstr("10 min"), HasSubstr("7,123,456"), HasSubstr("70.7%"),
                    HasSubstr("2.5 mi"), HasSubstr("50.0%"), Not(HasSubstr("Wayne County"))));
  std::string with_counties = CoverageTable(SampleResponse(), "", true);
  EXPECT_THAT(with_counties, AllOf(HasSubstr("26163"), HasSubstr("Wayne County"),
                                   HasSubstr("100.0%"), HasSubstr("25.0%")));
}

TEST(OutputTest, Helpers) {
  EXPECT_EQ(WithThousands(0), "0");
  EXPECT_EQ(WithThousands(999), "999");
  EXPECT_EQ(WithThousands(1000), "1,000");
  EXPECT_EQ(WithThousands(10077331), "10,077,331");
  EXPECT_EQ(WithThousands(-1234567), "-1,234,567");
  EXPECT_EQ(ThresholdLabel(Minutes(10, 0, 0)), "10 min");
  EXPECT_EQ(ThresholdLabel(Miles(2.5, 0, 0)), "2.5 mi");
  EXPECT_EQ(CsvField("plain"), "plain");
  EXPECT_EQ(CsvField("a \"b\", c"), "\"a \"\"b\"\", c\"");
}

TEST(OutputTest, UnitsCsv) {
  carereach::v1::PopulationUnitResult unit;
  unit.set_unit_id("26163500100");
  unit.set_county_fips("26163");
  unit.set_population(3021);
  unit.mutable_location()->set_lon(-83.1);
  unit.mutable_location()->set_lat(42.35);
  unit.set_nearest_facility_id("0001336420");
  unit.set_minutes(7.25);
  unit.set_miles(3.5);
  unit.set_snap_meters(12.34);
  unit.set_reached(true);
  EXPECT_EQ(UnitsCsvHeader(false),
            "unit_id,county_fips,population,lon,lat,nearest_facility_id,minutes,miles,reached\n");
  EXPECT_EQ(UnitsCsvLine(unit, false),
            "26163500100,26163,3021,-83.100000,42.350000,0001336420,7.250,3.500,true\n");
  EXPECT_THAT(UnitsCsvHeader(true), HasSubstr(",reached,snap_meters\n"));
  unit.set_reached(false);
  unit.clear_nearest_facility_id();
  EXPECT_EQ(UnitsCsvLine(unit, true),
            "26163500100,26163,3021,-83.100000,42.350000,,,,false,12.3\n");
}

TEST(OutputTest, Regions) {
  carereach::v1::ListRegionsResponse response;
  carereach::v1::Region* region = response.add_regions();
  region->set_name("honolulu");
  region->set_description("Honolulu County, HI");
  region->set_county_count(1);
  region->set_unit_count(244);
  region->set_total_population(1016508);
  region->add_modes(carereach::v1::TRAVEL_MODE_STRAIGHT_LINE);
  region->add_modes(carereach::v1::TRAVEL_MODE_DRIVE);
  EXPECT_EQ(RegionsCsv(response),
            "name,counties,units,population,modes,description\n"
            "honolulu,1,244,1016508,straight-line;drive,\"Honolulu County, HI\"\n");
  EXPECT_THAT(RegionsTable(response), AllOf(HasSubstr("honolulu"), HasSubstr("1,016,508"),
                                            HasSubstr("straight-line,drive")));
  nlohmann::ordered_json json = RegionsJson(response);
  EXPECT_EQ(json["regions"][0]["name"], "honolulu");
  EXPECT_EQ(json["regions"][0]["total_population"], 1016508);
  EXPECT_EQ(json["regions"][0]["modes"][1], "drive");
}

// ---------------------------------------------------------------------------------------------
// Commands against an in-process fake AccessService

class FakeAccessService final : public carereach::v1::AccessService::Service {
 public:
  using Handler = std::function<grpc::Status(const carereach::v1::ComputeCoverageRequest&,
                                             carereach::v1::ComputeCoverageResponse*)>;

  grpc::Status ListRegions(grpc::ServerContext*, const carereach::v1::ListRegionsRequest*,
                           carereach::v1::ListRegionsResponse* response) override {
    if (unavailable_answers_ > 0) {
      --unavailable_answers_;
      return grpc::Status(grpc::StatusCode::UNAVAILABLE, "regions are still loading");
    }
    response->add_regions()->set_name("honolulu");
    return grpc::Status::OK;
  }

  grpc::Status ComputeCoverage(grpc::ServerContext*,
                               const carereach::v1::ComputeCoverageRequest* request,
                               carereach::v1::ComputeCoverageResponse* response) override {
    std::lock_guard<std::mutex> lock(mu_);
    requests_.push_back(*request);
    return handler_(*request, response);
  }

  void set_handler(Handler handler) { handler_ = std::move(handler); }
  void set_unavailable_answers(int n) { unavailable_answers_ = n; }
  std::vector<carereach::v1::ComputeCoverageRequest> requests() {
    std::lock_guard<std::mutex> lock(mu_);
    return requests_;
  }

 private:
  std::mutex mu_;
  Handler handler_;
  std::atomic<int> unavailable_answers_{0};
  std::vector<carereach::v1::ComputeCoverageRequest> requests_;
};

class CommandsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    grpc::ServerBuilder builder;
    int port = 0;
    builder.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(), &port);
    builder.RegisterService(&service_);
    server_ = builder.BuildAndStart();
    ASSERT_NE(server_, nullptr);
    address_ = "127.0.0.1:" + std::to_string(port);
    facilities_ = WriteTempFile("cmd_facilities.csv", kHifldLike);
  }
  void TearDown() override {
    if (server_) server_->Shutdown();
  }

  int Run(std::vector<std::string> args) {
    args.insert(args.end(), {"--server", address_});
    out_.str("");
    err_.str("");
    return RunCli(args, out_, err_);
  }

  FakeAccessService service_;
  std::unique_ptr<grpc::Server> server_;
  std::string address_;
  std::string facilities_;
  std::ostringstream out_, err_;
};

TEST_F(CommandsTest, CoverageSendsTheRequestAndPagesUnitsOut) {
  service_.set_handler([](const carereach::v1::ComputeCoverageRequest& request,
                          carereach::v1::ComputeCoverageResponse* response) {
    *response = SampleResponse();
    const std::string& token = request.unit_detail().page_token();
    carereach::v1::PopulationUnitResult* unit = response->add_units();
    unit->set_unit_id(token.empty() ? "26163000100" : "26163000200");
    unit->set_reached(true);
    if (token.empty()) response->set_next_page_token("page-2");
    return grpc::Status::OK;
  });
  std::string units = ::testing::TempDir() + "cmd_units.csv";
  ASSERT_EQ(Run({"coverage", "--region", "michigan", "--facilities", facilities_, "--where",
                 "STATUS=OPEN", "--minutes", "10", "--miles", "2.5", "--circuity", "1.2",
                 "--format", "json", "--units-out", units}),
            kExitOk)
      << err_.str();

  std::vector<carereach::v1::ComputeCoverageRequest> requests = service_.requests();
  ASSERT_EQ(requests.size(), 2u);
  const carereach::v1::ComputeCoverageRequest& first = requests[0];
  EXPECT_EQ(first.region(), "michigan");
  EXPECT_EQ(first.mode(), carereach::v1::TRAVEL_MODE_STRAIGHT_LINE);
  ASSERT_EQ(first.facilities_size(), 2);
  EXPECT_EQ(first.facilities(1).id(), "0000136502");
  EXPECT_THAT(first.max_minutes(), ElementsAre(10));
  EXPECT_THAT(first.max_miles(), ElementsAre(2.5));
  EXPECT_EQ(first.straight_line().circuity_factor(), 1.2);
  EXPECT_EQ(first.straight_line().speed_mph(), 0);  // server default
  EXPECT_TRUE(first.unit_detail().include());
  EXPECT_EQ(first.unit_detail().page_size(), 10000);
  EXPECT_EQ(first.unit_detail().page_token(), "");
  EXPECT_EQ(requests[1].unit_detail().page_token(), "page-2");

  EXPECT_THAT(err_.str(), HasSubstr("facilities: kept 2 of 3 rows of cmd_facilities.csv "
                                    "(STATUS=OPEN)\n"));
  nlohmann::json json = nlohmann::json::parse(out_.str());
  EXPECT_EQ(json["region"], "michigan");
  EXPECT_EQ(json["counties"].size(), 2u);

  std::string csv = ReadFile(units);
  EXPECT_THAT(csv, StartsWith("unit_id,county_fips,population,lon,lat,nearest_facility_id"));
  EXPECT_THAT(csv, AllOf(HasSubstr("\n26163000100,"), HasSubstr("\n26163000200,")));
}

TEST_F(CommandsTest, ServerErrorNamesTheCsvLine) {
  service_.set_handler(
      [](const carereach::v1::ComputeCoverageRequest&, carereach::v1::ComputeCoverageResponse*) {
        return grpc::Status(grpc::StatusCode::INVALID_ARGUMENT,
                            "facilities[1].location.lat: 123.4 is outside [-90, 90]");
      });
  EXPECT_EQ(Run({"coverage", "--region", "michigan", "--facilities", facilities_, "--where",
                 "STATUS=OPEN", "--minutes", "10"}),
            kExitError);
  EXPECT_THAT(err_.str(),
              HasSubstr("error: INVALID_ARGUMENT: facilities[1].location.lat: 123.4 is outside "
                        "[-90, 90] (cmd_facilities.csv line 4)\n"));
  EXPECT_EQ(out_.str(), "");
}

TEST_F(CommandsTest, DriveModeRequest) {
  service_.set_handler(
      [](const carereach::v1::ComputeCoverageRequest&, carereach::v1::ComputeCoverageResponse*) {
        return grpc::Status(grpc::StatusCode::FAILED_PRECONDITION, "region has no road network");
      });
  EXPECT_EQ(Run({"coverage", "--region", "r", "--facilities", facilities_, "--minutes", "30",
                 "--mode", "drive", "--speed-profile", "us-car"}),
            kExitError);
  ASSERT_EQ(service_.requests().size(), 1u);
  EXPECT_EQ(service_.requests()[0].mode(), carereach::v1::TRAVEL_MODE_DRIVE);
  EXPECT_EQ(service_.requests()[0].drive().speed_profile(), "us-car");
  EXPECT_FALSE(service_.requests()[0].unit_detail().include());
  EXPECT_THAT(err_.str(), HasSubstr("error: FAILED_PRECONDITION: region has no road network\n"));
}

TEST_F(CommandsTest, BadFacilityRowFailsBeforeAnyRequest) {
  std::string bad = WriteTempFile("cmd_bad.csv", "ID,LATITUDE,LONGITUDE\na,x,1\n");
  EXPECT_EQ(Run({"coverage", "--region", "r", "--facilities", bad, "--minutes", "30"}), kExitError);
  EXPECT_THAT(err_.str(), HasSubstr("cmd_bad.csv:2: column LATITUDE: 'x' is not a number"));
  EXPECT_TRUE(service_.requests().empty());
}

TEST_F(CommandsTest, RegionsWaitsWhileTheServerIsLoading) {
  service_.set_unavailable_answers(1);
  EXPECT_EQ(Run({"regions", "--format", "csv"}), kExitError);
  // The server's own UNAVAILABLE message is passed through, not "cannot reach".
  EXPECT_EQ(err_.str(), "error: UNAVAILABLE: regions are still loading\n");

  service_.set_unavailable_answers(2);
  EXPECT_EQ(Run({"regions", "--format", "csv", "--wait-seconds", "10"}), kExitOk) << err_.str();
  EXPECT_THAT(out_.str(), HasSubstr("\nhonolulu,"));
}

TEST(RunCliTest, UnreachableServer) {
  std::ostringstream out, err;
  // Port 1 (tcpmux) is closed on any sane test machine.
  EXPECT_EQ(RunCli({"regions", "--server", "127.0.0.1:1", "--timeout-seconds", "5"}, out, err),
            kExitError);
  const std::string message = err.str();
  EXPECT_THAT(message, StartsWith("error: UNAVAILABLE: cannot reach carereach server at "
                                  "127.0.0.1:1: "));
  EXPECT_EQ(std::count(message.begin(), message.end(), '\n'), 1) << message;
}

TEST(RunCliTest, WaitSecondsWaitsForAServerThatIsStarting) {
  // Find a free port, then start the server on it only after the client has begun waiting.
  FakeAccessService service;
  int port = 0;
  {
    FakeAccessService probe_service;
    grpc::ServerBuilder builder;
    builder.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(), &port);
    builder.RegisterService(&probe_service);
    std::unique_ptr<grpc::Server> probe = builder.BuildAndStart();
    ASSERT_NE(probe, nullptr);
    probe->Shutdown();
  }
  const std::string address = "127.0.0.1:" + std::to_string(port);
  std::ostringstream out, err;
  std::thread client([&] {
    EXPECT_EQ(RunCli({"regions", "--server", address, "--wait-seconds", "20"}, out, err), kExitOk)
        << err.str();
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(700));
  grpc::ServerBuilder builder;
  builder.AddListeningPort(address, grpc::InsecureServerCredentials());
  builder.RegisterService(&service);
  std::unique_ptr<grpc::Server> server = builder.BuildAndStart();
  EXPECT_NE(server, nullptr);  // not ASSERT: the client thread must be joined
  const auto started = std::chrono::steady_clock::now();
  client.join();
  EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(5));
  EXPECT_THAT(out.str(), HasSubstr("honolulu"));
  if (server != nullptr) server->Shutdown();
}

TEST(GrpcCodeNameTest, Names) {
  EXPECT_EQ(GrpcCodeName(grpc::StatusCode::INVALID_ARGUMENT), "INVALID_ARGUMENT");
  EXPECT_EQ(GrpcCodeName(grpc::StatusCode::RESOURCE_EXHAUSTED), "RESOURCE_EXHAUSTED");
  EXPECT_EQ(GrpcCodeName(grpc::StatusCode::DEADLINE_EXCEEDED), "DEADLINE_EXCEEDED");
  EXPECT_THAT(FromGrpcStatus(grpc::Status(grpc::StatusCode::NOT_FOUND, "no region 'mars'")),
              StatusIs(absl::StatusCode::kNotFound, "NOT_FOUND: no region 'mars'"));
}

}  // namespace
}  // namespace carereach::cli
