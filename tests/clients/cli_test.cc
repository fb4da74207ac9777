// The `carereach` client without the real server: argument parsing, facility CSV reading,
// output formats, and the command flow against an in-process fake AccessService.

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <functional>
#include <memory>
#include <mutex>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "carereach/v1/access.grpc.pb.h"
#include "carereach/v1/adequacy.grpc.pb.h"
#include "clients/cli/args.h"
#include "clients/cli/commands.h"
#include "clients/cli/facilities_csv.h"
#include "clients/cli/output.h"
#include "clients/cli/roster_csv.h"
#include "gmock/gmock.h"
#include "grpcpp/grpcpp.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "tests/clients/cli_test_util.h"

namespace carereach::cli {
namespace {

using cli_test_util::FakeServerTest;
using cli_test_util::Miles;
using cli_test_util::Minutes;
using cli_test_util::ReadFile;
using cli_test_util::WriteTempFile;

using ::testing::AllOf;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::StartsWith;

MATCHER_P2(StatusIs, code, message_matcher, "") {
  return arg.code() == code && ::testing::ExplainMatchResult(
                                   message_matcher, std::string(arg.message()), result_listener);
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
  EXPECT_EQ(cov.travel.mode, Mode::kDrive);
  EXPECT_EQ(cov.format, OutputFormat::kJson);
  EXPECT_EQ(cov.units_out, "units.csv");
  EXPECT_TRUE(cov.counties);
}

TEST(ParseArgsTest, DefaultsAndGlobalFlagsBeforeTheCommand) {
  absl::StatusOr<Invocation> inv =
      ParseArgs({"--timeout-seconds", "5", "--wait-seconds=2.5", "regions"}, "env-host:9");
  ASSERT_TRUE(inv.ok()) << inv.status();
  EXPECT_EQ(inv->command, Command::kRegions);
  EXPECT_EQ(inv->global.server, "env-host:9");  // the caller's $CAREREACH_SERVER
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
  EXPECT_EQ(inv->coverage.travel.mode, Mode::kStraightLine);
  EXPECT_EQ(inv->coverage.travel.circuity, 1.2);
  EXPECT_EQ(inv->coverage.travel.speed_mph, 40);
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
  EXPECT_THAT(UsageText(),
              AllOf(HasSubstr("carereach isochrone --region R"), HasSubstr("--buffer-meters"),
                    HasSubstr("--offroad-speed-mph"), HasSubstr("OpenStreetMap contributors"),
                    HasSubstr("carereach matrix --region R"), HasSubstr("--destinations-where"),
                    HasSubstr("--max-minutes")));
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

TEST(ParseArgsTest, CoverageDriveOptions) {
  absl::StatusOr<Invocation> inv = ParseArgs(
      {"coverage", "--region", "r", "--facilities", "f", "--minutes", "30", "--mode", "drive",
       "--max-snap-meters", "500", "--direction", "from-facility", "--offroad-speed-mph=5"});
  ASSERT_TRUE(inv.ok()) << inv.status();
  EXPECT_EQ(inv->coverage.travel.drive.max_snap_meters, 500);
  EXPECT_EQ(inv->coverage.travel.drive.direction, Direction::kFromFacility);
  EXPECT_EQ(inv->coverage.travel.drive.offroad_speed_mph, 5);
  EXPECT_THAT(
      ParseArgs({"coverage", "--region", "r", "--facilities", "f", "--minutes", "30",
                 "--offroad-speed-mph", "5"})
          .status(),
      StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("apply to --mode drive only")));
}

TEST(ParseArgsTest, IsochroneWithEveryFlag) {
  absl::StatusOr<Invocation> inv = ParseArgs({"isochrone",
                                              "--region",
                                              "honolulu",
                                              "--facilities",
                                              "h.csv",
                                              "--where",
                                              "STATUS=OPEN",
                                              "--minutes",
                                              "10,20",
                                              "--minutes=30",
                                              "--out",
                                              "iso.geojson",
                                              "--direction",
                                              "to-facility",
                                              "--buffer-meters",
                                              "200",
                                              "--max-snap-meters=800",
                                              "--offroad-speed-mph",
                                              "4",
                                              "--speed-profile",
                                              "car",
                                              "--id-column",
                                              "site",
                                              "--lat-column",
                                              "y_wgs84"});
  ASSERT_TRUE(inv.ok()) << inv.status();
  EXPECT_EQ(inv->command, Command::kIsochrone);
  const IsochroneOptions& iso = inv->isochrone;
  EXPECT_EQ(iso.region, "honolulu");
  EXPECT_EQ(iso.facilities_path, "h.csv");
  ASSERT_EQ(iso.where.size(), 1u);
  EXPECT_EQ(iso.where[0].column, "STATUS");
  EXPECT_THAT(iso.minutes, ElementsAre(10, 20, 30));
  EXPECT_EQ(iso.out_path, "iso.geojson");
  EXPECT_EQ(iso.drive.direction, Direction::kToFacility);
  EXPECT_EQ(iso.buffer_meters, 200);
  EXPECT_EQ(iso.drive.max_snap_meters, 800);
  EXPECT_EQ(iso.drive.offroad_speed_mph, 4);
  EXPECT_EQ(iso.drive.speed_profile, "car");
  EXPECT_EQ(iso.columns.id, "site");
  EXPECT_EQ(iso.columns.lat, "y_wgs84");
  // Coverage's fields are untouched by the shared flags.
  EXPECT_EQ(inv->coverage.region, "");

  absl::StatusOr<Invocation> minimal =
      ParseArgs({"isochrone", "--region", "r", "--facilities", "f", "--minutes", "15"});
  ASSERT_TRUE(minimal.ok()) << minimal.status();
  EXPECT_EQ(minimal->isochrone.out_path, "");  // stdout
  EXPECT_EQ(minimal->isochrone.drive.direction, Direction::kDefault);
  EXPECT_FALSE(minimal->isochrone.buffer_meters.has_value());
  EXPECT_FALSE(minimal->isochrone.drive.any());
}

TEST(ParseArgsTest, IsochroneUsageErrors) {
  auto error_of = [](std::vector<std::string> args) {
    return std::string(ParseArgs(args).status().message());
  };
  EXPECT_EQ(error_of({"isochrone", "--facilities", "f", "--minutes", "10"}),
            "isochrone: --region is required");
  EXPECT_EQ(error_of({"isochrone", "--region", "r", "--minutes", "10"}),
            "isochrone: --facilities FILE.csv is required");
  EXPECT_EQ(error_of({"isochrone", "--region", "r", "--facilities", "f"}),
            "isochrone: give at least one threshold with --minutes");
  EXPECT_EQ(error_of({"isochrone", "--region", "r", "--facilities", "f", "--minutes", "10,ten"}),
            "--minutes: 'ten' is not a number");
  EXPECT_EQ(error_of({"isochrone", "--region", "r", "--facilities", "f", "--minutes", "10",
                      "--buffer-meters", "wide"}),
            "--buffer-meters: 'wide' is not a number");
  EXPECT_EQ(error_of({"isochrone", "--region", "r", "--facilities", "f", "--minutes", "10",
                      "--offroad-speed-mph", "slow"}),
            "--offroad-speed-mph: 'slow' is not a number");
  EXPECT_EQ(error_of({"isochrone", "--region", "r", "--facilities", "f", "--minutes", "10",
                      "--direction", "outwards"}),
            "--direction: 'outwards' is not one of to-facility, from-facility");
  EXPECT_EQ(error_of({"isochrone", "--region", "r", "--out"}), "--out needs a value");
  EXPECT_EQ(error_of({"isochrone", "--buffer", "100"}), "unknown flag --buffer");
  EXPECT_EQ(error_of({"isochrone", "--format", "json"}),
            "--format does not apply to 'carereach isochrone'");
  EXPECT_EQ(error_of({"isochrone", "--miles", "5"}),
            "--miles does not apply to 'carereach isochrone'");
  EXPECT_EQ(error_of({"coverage", "--out", "x.geojson"}),
            "--out does not apply to 'carereach coverage'");
}

TEST(ParseArgsTest, MatrixWithEveryFlag) {
  absl::StatusOr<Invocation> inv = ParseArgs({"matrix",
                                              "--region",
                                              "michigan",
                                              "--origins",
                                              "o.csv",
                                              "--destinations=d.csv",
                                              "--origins-where",
                                              "STATUS=OPEN",
                                              "--origins-where",
                                              "TYPE=CRITICAL ACCESS",
                                              "--destinations-where",
                                              "STATE = MI",
                                              "--max-minutes",
                                              "90",
                                              "--format",
                                              "csv",
                                              "--direction",
                                              "from-facility",
                                              "--max-snap-meters",
                                              "300",
                                              "--lon-column",
                                              "x_wgs84"});
  ASSERT_TRUE(inv.ok()) << inv.status();
  EXPECT_EQ(inv->command, Command::kMatrix);
  const MatrixOptions& mat = inv->matrix;
  EXPECT_EQ(mat.region, "michigan");
  EXPECT_EQ(mat.origins_path, "o.csv");
  EXPECT_EQ(mat.destinations_path, "d.csv");
  ASSERT_EQ(mat.origins_where.size(), 2u);
  EXPECT_EQ(mat.origins_where[1].value, "CRITICAL ACCESS");
  ASSERT_EQ(mat.destinations_where.size(), 1u);
  EXPECT_EQ(mat.destinations_where[0].column, "STATE");
  EXPECT_EQ(mat.destinations_where[0].value, "MI");
  EXPECT_EQ(mat.max_minutes, 90);
  EXPECT_EQ(mat.format, OutputFormat::kCsv);
  EXPECT_EQ(mat.drive.direction, Direction::kFromFacility);
  EXPECT_EQ(mat.drive.max_snap_meters, 300);
  EXPECT_EQ(mat.columns.lon, "x_wgs84");

  absl::StatusOr<Invocation> minimal =
      ParseArgs({"matrix", "--region", "r", "--origins", "o", "--destinations", "d"});
  ASSERT_TRUE(minimal.ok()) << minimal.status();
  EXPECT_EQ(minimal->matrix.format, OutputFormat::kTable);
  EXPECT_FALSE(minimal->matrix.max_minutes.has_value());
}

TEST(ParseArgsTest, MatrixUsageErrors) {
  auto error_of = [](std::vector<std::string> args) {
    return std::string(ParseArgs(args).status().message());
  };
  EXPECT_EQ(error_of({"matrix", "--origins", "o", "--destinations", "d"}),
            "matrix: --region is required");
  EXPECT_EQ(error_of({"matrix", "--region", "r", "--destinations", "d"}),
            "matrix: --origins FILE.csv is required");
  EXPECT_EQ(error_of({"matrix", "--region", "r", "--origins", "o"}),
            "matrix: --destinations FILE.csv is required");
  EXPECT_EQ(error_of({"matrix", "--region", "r", "--origins", "o", "--destinations", "d",
                      "--max-minutes", "10,20"}),
            "--max-minutes: '10,20' is not a number");
  EXPECT_EQ(error_of({"matrix", "--region", "r", "--origins", "o", "--destinations", "d",
                      "--origins-where", "STATUS"}),
            "--origins-where: 'STATUS' is not COLUMN=VALUE or COLUMN~TEXT");
  EXPECT_EQ(error_of({"matrix", "--region", "r", "--origins", "o", "--destinations", "d",
                      "--format", "geojson"}),
            "--format: 'geojson' is not one of table, csv, json");
  EXPECT_EQ(error_of({"matrix", "--minutes", "10"}),
            "--minutes does not apply to 'carereach matrix'");
  EXPECT_EQ(error_of({"matrix", "--where", "A=B"}), "--where does not apply to 'carereach matrix'");
  EXPECT_EQ(error_of({"matrix", "--facilities", "f"}),
            "--facilities does not apply to 'carereach matrix'");
  EXPECT_EQ(error_of({"matrix", "--origin", "o"}), "unknown flag --origin");
  EXPECT_EQ(error_of({"regions", "--origins", "o"}),
            "--origins does not apply to 'carereach regions'");
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
  // Matrix requests name their lists "origins" and "destinations".
  EXPECT_EQ(
      AddCsvLineToMessage("INVALID_ARGUMENT: destinations[1].id: empty", list, "destinations"),
      "INVALID_ARGUMENT: destinations[1].id: empty (hifld_hospitals.csv line 4)");
  EXPECT_EQ(AddCsvLineToMessage("INVALID_ARGUMENT: destinations[1].id: empty", list, "origins"),
            "INVALID_ARGUMENT: destinations[1].id: empty");
  EXPECT_EQ(AddCsvLineToMessage("x_origins[1]: y", list, "origins"), "x_origins[1]: y");
}

// ---------------------------------------------------------------------------------------------
// Output

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
  EXPECT_EQ(json["unsnapped_population"], 0);
  EXPECT_TRUE(json["unsnapped_facility_ids"].is_array());  // present even when empty
  EXPECT_TRUE(json["unsnapped_facility_ids"].empty());
  EXPECT_FALSE(json.contains("straight_line"));
  EXPECT_FALSE(json.contains("speed_profile"));  // the response has none
  EXPECT_FALSE(json.contains("attribution"));
  EXPECT_TRUE(json.contains("counties"));

