// Queries on the contraction hierarchy against the plain Dijkstra on the O'ahu extract
// (honolulu-county-hi-2016.osm.pbf, the shipped region): PHAST one-to-all, RPHAST batches of
// k = 1 and 8 sources over a fixed target set, and a 100 x 100 travel-time matrix by buckets
// against 100 Dijkstras. Sources, targets and matrix points are random graph nodes from fixed
// seeds (not tract centres: this measures the engines, not snapping).
// Data: $CAREREACH_DATA or ../shared/data.
#include <benchmark/benchmark.h>

#include <cstdio>
#include <cstdlib>
#include <random>
#include <string>
#include <vector>

#include "geo/core/worker_pool.h"
#include "geo/roads/osm_import.h"
#include "geo/roads/speed_profile.h"
#include "geo/routing/bucket_table.h"
#include "geo/routing/dijkstra.h"
#include "geo/routing/hierarchy.h"
#include "geo/routing/phast.h"

namespace carereach::routing {
namespace {

std::string DataDir() {
  const char* env = std::getenv("CAREREACH_DATA");
  return env != nullptr && *env != '\0' ? env : "../shared/data";
}

struct Network {
  roads::RoadGraph graph;
  Hierarchy hierarchy;
};

const Network& Honolulu() {
  static const Network* net = [] {
    auto profile = roads::SpeedProfile::Parse(roads::DefaultCarProfileCsv(), "car.csv");
    auto graph = roads::ImportOsm(DataDir() + "/roads/honolulu-county-hi-2016.osm.pbf", *profile);
    if (!graph.ok()) {
      std::fprintf(stderr, "import: %s\n", graph.status().ToString().c_str());
      std::exit(1);
    }
    auto* n = new Network{*std::move(graph), {}};
    auto h = BuildHierarchy(n->graph, ContractionParams(), [](std::string_view) {});
    if (!h.ok()) {
      std::fprintf(stderr, "hierarchy: %s\n", h.status().ToString().c_str());
      std::exit(1);
    }
    n->hierarchy = *std::move(h);
    return n;
  }();
  return *net;
}

std::vector<uint32_t> RandomNodes(uint32_t count, uint64_t seed) {
  const Network& net = Honolulu();
  std::mt19937_64 rng(seed);
  std::vector<uint32_t> nodes(count);
  for (uint32_t& v : nodes) {
    // Sources in the main component, so every search covers the island.
    do {
      v = std::uniform_int_distribution<uint32_t>(0, net.graph.node_count() - 1)(rng);
    } while (!net.graph.node_in_main[v]);
  }
  return nodes;
}

void SetCounters(benchmark::State& state, const Network& net) {
  state.counters["nodes"] = net.graph.node_count();
  state.counters["hierarchy_arcs"] = static_cast<double>(net.hierarchy.arc_count());
}

// One-to-all, time metric, unbounded.
void BM_PhastOneToAll(benchmark::State& state) {
  const Network& net = Honolulu();
  const auto sources = RandomNodes(64, 1);
  Phast& phast = Phast::ThreadLocal(net.hierarchy);
  size_t i = 0;
  for (auto _ : state) {
    const Seed seed{.node = sources[i++ % sources.size()]};
    if (!phast.Run({&seed, 1}, Direction::kForward, Metric::kSeconds, UINT64_MAX).ok()) {
      state.SkipWithError("phast");
    }
    benchmark::DoNotOptimize(phast.key(0));
  }
  SetCounters(state, net);
}
BENCHMARK(BM_PhastOneToAll)->Unit(benchmark::kMillisecond);

void BM_DijkstraOneToAll(benchmark::State& state) {
  const Network& net = Honolulu();
  const auto sources = RandomNodes(64, 1);
  Dijkstra& dijkstra = Dijkstra::ThreadLocal(net.graph);
  size_t i = 0;
  for (auto _ : state) {
    const Seed seed{.node = sources[i++ % sources.size()]};
    if (!dijkstra.Run({&seed, 1}, Direction::kForward, Metric::kSeconds, UINT64_MAX).ok()) {
      state.SkipWithError("dijkstra");
    }
    benchmark::DoNotOptimize(dijkstra.key(0));
  }
  SetCounters(state, net);
}
BENCHMARK(BM_DijkstraOneToAll)->Unit(benchmark::kMillisecond);

// Building the RPHAST selection of `targets` random nodes (forward).
void BM_RphastSelection(benchmark::State& state) {
  const Network& net = Honolulu();
  const auto targets = RandomNodes(static_cast<uint32_t>(state.range(0)), 2);
  uint32_t size = 0;
  for (auto _ : state) {
    const auto sel = TargetSelection::Build(net.hierarchy, targets, Direction::kForward);
    size = sel.size();
    benchmark::DoNotOptimize(size);
  }
  state.counters["selection"] = size;
  SetCounters(state, net);
}
BENCHMARK(BM_RphastSelection)->Arg(330)->Arg(10000)->Unit(benchmark::kMicrosecond);

// k sources at once over 330 random targets (time, unbounded); items = sources.
void BM_RphastBatch(benchmark::State& state) {
  const Network& net = Honolulu();
  const auto targets = RandomNodes(330, 2);
  const auto sel = TargetSelection::Build(net.hierarchy, targets, Direction::kForward);
  const auto nodes = RandomNodes(64, 3);
  const int k = static_cast<int>(state.range(0));
  std::vector<Seed> seeds(k);
  std::vector<std::span<const Seed>> sources;
  for (int c = 0; c < k; ++c) sources.emplace_back(&seeds[c], 1);
  RphastBatch& batch = RphastBatch::ThreadLocal(net.hierarchy);
  size_t i = 0;
  for (auto _ : state) {
    for (int c = 0; c < k; ++c) seeds[c].node = nodes[i++ % nodes.size()];
    if (!batch.Run(sel, sources, Direction::kForward, Metric::kSeconds, UINT64_MAX).ok()) {
      state.SkipWithError("rphast");
    }
    benchmark::DoNotOptimize(batch.local_key(0, 0));
  }
  state.SetItemsProcessed(state.iterations() * k);
  state.counters["selection"] = sel.size();
  SetCounters(state, net);
}
BENCHMARK(BM_RphastBatch)->Arg(1)->Arg(8)->Unit(benchmark::kMicrosecond);

// 100 x 100 travel-time matrix between random nodes, unbounded: buckets (both phases on the
// shared worker pool) against one Dijkstra per origin (sequential, as ComputeMatrix runs today).
void BM_Matrix100x100Buckets(benchmark::State& state) {
  const Network& net = Honolulu();
  const auto o = RandomNodes(100, 4), d = RandomNodes(100, 5);
  std::vector<std::vector<Seed>> origins, destinations;
  for (uint32_t v : o) origins.push_back({Seed{.node = v}});
  for (uint32_t v : d) destinations.push_back({Seed{.node = v}});
  for (auto _ : state) {
    auto table = ManyToMany(net.hierarchy, origins, destinations, UINT64_MAX);
    if (!table.ok()) state.SkipWithError("buckets");
    benchmark::DoNotOptimize(table);
  }
  state.counters["threads"] = static_cast<double>(geo::WorkerPool::Shared().workers() + 1);
  SetCounters(state, net);
}
BENCHMARK(BM_Matrix100x100Buckets)->Unit(benchmark::kMillisecond)->UseRealTime();

void BM_Matrix100x100Dijkstra(benchmark::State& state) {
  const Network& net = Honolulu();
  const auto o = RandomNodes(100, 4), d = RandomNodes(100, 5);
  Dijkstra& dijkstra = Dijkstra::ThreadLocal(net.graph);
  std::vector<RouteKey> table(o.size() * d.size());
  for (auto _ : state) {
    for (size_t i = 0; i < o.size(); ++i) {
      const Seed seed{.node = o[i]};
      if (!dijkstra.Run({&seed, 1}, Direction::kForward, Metric::kSeconds, UINT64_MAX).ok()) {
        state.SkipWithError("dijkstra");
      }
      for (size_t j = 0; j < d.size(); ++j) table[i * d.size() + j] = dijkstra.key(d[j]);
    }
    benchmark::DoNotOptimize(table.data());
  }
  SetCounters(state, net);
}
BENCHMARK(BM_Matrix100x100Dijkstra)->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace
}  // namespace carereach::routing

BENCHMARK_MAIN();
