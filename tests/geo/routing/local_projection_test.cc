#include "geo/core/local_projection.h"

#include <cmath>
#include <numbers>
#include <thread>
#include <vector>

#include "geo/core/geodesic.h"
#include "geo/core/geos_context.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/status_matchers.h"

namespace carereach::geo {
namespace {

using testing::HasSubstr;
using testing_util::StatusIs;

constexpr LonLat kHonolulu{-157.8583, 21.3069};

// The point `meters` from `from` geodesically, heading `bearing_degrees` (clockwise from north),
// found by bisection on GeodesicMeters along a lon/lat direction (exact to well under a
// millimetre).
LonLat PointAtDistance(LonLat from, double bearing_degrees, double meters) {
  const double b = bearing_degrees * std::numbers::pi / 180;
  const double dlon = std::sin(b) / std::cos(from.lat * std::numbers::pi / 180);
  const double dlat = std::cos(b);
  double lo = 0, hi = 1;  // degrees along the direction; 1 degree is > 10 km
  for (int i = 0; i < 100; ++i) {
    const double mid = (lo + hi) / 2;
    const LonLat p{from.lon + mid * dlon, from.lat + mid * dlat};
    (GeodesicMeters(from, p) < meters ? lo : hi) = mid;
  }
  return LonLat{from.lon + lo * dlon, from.lat + lo * dlat};
}

TEST(LocalProjectionTest, CentreIsTheOrigin) {
  absl::StatusOr<LocalProjection> projection = LocalProjection::Create(kHonolulu);
  ASSERT_TRUE(projection.ok()) << projection.status();
  absl::StatusOr<PlanarXY> origin = projection->Forward(kHonolulu);
  ASSERT_TRUE(origin.ok()) << origin.status();
  EXPECT_NEAR(origin->x, 0, 1e-6);
  EXPECT_NEAR(origin->y, 0, 1e-6);
}

TEST(LocalProjectionTest, XIsEastAndYIsNorth) {
  absl::StatusOr<LocalProjection> projection = LocalProjection::Create(kHonolulu);
  ASSERT_TRUE(projection.ok()) << projection.status();
  absl::StatusOr<PlanarXY> east = projection->Forward({kHonolulu.lon + 0.01, kHonolulu.lat});
  absl::StatusOr<PlanarXY> north = projection->Forward({kHonolulu.lon, kHonolulu.lat + 0.01});
  ASSERT_TRUE(east.ok() && north.ok());
  EXPECT_GT(east->x, 1000);
  EXPECT_NEAR(east->y, 0, 1);  // a parallel curves slightly away from the centre's great circle
  EXPECT_NEAR(north->x, 0, 1e-6);
  EXPECT_GT(north->y, 1000);
}

TEST(LocalProjectionTest, RoundTripsAPointToANanodegree) {
  absl::StatusOr<LocalProjection> projection = LocalProjection::Create(kHonolulu);
  ASSERT_TRUE(projection.ok()) << projection.status();
  for (const LonLat p : {LonLat{-157.7, 21.45}, LonLat{-158.28, 21.58}, LonLat{-157.0, 20.9}}) {
    absl::StatusOr<PlanarXY> xy = projection->Forward(p);
    ASSERT_TRUE(xy.ok()) << xy.status();
    absl::StatusOr<LonLat> back = projection->Inverse(*xy);
    ASSERT_TRUE(back.ok()) << back.status();
    EXPECT_NEAR(back->lon, p.lon, 1e-9);
    EXPECT_NEAR(back->lat, p.lat, 1e-9);
  }
}

// Azimuthal equidistant: the distance from the centre is the geodesic distance, in every
// direction.
TEST(LocalProjectionTest, DistanceFromTheCentreIsGeodesic) {
  absl::StatusOr<LocalProjection> projection = LocalProjection::Create(kHonolulu);
  ASSERT_TRUE(projection.ok()) << projection.status();
  for (const double bearing : {0.0, 45.0, 90.0, 135.0, 200.0, 290.0}) {
    const LonLat p = PointAtDistance(kHonolulu, bearing, 10'000);
    ASSERT_NEAR(GeodesicMeters(kHonolulu, p), 10'000, 1e-3);
    absl::StatusOr<PlanarXY> xy = projection->Forward(p);
    ASSERT_TRUE(xy.ok()) << xy.status();
    EXPECT_NEAR(std::hypot(xy->x, xy->y), 10'000, 1.0) << "bearing " << bearing;
  }
}

TEST(LocalProjectionTest, BulkVersionsMatchOnePointAtATime) {
  absl::StatusOr<LocalProjection> projection = LocalProjection::Create(kHonolulu);
  ASSERT_TRUE(projection.ok()) << projection.status();
  const std::vector<LonLat> points = {{-157.7, 21.45}, {-158.28, 21.58}, {-157.86, 21.3}};
  absl::StatusOr<std::vector<PlanarXY>> xys = projection->Forward(points);
  ASSERT_TRUE(xys.ok()) << xys.status();
  ASSERT_EQ(xys->size(), points.size());
  std::vector<double> xs, ys;
  for (const LonLat& p : points) {
    xs.push_back(p.lon);
    ys.push_back(p.lat);
  }
  ASSERT_TRUE(projection->ForwardInPlace(xs, ys).ok());
  for (size_t i = 0; i < points.size(); ++i) {
    absl::StatusOr<PlanarXY> one = projection->Forward(points[i]);
    ASSERT_TRUE(one.ok());
    EXPECT_DOUBLE_EQ((*xys)[i].x, one->x);
    EXPECT_DOUBLE_EQ((*xys)[i].y, one->y);
    EXPECT_DOUBLE_EQ(xs[i], one->x);
    EXPECT_DOUBLE_EQ(ys[i], one->y);
  }
  absl::StatusOr<std::vector<LonLat>> back = projection->Inverse(*xys);
  ASSERT_TRUE(back.ok()) << back.status();
  ASSERT_TRUE(projection->InverseInPlace(xs, ys).ok());
  for (size_t i = 0; i < points.size(); ++i) {
    EXPECT_NEAR((*back)[i].lon, points[i].lon, 1e-9);
    EXPECT_NEAR((*back)[i].lat, points[i].lat, 1e-9);
    EXPECT_NEAR(xs[i], points[i].lon, 1e-9);
    EXPECT_NEAR(ys[i], points[i].lat, 1e-9);
  }
  EXPECT_TRUE(projection->Forward(std::vector<LonLat>{}).ok());
}

TEST(LocalProjectionTest, BadInputIsInvalidArgument) {
  EXPECT_THAT(LocalProjection::Create({200, 0}),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("centre.lon")));
  absl::StatusOr<LocalProjection> projection = LocalProjection::Create(kHonolulu);
  ASSERT_TRUE(projection.ok()) << projection.status();
  EXPECT_THAT(projection->Forward(std::vector<LonLat>{{-157.7, 21.4}, {std::nan(""), 21.4}}),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("cannot project point 1")));
  std::vector<double> xs = {1, 2}, ys = {1};
  EXPECT_THAT(projection->InverseInPlace(xs, ys),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("2 xs but 1 ys")));
  // Still usable after an error.
  EXPECT_TRUE(projection->Forward(kHonolulu).ok());
}

TEST(LocalProjectionTest, OtherProjectedCrsFromAProjString) {
  // An Albers equal-area conic fitted to O'ahu: the centre of projection maps to (0, 0) only when
  // it is the origin (lat_0, lon_0), and points round-trip.
  absl::StatusOr<LocalProjection> made = LocalProjection::CreateFromProjString(
      "+proj=aea +lat_0=21.45 +lon_0=-157.95 +lat_1=21.3 +lat_2=21.6 +ellps=GRS80 +units=m "
      "+no_defs +type=crs",
      {-157.95, 21.45});
  ASSERT_TRUE(made.ok()) << made.status();
  LocalProjection& aea = *made;
  absl::StatusOr<PlanarXY> origin = aea.Forward({-157.95, 21.45});
  ASSERT_TRUE(origin.ok()) << origin.status();
  EXPECT_NEAR(origin->x, 0, 1e-6);
  EXPECT_NEAR(origin->y, 0, 1e-6);
  absl::StatusOr<PlanarXY> east = aea.Forward({-157.85, 21.45});
  ASSERT_TRUE(east.ok());
  EXPECT_NEAR(east->x, GeodesicMeters({-157.95, 21.45}, {-157.85, 21.45}), 20);  // ~10.4 km
  absl::StatusOr<LonLat> back = aea.Inverse(*east);
  ASSERT_TRUE(back.ok());
  EXPECT_NEAR(back->lon, -157.85, 1e-9);
  EXPECT_NEAR(back->lat, 21.45, 1e-9);
  EXPECT_THAT(LocalProjection::CreateFromProjString("+proj=nonsense +type=crs", {0, 0}),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("PROJ: ")));
  EXPECT_THAT(LocalProjection::CreateFromProjString("+proj=aea +type=crs", {0, 95}),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("centre")));
}

