#ifndef CAREREACH_GEO_ACCESS_REGION_H_
#define CAREREACH_GEO_ACCESS_REGION_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "geo/io/census.h"

namespace carereach::access {

struct County {
  std::string fips;   // 5 digits
  std::string name;   // e.g. "Wayne County"; empty when the county table lacks it
  std::string state;  // USPS abbreviation
};

// Which population units belong to a region: every unit whose county FIPS starts with one of
// `state_fips` or equals one of `county_fips`, or all units.
struct RegionSelector {
  std::vector<std::string> state_fips;
  std::vector<std::string> county_fips;
  bool all_units = false;
};

// A named set of population units grouped by county.
// Immutable after BuildRegion; share it `const` between threads.
struct Region {
  std::string name;
  std::string description;
  std::string population_source;  // path of the tract file, relative to the data directory
  RegionSelector selector;
  std::vector<io::PopulationUnit> units;  // ordered by GEOID
  std::vector<int32_t> unit_county;       // per unit: index into `counties`
  std::vector<County> counties;           // ordered by FIPS; only counties with units
  int64_t total_population = 0;
};

// Selects the units of `all_units` that `selector` names. INVALID_ARGUMENT when the selector is
// empty, mixes all_units with lists, has a malformed code, or names a state or county with no
// units (a typo should not become an empty region). County names come from `county_table`.
absl::StatusOr<Region> BuildRegion(std::string name, std::string description,
                                   std::string population_source, const RegionSelector& selector,
                                   const std::vector<io::PopulationUnit>& all_units,
                                   const std::vector<io::CountyRecord>& county_table);

}  // namespace carereach::access

#endif  // CAREREACH_GEO_ACCESS_REGION_H_
