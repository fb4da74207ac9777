#include "geo/io/census.h"

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <ostream>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "geo/io/load_report.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/status_matchers.h"

namespace carereach::io {
namespace {

using ::carereach::testing_util::StatusIs;
using ::testing::AllOf;
using ::testing::DoubleEq;
using ::testing::ElementsAre;
using ::testing::Field;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::SizeIs;

constexpr char kTractHeader[] = "STATEFP,COUNTYFP,TRACTCE,POPULATION,LATITUDE,LONGITUDE\n";
constexpr char kCountyHeader[] =
    "fips,state,county_name,pop2020,n_tracts,aland_m2,aland_sqmi,density_per_sqmi\r\n";

// Writes `contents` to a file in the test temp dir named after the running test; returns the path.
std::string WriteFile(const std::string& contents) {
  const testing::TestInfo* test = testing::UnitTest::GetInstance()->current_test_info();
  std::string name = std::string(test->test_suite_name()) + "." + test->name() + ".csv";
  for (char& c : name) {
    if (c == '/') c = '_';  // parameterized test names
  }
  const std::string path = testing::TempDir() + "/" + name;
  std::ofstream(path, std::ios::binary) << contents;
  return path;
}

auto Issue(int64_t line, const std::string& message_part) {
  return AllOf(Field("line", &RowIssue::line, line),
               Field("message", &RowIssue::message, HasSubstr(message_part)));
}

// --- LoadTractCentres -----------------------------------------------------------------------

TEST(LoadTractCentresTest, ReadsCensusExtractWithByteOrderMarkAndSignedCoordinates) {
  const std::string path = std::string(CAREREACH_SOURCE_DIR) + "/tests/fixtures/tracts_bom.csv";
  LoadReport report;

  absl::StatusOr<std::vector<PopulationUnit>> units = LoadTractCentres(path, &report);

  ASSERT_TRUE(units.ok()) << units.status();
  ASSERT_THAT(*units, SizeIs(5));
  const PopulationUnit& first = units->front();
  EXPECT_EQ(first.id, "01001020100");
  EXPECT_EQ(first.county_fips, "01001");
  EXPECT_EQ(first.population, 1775);
  EXPECT_THAT(first.location.lat, DoubleEq(32.476823));   // from "+32.476823"
  EXPECT_THAT(first.location.lon, DoubleEq(-86.486599));  // from "-086.486599"
  EXPECT_EQ(units->back().id, "01001020501");             // file order
  EXPECT_EQ(report.source, path);
  EXPECT_EQ(report.rows, 5);
  EXPECT_EQ(report.loaded, 5);
  EXPECT_THAT(report.skipped, IsEmpty());
}

TEST(LoadTractCentresTest, ZeroPadsShortCodes) {
  const std::string path =
      WriteFile(std::string(kTractHeader) + "6,37,101110,4100,34.26,-118.29\n");

  absl::StatusOr<std::vector<PopulationUnit>> units = LoadTractCentres(path, nullptr);

  ASSERT_TRUE(units.ok()) << units.status();
  ASSERT_THAT(*units, SizeIs(1));
  EXPECT_EQ((*units)[0].id, "06037101110");
  EXPECT_EQ((*units)[0].county_fips, "06037");
}

TEST(LoadTractCentresTest, FindsColumnsByNameInAnyOrderAndCase) {
  const std::string path = WriteFile(
      "longitude,latitude,population,tractce,countyfp,statefp\n"
      "-83.04,42.33,2500,512300,163,26\n");

  absl::StatusOr<std::vector<PopulationUnit>> units = LoadTractCentres(path, nullptr);

  ASSERT_TRUE(units.ok()) << units.status();
  ASSERT_THAT(*units, SizeIs(1));
  EXPECT_EQ((*units)[0].id, "26163512300");
  EXPECT_EQ((*units)[0].population, 2500);
  EXPECT_THAT((*units)[0].location.lon, DoubleEq(-83.04));
  EXPECT_THAT((*units)[0].location.lat, DoubleEq(42.33));
}

// One malformed row after a good one: it is skipped and reported on line 3.
struct BadTractRow {
  std::string name;
  std::string row;
  std::string message;
};

void PrintTo(const BadTractRow& row, std::ostream* os) { *os << row.name; }

class LoadTractCentresBadRowTest : public testing::TestWithParam<BadTractRow> {};

TEST_P(LoadTractCentresBadRowTest, SkipsRowAndReportsItsLineAndReason) {
  const std::string path =
      WriteFile(std::string(kTractHeader) + "26,163,512200,3000,+42.330000,-083.040000\n" +
                GetParam().row + "\n");
  LoadReport report;

  absl::StatusOr<std::vector<PopulationUnit>> units = LoadTractCentres(path, &report);

  ASSERT_TRUE(units.ok()) << units.status();
  ASSERT_THAT(*units, SizeIs(1));
  EXPECT_EQ((*units)[0].id, "26163512200");
  EXPECT_EQ(report.rows, 2);
  EXPECT_EQ(report.loaded, 1);
  EXPECT_THAT(report.skipped, ElementsAre(Issue(3, GetParam().message)));
}

INSTANTIATE_TEST_SUITE_P(
    Rules, LoadTractCentresBadRowTest,
    testing::Values(BadTractRow{"LatitudeOutOfRange", "26,163,512300,10,123.4,-83.0",
                                "LATITUDE: 123.4 is outside [-90, 90]"},
                    BadTractRow{"LongitudeOutOfRange", "26,163,512300,10,42.0,-183.5",
                                "LONGITUDE: -183.5 is outside [-180, 180]"},
                    BadTractRow{"LatitudeNotANumber", "26,163,512300,10,north,-83.0",
                                "LATITUDE: \"north\" is not a number"},
                    BadTractRow{"LatitudeNaN", "26,163,512300,10,nan,-83.0",
                                "LATITUDE: \"nan\" is not a number (decimal digits only)"},
                    // Decimal only: absl::SimpleAtod alone reads "0x15" as 21 (issue #11).
                    BadTractRow{"LatitudeHex", "26,163,512300,10,0x15,-83.0",
                                "LATITUDE: \"0x15\" is not a number (decimal digits only)"},
                    BadTractRow{"LongitudeHexFloat", "26,163,512300,10,42.0,-0x1p6",
                                "LONGITUDE: \"-0x1p6\" is not a number (decimal digits only)"},
                    BadTractRow{"PopulationHex", "26,163,512300,0x15,42.0,-83.0",
                                "POPULATION: \"0x15\" is not an integer"},
                    BadTractRow{"PopulationNotNumeric", "26,163,512300,many,42.0,-83.0",
                                "POPULATION: \"many\" is not an integer"},
                    BadTractRow{"PopulationFractional", "26,163,512300,12.5,42.0,-83.0",
                                "POPULATION: \"12.5\" is not an integer"},
                    BadTractRow{"PopulationNegative", "26,163,512300,-7,42.0,-83.0",
                                "POPULATION: -7 is negative"},
                    BadTractRow{"MissingField", "26,163,512300,10,42.0", "missing field LONGITUDE"},
                    BadTractRow{"ExtraField", "26,163,512300,10,42.0,-83.0,x",
                                "row has 7 fields, header has 6"},
                    BadTractRow{"EmptyState", ",163,512300,10,42.0,-83.0", "STATEFP is empty"},
                    BadTractRow{"NonDigitCounty", "26,16A,512300,10,42.0,-83.0",
                                "COUNTYFP: \"16A\" is not a code of at most 3 digits"},
                    BadTractRow{"TooLongTract", "26,163,5123001,10,42.0,-83.0",
                                "TRACTCE: \"5123001\" is not a code of at most 6 digits"},
                    BadTractRow{"DuplicateGeoid", "26,163,512200,10,42.0,-83.0",
                                "duplicate tract GEOID 26163512200 (first on line 2)"}),
    [](const testing::TestParamInfo<BadTractRow>& info) { return info.param.name; });

TEST(LoadTractCentresTest, ReportsEverySkippedRowWithItsFileLine) {
  // Line numbers count physical lines: the blank line 4 and the CRLF ends change nothing.
  const std::string path = WriteFile(std::string(kTractHeader) +          // 1
                                     "26,163,512200,3000,42.33,-83.04\n"  // 2
                                     "26,163,512300,3100,95.0,-83.04\n"   // 3 bad latitude
                                     "\n"                                 // 4 blank
                                     "26,163,512400,abc,42.3,-83.1\r\n"   // 5 bad population
                                     "26,163,512500,-1,42.3,-83.1\r\n"    // 6 negative
                                     "26,163,512600,40,42.3\n"            // 7 missing field
                                     "26,163,512200,50,42.3,-83.1\n"      // 8 duplicate of 2
                                     "26,163,512700,60,42.3,-83.1\n");    // 9
  LoadReport report;

  absl::StatusOr<std::vector<PopulationUnit>> units = LoadTractCentres(path, &report);

  ASSERT_TRUE(units.ok()) << units.status();
  EXPECT_THAT(*units, ElementsAre(Field(&PopulationUnit::id, "26163512200"),
                                  Field(&PopulationUnit::id, "26163512700")));
  EXPECT_THAT(
      report.skipped,
      ElementsAre(Issue(3, "LATITUDE: 95 is outside [-90, 90]"),
                  Issue(5, "POPULATION: \"abc\" is not an integer"),
                  Issue(6, "POPULATION: -1 is negative"), Issue(7, "missing field LONGITUDE"),
                  Issue(8, "duplicate tract GEOID 26163512200 (first on line 2)")));
  EXPECT_EQ(report.rows, 7);
  EXPECT_EQ(report.loaded, 2);
  EXPECT_EQ(report.rows, report.loaded + static_cast<int64_t>(report.skipped.size()));
}

TEST(LoadTractCentresTest, MissingColumnIsInvalidArgumentNamingIt) {
  const std::string path =
      WriteFile("STATEFP,COUNTYFP,TRACTCE,POPULATION,LONGITUDE\n26,163,512200,3000,-83.04\n");

  EXPECT_THAT(LoadTractCentres(path, nullptr),
              StatusIs(absl::StatusCode::kInvalidArgument, path + ": missing column LATITUDE"));
}

TEST(LoadTractCentresTest, MissingFileIsNotFound) {
  const std::string path = testing::TempDir() + "/census_test_no_such_file.txt";
  LoadReport report;

  EXPECT_THAT(LoadTractCentres(path, &report),
              StatusIs(absl::StatusCode::kNotFound, HasSubstr(path + ": cannot open")));
  EXPECT_EQ(report.source, path);
  EXPECT_EQ(report.rows, 0);
}

TEST(LoadTractCentresTest, UnterminatedQuoteIsInvalidArgumentWithLine) {
  const std::string path = WriteFile(std::string(kTractHeader) + "26,163,\"512200,3000,1,2\n");

  EXPECT_THAT(LoadTractCentres(path, nullptr),
              StatusIs(absl::StatusCode::kInvalidArgument, path + ":2: unterminated quoted field"));
}

// --- LoadCountyTable ------------------------------------------------------------------------

TEST(LoadCountyTableTest, ReadsCountiesFromCrLfFile) {
  const std::string path =
      WriteFile(std::string(kCountyHeader) +
                "26163,MI,Wayne County,1793561,610,1585543925,612.183,2929.78\r\n"
                "1001,al,Autauga County,58805,17,1539634184,594.456,98.92\r\n");
  LoadReport report;

  absl::StatusOr<std::vector<CountyRecord>> counties = LoadCountyTable(path, &report);

  ASSERT_TRUE(counties.ok()) << counties.status();
  ASSERT_THAT(*counties, SizeIs(2));
  const CountyRecord& wayne = (*counties)[0];
  EXPECT_EQ(wayne.fips, "26163");
  EXPECT_EQ(wayne.state, "MI");
  EXPECT_EQ(wayne.name, "Wayne County");
  EXPECT_EQ(wayne.population_2020, 1793561);
  EXPECT_THAT(wayne.land_area_sqmi, DoubleEq(612.183));
  EXPECT_EQ((*counties)[1].fips, "01001");  // zero-padded
  EXPECT_EQ((*counties)[1].state, "AL");    // upper-cased
  EXPECT_EQ(report.rows, 2);
  EXPECT_EQ(report.loaded, 2);
  EXPECT_THAT(report.skipped, IsEmpty());
}

TEST(LoadCountyTableTest, SkipsMalformedRowsAndReportsThem) {
  const std::string path = WriteFile(std::string(kCountyHeader) +
                                     "26163,MI,Wayne County,1793561,610,1,612.183,1\r\n"    // 2
                                     "2616X,MI,Bad County,1,1,1,1.0,1\r\n"                  // 3
                                     "26161,MI,Washtenaw County,lots,1,1,705.9,1\r\n"       // 4
                                     "26125,MI,Oakland County,1274395,1,1,-867.7,1\r\n"     // 5
                                     "26163,MI,Wayne Again,1,1,1,1.0,1\r\n"                 // 6
                                     "26099,Michigan,Macomb County,881217,1,1,479.2,1\r\n"  // 7
                                     "26001,MI,,1,1,1,1.0,1\r\n");                          // 8
  LoadReport report;

  absl::StatusOr<std::vector<CountyRecord>> counties = LoadCountyTable(path, &report);

  ASSERT_TRUE(counties.ok()) << counties.status();
  EXPECT_THAT(*counties, ElementsAre(Field(&CountyRecord::fips, "26163")));
  EXPECT_THAT(report.skipped,
              ElementsAre(Issue(3, "fips: \"2616X\" is not a code of at most 5 digits"),
                          Issue(4, "pop2020: \"lots\" is not an integer"),
                          Issue(5, "aland_sqmi: -867.7 is not a finite non-negative area"),
                          Issue(6, "duplicate county FIPS 26163 (first on line 2)"),
                          Issue(7, "state: \"Michigan\" is not a two-letter USPS code"),
                          Issue(8, "county_name is empty")));
  EXPECT_EQ(report.rows, 7);
  EXPECT_EQ(report.loaded, 1);
}

TEST(LoadCountyTableTest, MissingColumnIsInvalidArgumentNamingIt) {
  const std::string path = WriteFile("fips,state,county_name,aland_sqmi\n26163,MI,Wayne,612.2\n");

  EXPECT_THAT(LoadCountyTable(path, nullptr),
              StatusIs(absl::StatusCode::kInvalidArgument, path + ": missing column pop2020"));
}

// --- LoadReport -----------------------------------------------------------------------------

TEST(LoadReportTest, SummaryListsFirstIssuesThenCountsTheRest) {
  LoadReport report{.source = "t.csv",
                    .rows = 10,
                    .loaded = 7,
                    .skipped = {{3, "bad a"}, {5, "bad b"}, {9, "bad c"}}};

  EXPECT_EQ(report.Summary(2),
            "t.csv: 10 rows, 7 loaded, 3 skipped\n"
            "  t.csv:3: bad a\n"
            "  t.csv:5: bad b\n"
            "  ... and 1 more");
  EXPECT_EQ(report.Summary(),
            "t.csv: 10 rows, 7 loaded, 3 skipped\n"
            "  t.csv:3: bad a\n"
            "  t.csv:5: bad b\n"
            "  t.csv:9: bad c");
  EXPECT_EQ(report.Summary(0), "t.csv: 10 rows, 7 loaded, 3 skipped\n  ... and 3 more");
}

TEST(LoadReportTest, SummaryOfCleanLoadIsOneLine) {
  LoadReport report{.source = "census/x.txt", .rows = 85395, .loaded = 85395, .skipped = {}};

  EXPECT_EQ(report.Summary(), "census/x.txt: 85395 rows, 85395 loaded, 0 skipped");
}

// --- The real national files ----------------------------------------------------------------

std::string DataDir() {
  if (const char* dir = std::getenv("CAREREACH_DATA"); dir != nullptr && *dir != '\0') return dir;
  return std::string(CAREREACH_SOURCE_DIR) + "/../shared/data";
}

TEST(NationalCensusFilesTest, LoadCompletelyWithKnownTotals) {
  const std::string dir = DataDir();
  ASSERT_TRUE(std::filesystem::is_directory(dir))
      << "data directory " << dir << " does not exist; set CAREREACH_DATA to the shared data dir";

  LoadReport tract_report;
  absl::StatusOr<std::vector<PopulationUnit>> units =
      LoadTractCentres(dir + "/census/CenPop2020_Mean_TR.txt", &tract_report);
  ASSERT_TRUE(units.ok()) << units.status();
  EXPECT_THAT(tract_report.skipped, IsEmpty()) << tract_report.Summary();
  EXPECT_EQ(tract_report.rows, 85395);
  EXPECT_EQ(units->size(), 85395u);
  int64_t national = 0;
  int64_t michigan = 0;
  for (const PopulationUnit& unit : *units) {
    national += unit.population;
    if (unit.county_fips.starts_with("26")) michigan += unit.population;
  }
  EXPECT_EQ(national, 334'735'155);
  EXPECT_EQ(michigan, 10'077'331);

  LoadReport county_report;
  absl::StatusOr<std::vector<CountyRecord>> counties =
      LoadCountyTable(dir + "/census/county_pop2020_landarea_derived.csv", &county_report);
  ASSERT_TRUE(counties.ok()) << counties.status();
  EXPECT_THAT(county_report.skipped, IsEmpty()) << county_report.Summary();
  EXPECT_EQ(counties->size(), 3221u);
}

}  // namespace
}  // namespace carereach::io
