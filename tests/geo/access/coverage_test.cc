#include "geo/access/coverage.h"

#include <atomic>
#include <thread>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/clock.h"
#include "geo/core/geodesic.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/status_matchers.h"

namespace carereach::access {
namespace {

using testing::HasSubstr;
using testing_util::StatusIs;

// Units strung along the equator east of a facility at (0, 0): one degree of longitude is
// 111,319.49 m = 69.1707 miles.
constexpr double kMilesPerDegree = 111319.49079327357 / 1609.344;

Region EquatorRegion() {
  std::vector<io::PopulationUnit> units = {
      {"01001000100", "01001", 1000, {0.1, 0.0}},  // 6.9 miles
      {"01001000200", "01001", 2000, {0.5, 0.0}},  // 34.6 miles
      {"01003000100", "01003", 4000, {1.0, 0.0}},  // 69.2 miles
      {"01003000200", "01003", 0, {2.0, 0.0}},     // 138.3 miles, nobody lives here
  };
  auto region = BuildRegion("eq", "", "", {.state_fips = {"01"}}, units, {});
  EXPECT_TRUE(region.ok());
  return *region;
}

CoverageRequest Request(std::vector<Threshold> thresholds) {
  CoverageRequest r;
  r.facilities = {{.id = "h", .name = "H", .location = {0.0, 0.0}}};
  r.thresholds = std::move(thresholds);
  return r;
}

TEST(CoverageTest, StraightLineSharesByMilesAreExactAndInclusive) {
  const Region region = EquatorRegion();
  const double exactly_one_degree = kMilesPerDegree;
  auto answer = ComputeCoverage(
      region, nullptr,
      Request({Threshold::Miles(7), Threshold::Miles(35), Threshold::Miles(exactly_one_degree)}),
      {});
  ASSERT_TRUE(answer.ok()) << answer.status();
  const CoverageSummary& s = answer->summary;
  EXPECT_EQ(s.total_population, 7000);
  EXPECT_EQ(s.zero_population_units, 1);
  EXPECT_EQ(s.by_threshold[0].covered_population, 1000);
  EXPECT_EQ(s.by_threshold[1].covered_population, 3000);
  EXPECT_EQ(s.by_threshold[2].covered_population, 7000);  // a unit exactly at the threshold counts
  EXPECT_EQ(s.by_threshold[2].covered_units, 3);
  ASSERT_EQ(s.counties.size(), 2u);
  EXPECT_EQ(s.counties[0].total_population, 3000);
  EXPECT_EQ(s.counties[0].by_threshold[1].covered_population, 3000);
  EXPECT_EQ(s.counties[1].by_threshold[1].covered_population, 0);
  EXPECT_NEAR(answer->travel[2].miles, kMilesPerDegree, 1e-9);
}

TEST(CoverageTest, StraightLineMinutesUseCircuityAndSpeed) {
  const Region region = EquatorRegion();
  CoverageRequest request = Request({Threshold::Minutes(60)});
  request.travel.straight_line = {.circuity_factor = 1.5, .speed_mph = 60};
  // 60 minutes at 60 mph with circuity 1.5 reaches 40 straight-line miles: units 1 and 2.
  auto answer = ComputeCoverage(region, nullptr, request, {});
  ASSERT_TRUE(answer.ok());
  EXPECT_EQ(answer->summary.by_threshold[0].covered_population, 3000);
  EXPECT_NEAR(answer->travel[1].minutes, 0.5 * kMilesPerDegree * 1.5, 1e-9);
}

TEST(CoverageTest, NearestFacilityWins) {
  const Region region = EquatorRegion();
  CoverageRequest request = Request({Threshold::Miles(10)});
  request.facilities.push_back({.id = "far-east", .location = {1.05, 0.0}});
  auto answer = ComputeCoverage(region, nullptr, request, {});
  ASSERT_TRUE(answer.ok());
  EXPECT_EQ(answer->travel[0].facility, 0);
  EXPECT_EQ(answer->travel[2].facility, 1);
  EXPECT_EQ(answer->summary.by_threshold[0].covered_population, 5000);
}

TEST(CoverageTest, ShareNeverFallsAsTheThresholdGrows) {
  const Region region = EquatorRegion();
  std::vector<Threshold> thresholds;
  for (double miles = 1; miles <= 150; miles += 7) thresholds.push_back(Threshold::Miles(miles));
  auto answer = ComputeCoverage(region, nullptr, Request(thresholds), {});
  ASSERT_TRUE(answer.ok());
  for (size_t k = 1; k < thresholds.size(); ++k) {
    EXPECT_GE(answer->summary.by_threshold[k].covered_population,
              answer->summary.by_threshold[k - 1].covered_population);
  }
}

TEST(CoverageTest, DeadlineInThePastStops) {
  CoverageRequest request = Request({Threshold::Miles(10)});
  request.deadline = absl::Now() - absl::Seconds(1);
  EXPECT_THAT(ComputeCoverage(EquatorRegion(), nullptr, request, {}),
              StatusIs(absl::StatusCode::kDeadlineExceeded, HasSubstr("deadline")));
}

TEST(CoverageTest, CancelledCallStops) {
  CoverageRequest request = Request({Threshold::Miles(10)});
  request.deadline = geo::Deadline(absl::InfiniteFuture(), [] { return true; });
  EXPECT_THAT(ComputeCoverage(EquatorRegion(), nullptr, request, {}),
              StatusIs(absl::StatusCode::kCancelled,
                       HasSubstr("straight-line coverage stopped: the call was cancelled")));
}

TEST(CoverageTest, CancellationStopsALongComputationPromptly) {
  // 2,000 units against 20,000 facilities stacked on one spot: 40 million geodesics (tens of
  // seconds) unless the cancellation is seen inside the nearest-facility queries.
  std::vector<io::PopulationUnit> units;
  for (int i = 0; i < 2000; ++i) {
    units.push_back({absl::StrFormat("01001%06d", i), "01001", 1, {0.001 * i, 1.0}});
  }
  auto region = BuildRegion("eq", "", "", {.state_fips = {"01"}}, units, {});
  ASSERT_TRUE(region.ok());
  CoverageRequest request = Request({Threshold::Miles(10)});
  request.facilities.clear();
  for (int i = 0; i < 20000; ++i) {
    request.facilities.push_back({.id = absl::StrCat("f", i), .location = {0, 0}});
  }
  std::atomic<bool> cancelled{false};
  request.deadline = geo::Deadline(absl::InfiniteFuture(), [&] { return cancelled.load(); });
  std::thread client([&] {
    absl::SleepFor(absl::Milliseconds(100));
    cancelled = true;
  });
  const absl::Time start = absl::Now();
  const auto answer = ComputeCoverage(*region, nullptr, request, {.max_facilities = 20000});
  const absl::Duration took = absl::Now() - start;
  client.join();
  EXPECT_THAT(answer, StatusIs(absl::StatusCode::kCancelled, HasSubstr("cancelled")));
  EXPECT_LT(took, absl::Seconds(1));
}

TEST(CoverageTest, DriveModeNeedsARoadNetwork) {
  CoverageRequest request = Request({Threshold::Minutes(10)});
  request.travel.mode = TravelMode::kDrive;
  EXPECT_THAT(ComputeCoverage(EquatorRegion(), nullptr, request, {}),
              StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr("no road network")));
}

TEST(ValidationTest, FacilitiesAreCheckedWithFieldPaths) {
  const CoverageLimits limits{.max_facilities = 2};
  EXPECT_THAT(ValidateFacilities({}, limits),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("facilities: at least one")));
  std::vector<Facility> f = {{.id = "a", .location = {0, 0}}, {.id = "a", .location = {1, 1}}};
  EXPECT_THAT(ValidateFacilities(f, limits),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       "facilities[1].id: \"a\" duplicates facilities[0].id"));
  f[1] = {.id = "", .location = {1, 1}};
  EXPECT_THAT(ValidateFacilities(f, limits),
              StatusIs(absl::StatusCode::kInvalidArgument, "facilities[1].id: is empty"));
  f[1] = {.id = "b", .location = {1, 123.4}};
  EXPECT_THAT(ValidateFacilities(f, limits),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       "facilities[1].location.lat: 123.4 is outside [-90, 90]"));
  f[1] = {.id = "b", .location = {1, 1}};
  f.push_back({.id = "c", .location = {2, 2}});
  EXPECT_THAT(ValidateFacilities(f, limits),
              StatusIs(absl::StatusCode::kResourceExhausted, HasSubstr("limit of 2")));
}

