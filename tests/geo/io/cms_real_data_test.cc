// The CMS loader on the real CY2026 HSD reference files (DataDir()/cms).
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
#include "geo/io/cms.h"
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

// ===============================================================================================
// The real CY2026 files (DataDir()/cms). Absent data is a failure, not a skip.
// ===============================================================================================

std::string CmsDir() { return DataDir() + "/cms"; }

// The raw rows of a real file, read independently of the loader.
CsvTable RawTable(const char* file) {
  absl::StatusOr<CsvTable> table = ReadCsvFile(CmsDir() + "/" + file);
  EXPECT_TRUE(table.ok()) << table.status();
  return table.ok() ? *std::move(table) : CsvTable();
}

std::set<int64_t> SkippedLines(const LoadReport& report) {
  std::set<int64_t> lines;
  for (const RowIssue& issue : report.skipped) lines.insert(issue.line);
  return lines;
}

class RealStandardsTest : public testing::Test {
 protected:
  static void SetUpTestSuite() {
    reports_ = new std::vector<LoadReport>();
    const auto start = std::chrono::steady_clock::now();
    absl::StatusOr<StandardsSet> set = StandardsSet::Load(CmsDir(), "cms-ma-cy2026", reports_);
    const auto stop = std::chrono::steady_clock::now();
    if (!set.ok()) {
      load_status_ = new absl::Status(set.status());
      return;
    }
    set_ = new StandardsSet(*std::move(set));
    std::cout << "[ info     ] loaded the five CMS files in "
              << std::chrono::duration<double, std::milli>(stop - start).count() << " ms\n";
    for (const LoadReport& report : *reports_) std::cout << report.Summary(2) << "\n";
  }
  static void TearDownTestSuite() {
    delete set_;
    delete reports_;
    delete load_status_;
    set_ = nullptr;
    reports_ = nullptr;
    load_status_ = nullptr;
  }
  void SetUp() override {
    ASSERT_NE(set_, nullptr) << "cannot load " << CmsDir() << ": "
                             << (load_status_ != nullptr ? load_status_->ToString() : "?");
  }

  const StandardsSet& set() const { return *set_; }
  const LoadReport& report(Report r) const { return (*reports_)[r]; }

  static StandardsSet* set_;
  static std::vector<LoadReport>* reports_;
  static absl::Status* load_status_;
};

StandardsSet* RealStandardsTest::set_ = nullptr;
std::vector<LoadReport>* RealStandardsTest::reports_ = nullptr;
absl::Status* RealStandardsTest::load_status_ = nullptr;

TEST_F(RealStandardsTest, LoadsEveryCountyWithAFipsAndReportsEveryOtherRow) {
  const CsvTable raw = RawTable(StandardsSet::kDesignationsFile);
  const int fips_column = raw.Column("fips");
  ASSERT_GE(fips_column, 0);
  int64_t with_fips = 0;
  std::set<int64_t> expected_skipped;
  absl::flat_hash_map<std::string, int64_t> first_line;
  for (const CsvRecord& record : raw.records) {
    const std::string& fips = record.fields[fips_column];
    if (fips.empty()) {
      expected_skipped.insert(record.line);
      continue;
    }
    ++with_fips;
    // A second SSA code for a FIPS (Los Angeles 05200 and 05210) is a duplicate key.
    if (!first_line.emplace(fips, record.line).second) expected_skipped.insert(record.line);
  }

  EXPECT_EQ(raw.records.size(), 3262u);
  EXPECT_EQ(with_fips, 3222);           // 3,262 rows less 40 territory rows
  EXPECT_EQ(first_line.size(), 3221u);  // 06037 Los Angeles appears under two SSA codes
  EXPECT_EQ(set().counties().size(), first_line.size());
  EXPECT_EQ(report(kDesignations).rows, 3262);
  EXPECT_EQ(report(kDesignations).loaded, 3221);
  EXPECT_EQ(SkippedLines(report(kDesignations)), expected_skipped);
  EXPECT_EQ(report(kDesignations).skipped.size(), 41u);
  int empty_fips = 0;
  for (const RowIssue& issue : report(kDesignations).skipped) {
    if (issue.message.find("fips is empty") != std::string::npos) ++empty_fips;
  }
  EXPECT_EQ(empty_fips, 40);
  EXPECT_THAT(report(kDesignations).skipped,
              Contains(Issue(208, "duplicate county FIPS 06037 (first on line 207)")));
  EXPECT_EQ(set().County("06037")->ssa_code, "05200");
  EXPECT_TRUE(
      std::is_sorted(set().counties().begin(), set().counties().end(),
                     [](const CmsCounty& a, const CmsCounty& b) { return a.fips < b.fips; }));
}