  r.set_unsnapped_population(5120);
  r.add_unsnapped_facility_ids("0001535611");
  r.add_unsnapped_facility_ids("0000136502");
  r.set_speed_profile("car");
  r.set_attribution("© OpenStreetMap contributors");
  json = CoverageJson(r);
  EXPECT_EQ(json["unsnapped_population"], 5120);
  EXPECT_THAT(json["unsnapped_facility_ids"].get<std::vector<std::string>>(),
              ElementsAre("0001535611", "0000136502"));
  EXPECT_EQ(json["speed_profile"], "car");
  EXPECT_EQ(json["attribution"], "© OpenStreetMap contributors");
}

TEST(OutputTest, DriveTableShowsUnsnappedAndTheAttribution) {
  carereach::v1::ComputeCoverageResponse r = SampleResponse();
  r.set_mode(carereach::v1::TRAVEL_MODE_DRIVE);
  r.clear_straight_line();
  r.set_speed_profile("car");
  r.set_unsnapped_units(4);
  r.set_unsnapped_population(5120);
  r.add_unsnapped_facility_ids("0001535611");
  std::string table = CoverageTable(r, "", false);
  EXPECT_THAT(table, AllOf(HasSubstr("drive, speed profile car"),
                           HasSubstr("4 tracts, 5,120 residents (counted as not covered)"),
                           HasSubstr("facilities not on the road network (not used): 0001535611"),
                           HasSubstr("\nRoad data © OpenStreetMap contributors\n")));
  // Straight-line tables make no claim about road data.
  EXPECT_THAT(CoverageTable(SampleResponse(), "", false), Not(HasSubstr("OpenStreetMap")));
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

constexpr char kSquare[] =
    R"({"type":"Polygon","coordinates":[[[-157.9,21.3],[-157.8,21.3],[-157.8,21.4],[-157.9,21.3]]]})";
constexpr char kTwoSquares[] =
    R"({"type":"MultiPolygon","coordinates":[[[[-158.0,21.2],[-157.7,21.2],[-157.7,21.5],)"
    R"([-158.0,21.2]]],[[[-157.6,21.2],[-157.5,21.2],[-157.5,21.3],[-157.6,21.2]]]]})";

carereach::v1::ComputeIsochronesResponse SampleIsochrones() {
  carereach::v1::ComputeIsochronesResponse r;
  r.set_region("honolulu");
  carereach::v1::Isochrone* ten = r.add_isochrones();
  ten->set_max_minutes(10);
  ten->set_geojson(kSquare);
  ten->set_area_km2(12.5);
  carereach::v1::Isochrone* twenty = r.add_isochrones();
  twenty->set_max_minutes(20);
  twenty->set_geojson(kTwoSquares);
  twenty->set_area_km2(40.25);
  r.set_speed_profile("car");
  r.set_attribution("© OpenStreetMap contributors");
  return r;
}

// The RFC 7946 shape a map tool reads, with each geometry an object, never a string.
void ExpectIsochroneFeatureCollection(const nlohmann::json& json) {
  EXPECT_EQ(json["type"], "FeatureCollection");
  EXPECT_EQ(json["attribution"], "© OpenStreetMap contributors");
  ASSERT_TRUE(json["features"].is_array());
  ASSERT_EQ(json["features"].size(), 2u);
  const nlohmann::json& ten = json["features"][0];
  EXPECT_EQ(ten["type"], "Feature");
  ASSERT_TRUE(ten["geometry"].is_object());
  EXPECT_EQ(ten["geometry"], nlohmann::json::parse(kSquare));
  EXPECT_EQ(ten["geometry"]["coordinates"][0][0][0], -157.9);  // longitude first
  EXPECT_TRUE(ten["properties"]["max_minutes"].is_number_integer());
  EXPECT_EQ(ten["properties"]["max_minutes"], 10);
  EXPECT_EQ(ten["properties"]["area_km2"], 12.5);
  EXPECT_EQ(ten["properties"]["region"], "honolulu");
  EXPECT_EQ(ten["properties"]["speed_profile"], "car");
  EXPECT_EQ(ten["properties"]["attribution"], "© OpenStreetMap contributors");
  const nlohmann::json& twenty = json["features"][1];
  EXPECT_EQ(twenty["geometry"]["type"], "MultiPolygon");
  EXPECT_EQ(twenty["properties"]["max_minutes"], 20);
  EXPECT_EQ(twenty["properties"]["area_km2"], 40.25);
}

TEST(OutputTest, IsochronesGeoJsonEmbedsGeometryObjects) {
  absl::StatusOr<nlohmann::ordered_json> geojson = IsochronesGeoJson(SampleIsochrones());
  ASSERT_TRUE(geojson.ok()) << geojson.status();
  std::vector<std::string> keys;
  for (const auto& [key, value] : geojson->items()) keys.push_back(key);
  EXPECT_THAT(keys, ElementsAre("type", "attribution", "features"));
  ExpectIsochroneFeatureCollection(nlohmann::json::parse(CompactJsonText(*geojson)));
  // Not double-encoded.
  EXPECT_THAT(CompactJsonText(*geojson), Not(HasSubstr("\\\"type\\\"")));

  // An answer without attribution still credits OpenStreetMap.
  carereach::v1::ComputeIsochronesResponse bare = SampleIsochrones();
  bare.clear_attribution();
  absl::StatusOr<nlohmann::ordered_json> credited = IsochronesGeoJson(bare);
  ASSERT_TRUE(credited.ok());
  EXPECT_EQ((*credited)["attribution"], "© OpenStreetMap contributors");
}

TEST(OutputTest, IsochronesGeoJsonRejectsAGeometryThatIsNotAnObject) {
  for (const char* bad : {"", "{\"type\":", "[1,2]", "{\"coordinates\":[]}"}) {
    carereach::v1::ComputeIsochronesResponse r = SampleIsochrones();
    r.mutable_isochrones(1)->set_geojson(bad);
    EXPECT_THAT(IsochronesGeoJson(r).status(),
                StatusIs(absl::StatusCode::kDataLoss,
                         HasSubstr("isochrones[1].geojson: the server's answer is not a GeoJSON "
                                   "geometry object")))
        << bad;
  }
}

TEST(OutputTest, IsochronesTable) {
  std::string table = IsochronesTable(SampleIsochrones(), "2 (h.csv, STATUS=OPEN)", "iso.geojson");
  EXPECT_THAT(table, AllOf(HasSubstr("region         honolulu\n"),
                           HasSubstr("speed profile  car\n"), HasSubstr("2 (h.csv, STATUS=OPEN)"),
                           HasSubstr("iso.geojson (GeoJSON, 2 features, [lon, lat])"),
                           HasSubstr("threshold  area km2\n"), HasSubstr("10 min        12.50\n"),
                           HasSubstr("20 min        40.25\n"),
                           HasSubstr("\nRoad data © OpenStreetMap contributors\n")));
}

carereach::v1::MatrixRow Row(int index, std::string id, bool snapped, std::vector<double> minutes,
                             std::vector<double> miles) {
  carereach::v1::MatrixRow row;
  row.set_origin_index(index);
  row.set_origin_id(std::move(id));
  row.set_origin_snapped(snapped);
  for (double m : minutes) row.add_minutes(m);
  for (double m : miles) row.add_miles(m);
  return row;
}

TEST(OutputTest, MatrixFormats) {
  const std::vector<std::string> destinations = {"d1", "dest,2", "a-long-destination-id"};
  carereach::v1::MatrixRow row = Row(0, "o1", true, {12.34, -1, 1439.95}, {8.5, -1, 20.125});
  EXPECT_EQ(MatrixCsvHeader(), "origin_id,destination_id,minutes,miles\n");
  EXPECT_EQ(MatrixCsvLines(row, destinations),
            "o1,d1,12.340,8.500\n"
            "o1,\"dest,2\",,\n"
            "o1,a-long-destination-id,1439.950,20.125\n");

  nlohmann::ordered_json json = MatrixRowJson(row);
  EXPECT_EQ(json.dump(), R"({"origin_index":0,"origin_id":"o1","origin_snapped":true,)"
                         R"("minutes":[12.34,null,1439.95],"miles":[8.5,null,20.125]})");

  MatrixTable table({"o1", "origin-2"}, destinations);
  EXPECT_EQ(table.Header(), "origin        d1  dest,2  a-long-destination-id\n");
  EXPECT_EQ(table.Line(row), "o1          12.3       -                 1440.0\n");
  EXPECT_EQ(table.Line(Row(1, "origin-2", false, {-1, -1, -1}, {-1, -1, -1})),
            "origin-2       -       -                      -\n");
}

// ---------------------------------------------------------------------------------------------
// Commands against an in-process fake AccessService

class FakeAccessService final : public carereach::v1::AccessService::Service {
 public:
  using Handler = std::function<grpc::Status(const carereach::v1::ComputeCoverageRequest&,
                                             carereach::v1::ComputeCoverageResponse*)>;
  using IsochronesHandler = std::function<grpc::Status(
      const carereach::v1::ComputeIsochronesRequest&, carereach::v1::ComputeIsochronesResponse*)>;
  using MatrixHandler = std::function<grpc::Status(const carereach::v1::ComputeMatrixRequest&,
                                                   grpc::ServerWriter<carereach::v1::MatrixRow>*)>;

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

  grpc::Status ComputeIsochrones(grpc::ServerContext*,
                                 const carereach::v1::ComputeIsochronesRequest* request,
                                 carereach::v1::ComputeIsochronesResponse* response) override {
    std::lock_guard<std::mutex> lock(mu_);
    isochrone_requests_.push_back(*request);
    return isochrones_handler_(*request, response);
  }

  grpc::Status ComputeMatrix(grpc::ServerContext*,
                             const carereach::v1::ComputeMatrixRequest* request,
                             grpc::ServerWriter<carereach::v1::MatrixRow>* writer) override {
    {
      std::lock_guard<std::mutex> lock(mu_);
      matrix_requests_.push_back(*request);
    }
    // Not under mu_: a handler may wait for the client.
    return matrix_handler_(*request, writer);
  }

  void set_handler(Handler handler) { handler_ = std::move(handler); }
  void set_isochrones_handler(IsochronesHandler handler) {
    isochrones_handler_ = std::move(handler);
  }
  void set_matrix_handler(MatrixHandler handler) { matrix_handler_ = std::move(handler); }
  void set_unavailable_answers(int n) { unavailable_answers_ = n; }
  std::vector<carereach::v1::ComputeCoverageRequest> requests() {
    std::lock_guard<std::mutex> lock(mu_);
    return requests_;
  }
  std::vector<carereach::v1::ComputeIsochronesRequest> isochrone_requests() {
    std::lock_guard<std::mutex> lock(mu_);
    return isochrone_requests_;
  }
  std::vector<carereach::v1::ComputeMatrixRequest> matrix_requests() {
    std::lock_guard<std::mutex> lock(mu_);
    return matrix_requests_;
  }

 private:
  std::mutex mu_;
  Handler handler_;
  IsochronesHandler isochrones_handler_;
  MatrixHandler matrix_handler_;
  std::atomic<int> unavailable_answers_{0};
  std::vector<carereach::v1::ComputeCoverageRequest> requests_;
  std::vector<carereach::v1::ComputeIsochronesRequest> isochrone_requests_;
  std::vector<carereach::v1::ComputeMatrixRequest> matrix_requests_;
};

class CommandsTest : public FakeServerTest<FakeAccessService> {
 protected:
  void SetUp() override {
    FakeServerTest::SetUp();
    facilities_ = WriteTempFile("cmd_facilities.csv", kHifldLike);
  }
  std::string facilities_;
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

TEST_F(CommandsTest, DriveCoverageJsonAndTable) {
  service_.set_handler(
      [](const carereach::v1::ComputeCoverageRequest&, carereach::v1::ComputeCoverageResponse* r) {
        *r = SampleResponse();
        r->set_mode(carereach::v1::TRAVEL_MODE_DRIVE);
        r->clear_straight_line();
        r->set_speed_profile("car");
        r->set_unsnapped_units(2);
        r->set_unsnapped_population(700);
        r->add_unsnapped_facility_ids("0000136502");
        r->set_attribution("© OpenStreetMap contributors");
        return grpc::Status::OK;
      });
  ASSERT_EQ(Run({"coverage", "--region", "r", "--facilities", facilities_, "--minutes", "10",
                 "--mode", "drive", "--offroad-speed-mph", "5", "--format", "json"}),
            kExitOk)
      << err_.str();
  EXPECT_EQ(service_.requests()[0].drive().offroad_speed_mph(), 5);
  nlohmann::json json = nlohmann::json::parse(out_.str());
  EXPECT_EQ(json["mode"], "drive");
  EXPECT_EQ(json["speed_profile"], "car");
  EXPECT_EQ(json["unsnapped_units"], 2);
  EXPECT_EQ(json["unsnapped_population"], 700);
  EXPECT_EQ(json["unsnapped_facility_ids"], nlohmann::json::array({"0000136502"}));
  EXPECT_EQ(json["attribution"], "© OpenStreetMap contributors");

  ASSERT_EQ(Run({"coverage", "--region", "r", "--facilities", facilities_, "--minutes", "10",
                 "--mode", "drive"}),
            kExitOk);
  EXPECT_THAT(out_.str(), HasSubstr("\nRoad data © OpenStreetMap contributors\n"));
}

TEST_F(CommandsTest, IsochroneWritesAFeatureCollectionToOut) {
  service_.set_isochrones_handler([](const carereach::v1::ComputeIsochronesRequest&,
                                     carereach::v1::ComputeIsochronesResponse* response) {
    *response = SampleIsochrones();
    response->add_unsnapped_facility_ids("0000136502");
    return grpc::Status::OK;
  });
  const std::string path = ::testing::TempDir() + "cmd_isochrones.geojson";
  std::remove(path.c_str());
  ASSERT_EQ(Run({"isochrone", "--region", "honolulu", "--facilities", facilities_, "--where",
                 "STATUS=OPEN", "--minutes", "10,20", "--out", path, "--direction", "to-facility",
                 "--buffer-meters", "200", "--max-snap-meters", "800", "--offroad-speed-mph", "4"}),
            kExitOk)
      << err_.str();

  std::vector<carereach::v1::ComputeIsochronesRequest> requests = service_.isochrone_requests();
  ASSERT_EQ(requests.size(), 1u);
  EXPECT_EQ(requests[0].region(), "honolulu");
  ASSERT_EQ(requests[0].facilities_size(), 2);
  EXPECT_EQ(requests[0].facilities(0).id(), "0001336420");
  EXPECT_DOUBLE_EQ(requests[0].facilities(0).location().lon(), -86.49);
  EXPECT_THAT(requests[0].max_minutes(), ElementsAre(10, 20));
  EXPECT_EQ(requests[0].drive().direction(), carereach::v1::TRAVEL_DIRECTION_TO_FACILITY);
  EXPECT_EQ(requests[0].drive().max_snap_meters(), 800);
  EXPECT_EQ(requests[0].drive().offroad_speed_mph(), 4);
  EXPECT_EQ(requests[0].road_buffer_meters(), 200);

  ExpectIsochroneFeatureCollection(nlohmann::json::parse(ReadFile(path)));
  EXPECT_FALSE(std::ifstream(path + ".partial").good());
  EXPECT_THAT(out_.str(),
              AllOf(HasSubstr("region         honolulu"),
                    HasSubstr("facilities     2 (cmd_facilities.csv, STATUS=OPEN)\n"),
                    HasSubstr("10 min        12.50\n"), HasSubstr("20 min        40.25\n"),
                    HasSubstr("Road data © OpenStreetMap contributors\n")));
  EXPECT_THAT(err_.str(),
              AllOf(HasSubstr("facilities: kept 2 of 3 rows of cmd_facilities.csv (STATUS=OPEN)\n"),
                    HasSubstr("isochrone: facilities not on the road network (not part of any "
                              "isochrone): 0000136502\n")));
}

TEST_F(CommandsTest, IsochroneWithoutOutPrintsTheGeoJson) {
  service_.set_isochrones_handler([](const carereach::v1::ComputeIsochronesRequest&,
                                     carereach::v1::ComputeIsochronesResponse* response) {
    *response = SampleIsochrones();
    return grpc::Status::OK;
  });
  ASSERT_EQ(
      Run({"isochrone", "--region", "honolulu", "--facilities", facilities_, "--minutes", "10,20"}),
      kExitOk)
      << err_.str();
  ExpectIsochroneFeatureCollection(nlohmann::json::parse(out_.str()));
  EXPECT_FALSE(service_.isochrone_requests()[0].has_drive());  // server defaults
  EXPECT_EQ(service_.isochrone_requests()[0].road_buffer_meters(), 0);
  EXPECT_THAT(err_.str(), Not(HasSubstr("not on the road network")));
}

TEST_F(CommandsTest, IsochroneErrorsLeaveNoFile) {
  const std::string path = ::testing::TempDir() + "cmd_isochrones_failed.geojson";
  std::remove(path.c_str());
  service_.set_isochrones_handler([](const carereach::v1::ComputeIsochronesRequest&,
                                     carereach::v1::ComputeIsochronesResponse*) {
    return grpc::Status(grpc::StatusCode::INVALID_ARGUMENT,
                        "max_minutes[0]: 300 is outside (0, 240]");
  });
  EXPECT_EQ(Run({"isochrone", "--region", "honolulu", "--facilities", facilities_, "--minutes",
                 "300", "--out", path}),
            kExitError);
  EXPECT_THAT(err_.str(), HasSubstr("error: INVALID_ARGUMENT: max_minutes[0]: 300 is outside "
                                    "(0, 240]\n"));
  EXPECT_EQ(out_.str(), "");

  service_.set_isochrones_handler([](const carereach::v1::ComputeIsochronesRequest&,
                                     carereach::v1::ComputeIsochronesResponse* response) {
    *response = SampleIsochrones();
    response->mutable_isochrones(0)->set_geojson("POLYGON ((0 0, 1 0, 1 1, 0 0))");  // WKT
    return grpc::Status::OK;
  });
  EXPECT_EQ(Run({"isochrone", "--region", "honolulu", "--facilities", facilities_, "--minutes",
                 "10,20", "--out", path}),
            kExitError);
  EXPECT_THAT(err_.str(), HasSubstr("error: isochrones[0].geojson: the server's answer is not a "
                                    "GeoJSON geometry object"));
  EXPECT_FALSE(std::ifstream(path).good());
  EXPECT_FALSE(std::ifstream(path + ".partial").good());
}

// A stream of two origin rows, the unsnapped origin first (rows arrive in completion order).
grpc::Status TwoMatrixRows(const carereach::v1::ComputeMatrixRequest&,
                           grpc::ServerWriter<carereach::v1::MatrixRow>* writer) {
  writer->Write(Row(1, "0000136502", false, {-1, -1, -1}, {-1, -1, -1}));
  writer->Write(Row(0, "0001336420", true, {12.34, -1, 30.5}, {8.5, -1, 20.125}));
  return grpc::Status::OK;
}

class MatrixCommandTest : public CommandsTest {
 protected:
  void SetUp() override {
    CommandsTest::SetUp();
    destinations_ = WriteTempFile("cmd_destinations.csv",
                                  "ID,LATITUDE,LONGITUDE\n"
                                  "d1,21.30,-157.85\n"
                                  "d2,21.40,-157.75\n"
                                  "d3,21.35,-157.80\n");
  }

  int RunMatrix(std::vector<std::string> extra) {
    std::vector<std::string> args = {"matrix",      "--region",       "honolulu",
                                     "--origins",   facilities_,      "--origins-where",
                                     "STATUS=OPEN", "--destinations", destinations_};
    args.insert(args.end(), extra.begin(), extra.end());
    return Run(args);
  }

  std::string destinations_;
};

TEST_F(MatrixCommandTest, CsvHasOneLinePerPairAndEmptyCellsWhenUnreached) {
  service_.set_matrix_handler(TwoMatrixRows);
  ASSERT_EQ(RunMatrix({"--format", "csv", "--max-minutes", "60", "--direction", "from-facility"}),
            kExitOk)
      << err_.str();
  EXPECT_EQ(out_.str(),
            "origin_id,destination_id,minutes,miles\n"
            "0000136502,d1,,\n"
            "0000136502,d2,,\n"
            "0000136502,d3,,\n"
            "0001336420,d1,12.340,8.500\n"
            "0001336420,d2,,\n"
            "0001336420,d3,30.500,20.125\n");
  EXPECT_THAT(err_.str(),
              AllOf(HasSubstr("origins: kept 2 of 3 rows of cmd_facilities.csv (STATUS=OPEN)\n"),
                    HasSubstr("destinations: kept 3 of 3 rows of cmd_destinations.csv\n"),
                    HasSubstr("matrix: origins not on the road network (every pair unreached): "
                              "0000136502\n")));

  std::vector<carereach::v1::ComputeMatrixRequest> requests = service_.matrix_requests();
  ASSERT_EQ(requests.size(), 1u);
  EXPECT_EQ(requests[0].region(), "honolulu");
  ASSERT_EQ(requests[0].origins_size(), 2);
  EXPECT_EQ(requests[0].origins(1).id(), "0000136502");
  ASSERT_EQ(requests[0].destinations_size(), 3);
  EXPECT_EQ(requests[0].destinations(2).id(), "d3");
  EXPECT_DOUBLE_EQ(requests[0].destinations(2).location().lat(), 21.35);
  EXPECT_EQ(requests[0].max_minutes(), 60);
  EXPECT_EQ(requests[0].drive().direction(), carereach::v1::TRAVEL_DIRECTION_FROM_FACILITY);
}

TEST_F(MatrixCommandTest, JsonPutsRowsInOriginOrder) {
  service_.set_matrix_handler(TwoMatrixRows);
  ASSERT_EQ(RunMatrix({"--format", "json"}), kExitOk) << err_.str();
  nlohmann::json json = nlohmann::json::parse(out_.str());
  EXPECT_EQ(json["region"], "honolulu");
  EXPECT_EQ(json["destinations"], nlohmann::json::array({"d1", "d2", "d3"}));
  ASSERT_EQ(json["rows"].size(), 2u);
  const nlohmann::json& first = json["rows"][0];
  EXPECT_EQ(first["origin_index"], 0);
  EXPECT_EQ(first["origin_id"], "0001336420");
  EXPECT_EQ(first["origin_snapped"], true);
  EXPECT_EQ(first["minutes"], nlohmann::json::parse("[12.34, null, 30.5]"));
  EXPECT_EQ(first["miles"], nlohmann::json::parse("[8.5, null, 20.125]"));
  const nlohmann::json& unsnapped = json["rows"][1];
  EXPECT_EQ(unsnapped["origin_id"], "0000136502");
  EXPECT_EQ(unsnapped["origin_snapped"], false);
  EXPECT_EQ(unsnapped["minutes"], nlohmann::json::parse("[null, null, null]"));
  EXPECT_EQ(json["attribution"], "© OpenStreetMap contributors");
  EXPECT_EQ(service_.matrix_requests()[0].max_minutes(), 0);  // server default
  EXPECT_FALSE(service_.matrix_requests()[0].has_drive());
}

TEST_F(MatrixCommandTest, TableShowsMinutesWithOneDecimal) {
  service_.set_matrix_handler(TwoMatrixRows);
  ASSERT_EQ(RunMatrix({}), kExitOk) << err_.str();
  EXPECT_THAT(out_.str(), StartsWith("origin          d1      d2      d3\n"
                                     "0000136502       -       -       -\n"
                                     "0001336420    12.3       -    30.5\n"
                                     "\n"));
  EXPECT_THAT(out_.str(), HasSubstr("\nRoad data © OpenStreetMap contributors\n"));
}

TEST_F(MatrixCommandTest, TableRefusesMoreThanTwentyDestinations) {
  std::string many = "ID,LATITUDE,LONGITUDE\n";
  for (int i = 0; i < 21; ++i) many += "d" + std::to_string(i) + ",21.3,-157.8\n";
  destinations_ = WriteTempFile("cmd_many_destinations.csv", many);
  EXPECT_EQ(RunMatrix({}), kExitError);
  EXPECT_THAT(err_.str(), HasSubstr("error: matrix: 21 destinations are too many for --format "
                                    "table (at most 20 columns); use --format csv"));
  EXPECT_TRUE(service_.matrix_requests().empty());
}

// Rows reach stdout while the server is still computing: the fake holds the second row back
// until the first one has been flushed by the client.
class FlushWatcher : public std::stringbuf {
 public:
  // Waits until a flush has delivered text containing `needle`.
  bool WaitFor(const std::string& needle) {
    std::unique_lock<std::mutex> lock(mu_);
    return cv_.wait_for(lock, std::chrono::seconds(10),
                        [&] { return flushed_.find(needle) != std::string::npos; });
  }

 protected:
  int sync() override {
    std::lock_guard<std::mutex> lock(mu_);
    flushed_ = str();
    cv_.notify_all();
    return 0;
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  std::string flushed_;
};

TEST_F(MatrixCommandTest, CsvRowsAreWrittenAsTheyArrive) {
  FlushWatcher watcher;
  std::atomic<bool> streamed{false};
  service_.set_matrix_handler([&](const carereach::v1::ComputeMatrixRequest&,
                                  grpc::ServerWriter<carereach::v1::MatrixRow>* writer) {
    writer->Write(Row(0, "0001336420", true, {12.34, -1, 30.5}, {8.5, -1, 20.125}));
    streamed = watcher.WaitFor("0001336420,d3,30.500,20.125\n");
    writer->Write(Row(1, "0000136502", false, {-1, -1, -1}, {-1, -1, -1}));
    return grpc::Status::OK;
  });
  std::ostream out(&watcher);
  std::ostringstream err;
  EXPECT_EQ(RunCli({"matrix", "--region", "honolulu", "--origins", facilities_, "--origins-where",
                    "STATUS=OPEN", "--destinations", destinations_, "--format", "csv", "--server",
                    address_},
                   out, err),
            kExitOk)
      << err.str();
  EXPECT_TRUE(streamed);
  EXPECT_THAT(watcher.str(), HasSubstr("0000136502,d3,,\n"));
}

TEST_F(MatrixCommandTest, ErrorAtTheEndOfTheStreamExitsOne) {
  service_.set_matrix_handler([](const carereach::v1::ComputeMatrixRequest&,
                                 grpc::ServerWriter<carereach::v1::MatrixRow>* writer) {
    writer->Write(Row(0, "0001336420", true, {12.34, -1, 30.5}, {8.5, -1, 20.125}));
    return grpc::Status(grpc::StatusCode::INTERNAL, "origins[1]: road search failed");
  });
  EXPECT_EQ(RunMatrix({"--format", "csv"}), kExitError);
  // The rows before the failure were written; the failure is one line on stderr.
  EXPECT_EQ(out_.str(),
            "origin_id,destination_id,minutes,miles\n"
            "0001336420,d1,12.340,8.500\n"
            "0001336420,d2,,\n"
            "0001336420,d3,30.500,20.125\n");
  EXPECT_THAT(err_.str(),
              HasSubstr("\nerror: INTERNAL: origins[1]: road search failed (cmd_facilities.csv "
                        "line 4)\n"));
  const std::string err = err_.str();
  EXPECT_EQ(std::count(err.begin(), err.end(), '\n'), 3) << err;

  // JSON is all or nothing.
  EXPECT_EQ(RunMatrix({"--format", "json"}), kExitError);
  EXPECT_EQ(out_.str(), "");
}

TEST_F(MatrixCommandTest, TooManyCellsIsResourceExhausted) {
  service_.set_matrix_handler([](const carereach::v1::ComputeMatrixRequest&,
                                 grpc::ServerWriter<carereach::v1::MatrixRow>*) {
    return grpc::Status(grpc::StatusCode::RESOURCE_EXHAUSTED,
                        "origins x destinations: 6 cells exceed the limit of 4");
  });
  for (const char* format : {"csv", "table", "json"}) {
    EXPECT_EQ(RunMatrix({"--format", format}), kExitError) << format;
    EXPECT_EQ(out_.str(), "") << format;  // not even a header
    EXPECT_THAT(err_.str(), HasSubstr("\nerror: RESOURCE_EXHAUSTED: origins x destinations: 6 "
                                      "cells exceed the limit of 4\n"));
  }
}

TEST_F(MatrixCommandTest, MalformedOrIncompleteStreamIsAnError) {
  service_.set_matrix_handler([](const carereach::v1::ComputeMatrixRequest&,
                                 grpc::ServerWriter<carereach::v1::MatrixRow>* writer) {
    writer->Write(Row(0, "0001336420", true, {12.34, 30.5}, {8.5, 20.125}));  // 2 of 3
    return grpc::Status::OK;
  });
  EXPECT_EQ(RunMatrix({"--format", "csv"}), kExitError);
  EXPECT_THAT(err_.str(), HasSubstr("error: matrix row 0 has 2 minutes and 2 miles for 3 "
                                    "destinations\n"));

  service_.set_matrix_handler([](const carereach::v1::ComputeMatrixRequest&,
                                 grpc::ServerWriter<carereach::v1::MatrixRow>* writer) {
    writer->Write(Row(0, "0001336420", true, {12.34, -1, 30.5}, {8.5, -1, 20.125}));
    return grpc::Status::OK;
  });
  EXPECT_EQ(RunMatrix({"--format", "csv"}), kExitError);
  EXPECT_THAT(err_.str(), HasSubstr("error: matrix: the stream ended after 1 of 2 origin rows\n"));
}

TEST_F(MatrixCommandTest, DestinationErrorsNameTheirCsvLine) {
  service_.set_matrix_handler([](const carereach::v1::ComputeMatrixRequest&,
                                 grpc::ServerWriter<carereach::v1::MatrixRow>*) {
    return grpc::Status(grpc::StatusCode::INVALID_ARGUMENT,
                        "destinations[2].location.lat: 91 is outside [-90, 90]");
  });
  EXPECT_EQ(RunMatrix({"--format", "csv"}), kExitError);
  EXPECT_THAT(err_.str(), HasSubstr("error: INVALID_ARGUMENT: destinations[2].location.lat: 91 is "
                                    "outside [-90, 90] (cmd_destinations.csv line 4)\n"));

  // A filter that keeps nothing is refused before any request.
  EXPECT_EQ(RunMatrix({"--destinations-where", "ID=none"}), kExitError);
  EXPECT_THAT(err_.str(), HasSubstr("error: no destinations to send: "));
  EXPECT_THAT(err_.str(), HasSubstr("none matched the --destinations-where filters\n"));
  EXPECT_EQ(service_.matrix_requests().size(), 1u);
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

// ---------------------------------------------------------------------------------------------
// adequacy

TEST(ParseArgsTest, AdequacyWithEveryFlag) {
  absl::StatusOr<Invocation> inv = ParseArgs({"adequacy",
                                              "--region",
                                              "michigan",
                                              "--network",
                                              "roster.csv",
                                              "--where",
                                              "STATE=MI",
                                              "--counties",
                                              "26163,26125",
                                              "--specialties=S03,40",
                                              "--standards",
                                              "cms-ma-cy2026",
                                              "--format",
                                              "csv",
                                              "--uncovered-out",
                                              "u.geojson",
                                              "--data-dir",
                                              "/data",
                                              "--circuity",
                                              "1.2",
                                              "--speed-mph",
                                              "40",
                                              "--id-column",
                                              "npi_id",
                                              "--beds-column",
                                              "staffed",
                                              "--telehealth-column",
                                              "tele",
                                              "--specialty-column",
                                              "spec"});
  ASSERT_TRUE(inv.ok()) << inv.status();
  EXPECT_EQ(inv->command, Command::kAdequacy);
  const AdequacyOptions& adq = inv->adequacy;
  EXPECT_EQ(adq.region, "michigan");
  EXPECT_EQ(adq.network_path, "roster.csv");
  ASSERT_EQ(adq.where.size(), 1u);
  EXPECT_THAT(adq.county_fips, ElementsAre("26163", "26125"));
  EXPECT_THAT(adq.specialty_codes, ElementsAre("S03", "040"));  // "40" padded
  EXPECT_EQ(adq.standards, "cms-ma-cy2026");
  EXPECT_EQ(adq.format, OutputFormat::kCsv);
  EXPECT_EQ(adq.uncovered_out, "u.geojson");
  EXPECT_EQ(adq.data_dir, "/data");
  EXPECT_EQ(adq.travel.circuity, 1.2);
  EXPECT_EQ(adq.travel.speed_mph, 40);
  EXPECT_EQ(adq.columns.id, "npi_id");
  EXPECT_EQ(adq.columns.beds, "staffed");
  EXPECT_EQ(adq.columns.telehealth, "tele");
  EXPECT_EQ(adq.columns.specialty, "spec");

  absl::StatusOr<Invocation> drive =
      ParseArgs({"adequacy", "--region", "honolulu", "--network", "h.csv", "--mode", "drive",
                 "--specialty", "40", "--max-snap-meters", "500"});
  ASSERT_TRUE(drive.ok()) << drive.status();
  EXPECT_EQ(drive->adequacy.travel.mode, Mode::kDrive);
  EXPECT_EQ(drive->adequacy.specialty, "040");
  EXPECT_EQ(drive->adequacy.travel.drive.max_snap_meters, 500);
  // --counties stays a switch of coverage.
  absl::StatusOr<Invocation> coverage =
      ParseArgs({"coverage", "--counties", "--region", "r", "--facilities", "f", "--minutes", "5"});
  ASSERT_TRUE(coverage.ok()) << coverage.status();
  EXPECT_TRUE(coverage->coverage.counties);
  EXPECT_THAT(UsageText(), AllOf(HasSubstr("carereach adequacy --region R --network FILE.csv"),
                                 HasSubstr("--uncovered-out"), HasSubstr("--specialty CODE")));
}

TEST(ParseArgsTest, AdequacyUsageErrors) {
  auto error = [](std::vector<std::string> args) { return ParseArgs(args).status(); };
  EXPECT_THAT(error({"adequacy", "--network", "f"}),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("--region is required")));
  EXPECT_THAT(error({"adequacy", "--region", "r"}),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("--network FILE.csv")));
  EXPECT_THAT(error({"adequacy", "--region", "r", "--network", "f", "--specialty", "040",
                     "--specialty-column", "code"}),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("--specialty and --specialty-column exclude each other")));
  EXPECT_THAT(
      error({"adequacy", "--region", "r", "--network", "f", "--circuity", "x"}),
      StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("--circuity: 'x' is not a number")));
  EXPECT_THAT(error({"adequacy", "--region", "r", "--network", "f", "--counties", "2616"}),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("'2616' is not a 5-digit county FIPS code")));
  EXPECT_THAT(error({"adequacy", "--region", "r", "--network", "f", "--mode", "drive",
                     "--speed-mph", "30"}),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("straight-line only")));
  EXPECT_THAT(error({"adequacy", "--region", "r", "--network", "f", "--type-column", "T"}),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("--type-column does not apply to 'carereach adequacy'")));
  EXPECT_THAT(error({"coverage", "--region", "r", "--network", "f", "--minutes", "5"}),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("does not apply")));
}

