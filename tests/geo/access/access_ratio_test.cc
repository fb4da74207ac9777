#include "geo/access/access_ratio.h"

#include <gtest/gtest.h>

#include <random>

#include "geo/io/census.h"
#include "geo/roads/osm_import.h"
#include "gmock/gmock.h"
#include "tests/data_dir.h"
#include "tests/geo/access/drawn_region.h"
#include "tests/real_data.h"
#include "tests/status_matchers.h"

namespace carereach::access {
namespace {

using testing::ElementsAre;
using testing::HasSubstr;
using testing_util::StatusIs;

// Three units on the equator (one degree of longitude = 69.17 miles) in two counties, and two
// providers; straight-line minutes = miles (circuity 1, 60 mph), catchments of 10 minutes:
//   U0 lon 0.0, 1,000 people (01001)   P (capacity 2) at lon 0.05: U0, U1 (3.5 mi each)
//   U1 lon 0.1, 3,000 people (01001)   Q (capacity 1) at lon 0.15: U1, U2 (3.5 mi each)
//   U2 lon 0.2, 1,000 people (01003)
// Step 1: R_P = 2 / 4,000 = 0.5 per 1,000; R_Q = 1 / 4,000 = 0.25 per 1,000.
// Step 2: A_0 = 0.5, A_1 = 0.5 + 0.25 = 0.75, A_2 = 0.25 per 1,000.
// Check: 1,000 x 0.5 + 3,000 x 0.75 + 1,000 x 0.25 = 3,000 per 1,000 = capacities 2 + 1.
Region EquatorRegion() {
  return RegionOnEquator({{"01001", 1000, 0.0},
                          {"01001", 3000, 0.1},
                          {"01003", 1000, 0.2},
                          {"01003", 0, 0.15}});  // nobody lives at U3
}

AccessRatioRequest EquatorRequest() {
  AccessRatioRequest r;
  r.providers = {{.id = "P", .location = {0.05, 0}}, {.id = "Q", .location = {0.15, 0}}};
  r.capacity = {2, 1};
  r.travel.straight_line = {.circuity_factor = 1, .speed_mph = 60};
  r.catchment_minutes = 10;
  return r;
}

TEST(AccessRatioTest, HandComputedTwoStepFloatingCatchments) {
  auto answer = ComputeAccessRatios(EquatorRegion(), nullptr, EquatorRequest(), {});
  ASSERT_TRUE(answer.ok()) << answer.status();
  EXPECT_THAT(answer->provider_catchment_population, ElementsAre(4000, 4000));
  ASSERT_EQ(answer->provider_ratio_per_1000.size(), 2u);
  EXPECT_DOUBLE_EQ(answer->provider_ratio_per_1000[0], 0.5);
  EXPECT_DOUBLE_EQ(answer->provider_ratio_per_1000[1], 0.25);
  ASSERT_EQ(answer->unit_access_per_1000.size(), 4u);
  EXPECT_DOUBLE_EQ(answer->unit_access_per_1000[0], 0.5);
  EXPECT_DOUBLE_EQ(answer->unit_access_per_1000[1], 0.75);
  EXPECT_DOUBLE_EQ(answer->unit_access_per_1000[2], 0.25);
  EXPECT_DOUBLE_EQ(answer->unit_access_per_1000[3], 0.75);  // empty, but in both catchments
  EXPECT_DOUBLE_EQ(answer->capacity_in_use, 3);

  const AccessSummary& all = answer->region;
  EXPECT_EQ(all.population, 5000);
  EXPECT_EQ(all.populated_units, 3);
  EXPECT_DOUBLE_EQ(all.mean_access_per_1000, 3000.0 / 5000);  // conservation: 3 per 5,000
  EXPECT_EQ(all.zero_access_population, 0);
  EXPECT_DOUBLE_EQ(all.min_access_per_1000, 0.25);
  EXPECT_DOUBLE_EQ(all.max_access_per_1000, 0.75);
  ASSERT_EQ(answer->counties.size(), 2u);
  EXPECT_DOUBLE_EQ(answer->counties[0].mean_access_per_1000, (500 + 2250) / 4000.0);
  EXPECT_DOUBLE_EQ(answer->counties[1].mean_access_per_1000, 0.25);  // the empty unit is ignored
  EXPECT_EQ(answer->counties[1].populated_units, 1);
}

TEST(AccessRatioTest, CrowdingAndUnreachedResidents) {
  // Q moves to lon 1 (nobody within 10 minutes): its ratio is 0 and it adds nothing; U2 has no
  // access at all. Default capacity is 1 per provider.
  AccessRatioRequest request = EquatorRequest();
  request.providers[1].location = {1.0, 0};
  request.capacity.clear();
  auto answer = ComputeAccessRatios(EquatorRegion(), nullptr, request, {});
  ASSERT_TRUE(answer.ok());
  EXPECT_THAT(answer->provider_catchment_population, ElementsAre(4000, 0));
  EXPECT_DOUBLE_EQ(answer->provider_ratio_per_1000[0], 0.25);
  EXPECT_EQ(answer->provider_ratio_per_1000[1], 0);
  EXPECT_DOUBLE_EQ(answer->unit_access_per_1000[1], 0.25);
  EXPECT_EQ(answer->unit_access_per_1000[2], 0);
  EXPECT_EQ(answer->region.zero_access_population, 1000);
  EXPECT_EQ(answer->region.zero_access_units, 1);
  EXPECT_EQ(answer->region.min_access_per_1000, 0);
  EXPECT_DOUBLE_EQ(answer->capacity_in_use, 1);
}

TEST(AccessRatioTest, InvalidRequestsNameTheField) {
  const Region region = EquatorRegion();
  const auto run = [&](const std::function<void(AccessRatioRequest&)>& change) {
    AccessRatioRequest r = EquatorRequest();
    change(r);
    return ComputeAccessRatios(region, nullptr, r, {});
  };
  EXPECT_THAT(run([](auto& r) {
                r.capacity = {1, 2, 3};
              }),
              StatusIs(absl::StatusCode::kInvalidArgument, "capacity: 3 values for 2 providers"));
  EXPECT_THAT(run([](auto& r) { r.capacity[1] = 0; }),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       "capacity[1]: 0 is not a positive finite number"));
  EXPECT_THAT(run([](auto& r) { r.capacity[0] = -2; }),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       "capacity[0]: -2 is not a positive finite number"));
  EXPECT_THAT(run([](auto& r) { r.capacity[0] = std::numeric_limits<double>::infinity(); }),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("capacity[0]: inf")));
  EXPECT_THAT(
      run([](auto& r) { r.catchment_minutes = 0; }),
      StatusIs(absl::StatusCode::kInvalidArgument, "catchment_minutes: 0 is outside (0, 1440]"));
  EXPECT_THAT(run([](auto& r) { r.catchment_minutes = std::nan(""); }),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("catchment_minutes: nan")));
  EXPECT_THAT(run([](auto& r) { r.providers[1].location.lon = 200; }),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("providers[1].location.lon: 200 is outside")));
  EXPECT_THAT(run([](auto& r) { r.providers.clear(); }),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("providers: at least one")));
  EXPECT_THAT(run([](auto& r) { r.travel.mode = TravelMode::kDrive; }),
              StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr("no road network")));
}

