// carereach-soak: loading the real data (see world.h).
#include "bench/soak/world.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <utility>

#include "absl/strings/numbers.h"
#include "geo/io/census.h"
#include "geo/io/csv.h"

namespace carereach::soak {

namespace v1 = ::carereach::v1;

v1::LonLat Loc(const Place& p) {
  v1::LonLat l;
  l.set_lon(p.lon);
  l.set_lat(p.lat);
  return l;
}

v1::Facility ToFacility(const Place& p) {
  v1::Facility f;
  f.set_id(p.id);
  f.set_name(p.name);
  *f.mutable_location() = Loc(p);
  f.set_type(p.type);
  return f;
}

namespace {

std::vector<Place> LoadHospitals(const std::string& data_dir) {
  auto csv = io::ReadCsvFile(data_dir + "/facilities/hifld_hospitals.csv");
  if (!csv.ok()) {
    std::fprintf(stderr, "soak: %s\n", csv.status().ToString().c_str());
    std::exit(2);
  }
  const int id = csv->Column("ID"), name = csv->Column("NAME"), type = csv->Column("TYPE"),
            status = csv->Column("STATUS"), lat = csv->Column("LATITUDE"),
            lon = csv->Column("LONGITUDE"), beds = csv->Column("BEDS");
  std::vector<Place> out;
  for (const io::CsvRecord& r : csv->records) {
    if (r.fields[status] != "OPEN") continue;
    Place p{.id = "h" + r.fields[id], .name = r.fields[name], .type = r.fields[type]};
    if (!absl::SimpleAtod(r.fields[lat], &p.lat) || !absl::SimpleAtod(r.fields[lon], &p.lon)) {
      continue;
    }
    double b = 0;
    if (absl::SimpleAtod(r.fields[beds], &b) && b > 0 && b < 10000) p.beds = std::floor(b);
    out.push_back(std::move(p));
  }
  return out;
}

v1::NetworkProvider Provider(const Place& p, const std::string& code, double beds) {
  v1::NetworkProvider r;
  r.set_id(p.id);
  r.set_name(p.name);
  r.set_specialty_code(code);
  *r.mutable_location() = Loc(p);
  r.set_beds(beds);
  r.set_telehealth(code == "007");
  r.set_type(p.type);
  return r;
}

// Hospitals inside the region's tract bounding box widened by `margin_degrees`.
std::vector<Place> Near(const std::vector<Place>& hospitals, const std::vector<Place>& tracts,
                        double margin_degrees) {
  double w = 180, e = -180, s = 90, n = -90;
  for (const Place& t : tracts) {
    w = std::min(w, t.lon), e = std::max(e, t.lon), s = std::min(s, t.lat), n = std::max(n, t.lat);
  }
  std::vector<Place> out;
  for (const Place& h : hospitals) {
    if (h.lon >= w - margin_degrees && h.lon <= e + margin_degrees && h.lat >= s - margin_degrees &&
        h.lat <= n + margin_degrees) {
      out.push_back(h);
    }
  }
  return out;
}

}  // namespace

World LoadWorld(const std::string& data_dir) {
  World w;
  w.all_hospitals = LoadHospitals(data_dir);
  io::LoadReport report;
  auto units = io::LoadTractCentres(data_dir + "/census/CenPop2020_Mean_TR.txt", &report);
  if (!units.ok()) {
    std::fprintf(stderr, "soak: %s\n", units.status().ToString().c_str());
    std::exit(2);
  }
  auto tracts_where = [&](auto pred) {
    std::vector<Place> out;
    for (const io::PopulationUnit& u : *units) {
      if (pred(u)) out.push_back({.id = u.id, .lon = u.location.lon, .lat = u.location.lat});
    }
    return out;
  };
  const std::vector<std::string> codes = {"001", "007", "014", "029", "050"};
  for (const auto& [name, fips] : std::vector<std::pair<std::string, std::string>>{
           {"honolulu", "15003"}, {"imperial", "06025"}, {"yuba", "06115"}}) {
    RegionData r{.name = name, .drive = true, .county_fips = fips};
    r.tracts = tracts_where([&](const io::PopulationUnit& u) { return u.county_fips == fips; });
    r.hospitals = Near(w.all_hospitals, r.tracts, 0.4);
    // Network A: even hospitals and every 4th tract as a provider site; B: the others.
    for (size_t i = 0; i < r.hospitals.size(); ++i) {
      (i % 2 == 0 ? r.roster_a : r.roster_b)
          .push_back(Provider(r.hospitals[i], "040", r.hospitals[i].beds));
    }
    for (size_t i = 0; i < r.tracts.size(); i += 4) {
      Place site = r.tracts[i];
      const std::string& code = codes[(i / 4) % codes.size()];
      site.id = "p" + site.id + "-" + code;
      site.name = "Soak provider " + site.id;
      ((i / 4) % 3 == 0 ? r.roster_b : r.roster_a).push_back(Provider(site, code, 0));
    }
    w.county_regions.push_back(std::move(r));
  }
  for (const auto& [name, state] : std::vector<std::pair<std::string, std::string>>{
           {"michigan", "26"}, {"massachusetts", "25"}}) {
    RegionData r{.name = name};
    r.tracts = tracts_where(
        [&](const io::PopulationUnit& u) { return u.county_fips.substr(0, 2) == state; });
    r.hospitals = Near(w.all_hospitals, r.tracts, 0.2);
    if (r.hospitals.empty()) r.hospitals = w.all_hospitals;
    w.state_regions.push_back(std::move(r));
  }
  w.state_regions.push_back({.name = "us", .hospitals = w.all_hospitals});
  return w;
}

}  // namespace carereach::soak
