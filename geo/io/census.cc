#include "geo/io/census.h"

#include <cmath>
#include <initializer_list>
#include <string_view>
#include <utility>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/string_view.h"
#include "absl/strings/strip.h"
#include "geo/io/csv.h"

namespace carereach::io {
namespace {

// Indices of the columns `names`, in that order, or INVALID_ARGUMENT naming the absent ones.
absl::StatusOr<std::vector<int>> RequireColumns(const CsvTable& table,
                                                std::initializer_list<std::string_view> names) {
  std::vector<int> columns;
  std::vector<std::string> missing;
  for (std::string_view name : names) {
    const int column = table.Column(name);
    if (column < 0) missing.emplace_back(name);
    columns.push_back(column);
  }
  if (!missing.empty()) {
    return absl::InvalidArgumentError(absl::StrCat(table.source, ": missing column",
                                                   missing.size() > 1 ? "s " : " ",
                                                   absl::StrJoin(missing, ", ")));
  }
  return columns;
}

// OK when `record` has exactly one field per header column; otherwise the row is misaligned (a
// lost field or an unquoted comma) and none of its values can be trusted.
absl::Status CheckFieldCount(const CsvTable& table, const CsvRecord& record) {
  const size_t have = record.fields.size();
  const size_t want = table.header.size();
  if (have < want) {
    return absl::InvalidArgumentError(absl::StrCat("missing field ", table.header[have],
                                                   " (row has ", have, " fields, header has ", want,
                                                   ")"));
  }
  if (have > want) {
    return absl::InvalidArgumentError(absl::StrCat("row has ", have, " fields, header has ", want));
  }
  return absl::OkStatus();
}

// A code of at most `width` digits, zero-padded on the left to exactly `width` (spreadsheets
// drop leading zeros: "1" for Alabama's "01").
absl::StatusOr<std::string> ParseCode(const CsvTable& table, int column, absl::string_view value,
                                      size_t width) {
  value = absl::StripAsciiWhitespace(value);
  const std::string& name = table.header[column];
  if (value.empty()) return absl::InvalidArgumentError(absl::StrCat(name, " is empty"));
  bool digits = value.size() <= width;
  for (char c : value) digits = digits && absl::ascii_isdigit(static_cast<unsigned char>(c));
  if (!digits) {
    return absl::InvalidArgumentError(
        absl::StrCat(name, ": \"", value, "\" is not a code of at most ", width, " digits"));
  }
  std::string code(width - value.size(), '0');
  code.append(value.data(), value.size());
  return code;
}

// A non-negative integer count.
absl::StatusOr<int64_t> ParseCount(const CsvTable& table, int column, absl::string_view value) {
  value = absl::StripAsciiWhitespace(value);
  const std::string& name = table.header[column];
  int64_t count = 0;
  if (!absl::SimpleAtoi(value, &count)) {
    return absl::InvalidArgumentError(absl::StrCat(name, ": \"", value, "\" is not an integer"));
  }
  if (count < 0) return absl::InvalidArgumentError(absl::StrCat(name, ": ", value, " is negative"));
  return count;
}

// A decimal number; a leading '+' and leading zeros are fine ("+32.476823", "-086.486599").
absl::StatusOr<double> ParseNumber(const CsvTable& table, int column, absl::string_view value) {
  value = absl::StripAsciiWhitespace(value);
  double number = 0.0;
  if (!absl::SimpleAtod(value, &number)) {
    return absl::InvalidArgumentError(
        absl::StrCat(table.header[column], ": \"", value, "\" is not a number"));
  }
  return number;
}

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

// Remembers the line on which each code was first loaded. The codes given to one instance are
// all digits (ParseCode), of one width and at most 11 long, so their numeric value is a compact
// key.
class FirstLines {
 public:
  explicit FirstLines(size_t expected) { lines_.reserve(expected); }

  // 0 when `code` is new (and now remembered on `line`), else the line it was first seen on.
  int64_t Claim(const std::string& code, int64_t line) {
    uint64_t key = 0;
    for (char c : code) key = key * 10 + static_cast<uint64_t>(c - '0');
    auto [it, inserted] = lines_.emplace(key, line);
    return inserted ? 0 : it->second;
  }

 private:
  absl::flat_hash_map<uint64_t, int64_t> lines_;
};

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

// The shape every keyed-row loader shares: read the CSV, require `columns` (passed to `parse` in
// that order), parse each record, skip and report a bad or repeated row with its line.
template <typename T, typename Parse, typename Key>
absl::StatusOr<std::vector<T>> LoadKeyedRows(const std::string& path,
                                             std::initializer_list<std::string_view> columns,
                                             Parse parse, Key key, absl::string_view key_name,
                                             LoadReport* report) {
  LoadReport local_report;
  if (report == nullptr) report = &local_report;
  *report = LoadReport();
  report->source = path;

  absl::StatusOr<CsvTable> table = ReadCsvFile(path);
  if (!table.ok()) return table.status();
  absl::StatusOr<std::vector<int>> column_index = RequireColumns(*table, columns);
  if (!column_index.ok()) return column_index.status();

  report->rows = static_cast<int64_t>(table->records.size());
  std::vector<T> rows;
  rows.reserve(table->records.size());
  FirstLines first_lines(table->records.size());
  for (const CsvRecord& record : table->records) {
    absl::StatusOr<T> row = parse(*table, record, *column_index);
    if (!row.ok()) {
      report->skipped.push_back({record.line, std::string(row.status().message())});
      continue;
    }
    if (const int64_t first = first_lines.Claim(key(*row), record.line); first != 0) {
      report->skipped.push_back({record.line, absl::StrCat("duplicate ", key_name, " ", key(*row),
                                                           " (first on line ", first, ")")});
      continue;
    }
    rows.push_back(*std::move(row));
  }
  report->loaded = static_cast<int64_t>(rows.size());
  return rows;
}

}  // namespace

absl::StatusOr<std::vector<PopulationUnit>> LoadTractCentres(const std::string& path,
                                                             LoadReport* report) {
  return LoadKeyedRows<PopulationUnit>(
      path, {"STATEFP", "COUNTYFP", "TRACTCE", "POPULATION", "LATITUDE", "LONGITUDE"}, ParseTract,
      [](const PopulationUnit& u) -> const std::string& { return u.id; }, "tract GEOID", report);
}

absl::StatusOr<std::vector<CountyRecord>> LoadCountyTable(const std::string& path,
                                                          LoadReport* report) {
  return LoadKeyedRows<CountyRecord>(
      path, {"fips", "state", "county_name", "pop2020", "aland_sqmi"}, ParseCounty,
      [](const CountyRecord& c) -> const std::string& { return c.fips; }, "county FIPS", report);
}

}  // namespace carereach::io