// On O'ahu's real roads and tracts, with every open hospital on the island (random capacities,
// fixed seed): supply is conserved.
TEST(AccessRatioRealDataTest, SupplyIsConservedOnOahu) {
  const std::string dir = testing_util::DataDir();
  io::LoadReport report;
  auto units = io::LoadTractCentres(dir + "/census/CenPop2020_Mean_TR.txt", &report);
  ASSERT_TRUE(units.ok()) << units.status();
  auto region = BuildRegion("honolulu", "", "", {.county_fips = {"15003"}}, *units, {});
  ASSERT_TRUE(region.ok());
  auto profile = roads::SpeedProfile::Parse(roads::DefaultCarProfileCsv(), "car.csv");
  auto graph = roads::ImportOsm(dir + "/roads/honolulu-county-hi-2016.osm.pbf", *profile);
  ASSERT_TRUE(graph.ok()) << graph.status();
  const DriveRegion drive =
      BuildDriveRegion(*region, routing::RoadNetwork::Create(*std::move(graph)));
  auto hospitals = testing_util::LoadOpenHifldHospitals(dir);
  ASSERT_TRUE(hospitals.ok());
  AccessRatioRequest request;
  std::mt19937 rng(7);
  std::uniform_real_distribution<double> beds(10, 500);
  for (const Facility& f : *hospitals) {
    if (f.location.lon > -158.4 && f.location.lon < -157.6 && f.location.lat > 21.2 &&
        f.location.lat < 21.8) {
      request.providers.push_back(f);
      request.capacity.push_back(beds(rng));
    }
  }
  ASSERT_GE(request.providers.size(), 5u);
  for (const TravelMode mode : {TravelMode::kDrive, TravelMode::kStraightLine}) {
    for (const double minutes : {10.0, 30.0}) {
      request.travel.mode = mode;
      request.catchment_minutes = minutes;
      auto answer = ComputeAccessRatios(*region, &drive, request, {});
      ASSERT_TRUE(answer.ok()) << answer.status();
      double supply = 0, expected = 0;
      for (size_t i = 0; i < region->units.size(); ++i) {
        supply += answer->unit_access_per_1000[i] / 1000 * region->units[i].population;
      }
      for (size_t j = 0; j < request.providers.size(); ++j) {
        if (answer->provider_catchment_population[j] > 0) expected += request.capacity[j];
      }
      EXPECT_GT(expected, 0);
      EXPECT_NEAR(supply, expected, expected * 1e-9) << minutes;
      EXPECT_NEAR(answer->capacity_in_use, expected, expected * 1e-12);
      EXPECT_NEAR(answer->region.mean_access_per_1000 * answer->region.population / 1000, expected,
                  expected * 1e-9);
      // Within 10 minutes some residents are beyond every catchment (docs: about a fifth of
      // O'ahu by road), but never everybody.
      if (minutes == 10) {
        EXPECT_GT(answer->region.zero_access_population, 0);
      }
      EXPECT_LT(answer->region.zero_access_population, answer->region.population);
    }
  }
}

}  // namespace
}  // namespace carereach::access
