// State-sized network, end to end: import a synthetic OSM PBF (bench/make_synthetic_osm), build
// its snap index, write and load its cache (graph and snap index sections), get the region ready
// from the cache, then drive coverage for its population points and facilities.
//   synthetic_bench PREFIX [--no-hierarchy | [--time-only-hierarchy] [--lazy-priorities]]
//     (reads PREFIX.osm.pbf, PREFIX.points.csv, PREFIX.facilities.csv; --no-hierarchy: no
//     contraction hierarchy, searches on Dijkstra; --time-only-hierarchy: one contracted for
//     drive time only, routing::HierarchyMetrics::kTime; --lazy-priorities: contracted with
//     routing::ContractionParams::lazy_priorities)
// Prints each step's time; the load, ready, coverage and catchment steps are repeated 5 times
// (median).
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/numbers.h"
#include "geo/access/catchment.h"
#include "geo/access/coverage.h"
#include "geo/core/status_macros.h"
#include "geo/io/csv.h"
#include "geo/roads/graph_cache.h"
#include "geo/roads/osm_import.h"
#include "geo/routing/hierarchy.h"
#include "geo/routing/network_cache.h"
#include "tests/geo/routing/snap_index_reference.h"

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

absl::Status Run(const std::string& prefix, bool with_hierarchy,
                 const routing::ContractionParams& params) {
  auto profile = roads::SpeedProfile::Parse(roads::DefaultCarProfileCsv(), "car.csv");
  const std::string pbf = prefix + ".osm.pbf", cache = prefix + ".graph";
  absl::StatusOr<roads::RoadGraph> graph = absl::UnknownError("not run");
  const double import_s = Seconds([&] { graph = roads::ImportOsm(pbf, *profile); });
  RETURN_IF_ERROR(graph.status());
  const uint64_t source = *roads::FingerprintFile(pbf);
  std::printf(
      "graph: %u nodes, %u directed edges, %zu segments, %lld in the largest SCC, %.1f MB "
      "(%.1f bytes per directed edge)\n",
      graph->node_count(), graph->arc_count(), graph->segments.size(),
      static_cast<long long>(graph->main_component_nodes()), graph->MemoryBytes() / 1e6,
      static_cast<double>(graph->MemoryBytes()) / graph->arc_count());
  std::printf("import: %.2f s\n", import_s);

  // The hierarchy and the snap index, built as a start without the cache's sections does.
  std::unique_ptr<const routing::Hierarchy> hierarchy;
  if (with_hierarchy) {
    const double hierarchy_s = Seconds([&] {
      auto built = routing::BuildHierarchy(*graph, params, [](std::string_view line) {
        std::printf("  %.*s\n", static_cast<int>(line.size()), line.data());
        std::fflush(stdout);
      });
      if (!built.ok()) std::exit(Fail(built.status()));
      hierarchy = std::make_unique<const routing::Hierarchy>(*std::move(built));
    });
    std::printf("hierarchy build: %.2f s (%zu arcs, %.1f MB, %.1f bytes per directed edge)\n",
                hierarchy_s, hierarchy->arc_count(), hierarchy->MemoryBytes() / 1e6,
                static_cast<double>(hierarchy->MemoryBytes()) / graph->arc_count());
  } else {
    std::printf("hierarchy: not built (--no-hierarchy: searches on Dijkstra)\n");
  }
  std::shared_ptr<const routing::RoadNetwork> built;
  const double index_s = Seconds(
      [&] { built = routing::RoadNetwork::Create(*std::move(graph), std::move(hierarchy)); });
  const routing::SnapIndex& index = built->snap_index();
  // The nanoflann index it replaced (test-only copy), for the same-run comparison.
  const double reference_s =
      Seconds([&] { routing::reference::ReferenceSnapIndex reference(built->graph()); });
  std::printf(
      "snap index build: %.2f s (%zu pieces, %.1f MB, %.1f bytes per piece); the nanoflann "
      "index it replaced: %.2f s\n",
      index_s, index.piece_count(), index.MemoryBytes() / 1e6,
      static_cast<double>(index.MemoryBytes()) / index.piece_count(), reference_s);
  const double save_s = Seconds([&] {
    std::vector<roads::CacheSection> sections(2);
    sections[0].tag = routing::kHierarchySection;
    sections[0].params_fingerprint = params.Fingerprint();
    if (built->hierarchy() != nullptr) {
      const_cast<routing::Hierarchy*>(built->hierarchy())->ForEachArray([&](const auto& v) {
        sections[0].Add(v);
      });
    } else {
      sections.erase(sections.begin());
    }
    sections.back().tag = routing::kSnapIndexSection;
    sections.back().params_fingerprint = routing::SnapIndex::ParamsFingerprint();
    index.ForEachArray([&](const auto& v) { sections.back().Add(v); });
    if (absl::Status s =
            roads::SaveRoadGraph(built->graph(), source, profile->fingerprint(), cache, sections);
        !s.ok()) {
      std::exit(Fail(s));
    }
  });
  std::printf("cache write (graph + hierarchy + snap index): %.2f s, %.1f MB\n", save_s,
              std::filesystem::file_size(cache) / 1e6);

  // Each section alone (checksums verified, arrays validated), median of 5.
  const auto read_all = [](auto& arrays) {
    return [&arrays](roads::CacheSectionReader& r) {
      absl::Status st;
      arrays.ForEachArray([&](auto& v) {
        if (st.ok()) st = r.Next(v);
      });
      return st;
    };
  };
  std::vector<double> graph_loads, hierarchy_loads, snap_loads;
  for (int i = 0; i < 5; ++i) {
    absl::StatusOr<roads::LoadedGraphCache> loaded = absl::UnknownError("not run");
    graph_loads.push_back(Seconds([&] {
      loaded = roads::LoadGraphCache(cache, source, profile->fingerprint());
      if (!loaded.ok()) std::exit(Fail(loaded.status()));
    }));
    if (with_hierarchy)
      hierarchy_loads.push_back(Seconds([&] {
        routing::Hierarchy h;
        absl::Status s =
            loaded->Find(routing::kHierarchySection)->Read(params.Fingerprint(), read_all(h));
        if (s.ok()) s = h.Validate(loaded->graph.node_count());
        if (!s.ok()) std::exit(Fail(s));
      }));
    snap_loads.push_back(Seconds([&] {
      routing::SnapIndex::Arrays arrays;
      absl::Status s = loaded->Find(routing::kSnapIndexSection)
                           ->Read(routing::SnapIndex::ParamsFingerprint(), read_all(arrays));
      if (s.ok()) s = routing::SnapIndex::Load(loaded->graph, std::move(arrays)).status();
      if (!s.ok()) std::exit(Fail(s));
    }));
  }
  std::printf(
      "cache load per section (one read per array, checksum verified, arrays validated), median "
      "of 5: graph %.3f s, hierarchy %.3f s, snap index %.3f s\n",
      Median(graph_loads), with_hierarchy ? Median(hierarchy_loads) : 0.0, Median(snap_loads));
  built.reset();

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
  // Region ready from the cache, as a server start does it: LoadOrBuildRoadNetwork (source
  // fingerprint, graph, hierarchy and snap index sections) and the units' snapping
  // (BuildDriveRegion).
  access::DriveRegion drive;
  std::vector<double> readies, networks, snaps;
  std::vector<std::string> log;
  for (int i = 0; i < 5; ++i) {
    drive = access::DriveRegion();
    log.clear();
    std::shared_ptr<const routing::RoadNetwork> network;
    const double network_s = Seconds([&] {
      auto loaded = routing::LoadOrBuildRoadNetwork(
          pbf, *profile, cache, {.build_hierarchy = with_hierarchy, .contraction = params},
          [&](std::string_view l) { log.emplace_back(l); });
      if (!loaded.ok()) std::exit(Fail(loaded.status()));
      network = *std::move(loaded);
    });
    const double snap_s = Seconds([&] { drive = access::BuildDriveRegion(region, network); });
    networks.push_back(network_s);
    snaps.push_back(snap_s);
    readies.push_back(network_s + snap_s);
  }
  for (const std::string& line : log) std::printf("  log: %s\n", line.c_str());
  std::printf(
      "region ready from cache (graph + hierarchy + snap index + snapping %zu points), median of "
      "5: %.3f s "
      "(road network %.3f s, unit snapping %.3f s)\n",
      units.size(), Median(readies), Median(networks), Median(snaps));

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

  // 1,000 catchments at 30 minutes over the points: the facilities, then points' locations as
  // candidate sites (the recommendation workload), in file order.
  std::vector<geo::LonLat> sites;
  for (const access::Facility& f : facilities) sites.push_back(f.location);
  for (size_t i = 0; sites.size() < 1000 && i < units.size(); ++i) {
    sites.push_back(units[i].location);
  }
  access::CatchmentParams catchment_params;
  catchment_params.travel.mode = access::TravelMode::kDrive;
  catchment_params.max_minutes = 30;
  runs.clear();
  size_t pairs = 0;
  for (int i = 0; i < 5; ++i) {
    absl::StatusOr<std::vector<std::vector<access::UnitReach>>> catchments =
        absl::UnknownError("not run");
    runs.push_back(Seconds([&] {
      catchments = access::FacilityCatchments(region, &drive, sites, catchment_params, nullptr);
    }));
    RETURN_IF_ERROR(catchments.status());
    pairs = 0;
    for (const auto& c : *catchments) pairs += c.size();
  }
  std::printf(
      "catchments, %zu sites at 30 minutes over %zu points: median %.3f s of 5 (%zu "
      "site-point pairs within reach)\n",
      sites.size(), units.size(), Median(runs), pairs);
  return absl::OkStatus();
}

}  // namespace
}  // namespace carereach

int main(int argc, char** argv) {
  bool with_hierarchy = true, usage = argc < 2;
  carereach::routing::ContractionParams params;
  for (int i = 2; i < argc; ++i) {
    const std::string option = argv[i];
    if (option == "--no-hierarchy") {
      with_hierarchy = false;
    } else if (option == "--time-only-hierarchy") {
      params.metrics = carereach::routing::HierarchyMetrics::kTime;
    } else if (option == "--lazy-priorities") {
      params.lazy_priorities = true;
    } else {
      usage = true;
    }
  }
  if (usage || (!with_hierarchy && argc > 3)) {
    std::fprintf(stderr,
                 "usage: synthetic_bench PREFIX [--no-hierarchy | [--time-only-hierarchy] "
                 "[--lazy-priorities]] (PREFIX.osm.pbf, PREFIX.points.csv, "
                 "PREFIX.facilities.csv)\n");
    return 2;
  }
  if (absl::Status s = carereach::Run(argv[1], with_hierarchy, params); !s.ok()) {
    return carereach::Fail(s);
  }
  return 0;
}
