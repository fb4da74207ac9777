#include "geo/access/servicing_report.h"

#include <map>
#include <string>
#include <vector>

#include "geo/core/geodesic.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/geo/access/cms_fixture.h"
#include "tests/geo/roads/ascii_map.h"
#include "tests/status_matchers.h"

namespace carereach::access {
namespace {

using testing::HasSubstr;
using testing_util::StatusIs;

// The Servicing Provider Report (Quest Analytics' name): per provider of a network, the counties
// and beneficiaries it serves within both the time and the distance standard (42 CFR
// 422.116(a)(2)(i)) and whether it counts toward the county's minimum number; providers that do
// not count (42 CFR 422.116(a)(3)(i)) are listed as not counted.
//
// The small grid of tests/geo/access/cms_fixture.h, on the equator (1 degree = 69.17 miles):
//   01001 West, Metro, 1,000 beneficiaries: A lon 0.1 (1,000 people), B lon 0.5 (2,000);
//   01003 East, Rural, 2,000 beneficiaries: C lon 1.0 (800), D lon 1.6 (200).
//   lon: 0.1 A      0.5 B   0.79/0.8 "two"   1.0 C       1.6 D       5.0 "none"
// Dermatology (011): 45 min / 30 mi in West, 75 / 60 in East, minimum 1 in each. 1 mile = 1
// minute, so the reach is 30 miles in West and 60 in East. "two" at lon 0.8 reaches B (20.8
// mi) but not A (48.4) in West, and C (13.8) and D (55.3) in East: it serves two counties.
class ServicingReportTest : public CmsFixtureTest {
 protected:
  void Run(std::vector<NetworkProvider> roster) {
    roster_ = std::move(roster);
    AdequacyRequest request;
    request.roster = roster_;
    request.specialty_codes = {"011"};
    request.travel.straight_line = {.circuity_factor = 1.0, .speed_mph = 60};
    results_.clear();
    auto summary = EvaluateAdequacy(region_, nullptr, *standards_, telehealth_, request,
                                    [&](const CountySpecialtyResult& r) {
                                      results_.push_back(r);
                                      return true;
                                    });
    ASSERT_TRUE(summary.ok()) << summary.status();
    summary_ = *summary;
    auto entries = ServicingProviders(region_, nullptr, *standards_, roster_, results_,
                                      request.travel, geo::Deadline());
    ASSERT_TRUE(entries.ok()) << entries.status();
    entries_ = *entries;
  }

