// Recommended additions in drive mode on real data: 20 picks from a pool of 200 candidate sites
// for Honolulu County (O'ahu's roads, 2020 tracts), 30-minute bound, residents driving to care.
// Candidates are 200 tract centres of population on O'ahu drawn with a fixed seed; the network is
// empty or O'ahu's open HIFLD hospitals (a 10-minute bound is timed too). Times the whole
// RecommendAdditions call, and separately its catchment step. Data: $CAREREACH_DATA or
// ../shared/data. Run: recommend_bench --benchmark_repetitions=5 (the median is the figure to
// quote).
#include <benchmark/benchmark.h>

#include <algorithm>
#include <cstdlib>
#include <iostream>
#include <random>

#include "bench/honolulu_drive.h"
#include "geo/access/catchment.h"
#include "geo/access/recommend.h"
#include "geo/io/census.h"
#include "tests/real_data.h"

namespace carereach {
namespace {

std::string DataDir() {
  const char* env = std::getenv("CAREREACH_DATA");
  return env != nullptr && *env != '\0' ? env : "../shared/data";
}

bool OnOahu(geo::LonLat p) {
  return p.lon > -158.4 && p.lon < -157.6 && p.lat > 21.2 && p.lat < 21.8;
}

struct Honolulu {
  access::Region region;
  access::DriveRegion drive;
  std::vector<access::Facility> hospitals;   // open, on O'ahu
  std::vector<access::Facility> candidates;  // 200 tract centres
};

const Honolulu& Data() {
  static const Honolulu* h = [] {
    auto* out = new Honolulu;
    auto hospitals = testing_util::LoadOpenHifldHospitals(DataDir());
    if (!hospitals.ok()) {
      std::cerr << "cannot load data from " << DataDir() << "\n";
      std::exit(1);
    }
    bench::HonoluluDrive honolulu;
    bench::LoadHonoluluDrive(DataDir(), &honolulu);
    out->region = std::move(honolulu.region);
    out->drive = std::move(honolulu.drive);
    for (const access::Facility& f : *hospitals) {
      if (OnOahu(f.location)) out->hospitals.push_back(f);
    }
    std::vector<const io::PopulationUnit*> tracts;
    for (const io::PopulationUnit& u : out->region.units) {
      if (OnOahu(u.location) && u.population > 0) tracts.push_back(&u);
    }
    std::mt19937 rng(2026);
    std::shuffle(tracts.begin(), tracts.end(), rng);
    tracts.resize(std::min<size_t>(tracts.size(), 200));
    for (const io::PopulationUnit* u : tracts) {
      out->candidates.push_back({.id = "site-" + u->id, .location = u->location});
    }
    return out;
  }();
  return *h;
}

access::RecommendRequest Request(bool with_hospitals, double max_minutes) {
  const Honolulu& h = Data();
  access::RecommendRequest request;
  request.travel.mode = access::TravelMode::kDrive;
  request.candidates = h.candidates;
  if (with_hospitals) request.network = h.hospitals;
  request.max_minutes = max_minutes;
  request.county_fips = {"15003"};
  request.max_picks = 20;
  return request;
}

void BM_RecommendAdditionsHonolulu(benchmark::State& state) {
  const Honolulu& h = Data();
  const access::RecommendRequest request =
      Request(state.range(0) == 1, static_cast<double>(state.range(1)));
  state.SetLabel(state.range(0) == 1 ? "network: O'ahu hospitals" : "empty network");
  size_t picks = 0;
  double share = 0;
  for (auto _ : state) {
    auto answer = access::RecommendAdditions(h.region, &h.drive, request, {});
    if (!answer.ok()) {
      state.SkipWithError(answer.status().ToString().c_str());
      return;
    }
    picks = answer->picks.size();
    share = answer->picks.empty() ? answer->base_share : answer->picks.back().share;
  }
  state.counters["candidates"] = static_cast<double>(request.candidates.size());
  state.counters["network"] = static_cast<double>(request.network.size());
  state.counters["max_minutes"] = request.max_minutes;
  state.counters["picks"] = static_cast<double>(picks);
  state.counters["final_share"] = share;
}
// {network, minutes}: within 30 minutes a few picks cover the island and the greedy stops early
// (nothing left to gain); within 10 minutes all 20 picks are made.
BENCHMARK(BM_RecommendAdditionsHonolulu)
    ->Args({0, 30})
    ->Args({1, 30})
    ->Args({0, 20})
    ->Args({0, 15})
    ->Args({0, 10})
    ->Args({1, 10})
    ->Unit(benchmark::kMillisecond);

// The catchment step alone (200 bounded searches, spread over the machine's threads).
void BM_CatchmentsHonolulu(benchmark::State& state) {
  const Honolulu& h = Data();
  std::vector<geo::LonLat> points;
  for (const access::Facility& f : h.candidates) points.push_back(f.location);
  const access::CatchmentParams params{.travel = {.mode = access::TravelMode::kDrive},
                                       .max_minutes = 30};
  size_t reached = 0;
  for (auto _ : state) {
    auto c = access::FacilityCatchments(h.region, &h.drive, points, params, nullptr);
    if (!c.ok()) {
      state.SkipWithError(c.status().ToString().c_str());
      return;
    }
    reached = 0;
    for (const auto& catchment : *c) reached += catchment.size();
  }
  state.counters["facilities"] = static_cast<double>(points.size());
  state.counters["unit_reaches"] = static_cast<double>(reached);
  state.counters["graph_nodes"] = h.drive.network->graph().node_count();
}
BENCHMARK(BM_CatchmentsHonolulu)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace carereach

BENCHMARK_MAIN();