constexpr char kRosterCsv[] =
    "npi,provider_name,Specialty_Code,lat,lon,telehealth\n"
    "1001,Dr A,40,42.28,-83.74,yes\n"
    "1002,Dr B,S03,42.30,-83.70,N\n"
    "1003,Dr C,007,42.31,-83.71,\n";

TEST(RosterCsvTest, DetectsColumnsPadsCodesAndParsesTelehealth) {
  absl::StatusOr<io::CsvTable> table = io::ParseCsv(kRosterCsv, "roster.csv");
  ASSERT_TRUE(table.ok());
  absl::StatusOr<Roster> roster = RosterFromTable(*table, {}, {}, "");
  ASSERT_TRUE(roster.ok()) << roster.status();
  EXPECT_EQ(roster->columns.id, "npi");
  EXPECT_EQ(roster->columns.specialty, "Specialty_Code");
  EXPECT_EQ(roster->columns.beds, "");
  ASSERT_EQ(roster->providers.size(), 3u);
  EXPECT_EQ(roster->providers[0].specialty_code(), "040");
  EXPECT_EQ(roster->providers[1].specialty_code(), "S03");
  EXPECT_EQ(roster->providers[0].name(), "Dr A");
  EXPECT_TRUE(roster->providers[0].telehealth());
  EXPECT_FALSE(roster->providers[1].telehealth());
  EXPECT_FALSE(roster->providers[2].telehealth());
  EXPECT_EQ(roster->providers[0].location().lon(), -83.74);
  EXPECT_THAT(roster->csv_lines, ElementsAre(2, 3, 4));
}

