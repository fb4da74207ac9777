// The contraction hierarchy engine (PHAST, RPHAST, bucket tables) gives exactly the answers of
// the reference Dijkstra engine, whole answers compared, on the three real extracts with the
// real 2020 tracts and hospitals: coverage in both directions and both metrics, catchments,
// matrices and isochrones. Both hierarchies are checked: the default one contracted for time and
// distance, and one contracted for time only (whose distance searches run on Dijkstra).
#include <algorithm>
#include <cmath>
#include <random>

#include "geo/access/catchment.h"
#include "geo/access/coverage.h"
#include "geo/access/drive_queries.h"
#include "geo/core/geodesic.h"
#include "geo/io/census.h"
#include "geo/roads/osm_import.h"
#include "gtest/gtest.h"
#include "tests/data_dir.h"
#include "tests/real_data.h"
#include "tests/real_extracts.h"

namespace carereach::access {
namespace {

using Extract = testing_util::RoadExtract;

struct Engines {
  Region region;
  DriveRegion hierarchy;            // the default engine
  DriveRegion time_only;            // a hierarchy contracted for drive time only
  DriveRegion dijkstra;             // the reference
  std::vector<Facility> hospitals;  // open hospitals that snap within 5 km in the region
  std::vector<Facility> tracts;     // tract centres as facility locations (matrix, catchments)
};

const Engines& Load(const Extract& e) {
  static std::map<std::string, Engines>* cache = new std::map<std::string, Engines>();
  if (auto it = cache->find(e.name); it != cache->end()) return it->second;
  const std::string dir = testing_util::DataDir();
  io::LoadReport report;
  auto units = io::LoadTractCentres(dir + "/census/CenPop2020_Mean_TR.txt", &report);
  EXPECT_TRUE(units.ok());
  Engines l;
  l.region = *BuildRegion(e.name, "", "", {.county_fips = {e.county_fips}}, *units, {});
  auto profile = roads::SpeedProfile::Parse(roads::DefaultCarProfileCsv(), "car.csv");
  auto graph = roads::ImportOsm(dir + "/roads/" + e.file, *profile);
  EXPECT_TRUE(graph.ok()) << graph.status();
  roads::RoadGraph copy = *graph, time_copy = *graph;
  l.hierarchy = BuildDriveRegion(l.region, routing::RoadNetwork::Create(*std::move(graph)));
  l.time_only = BuildDriveRegion(
      l.region,
      routing::RoadNetwork::Create(std::move(time_copy),
                                   {.contraction = {.metrics = routing::HierarchyMetrics::kTime}}));
  l.dijkstra = BuildDriveRegion(
      l.region, routing::RoadNetwork::Create(std::move(copy), {.build_hierarchy = false}));
  EXPECT_NE(l.hierarchy.network->hierarchy(routing::Metric::kMeters), nullptr);
  EXPECT_NE(l.time_only.network->hierarchy(routing::Metric::kSeconds), nullptr);
  EXPECT_EQ(l.time_only.network->hierarchy(routing::Metric::kMeters), nullptr);
  EXPECT_EQ(l.dijkstra.network->hierarchy(), nullptr);
  absl::StatusOr<std::vector<Facility>> hospitals = testing_util::LoadOpenHifldHospitals(dir);
  EXPECT_TRUE(hospitals.ok()) << hospitals.status();
  if (!hospitals.ok()) hospitals = std::vector<Facility>();
  for (const Facility& f : *hospitals) {
    if (l.hierarchy.network->snap_index().Nearest(f.location, 5000)) l.hospitals.push_back(f);
  }
  for (const io::PopulationUnit& u : l.region.units) {
    l.tracts.push_back({.id = u.id, .location = u.location});
  }
  return cache->emplace(e.name, std::move(l)).first->second;
}

// The two hierarchy engines, each compared with the reference.
std::vector<std::pair<std::string, const DriveRegion*>> Contracted(const Engines& l) {
  return {{"time and distance", &l.hierarchy}, {"time only", &l.time_only}};
}

class EngineEquivalenceTest : public testing::TestWithParam<Extract> {};

TEST_P(EngineEquivalenceTest, CoverageBothDirectionsAndMetrics) {
  const Engines& l = Load(GetParam());
  ASSERT_FALSE(l.hospitals.empty());
  for (const auto& [engine, drive] : Contracted(l)) {
    SCOPED_TRACE(engine);
    for (bool to_facility : {true, false}) {
      CoverageRequest request;
      request.travel.mode = TravelMode::kDrive;
      request.travel.drive.to_facility = to_facility;
      request.facilities = l.hospitals;
      request.thresholds = {Threshold::Minutes(10), Threshold::Minutes(20), Threshold::Minutes(60),
                            Threshold::Miles(5), Threshold::Miles(30)};
      auto a = ComputeCoverage(l.region, drive, request, {});
      auto b = ComputeCoverage(l.region, &l.dijkstra, request, {});
      ASSERT_TRUE(a.ok() && b.ok()) << a.status() << b.status();
      int reached = 0;
      for (size_t i = 0; i < l.region.units.size(); ++i) {
        const UnitTravel &x = a->travel[i], &y = b->travel[i];
        EXPECT_EQ(x.facility, y.facility) << l.region.units[i].id << " to_facility " << to_facility;
        EXPECT_EQ(x.minutes, y.minutes) << l.region.units[i].id;
        EXPECT_EQ(x.miles, y.miles) << l.region.units[i].id;
        reached += x.reached();
      }
      EXPECT_GT(reached, static_cast<int>(l.region.units.size()) / 2);
      for (size_t k = 0; k < request.thresholds.size(); ++k) {
        EXPECT_EQ(a->summary.by_threshold[k].covered_population,
                  b->summary.by_threshold[k].covered_population);
      }
    }
  }
}

TEST_P(EngineEquivalenceTest, CatchmentsTimeDistanceAndFastestRouteMiles) {
  const Engines& l = Load(GetParam());
  std::mt19937 rng(7);
  std::vector<geo::LonLat> sites;
  for (int i = 0; i < 40; ++i) sites.push_back(l.tracts[rng() % l.tracts.size()].location);
  for (const Facility& h : l.hospitals) sites.push_back(h.location);
  // Both bounds (the fastest route and its length), time only, distance only.
  for (const auto& [engine, drive] : Contracted(l)) {
    SCOPED_TRACE(engine);
    // The small bounds leave most units out of reach of a batch of sites, so RPHAST sweeps a
    // selection of just the units within straight-line reach (PointsWithinBoundBatch).
    for (const auto& [max_minutes, max_miles] :
         {std::pair{30.0, 20.0}, {30.0, 0.0}, {0.0, 20.0}, {6.0, 0.0}, {0.0, 3.0}, {8.0, 4.0}}) {
      for (bool to_facility : {true, false}) {
        CatchmentParams params;
        params.travel.mode = TravelMode::kDrive;
        params.travel.drive.to_facility = to_facility;
        params.max_minutes = max_minutes;
        params.max_miles = max_miles;
        auto a = FacilityCatchments(l.region, drive, sites, params, nullptr);
        auto b = FacilityCatchments(l.region, &l.dijkstra, sites, params, nullptr);
        ASSERT_TRUE(a.ok() && b.ok()) << a.status() << b.status();
        size_t total = 0;
        for (size_t f = 0; f < sites.size(); ++f) {
          ASSERT_EQ((*a)[f].size(), (*b)[f].size()) << "site " << f;
          for (size_t j = 0; j < (*a)[f].size(); ++j) {
            EXPECT_EQ((*a)[f][j].unit, (*b)[f][j].unit);
            EXPECT_EQ((*a)[f][j].minutes, (*b)[f][j].minutes);
            EXPECT_EQ((*a)[f][j].miles, (*b)[f][j].miles);
          }
          total += (*a)[f].size();
        }
        EXPECT_GT(total, sites.size());
      }
    }
  }
}

// The straight-line reach candidate filters rely on (RoadNetwork::ReachMeters): no unit lies
// farther from a site (between their on-road positions) than the reach of its reference route.
TEST_P(EngineEquivalenceTest, NoRouteReachesFartherThanReachMeters) {
  const Engines& l = Load(GetParam());
  const routing::RoadNetwork& network = *l.dijkstra.network;
  const routing::PointsByNode& index = *l.dijkstra.unit_index;
  std::mt19937 rng(11);
  size_t checked = 0;
  double closest_share = 0;  // the largest chord / reach seen
  for (int trial = 0; trial < 20; ++trial) {
    const auto site = network.snap_index().Nearest(l.tracts[rng() % l.tracts.size()].location,
                                                   DriveRegion::kMaxSnapMeters);
    ASSERT_TRUE(site.has_value());
    for (routing::Metric metric : {routing::Metric::kSeconds, routing::Metric::kMeters}) {
      for (bool to_facility : {true, false}) {
        routing::DriveParams params;
        params.to_facility = to_facility;
        params.max_snap_meters = DriveRegion::kMaxSnapMeters;
        auto reached = routing::PointsWithinBound(network, *site, l.dijkstra.unit_snaps, index,
                                                  params, metric, 1e7, {});
        ASSERT_TRUE(reached.ok()) << reached.status();
        for (const routing::PointReach& r : *reached) {
          const geo::Ecef a = geo::ToEcef(site->on_road);
          const geo::Ecef b = geo::ToEcef(l.dijkstra.unit_snaps[r.point]->on_road);
          const double chord = std::sqrt((a.x - b.x) * (a.x - b.x) + (a.y - b.y) * (a.y - b.y) +
                                         (a.z - b.z) * (a.z - b.z));
          const double reach = network.ReachMeters(metric, r.cost);
          EXPECT_LE(chord, reach) << "unit " << r.point << " cost " << r.cost;
          closest_share = std::max(closest_share, chord / reach);
          ++checked;
        }
      }
    }
  }
  EXPECT_GT(checked, 20 * l.tracts.size());
  // Not so loose as to filter nothing: some route comes within half of its reach.
  EXPECT_GT(closest_share, 0.5);
}

TEST_P(EngineEquivalenceTest, MatrixOverTractCentres) {
  const Engines& l = Load(GetParam());
  std::mt19937 rng(11);
  MatrixRequest request;
  // Random tract centres, nudged by up to ~50 m so that repeats are distinct points.
  const auto pick = [&](const std::string& id) {
    Facility f = l.tracts[rng() % l.tracts.size()];
    f.id = id;
    f.location.lon += (static_cast<double>(rng() % 1000) - 500) * 1e-6;
    f.location.lat += (static_cast<double>(rng() % 1000) - 500) * 1e-6;
    return f;
  };
  for (int i = 0; i < 40; ++i) request.origins.push_back(pick("o" + std::to_string(i)));
  for (int i = 0; i < 40; ++i) request.destinations.push_back(pick("d" + std::to_string(i)));
  // A destination as an origin: the pair lies on one segment (zero travel).
  request.origins.push_back(request.destinations[0]);
  request.origins.back().id = "o40";
  request.max_minutes = 45;
  const auto rows = [&](const DriveRegion& drive) {
    std::vector<MatrixRow> out;
    const absl::Status s = ComputeMatrix(drive, request, {}, [&](const MatrixRow& row) {
      out.push_back(row);
      return true;
    });
    EXPECT_TRUE(s.ok()) << s;
    return out;
  };
  const std::vector<MatrixRow> b = rows(l.dijkstra);
  for (const auto& [engine, drive] : Contracted(l)) {
    SCOPED_TRACE(engine);
    const std::vector<MatrixRow> a = rows(*drive);
    ASSERT_EQ(a.size(), request.origins.size());
    ASSERT_EQ(a.size(), b.size());
    int reached = 0;
    for (size_t i = 0; i < a.size(); ++i) {
      EXPECT_EQ(a[i].origin_index, b[i].origin_index);
      EXPECT_EQ(a[i].origin_snapped, b[i].origin_snapped);
      ASSERT_EQ(a[i].travel.size(), b[i].travel.size());
      for (size_t j = 0; j < a[i].travel.size(); ++j) {
        EXPECT_EQ(a[i].travel[j].seconds, b[i].travel[j].seconds) << i << " -> " << j;
        EXPECT_EQ(a[i].travel[j].meters, b[i].travel[j].meters) << i << " -> " << j;
        reached += std::isfinite(a[i].travel[j].seconds);
      }
    }
    EXPECT_GT(reached, 100);
  }
}

TEST_P(EngineEquivalenceTest, IsochronesOfTheSameArea) {
  const Engines& l = Load(GetParam());
  IsochroneRequest request;
  for (size_t i = 0; i < l.hospitals.size() && i < 3; ++i) {
    request.facilities.push_back(l.hospitals[i]);
  }
  request.max_minutes = {5, 15};
  for (const auto& [engine, drive] : Contracted(l)) {
    SCOPED_TRACE(engine);
    for (bool to_facility : {false, true}) {
      request.drive.to_facility = to_facility;
      auto a = ComputeIsochrones(*drive, request, {});
      auto b = ComputeIsochrones(l.dijkstra, request, {});
      ASSERT_TRUE(a.ok() && b.ok()) << a.status() << b.status();
      ASSERT_EQ(a->isochrones.size(), b->isochrones.size());
      for (size_t k = 0; k < a->isochrones.size(); ++k) {
        EXPECT_GT(a->isochrones[k].area_km2, 0);
        EXPECT_NEAR(a->isochrones[k].area_km2, b->isochrones[k].area_km2,
                    1e-9 * b->isochrones[k].area_km2);
      }
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Extracts, EngineEquivalenceTest,
                         testing::ValuesIn(testing_util::kRoadExtracts),
                         testing_util::RoadExtractName);

}  // namespace
}  // namespace carereach::access
