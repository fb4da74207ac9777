// BuildIsochrone on synthetic road lattices around Honolulu, each reached 100 m segment given as
// its own two-point polyline (the worst case: nothing pre-joined):
//   county:    roads 2 km apart, 70 km across, 50,400 segments, ~1,200 holes;
//   city:      roads 100 m apart, 16 km across, 50,244 segments, buffers merging into one area;
//   irregular: roads 300 m apart, every node moved up to 25 m at random (zigzag roads, no straight
//              line: pessimistic), 10% of segments missing, 41,384 segments, ~7,000 holes;
//   small:     roads 500 m apart, 2.5 km across, 300 segments (the fixed cost per call).
// Run: build/bench/isochrone_bench (figures in docs/BENCHMARKS.md, by hand).
#include <benchmark/benchmark.h>

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <vector>

#include "geo/core/geodesic.h"
#include "geo/core/local_projection.h"
#include "geo/routing/isochrone_geometry.h"

namespace carereach::routing {
namespace {

constexpr geo::LonLat kHonolulu{-157.8583, 21.3069};
constexpr double kSegmentMeters = 100;

// A deterministic pseudo-random number in [0, 1) for the integers (a, b, c) (SplitMix64).
double Noise(int64_t a, int64_t b, int64_t c) {
  uint64_t z = static_cast<uint64_t>(a) * 0x9E3779B97F4A7C15ULL ^
               static_cast<uint64_t>(b) * 0xBF58476D1CE4E5B9ULL ^
               static_cast<uint64_t>(c) * 0x94D049BB133111EBULL;
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return static_cast<double>((z ^ (z >> 31)) >> 11) / 9007199254740992.0;
}

// `lines` roads running east-west and `lines` running north-south, `spacing_meters` apart, cut
// into 100 m segments. Every node (one each 100 m) is moved up to `jitter_meters` in x and y, the
// same for all the segments meeting there; a `drop` fraction of the segments is left out.
std::vector<Polyline> Lattice(int lines, double spacing_meters, double jitter_meters = 0,
                              double drop = 0) {
  const double lon_per_m = 1.0 / geo::GeodesicMeters(kHonolulu, {kHonolulu.lon + 1, kHonolulu.lat});
  const double lat_per_m = 1.0 / geo::GeodesicMeters(kHonolulu, {kHonolulu.lon, kHonolulu.lat + 1});
  const double half = (lines - 1) * spacing_meters / 2;
  // The node `east` and `north` steps of 100 m from the south-west corner.
  auto node = [&](int east, int north) {
    const double dx = jitter_meters * (2 * Noise(east, north, 1) - 1);
    const double dy = jitter_meters * (2 * Noise(east, north, 2) - 1);
    return geo::LonLat{kHonolulu.lon + (east * kSegmentMeters + dx - half) * lon_per_m,
                       kHonolulu.lat + (north * kSegmentMeters + dy - half) * lat_per_m};
  };
  const int steps = static_cast<int>((lines - 1) * spacing_meters / kSegmentMeters);
  const int every = static_cast<int>(spacing_meters / kSegmentMeters);
  std::vector<Polyline> out;
  for (int line = 0; line < lines; ++line) {
    const int across = line * every;
    for (int s = 0; s < steps; ++s) {
      if (Noise(across, s, 3) >= drop) out.push_back({node(s, across), node(s + 1, across)});
      if (Noise(across, s, 4) >= drop) out.push_back({node(across, s), node(across, s + 1)});
    }
  }
  return out;
}

std::vector<Polyline> Network(int64_t kind) {
  switch (kind) {
    case 0:
      return Lattice(36, 2000);
    case 1:
      return Lattice(159, 100);
    case 2:
      return Lattice(88, 300, 25, 0.1);
    default:
      return Lattice(6, 500);
  }
}

void BM_BuildIsochrone(benchmark::State& state) {
  const std::vector<Polyline> reached = Network(state.range(0));
  std::vector<geo::LonLat> facilities;
  for (int i = 0; i < 10; ++i) {
    facilities.push_back({kHonolulu.lon + 0.001 * i, kHonolulu.lat - 0.0005 * i});
  }
  IsochroneGeometry last;
  for (auto _ : state) {
    absl::StatusOr<IsochroneGeometry> iso = BuildIsochrone(reached, facilities, 100, 250);
    if (!iso.ok()) {
      state.SkipWithError(iso.status().ToString().c_str());
      return;
    }
    last = *std::move(iso);
    benchmark::DoNotOptimize(last);
  }
  const char* const labels[] = {"county", "city", "irregular", "small"};
  state.SetLabel(labels[state.range(0)]);
  state.counters["segments"] = static_cast<double>(reached.size());
  state.counters["area_km2"] = last.area_km2;
  state.counters["positions_out"] =
      static_cast<double>(std::count(last.geojson.begin(), last.geojson.end(), '[')) -
      3;  // less the nesting brackets, about
  state.counters["geojson_kB"] = static_cast<double>(last.geojson.size()) / 1000;
}
BENCHMARK(BM_BuildIsochrone)->DenseRange(0, 3)->Unit(benchmark::kMillisecond)->UseRealTime();

// The fixed costs inside BuildIsochrone: a PROJ context and transformation per call, and projecting
// every distinct position.
void BM_LocalProjectionCreate(benchmark::State& state) {
  for (auto _ : state) {
    absl::StatusOr<geo::LocalProjection> projection = geo::LocalProjection::Create(kHonolulu);
    if (!projection.ok()) {
      state.SkipWithError(projection.status().ToString().c_str());
      return;
    }
    benchmark::DoNotOptimize(projection);
  }
}
BENCHMARK(BM_LocalProjectionCreate)->Unit(benchmark::kMillisecond);

void BM_LocalProjectionForward(benchmark::State& state) {
  absl::StatusOr<geo::LocalProjection> projection = geo::LocalProjection::Create(kHonolulu);
  if (!projection.ok()) {
    state.SkipWithError(projection.status().ToString().c_str());
    return;
  }
  const size_t n = static_cast<size_t>(state.range(0));
  std::vector<double> xs(n), ys(n);
  for (auto _ : state) {
    for (size_t i = 0; i < n; ++i) {
      xs[i] = kHonolulu.lon + 1e-5 * static_cast<double>(i % 1000);
      ys[i] = kHonolulu.lat + 1e-5 * static_cast<double>(i / 1000);
    }
    if (!projection->ForwardInPlace(xs, ys).ok()) state.SkipWithError("ForwardInPlace failed");
  }
  state.SetItemsProcessed(state.iterations() * state.range(0));
}
BENCHMARK(BM_LocalProjectionForward)->Arg(50'000)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace carereach::routing

BENCHMARK_MAIN();
