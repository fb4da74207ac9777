// Drive-mode CMS adequacy against brute force on the three real extracts (Honolulu, Imperial,
// Yuba), with the real CY2026 standards and 2020 tracts. 42 CFR 422.116(a)(2)(i): a beneficiary
// has access when a provider of the type is within both the time and the distance standard, and
// a provider counts toward the minimum number when it is within both of some beneficiary of the
// county. Brute force: every tract x every provider by the reference Dijkstra (one forward search
// per tract, TravelFromOrigin: the fastest route and its length), no hierarchy, no catchments;
// the evaluation runs on the default engine (contraction hierarchy, RPHAST catchments).
#include <algorithm>
#include <cstdio>
#include <random>
#include <string>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "geo/access/adequacy.h"
#include "geo/access/exception_evidence.h"
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

class AdequacyDriveRealDataTest : public testing::TestWithParam<Extract> {};

TEST_P(AdequacyDriveRealDataTest, SomeProviderWithinBothStandardsMatchesBruteForce) {
  const Extract& e = GetParam();
  const std::string dir = testing_util::DataDir();
  io::LoadReport report;
  auto units = io::LoadTractCentres(dir + "/census/CenPop2020_Mean_TR.txt", &report);
  ASSERT_TRUE(units.ok()) << units.status();
  auto region = BuildRegion(e.name, "", "", {.county_fips = {e.county_fips}}, *units, {});
  ASSERT_TRUE(region.ok()) << region.status();
  std::vector<io::LoadReport> reports;
  auto standards = io::StandardsSet::Load(dir + "/cms", "cms-ma-cy2026", &reports);
  ASSERT_TRUE(standards.ok()) << standards.status();
  auto profile = roads::SpeedProfile::Parse(roads::DefaultCarProfileCsv(), "car.csv");
  auto graph = roads::ImportOsm(dir + "/roads/" + e.file, *profile);
  ASSERT_TRUE(graph.ok()) << graph.status();
  roads::RoadGraph copy = *graph;
  const DriveRegion engine = BuildDriveRegion(*region, routing::RoadNetwork::Create(*graph));
  const DriveRegion reference = BuildDriveRegion(
      *region, routing::RoadNetwork::Create(std::move(copy), {.build_hierarchy = false}));
  ASSERT_NE(engine.network->hierarchy(), nullptr);

  // Providers: the open hospitals (acute inpatient, 040) and 40 tract centres moved 300 m east
  // as primary care offices (001, evaluated as S03), and 40 more as cardiology (011). Fixed seed.
  auto hospitals = testing_util::LoadOpenHifldHospitals(dir);
  ASSERT_TRUE(hospitals.ok()) << hospitals.status();
  AdequacyRequest request;
  request.travel.mode = TravelMode::kDrive;
  request.specialty_codes = {"S03", "011", "040"};
  for (const Facility& h : *hospitals) {
    if (geo::GeodesicMeters(h.location, region->units[0].location) > 200'000) continue;
    request.roster.push_back(
        {.id = h.id, .specialty_code = "040", .location = h.location, .beds = 100});
  }
  std::mt19937 rng(2026);
  for (const char* code : {"001", "011"}) {
    for (int i = 0; i < 40; ++i) {
      const io::PopulationUnit& u = region->units[rng() % region->units.size()];
      request.roster.push_back(
          {.id = std::string(code) + "-" + std::to_string(i),
           .specialty_code = code,
           .location = {u.location.lon + 300 / (111'320.0 * std::cos(u.location.lat * M_PI / 180)),
                        u.location.lat}});
    }
  }
  std::vector<CountySpecialtyResult> results;
  auto summary = EvaluateAdequacy(*region, &engine, *standards, {}, request,
                                  [&](const CountySpecialtyResult& r) {
                                    results.push_back(r);
                                    return true;
                                  });
  ASSERT_TRUE(summary.ok()) << summary.status();
  ASSERT_EQ(results.size(), 3u);

  // Brute force: every unit (snapped within the default limit) to every provider.
  const double max_snap_meters = request.travel.drive.max_snap_meters;
  std::vector<geo::LonLat> points;
  for (const NetworkProvider& p : request.roster) points.push_back(p.location);
  const std::vector<std::optional<routing::Snap>> provider_snaps =
      routing::SnapAll(*reference.network, points, max_snap_meters);
  int units_where_the_fastest_fails_but_another_passes = 0;
  // One finder for every result, as the server uses it: its cached catchments must give what a
  // fresh evaluation of each result gives.
  auto finder = ExceptionEvidenceFinder::Make(*region, &engine, *standards, request.roster, {},
                                              request.travel, 100, geo::Deadline());
  ASSERT_TRUE(finder.ok()) << finder.status();
  for (const CountySpecialtyResult& r : results) {
    const std::string type = r.specialty->code;
    const double max_seconds = r.max_minutes * 60, max_meters = r.max_miles * geo::kMetersPerMile;
    int64_t covered = 0, population = 0;
    absl::flat_hash_set<std::string> serving;
    for (size_t i = 0; i < region->units.size(); ++i) {
      population += region->units[i].population;
      const std::optional<routing::Snap>& snap = reference.unit_snaps[i];
      if (!snap || snap->snap_meters > max_snap_meters) continue;
      auto row = routing::TravelFromOrigin(*reference.network, *snap, provider_snaps,
                                           request.travel.drive, max_seconds, geo::Deadline());
      ASSERT_TRUE(row.ok()) << row.status();
      bool access = false;
      float fastest_seconds = routing::Dijkstra::kInfinity, fastest_meters = 0;
      for (size_t k = 0; k < request.roster.size(); ++k) {
        if (standards->EvaluatedAs(request.roster[k].specialty_code) != type) continue;
        const routing::PairTravel& t = (*row)[k];
        if (t.seconds < fastest_seconds) {
          fastest_seconds = t.seconds;
          fastest_meters = t.meters;
        }
        if (t.seconds <= max_seconds && t.meters <= max_meters * (1 + 1e-9)) {
          access = true;
          serving.insert(request.roster[k].id);
        }
      }
      if (access) covered += region->units[i].population;
      if (access && fastest_meters > max_meters * (1 + 1e-9)) {
        ++units_where_the_fastest_fails_but_another_passes;
      }
    }
    const double share = static_cast<double>(covered) / static_cast<double>(population);
    EXPECT_NEAR(r.share_with_access, share, 1e-12) << e.name << " " << type;
    EXPECT_EQ(r.providers_serving, static_cast<int32_t>(serving.size())) << e.name << " " << type;
    EXPECT_GT(share, 0) << e.name << " " << type;  // not vacuous
    // Exception evidence applies the same rule: with the whole roster as supply and an empty
    // network, the providers available within the standard are the ones serving.
    auto evidence = EvidenceForFailingResult(*region, &engine, *standards, r, request.roster, {},
                                             request.travel, 100, geo::Deadline());
    ASSERT_TRUE(evidence.ok()) << evidence.status();
    EXPECT_EQ(evidence->available_within_standard, r.providers_serving) << e.name << " " << type;
    const size_t listed_within =
        std::count_if(evidence->nearest.begin(), evidence->nearest.end(),
                      [](const SupplyReach& s) { return s.within_standard; });
    EXPECT_EQ(listed_within, std::min<size_t>(100, serving.size())) << e.name << " " << type;
    auto shared = finder->ForFailingResult(r);
    ASSERT_TRUE(shared.ok()) << shared.status();
    EXPECT_EQ(shared->verdict, evidence->verdict);
    ASSERT_EQ(shared->nearest.size(), evidence->nearest.size());
    for (size_t k = 0; k < shared->nearest.size(); ++k) {
      EXPECT_EQ(shared->nearest[k].row, evidence->nearest[k].row);
      EXPECT_EQ(shared->nearest[k].minutes, evidence->nearest[k].minutes);
      EXPECT_EQ(shared->nearest[k].miles, evidence->nearest[k].miles);
      EXPECT_EQ(shared->nearest[k].within_standard, evidence->nearest[k].within_standard);
    }
    std::printf("%s %s: %.4f of the population with access, %zu providers serving\n", e.name,
                type.c_str(), share, serving.size());
  }
  std::printf("%s: %d units whose fastest provider is too far by road but another is within both\n",
              e.name, units_where_the_fastest_fails_but_another_passes);
}

INSTANTIATE_TEST_SUITE_P(Extracts, AdequacyDriveRealDataTest,
                         testing::ValuesIn(testing_util::kRoadExtracts),
                         testing_util::RoadExtractName);

}  // namespace
}  // namespace carereach::access