TEST_F(RealStandardsTest, CriteriaAndCertificateOfNeedReportEveryRowOfAnUnloadedCounty) {
  // SSA codes whose designations row was loaded: a county-level row of any other SSA code is
  // skipped (territories without FIPS, the second Los Angeles code) and nothing else is.
  absl::flat_hash_set<std::string> loaded_ssa;
  for (const CmsCounty& county : set().counties()) loaded_ssa.insert(county.ssa_code);
  for (Report r : {kCriteria, kCon}) {
    const CsvTable raw = RawTable(r == kCriteria ? StandardsSet::kCriteriaFile
                                                 : StandardsSet::kCertificateOfNeedFile);
    const int ssa_column = raw.Column("ssa_county_code");
    ASSERT_GE(ssa_column, 0);
    std::set<int64_t> expected;
    for (const CsvRecord& record : raw.records) {
      if (!loaded_ssa.contains(record.fields[ssa_column])) expected.insert(record.line);
    }
    EXPECT_EQ(report(r).rows, static_cast<int64_t>(raw.records.size()));
    EXPECT_EQ(SkippedLines(report(r)), expected) << report(r).Summary();
    EXPECT_EQ(report(r).loaded + static_cast<int64_t>(report(r).skipped.size()), report(r).rows);
  }
  EXPECT_EQ(report(kCriteria).rows, 140266);
  EXPECT_EQ(report(kCriteria).skipped.size(), 41u * 43u);  // 40 territories + Los Angeles 05210
  EXPECT_EQ(report(kCon).skipped.size(), 302u);
  EXPECT_THAT(report(kRatios).skipped, IsEmpty());
  EXPECT_THAT(report(kStandards).skipped, IsEmpty());
}

TEST_F(RealStandardsTest, HasFortyThreeSpecialtyTypesInFileOrderThirtyWithARatio) {
  const CsvTable raw = RawTable(StandardsSet::kStandardsFile);
  const int code_column = raw.Column("specialty_code");
  std::vector<std::string> raw_codes;
  for (const CsvRecord& record : raw.records) raw_codes.push_back(record.fields[code_column]);
  std::vector<std::string> codes;
  for (const SpecialtyType& type : set().specialties()) codes.push_back(type.code);

  EXPECT_THAT(set().specialties(), SizeIs(43));
  EXPECT_EQ(codes, raw_codes);
  EXPECT_EQ(codes.front(), "S03");
  EXPECT_EQ(codes[1], "007");
  EXPECT_EQ(codes.back(), "068");
  int with_ratio = 0;
  int facilities = 0;
  for (const SpecialtyType& type : set().specialties()) {
    with_ratio += type.has_ratio;
    facilities += type.facility;
    EXPECT_EQ(type.ratio_in_beds, type.code == "040") << type.code;
  }
  EXPECT_EQ(with_ratio, 30);
  EXPECT_EQ(facilities, 14);
  const SpecialtyType* hospitals = set().Specialty("040");
  ASSERT_NE(hospitals, nullptr);
  EXPECT_TRUE(hospitals->facility);
  for (double ratio : hospitals->ratio_per_1000) EXPECT_DOUBLE_EQ(ratio, 12.2);
  EXPECT_EQ(set().Specialty("016")->name, "Gynecology, OB/GYN");
}

TEST_F(RealStandardsTest, EveryCountyHasCriteriaForEveryType) {
  int64_t missing = 0;
  for (const CmsCounty& county : set().counties()) {
    for (const SpecialtyType& type : set().specialties()) {
      missing += set().Criterion(county.fips, type.code) == nullptr;
    }
  }
  EXPECT_EQ(missing, 0);
  EXPECT_EQ(report(kCriteria).loaded, 3221 * 43);
}

