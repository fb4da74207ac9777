#include "geo/core/geodesic.h"

#include <cmath>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/status_matchers.h"

namespace carereach::geo {
namespace {

using testing::HasSubstr;
using testing_util::StatusIs;

// One degree of longitude along the equator is a * pi / 180 on WGS84 (a = 6378137 m).
TEST(GeodesicTest, OneDegreeAlongTheEquatorIsTheEquatorialArc) {
  EXPECT_NEAR(GeodesicMeters({0.0, 0.0}, {1.0, 0.0}), 111319.49079327357, 1e-6);
}

// The WGS84 meridian quadrant (equator to pole) is 10,001,965.729 m.
TEST(GeodesicTest, MeridianQuadrant) {
  EXPECT_NEAR(GeodesicMeters({0.0, 0.0}, {0.0, 90.0}), 10001965.729, 1e-3);
}

// GeographicLib's GeodSolve documentation: JFK (40:38:23N 073:46:44W) to Singapore Changi
// (01:21:33N 103:59:22E) is 15,347,628 m.
TEST(GeodesicTest, JfkToSingaporeMatchesGeodSolve) {
  const LonLat jfk{-(73 + 46 / 60.0 + 44 / 3600.0), 40 + 38 / 60.0 + 23 / 3600.0};
  const LonLat sin{103 + 59 / 60.0 + 22 / 3600.0, 1 + 21 / 60.0 + 33 / 3600.0};
  EXPECT_NEAR(GeodesicMeters(jfk, sin), 15347628.0, 0.5);
}

// GeodSolve documentation: 40.6N 73.8W to 49 01'N 2 33'E (JFK to Paris CDG) is 5,853,226 m.
TEST(GeodesicTest, JfkToParisMatchesGeodSolve) {
  EXPECT_NEAR(GeodesicMeters({-73.8, 40.6}, {2.55, 49.0 + 1.0 / 60.0}), 5853226.0, 0.5);
}

TEST(GeodesicTest, SymmetricAndZeroAtAPoint) {
  const LonLat a{-83.05, 42.33}, b{-84.55, 42.73};
  EXPECT_DOUBLE_EQ(GeodesicMeters(a, a), 0.0);
  EXPECT_NEAR(GeodesicMeters(a, b), GeodesicMeters(b, a), 1e-6);
  EXPECT_NEAR(GeodesicMiles(a, b), GeodesicMeters(a, b) / 1609.344, 1e-9);
}

TEST(GeodesicTest, ChordNeverExceedsGeodesic) {
  const LonLat points[] = {{0, 0}, {179.9, 0.1}, {-157.86, 21.31}, {-83.05, 42.33}, {10, -89.9}};
  for (const LonLat& a : points) {
    for (const LonLat& b : points) {
      const Ecef p = ToEcef(a), q = ToEcef(b);
      const double chord = std::hypot(p.x - q.x, p.y - q.y, p.z - q.z);
      EXPECT_LE(chord, GeodesicMeters(a, b) + 1e-6);
    }
  }
}

TEST(LonLatTest, AcceptsTheFullRange) {
  EXPECT_TRUE(ValidateLonLat({-180, -90}, "p").ok());
  EXPECT_TRUE(ValidateLonLat({180, 90}, "p").ok());
}

TEST(LonLatTest, RejectsOutOfRangeWithTheFieldPath) {
  EXPECT_THAT(ValidateLonLat({-83.0, 123.4}, "facilities[12].location"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       "facilities[12].location.lat: 123.4 is outside [-90, 90]"));
  EXPECT_THAT(ValidateLonLat({-181.0, 42.0}, "x"),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("x.lon: -181")));
}

TEST(LonLatTest, RejectsNaNAndInfinity) {
  EXPECT_THAT(ValidateLonLat({std::nan(""), 0}, "f"),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("f.lon: NaN")));
  EXPECT_THAT(ValidateLonLat({0, INFINITY}, "f"),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("f.lat: inf is outside")));
}

}  // namespace
}  // namespace carereach::geo