TEST(RosterCsvTest, SpecialtyFlagWithHifldLikeFileAndUnknownBeds) {
  absl::StatusOr<io::CsvTable> table = io::ParseCsv(
      "\xEF\xBB\xBFX,Y,OBJECTID,ID,NAME,TYPE,STATUS,LATITUDE,LONGITUDE,BEDS\n"
      "-86.49,31.29,1,0001336420,ANDALUSIA,GENERAL ACUTE CARE,OPEN,31.29,-86.49,101\n"
      "-86.97,34.80,2,0001535611,ATHENS,GENERAL ACUTE CARE,OPEN,34.80,-86.97,-999\n"
      "-87.47,31.01,3,0000136502,ATMORE,CRITICAL ACCESS,CLOSED,31.01,-87.47,x\n",
      "hifld.csv");
  ASSERT_TRUE(table.ok());
  // Without --specialty the file has no specialty column.
  EXPECT_THAT(RosterFromTable(*table, {}, {}, "").status(),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       AllOf(HasSubstr("no specialty code column"), HasSubstr("--specialty"))));
  absl::StatusOr<Roster> roster = RosterFromTable(*table, {}, {{"STATUS", "OPEN"}}, "040");
  ASSERT_TRUE(roster.ok()) << roster.status();
  ASSERT_EQ(roster->providers.size(), 2u);
  EXPECT_EQ(roster->providers[0].specialty_code(), "040");
  EXPECT_EQ(roster->providers[0].beds(), 101);
  EXPECT_EQ(roster->providers[1].beds(), 0);  // -999: unknown
  EXPECT_EQ(roster->unknown_beds_rows, 1);
  std::string summary = RosterSummary(*roster, {{"STATUS", "OPEN"}});
  EXPECT_THAT(summary, HasSubstr("roster: kept 2 of 3 rows of hifld.csv (STATUS=OPEN); "
                                 "specialty 040 for every row (--specialty)\n"));
  EXPECT_THAT(summary, HasSubstr("roster: note: 1 of 2 rows have no usable BEDS value"));
  // The row filtered out has unparsable beds; kept, it is an error naming file:line:column.
  EXPECT_THAT(RosterFromTable(*table, {}, {}, "040").status(),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("hifld.csv:4: column BEDS: 'x' is not a number")));
}

