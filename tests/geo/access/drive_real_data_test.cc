// Properties of drive mode on the real OpenStreetMap extracts and 2020 Census tracts.
#include <geos_c.h>

#include "geo/access/coverage.h"
#include "geo/access/drive_queries.h"
#include "geo/core/geodesic.h"
#include "geo/core/geos_context.h"
#include "geo/io/census.h"
#include "geo/roads/osm_import.h"
#include "gtest/gtest.h"
#include "tests/data_dir.h"
#include "tests/real_data.h"
#include "tests/real_extracts.h"

namespace carereach::access {
namespace {

using Extract = testing_util::RoadExtract;

struct Loaded {
  Region region;
  DriveRegion drive;
  std::vector<Facility> hospitals;  // every open hospital in the US
};

const Loaded& Load(const Extract& e) {
  static std::map<std::string, Loaded>* cache = new std::map<std::string, Loaded>();
  auto it = cache->find(e.name);
  if (it != cache->end()) return it->second;
  const std::string dir = testing_util::DataDir();
  io::LoadReport report;
  auto units = io::LoadTractCentres(dir + "/census/CenPop2020_Mean_TR.txt", &report);
  EXPECT_TRUE(units.ok());
  Loaded l;
  l.region = *BuildRegion(e.name, "", "", {.county_fips = {e.county_fips}}, *units, {});
  auto profile = roads::SpeedProfile::Parse(roads::DefaultCarProfileCsv(), "car.csv");
  auto graph = roads::ImportOsm(dir + "/roads/" + e.file, *profile);
  EXPECT_TRUE(graph.ok()) << graph.status();
  l.drive = BuildDriveRegion(l.region, routing::RoadNetwork::Create(*std::move(graph)));
  l.hospitals = *testing_util::LoadOpenHifldHospitals(dir);
  return cache->emplace(e.name, std::move(l)).first->second;
}

class DriveRealDataTest : public testing::TestWithParam<Extract> {};

// Nobody gets there faster than the straight line at the top speed (120 km/h cap), and no road
// route is shorter than the geodesic.
TEST_P(DriveRealDataTest, DriveTimeAndDistanceNeverBeatTheStraightLine) {
  const Loaded& l = Load(GetParam());
  CoverageRequest request;
  request.travel.mode = TravelMode::kDrive;
  request.facilities = l.hospitals;
  request.thresholds = {Threshold::Minutes(120), Threshold::Miles(100)};
  auto answer = ComputeCoverage(l.region, &l.drive, request, {});
  ASSERT_TRUE(answer.ok()) << answer.status();
  CoverageRequest straight_request = request;
  straight_request.travel.mode = TravelMode::kStraightLine;
  auto straight = ComputeCoverage(l.region, nullptr, straight_request, {});
  ASSERT_TRUE(straight.ok());
  int reached = 0;
  for (size_t i = 0; i < l.region.units.size(); ++i) {
    const UnitTravel& t = answer->travel[i];
    if (!t.reached() || !std::isfinite(t.minutes)) continue;
    ++reached;
    const double geodesic =
        geo::GeodesicMeters(l.region.units[i].location, l.hospitals[t.facility].location);
    EXPECT_GE(t.minutes * 60 * (120 / 3.6), geodesic * 0.999) << l.region.units[i].id;
    if (std::isfinite(t.miles)) {  // shortest road miles to the nearest hospital by road
      EXPECT_GE(t.miles, straight->travel[i].miles * 0.999) << l.region.units[i].id;
    }
  }
  EXPECT_GT(reached, static_cast<int>(l.region.units.size()) * 8 / 10);
}

// Road miles to the nearest hospital are never fewer than straight-line miles to the nearest,
// so coverage within X road miles never exceeds coverage within X straight-line miles.
TEST_P(DriveRealDataTest, RoadMileCoverageNeverExceedsStraightLine) {
  const Loaded& l = Load(GetParam());
  CoverageRequest request;
  request.facilities = l.hospitals;
  for (double m : {2, 5, 10, 20, 40}) request.thresholds.push_back(Threshold::Miles(m));
  auto straight = ComputeCoverage(l.region, nullptr, request, {});
  request.travel.mode = TravelMode::kDrive;
  auto drive = ComputeCoverage(l.region, &l.drive, request, {});
  ASSERT_TRUE(straight.ok() && drive.ok());
  for (size_t k = 0; k < request.thresholds.size(); ++k) {
    EXPECT_LE(drive->summary.by_threshold[k].covered_population,
              straight->summary.by_threshold[k].covered_population)
        << request.thresholds[k].value;
  }
}

TEST_P(DriveRealDataTest, CoverageNeverFallsAsMinutesGrow) {
  const Loaded& l = Load(GetParam());
  CoverageRequest request;
  request.travel.mode = TravelMode::kDrive;
  request.facilities = l.hospitals;
  for (double m = 5; m <= 90; m += 5) request.thresholds.push_back(Threshold::Minutes(m));
  auto answer = ComputeCoverage(l.region, &l.drive, request, {});
  ASSERT_TRUE(answer.ok());
  for (size_t k = 1; k < request.thresholds.size(); ++k) {
    EXPECT_GE(answer->summary.by_threshold[k].covered_population,
              answer->summary.by_threshold[k - 1].covered_population);
  }
  EXPECT_EQ(answer->summary.total_population, l.region.total_population);
}

// Every snapped facility lies inside its own isochrone, and areas grow with time.
TEST_P(DriveRealDataTest, IsochronesContainTheirFacilitiesAndGrow) {
  const Loaded& l = Load(GetParam());
  IsochroneRequest request;
  for (const Facility& f : l.hospitals) {
    if (l.drive.network->snap_index().Nearest(f.location, 1000)) request.facilities.push_back(f);
  }
  ASSERT_FALSE(request.facilities.empty());
  request.max_minutes = {5, 10, 20};
  request.drive.to_facility = false;
  auto answer = ComputeIsochrones(l.drive, request, {});
  ASSERT_TRUE(answer.ok()) << answer.status();
  EXPECT_TRUE(answer->unsnapped_facilities.empty());
  geo::GeosContext& geos = geo::GeosContext::ThreadLocal();
  double previous_area = 0;
  for (const routing::IsochroneGeometry& iso : answer->isochrones) {
    EXPECT_GT(iso.area_km2, previous_area);
    previous_area = iso.area_km2;
    GEOSGeoJSONReader* reader = GEOSGeoJSONReader_create_r(geos.handle());
    GEOSGeometry* area =
        GEOSGeoJSONReader_readGeometry_r(geos.handle(), reader, iso.geojson.c_str());
    GEOSGeoJSONReader_destroy_r(geos.handle(), reader);
    ASSERT_NE(area, nullptr);
    for (const Facility& f : request.facilities) {
      GEOSGeometry* point =
          GEOSGeom_createPointFromXY_r(geos.handle(), f.location.lon, f.location.lat);
      EXPECT_EQ(GEOSIntersects_r(geos.handle(), area, point), 1) << f.id;
      GEOSGeom_destroy_r(geos.handle(), point);
    }
    GEOSGeom_destroy_r(geos.handle(), area);
  }
}

INSTANTIATE_TEST_SUITE_P(Extracts, DriveRealDataTest,
                         testing::ValuesIn(testing_util::kRoadExtracts),
                         testing_util::RoadExtractName);

}  // namespace
}  // namespace carereach::access
