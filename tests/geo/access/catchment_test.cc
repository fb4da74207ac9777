#include "geo/access/catchment.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <random>

#include "geo/core/geodesic.h"
#include "geo/io/census.h"
#include "geo/roads/osm_import.h"
#include "gmock/gmock.h"
#include "tests/data_dir.h"
#include "tests/geo/access/drawn_region.h"
#include "tests/geo/roads/ascii_map.h"
#include "tests/real_data.h"
#include "tests/status_matchers.h"

namespace carereach::access {
namespace {

using testing::ElementsAre;
using testing::HasSubstr;
using testing::IsEmpty;
using testing_util::AsciiMap;
using testing_util::StatusIs;

std::vector<int32_t> Units(const std::vector<UnitReach>& catchment) {
  std::vector<int32_t> units;
  for (const UnitReach& r : catchment) units.push_back(r.unit);
  return units;
}

// 300 units and 8 facilities scattered over O'ahu's box (fixed seed).
struct Scattered {
  Region region;
  std::vector<geo::LonLat> facilities;
};
Scattered ScatteredRegion() {
  std::mt19937 rng(20240611);
  std::uniform_real_distribution<double> lon(-158.3, -157.6), lat(21.2, 21.75);
  std::vector<io::PopulationUnit> units;
  for (int i = 0; i < 300; ++i) {
    char id[16];
    std::snprintf(id, sizeof(id), "15003%06d", i + 1);
    units.push_back({id, "15003", 100 + i, {lon(rng), lat(rng)}});
  }
  Scattered s;
  s.region = *BuildRegion("scattered", "", "", {.county_fips = {"15003"}}, units, {});
  for (int f = 0; f < 8; ++f) s.facilities.push_back({lon(rng), lat(rng)});
  return s;
}

TEST(StraightLineCatchmentTest, MatchesBruteForceGeodesics) {
  const Scattered s = ScatteredRegion();
  const StraightLineModel model{.circuity_factor = 1.2, .speed_mph = 30};
  // 12 minutes at 30 mph with circuity 1.2 is 5 straight-line miles.
  for (const auto& [max_minutes, max_miles] :
       std::vector<std::pair<double, double>>{{0, 5}, {12, 0}, {15, 5}, {12, 8}}) {
    const CatchmentParams params{
        .travel = {.straight_line = model}, .max_minutes = max_minutes, .max_miles = max_miles};
    auto catchments = FacilityCatchments(s.region, nullptr, s.facilities, params, nullptr);
    ASSERT_TRUE(catchments.ok()) << catchments.status();
    ASSERT_EQ(catchments->size(), s.facilities.size());
    size_t total = 0;
    for (size_t f = 0; f < s.facilities.size(); ++f) {
      std::vector<int32_t> expected;
      for (size_t i = 0; i < s.region.units.size(); ++i) {
        const double miles = geo::GeodesicMiles(s.facilities[f], s.region.units[i].location);
        const double minutes = miles * 1.2 / 30 * 60;
        if ((max_miles <= 0 || miles <= max_miles) &&
            (max_minutes <= 0 || minutes <= max_minutes)) {
          expected.push_back(static_cast<int32_t>(i));
        }
      }
      EXPECT_EQ(Units((*catchments)[f]), expected) << "facility " << f;
      for (const UnitReach& r : (*catchments)[f]) {
        const double miles = geo::GeodesicMiles(s.facilities[f], s.region.units[r.unit].location);
        EXPECT_NEAR(r.miles, miles, 1e-4);
        EXPECT_NEAR(r.minutes, miles * 2.4, 1e-4);
      }
      total += expected.size();
    }
    // Five miles out of an island some 40 miles across: neither everything nor nothing.
    EXPECT_GT(total, 8u);
    EXPECT_LT(total, 8u * 300 / 2);
  }
}

// F in the middle of a-b (550 m from a); G 5 km north of everything, off the roads.
std::vector<geo::LonLat> DrawnFacilities(const AsciiMap& map) {
  return {map.At('a', 550, 0), map.At('a', 550, 5000)};
}

double OffroadSeconds(double meters) {
  return meters / routing::DriveParams().offroad_meters_per_second;
}

TEST(DriveCatchmentTest, OnewayStreetsMakeToAndFromTheFacilityDiffer) {
  const AsciiMap map = LoopMap();
  const DrawnRegion d = LoopRegion(map);
  CatchmentParams params{.travel = {.mode = TravelMode::kDrive}, .max_minutes = 5};
  std::vector<int32_t> unsnapped;
  auto to = FacilityCatchments(d.region, &d.drive, DrawnFacilities(map), params, &unsnapped);
  ASSERT_TRUE(to.ok()) << to.status();
  // To F: U0 drives 400 m east along the one-way (40 s). U1 must go round: b, d, c, a, then
  // 550 m to F: 15 + 40 + 220 + 40 + 55 = 370 s, beyond 5 minutes. U2 (30 m off c-d): 6.7 s
  // off-road, 550 m to c (110 s), a (40 s), F (55 s). U3 is 5 km off the roads: unsnapped.
  ASSERT_EQ(to->size(), 2u);
  ASSERT_THAT(Units((*to)[0]), ElementsAre(0, 2));
  EXPECT_NEAR((*to)[0][0].minutes * 60, 40, 1);
  EXPECT_NEAR((*to)[0][0].miles * geo::kMetersPerMile, 400, 3);
  EXPECT_NEAR((*to)[0][1].minutes * 60, 205 + OffroadSeconds(30), 2);
  EXPECT_NEAR((*to)[0][1].miles * geo::kMetersPerMile, 1300 + 30, 8);
  EXPECT_THAT((*to)[1], IsEmpty());  // G cannot be snapped
  EXPECT_THAT(unsnapped, ElementsAre(1));

  // From F: U1 is 400 m ahead (40 s); U0 is round the loop (370 s); U2 by b and d: 55 + 40 +
  // 110 s + 6.7 s.
  params.travel.drive.to_facility = false;
  auto from = FacilityCatchments(d.region, &d.drive, DrawnFacilities(map), params, nullptr);
  ASSERT_TRUE(from.ok()) << from.status();
  ASSERT_THAT(Units((*from)[0]), ElementsAre(1, 2));
  EXPECT_NEAR((*from)[0][0].minutes * 60, 40, 1);
  EXPECT_NEAR((*from)[0][1].minutes * 60, 205 + OffroadSeconds(30), 2);
}

TEST(DriveCatchmentTest, BothBoundsHoldAlongTheFastestRoute) {
  const AsciiMap map = LoopMap();
  const DrawnRegion d = LoopRegion(map);
  const auto run = [&](double max_minutes, double max_miles) {
    const CatchmentParams params{
        .travel = {.mode = TravelMode::kDrive}, .max_minutes = max_minutes, .max_miles = max_miles};
    auto c = FacilityCatchments(d.region, &d.drive, DrawnFacilities(map), params, nullptr);
    EXPECT_TRUE(c.ok()) << c.status();
    return c.ok() ? (*c)[0] : std::vector<UnitReach>{};
  };
  // Shortest routes to F: U0 400 m, U1 2,200 m (round the loop), U2 1,330 m. 1.5 miles is
  // 2,414 m: all three; with 5 minutes as well, U1 (370 s) drops out.
  const std::vector<UnitReach> by_miles = run(0, 1.5);
  ASSERT_THAT(Units(by_miles), ElementsAre(0, 1, 2));
  EXPECT_NEAR(by_miles[1].miles * geo::kMetersPerMile, 2200, 10);
  EXPECT_NEAR(by_miles[1].minutes * 60, 370, 3);  // time along that same route
  EXPECT_THAT(Units(run(5, 1.5)), ElementsAre(0, 2));
  // Half a mile (805 m): only U0, with or without the time bound.
  EXPECT_THAT(Units(run(0, 0.5)), ElementsAre(0));
  EXPECT_THAT(Units(run(5, 0.5)), ElementsAre(0));
  EXPECT_THAT(Units(run(7, 0)), ElementsAre(0, 1, 2));
}

// With both bounds, the distance bound applies to the fastest route's own length, not to the
// shortest route (the rule CMS adequacy applies, 42 CFR 422.116(a)(2)(i)): from u, F is 1,000 m
// by a motorway (20 m/s, 50 s) and 600 m by a residential street (5 m/s, 120 s).
TEST(DriveCatchmentTest, TheDistanceBoundIsTheFastestRoutesLength) {
  AsciiMap map(R"(
u-----F
|     |
a-----b
)",
               100);
  map.Way("uabF", {.highway = "motorway", .oneway = "no"});
  map.Way("uF", {.highway = "residential"});
  const DrawnRegion d = BuildDrawnRegion(map, {{"15003000100", "15003", 100, map.At('u')}});
  const auto run = [&](double max_minutes, double max_miles) {
    const CatchmentParams params{
        .travel = {.mode = TravelMode::kDrive}, .max_minutes = max_minutes, .max_miles = max_miles};
    const geo::LonLat f[] = {map.At('F')};
    auto c = FacilityCatchments(d.region, &d.drive, f, params, nullptr);
    EXPECT_TRUE(c.ok()) << c.status();
    return c.ok() ? (*c)[0] : std::vector<UnitReach>{};
  };
  const std::vector<UnitReach> fastest = run(5, 0);
  ASSERT_EQ(fastest.size(), 1u);
  EXPECT_NEAR(fastest[0].minutes * 60, 50, 1);
  EXPECT_NEAR(fastest[0].miles * geo::kMetersPerMile, 1000, 5);
  const std::vector<UnitReach> shortest = run(0, 0.5);  // 805 m: the street, 600 m
  ASSERT_EQ(shortest.size(), 1u);
  EXPECT_NEAR(shortest[0].miles * geo::kMetersPerMile, 600, 5);
  EXPECT_NEAR(shortest[0].minutes * 60, 120, 2);
  // 5 minutes and half a mile: the fastest route (1,000 m) is too long, so u is out, although
  // the street would be within both.
  EXPECT_THAT(run(5, 0.5), IsEmpty());
  EXPECT_THAT(Units(run(5, 0.7)), ElementsAre(0));  // 1,127 m
}

TEST(DriveCatchmentTest, UnitsSnappedFartherThanTheRequestAllowsAreNeverReached) {
  const AsciiMap map = LoopMap();
  const DrawnRegion d = LoopRegion(map);
  CatchmentParams params{.travel = {.mode = TravelMode::kDrive}, .max_minutes = 60};
  params.travel.drive.max_snap_meters = 20;  // U2 stands 30 m off its road
  auto c = FacilityCatchments(d.region, &d.drive, DrawnFacilities(map), params, nullptr);
  ASSERT_TRUE(c.ok());
  EXPECT_THAT(Units((*c)[0]), ElementsAre(0, 1));
}

TEST(CatchmentErrorsTest, BoundsModeCoordinatesAndDeadline) {
  const AsciiMap map = LoopMap();
  const DrawnRegion d = LoopRegion(map);
  const std::vector<geo::LonLat> facilities = DrawnFacilities(map);
  EXPECT_THAT(FacilityCatchments(d.region, &d.drive, facilities, {}, nullptr),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       "max_minutes, max_miles: at least one bound must be positive"));
  EXPECT_THAT(
      FacilityCatchments(d.region, nullptr, facilities,
                         {.travel = {.mode = TravelMode::kDrive}, .max_minutes = 10}, nullptr),
      StatusIs(absl::StatusCode::kFailedPrecondition,
               HasSubstr("region drawn has no road network")));
  const std::vector<geo::LonLat> bad = {facilities[0], {-157.8, 95}};
  EXPECT_THAT(FacilityCatchments(d.region, nullptr, bad, {.max_miles = 10}, nullptr),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       "facilities[1].location.lat: 95 is outside [-90, 90]"));
  for (const TravelMode mode : {TravelMode::kStraightLine, TravelMode::kDrive}) {
    EXPECT_THAT(FacilityCatchments(d.region, &d.drive, facilities,
                                   {.travel = {.mode = mode},
                                    .max_minutes = 10,
                                    .deadline = absl::Now() - absl::Seconds(1)},
                                   nullptr),
                StatusIs(absl::StatusCode::kDeadlineExceeded, HasSubstr("deadline")));
    EXPECT_THAT(
        FacilityCatchments(d.region, &d.drive, facilities,
                           {.travel = {.mode = mode},
                            .max_minutes = 10,
                            .deadline = geo::Deadline(absl::InfiniteFuture(), [] { return true; })},
                           nullptr),
        StatusIs(absl::StatusCode::kCancelled,
                 HasSubstr("catchments stopped: the call was cancelled")));
  }
}