  std::vector<NetworkProvider> roster_;
  std::vector<CountySpecialtyResult> results_;
  AdequacySummary summary_;
  std::vector<ServicingEntry> entries_;
};

TEST_F(ServicingReportTest, OneProviderServesTwoCountiesOneNoneAndAnExcludedRowIsNotCounted) {
  Run({{.id = "two", .specialty_code = "011", .location = {0.8, 0}},
       {.id = "none", .specialty_code = "011", .location = {5.0, 0}},
       {.id = "excl",
        .specialty_code = "011",
        .location = {0.5, 0},
        .exclusion = "other_products_only"},
       // The same provider at a second site: it serves both counties too, but its id is counted
       // once per type (the evaluation's rule), on its first row.
       {.id = "two", .specialty_code = "011", .location = {0.79, 0}}});
  ASSERT_EQ(results_.size(), 2u);
  ASSERT_EQ(results_[0].county->fips, "01001");
  ASSERT_EQ(results_[1].county->fips, "01003");
  ASSERT_EQ(entries_.size(), 6u);  // two: 2, none: 1, excl: 1, two again: 2

  // Row 0 serves West (B: 2,000 of 3,000 people, so 2/3 of 1,000 beneficiaries) and East (C and
  // D: all 2,000), and counts toward both minimum numbers.
  EXPECT_EQ(entries_[0].row, 0);
  EXPECT_EQ(entries_[0].result, 0);
  EXPECT_DOUBLE_EQ(entries_[0].share, 2.0 / 3.0);
  EXPECT_NEAR(entries_[0].beneficiaries, 2000.0 / 3.0, 1e-9);
  EXPECT_TRUE(entries_[0].counts_toward_minimum);
  EXPECT_EQ(entries_[1].row, 0);
  EXPECT_EQ(entries_[1].result, 1);
  EXPECT_DOUBLE_EQ(entries_[1].share, 1.0);
  EXPECT_DOUBLE_EQ(entries_[1].beneficiaries, 2000.0);
  EXPECT_TRUE(entries_[1].counts_toward_minimum);

  // Row 1 serves no county: listed once, with zero, not counted.
  EXPECT_EQ(entries_[2].row, 1);
  EXPECT_EQ(entries_[2].result, -1);
  EXPECT_EQ(entries_[2].beneficiaries, 0);
  EXPECT_FALSE(entries_[2].counts_toward_minimum);
  EXPECT_TRUE(entries_[2].exclusion.empty());

  // Row 2 is excluded (42 CFR 422.116(a)(3)(i)(C)): listed, with its code, never counted, though
  // it sits on B.
  EXPECT_EQ(entries_[3].row, 2);
  EXPECT_EQ(entries_[3].result, -1);
  EXPECT_EQ(entries_[3].exclusion, "other_products_only");
  EXPECT_FALSE(entries_[3].counts_toward_minimum);
  EXPECT_EQ(entries_[3].beneficiaries, 0);
  EXPECT_EQ(summary_.excluded_rows, std::vector<int32_t>{2});

  // Row 3: the second site of "two" serves both counties but does not count again.
  EXPECT_EQ(entries_[4].row, 3);
  EXPECT_EQ(entries_[4].result, 0);
  EXPECT_FALSE(entries_[4].counts_toward_minimum);
  EXPECT_GT(entries_[4].beneficiaries, 0);
  EXPECT_EQ(entries_[5].row, 3);
  EXPECT_EQ(entries_[5].result, 1);
  EXPECT_FALSE(entries_[5].counts_toward_minimum);
}

// The rows the report counts toward each county's minimum number are the evaluation's count;
// every roster row appears; no provider serves more beneficiaries than the county has.
TEST_F(ServicingReportTest, CountedRowsMatchTheEvaluationsMinimumNumberCountPerCounty) {
  Run({{.id = "a", .specialty_code = "011", .location = {0.1, 0}},
       {.id = "b", .specialty_code = "011", .location = {0.5, 0}},
       {.id = "c", .specialty_code = "011", .location = {1.3, 0}},
       {.id = "far", .specialty_code = "011", .location = {-3.0, 0}},
       {.id = "b", .specialty_code = "011", .location = {0.45, 0}},
       {.id = "ltc",
        .specialty_code = "011",
        .location = {1.0, 0},
        .exclusion = "residential_facility_only"}});
  ASSERT_EQ(results_.size(), 2u);
  std::map<int32_t, int> counted_per_result;
  std::vector<bool> listed(roster_.size(), false);
  for (const ServicingEntry& e : entries_) {
    listed[e.row] = true;
    if (e.counts_toward_minimum) ++counted_per_result[e.result];
    if (e.result >= 0) {
      EXPECT_LE(e.beneficiaries, results_[e.result].beneficiaries * (1 + 1e-12));
      EXPECT_GE(e.share, 0);
      EXPECT_LE(e.share, 1);
    }
  }
  for (size_t row = 0; row < roster_.size(); ++row) EXPECT_TRUE(listed[row]) << "row " << row;
  for (size_t k = 0; k < results_.size(); ++k) {
    EXPECT_EQ(counted_per_result[static_cast<int32_t>(k)], results_[k].counted)
        << results_[k].county->fips;
    EXPECT_EQ(counted_per_result[static_cast<int32_t>(k)], results_[k].providers_serving);
  }
  // West: a and b (once) serve it; East: b (0.5 to C is 34.6 mi, within 60) and c.
  EXPECT_EQ(results_[0].counted, 2);
  EXPECT_EQ(results_[1].counted, 2);
}

// The greatest longitude on the equator whose geodesic from (lon_from, 0) is at most `miles`.
double LonAtMiles(double lon_from, double miles) {
  double lo = lon_from, hi = lon_from + 2 * miles / 69.0;
  for (int i = 0; i < 200 && lo < hi; ++i) {
    const double mid = lo + (hi - lo) / 2;
    if (mid == lo || mid == hi) break;
    (geo::GeodesicMiles({lon_from, 0}, {mid, 0}) <= miles ? lo : hi) = mid;
  }
  return lo;
}

// A provider on West's 30-mile standard from A (lon 0.1), within the straight-line tolerance,
// serves A in the report as the evaluation counts A covered: the bound is inclusive, with the same
// tolerance, in both. One a millionth farther (30.00003 mi) serves A in neither.
TEST_F(ServicingReportTest, AProviderOnTheDistanceStandardServesAsTheEvaluationCountsIt) {
  // 30 miles and half a billionth more: over the standard by less than the tolerance (1e-9).
  const double at = LonAtMiles(0.1, 30.0 * (1 + 5e-10));
  ASSERT_GT(geo::GeodesicMiles({0.1, 0}, {at, 0}), 30.0);
  ASSERT_LT(geo::GeodesicMiles({0.1, 0}, {at, 0}), 30.0 * (1 + 1e-9));
  Run({{.id = "edge", .specialty_code = "011", .location = {at, 0}}});
  ASSERT_EQ(results_.size(), 2u);
  ASSERT_EQ(results_[0].county->fips, "01001");
  EXPECT_EQ(results_[0].uncovered_beneficiaries, 0);
  EXPECT_DOUBLE_EQ(results_[0].share_with_access, 1.0);
  ASSERT_FALSE(entries_.empty());
  EXPECT_EQ(entries_[0].result, 0);
  EXPECT_DOUBLE_EQ(entries_[0].share, 1.0);
  EXPECT_DOUBLE_EQ(entries_[0].beneficiaries, static_cast<double>(results_[0].beneficiaries));

  const double beyond = LonAtMiles(0.1, 30.0 * (1 + 1e-6));
  ASSERT_GT(geo::GeodesicMiles({0.1, 0}, {beyond, 0}), 30.0 + 1e-6);
  Run({{.id = "edge", .specialty_code = "011", .location = {beyond, 0}}});
  ASSERT_EQ(results_.size(), 2u);
  EXPECT_NEAR(results_[0].uncovered_beneficiaries, 1000.0 / 3.0, 1e-9);  // A's 1,000 of 3,000
  EXPECT_NEAR(results_[0].share_with_access, 2.0 / 3.0, 1e-12);
  ASSERT_FALSE(entries_.empty());
  EXPECT_EQ(entries_[0].result, 0);
  EXPECT_NEAR(entries_[0].share, results_[0].share_with_access, 1e-12);
}

// Drive mode on a drawn road (grid 500 m), West's S03 standard (15 minutes, 10 miles = 16,093
// m), one unit u with 1,000 people: F is 16.5 km away by motorway (825 s, fastest, but its route
// is too long), S 8.5 km by a primary road (850 s, within both). The report follows the
// evaluation's rule: S serves West and counts, F is listed with zero and does not count.
TEST_F(ServicingReportTest, DriveModeServesWithinBothStandardsNotTheFastestRoute) {
  testing_util::AsciiMap map("F---------------------------------u----------------S", 500);
  map.Way("uF", {.highway = "motorway", .oneway = "no"});
  map.Way("uS", {.highway = "primary"});
  auto region = BuildRegion("drawn", "", "", {.state_fips = {"01"}},
                            {{"01001000100", "01001", 1000, map.At('u')}}, {});
  ASSERT_TRUE(region.ok()) << region.status();
  const DriveRegion drive = BuildDriveRegion(*region, routing::RoadNetwork::Create(map.Build()));
  AdequacyRequest request;
  request.roster = {{.id = "fast", .specialty_code = "001", .location = map.At('F')},
                    {.id = "slow", .specialty_code = "002", .location = map.At('S')}};
  request.specialty_codes = {"S03"};
  request.travel.mode = TravelMode::kDrive;
  std::vector<CountySpecialtyResult> results;
  ASSERT_TRUE(EvaluateAdequacy(*region, &drive, *standards_, telehealth_, request,
                               [&](const CountySpecialtyResult& r) {
                                 results.push_back(r);
                                 return true;
                               })
                  .ok());
  ASSERT_EQ(results.size(), 1u);
  EXPECT_EQ(results[0].providers_serving, 1);
  auto entries = ServicingProviders(*region, &drive, *standards_, request.roster, results,
                                    request.travel, geo::Deadline());
  ASSERT_TRUE(entries.ok()) << entries.status();
  ASSERT_EQ(entries->size(), 2u);
  EXPECT_EQ((*entries)[0].row, 0);
  EXPECT_EQ((*entries)[0].result, -1);
  EXPECT_FALSE((*entries)[0].counts_toward_minimum);
  EXPECT_EQ((*entries)[1].row, 1);
  EXPECT_EQ((*entries)[1].result, 0);
  EXPECT_DOUBLE_EQ((*entries)[1].share, 1.0);
  EXPECT_DOUBLE_EQ((*entries)[1].beneficiaries, static_cast<double>(results[0].beneficiaries));
  EXPECT_TRUE((*entries)[1].counts_toward_minimum);
}

TEST_F(ServicingReportTest, ARowCountedThatIsNotInTheRosterIsAnError) {
  Run({{.id = "a", .specialty_code = "011", .location = {0.1, 0}}});
  std::vector<CountySpecialtyResult> results = results_;
  results[0].counted_rows = {7};
  EXPECT_THAT(ServicingProviders(region_, nullptr, *standards_, roster_, results,
                                 {.straight_line = {.circuity_factor = 1.0, .speed_mph = 60}},
                                 geo::Deadline()),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("results[0].counted_rows")));
}

}  // namespace
}  // namespace carereach::access
