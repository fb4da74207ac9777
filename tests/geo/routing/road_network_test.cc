#include "geo/routing/road_network.h"

#include "geo/core/geodesic.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/geo/roads/ascii_map.h"

namespace carereach::routing {
namespace {

using testing_util::AsciiMap;

constexpr double kNoBound = 1e9;

// Travel from the unit at `unit` to the facilities, default parameters except snapping.
std::vector<RoadTravel> Travel(const RoadNetwork& net, std::vector<geo::LonLat> units,
                               std::vector<geo::LonLat> facilities, DriveParams params = {}) {
  const auto u = SnapAll(net, units, params.max_snap_meters);
  const auto f = SnapAll(net, facilities, params.max_snap_meters);
  auto t = NearestFacilityByRoad(net, u, f, params, kNoBound, kNoBound, absl::InfiniteFuture());
  EXPECT_TRUE(t.ok()) << t.status();
  return *t;
}

double Offroad(double meters) { return meters / DriveParams().offroad_meters_per_second; }

TEST(SnapTest, SnapsToTheMiddleOfASegmentNotToANode) {
  AsciiMap map("a-------------------b", 50);  // 20 cells of 50 m: 1 km
  map.Way("ab", {.highway = "primary"});
  auto net = RoadNetwork::Create(map.Build());
  const geo::LonLat p = map.At('a', 500, 40);  // 40 m north of the middle
  auto snap = net->snap_index().Nearest(p, 1000);
  ASSERT_TRUE(snap.has_value());
  EXPECT_NEAR(snap->fraction, 0.5, 0.002);
  EXPECT_NEAR(snap->snap_meters, 40, 0.5);
  EXPECT_FALSE(net->snap_index().Nearest(p, 30).has_value());  // beyond max_snap_meters
}

TEST(SnapTest, NeverSnapsOntoIslandsFerriesOrMotorways) {
  AsciiMap map(R"(
a-----b
       
c=====d
       
e~~~~~f
       
x-----y
)",
               100);
  map.Way("ab", {.highway = "residential"});
  map.Way("cd", {.highway = "motorway", .oneway = "no"});
  map.Way("ef", {.route = "ferry"});
  map.Way("bdfy", {.highway = "residential", .access = "no"});  // keeps x-y an island
  map.Way("xy", {.highway = "residential"});
  map.Way("ac", {.highway = "residential"});
  map.Way("ce", {.highway = "residential"});
  auto net = RoadNetwork::Create(map.Build());
  // Right on the island road, the motorway or the ferry, a point still joins a-b (or a-c/c-e).
  for (char c : {'x', 'd', 'f'}) {
    auto snap = net->snap_index().Nearest(map.At(c, -300, 0), 5000);
    ASSERT_TRUE(snap.has_value()) << c;
    const roads::Segment& s = net->graph().segments[snap->segment];
    EXPECT_EQ(s.road_class, roads::RoadClass::kResidential) << c;
    EXPECT_TRUE(net->graph().node_in_main[s.from]) << c;
  }
}

TEST(DriveTest, OnewayStreetsMakeTheDirectionsDiffer) {
  // Along a one-way street eastwards; back west only by the long way round.
  AsciiMap map(R"(
a----------b
|          |
c----------d
)",
               100);
  map.Way("ab", {.highway = "primary", .oneway = "yes"});
  map.Way("acdb", {.highway = "residential"});
  auto net = RoadNetwork::Create(map.Build());
  const geo::LonLat west = map.At('a', 100, 0), east = map.At('b', -100, 0);
  const double ab = geo::GeodesicMeters(map.At('a'), map.At('b'));
  // West to east: 900 m along the one-way primary at 10 m/s.
  auto to_east = Travel(*net, {west}, {east});
  EXPECT_NEAR(to_east[0].seconds, (ab - 200) / 10.0, 0.5);
  // East to west: on to b (100 m), round by d and c on the residential loop (1.5 km at 5 m/s),
  // then along the one-way again from a (100 m).
  auto to_west = Travel(*net, {east}, {west});
  const double around = geo::GeodesicMeters(map.At('a'), map.At('c')) * 2 + ab;
  EXPECT_NEAR(to_west[0].seconds, 100 / 10.0 + around / 5.0 + 100 / 10.0, 1.0);
  EXPECT_GT(to_west[0].seconds, to_east[0].seconds * 3);
  // The reverse question (from the facility) swaps them.
  DriveParams from;
  from.to_facility = false;
  auto from_facility = Travel(*net, {east}, {west}, from);
  EXPECT_NEAR(from_facility[0].seconds, to_east[0].seconds, 0.5);
}

