#include "geo/core/nearest_facility_index.h"

#include <random>
#include <vector>

#include "geo/core/geodesic.h"
#include "gtest/gtest.h"

namespace carereach::geo {
namespace {

NearestFacilityIndex::Hit BruteForce(const std::vector<LonLat>& points, LonLat q) {
  NearestFacilityIndex::Hit best;
  for (size_t i = 0; i < points.size(); ++i) {
    const double m = GeodesicMeters(q, points[i]);
    if (m < best.meters) best = {static_cast<int32_t>(i), m};
  }
  return best;
}

TEST(NearestFacilityIndexTest, EmptyIndexFindsNothing) {
  const NearestFacilityIndex index(std::vector<LonLat>{});
  EXPECT_EQ(index.Nearest({0, 0}).index, -1);
}

TEST(NearestFacilityIndexTest, SinglePoint) {
  const std::vector<LonLat> points = {{-157.86, 21.31}};
  const NearestFacilityIndex index(points);
  const auto hit = index.Nearest({-157.80, 21.40});
  EXPECT_EQ(hit.index, 0);
  EXPECT_NEAR(hit.meters, GeodesicMeters({-157.80, 21.40}, points[0]), 1e-9);
}

TEST(NearestFacilityIndexTest, TiesGoToTheLowerIndex) {
  const std::vector<LonLat> points = {{1, 0}, {-1, 0}, {1, 0}};
  const NearestFacilityIndex index(points);
  EXPECT_EQ(index.Nearest({0, 0}).index, 0);
}

// Property: the index always agrees with an exhaustive geodesic search, for points spread over
// the globe, clustered in a city, and across the antimeridian.
TEST(NearestFacilityIndexTest, AgreesWithBruteForce) {
  std::mt19937 rng(20261122);
  std::uniform_real_distribution<double> lon(-180, 180), lat(-89, 89);
  std::normal_distribution<double> city(0.0, 0.05);
  std::vector<LonLat> points;
  for (int i = 0; i < 300; ++i) points.push_back({lon(rng), lat(rng)});
  for (int i = 0; i < 300; ++i) points.push_back({-83.05 + city(rng), 42.33 + city(rng)});
  for (int i = 0; i < 50; ++i) points.push_back({179.95 + city(rng) * 0.1, 0.0 + city(rng)});
  for (LonLat& p : points) {
    if (p.lon > 180) p.lon -= 360;
  }
  const NearestFacilityIndex index(points);
  std::vector<LonLat> queries;
  for (int i = 0; i < 500; ++i) queries.push_back({lon(rng), lat(rng)});
  for (int i = 0; i < 500; ++i) queries.push_back({-83.05 + city(rng), 42.33 + city(rng)});
  queries.push_back({-179.99, 0.01});
  for (const LonLat& q : queries) {
    const auto expected = BruteForce(points, q);
    const auto got = index.Nearest(q);
    ASSERT_NEAR(got.meters, expected.meters, 1e-6) << q.lon << "," << q.lat;
    EXPECT_NEAR(GeodesicMeters(q, points[got.index]), got.meters, 1e-6);
  }
}

}  // namespace
}  // namespace carereach::geo