TEST(RosterCsvTest, SpecialtyFlagOverridesADetectedColumnAndSaysSo) {
  absl::StatusOr<io::CsvTable> table = io::ParseCsv(kRosterCsv, "roster.csv");
  ASSERT_TRUE(table.ok());
  absl::StatusOr<Roster> roster = RosterFromTable(*table, {}, {}, "S03");
  ASSERT_TRUE(roster.ok());
  EXPECT_EQ(roster->providers[0].specialty_code(), "S03");
  EXPECT_THAT(RosterSummary(*roster, {}), HasSubstr("column Specialty_Code ignored"));
}

TEST(RosterCsvTest, BadRowsNameFileLineAndColumn) {
  auto error = [](const std::string& text) {
    absl::StatusOr<io::CsvTable> table = io::ParseCsv(text, "r.csv");
    return RosterFromTable(*table, {}, {}, "").status();
  };
  EXPECT_THAT(error("id,specialty_code,lat,lon\n1,040,42.2,-83.1\n2,040,north,-83.1\n"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("r.csv:3: column lat: 'north' is not a number")));
  EXPECT_THAT(error("id,specialty_code,lat,lon,telehealth\n1,040,42.2,-83.1,maybe\n"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("r.csv:2: column telehealth: 'maybe' is not one of")));
  EXPECT_THAT(error("id,specialty_code,lat,lon\n1,,42.2,-83.1\n"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("r.csv:2: column specialty_code: empty specialty code")));
}