// VisitCatchments: more facilities than one batch holds are visited in order, each with the
// catchment FacilityCatchments gives it; errors stop the walk and name the caller's index.
TEST(VisitCatchmentsTest, BatchesGiveTheCatchmentsOfOneCallInOrder) {
  const Scattered s = ScatteredRegion();
  std::vector<geo::LonLat> facilities;
  for (size_t i = 0; i < kCatchmentBatch + 300; ++i) {
    facilities.push_back(s.facilities[i % s.facilities.size()]);
  }
  facilities.back() = {-157.9, 21.4};
  const CatchmentParams params{.max_minutes = 20, .max_miles = 8};
  const auto whole = FacilityCatchments(s.region, nullptr, facilities, params, nullptr);
  ASSERT_TRUE(whole.ok()) << whole.status();
  std::vector<size_t> order;
  size_t nonempty = 0;
  ASSERT_TRUE(VisitCatchments(
                  s.region, nullptr, facilities, params,
                  [&](size_t i, std::span<const UnitReach> catchment) {
                    order.push_back(i);
                    nonempty += catchment.empty() ? 0 : 1;
                    EXPECT_EQ(Units({catchment.begin(), catchment.end()}), Units((*whole)[i])) << i;
                  })
                  .ok());
  ASSERT_EQ(order.size(), facilities.size());
  for (size_t i = 0; i < order.size(); ++i) ASSERT_EQ(order[i], i);
  EXPECT_GT(nonempty, facilities.size() / 2);

  // A bad facility in the second batch: named with its index among the caller's facilities.
  facilities[kCatchmentBatch + 3] = {-157.8, 95};
  size_t visited = 0;
  EXPECT_THAT(VisitCatchments(s.region, nullptr, facilities, params,
                              [&](size_t, std::span<const UnitReach>) { ++visited; }),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       "batch from facilities[1024]: facilities[3].location.lat: 95 is outside "
                       "[-90, 90]"));
  EXPECT_EQ(visited, kCatchmentBatch);  // the first batch, then the error
  EXPECT_THAT(VisitCatchments(s.region, nullptr, facilities,
                              {.max_minutes = 20, .deadline = absl::Now() - absl::Seconds(1)},
                              [&](size_t, std::span<const UnitReach>) { ++visited; }),
              StatusIs(absl::StatusCode::kDeadlineExceeded, HasSubstr("catchments stopped")));
  EXPECT_EQ(visited, kCatchmentBatch);
}

