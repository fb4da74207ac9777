// CMS adequacy on real data with a national roster: a provider counts toward a county's minimum
// number only if it is within the reach of one of the county's beneficiaries. Every open US
// hospital is offered for Michigan's counties (acute inpatient hospitals, 040); the counts must
// equal a brute-force geodesic check of the hospitals near Michigan, so the evaluation's
// shortcut for far providers never drops one that serves.
#include <cmath>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "geo/access/adequacy.h"
#include "geo/core/geodesic.h"
#include "geo/io/census.h"
#include "gtest/gtest.h"
#include "tests/data_dir.h"
#include "tests/real_data.h"

namespace carereach::access {
namespace {

using testing_util::DataDir;

TEST(AdequacyRealDataTest, NationalRosterCountsExactlyTheProvidersWithinReach) {
  auto region = testing_util::LoadRealRegion(DataDir(), "michigan", {.state_fips = {"26"}});
  ASSERT_TRUE(region.ok()) << region.status();
  std::vector<io::LoadReport> reports;
  auto standards = io::StandardsSet::Load(DataDir() + "/cms", "cms-ma-cy2026", &reports);
  ASSERT_TRUE(standards.ok()) << standards.status();
  auto hospitals = testing_util::LoadOpenHifldHospitals(DataDir());
  ASSERT_TRUE(hospitals.ok());

  AdequacyRequest request;
  request.specialty_codes = {"040"};
  for (const Facility& f : *hospitals) {
    request.roster.push_back(
        {.id = f.id, .specialty_code = "040", .location = f.location, .beds = 1});
  }
  absl::flat_hash_map<std::string, int32_t> serving;  // county FIPS -> providers serving
  absl::flat_hash_map<std::string, double> reach_miles;
  auto summary = EvaluateAdequacy(
      *region, nullptr, *standards, {}, request, [&](const CountySpecialtyResult& r) {
        serving[r.county->fips] = r.providers_serving;
        reach_miles[r.county->fips] =
            std::min(r.max_miles, request.travel.straight_line.speed_mph * r.max_minutes / 60.0 /
                                      request.travel.straight_line.circuity_factor);
        return true;
      });
  ASSERT_TRUE(summary.ok()) << summary.status();
  ASSERT_EQ(summary->results, 83);

  // Brute force over the hospitals within 4 degrees of Michigan (no reach is that long).
  std::vector<const Facility*> near;
  for (const Facility& f : *hospitals) {
    if (f.location.lat > 37.5 && f.location.lat < 52.5 && f.location.lon > -94.5 &&
        f.location.lon < -78.4) {
      near.push_back(&f);
    }
  }
  int64_t total = 0;
  for (size_t c = 0; c < region->counties.size(); ++c) {
    const std::string& fips = region->counties[c].fips;
    ASSERT_TRUE(reach_miles.contains(fips)) << fips;
    absl::flat_hash_set<std::string> ids;  // a provider counts once
    for (const Facility* f : near) {
      for (size_t i = 0; i < region->units.size(); ++i) {
        if (region->unit_county[i] != static_cast<int32_t>(c)) continue;
        if (geo::GeodesicMeters(f->location, region->units[i].location) / geo::kMetersPerMile <=
            reach_miles[fips] * (1 + 1e-9)) {
          ids.insert(f->id);
          break;
        }
      }
    }
    EXPECT_EQ(serving[fips], static_cast<int32_t>(ids.size())) << fips;
    total += static_cast<int64_t>(ids.size());
  }
  EXPECT_GT(total, 200);  // the check is not vacuous
}

}  // namespace
}  // namespace carereach::access
