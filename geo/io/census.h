#ifndef CAREREACH_GEO_IO_CENSUS_H_
#define CAREREACH_GEO_IO_CENSUS_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "geo/core/lon_lat.h"
#include "geo/io/load_report.h"

namespace carereach::io {

// A population unit: one 2020 Census tract with all its residents at its centre of population.
struct PopulationUnit {
  std::string id;           // 11-digit tract GEOID = STATEFP(2) + COUNTYFP(3) + TRACTCE(6)
  std::string county_fips;  // first five digits of id
  int64_t population = 0;
  geo::LonLat location;  // lon/lat order
};

// Loads Census Centers of Population by tract (CenPop2020_Mean_TR.txt: columns STATEFP,
// COUNTYFP, TRACTCE, POPULATION, LATITUDE, LONGITUDE; UTF-8 with BOM; signed coordinates such
// as "+32.476823,-086.486599"). Codes are zero-padded to 2/3/6 digits when given shorter.
// Rows with a missing or malformed code, a negative or non-integer population, a coordinate
// that does not parse or is out of range, or a GEOID seen before, are skipped and listed in
// `report` with their line. File-level problems (missing file, missing column) are errors.
// Units are returned in file order.
absl::StatusOr<std::vector<PopulationUnit>> LoadTractCentres(const std::string& path,
                                                             LoadReport* report);

// One county of the 2020 county table (census/county_pop2020_landarea_derived.csv: columns
// fips,state,county_name,pop2020,n_tracts,aland_m2,aland_sqmi,density_per_sqmi).
struct CountyRecord {
  std::string fips;   // 5 digits
  std::string state;  // USPS abbreviation, e.g. "MI"
  std::string name;   // e.g. "Wayne County"
  int64_t population_2020 = 0;
  double land_area_sqmi = 0.0;
};

// Loads the county table; malformed rows (bad FIPS, unparsable numbers, duplicate FIPS) are
// skipped and listed in `report`.
absl::StatusOr<std::vector<CountyRecord>> LoadCountyTable(const std::string& path,
                                                          LoadReport* report);

}  // namespace carereach::io

#endif  // CAREREACH_GEO_IO_CENSUS_H_