TEST(ValidationTest, ThresholdsMustBePositiveFiniteAndBounded) {
  const CoverageLimits limits;
  EXPECT_THAT(ValidateThresholds({}, limits),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("at least one threshold")));
  EXPECT_THAT(
      ValidateThresholds(std::vector{Threshold::Minutes(10), Threshold::Minutes(0)}, limits),
      StatusIs(absl::StatusCode::kInvalidArgument, "max_minutes[1]: 0 is outside (0, 1440]"));
  EXPECT_THAT(ValidateThresholds(std::vector{Threshold::Miles(-5)}, limits),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("max_miles[0]: -5")));
  EXPECT_THAT(ValidateThresholds(std::vector{Threshold::Miles(std::nan(""))}, limits),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("max_miles[0]: nan")));
  EXPECT_THAT(ValidateThresholds(std::vector{Threshold::Minutes(1e6)}, limits),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("outside (0, 1440]")));
  std::vector<Threshold> many(33, Threshold::Miles(1));
  EXPECT_THAT(ValidateThresholds(many, limits),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("limit of 32")));
}

TEST(ValidationTest, StraightLineModel) {
  EXPECT_THAT(ValidateStraightLineModel({.circuity_factor = 0.5, .speed_mph = 30}),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("straight_line.circuity_factor: 0.5")));
  EXPECT_THAT(ValidateStraightLineModel({.circuity_factor = 1.2, .speed_mph = -1}),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("straight_line.speed_mph")));
}

}  // namespace
}  // namespace carereach::access