TEST(DriveTest, FerriesAreCrossedAtFerrySpeed) {
  AsciiMap map("a---b~~~~~~~~~~c---d", 100);
  map.Way("ab", {.highway = "primary"});
  map.Way("bc", {.route = "ferry"});
  map.Way("cd", {.highway = "primary"});
  auto net = RoadNetwork::Create(map.Build());
  auto t = Travel(*net, {map.At('a')}, {map.At('d')});
  const double road = geo::GeodesicMeters(map.At('a'), map.At('b')) * 2;
  const double ferry = geo::GeodesicMeters(map.At('b'), map.At('c'));
  EXPECT_NEAR(t[0].seconds, road / 10.0 + ferry / 1.0, 1.0);
}

TEST(DriveTest, AnUnreachableFacilityIsNotReachedAndAFarPointIsUnsnapped) {
  AsciiMap map(R"(
a-----b


              x-----y
)",
               100);
  map.Way("ab", {.highway = "primary"});
  map.Way("xy", {.highway = "primary"});  // a second component, smaller: not snappable
  auto net = RoadNetwork::Create(map.Build());
  DriveParams params;
  params.max_snap_meters = 200;
  const auto units = SnapAll(*net, std::vector{map.At('a', 100, 50), map.At('y', 5000, 0)}, 200);
  EXPECT_TRUE(units[0].has_value());
  EXPECT_FALSE(units[1].has_value());  // 5 km from any road
  const auto facilities = SnapAll(*net, std::vector{map.At('y')}, 200);
  EXPECT_FALSE(facilities[0].has_value());  // only the island is near it
  auto t = NearestFacilityByRoad(*net, units, facilities, params, kNoBound, kNoBound,
                                 absl::InfiniteFuture());
  ASSERT_TRUE(t.ok());
  EXPECT_EQ((*t)[0].fastest_facility, -1);
  EXPECT_EQ((*t)[1].fastest_facility, -1);
}

TEST(DriveTest, FastestAndShortestRoutesDifferAndAreMeasuredSeparately) {
  // Straight residential road (short, slow) versus a primary detour (long, fast).
  AsciiMap map(R"(
c------------------d
|                  |
a------------------b
)",
               100);
  map.Way("ab", {.highway = "residential"});
  map.Way("acdb", {.highway = "primary"});
  auto net = RoadNetwork::Create(map.Build());
  auto t = Travel(*net, {map.At('a')}, {map.At('b')});
  const double straight = geo::GeodesicMeters(map.At('a'), map.At('b'));
  const double detour = straight + 2 * geo::GeodesicMeters(map.At('a'), map.At('c'));
  EXPECT_NEAR(t[0].meters, straight, 0.5);              // shortest: the straight road
  EXPECT_NEAR(t[0].seconds, detour / 10.0, 0.5);        // fastest: the detour at 10 m/s
  EXPECT_NEAR(t[0].fastest_route_meters, detour, 0.5);  // ...which is longer
  EXPECT_LT(t[0].seconds, straight / 5.0);
}