TEST(RosterCsvTest, TractCentresFromCenPopFile) {
  absl::StatusOr<io::CsvTable> table = io::ParseCsv(
      "\xEF\xBB\xBFSTATEFP,COUNTYFP,TRACTCE,POPULATION,LATITUDE,LONGITUDE\n"
      "26,163,500100,1775,+42.331427,-083.045754\n"
      "6,1,400100,20,+37.8,-122.2\n",
      "cenpop.txt");
  ASSERT_TRUE(table.ok());
  absl::StatusOr<TractCentres> centres = TractCentresFromTable(*table);
  ASSERT_TRUE(centres.ok()) << centres.status();
  ASSERT_EQ(centres->count("26163500100"), 1u);
  EXPECT_DOUBLE_EQ(centres->at("26163500100").lon, -83.045754);
  EXPECT_DOUBLE_EQ(centres->at("26163500100").lat, 42.331427);
  EXPECT_EQ(centres->count("06001400100"), 1u);  // zero-padded
}

carereach::v1::CountySpecialtyResult AdequacyResult(const std::string& fips,
                                                    const std::string& code, bool pass) {
  carereach::v1::CountySpecialtyResult r;
  r.set_county_fips(fips);
  r.set_county_name(fips == "26163" ? "Wayne County" : "Washtenaw County");
  r.set_state("MI");
  r.set_county_designation("Large Metro");
  r.set_specialty_code(code);
  r.set_specialty_name(code == "040" ? "Acute Inpatient Hospitals" : "Primary Care");
  r.set_facility(code == "040");
  r.set_max_minutes(20);
  r.set_max_miles(10);
  r.set_beneficiaries(1000);
  r.set_beneficiaries_with_access(pass ? 950 : 700.5);
  r.set_share_with_access(pass ? 0.95 : 0.7005);
  r.set_required_share(0.9);
  r.set_telehealth_credit(code == "S03" ? 0.1 : 0);
  r.set_time_distance_pass(pass);
  r.set_minimum_number(code == "040" ? 513 : 50);
  r.set_counted(pass ? 600 : 412.4);
  r.set_minimum_number_pass(pass);
  r.set_minimum_number_deficit(pass ? 0 : 100.6);
  r.set_pass(pass);
  r.set_providers_serving(7);
  if (!pass) {
    r.add_uncovered_unit_ids("26163500100");
    r.add_uncovered_unit_ids("26163999999");
  }
  r.set_uncovered_beneficiaries(pass ? 0 : 299.5);
  return r;
}