// CMS: minimum number = ratio per 1,000 x (95th-percentile base population ratio x beneficiaries)
// / 1,000, rounded up, and at least 1. The product in parentheses must be taken unrounded: the
// published beneficiaries_required_to_cover is rounded up already, and using it instead
// overstates 26 acute-inpatient (040, 12.2 beds) minimums by one bed where the product crosses
// an integer only because of that rounding (e.g. SSA 01270: 2,786.61 -> 2,787 beneficiaries,
// 12.2 x 2,787 / 1,000 = 34.0014 -> 35, but the file says 34).
TEST_F(RealStandardsTest, MinimumNumberRuleReproducesTheFile) {
  int64_t pairs = 0;
  int64_t mismatches = 0;        // the rule from the unrounded base population
  int64_t rounded_base_off = 0;  // the rule from beneficiaries_required_to_cover
  for (const CmsCounty& county : set().counties()) {
    const int d = static_cast<int>(county.designation);
    const double base_population =
        county.ratio_95th_percentile_base_population * county.total_beneficiaries;
    for (const SpecialtyType& type : set().specialties()) {
      if (!type.has_ratio) continue;
      const CountyCriterion* criterion = set().Criterion(county.fips, type.code);
      ASSERT_NE(criterion, nullptr) << county.fips << " " << type.code;
      ++pairs;
      const double exact = type.ratio_per_1000[d] * base_population / 1000;
      const int64_t expected = std::max<int64_t>(1, std::ceil(exact - 1e-9));
      if (expected != criterion->minimum_number) {
        ++mismatches;
        ADD_FAILURE() << county.fips << " " << type.code << ": " << exact << " -> " << expected
                      << ", file " << criterion->minimum_number;
      }
      const double from_rounded =
          type.ratio_per_1000[d] * county.beneficiaries_required_to_cover / 1000;
      const int64_t rounded_rule = std::max<int64_t>(1, std::ceil(from_rounded - 1e-9));
      if (rounded_rule != criterion->minimum_number) {
        ++rounded_base_off;
        // Only ever one more than the file, only for the bed ratio.
        EXPECT_EQ(type.code, "040") << county.fips;
        EXPECT_EQ(rounded_rule, criterion->minimum_number + 1) << county.fips << " " << type.code;
      }
    }
  }
  EXPECT_EQ(pairs, 3221 * 30);
  EXPECT_EQ(mismatches, 0);
  std::cout << "[ info     ] minimum number: " << pairs << " county x type pairs, " << mismatches
            << " mismatches from the unrounded base population, " << rounded_base_off
            << " from beneficiaries_required_to_cover\n";
}

// beneficiaries_required_to_cover is ceil(ratio x beneficiaries), not round(): 1,626 counties
// differ by one from round(). The ratio is printed to 10 significant digits, so the product is
// known to about 1e-6 (Tuscarawas OH 39157: 0.1058540133 x 22,002 = 2,329.0000006, file 2,329).
TEST_F(RealStandardsTest, BeneficiariesRequiredToCoverIsTheRoundedUpProduct) {
  int64_t ceil_mismatches = 0;
  int64_t round_mismatches = 0;
  for (const CmsCounty& county : set().counties()) {
    const double product =
        county.ratio_95th_percentile_base_population * county.total_beneficiaries;
    const int64_t rounded_up = std::ceil(product - 1e-6);
    if (rounded_up != county.beneficiaries_required_to_cover) {
      ++ceil_mismatches;
      ADD_FAILURE() << county.fips << ": " << product << " vs "
                    << county.beneficiaries_required_to_cover;
    }
    const int64_t rounded = std::llround(product);
    if (rounded != county.beneficiaries_required_to_cover) {
      ++round_mismatches;
      EXPECT_LE(std::abs(rounded - county.beneficiaries_required_to_cover), 1) << county.fips;
    }
  }
  EXPECT_EQ(ceil_mismatches, 0);
  std::cout << "[ info     ] beneficiaries required to cover: " << ceil_mismatches
            << " differ from ceil, " << round_mismatches << " differ by one from round\n";
}

TEST_F(RealStandardsTest, CountyDesignationsAgreeWithTheCriteriaFile) {
  const CsvTable raw = RawTable(StandardsSet::kCriteriaFile);
  const int ssa_column = raw.Column("ssa_county_code");
  const int fips_column = raw.Column("fips");
  const int designation_column = raw.Column("county_designation");
  int64_t compared = 0;
  int64_t differ = 0;
  for (const CsvRecord& record : raw.records) {
    const CmsCounty* county = set().County(record.fields[fips_column]);
    if (county == nullptr || county->ssa_code != record.fields[ssa_column]) continue;
    ++compared;
    absl::StatusOr<CountyDesignation> designation =
        ParseCountyDesignation(record.fields[designation_column]);
    ASSERT_TRUE(designation.ok()) << record.line << ": " << designation.status();
    differ += *designation != county->designation;
  }
  EXPECT_EQ(compared, 3221 * 43);
  EXPECT_EQ(differ, 0);
  for (const RowIssue& issue : report(kDesignations).skipped) {
    EXPECT_THAT(issue.message, Not(HasSubstr("designation differs")));
  }
}

