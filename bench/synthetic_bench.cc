// State-sized network, end to end: import a synthetic OSM PBF (bench/make_synthetic_osm), write
// and load its cache, then drive coverage for its population points and facilities.
//   synthetic_bench PREFIX     (reads PREFIX.osm.pbf, PREFIX.points.csv, PREFIX.facilities.csv)
// Prints each step's time; the load and coverage steps are repeated 5 times (median).
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <functional>
#include <string>
#include <vector>

#include "absl/strings/numbers.h"
#include "geo/access/coverage.h"
#include "geo/core/status_macros.h"
#include "geo/io/csv.h"
#include "geo/roads/graph_cache.h"
#include "geo/roads/osm_import.h"

namespace carereach {
namespace {

double Seconds(const std::function<void()>& fn) {
  const auto start = std::chrono::steady_clock::now();
  fn();
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

double Median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

int Fail(const absl::Status& s) {
  std::fprintf(stderr, "synthetic_bench: %s\n", s.ToString().c_str());
  return 1;
}

absl::Status Run(const std::string& prefix) {
  auto profile = roads::SpeedProfile::Parse(roads::DefaultCarProfileCsv(), "car.csv");
  const std::string pbf = prefix + ".osm.pbf", cache = prefix + ".graph";
  absl::StatusOr<roads::RoadGraph> graph = absl::UnknownError("not run");
  const double import_s = Seconds([&] { graph = roads::ImportOsm(pbf, *profile); });
  RETURN_IF_ERROR(graph.status());
  const uint64_t source = *roads::FingerprintFile(pbf);
  const double save_s = Seconds([&] {
    if (absl::Status s = roads::SaveRoadGraph(*graph, source, profile->fingerprint(), cache);
        !s.ok()) {
      Fail(s);
    }
  });
  std::printf(
      "graph: %u nodes, %u directed edges, %zu segments, %lld in the largest SCC, %.1f MB "
      "(%.1f bytes per directed edge)\n",
      graph->node_count(), graph->arc_count(), graph->segments.size(),
      static_cast<long long>(graph->main_component_nodes()), graph->MemoryBytes() / 1e6,
      static_cast<double>(graph->MemoryBytes()) / graph->arc_count());
  std::printf("import: %.2f s; cache write: %.2f s\n", import_s, save_s);

  std::vector<double> loads;
  for (int i = 0; i < 5; ++i) {
    loads.push_back(Seconds([&] {
      auto loaded = roads::LoadRoadGraph(cache, source, profile->fingerprint());
      if (!loaded.ok()) Fail(loaded.status());
    }));
  }
  std::printf("cache load (one read per array, checksum verified): median %.3f s of 5\n",
              Median(loads));

  // Population points as one pseudo-county region; facilities.
  ASSIGN_OR_RETURN(io::CsvTable points, io::ReadCsvFile(prefix + ".points.csv"));
  ASSIGN_OR_RETURN(io::CsvTable facilities_csv, io::ReadCsvFile(prefix + ".facilities.csv"));
  std::vector<io::PopulationUnit> units;
  for (const io::CsvRecord& r : points.records) {
    io::PopulationUnit u{.id = "99999" + r.fields[points.Column("id")], .county_fips = "99999"};
    if (!absl::SimpleAtoi(r.fields[points.Column("population")], &u.population) ||
        !absl::SimpleAtod(r.fields[points.Column("lat")], &u.location.lat) ||
        !absl::SimpleAtod(r.fields[points.Column("lon")], &u.location.lon)) {
      return absl::InvalidArgumentError("bad point row");
    }
    units.push_back(u);
  }
  std::vector<access::Facility> facilities;
  for (const io::CsvRecord& r : facilities_csv.records) {
    access::Facility f{.id = r.fields[facilities_csv.Column("ID")]};
    absl::SimpleAtod(r.fields[facilities_csv.Column("LATITUDE")], &f.location.lat);
    absl::SimpleAtod(r.fields[facilities_csv.Column("LONGITUDE")], &f.location.lon);
    facilities.push_back(f);
  }
  ASSIGN_OR_RETURN(access::Region region,
                   access::BuildRegion("synthetic", "", "", {.county_fips = {"99999"}}, units, {}));
  access::DriveRegion drive;
  std::shared_ptr<const routing::RoadNetwork> network;
  const double index_s =
      Seconds([&] { network = routing::RoadNetwork::Create(*std::move(graph)); });
  const double snap_s = Seconds([&] { drive = access::BuildDriveRegion(region, network); });
  std::printf("snap index: %.2f s; snapping %zu points (once per region): %.3f s\n", index_s,
              units.size(), snap_s);

  access::CoverageRequest request;
  request.travel.mode = access::TravelMode::kDrive;
  request.facilities = facilities;
  request.thresholds = {access::Threshold::Minutes(15), access::Threshold::Minutes(30),
                        access::Threshold::Minutes(60)};
  std::vector<double> runs;
  absl::StatusOr<access::CoverageAnswer> answer = absl::UnknownError("not run");
  for (int i = 0; i < 5; ++i) {
    runs.push_back(Seconds([&] { answer = access::ComputeCoverage(region, &drive, request, {}); }));
    RETURN_IF_ERROR(answer.status());
  }
  std::printf("drive coverage, %zu points x %zu facilities, 15/30/60 minutes: median %.3f s of 5\n",
              units.size(), facilities.size(), Median(runs));
  for (size_t k = 0; k < request.thresholds.size(); ++k) {
    std::printf("  within %g min: %.1f %% (%lld of %lld)\n", request.thresholds[k].value,
                100.0 * access::Share(answer->summary.by_threshold[k].covered_population,
                                      answer->summary.total_population),
                static_cast<long long>(answer->summary.by_threshold[k].covered_population),
                static_cast<long long>(answer->summary.total_population));
  }
  std::printf("  unsnapped points: %d; unsnapped facilities: %zu\n",
              answer->summary.unsnapped_units, answer->unsnapped_facilities.size());
  return absl::OkStatus();
}

}  // namespace
}  // namespace carereach

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr,
                 "usage: synthetic_bench PREFIX (PREFIX.osm.pbf, PREFIX.points.csv, "
                 "PREFIX.facilities.csv)\n");
    return 2;
  }
  if (absl::Status s = carereach::Run(argv[1]); !s.ok()) return carereach::Fail(s);
  return 0;
}
