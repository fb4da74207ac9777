// CMS adequacy on real data, straight-line mode: one county with every specialty type, and all
// 83 Michigan counties with every type. Roster: Michigan's open HIFLD hospitals as acute
// inpatient hospitals (040, with their beds; BEDS -999 counts as 0), plus one provider of every
// other specialty type at each hospital (a stand-in: no public provider roster ships with the
// data). Data: $CAREREACH_DATA or ../shared/data.
#include <benchmark/benchmark.h>

#include <cstdlib>
#include <iostream>

#include "absl/strings/numbers.h"
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

void Run(benchmark::State& state, std::vector<std::string> counties) {
  const Fixture& f = Data();
  access::AdequacyRequest request;
  request.roster = f.roster;
  request.county_fips = std::move(counties);
  int results = 0, failing = 0;
  for (auto _ : state) {
    auto summary =
        access::EvaluateAdequacy(f.michigan, nullptr, f.standards, f.telehealth, request,
                                 [](const access::CountySpecialtyResult&) { return true; });
    if (!summary.ok()) state.SkipWithError(summary.status().ToString().c_str());
    results = summary->results;
    failing = summary->failing_results;
  }
  state.counters["roster_rows"] = static_cast<double>(f.roster.size());
  state.counters["results"] = results;
  state.counters["failing"] = failing;
}

void BM_AdequacyWayneAllTypes(benchmark::State& state) { Run(state, {"26163"}); }
BENCHMARK(BM_AdequacyWayneAllTypes)->Unit(benchmark::kMillisecond);

void BM_AdequacyMichiganAllCountiesAllTypes(benchmark::State& state) { Run(state, {}); }
BENCHMARK(BM_AdequacyMichiganAllCountiesAllTypes)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace carereach

BENCHMARK_MAIN();
