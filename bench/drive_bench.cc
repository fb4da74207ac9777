// Drive mode on the real OSM extracts: snapping, the bounded searches, and the whole
// ComputeCoverage RPC over gRPC on loopback; import and cache load per extract.
// Data: $CAREREACH_DATA or ../shared/data.
#include <benchmark/benchmark.h>
#include <grpcpp/create_channel.h>
#include <grpcpp/security/credentials.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <iostream>

#include "bench/bench_util.h"
#include "carereach/v1/access.grpc.pb.h"
#include "geo/access/coverage.h"
#include "geo/io/census.h"
#include "geo/roads/graph_cache.h"
#include "geo/roads/osm_import.h"
#include "geo/routing/network_cache.h"
#include "server/server.h"
#include "tests/real_data.h"

namespace carereach {
namespace {

using bench::DataDir;

const char* const kExtracts[] = {"honolulu-county-hi-2016.osm.pbf", "imperial-county-ca.osm.pbf",
                                 "yuba-county-ca.osm.pbf"};

const roads::SpeedProfile& Profile() {
  static const roads::SpeedProfile* p =
      new roads::SpeedProfile(*roads::SpeedProfile::Parse(roads::DefaultCarProfileCsv(), "car"));
  return *p;
}

void BM_Import(benchmark::State& state) {
  const std::string path = DataDir() + "/roads/" + kExtracts[state.range(0)];
  state.SetLabel(kExtracts[state.range(0)]);
  for (auto _ : state) {
    auto g = roads::ImportOsm(path, Profile());
    if (!g.ok()) state.SkipWithError(g.status().ToString().c_str());
    state.counters["nodes"] = g->node_count();
    state.counters["directed_edges"] = g->arc_count();
    state.counters["bytes_per_directed_edge"] =
        static_cast<double>(g->MemoryBytes()) / g->arc_count();
  }
}
BENCHMARK(BM_Import)->DenseRange(0, 2)->Unit(benchmark::kMillisecond);

void BM_CacheLoad(benchmark::State& state) {
  const std::string path = DataDir() + "/roads/" + kExtracts[state.range(0)];
  state.SetLabel(kExtracts[state.range(0)]);
  const std::string cache = "/tmp/carereach-bench-" + std::to_string(state.range(0)) + ".graph";
  auto g = roads::LoadOrImportRoadGraph(path, Profile(), cache, [](std::string_view) {});
  const uint64_t source = *roads::FingerprintFile(path);
  for (auto _ : state) {
    auto loaded = roads::LoadRoadGraph(cache, source, Profile().fingerprint());
    if (!loaded.ok()) state.SkipWithError(loaded.status().ToString().c_str());
    benchmark::DoNotOptimize(loaded);
  }
}
BENCHMARK(BM_CacheLoad)->DenseRange(0, 2)->Unit(benchmark::kMillisecond);

// Building the snap index of an imported graph (what every start did before the cache held it).
void BM_SnapIndexBuild(benchmark::State& state) {
  const std::string path = DataDir() + "/roads/" + kExtracts[state.range(0)];
  state.SetLabel(kExtracts[state.range(0)]);
  auto g = roads::ImportOsm(path, Profile());
  if (!g.ok()) state.SkipWithError(g.status().ToString().c_str());
  for (auto _ : state) {
    routing::SnapIndex index(*g);
    benchmark::DoNotOptimize(index.piece_count());
    state.counters["pieces"] = index.piece_count();
    state.counters["bytes_per_piece"] =
        static_cast<double>(index.MemoryBytes()) / std::max<size_t>(1, index.piece_count());
  }
}
BENCHMARK(BM_SnapIndexBuild)->DenseRange(0, 2)->Unit(benchmark::kMillisecond);

// Graph and snap index from the cache file (format 3, checksums verified): the region's road
// network ready.
void BM_NetworkCacheLoad(benchmark::State& state) {
  const std::string path = DataDir() + "/roads/" + kExtracts[state.range(0)];
  state.SetLabel(kExtracts[state.range(0)]);
  const std::string cache =
      "/tmp/carereach-bench-network-" + std::to_string(state.range(0)) + ".graph";
  std::filesystem::remove(cache);
  auto built = routing::LoadOrBuildRoadNetwork(path, Profile(), cache, {}, [](std::string_view) {});
  if (!built.ok()) state.SkipWithError(built.status().ToString().c_str());
  bool from_cache = true;
  for (auto _ : state) {
    auto loaded =
        routing::LoadOrBuildRoadNetwork(path, Profile(), cache, {}, [&](std::string_view l) {
          if (l.find("built") != std::string_view::npos) from_cache = false;
        });
    if (!loaded.ok()) state.SkipWithError(loaded.status().ToString().c_str());
    benchmark::DoNotOptimize(loaded);
  }
  if (!from_cache) state.SkipWithError("not loaded from the cache");
  state.counters["file_bytes"] = static_cast<double>(std::filesystem::file_size(cache));
}
BENCHMARK(BM_NetworkCacheLoad)->DenseRange(0, 2)->Unit(benchmark::kMillisecond);

struct Honolulu {
  access::Region region;
  access::DriveRegion drive;
  std::vector<access::Facility> all_open, county_open;
};
const Honolulu& HonoluluData() {
  static const Honolulu* h = [] {
    auto* out = new Honolulu;
    io::LoadReport report;
    auto units = io::LoadTractCentres(DataDir() + "/census/CenPop2020_Mean_TR.txt", &report);
    out->region = *access::BuildRegion("honolulu", "", "", {.county_fips = {"15003"}}, *units, {});
    auto network = routing::LoadOrBuildRoadNetwork(
        DataDir() + "/roads/" + kExtracts[0], Profile(), "",
        {.build_hierarchy = bench::BenchRoadHierarchy()}, [](std::string_view) {});
    out->drive = access::BuildDriveRegion(out->region, *std::move(network));
    out->all_open = *testing_util::LoadOpenHifldHospitals(DataDir());
    for (const access::Facility& f : out->all_open) {
      // O'ahu's box.
      if (f.location.lon > -158.4 && f.location.lon < -157.6 && f.location.lat > 21.2 &&
          f.location.lat < 21.8) {
        out->county_open.push_back(f);
      }
    }
    return out;
  }();
  return *h;
}

void BM_SnapPoint(benchmark::State& state) {
  const Honolulu& h = HonoluluData();
  size_t i = 0;
  for (auto _ : state) {
    const auto& u = h.region.units[i++ % h.region.units.size()];
    benchmark::DoNotOptimize(h.drive.network->snap_index().Nearest(u.location, 1000));
  }
}
BENCHMARK(BM_SnapPoint);

void BM_DriveTravelHonolulu(benchmark::State& state) {
  const Honolulu& h = HonoluluData();
  const bool all = state.range(0) == 1;
  const auto& facilities = all ? h.all_open : h.county_open;
  state.SetLabel(all ? "all 7,634 US open hospitals" : "O'ahu open hospitals");
  const std::vector<access::Threshold> thresholds = {
      access::Threshold::Minutes(10), access::Threshold::Minutes(20),
      access::Threshold::Minutes(30), access::Threshold::Minutes(60)};
  for (auto _ : state) {
    std::vector<int32_t> unsnapped;
    auto t = access::DriveTravel(h.region, h.drive, facilities, thresholds, {},
                                 absl::InfiniteFuture(), &unsnapped);
    if (!t.ok()) state.SkipWithError(t.status().ToString().c_str());
    benchmark::DoNotOptimize(t);
  }
  state.counters["facilities"] = static_cast<double>(facilities.size());
}
BENCHMARK(BM_DriveTravelHonolulu)->Arg(0)->Arg(1)->Unit(benchmark::kMillisecond);

void BM_DriveCoverageRpc(benchmark::State& state) {
  const Honolulu& h = HonoluluData();
  const bool all = state.range(0) == 1;
  state.SetLabel(all ? "all 7,634 US open hospitals" : "O'ahu open hospitals");
  auto stub = bench::LoopbackStub(/*wait_for_roads=*/true);
  v1::ComputeCoverageRequest request;
  request.set_region("honolulu");
  request.set_mode(v1::TRAVEL_MODE_DRIVE);
  bench::AddFacilities(all ? h.all_open : h.county_open, &request);
  for (double m : {10, 20, 30, 60}) request.add_max_minutes(m);
  bench::TimeCoverageRpc(state, *stub, request);
}
BENCHMARK(BM_DriveCoverageRpc)->Arg(0)->Arg(1)->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace
}  // namespace carereach

BENCHMARK_MAIN();
