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
#include "geo/io/csv.h"
#include "geo/io/row_parsing.h"

namespace carereach::io {
namespace {

using internal::CheckFieldCount;
using internal::LoadKeyedRows;
using internal::ParseCode;
using internal::ParseCount;
using internal::ParseNumber;

// A coordinate pair within WGS84 bounds. geo::ValidateLonLat names the component "<field>.lon"
// or "<field>.lat"; the message is rewritten to name the file's column instead.
absl::StatusOr<geo::LonLat> ParseLonLat(const CsvTable& table, const CsvRecord& record,
                                        int lon_column, int lat_column) {
  absl::StatusOr<double> lat = ParseNumber(table, lat_column, record.fields[lat_column]);
  if (!lat.ok()) return lat.status();
  absl::StatusOr<double> lon = ParseNumber(table, lon_column, record.fields[lon_column]);
  if (!lon.ok()) return lon.status();
  const geo::LonLat location{.lon = *lon, .lat = *lat};
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
  if (absl::Status s = CheckFieldCount(table, record); !s.ok()) return s;
  absl::StatusOr<std::string> state = ParseCode(table, col[kState], record.fields[col[kState]], 2);
  if (!state.ok()) return state.status();
  absl::StatusOr<std::string> county =
      ParseCode(table, col[kCounty], record.fields[col[kCounty]], 3);
  if (!county.ok()) return county.status();
  absl::StatusOr<std::string> tract = ParseCode(table, col[kTract], record.fields[col[kTract]], 6);
  if (!tract.ok()) return tract.status();
  absl::StatusOr<int64_t> population =
      ParseCount(table, col[kPopulation], record.fields[col[kPopulation]]);
  if (!population.ok()) return population.status();
  absl::StatusOr<geo::LonLat> location =
      ParseLonLat(table, record, col[kLongitude], col[kLatitude]);
  if (!location.ok()) return location.status();

  PopulationUnit unit;
  unit.county_fips = *std::move(state) + *county;
  unit.id = unit.county_fips + *tract;
  unit.population = *population;
  unit.location = *location;
  return unit;
}

// Column order for LoadCountyTable.
enum CountyColumn { kFips, kUsps, kName, kPopulation2020, kLandSqmi };

absl::StatusOr<CountyRecord> ParseCounty(const CsvTable& table, const CsvRecord& record,
                                         const std::vector<int>& col) {
  if (absl::Status s = CheckFieldCount(table, record); !s.ok()) return s;
  CountyRecord county;
  absl::StatusOr<std::string> fips = ParseCode(table, col[kFips], record.fields[col[kFips]], 5);
  if (!fips.ok()) return fips.status();
  county.fips = *std::move(fips);

  county.state = std::string(absl::StripAsciiWhitespace(record.fields[col[kUsps]]));
  if (county.state.size() != 2 || !absl::ascii_isalpha(county.state[0]) ||
      !absl::ascii_isalpha(county.state[1])) {
    return absl::InvalidArgumentError(absl::StrCat(table.header[col[kUsps]], ": \"", county.state,
                                                   "\" is not a two-letter USPS code"));
  }
  absl::AsciiStrToUpper(&county.state);

  county.name = std::string(absl::StripAsciiWhitespace(record.fields[col[kName]]));
  if (county.name.empty()) {
    return absl::InvalidArgumentError(absl::StrCat(table.header[col[kName]], " is empty"));
  }

  absl::StatusOr<int64_t> population =
      ParseCount(table, col[kPopulation2020], record.fields[col[kPopulation2020]]);
  if (!population.ok()) return population.status();
  county.population_2020 = *population;

  const absl::string_view land_text = record.fields[col[kLandSqmi]];
  absl::StatusOr<double> land = ParseNumber(table, col[kLandSqmi], land_text);
  if (!land.ok()) return land.status();
  if (!std::isfinite(*land) || *land < 0) {
    return absl::InvalidArgumentError(absl::StrCat(table.header[col[kLandSqmi]], ": ",
                                                   absl::StripAsciiWhitespace(land_text),
                                                   " is not a finite non-negative area"));
  }
  county.land_area_sqmi = *land;
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
