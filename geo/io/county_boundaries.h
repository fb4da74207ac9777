#ifndef CAREREACH_GEO_IO_COUNTY_BOUNDARIES_H_
#define CAREREACH_GEO_IO_COUNTY_BOUNDARIES_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "geo/core/lon_lat.h"
#include "geo/io/load_report.h"

namespace carereach::io {

// One county's outline: every ring of its (multi)polygon, outer rings and holes alike, as the
// file has them (NAD83 lon/lat, longitude first; within a metre or two of WGS84, far below a
// map's pixel). Plain value type.
struct CountyBoundary {
  std::string fips;   // GEOID, 5 digits
  std::string name;   // NAMELSAD, e.g. "Wayne County"
  std::string state;  // STUSPS, e.g. "MI"
  std::vector<std::vector<geo::LonLat>> rings;
};

// Reads the Census Bureau's cartographic boundary shapefile (counties/cb_2020_us_county_5m.shp
// with its .shx and .dbf beside it) with shapelib. A record without a polygon, without a 5-digit
// GEOID, or with a non-finite or out-of-range vertex is skipped and listed in `report` with its
// record number (1-based) and the reason. NOT_FOUND when the files cannot be opened;
// DATA_LOSS when the .dbf has no GEOID field or its record count differs from the .shp's.
absl::StatusOr<std::vector<CountyBoundary>> LoadCountyBoundaries(const std::string& shp_path,
                                                                 LoadReport* report);

}  // namespace carereach::io

#endif  // CAREREACH_GEO_IO_COUNTY_BOUNDARIES_H_