// Yuba County, California: real roads and tracts, with the open hospitals in and around it.
struct Yuba {
  const Region& region;
  const DriveRegion& drive;
  std::vector<geo::LonLat> hospitals;
};
const Yuba& LoadYuba() {
  static const Yuba* yuba = [] {
    const DrawnRegion& r = YubaRegion();
    auto* y = new Yuba{r.region, r.drive, {}};
    auto hospitals = testing_util::LoadOpenHifldHospitals(testing_util::DataDir());
    EXPECT_TRUE(hospitals.ok()) << hospitals.status();
    if (!hospitals.ok()) return y;
    for (const Facility& f : *hospitals) {
      if (f.location.lon > -121.8 && f.location.lon < -121.0 && f.location.lat > 38.9 &&
          f.location.lat < 39.7) {
        y->hospitals.push_back(f.location);
      }
    }
    return y;
  }();
  return *yuba;
}

TEST(RealCatchmentTest, BoundsHoldAndLargerBoundsContainSmallerOnes) {
  const Yuba& y = LoadYuba();
  ASSERT_GE(y.hospitals.size(), 2u);
  const auto run = [&](double max_minutes, double max_miles) {
    const CatchmentParams params{
        .travel = {.mode = TravelMode::kDrive}, .max_minutes = max_minutes, .max_miles = max_miles};
    auto c = FacilityCatchments(y.region, &y.drive, y.hospitals, params, nullptr);
    EXPECT_TRUE(c.ok()) << c.status();
    for (const auto& catchment : *c) {
      for (const UnitReach& r : catchment) {
        EXPECT_LE(r.minutes, max_minutes * (1 + 1e-6));
        EXPECT_LE(r.miles, max_miles * (1 + 1e-6));
      }
    }
    return *c;
  };
  const auto small = run(15, 10), large = run(30, 20);
  size_t small_total = 0, large_total = 0;
  for (size_t f = 0; f < y.hospitals.size(); ++f) {
    const std::vector<int32_t> s = Units(small[f]), l = Units(large[f]);
    EXPECT_TRUE(std::includes(l.begin(), l.end(), s.begin(), s.end())) << "hospital " << f;
    small_total += s.size();
    large_total += l.size();
  }
  EXPECT_GT(small_total, 0u);
  EXPECT_GT(large_total, small_total);
}