AdequacyReport SampleAdequacy() {
  AdequacyReport report;
  report.results = {AdequacyResult("26125", "040", true), AdequacyResult("26125", "S03", false),
                    AdequacyResult("26163", "040", true), AdequacyResult("26163", "S03", false)};
  report.summary.set_region("michigan");
  report.summary.set_standards_set("cms-ma-cy2026");
  report.summary.set_mode(carereach::v1::TRAVEL_MODE_STRAIGHT_LINE);
  report.summary.set_results(4);
  report.summary.set_failing_results(2);
  report.summary.set_roster_rows(3);
  report.summary.set_beneficiary_method("Spread over tracts by population.");
  return report;
}

TEST(OutputTest, AdequacyFormatsPutFailingResultsFirst) {
  const AdequacyReport report = SampleAdequacy();
  std::vector<std::string> order;
  for (const auto& r : FailingFirst(report.results)) {
    order.push_back(r.county_fips() + "/" + r.specialty_code());
  }
  EXPECT_THAT(order, ElementsAre("26125/S03", "26163/S03", "26125/040", "26163/040"));

  std::string table = AdequacyTable(report);
  EXPECT_THAT(table, AllOf(StartsWith("Specialty Summary by County\n"),
                           HasSubstr("standards set  cms-ma-cy2026"),
                           HasSubstr("Spread over tracts by population."),
                           HasSubstr("2 of 4 county x specialty results fail\n"),
                           Not(HasSubstr("OpenStreetMap"))));
  size_t fail = table.find("26163  Wayne County      Large Metro  S03");
  size_t pass = table.find("26125  Washtenaw County  Large Metro  040");
  ASSERT_NE(fail, std::string::npos) << table;
  ASSERT_NE(pass, std::string::npos) << table;
  EXPECT_LT(fail, pass);
  EXPECT_THAT(table, HasSubstr("70.0     90     +10  FAIL"));

  std::string csv = AdequacyCsv(report);
  std::vector<std::string> lines = absl::StrSplit(csv, '\n', absl::SkipEmpty());
  ASSERT_EQ(lines.size(), 5u);
  EXPECT_THAT(lines[0], StartsWith("county_fips,county_name,state,county_designation,"));
  EXPECT_EQ(lines[1],
            "26125,Washtenaw County,MI,Large Metro,S03,Primary Care,false,20,10,1000,700.5,"
            "0.700500,0.900000,0.100000,false,50,412.4,false,100.6,false,7,299.5,"
            "26163500100;26163999999");
  EXPECT_THAT(lines[3], StartsWith("26125,Washtenaw County,MI,Large Metro,040,"));

  nlohmann::json json = nlohmann::json::parse(JsonText(AdequacyJson(report)));
  EXPECT_EQ(json["region"], "michigan");
  EXPECT_EQ(json["mode"], "straight-line");
  EXPECT_EQ(json["beneficiary_method"], "Spread over tracts by population.");
  EXPECT_EQ(json["summary"]["failing_results"], 2);
  ASSERT_EQ(json["results"].size(), 4u);
  EXPECT_EQ(json["results"][0]["specialty_code"], "S03");
  EXPECT_EQ(json["results"][0]["pass"], false);
  EXPECT_TRUE(json["results"][0]["share_with_access"].is_number());
  EXPECT_DOUBLE_EQ(json["results"][0]["share_with_access"].get<double>(), 0.7005);
  EXPECT_EQ(json["results"][0]["minimum_number"], 50);
  EXPECT_TRUE(json["results"][0]["counted"].is_number());
  EXPECT_EQ(json["results"][0]["uncovered_unit_ids"].size(), 2u);
  EXPECT_EQ(json["results"][2]["specialty_code"], "040");
  EXPECT_EQ(json["results"][2]["uncovered_unit_ids"].size(), 0u);
}

class FakeAdequacyService final : public carereach::v1::AdequacyService::Service {
 public:
  grpc::Status EvaluateAdequacy(
      grpc::ServerContext*,
      grpc::ServerReaderWriter<carereach::v1::EvaluateAdequacyResponse,
                               carereach::v1::EvaluateAdequacyRequest>* stream) override {
    carereach::v1::EvaluateAdequacyRequest request;
    while (stream->Read(&request)) {
      std::lock_guard<std::mutex> lock(mu_);
      if (request.has_header()) {
        headers_.push_back(request.header());
      } else {
        batch_sizes_.push_back(request.providers().providers_size());
        for (const auto& p : request.providers().providers()) providers_.push_back(p);
      }
    }
    if (!error_.ok()) return error_;
    carereach::v1::EvaluateAdequacyResponse response;
    for (const auto& result : report_.results) {
      *response.mutable_result() = result;
      stream->Write(response);
    }
    *response.mutable_summary() = report_.summary;
    stream->Write(response);
    return grpc::Status::OK;
  }