TEST(DriveTest, UnitAndFacilityOnTheSameSegmentAndOffRoadLegsCount) {
  AsciiMap map(R"(
a-------------------b
|                   |
c-------------------d
)",
               50);  // a-b: 1 km of one-way primary; the loop back keeps it strongly connected
  map.Way("ab", {.highway = "primary", .oneway = "yes"});
  map.Way("acdb", {.highway = "residential"});
  auto net = RoadNetwork::Create(map.Build());
  const geo::LonLat unit = map.At('a', 200, 20), facility = map.At('a', 700, 15);
  auto t = Travel(*net, {unit}, {facility});
  EXPECT_EQ(t[0].fastest_facility, 0);
  EXPECT_NEAR(t[0].meters, 500 + 20 + 15, 1.0);
  EXPECT_NEAR(t[0].seconds, 500 / 10.0 + Offroad(35), 0.5);
  // Against the one-way direction: round the loop (300 m on, 1.2 km back, 200 m on).
  auto back = Travel(*net, {facility}, {unit});
  EXPECT_EQ(back[0].fastest_facility, 0);
  EXPECT_NEAR(back[0].seconds, 300 / 10.0 + 1200 / 5.0 + 200 / 10.0 + Offroad(35), 1.0);
}

TEST(DriveTest, NearestOfManyFacilitiesAndTheBoundIsRespected) {
  AsciiMap map("a----------b----------c----------d", 100);
  map.Way("abcd", {.highway = "primary"});
  auto net = RoadNetwork::Create(map.Build());
  const auto units = SnapAll(*net, std::vector{map.At('a'), map.At('c', 100, 0)}, 100);
  const auto facilities = SnapAll(*net, std::vector{map.At('b'), map.At('d')}, 100);
  // Segments are 1.1 km at 10 m/s. Unit 0 at a: b is 110 s away. Unit 1, 100 m past c: b is
  // 120 s away, d 100 s.
  auto t = NearestFacilityByRoad(*net, units, facilities, {}, kNoBound, kNoBound,
                                 absl::InfiniteFuture());
  ASSERT_TRUE(t.ok());
  EXPECT_EQ((*t)[0].fastest_facility, 0);
  EXPECT_NEAR((*t)[0].seconds, 110, 0.5);
  EXPECT_EQ((*t)[1].fastest_facility, 1);
  EXPECT_NEAR((*t)[1].seconds, 100, 0.5);
  // Bounded at 105 s, unit 0 is beyond reach; unit 1 is not.
  t = NearestFacilityByRoad(*net, units, facilities, {}, 105, kNoBound, absl::InfiniteFuture());
  ASSERT_TRUE(t.ok());
  EXPECT_EQ((*t)[0].fastest_facility, -1);
  EXPECT_TRUE(std::isinf((*t)[0].seconds));
  EXPECT_EQ((*t)[1].fastest_facility, 1);
}

TEST(DriveTest, DeadlineStopsTheSearch) {
  AsciiMap map("a----------b", 100);
  map.Way("ab", {.highway = "primary"});
  auto net = RoadNetwork::Create(map.Build());
  const auto u = SnapAll(*net, std::vector{map.At('a')}, 100);
  // With a deadline in the past the search either finishes within its first stride or stops.
  auto t = NearestFacilityByRoad(*net, u, u, {}, kNoBound, kNoBound, absl::InfinitePast());
  EXPECT_TRUE(t.ok() || t.status().code() == absl::StatusCode::kDeadlineExceeded);
}

TEST(MatrixTest, OriginToDestinationsByRoad) {
  AsciiMap map(R"(
a----------b----------c
|                     |
d---------------------e
)",
               100);
  map.Way("abc", {.highway = "primary", .oneway = "yes"});
  map.Way("ce", {.highway = "residential"});
  map.Way("ed", {.highway = "residential"});
  map.Way("da", {.highway = "residential"});
  auto net = RoadNetwork::Create(map.Build());
  auto origin = net->snap_index().Nearest(map.At('b'), 100);
  ASSERT_TRUE(origin.has_value());
  const auto dest = SnapAll(*net, std::vector{map.At('a'), map.At('c')}, 100);
  auto row = TravelFromOrigin(*net, *origin, dest, {}, kNoBound, absl::InfiniteFuture());
  ASSERT_TRUE(row.ok());
  // To a: against the one-way, 1.1 km on to c (110 s), then c-e-d-a: 200 + 2,200 + 200 m at
  // 5 m/s (520 s).
  EXPECT_NEAR((*row)[0].seconds, 110 + 2600 / 5.0, 1.0);
  EXPECT_NEAR((*row)[0].meters, 1100 + 2600, 3700 * 0.002);  // the drawing grid is approximate
  EXPECT_NEAR((*row)[1].seconds, geo::GeodesicMeters(map.At('b'), map.At('c')) / 10, 0.5);
}

