// Contraction hierarchy build on a road file: time, shortcuts and memory per directed edge.
//   hierarchy_bench ROADS.osm.pbf [RUNS] [time] [lazy]
// ("time": contract for drive time only, routing::HierarchyMetrics::kTime; "lazy": with
// routing::ContractionParams::lazy_priorities)
// Imports the file (through a graph cache in $TMPDIR or /tmp), then builds the
// hierarchy RUNS times (default 3) on the shared worker pool and prints each run and the median.
#include <xxhash.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "geo/core/worker_pool.h"
#include "geo/roads/graph_cache.h"
#include "geo/routing/hierarchy.h"

namespace carereach {
namespace {

std::string CachePath(const std::string& pbf) {
  const char* tmp = std::getenv("TMPDIR");
  const std::string name = pbf.substr(pbf.find_last_of('/') + 1);
  return std::string(tmp != nullptr && *tmp != '\0' ? tmp : "/tmp") +
         "/carereach-hierarchy-bench/" + name + ".graph";
}

int Run(const std::string& pbf, int runs, const routing::ContractionParams& params) {
  auto profile = roads::SpeedProfile::Parse(roads::DefaultCarProfileCsv(), "car.csv");
  if (!profile.ok()) return 1;
  auto graph = roads::LoadOrImportRoadGraph(pbf, *profile, CachePath(pbf), [](std::string_view) {});
  if (!graph.ok()) {
    std::fprintf(stderr, "hierarchy_bench: %s\n", graph.status().ToString().c_str());
    return 1;
  }
  std::printf("graph: %u nodes, %u directed edges, %.1f bytes per directed edge\n",
              graph->node_count(), graph->arc_count(),
              static_cast<double>(graph->MemoryBytes()) / graph->arc_count());
  std::printf("threads: %zu (worker pool) + the caller\n", geo::WorkerPool::Shared().workers());
  std::vector<double> seconds;
  for (int i = 0; i < runs; ++i) {
    const auto start = std::chrono::steady_clock::now();
    auto h = routing::BuildHierarchy(*graph, params, [](std::string_view line) {
      std::printf("  %.*s\n", static_cast<int>(line.size()), line.data());
      std::fflush(stdout);
    });
    const double s =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    if (!h.ok()) {
      std::fprintf(stderr, "hierarchy_bench: %s\n", h.status().ToString().c_str());
      return 1;
    }
    seconds.push_back(s);
    // A checksum of every array: two builds (or two versions of the contraction) made the same
    // hierarchy exactly when these agree.
    uint64_t checksum = 0;
    h->ForEachArray([&](const auto& v) {
      checksum = XXH3_64bits_withSeed(v.data(), v.size() * sizeof(v[0]), checksum);
    });
    std::printf("hierarchy checksum: %016llx\n", static_cast<unsigned long long>(checksum));
    const size_t original = graph->arc_count();
    std::printf(
        "build %d: %.3f s; %zu hierarchy arcs (%zu road arcs + %zd shortcuts, %.2f per road "
        "arc); %.1f MB, %.1f bytes per directed road edge\n",
        i + 1, s, h->arc_count(), original, static_cast<ssize_t>(h->arc_count() - original),
        static_cast<double>(h->arc_count()) / original, h->MemoryBytes() / 1e6,
        static_cast<double>(h->MemoryBytes()) / original);
  }
  std::sort(seconds.begin(), seconds.end());
  std::printf("median build: %.3f s of %d\n", seconds[seconds.size() / 2], runs);
  return 0;
}

}  // namespace
}  // namespace carereach

int main(int argc, char** argv) {
  carereach::routing::ContractionParams params;
  bool usage = argc < 2;
  for (int i = 3; i < argc; ++i) {
    const std::string option = argv[i];
    if (option == "time") {
      params.metrics = carereach::routing::HierarchyMetrics::kTime;
    } else if (option == "lazy") {
      params.lazy_priorities = true;
    } else {
      usage = true;
    }
  }
  if (usage) {
    std::fprintf(stderr, "usage: hierarchy_bench ROADS.osm.pbf [RUNS] [time] [lazy]\n");
    return 2;
  }
  std::printf(
      "metrics: %s; priorities: %s\n",
      params.metrics == carereach::routing::HierarchyMetrics::kTime ? "time" : "time and distance",
      params.lazy_priorities ? "lazy" : "exact");
  return carereach::Run(argv[1], argc > 2 ? std::atoi(argv[2]) : 3, params);
}