// With a time bound only, a unit's nearest hospital by DriveTravel is the quickest catchment
// that holds it, and a unit no catchment holds is not reached.
TEST(RealCatchmentTest, AgreesWithDriveTravel) {
  const Yuba& y = LoadYuba();
  std::vector<Facility> facilities;
  for (size_t f = 0; f < y.hospitals.size(); ++f) {
    facilities.push_back({.id = std::to_string(f), .location = y.hospitals[f]});
  }
  for (const bool to_facility : {true, false}) {
    routing::DriveParams drive;
    drive.to_facility = to_facility;
    const CatchmentParams params{.travel = {.mode = TravelMode::kDrive, .drive = drive},
                                 .max_minutes = 25};
    std::vector<int32_t> unsnapped;
    auto catchments = FacilityCatchments(y.region, &y.drive, y.hospitals, params, &unsnapped);
    ASSERT_TRUE(catchments.ok());
    const std::vector<Threshold> thresholds = {Threshold::Minutes(25)};
    std::vector<int32_t> unsnapped_travel;
    auto travel = DriveTravel(y.region, y.drive, facilities, thresholds, drive,
                              absl::InfiniteFuture(), &unsnapped_travel);
    ASSERT_TRUE(travel.ok());
    EXPECT_EQ(unsnapped, unsnapped_travel);
    std::vector<double> best(y.region.units.size(), std::numeric_limits<double>::infinity());
    for (const auto& catchment : *catchments) {
      for (const UnitReach& r : catchment) best[r.unit] = std::min<double>(best[r.unit], r.minutes);
    }
    int reached = 0;
    for (size_t i = 0; i < best.size(); ++i) {
      const UnitTravel& t = (*travel)[i];
      ASSERT_EQ(std::isfinite(best[i]), std::isfinite(t.minutes)) << y.region.units[i].id;
      if (!std::isfinite(best[i])) continue;
      ++reached;
      EXPECT_NEAR(best[i], t.minutes, 1e-3) << y.region.units[i].id;
    }
    EXPECT_GT(reached, 5);
    EXPECT_LT(reached, static_cast<int>(best.size()));  // 25 minutes leaves some out
  }
}

}  // namespace
}  // namespace carereach::access
