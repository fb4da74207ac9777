// CMS adequacy on real data, straight-line mode: one county with every specialty type, and all
// 83 Michigan counties with every type; drive mode: Honolulu County on O'ahu's roads (©
// OpenStreetMap contributors) with every type. Roster: Michigan's open HIFLD hospitals as acute
// inpatient hospitals (040, with their beds; BEDS -999 counts as 0), plus one provider of every
// other specialty type at each hospital (a stand-in: no public provider roster ships with the
// data). Data: $CAREREACH_DATA or ../shared/data.
#include <benchmark/benchmark.h>

#include <cstdlib>
#include <iostream>

#include "absl/strings/numbers.h"
#include "bench/honolulu_drive.h"
#include "geo/access/adequacy.h"
#include "geo/io/census.h"
#include "geo/io/csv.h"
#include "geo/io/telehealth.h"

namespace carereach {
namespace {

std::string DataDir() {
  const char* env = std::getenv("CAREREACH_DATA");
  return env != nullptr && *env != '\0' ? env : "../shared/data";
}

struct Fixture {
  io::StandardsSet standards;
  access::Region michigan;
  std::vector<access::NetworkProvider> roster;
  absl::flat_hash_set<std::string> telehealth;
};

const Fixture& Data() {
  static const Fixture* f = [] {
    std::vector<io::LoadReport> reports;
    auto standards = io::StandardsSet::Load(DataDir() + "/cms", "cms-ma-cy2026", &reports);
    io::LoadReport report;
    auto units = io::LoadTractCentres(DataDir() + "/census/CenPop2020_Mean_TR.txt", &report);
    auto csv = io::ReadCsvFile(DataDir() + "/facilities/hifld_hospitals.csv");
    if (!standards.ok() || !units.ok() || !csv.ok()) {
      std::cerr << "cannot load data from " << DataDir() << "\n";
      std::exit(1);
    }
    auto* out =
        new Fixture{*std::move(standards),
                    *access::BuildRegion("michigan", "", "", {.state_fips = {"26"}}, *units, {}),
                    {},
                    *io::ParseTelehealthEligible(io::DefaultTelehealthEligibleCsv(), "telehealth")};
    const int id = csv->Column("ID"), state = csv->Column("STATE"), status = csv->Column("STATUS"),
              type = csv->Column("TYPE"), lat = csv->Column("LATITUDE"),
              lon = csv->Column("LONGITUDE"), beds = csv->Column("BEDS");
    for (const io::CsvRecord& r : csv->records) {
      if (r.fields[state] != "MI" || r.fields[status] != "OPEN" ||
          r.fields[type] != "GENERAL ACUTE CARE") {
        continue;
      }
      access::NetworkProvider h{.id = r.fields[id], .specialty_code = "040"};
      absl::SimpleAtod(r.fields[lat], &h.location.lat);
      absl::SimpleAtod(r.fields[lon], &h.location.lon);
      absl::SimpleAtod(r.fields[beds], &h.beds);
      if (h.beds < 0) h.beds = 0;
      out->roster.push_back(h);
      for (const io::SpecialtyType& t : out->standards.specialties()) {
        if (t.code == "040") continue;
        out->roster.push_back({.id = h.id + "-" + t.code,
                               .specialty_code = t.code == "S03" ? "001" : t.code,
                               .location = h.location});
      }
    }
    return out;
  }();
  return *f;
}

// Times EvaluateAdequacy of `request` over `region` (drive mode needs `drive`); counters: roster
// rows, results, failing results, the mean share with access.
void Run(benchmark::State& state, const access::Region& region, const access::DriveRegion* drive,
         const access::AdequacyRequest& request) {
  const Fixture& f = Data();
  int results = 0, failing = 0;
  double share_sum = 0;
  for (auto _ : state) {
    share_sum = 0;
    auto summary = access::EvaluateAdequacy(region, drive, f.standards, f.telehealth, request,
                                            [&](const access::CountySpecialtyResult& r) {
                                              share_sum += r.share_with_access;
                                              return true;
                                            });
    if (!summary.ok()) {
      state.SkipWithError(summary.status().ToString().c_str());
      return;
    }
    results = summary->results;
    failing = summary->failing_results;
  }
  state.counters["roster_rows"] = static_cast<double>(request.roster.size());
  state.counters["results"] = results;
  state.counters["failing"] = failing;
  state.counters["mean_share"] = results > 0 ? share_sum / results : 0;
}

// Michigan in straight-line mode: `counties` (empty: all 83).
void RunMichigan(benchmark::State& state, std::vector<std::string> counties) {
  const Fixture& f = Data();
  access::AdequacyRequest request;
  request.roster = f.roster;
  request.county_fips = std::move(counties);
  Run(state, f.michigan, nullptr, request);
}

void BM_AdequacyWayneAllTypes(benchmark::State& state) { RunMichigan(state, {"26163"}); }
BENCHMARK(BM_AdequacyWayneAllTypes)->Unit(benchmark::kMillisecond);

void BM_AdequacyMichiganAllCountiesAllTypes(benchmark::State& state) { RunMichigan(state, {}); }
BENCHMARK(BM_AdequacyMichiganAllCountiesAllTypes)->Unit(benchmark::kMillisecond);

// Drive mode: Honolulu County on O'ahu's roads (bench/honolulu_drive.h).
const bench::HonoluluDrive& OahuData() {
  static const bench::HonoluluDrive* o = [] {
    auto* out = new bench::HonoluluDrive;
    bench::LoadHonoluluDrive(DataDir(), out);
    return out;
  }();
  return *o;
}

// O'ahu's open hospitals (HIFLD, any type) as 040 with 100 beds each, and one provider of every
// other type at each.
const std::vector<access::NetworkProvider>& OahuRoster() {
  static const auto* roster = [] {
    auto* out = new std::vector<access::NetworkProvider>;
    auto csv = io::ReadCsvFile(DataDir() + "/facilities/hifld_hospitals.csv");
    if (!csv.ok()) {
      std::cerr << "cannot load data from " << DataDir() << "\n";
      std::exit(1);
    }
    const int id = csv->Column("ID"), status = csv->Column("STATUS"), lat = csv->Column("LATITUDE"),
              lon = csv->Column("LONGITUDE");
    for (const io::CsvRecord& r : csv->records) {
      geo::LonLat at;
      if (r.fields[status] != "OPEN" || !absl::SimpleAtod(r.fields[lat], &at.lat) ||
          !absl::SimpleAtod(r.fields[lon], &at.lon) || at.lon < -158.4 || at.lon > -157.6 ||
          at.lat < 21.2 || at.lat > 21.8) {
        continue;
      }
      out->push_back({.id = r.fields[id], .specialty_code = "040", .location = at, .beds = 100});
      for (const io::SpecialtyType& t : Data().standards.specialties()) {
        if (t.code == "040") continue;
        out->push_back({.id = r.fields[id] + "-" + t.code,
                        .specialty_code = t.code == "S03" ? "001" : t.code,
                        .location = at});
      }
    }
    return out;
  }();
  return *roster;
}

void BM_AdequacyHonoluluDriveAllTypes(benchmark::State& state) {
  const bench::HonoluluDrive& o = OahuData();
  access::AdequacyRequest request;
  request.roster = OahuRoster();
  request.travel.mode = access::TravelMode::kDrive;
  Run(state, o.region, &o.drive, request);
}
BENCHMARK(BM_AdequacyHonoluluDriveAllTypes)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace carereach

BENCHMARK_MAIN();
