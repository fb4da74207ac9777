// Coverage properties on the real 2020 Census tracts and HIFLD hospitals.
#include <filesystem>

#include "absl/strings/numbers.h"
#include "geo/access/coverage.h"
#include "geo/core/geodesic.h"
#include "geo/io/census.h"
#include "geo/io/csv.h"
#include "gtest/gtest.h"
#include "tests/data_dir.h"
#include "tests/geo/access/michigan_fixture.h"
#include "tests/real_data.h"

namespace carereach::access {
namespace {

class RealDataTest : public MichiganHospitalsTest {};

TEST_F(RealDataTest, MichiganHasItsCensusPopulationAndCountiesSumToIt) {
  EXPECT_EQ(michigan_->total_population, 10077331);
  EXPECT_EQ(michigan_->counties.size(), 83u);
  EXPECT_EQ(hospitals_->size(), 7634u);
  CoverageRequest request;
  request.facilities = *hospitals_;
  request.thresholds = {Threshold::Miles(5), Threshold::Minutes(20)};
  auto answer = ComputeCoverage(*michigan_, nullptr, request, {});
  ASSERT_TRUE(answer.ok()) << answer.status();
  int64_t county_sum = 0;
  std::vector<int64_t> covered_sum(2, 0);
  for (const CountyTotals& c : answer->summary.counties) {
    county_sum += c.total_population;
    for (int k = 0; k < 2; ++k) covered_sum[k] += c.by_threshold[k].covered_population;
  }
  EXPECT_EQ(county_sum, 10077331);
  for (int k = 0; k < 2; ++k) {
    EXPECT_EQ(covered_sum[k], answer->summary.by_threshold[k].covered_population);
  }
}

// Right to the person: for each threshold, an exhaustive geodesic check of every tract against
// every open hospital near Michigan (anything outside the box is farther than the threshold).
TEST_F(RealDataTest, MichiganSharesMatchAnExhaustiveCheck) {
  const std::vector<double> miles = {5, 10, 20};
  CoverageRequest request;
  request.facilities = *hospitals_;
  for (double m : miles) request.thresholds.push_back(Threshold::Miles(m));
  auto answer = ComputeCoverage(*michigan_, nullptr, request, {});
  ASSERT_TRUE(answer.ok()) << answer.status();

  std::vector<geo::LonLat> nearby;
  for (const Facility& f : *hospitals_) {
    // Michigan spans about 41.7..48.3 N, 90.5..82.1 W; 1 degree of latitude is 69 miles.
    if (f.location.lat > 40.5 && f.location.lat < 49.5 && f.location.lon > -92.5 &&
        f.location.lon < -80.0) {
      nearby.push_back(f.location);
    }
  }
  std::vector<int64_t> expected(miles.size(), 0);
  for (const io::PopulationUnit& u : michigan_->units) {
    double best = 1e300;
    for (const geo::LonLat& h : nearby) best = std::min(best, geo::GeodesicMiles(u.location, h));
    for (size_t k = 0; k < miles.size(); ++k) {
      if (best <= miles[k]) expected[k] += u.population;
    }
  }
  for (size_t k = 0; k < miles.size(); ++k) {
    EXPECT_EQ(answer->summary.by_threshold[k].covered_population, expected[k]) << miles[k];
  }
}

TEST_F(RealDataTest, CoverageNeverFallsAsMinutesGrow) {
  CoverageRequest request;
  request.facilities = *hospitals_;
  for (double m = 2; m <= 120; m += 2) request.thresholds.push_back(Threshold::Minutes(m));
  auto answer = ComputeCoverage(*michigan_, nullptr, request, {.max_thresholds = 60});
  ASSERT_TRUE(answer.ok());
  for (size_t k = 1; k < request.thresholds.size(); ++k) {
    EXPECT_GE(answer->summary.by_threshold[k].covered_population,
              answer->summary.by_threshold[k - 1].covered_population);
  }
  EXPECT_EQ(answer->summary.by_threshold.back().covered_population, 10077331);
}

}  // namespace
}  // namespace carereach::access