  void set_report(AdequacyReport report) { report_ = std::move(report); }
  void set_error(grpc::Status error) { error_ = std::move(error); }
  std::vector<carereach::v1::AdequacyRequestHeader> headers() {
    std::lock_guard<std::mutex> lock(mu_);
    return headers_;
  }
  std::vector<int> batch_sizes() {
    std::lock_guard<std::mutex> lock(mu_);
    return batch_sizes_;
  }
  std::vector<carereach::v1::NetworkProvider> providers() {
    std::lock_guard<std::mutex> lock(mu_);
    return providers_;
  }

 private:
  std::mutex mu_;
  AdequacyReport report_ = SampleAdequacy();
  grpc::Status error_ = grpc::Status::OK;
  std::vector<carereach::v1::AdequacyRequestHeader> headers_;
  std::vector<int> batch_sizes_;
  std::vector<carereach::v1::NetworkProvider> providers_;
};

class AdequacyCommandTest : public FakeServerTest<FakeAdequacyService> {
 protected:
  void SetUp() override {
    FakeServerTest::SetUp();
    roster_ = WriteTempFile("adequacy_roster.csv", kRosterCsv);
  }
  std::string roster_;
};

TEST_F(AdequacyCommandTest, StreamsTheRosterInBatchesAfterTheHeader) {
  std::string text = "npi,specialty_code,lat,lon\n";
  for (int i = 0; i < 12000; ++i) absl::StrAppend(&text, i, ",S03,42.2,-83.1\n");
  const std::string path = WriteTempFile("adequacy_big.csv", text);
  ASSERT_EQ(Run({"adequacy", "--region", "michigan", "--network", path, "--counties", "26163,26125",
                 "--specialties", "S03", "--standards", "cms-ma-cy2026", "--mode", "drive",
                 "--speed-profile", "car-us"}),
            kExitOk)
      << err_.str();
  std::vector<carereach::v1::AdequacyRequestHeader> headers = service_.headers();
  ASSERT_EQ(headers.size(), 1u);
  EXPECT_EQ(headers[0].region(), "michigan");
  EXPECT_THAT(headers[0].county_fips(), ElementsAre("26163", "26125"));
  EXPECT_THAT(headers[0].specialty_codes(), ElementsAre("S03"));
  EXPECT_EQ(headers[0].standards_set(), "cms-ma-cy2026");
  EXPECT_EQ(headers[0].mode(), carereach::v1::TRAVEL_MODE_DRIVE);
  EXPECT_EQ(headers[0].drive().speed_profile(), "car-us");
  EXPECT_FALSE(headers[0].include_uncovered_units());
  EXPECT_THAT(service_.batch_sizes(), ElementsAre(5000, 5000, 2000));
  std::vector<carereach::v1::NetworkProvider> providers = service_.providers();
  ASSERT_EQ(providers.size(), 12000u);
  EXPECT_EQ(providers[11999].id(), "11999");
  EXPECT_THAT(err_.str(), HasSubstr("roster: kept 12000 of 12000 rows"));
  // Failing results exit 0: the report is the answer.
  EXPECT_THAT(out_.str(), HasSubstr("2 of 4 county x specialty results fail"));
}

TEST_F(AdequacyCommandTest, CsvAndJsonPutFailingFirst) {
  ASSERT_EQ(Run({"adequacy", "--region", "michigan", "--network", roster_, "--format", "csv"}),
            kExitOk)
      << err_.str();
  std::vector<std::string> lines = absl::StrSplit(out_.str(), '\n', absl::SkipEmpty());
  ASSERT_EQ(lines.size(), 5u);
  EXPECT_THAT(lines[1], HasSubstr(",false,7,299.5,"));
  EXPECT_THAT(lines[4], HasSubstr(",true,7,0,"));

  ASSERT_EQ(Run({"adequacy", "--region", "michigan", "--network", roster_, "--format", "json"}),
            kExitOk);
  nlohmann::json json = nlohmann::json::parse(out_.str());
  EXPECT_EQ(json["results"][0]["pass"], false);
  EXPECT_EQ(json["results"][1]["pass"], false);
  EXPECT_EQ(json["results"][3]["pass"], true);
  EXPECT_TRUE(json["summary"]["roster_rows"].is_number_integer());
}

TEST_F(AdequacyCommandTest, UncoveredOutWritesTractPointsWithLonLat) {
  const std::string data_dir = ::testing::TempDir() + "adequacy_data";
  std::filesystem::create_directories(data_dir + "/census");
  std::ofstream(data_dir + "/census/CenPop2020_Mean_TR.txt", std::ios::binary)
      << "\xEF\xBB\xBFSTATEFP,COUNTYFP,TRACTCE,POPULATION,LATITUDE,LONGITUDE\n"
         "26,163,500100,1775,+42.331427,-083.045754\n"
         "26,163,500200,1000,+42.35,-083.06\n"
         "15,003,000100,20,+21.3,-157.8\n";
  const std::string out = ::testing::TempDir() + "adequacy_uncovered.geojson";
  std::remove(out.c_str());
  ASSERT_EQ(Run({"adequacy", "--region", "michigan", "--network", roster_, "--uncovered-out", out,
                 "--data-dir", data_dir}),
            kExitOk)
      << err_.str();
  ASSERT_EQ(service_.headers().size(), 1u);
  EXPECT_TRUE(service_.headers()[0].include_uncovered_units());
  nlohmann::json json = nlohmann::json::parse(ReadFile(out));
  EXPECT_EQ(json["type"], "FeatureCollection");
  ASSERT_EQ(json["features"].size(), 4u);  // 2 failing results x 2 tracts
  const nlohmann::json& first = json["features"][0];
  EXPECT_EQ(first["geometry"]["type"], "Point");
  EXPECT_DOUBLE_EQ(first["geometry"]["coordinates"][0].get<double>(), -83.045754);
  EXPECT_DOUBLE_EQ(first["geometry"]["coordinates"][1].get<double>(), 42.331427);
  EXPECT_EQ(first["properties"]["county_fips"], "26125");
  EXPECT_EQ(first["properties"]["specialty_code"], "S03");
  EXPECT_EQ(first["properties"]["unit_id"], "26163500100");
  EXPECT_TRUE(json["features"][1]["geometry"].is_null());  // not in the centres file
  EXPECT_THAT(err_.str(), AllOf(HasSubstr("uncovered: wrote 4 tract points to " + out),
                                HasSubstr("2 tracts are not in the tract centres file")));
  EXPECT_FALSE(std::filesystem::exists(out + ".partial"));

  // No centres file: an error before any request, and no output file.
  std::remove(out.c_str());
  EXPECT_EQ(Run({"adequacy", "--region", "michigan", "--network", roster_, "--uncovered-out", out,
                 "--data-dir", data_dir + "/missing"}),
            kExitError);
  EXPECT_THAT(err_.str(), HasSubstr("error: --uncovered-out needs the tract centres"));
  EXPECT_FALSE(std::filesystem::exists(out));
  EXPECT_EQ(service_.headers().size(), 1u);
}

TEST_F(AdequacyCommandTest, ServerErrorNamesTheCsvLineOfTheProvider) {
  service_.set_error(grpc::Status(grpc::StatusCode::INVALID_ARGUMENT,
                                  "providers[1].specialty_code: 'S99' is not a specialty type"));
  EXPECT_EQ(Run({"adequacy", "--region", "michigan", "--network", roster_}), kExitError);
  EXPECT_THAT(err_.str(),
              HasSubstr("error: INVALID_ARGUMENT: providers[1].specialty_code: 'S99' is not a "
                        "specialty type (adequacy_roster.csv line 3)\n"));
  EXPECT_EQ(out_.str(), "");
}

TEST_F(AdequacyCommandTest, BadRowAndUnknownRegionExitOne) {
  const std::string bad = WriteTempFile("adequacy_bad.csv", "id,code,lat,lon\n1,040,x,-83\n");
  EXPECT_EQ(Run({"adequacy", "--region", "michigan", "--network", bad}), kExitError);
  EXPECT_THAT(err_.str(), HasSubstr("error: " + bad + ":2: column lat: 'x' is not a number"));
  EXPECT_TRUE(service_.headers().empty());

  service_.set_error(grpc::Status(grpc::StatusCode::NOT_FOUND, "unknown region 'mars'"));
  EXPECT_EQ(Run({"adequacy", "--region", "mars", "--network", roster_}), kExitError);
  EXPECT_THAT(err_.str(), HasSubstr("error: NOT_FOUND: unknown region 'mars'\n"));
  EXPECT_EQ(Run({"adequacy", "--region", "mars"}), kExitUsage);
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
