#ifndef CAREREACH_BENCH_HONOLULU_DRIVE_H_
#define CAREREACH_BENCH_HONOLULU_DRIVE_H_

#include <cstdlib>
#include <iostream>
#include <string>
#include <string_view>

#include "bench/bench_env.h"
#include "geo/access/coverage.h"
#include "geo/access/region.h"
#include "geo/io/census.h"
#include "geo/roads/osm_import.h"
#include "geo/routing/network_cache.h"

namespace carereach::bench {

// Honolulu County (its 2020 tracts) on O'ahu's roads (© OpenStreetMap contributors), the
// default engine unless CAREREACH_BENCH_ROAD_HIERARCHY=0. Exits naming what failed to load.
struct HonoluluDrive {
  access::Region region;
  access::DriveRegion drive;
};

inline void LoadHonoluluDrive(const std::string& data_dir, HonoluluDrive* out) {
  io::LoadReport report;
  auto units = io::LoadTractCentres(data_dir + "/census/CenPop2020_Mean_TR.txt", &report);
  auto profile = roads::SpeedProfile::Parse(roads::DefaultCarProfileCsv(), "car");
  if (!units.ok() || !profile.ok()) {
    std::cerr << "cannot load data from " << data_dir << "\n";
    std::exit(1);
  }
  auto network = routing::LoadOrBuildRoadNetwork(
      data_dir + "/roads/honolulu-county-hi-2016.osm.pbf", *profile, "",
      {.build_hierarchy = BenchRoadHierarchy()}, [](std::string_view) {});
  if (!network.ok()) {
    std::cerr << network.status() << "\n";
    std::exit(1);
  }
  out->region = *access::BuildRegion("honolulu", "", "", {.county_fips = {"15003"}}, *units, {});
  out->drive = access::BuildDriveRegion(out->region, *std::move(network));
}

}  // namespace carereach::bench

#endif  // CAREREACH_BENCH_HONOLULU_DRIVE_H_
