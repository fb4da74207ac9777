#include "geo/io/cms.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "geo/io/csv.h"
#include "geo/io/load_report.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/data_dir.h"
#include "tests/geo/io/cms_test_util.h"
#include "tests/status_matchers.h"

namespace carereach::io {
namespace {

using ::carereach::io::cms_test_util::Issue;
using ::carereach::io::cms_test_util::kCon;
using ::carereach::io::cms_test_util::kCriteria;
using ::carereach::io::cms_test_util::kDesignations;
using ::carereach::io::cms_test_util::kLargeMetro;
using ::carereach::io::cms_test_util::kMetro;
using ::carereach::io::cms_test_util::kRatios;
using ::carereach::io::cms_test_util::kRural;
using ::carereach::io::cms_test_util::kStandards;
using ::carereach::io::cms_test_util::Report;
using ::carereach::testing_util::DataDir;
using ::carereach::testing_util::StatusIs;
using ::testing::_;
using ::testing::AllOf;
using ::testing::Contains;
using ::testing::DoubleEq;
using ::testing::ElementsAre;
using ::testing::Field;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;
using ::testing::SizeIs;

std::string ReadText(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

void WriteText(const std::string& path, const std::string& text) {
  std::ofstream(path, std::ios::binary) << text;
}

// ===============================================================================================
// Hand-made fixture (tests/fixtures/cms/): Wayne MI (Large Metro), Alcona MI (Rural), Cullman AL
// (Metro, customized S03 and 041, certificate of need for 041) and St. Croix VI (no FIPS); types
// S03, 007, 016 (quoted name with a comma, no criteria), 040 (beds), 041 (no ratio).
// ===============================================================================================

const std::string& FixtureDir() {
  static const std::string* dir =
      new std::string(std::string(CAREREACH_SOURCE_DIR) + "/tests/fixtures/cms");
  return *dir;
}

// A copy of the fixture directory, private to the running test, for tests that alter a file.
std::string FixtureCopy() {
  const testing::TestInfo* test = testing::UnitTest::GetInstance()->current_test_info();
  const std::string dir =
      absl::StrCat(testing::TempDir(), "/cms_", test->test_suite_name(), ".", test->name());
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  for (const auto& entry : std::filesystem::directory_iterator(FixtureDir())) {
    std::filesystem::copy_file(entry.path(), dir / entry.path().filename());
  }
  return dir;
}

// Appends `row` (no newline) to `file` in `dir`; returns the 1-based line it lands on.
int64_t AppendRow(const std::string& dir, const char* file, const std::string& row) {
  const std::string path = absl::StrCat(dir, "/", file);
  std::string text = ReadText(path);
  text += row + "\n";
  WriteText(path, text);
  return std::count(text.begin(), text.end(), '\n');
}

TEST(CountyDesignationTest, ParsesAndNamesTheFileSpellings) {
  for (CountyDesignation d :
       {CountyDesignation::kLargeMetro, CountyDesignation::kMetro, CountyDesignation::kMicro,
        CountyDesignation::kRural, CountyDesignation::kCeac}) {
    absl::StatusOr<CountyDesignation> parsed = ParseCountyDesignation(CountyDesignationName(d));
    ASSERT_TRUE(parsed.ok()) << parsed.status();
    EXPECT_EQ(*parsed, d);
  }
  EXPECT_EQ(CountyDesignationName(CountyDesignation::kLargeMetro), "Large Metro");
  EXPECT_EQ(CountyDesignationName(CountyDesignation::kCeac), "CEAC");
  EXPECT_EQ(*ParseCountyDesignation(" large metro "), CountyDesignation::kLargeMetro);
  EXPECT_THAT(ParseCountyDesignation("Suburban"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("\"Suburban\" is not a county designation")));
  EXPECT_THAT(ParseCountyDesignation(""), StatusIs(absl::StatusCode::kInvalidArgument, _));
}

TEST(CountyDesignationTest, RequiredShareIs90PercentInMetroAnd85PercentElsewhere) {
  EXPECT_DOUBLE_EQ(RequiredShare(CountyDesignation::kLargeMetro), 0.90);
  EXPECT_DOUBLE_EQ(RequiredShare(CountyDesignation::kMetro), 0.90);
  EXPECT_DOUBLE_EQ(RequiredShare(CountyDesignation::kMicro), 0.85);
  EXPECT_DOUBLE_EQ(RequiredShare(CountyDesignation::kRural), 0.85);
  EXPECT_DOUBLE_EQ(RequiredShare(CountyDesignation::kCeac), 0.85);
}

TEST(StandardsSetFixtureTest, LoadsCountiesByFipsAndSpecialtiesInFileOrder) {
  std::vector<LoadReport> reports;

  absl::StatusOr<StandardsSet> set = StandardsSet::Load(FixtureDir(), "fixture", &reports);

  ASSERT_TRUE(set.ok()) << set.status();
  EXPECT_EQ(set->name(), "fixture");
  ASSERT_THAT(set->counties(), SizeIs(3));
  EXPECT_EQ(set->counties()[0].fips, "01043");  // ordered by FIPS, not by file line
  EXPECT_EQ(set->counties()[1].fips, "26001");
  EXPECT_EQ(set->counties()[2].fips, "26163");
  const CmsCounty* wayne = set->County("26163");
  ASSERT_NE(wayne, nullptr);
  EXPECT_EQ(wayne->ssa_code, "23810");
  EXPECT_EQ(wayne->state, "MI");
  EXPECT_EQ(wayne->name, "Wayne");
  EXPECT_EQ(wayne->designation, CountyDesignation::kLargeMetro);
  EXPECT_EQ(wayne->total_beneficiaries, 348111);
  EXPECT_THAT(wayne->ratio_95th_percentile_base_population, DoubleEq(0.076867250600000006));
  EXPECT_EQ(wayne->beneficiaries_required_to_cover, 26759);
  EXPECT_EQ(set->County("99999"), nullptr);

  std::vector<std::string> codes;
  for (const SpecialtyType& type : set->specialties()) codes.push_back(type.code);
  EXPECT_THAT(codes, ElementsAre("S03", "007", "016", "040", "041"));
  const SpecialtyType* gyn = set->Specialty("016");
  ASSERT_NE(gyn, nullptr);
  EXPECT_EQ(gyn->name, "Gynecology, OB/GYN");
  EXPECT_FALSE(gyn->has_ratio);
  EXPECT_EQ(set->Specialty("16"), nullptr);  // codes are strings, never numbers
  EXPECT_EQ(set->Specialty("7"), nullptr);
  const SpecialtyType* hospitals = set->Specialty("040");
  ASSERT_NE(hospitals, nullptr);
  EXPECT_TRUE(hospitals->facility);
  EXPECT_TRUE(hospitals->has_ratio);
  EXPECT_TRUE(hospitals->ratio_in_beds);
  EXPECT_DOUBLE_EQ(hospitals->ratio_per_1000[kRural], 12.2);
  EXPECT_DOUBLE_EQ(hospitals->base_max_minutes[kLargeMetro], 20);
  EXPECT_DOUBLE_EQ(hospitals->base_max_miles[kLargeMetro], 10);
  const SpecialtyType* primary_care = set->Specialty("S03");
  ASSERT_NE(primary_care, nullptr);
  EXPECT_FALSE(primary_care->facility);
  EXPECT_FALSE(primary_care->ratio_in_beds);
  EXPECT_DOUBLE_EQ(primary_care->ratio_per_1000[kMetro], 1.67);
  EXPECT_DOUBLE_EQ(primary_care->ratio_per_1000[kRural], 1.42);
  EXPECT_FALSE(set->Specialty("041")->has_ratio);
}

TEST(StandardsSetFixtureTest, CriteriaCarryCustomizationAndCertificateOfNeed) {
  absl::StatusOr<StandardsSet> set = StandardsSet::Load(FixtureDir(), "fixture", nullptr);
  ASSERT_TRUE(set.ok()) << set.status();

  const CountyCriterion* wayne_beds = set->Criterion("26163", "040");
  ASSERT_NE(wayne_beds, nullptr);
  EXPECT_DOUBLE_EQ(wayne_beds->max_minutes, 20);
  EXPECT_DOUBLE_EQ(wayne_beds->max_miles, 10);
  EXPECT_EQ(wayne_beds->minimum_number, 327);
  EXPECT_FALSE(wayne_beds->customized);  // the Large Metro base standard
  EXPECT_FALSE(wayne_beds->certificate_of_need);

  // Cullman AL (Metro): primary care 25 min / 15 mi against the Metro base 15 / 10.
  const CountyCriterion* cullman_pcp = set->Criterion("01043", "S03");
  ASSERT_NE(cullman_pcp, nullptr);
  EXPECT_TRUE(cullman_pcp->customized);
  EXPECT_FALSE(cullman_pcp->certificate_of_need);  // no CON row for S03
  const CountyCriterion* cullman_cardiac = set->Criterion("01043", "041");
  ASSERT_NE(cullman_cardiac, nullptr);
  EXPECT_TRUE(cullman_cardiac->customized);
  EXPECT_TRUE(cullman_cardiac->certificate_of_need);
  EXPECT_FALSE(set->Criterion("01043", "040")->certificate_of_need);

  EXPECT_EQ(set->Criterion("26163", "016"), nullptr);  // a type without criteria rows
  EXPECT_EQ(set->Criterion("26163", "099"), nullptr);
  EXPECT_EQ(set->Criterion("99999", "S03"), nullptr);
}

TEST(StandardsSetFixtureTest, TerritoryRowsWithoutFipsAreSkippedAndReported) {
  std::vector<LoadReport> reports;

  absl::StatusOr<StandardsSet> set = StandardsSet::Load(FixtureDir(), "fixture", &reports);

  ASSERT_TRUE(set.ok()) << set.status();
  ASSERT_THAT(reports, SizeIs(5));
  EXPECT_EQ(reports[kDesignations].source, FixtureDir() + "/" + StandardsSet::kDesignationsFile);
  EXPECT_EQ(reports[kDesignations].rows, 4);
  EXPECT_EQ(reports[kDesignations].loaded, 3);
  EXPECT_THAT(reports[kDesignations].skipped,
              ElementsAre(Issue(5, "fips is empty: SSA county 48010 (VI St. Croix) has no FIPS")));
  EXPECT_EQ(reports[kCriteria].loaded, 12);
  EXPECT_THAT(reports[kCriteria].skipped,
              ElementsAre(Issue(14, "fips is empty: SSA county 48010"), Issue(15, "fips is empty"),
                          Issue(16, "fips is empty"), Issue(17, "fips is empty")));
  EXPECT_THAT(reports[kCon].skipped,
              ElementsAre(Issue(8, "fips is empty"), Issue(9, "fips is empty")));
  EXPECT_THAT(reports[kRatios].skipped, IsEmpty());
  EXPECT_EQ(reports[kRatios].loaded, 3);
  EXPECT_THAT(reports[kStandards].skipped, IsEmpty());
  EXPECT_EQ(reports[kStandards].loaded, 5);
}

TEST(StandardsSetFixtureTest, PrimaryCareRosterCodesAreEvaluatedAsS03) {
  absl::StatusOr<StandardsSet> set = StandardsSet::Load(FixtureDir(), "fixture", nullptr);
  ASSERT_TRUE(set.ok()) << set.status();

  for (const char* code : {"001", "002", "003", "004", "005", "006"}) {
    EXPECT_EQ(set->EvaluatedAs(code), "S03") << code;
    EXPECT_TRUE(set->IsRosterCode(code)) << code;
  }
  EXPECT_EQ(set->EvaluatedAs("S03"), "S03");  // a roster already grouped as primary care
  EXPECT_TRUE(set->IsRosterCode("S03"));
  EXPECT_EQ(set->EvaluatedAs("040"), "040");
  EXPECT_EQ(set->EvaluatedAs("007"), "007");
  EXPECT_EQ(set->EvaluatedAs("099"), "");
  EXPECT_FALSE(set->IsRosterCode("099"));
  EXPECT_FALSE(set->IsRosterCode("7"));
  EXPECT_FALSE(set->IsRosterCode("1"));
  EXPECT_FALSE(set->IsRosterCode("007 "));
}

TEST(StandardsSetFixtureTest, BadDesignationTextSkipsTheCounty) {
  const std::string dir = FixtureCopy();
  const int64_t line =
      AppendRow(dir, StandardsSet::kDesignationsFile,
                "23010,26005,nber_ssa_fips_2017,MI,Allegan,Suburban,25000,0.1,2500");
  std::vector<LoadReport> reports;

  absl::StatusOr<StandardsSet> set = StandardsSet::Load(dir, "fixture", &reports);

  ASSERT_TRUE(set.ok()) << set.status();
  EXPECT_EQ(set->County("26005"), nullptr);
  EXPECT_THAT(
      reports[kDesignations].skipped,
      Contains(Issue(line, "county_designation: \"Suburban\" is not a county designation")));
}

TEST(StandardsSetFixtureTest, NonNumericMinutesSkipsTheCriterion) {
  const std::string dir = FixtureCopy();
  const int64_t line =
      AppendRow(dir, StandardsSet::kCriteriaFile, "23000,26001,Rural,016,forty,75,1");
  std::vector<LoadReport> reports;

  absl::StatusOr<StandardsSet> set = StandardsSet::Load(dir, "fixture", &reports);

  ASSERT_TRUE(set.ok()) << set.status();
  EXPECT_EQ(set->Criterion("26001", "016"), nullptr);
  EXPECT_THAT(reports[kCriteria].skipped,
              Contains(Issue(line, "max_time_minutes: \"forty\" is not a number")));
}

// Decimal only: absl::SimpleAtod alone read "0x1E" as 30 minutes (issue #11).
TEST(StandardsSetFixtureTest, HexadecimalMinutesSkipTheCriterion) {
  const std::string dir = FixtureCopy();
  const int64_t line =
      AppendRow(dir, StandardsSet::kCriteriaFile, "23000,26001,Rural,016,0x1E,75,1");
  std::vector<LoadReport> reports;

  absl::StatusOr<StandardsSet> set = StandardsSet::Load(dir, "fixture", &reports);

  ASSERT_TRUE(set.ok()) << set.status();
  EXPECT_EQ(set->Criterion("26001", "016"), nullptr);
  EXPECT_THAT(reports[kCriteria].skipped,
              Contains(Issue(line, "max_time_minutes: \"0x1E\" is not a number (decimal")));
}

TEST(StandardsSetFixtureTest, NegativeValuesAreSkipped) {
  const std::string dir = FixtureCopy();
  const int64_t criterion_line =
      AppendRow(dir, StandardsSet::kCriteriaFile, "23000,26001,Rural,016,90,75,-1");
  const int64_t county_line =
      AppendRow(dir, StandardsSet::kDesignationsFile,
                "23010,26005,nber_ssa_fips_2017,MI,Allegan,Metro,-25000,0.1,2500");
  std::vector<LoadReport> reports;

  absl::StatusOr<StandardsSet> set = StandardsSet::Load(dir, "fixture", &reports);

  ASSERT_TRUE(set.ok()) << set.status();
  EXPECT_THAT(reports[kCriteria].skipped,
              Contains(Issue(criterion_line, "minimum_number: -1 is negative")));
  EXPECT_THAT(reports[kDesignations].skipped,
              Contains(Issue(county_line, "total_beneficiaries: -25000 is negative")));
}

TEST(StandardsSetFixtureTest, UnknownSpecialtyCodeInCriteriaIsSkipped) {
  const std::string dir = FixtureCopy();
  const int64_t line = AppendRow(dir, StandardsSet::kCriteriaFile, "23000,26001,Rural,099,40,30,1");
  const int64_t unpadded_line =
      AppendRow(dir, StandardsSet::kCriteriaFile, "23000,26001,Rural,16,90,75,1");
  std::vector<LoadReport> reports;

  absl::StatusOr<StandardsSet> set = StandardsSet::Load(dir, "fixture", &reports);

  ASSERT_TRUE(set.ok()) << set.status();
  EXPECT_THAT(
      reports[kCriteria].skipped,
      Contains(Issue(line, "specialty_code: \"099\" is not in ma_time_distance_standards")));
  // "16" is not "016": codes are matched exactly as written.
  EXPECT_THAT(reports[kCriteria].skipped, Contains(Issue(unpadded_line, "\"16\" is not in")));
  EXPECT_EQ(set->Criterion("26001", "016"), nullptr);
}

TEST(StandardsSetFixtureTest, DuplicateCriterionIsSkippedAndTheFirstKept) {
  const std::string dir = FixtureCopy();
  const int64_t line = AppendRow(dir, StandardsSet::kCriteriaFile, "23000,26001,Rural,S03,99,99,9");
  std::vector<LoadReport> reports;

  absl::StatusOr<StandardsSet> set = StandardsSet::Load(dir, "fixture", &reports);

  ASSERT_TRUE(set.ok()) << set.status();
  EXPECT_THAT(reports[kCriteria].skipped,
              Contains(Issue(line, "duplicate county x specialty 26001 S03 (first on line 6)")));
  EXPECT_DOUBLE_EQ(set->Criterion("26001", "S03")->max_minutes, 40);
}

// Los Angeles has two SSA codes (05200, 05210) for one FIPS: the second is reported, and so are
// the criteria rows that name it.
TEST(StandardsSetFixtureTest, SecondSsaCodeForOneFipsIsReportedWithItsCriteria) {
  const std::string dir = FixtureCopy();
  const int64_t county_line =
      AppendRow(dir, StandardsSet::kDesignationsFile,
                "23811,26163,nber_ssa_fips_2017,MI,Wayne,Large Metro,1000,0.0768672506,77");
  const int64_t criterion_line =
      AppendRow(dir, StandardsSet::kCriteriaFile, "23811,26163,Large Metro,S03,10,5,1");
  std::vector<LoadReport> reports;

  absl::StatusOr<StandardsSet> set = StandardsSet::Load(dir, "fixture", &reports);

  ASSERT_TRUE(set.ok()) << set.status();
  EXPECT_EQ(set->County("26163")->ssa_code, "23810");
  EXPECT_EQ(set->County("26163")->total_beneficiaries, 348111);
  EXPECT_THAT(reports[kDesignations].skipped,
              Contains(Issue(county_line, "duplicate county FIPS 26163 (first on line 2)")));
  EXPECT_THAT(reports[kCriteria].skipped,
              Contains(Issue(criterion_line,
                             "SSA county 23811 maps to FIPS 26163, which is loaded as SSA county "
                             "23810")));
  EXPECT_EQ(set->Criterion("26163", "S03")->minimum_number, 45);
}

TEST(StandardsSetFixtureTest, DesignationDisagreeingWithCriteriaIsReportedAndKept) {
  const std::string dir = FixtureCopy();
  const std::string path = dir + "/" + StandardsSet::kDesignationsFile;
  std::string text = ReadText(path);
  const size_t at = text.find("Alcona,Rural");
  ASSERT_NE(at, std::string::npos);
  text.replace(at, 12, "Alcona,Micro");
  WriteText(path, text);
  std::vector<LoadReport> reports;

  absl::StatusOr<StandardsSet> set = StandardsSet::Load(dir, "fixture", &reports);

  ASSERT_TRUE(set.ok()) << set.status();
  ASSERT_NE(set->County("26001"), nullptr);
  EXPECT_EQ(set->County("26001")->designation, CountyDesignation::kMicro);
  EXPECT_EQ(reports[kDesignations].loaded, 3);
  // One entry for the county (not one per criteria row), in line order before the territory.
  EXPECT_THAT(reports[kDesignations].skipped,
              ElementsAre(Issue(3,
                                "designation differs: Micro here, Rural in "
                                "ma_hsd_county_criteria_cy2026.csv line 6"),
                          Issue(5, "fips is empty")));
  // Customization is judged against the designation kept: Rural 40/30 is not Micro 30/20.
  EXPECT_TRUE(set->Criterion("26001", "S03")->customized);
}

TEST(StandardsSetFixtureTest, BadRatioAndStandardRowsAreSkipped) {
  const std::string dir = FixtureCopy();
  const int64_t unit_line =
      AppendRow(dir, StandardsSet::kRatiosFile,
                "041,Cardiac Surgery Program,facility,programs_per_county,1,1,1,1,1");
  const int64_t unknown_line = AppendRow(dir, StandardsSet::kRatiosFile,
                                         "099,Nothing,provider,"
                                         "providers_per_1000_beneficiaries,1,1,1,1,1");
  const int64_t kind_line = AppendRow(dir, StandardsSet::kStandardsFile,
                                      "068,Outpatient Behavioral Health,clinic,20,10,40,25,55,40,"
                                      "60,50,110,100");
  std::vector<LoadReport> reports;

  absl::StatusOr<StandardsSet> set = StandardsSet::Load(dir, "fixture", &reports);

  ASSERT_TRUE(set.ok()) << set.status();
  EXPECT_THAT(reports[kRatios].skipped,
              ElementsAre(Issue(unit_line, "unit: \"programs_per_county\" is neither"),
                          Issue(unknown_line, "\"099\" is not in ma_time_distance_standards")));
  EXPECT_FALSE(set->Specialty("041")->has_ratio);
  EXPECT_THAT(reports[kStandards].skipped,
              ElementsAre(Issue(kind_line, "kind: \"clinic\" is neither provider nor facility")));
  EXPECT_EQ(set->Specialty("068"), nullptr);
}

TEST(StandardsSetFixtureTest, MissingFileIsNotFoundNamingIt) {
  const std::string dir = FixtureCopy();
  std::filesystem::remove(dir + "/" + StandardsSet::kCertificateOfNeedFile);

  EXPECT_THAT(StandardsSet::Load(dir, "fixture", nullptr),
              StatusIs(absl::StatusCode::kNotFound,
                       HasSubstr("ma_hsd_certificate_of_need_cy2026.csv: cannot open")));
}

TEST(StandardsSetFixtureTest, MissingColumnIsInvalidArgumentNamingIt) {
  const std::string dir = FixtureCopy();
  const std::string path = dir + "/" + StandardsSet::kCriteriaFile;
  std::string text = ReadText(path);
  const size_t at = text.find(",minimum_number");
  ASSERT_NE(at, std::string::npos);
  text.replace(at, 15, ",min_number");
  WriteText(path, text);

  EXPECT_THAT(StandardsSet::Load(dir, "fixture", nullptr),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("ma_hsd_county_criteria_cy2026.csv: missing column "
                                 "minimum_number")));
}
}  // namespace
}  // namespace carereach::io