TEST(LocalProjectionTest, InstancesWorkOnSeparateThreads) {
  std::vector<std::thread> threads;
  std::vector<double> meters(4);
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([t, &meters] {
      const LonLat centre{kHonolulu.lon + t, kHonolulu.lat};
      absl::StatusOr<LocalProjection> projection = LocalProjection::Create(centre);
      if (!projection.ok()) return;
      for (int i = 0; i < 1000; ++i) {
        absl::StatusOr<PlanarXY> xy = projection->Forward({centre.lon, centre.lat + 0.1});
        if (xy.ok()) meters[t] = xy->y;
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  for (int t = 0; t < 4; ++t) {
    EXPECT_NEAR(meters[t], GeodesicMeters(kHonolulu, {kHonolulu.lon, kHonolulu.lat + 0.1}), 1e-3);
  }
}

TEST(GeosContextTest, FailuresBecomeInternalErrorsWithGeosMessage) {
  GeosContext& geos = GeosContext::ThreadLocal();
  EXPECT_EQ(&geos, &GeosContext::ThreadLocal());
  GEOSWKTReader* reader = GEOSWKTReader_create_r(geos.handle());
  absl::StatusOr<GeomPtr> parsed =
      geos.Check(GEOSWKTReader_read_r(geos.handle(), reader, "POLYGON((0 0, 1"), "read WKT");
  GEOSWKTReader_destroy_r(geos.handle(), reader);
  EXPECT_THAT(parsed, StatusIs(absl::StatusCode::kInternal, HasSubstr("GEOS: ")));
  EXPECT_THAT(parsed, StatusIs(absl::StatusCode::kInternal, HasSubstr("(read WKT)")));
  // The message is consumed: the next failure without a GEOS message says so.
  EXPECT_THAT(geos.Error("nothing"),
              StatusIs(absl::StatusCode::kInternal, HasSubstr("unknown error (nothing)")));
}

TEST(GeosContextTest, EachThreadHasItsOwnContext) {
  GEOSContextHandle_t here = GeosContext::ThreadLocal().handle();
  GEOSContextHandle_t there = nullptr;
  std::thread([&there] { there = GeosContext::ThreadLocal().handle(); }).join();
  EXPECT_NE(here, nullptr);
  EXPECT_NE(here, there);
}

}  // namespace
}  // namespace carereach::geo