TEST(ReachedRoadsTest, PartialSegmentsAreCutWhereTimeRunsOut) {
  AsciiMap map("a-------------------b", 50);  // 1 km at 10 m/s = 100 s
  map.Way("ab", {.highway = "primary"});
  auto net = RoadNetwork::Create(map.Build());
  auto src = net->snap_index().Nearest(map.At('a'), 10);
  ASSERT_TRUE(src.has_value());
  DriveParams from;
  from.to_facility = false;
  auto reached = ReachedRoads(*net, std::vector{*src}, from, 30, absl::InfiniteFuture());
  ASSERT_TRUE(reached.ok());
  double farthest = 0;
  for (const auto& line : *reached) {
    for (const geo::LonLat& p : line)
      farthest = std::max(farthest, geo::GeodesicMeters(map.At('a'), p));
  }
  EXPECT_NEAR(farthest, 300, 2);  // 30 s at 10 m/s
}

// Points every `step` metres along the drawn line a-b-c-d, on the road.
std::vector<std::optional<Snap>> PointsAlong(const RoadNetwork& net, const AsciiMap& map,
                                             double step, double end) {
  std::vector<geo::LonLat> points;
  for (double x = 0; x <= end; x += step) points.push_back(map.At('a', x, 0));
  return SnapAll(net, points, 10);
}

TEST(PointsWithinBoundTest, BoundedSingleSourceSearchFindsThePointsInReach) {
  AsciiMap map("a----------b----------c----------d", 100);  // 1.1 km segments at 10 m/s
  map.Way("abcd", {.highway = "primary"});
  auto net = RoadNetwork::Create(map.Build());
  const auto source = net->snap_index().Nearest(map.At('b'), 10);
  ASSERT_TRUE(source.has_value());
  // 41 points every 80 m from a: more points than the 4 nodes, so candidates come from the
  // node index. Within 95 s of b (950 m at 10 m/s): points 2 (160 m) to 25 (2,000 m).
  const auto many = PointsAlong(*net, map, 80, 3200);
  const PointsByNode many_index(net->graph(), many);
  auto reached = PointsWithinBound(*net, *source, many, many_index, {}, Metric::kSeconds, 95,
                                   absl::InfiniteFuture());
  ASSERT_TRUE(reached.ok()) << reached.status();
  ASSERT_EQ(reached->size(), 24u);
  for (size_t k = 0; k < reached->size(); ++k) {
    const PointReach& r = (*reached)[k];
    EXPECT_EQ(r.point, static_cast<int32_t>(k + 2));
    const double meters = std::abs(r.point * 80.0 - 1100.0);
    EXPECT_NEAR(r.cost, meters / 10.0, 0.5) << r.point;
    EXPECT_NEAR(r.other, meters, 5.0) << r.point;
  }
  // From the middle of a-b within 20 s (200 m) no node is reached: the points come from the
  // source's own segment, 320 m to 640 m from a (points 4 to 8).
  const auto middle = net->snap_index().Nearest(map.At('a', 500, 0), 10);
  ASSERT_TRUE(middle.has_value());
  reached = PointsWithinBound(*net, *middle, many, many_index, {}, Metric::kSeconds, 20,
                              absl::InfiniteFuture());
  ASSERT_TRUE(reached.ok());
  std::vector<int32_t> points;
  for (const PointReach& r : *reached) points.push_back(r.point);
  EXPECT_THAT(points, testing::ElementsAre(4, 5, 6, 7, 8));
  // Two points, fewer than the nodes: every point is checked directly; same answers.
  const auto few = SnapAll(*net, std::vector{map.At('a', 300, 0), map.At('a', 2300, 0)}, 10);
  const PointsByNode few_index(net->graph(), few);
  reached = PointsWithinBound(*net, *source, few, few_index, {}, Metric::kMeters, 1000,
                              absl::InfiniteFuture());
  ASSERT_TRUE(reached.ok());
  ASSERT_EQ(reached->size(), 1u);  // 800 m; the other is 1,200 m away
  EXPECT_EQ((*reached)[0].point, 0);
  EXPECT_NEAR((*reached)[0].cost, 800, 4);
  EXPECT_NEAR((*reached)[0].other, 80, 0.5);  // seconds along the same route
  // An index of other points is refused.
  EXPECT_EQ(PointsWithinBound(*net, *source, few, many_index, {}, Metric::kMeters, 1000,
                              absl::InfiniteFuture())
                .status()
                .code(),
            absl::StatusCode::kInvalidArgument);
}

