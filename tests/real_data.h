#ifndef CAREREACH_TESTS_REAL_DATA_H_
#define CAREREACH_TESTS_REAL_DATA_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_format.h"
#include "geo/access/coverage.h"
#include "geo/access/region.h"
#include "geo/io/census.h"
#include "geo/io/csv.h"

namespace carereach::testing_util {

// The open hospitals of the HIFLD file (STATUS=OPEN: 7,634 rows) as facilities, id = HIFLD ID.
// Used by tests and benchmarks that check answers against the library.
inline absl::StatusOr<std::vector<access::Facility>> LoadOpenHifldHospitals(
    const std::string& data_dir) {
  absl::StatusOr<io::CsvTable> csv = io::ReadCsvFile(data_dir + "/facilities/hifld_hospitals.csv");
  if (!csv.ok()) return csv.status();
  const int id = csv->Column("ID"), status = csv->Column("STATUS"), lat = csv->Column("LATITUDE"),
            lon = csv->Column("LONGITUDE");
  std::vector<access::Facility> hospitals;
  for (const io::CsvRecord& r : csv->records) {
    if (r.fields[status] != "OPEN") continue;
    access::Facility f{.id = r.fields[id]};
    if (!absl::SimpleAtod(r.fields[lat], &f.location.lat) ||
        !absl::SimpleAtod(r.fields[lon], &f.location.lon)) {
      return absl::InvalidArgumentError(absl::StrFormat("hifld line %d: bad coordinate", r.line));
    }
    hospitals.push_back(f);
  }
  return hospitals;
}

// A region of the real 2020 tracts with county names, e.g. {.state_fips = {"26"}} for Michigan.
inline absl::StatusOr<access::Region> LoadRealRegion(const std::string& data_dir,
                                                     const std::string& name,
                                                     const access::RegionSelector& selector) {
  io::LoadReport report;
  auto units = io::LoadTractCentres(data_dir + "/census/CenPop2020_Mean_TR.txt", &report);
  if (!units.ok()) return units.status();
  auto counties =
      io::LoadCountyTable(data_dir + "/census/county_pop2020_landarea_derived.csv", &report);
  if (!counties.ok()) return counties.status();
  return access::BuildRegion(name, "", "", selector, *units, *counties);
}

}  // namespace carereach::testing_util

#endif  // CAREREACH_TESTS_REAL_DATA_H_
