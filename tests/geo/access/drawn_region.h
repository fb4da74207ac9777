#ifndef CAREREACH_TESTS_GEO_ACCESS_DRAWN_REGION_H_
#define CAREREACH_TESTS_GEO_ACCESS_DRAWN_REGION_H_

// Test regions shared by the geo/access tests: hand-computed units on the equator; units placed
// on an ASCII road map (tests/geo/roads/ascii_map.h), the loop map with its four units; and Yuba
// County, CA from the real data (OpenStreetMap extract and 2020 Census tracts).

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_format.h"
#include "geo/access/coverage.h"
#include "geo/access/region.h"
#include "geo/io/census.h"
#include "geo/roads/osm_import.h"
#include "geo/roads/speed_profile.h"
#include "geo/routing/road_network.h"
#include "gtest/gtest.h"
#include "tests/data_dir.h"
#include "tests/geo/roads/ascii_map.h"

namespace carereach::access {

// A unit on the equator (one degree of longitude = 69.17 miles).
struct EquatorUnit {
  std::string county_fips;  // "01001", "01003", ...
  int64_t population = 0;
  double lon = 0;
};

// The region "eq" (state 01) of `units`, whose ids are numbered per county in order:
// "01001000100", "01001000200", ..., "01003000100".
inline Region RegionOnEquator(const std::vector<EquatorUnit>& units) {
  std::vector<io::PopulationUnit> population;
  std::string county;
  int n = 0;
  for (const EquatorUnit& u : units) {
    n = u.county_fips == county ? n + 1 : 1;
    county = u.county_fips;
    population.push_back({absl::StrFormat("%s%06d", u.county_fips, 100 * n),
                          u.county_fips,
                          u.population,
                          {u.lon, 0}});
  }
  auto region = BuildRegion("eq", "", "", {.state_fips = {"01"}}, population, {});
  EXPECT_TRUE(region.ok()) << region.status();
  return region.ok() ? *std::move(region) : Region{};
}

// A region and its roads, every unit snapped.
struct DrawnRegion {
  Region region;
  DriveRegion drive;
};

// `units` (state 15) on the roads of `map`.
inline DrawnRegion BuildDrawnRegion(const testing_util::AsciiMap& map,
                                    const std::vector<io::PopulationUnit>& units) {
  DrawnRegion r;
  auto region = BuildRegion("drawn", "", "", {.state_fips = {"15"}}, units, {});
  EXPECT_TRUE(region.ok()) << region.status();
  r.region = *std::move(region);
  r.drive = BuildDriveRegion(r.region, routing::RoadNetwork::Create(map.Build()));
  return r;
}

// a-b: 1,100 m of one-way primary eastwards (10 m/s); the loop a-c-d-b residential (5 m/s):
// a-c 200 m, c-d 1,100 m, d-b 200 m.
inline testing_util::AsciiMap LoopMap() {
  testing_util::AsciiMap map(R"(
a----------b
|          |
c----------d
)",
                             100);
  map.Way("ab", {.highway = "primary", .oneway = "yes"});
  map.Way("acdb", {.highway = "residential"});
  return map;
}

// The loop map's units: U0 (100 people) and U1 (200) on a-b, 150 m and 950 m from a; U2 (400)
// 30 m off c-d; U3 (800) 5 km away from every road.
inline DrawnRegion LoopRegion(const testing_util::AsciiMap& map) {
  return BuildDrawnRegion(map, {{"15003000100", "15003", 100, map.At('a', 150, 0)},
                                {"15003000200", "15003", 200, map.At('a', 950, 0)},
                                {"15003000300", "15003", 400, map.At('c', 550, -30)},
                                {"15003000400", "15003", 800, map.At('c', 550, -5000)}});
}

// Yuba County, CA: its tracts and roads (real data, loaded once).
inline const DrawnRegion& YubaRegion() {
  static const DrawnRegion* yuba = [] {
    auto* y = new DrawnRegion;
    const std::string dir = testing_util::DataDir();
    io::LoadReport report;
    auto units = io::LoadTractCentres(dir + "/census/CenPop2020_Mean_TR.txt", &report);
    EXPECT_TRUE(units.ok()) << units.status();
    if (!units.ok()) return y;
    auto region = BuildRegion("yuba", "", "", {.county_fips = {"06115"}}, *units, {});
    EXPECT_TRUE(region.ok()) << region.status();
    if (!region.ok()) return y;
    y->region = *std::move(region);
    auto profile = roads::SpeedProfile::Parse(roads::DefaultCarProfileCsv(), "car.csv");
    EXPECT_TRUE(profile.ok()) << profile.status();
    auto graph = roads::ImportOsm(dir + "/roads/yuba-county-ca.osm.pbf", *profile);
    EXPECT_TRUE(graph.ok()) << graph.status();
    if (!graph.ok()) return y;
    y->drive = BuildDriveRegion(y->region, routing::RoadNetwork::Create(*std::move(graph)));
    return y;
  }();
  return *yuba;
}

}  // namespace carereach::access

#endif  // CAREREACH_TESTS_GEO_ACCESS_DRAWN_REGION_H_
