// Map rendering on real data (issue #13's figure): a Michigan adequacy-style map, 83 county
// outlines from the Census 5m cartographic boundary file filled pass/fail, and the 3,017 tract
// centres of population as dots coloured by straight-line minutes to the nearest of Michigan's
// open HIFLD hospitals, with those hospitals as markers. PNG and SVG at 1200 x 900 (and PNG at
// 2400 x 1800). What is timed is RenderMap alone (projection, layout, drawing, encoding); the
// scene is built once. Data: $CAREREACH_DATA or ../shared/data.
#include <benchmark/benchmark.h>

#include <cmath>
#include <cstdlib>
#include <fstream>
#include <iostream>

#include "absl/strings/numbers.h"
#include "geo/core/geodesic.h"
#include "geo/io/census.h"
#include "geo/io/county_boundaries.h"
#include "geo/io/csv.h"
#include "geo/render/render.h"

namespace carereach {
namespace {

std::string DataDir() {
  const char* env = std::getenv("CAREREACH_DATA");
  return env != nullptr && *env != '\0' ? env : "../shared/data";
}

const render::MapScene& MichiganScene() {
  static const render::MapScene* scene = [] {
    auto* s = new render::MapScene;
    io::LoadReport report;
    auto counties =
        io::LoadCountyBoundaries(DataDir() + "/counties/cb_2020_us_county_5m.shp", &report);
    auto units = io::LoadTractCentres(DataDir() + "/census/CenPop2020_Mean_TR.txt", &report);
    auto csv = io::ReadCsvFile(DataDir() + "/facilities/hifld_hospitals.csv");
    if (!counties.ok() || !units.ok() || !csv.ok()) {
      std::cerr << "cannot load data from " << DataDir() << "\n";
      std::exit(1);
    }
    const int state = csv->Column("STATE"), status = csv->Column("STATUS");
    const int lon = csv->Column("LONGITUDE"), lat = csv->Column("LATITUDE");
    const int id = csv->Column("ID");
    for (const io::CsvRecord& r : csv->records) {
      const auto& row = r.fields;
      double x, y;
      if (row[state] != "MI" || row[status] != "OPEN" || !absl::SimpleAtod(row[lon], &x) ||
          !absl::SimpleAtod(row[lat], &y)) {
        continue;
      }
      s->facilities.push_back({{x, y}, 0, row[id]});
    }
    for (const io::PopulationUnit& u : *units) {
      if (u.county_fips.substr(0, 2) != "26") continue;
      double best_m = HUGE_VAL;
      for (const render::MapFacility& f : s->facilities) {
        best_m = std::min(best_m, geo::GeodesicMeters(u.location, f.location));
      }
      // Straight-line minutes: geodesic miles x 1.3 circuity at 35 mph.
      const double minutes = best_m / 1609.344 * 1.3 / 35 * 60;
      s->units.push_back({u.location, static_cast<double>(u.population),
                          render::MapUnit::State::kReached, minutes});
    }
    int k = 0;
    for (io::CountyBoundary& c : *counties) {
      if (c.fips.substr(0, 2) != "26") continue;
      render::MapCounty county;
      county.fips = c.fips;
      county.rings = std::move(c.rings);
      county.fill =
          (k++ % 5 == 0) ? render::MapCounty::Fill::kFail : render::MapCounty::Fill::kPass;
      s->counties.push_back(std::move(county));
    }
    s->title = "Michigan: acute inpatient hospitals (040), CMS time and distance standards";
    s->subtitle = "83 counties, 3,017 tracts, straight-line";
    s->method = "Straight-line minutes: geodesic miles x 1.3 / 35 mph x 60";
    s->credits = {"Population: U.S. Census Bureau, 2020 tract centres of population",
                  "County boundaries: U.S. Census Bureau (2020)", "Hospitals: HIFLD",
                  "Standards: CMS HSD reference file (CY2026)"};
    s->thresholds = {10, 20, 30, 60};
    s->members = {"Open hospitals"};
    s->fill_label = "040 (illustrative pass/fail)";
    std::cerr << "scene: " << s->counties.size() << " counties, " << s->units.size() << " tracts, "
              << s->facilities.size() << " hospitals\n";
    return s;
  }();
  return *scene;
}

void BM_RenderMichigan(benchmark::State& state) {
  const render::MapScene& scene = MichiganScene();
  render::RenderOptions options;
  options.format = state.range(0) == 0 ? render::ImageFormat::kPng : render::ImageFormat::kSvg;
  options.width_px = static_cast<int>(state.range(1));
  options.height_px = options.width_px * 3 / 4;
  size_t bytes = 0;
  for (auto _ : state) {
    auto map = render::RenderMap(scene, options);
    if (!map.ok()) {
      state.SkipWithError(std::string(map.status().message()).c_str());
      return;
    }
    bytes = map->image.size();
    benchmark::DoNotOptimize(map->image.data());
  }
  state.counters["bytes"] = static_cast<double>(bytes);
  // CAREREACH_RENDER_BENCH_OUT=DIR writes the picture that was timed, to look at.
  if (const char* dir = std::getenv("CAREREACH_RENDER_BENCH_OUT"); dir != nullptr && *dir) {
    auto map = render::RenderMap(scene, options);
    const std::string path = std::string(dir) + "/michigan-" + std::to_string(options.width_px) +
                             (state.range(0) == 0 ? ".png" : ".svg");
    if (map.ok()) std::ofstream(path, std::ios::binary) << map->image;
  }
  state.SetLabel(state.range(0) == 0 ? "png" : "svg");
}
BENCHMARK(BM_RenderMichigan)
    ->Args({0, 1200})
    ->Args({1, 1200})
    ->Args({0, 2400})
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();

}  // namespace
}  // namespace carereach

BENCHMARK_MAIN();
