// Straight-line coverage on the real data: the library alone, and the whole ComputeCoverage RPC
// over gRPC on loopback against an in-process server. Data: $CAREREACH_DATA or ../shared/data.
#include <benchmark/benchmark.h>
#include <grpcpp/create_channel.h>
#include <grpcpp/security/credentials.h>

#include <cstdlib>
#include <iostream>
#include <memory>

#include "absl/strings/numbers.h"
#include "bench/bench_util.h"
#include "carereach/v1/access.grpc.pb.h"
#include "geo/access/coverage.h"
#include "geo/io/census.h"
#include "geo/io/csv.h"
#include "server/server.h"
#include "tests/real_data.h"

namespace carereach {
namespace {

using bench::DataDir;

struct Fixture {
  std::vector<io::PopulationUnit> units;
  std::vector<access::Facility> open_hospitals;
  std::map<std::string, access::Region> regions;
};

const Fixture& Data() {
  static const Fixture* const fixture = [] {
    auto* f = new Fixture;
    io::LoadReport report;
    auto units = io::LoadTractCentres(DataDir() + "/census/CenPop2020_Mean_TR.txt", &report);
    if (!units.ok()) {
      std::cerr << units.status() << "\n";
      std::exit(1);
    }
    f->units = *std::move(units);
    auto hospitals = testing_util::LoadOpenHifldHospitals(DataDir());
    if (!hospitals.ok()) {
      std::cerr << hospitals.status() << "\n";
      std::exit(1);
    }
    f->open_hospitals = *std::move(hospitals);
    const std::pair<const char*, access::RegionSelector> selectors[] = {
        {"honolulu", {.county_fips = {"15003"}}},
        {"michigan", {.state_fips = {"26"}}},
        {"us", {.all_units = true}}};
    for (const auto& [name, selector] : selectors) {
      f->regions.emplace(name, *access::BuildRegion(name, "", "", selector, f->units, {}));
    }
    return f;
  }();
  return *fixture;
}

access::CoverageRequest Request() {
  access::CoverageRequest r;
  r.facilities = Data().open_hospitals;
  r.thresholds = {access::Threshold::Minutes(10), access::Threshold::Minutes(20),
                  access::Threshold::Minutes(30), access::Threshold::Miles(5),
                  access::Threshold::Miles(10),   access::Threshold::Miles(20)};
  return r;
}

void BM_StraightLineCoverageLibrary(benchmark::State& state, const char* region_name) {
  const access::Region& region = Data().regions.at(region_name);
  const access::CoverageRequest request = Request();
  for (auto _ : state) {
    auto answer = access::ComputeCoverage(region, nullptr, request, {});
    if (!answer.ok()) state.SkipWithError(answer.status().ToString().c_str());
    benchmark::DoNotOptimize(answer);
  }
  state.counters["units"] = static_cast<double>(region.units.size());
  state.counters["facilities"] = static_cast<double>(request.facilities.size());
}
BENCHMARK_CAPTURE(BM_StraightLineCoverageLibrary, honolulu, "honolulu")
    ->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_StraightLineCoverageLibrary, michigan, "michigan")
    ->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_StraightLineCoverageLibrary, us, "us")->Unit(benchmark::kMillisecond);

// The whole RPC: request serialization (7,634 facilities), server-side validation and
// computation, response with every county, on 127.0.0.1.
void BM_ComputeCoverageRpc(benchmark::State& state, const char* region_name) {
  auto stub = bench::LoopbackStub(/*wait_for_roads=*/false);
  v1::ComputeCoverageRequest request;
  request.set_region(region_name);
  bench::AddFacilities(Data().open_hospitals, &request);
  for (double m : {10, 20, 30}) request.add_max_minutes(m);
  for (double m : {5, 10, 20}) request.add_max_miles(m);
  bench::TimeCoverageRpc(state, *stub, request);
}
BENCHMARK_CAPTURE(BM_ComputeCoverageRpc, honolulu, "honolulu")
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();
BENCHMARK_CAPTURE(BM_ComputeCoverageRpc, michigan, "michigan")
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();
BENCHMARK_CAPTURE(BM_ComputeCoverageRpc, us, "us")->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace
}  // namespace carereach

BENCHMARK_MAIN();