TEST_F(RealStandardsTest, DesignationCounts) {
  int counts[kCountyDesignationCount] = {};
  for (const CmsCounty& county : set().counties()) ++counts[static_cast<int>(county.designation)];
  // SOURCES-demographics.md gives Rural 1,074, Metro 763, Micro 763, CEAC 578, Large Metro 84 over
  // all 3,262 rows; less the 40 territory rows and the second Los Angeles row.
  EXPECT_EQ(counts[kLargeMetro] + counts[kMetro] +
                counts[static_cast<int>(CountyDesignation::kMicro)] + counts[kRural] +
                counts[static_cast<int>(CountyDesignation::kCeac)],
            3221);
  EXPECT_EQ(counts[kLargeMetro], 83);  // 84 rows, Los Angeles twice
}

TEST_F(RealStandardsTest, WayneAndAlconaMichigan) {
  const CmsCounty* wayne = set().County("26163");
  ASSERT_NE(wayne, nullptr);
  EXPECT_EQ(wayne->name, "Wayne");
  EXPECT_EQ(wayne->state, "MI");
  EXPECT_EQ(wayne->designation, CountyDesignation::kLargeMetro);
  EXPECT_EQ(wayne->total_beneficiaries, 348111);
  const CountyCriterion* beds = set().Criterion("26163", "040");
  ASSERT_NE(beds, nullptr);
  EXPECT_EQ(beds->minimum_number, 327);
  EXPECT_DOUBLE_EQ(beds->max_minutes, 20);
  EXPECT_DOUBLE_EQ(beds->max_miles, 10);

  const CmsCounty* alcona = set().County("26001");
  ASSERT_NE(alcona, nullptr);
  EXPECT_EQ(alcona->designation, CountyDesignation::kRural);
  EXPECT_DOUBLE_EQ(RequiredShare(wayne->designation), 0.90);
  EXPECT_DOUBLE_EQ(RequiredShare(alcona->designation), 0.85);
}

TEST_F(RealStandardsTest, CustomizedMeansDifferentFromTheBaseStandard) {
  int64_t customized = 0;
  int64_t with_certificate_of_need = 0;
  int64_t total = 0;
  for (const CmsCounty& county : set().counties()) {
    const int d = static_cast<int>(county.designation);
    for (const SpecialtyType& type : set().specialties()) {
      const CountyCriterion* criterion = set().Criterion(county.fips, type.code);
      ASSERT_NE(criterion, nullptr);
      ++total;
      const bool at_base = criterion->max_minutes == type.base_max_minutes[d] &&
                           criterion->max_miles == type.base_max_miles[d];
      EXPECT_EQ(criterion->customized, !at_base) << county.fips << " " << type.code;
      customized += criterion->customized;
      with_certificate_of_need += criterion->certificate_of_need;
    }
  }
  // Autauga AL (Metro): primary care 25 min / 15 mi against the base 15 / 10.
  EXPECT_TRUE(set().Criterion("01001", "S03")->customized);
  EXPECT_FALSE(set().Criterion("26163", "040")->customized);
  std::cout << "[ info     ] " << customized << " of " << total
            << " county x type criteria are customized; " << with_certificate_of_need
            << " carry a certificate-of-need customization\n";
}

TEST_F(RealStandardsTest, PrimaryCareRosterCodes) {
  for (const char* code : {"001", "002", "003", "004", "005", "006"}) {
    EXPECT_EQ(set().EvaluatedAs(code), "S03") << code;
  }
  EXPECT_EQ(set().EvaluatedAs("040"), "040");
  EXPECT_EQ(set().EvaluatedAs("068"), "068");
  EXPECT_EQ(set().EvaluatedAs("099"), "");
  EXPECT_EQ(set().EvaluatedAs("024"), "");  // not a CMS specialty type
  EXPECT_TRUE(set().IsRosterCode("S03"));
  EXPECT_TRUE(set().IsRosterCode("001"));
  EXPECT_FALSE(set().IsRosterCode("099"));
}

}  // namespace
}  // namespace carereach::io