// Per point, a single-source search agrees with NearestFacilityByRoad given that one facility,
// in both directions and both metrics, whichever way candidates are found (node index or scan).
TEST(PointsWithinBoundTest, AgreesWithTheMultiSourceSearchOnOnewayStreets) {
  AsciiMap map(R"(
a----------b
|          |
c----------d
)",
               100);
  map.Way("ab", {.highway = "primary", .oneway = "yes"});
  map.Way("acdb", {.highway = "residential"});
  auto net = RoadNetwork::Create(map.Build());
  std::vector<geo::LonLat> locations;
  for (double x = 50; x < 1100; x += 100) {
    locations.push_back(map.At('a', x, 15));   // by the one-way street
    locations.push_back(map.At('c', x, -25));  // by the loop's far side
  }
  const auto source = net->snap_index().Nearest(map.At('a', 520, 10), 100);
  ASSERT_TRUE(source.has_value());
  const std::optional<Snap> sources[1] = {source};
  for (const bool to_facility : {true, false}) {
    DriveParams params;
    params.to_facility = to_facility;
    for (const Metric metric : {Metric::kSeconds, Metric::kMeters}) {
      // Two points either side of the source (fewer than the nodes: scanned), or all of them
      // (more than the nodes: found through the node index).
      const std::vector<geo::LonLat> few = {locations[8], locations[12]};
      for (const auto& subset : {few, locations}) {
        const auto points = SnapAll(*net, subset, params.max_snap_meters);
        const PointsByNode index(net->graph(), points);
        const double bound = metric == Metric::kSeconds ? 200 : 1500;
        auto reached = PointsWithinBound(*net, *source, points, index, params, metric, bound,
                                         absl::InfiniteFuture());
        auto nearest = NearestFacilityByRoad(
            *net, points, sources, params, metric == Metric::kSeconds ? bound : 0,
            metric == Metric::kMeters ? bound : 0, absl::InfiniteFuture());
        ASSERT_TRUE(reached.ok() && nearest.ok());
        size_t k = 0;
        int expected_count = 0;
        for (size_t i = 0; i < points.size(); ++i) {
          const RoadTravel& t = (*nearest)[i];
          const bool in =
              metric == Metric::kSeconds ? t.fastest_facility == 0 : t.shortest_facility == 0;
          if (!in) continue;
          ++expected_count;
          ASSERT_LT(k, reached->size());
          const PointReach& r = (*reached)[k++];
          EXPECT_EQ(r.point, static_cast<int32_t>(i));
          EXPECT_FLOAT_EQ(r.cost, metric == Metric::kSeconds ? t.seconds : t.meters);
        }
        EXPECT_EQ(reached->size(), k);
        EXPECT_GT(expected_count, 0);
        if (subset.size() == locations.size()) {
          EXPECT_LT(expected_count, static_cast<int>(subset.size()));  // the bound left some out
        }
      }
    }
  }
}

}  // namespace
}  // namespace carereach::routing
