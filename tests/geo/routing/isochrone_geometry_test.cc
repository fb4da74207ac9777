#include "geo/routing/isochrone_geometry.h"

#include <cmath>
#include <numbers>
#include <regex>
#include <string>
#include <thread>
#include <vector>

#include "geo/core/geodesic.h"
#include "geo/core/geos_context.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/status_matchers.h"

namespace carereach::routing {
namespace {

using geo::GeomPtr;
using geo::GeosContext;
using geo::LonLat;
using testing::HasSubstr;
using testing::StartsWith;
using testing_util::StatusIs;

constexpr double kPi = std::numbers::pi;
constexpr LonLat kHonolulu{-157.8583, 21.3069};

// Degrees of longitude and latitude per metre near `at` (good to ~1e-3 over a few km).
double LonPerMeter(LonLat at) { return 1.0 / GeodesicMeters(at, {at.lon + 1, at.lat}); }
double LatPerMeter(LonLat at) { return 1.0 / GeodesicMeters(at, {at.lon, at.lat + 1}); }

// The point `east` and `north` metres from `origin`.
LonLat Offset(LonLat origin, double east, double north) {
  return {origin.lon + east * LonPerMeter(origin), origin.lat + north * LatPerMeter(origin)};
}

// Parses GeoJSON with GEOS's own reader (x = lon, y = lat); null when it is not valid GeoJSON.
GeomPtr Parse(const std::string& geojson) {
  GeosContext& geos = GeosContext::ThreadLocal();
  GEOSGeoJSONReader* reader = GEOSGeoJSONReader_create_r(geos.handle());
  GeomPtr g = geos.Own(GEOSGeoJSONReader_readGeometry_r(geos.handle(), reader, geojson.c_str()));
  GEOSGeoJSONReader_destroy_r(geos.handle(), reader);
  return g;
}

bool Contains(const GEOSGeometry* area, LonLat p) {
  GeosContext& geos = GeosContext::ThreadLocal();
  GeomPtr point = geos.Own(GEOSGeom_createPointFromXY_r(geos.handle(), p.lon, p.lat));
  return GEOSContains_r(geos.handle(), area, point.get()) == 1;
}

bool IsCounterClockwise(const GEOSGeometry* ring) {
  GeosContext& geos = GeosContext::ThreadLocal();
  char ccw = 0;
  GEOSCoordSeq_isCCW_r(geos.handle(), GEOSGeom_getCoordSeq_r(geos.handle(), ring), &ccw);
  return ccw != 0;
}

// A square loop of four roads, `side` metres a side, south-west corner at `corner`.
std::vector<Polyline> Block(LonLat corner, double side) {
  const LonLat sw = corner, se = Offset(corner, side, 0), ne = Offset(corner, side, side),
               nw = Offset(corner, 0, side);
  return {{sw, se}, {se, ne}, {ne, nw}, {nw, sw}};
}

// A single straight road of 1 km widened by 100 m is a stadium: a 1 km x 200 m rectangle and two
// half discs of radius 100 m.
TEST(BuildIsochroneTest, StraightRoadGivesAStadium) {
  const LonLat a = kHonolulu, b = Offset(kHonolulu, 1000, 0);
  const double km = GeodesicMeters(a, b) / 1000;
  ASSERT_NEAR(km, 1.0, 0.01);
  absl::StatusOr<IsochroneGeometry> iso = BuildIsochrone({{a, b}}, {}, 100, 0);
  ASSERT_TRUE(iso.ok()) << iso.status();
  const double stadium_km2 = km * 0.2 + kPi * 0.1 * 0.1;
  EXPECT_NEAR(iso->area_km2, stadium_km2, 0.02 * stadium_km2);
  EXPECT_THAT(iso->geojson, StartsWith(R"({"type":"Polygon","coordinates":[[[)"));
}

TEST(BuildIsochroneTest, OnePointPolylineBecomesADisc) {
  absl::StatusOr<IsochroneGeometry> iso = BuildIsochrone({{kHonolulu}}, {}, 100, 0);
  ASSERT_TRUE(iso.ok()) << iso.status();
  // An inscribed 16-gon (4 segments a quarter) has 97.4% of the disc's area.
  EXPECT_NEAR(iso->area_km2, kPi * 0.01 * 0.974, 0.01 * kPi * 0.01);
}

TEST(BuildIsochroneTest, EveryFacilityLiesInsideItsIsochrone) {
  const std::vector<Polyline> roads = Block(kHonolulu, 2000);
  const std::vector<LonLat> facilities = {
      kHonolulu,                           // on a corner of the roads
      Offset(kHonolulu, 1000, 1000),       // inside the block, far from every road
      Offset(kHonolulu, 5000, -3000),      // far from every road
      Offset(kHonolulu, 2000 + 30, 1000),  // just beside a road
  };
  for (const double point_buffer : {5.0, 50.0, 500.0}) {
    absl::StatusOr<IsochroneGeometry> iso = BuildIsochrone(roads, facilities, 200, point_buffer);
    ASSERT_TRUE(iso.ok()) << iso.status();
    GeomPtr area = Parse(iso->geojson);
    ASSERT_NE(area, nullptr) << iso->geojson;
    for (size_t i = 0; i < facilities.size(); ++i) {
      EXPECT_TRUE(Contains(area.get(), facilities[i]))
          << "facility " << i << " with point buffer " << point_buffer;
    }
  }
}

TEST(BuildIsochroneTest, MoreReachedRoadsNeverGiveASmallerArea) {
  // A lattice of 100 m pieces, reached in a scattered order, added a few at a time.
  std::vector<Polyline> lattice;
  for (int i = 0; i < 8; ++i) {
    for (int j = 0; j < 8; ++j) {
      const LonLat p = Offset(kHonolulu, 300.0 * i, 300.0 * j);
      lattice.push_back({p, Offset(kHonolulu, 300.0 * i + 300, 300.0 * j)});
      lattice.push_back({p, Offset(kHonolulu, 300.0 * i, 300.0 * j + 300)});
    }
  }
  std::vector<Polyline> reached;
  double previous = 0;
  for (size_t k = 0; k < lattice.size(); ++k) {
    reached.push_back(lattice[(k * 37) % lattice.size()]);  // 37 is coprime with 128
    if (k % 8 != 7) continue;
    absl::StatusOr<IsochroneGeometry> iso = BuildIsochrone(reached, {kHonolulu}, 60, 100);
    ASSERT_TRUE(iso.ok()) << iso.status();
    EXPECT_GE(iso->area_km2, previous) << reached.size() << " pieces";
    previous = iso->area_km2;
  }
}

// A small network with every kind of node: a 4-way junction (a 3 x 3 lattice of 400 m blocks), a
// T, a star of 6 roads, a cul-de-sac, a road that is a closed loop by itself, a duplicated piece
// and a piece with a repeated position. Roads are drawn as long polylines.
std::vector<Polyline> Network() {
  std::vector<Polyline> roads;
  for (int i = 0; i <= 3; ++i) {
    Polyline east_west, north_south;
    for (int j = 0; j <= 3; ++j) {
      east_west.push_back(Offset(kHonolulu, 400.0 * j, 400.0 * i));
      north_south.push_back(Offset(kHonolulu, 400.0 * i, 400.0 * j));
    }
    roads.push_back(east_west);
    roads.push_back(north_south);
  }
  roads.push_back({Offset(kHonolulu, 1200, 600), Offset(kHonolulu, 1700, 600)});  // T
  const LonLat hub = Offset(kHonolulu, 3000, 3000);
  for (int k = 0; k < 6; ++k) {
    const double angle = k * kPi / 3 + 0.2;
    roads.push_back({hub, Offset(hub, 700 * std::cos(angle), 700 * std::sin(angle))});
  }
  roads.push_back({Offset(kHonolulu, 0, 1200), Offset(kHonolulu, -300, 1500)});  // cul-de-sac
  const LonLat loop = Offset(kHonolulu, -2000, 0);
  roads.push_back({loop, Offset(loop, 500, 0), Offset(loop, 500, 500), loop});
  roads.push_back(roads.front());
  roads.push_back(
      {Offset(kHonolulu, 0, 3000), Offset(kHonolulu, 0, 3000), Offset(kHonolulu, 0, 3500)});
  return roads;
}

// The same roads cut into their two-point segments, alternately reversed, in a scattered order.
std::vector<Polyline> Segments(const std::vector<Polyline>& roads) {
  std::vector<Polyline> segments;
  for (const Polyline& road : roads) {
    for (size_t i = 0; i + 1 < road.size(); ++i) {
      if (segments.size() % 2 == 0) {
        segments.push_back({road[i], road[i + 1]});
      } else {
        segments.push_back({road[i + 1], road[i]});
      }
    }
  }
  std::vector<Polyline> scattered;
  for (size_t k = 0; k < segments.size(); ++k) {
    scattered.push_back(segments[(k * 7) % segments.size()]);
  }
  if (segments.size() % 7 == 0) return segments;  // 7 must be coprime with the count
  return scattered;
}

// Pieces are joined into longer lines before buffering; how the roads are cut, ordered or directed
// must not matter, and no piece may be lost.
TEST(BuildIsochroneTest, HowRoadsAreCutDoesNotChangeTheArea) {
  const std::vector<Polyline> roads = Network();
  const std::vector<Polyline> segments = Segments(roads);
  absl::StatusOr<IsochroneGeometry> whole = BuildIsochrone(roads, {}, 80, 0);
  absl::StatusOr<IsochroneGeometry> cut = BuildIsochrone(segments, {}, 80, 0);
  ASSERT_TRUE(whole.ok()) << whole.status();
  ASSERT_TRUE(cut.ok()) << cut.status();
  EXPECT_NEAR(cut->area_km2, whole->area_km2, 1e-3 * whole->area_km2);
  for (const IsochroneGeometry* iso : {&*whole, &*cut}) {
    GeomPtr area = Parse(iso->geojson);
    ASSERT_NE(area, nullptr) << iso->geojson;
    EXPECT_EQ(GEOSisValid_r(GeosContext::ThreadLocal().handle(), area.get()), 1);
    for (const Polyline& segment : segments) {
      const LonLat middle{(segment[0].lon + segment[1].lon) / 2,
                          (segment[0].lat + segment[1].lat) / 2};
      EXPECT_TRUE(Contains(area.get(), middle)) << middle.lon << "," << middle.lat;
    }
    // The middle of a block is 200 m from its roads, beyond the 80 m buffer.
    EXPECT_FALSE(Contains(area.get(), Offset(kHonolulu, 200, 200)));
  }
}

TEST(BuildIsochroneTest, CoordinatesAreLonLatWithSixDecimals) {
  absl::StatusOr<IsochroneGeometry> iso =
      BuildIsochrone({{kHonolulu, Offset(kHonolulu, 700, 300)}}, {kHonolulu}, 100, 100);
  ASSERT_TRUE(iso.ok()) << iso.status();
  std::smatch first;
  ASSERT_TRUE(
      std::regex_search(iso->geojson, first, std::regex(R"(\[\[\[(-?[0-9.]+),(-?[0-9.]+)\])")))
      << iso->geojson;
  EXPECT_NEAR(std::stod(first[1]), -157.86, 0.01);
  EXPECT_NEAR(std::stod(first[2]), 21.31, 0.01);
  EXPECT_FALSE(std::regex_search(iso->geojson, std::regex(R"(\.[0-9]{7})")));
  GeomPtr area = Parse(iso->geojson);
  ASSERT_NE(area, nullptr);
  GeosContext& geos = GeosContext::ThreadLocal();
  double min_x = 0, max_x = 0, min_y = 0, max_y = 0;
  GEOSGeom_getXMin_r(geos.handle(), area.get(), &min_x);
  GEOSGeom_getXMax_r(geos.handle(), area.get(), &max_x);
  GEOSGeom_getYMin_r(geos.handle(), area.get(), &min_y);
  GEOSGeom_getYMax_r(geos.handle(), area.get(), &max_y);
  // The road runs 700 m east and 300 m north; the area reaches 100 m beyond it.
  const LonLat south_west = Offset(kHonolulu, -100, -100), north_east = Offset(kHonolulu, 800, 400);
  EXPECT_NEAR(min_x, south_west.lon, 2e-5);
  EXPECT_NEAR(min_y, south_west.lat, 2e-5);
  EXPECT_NEAR(max_x, north_east.lon, 2e-5);
  EXPECT_NEAR(max_y, north_east.lat, 2e-5);
}

TEST(BuildIsochroneTest, ExteriorRingsAreCounterClockwiseAndHolesClockwise) {
  absl::StatusOr<IsochroneGeometry> iso = BuildIsochrone(Block(kHonolulu, 2000), {}, 100, 0);
  ASSERT_TRUE(iso.ok()) << iso.status();
  GeomPtr area = Parse(iso->geojson);
  ASSERT_NE(area, nullptr) << iso->geojson;
  GeosContext& geos = GeosContext::ThreadLocal();
  ASSERT_EQ(GEOSGeomTypeId_r(geos.handle(), area.get()), GEOS_POLYGON);
  ASSERT_EQ(GEOSGetNumInteriorRings_r(geos.handle(), area.get()), 1);
  EXPECT_TRUE(IsCounterClockwise(GEOSGetExteriorRing_r(geos.handle(), area.get())));
  EXPECT_FALSE(IsCounterClockwise(GEOSGetInteriorRingN_r(geos.handle(), area.get(), 0)));
  EXPECT_EQ(GEOSisValid_r(geos.handle(), area.get()), 1);
  // 2.2 km square less a 1.8 km square, rounded outer corners (4 quarter discs of 100 m).
  EXPECT_NEAR(iso->area_km2, 2.2 * 2.2 - 1.8 * 1.8 - (0.04 - kPi * 0.01), 0.02 * 1.6);
}

TEST(BuildIsochroneTest, PiecesFarApartGiveAMultiPolygon) {
  const Polyline near = {kHonolulu, Offset(kHonolulu, 500, 0)};
  const Polyline far = {Offset(kHonolulu, 0, 50'000), Offset(kHonolulu, 500, 50'000)};
  absl::StatusOr<IsochroneGeometry> iso = BuildIsochrone({near, far}, {}, 100, 0);
  ASSERT_TRUE(iso.ok()) << iso.status();
  EXPECT_THAT(iso->geojson, StartsWith(R"({"type":"MultiPolygon","coordinates":[[[[)"));
  GeomPtr area = Parse(iso->geojson);
  ASSERT_NE(area, nullptr) << iso->geojson;
  EXPECT_EQ(GEOSGetNumGeometries_r(GeosContext::ThreadLocal().handle(), area.get()), 2);
  const double one_km2 = 0.5 * 0.2 + kPi * 0.01;
  EXPECT_NEAR(iso->area_km2, 2 * one_km2, 0.02 * 2 * one_km2);
}

// Centred on the antimeridian, a 700 m road from 179.995 E to 179.995 W is 700 m long, not the
// long way around the earth.
TEST(BuildIsochroneTest, RoadAcrossTheAntimeridianStaysShort) {
  const LonLat west{179.995, 51.8}, east{-179.995, 51.8};
  const double km = GeodesicMeters(west, east) / 1000;
  absl::StatusOr<IsochroneGeometry> iso = BuildIsochrone({{west, east}}, {}, 100, 0);
  ASSERT_TRUE(iso.ok()) << iso.status();
  const double stadium_km2 = km * 0.2 + kPi * 0.01;
  EXPECT_NEAR(iso->area_km2, stadium_km2, 0.02 * stadium_km2);
}

TEST(BuildIsochroneTest, NothingReachedGivesAnEmptyMultiPolygon) {
  for (const std::vector<Polyline>& reached : {std::vector<Polyline>{}, {{}, {}}}) {
    absl::StatusOr<IsochroneGeometry> iso = BuildIsochrone(reached, {}, 100, 100);
    ASSERT_TRUE(iso.ok()) << iso.status();
    EXPECT_EQ(iso->geojson, R"({"type":"MultiPolygon","coordinates":[]})");
    EXPECT_EQ(iso->area_km2, 0);
  }
  // Zero buffers cover nothing either.
  absl::StatusOr<IsochroneGeometry> iso =
      BuildIsochrone({{kHonolulu, Offset(kHonolulu, 100, 0)}}, {kHonolulu}, 0, 0);
  ASSERT_TRUE(iso.ok()) << iso.status();
  EXPECT_EQ(iso->geojson, R"({"type":"MultiPolygon","coordinates":[]})");
}

TEST(BuildIsochroneTest, FacilitiesAloneGiveDiscs) {
  absl::StatusOr<IsochroneGeometry> iso = BuildIsochrone({}, {kHonolulu}, 100, 1000);
  ASSERT_TRUE(iso.ok()) << iso.status();
  EXPECT_THAT(iso->geojson, StartsWith(R"({"type":"Polygon")"));
  EXPECT_NEAR(iso->area_km2, kPi * 0.974, 0.01 * kPi);
}

TEST(BuildIsochroneTest, BadInputIsInvalidArgument) {
  const Polyline road = {kHonolulu, Offset(kHonolulu, 100, 0)};
  EXPECT_THAT(BuildIsochrone({road}, {}, -1, 0),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("road_buffer_meters: -1")));
  EXPECT_THAT(BuildIsochrone({road}, {}, 100, std::nan("")),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("point_buffer_meters")));
  EXPECT_THAT(BuildIsochrone({road, {kHonolulu, {-157.8, std::nan("")}}}, {}, 100, 0),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("reached[1][1].lat: NaN is not a coordinate")));
  EXPECT_THAT(BuildIsochrone({road}, {kHonolulu, {-200, 21}}, 100, 100),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("points[1].lon: -200")));
}

TEST(BuildIsochroneTest, ConcurrentCallsAgreeWithASingleCall) {
  std::vector<Polyline> roads = Block(kHonolulu, 1500);
  const std::vector<Polyline> second = Block(Offset(kHonolulu, 1000, 1000), 1500);
  roads.insert(roads.end(), second.begin(), second.end());
  const std::vector<LonLat> facilities = {kHonolulu, Offset(kHonolulu, 4000, 0)};
  absl::StatusOr<IsochroneGeometry> expected = BuildIsochrone(roads, facilities, 120, 200);
  ASSERT_TRUE(expected.ok()) << expected.status();
  std::vector<std::string> results(4);
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 20; ++i) {
        absl::StatusOr<IsochroneGeometry> iso = BuildIsochrone(roads, facilities, 120, 200);
        results[t] = iso.ok() ? iso->geojson : iso.status().ToString();
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  for (const std::string& result : results) EXPECT_EQ(result, expected->geojson);
}

}  // namespace
}  // namespace carereach::routing
