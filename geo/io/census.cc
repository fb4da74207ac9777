#include "geo/io/census.h"

#include <cmath>
#include <cstdint>
#include <string_view>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "absl/strings/strip.h"
#include "geo/core/status_macros.h"
#include "geo/io/csv.h"
#include "geo/io/row_parsing.h"

namespace carereach::io {
namespace {

using internal::CheckFieldCount;
using internal::LoadKeyedRows;
using internal::ParseCode;
using internal::ParseCount;
using internal::ParseNumber;
using internal::ParseStateCode;
using internal::ParseText;

// A coordinate pair within WGS84 bounds. geo::ValidateLonLat names the component "<field>.lon"
// or "<field>.lat"; the message is rewritten to name the file's column instead.
absl::StatusOr<geo::LonLat> ParseLonLat(const CsvTable& table, const CsvRecord& record,
                                        int lon_column, int lat_column) {
  ASSIGN_OR_RETURN(double lat, ParseNumber(table, lat_column, record.fields[lat_column]));
  ASSIGN_OR_RETURN(double lon, ParseNumber(table, lon_column, record.fields[lon_column]));
  const geo::LonLat location{.lon = lon, .lat = lat};
  if (absl::Status valid = geo::ValidateLonLat(location, ""); !valid.ok()) {
    absl::string_view message = valid.message();
    if (absl::ConsumePrefix(&message, ".lat")) {
      return absl::InvalidArgumentError(absl::StrCat(table.header[lat_column], message));
    }
    if (absl::ConsumePrefix(&message, ".lon")) {
      return absl::InvalidArgumentError(absl::StrCat(table.header[lon_column], message));
    }
    return valid;
  }
  return location;
}

// The numeric value of `code`, a compact duplicate key: the codes of one loader are all digits
// (ParseCode), of one width and at most 11 long.
uint64_t CodeKey(const std::string& code) {
  uint64_t key = 0;
  for (char c : code) key = key * 10 + static_cast<uint64_t>(c - '0');
  return key;
}

// Column order for LoadTractCentres.
enum TractColumn { kState, kCounty, kTract, kPopulation, kLatitude, kLongitude };

absl::StatusOr<PopulationUnit> ParseTract(const CsvTable& table, const CsvRecord& record,
                                          const std::vector<int>& col) {
  RETURN_IF_ERROR(CheckFieldCount(table, record));
  ASSIGN_OR_RETURN(std::string state, ParseCode(table, col[kState], record.fields[col[kState]], 2));
  ASSIGN_OR_RETURN(std::string county,
                   ParseCode(table, col[kCounty], record.fields[col[kCounty]], 3));
  ASSIGN_OR_RETURN(std::string tract, ParseCode(table, col[kTract], record.fields[col[kTract]], 6));
  ASSIGN_OR_RETURN(int64_t population,
                   ParseCount(table, col[kPopulation], record.fields[col[kPopulation]]));
  ASSIGN_OR_RETURN(geo::LonLat location,
                   ParseLonLat(table, record, col[kLongitude], col[kLatitude]));

  PopulationUnit unit;
  unit.county_fips = std::move(state) + county;
  unit.id = unit.county_fips + tract;
  unit.population = population;
  unit.location = location;
  return unit;
}

// Column order for LoadCountyTable.
enum CountyColumn { kFips, kUsps, kName, kPopulation2020, kLandSqmi };

absl::StatusOr<CountyRecord> ParseCounty(const CsvTable& table, const CsvRecord& record,
                                         const std::vector<int>& col) {
  RETURN_IF_ERROR(CheckFieldCount(table, record));
  CountyRecord county;
  ASSIGN_OR_RETURN(county.fips, ParseCode(table, col[kFips], record.fields[col[kFips]], 5));

  ASSIGN_OR_RETURN(county.state, ParseStateCode(table, col[kUsps], record.fields[col[kUsps]]));
  ASSIGN_OR_RETURN(county.name, ParseText(table, col[kName], record.fields[col[kName]]));

  ASSIGN_OR_RETURN(county.population_2020,
                   ParseCount(table, col[kPopulation2020], record.fields[col[kPopulation2020]]));

  const absl::string_view land_text = record.fields[col[kLandSqmi]];
  ASSIGN_OR_RETURN(double land, ParseNumber(table, col[kLandSqmi], land_text));
  if (!std::isfinite(land) || land < 0) {
    return absl::InvalidArgumentError(absl::StrCat(table.header[col[kLandSqmi]], ": ",
                                                   absl::StripAsciiWhitespace(land_text),
                                                   " is not a finite non-negative area"));
  }
  county.land_area_sqmi = land;
  return county;
}

}  // namespace

absl::StatusOr<std::vector<PopulationUnit>> LoadTractCentres(const std::string& path,
                                                             LoadReport* report) {
  return LoadKeyedRows<PopulationUnit>(
      path, {"STATEFP", "COUNTYFP", "TRACTCE", "POPULATION", "LATITUDE", "LONGITUDE"}, ParseTract,
      [](const PopulationUnit& u) { return CodeKey(u.id); },
      [](const PopulationUnit& u) -> const std::string& { return u.id; }, "tract GEOID", report);
}

absl::StatusOr<std::vector<CountyRecord>> LoadCountyTable(const std::string& path,
                                                          LoadReport* report) {
  return LoadKeyedRows<CountyRecord>(
      path, {"fips", "state", "county_name", "pop2020", "aland_sqmi"}, ParseCounty,
      [](const CountyRecord& c) { return CodeKey(c.fips); },
      [](const CountyRecord& c) -> const std::string& { return c.fips; }, "county FIPS", report);
}

}  // namespace carereach::io
