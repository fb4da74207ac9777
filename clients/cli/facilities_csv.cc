#include "clients/cli/facilities_csv.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/string_view.h"
#include "geo/io/decimal.h"

namespace carereach::cli {
namespace {

const std::initializer_list<std::string_view> kIdNames = {"ID", "facility_id", "facility.id", "NPI",
                                                          "OBJECTID"};
const std::initializer_list<std::string_view> kNameNames = {"NAME", "facility_name",
                                                            "facility.name"};
const std::initializer_list<std::string_view> kLatNames = {"LATITUDE", "lat", "y"};
const std::initializer_list<std::string_view> kLonNames = {"LONGITUDE", "lon", "lng", "long", "x"};
const std::initializer_list<std::string_view> kTypeNames = {"TYPE", "hospital.type",
                                                            "facility_type", "specialty_code"};

}  // namespace

std::string HeaderList(const io::CsvTable& table) { return absl::StrJoin(table.header, ", "); }

// Index of a column: the one named by `flag_value` when given, else the first of `candidates`.
// Returns -1 for an absent optional column; an error for an absent required or named column.
absl::StatusOr<int> ResolveColumn(const io::CsvTable& table, absl::string_view what,
                                  absl::string_view flag, const std::string& flag_value,
                                  std::initializer_list<std::string_view> candidates,
                                  bool required) {
  if (!flag_value.empty()) {
    int index = table.Column(flag_value);
    if (index < 0) {
      return absl::InvalidArgumentError(absl::StrCat(table.source, ": no column '", flag_value,
                                                     "' (", flag,
                                                     "); columns: ", HeaderList(table)));
    }
    return index;
  }
  int index = table.FirstColumn(candidates);
  if (index < 0 && required) {
    return absl::InvalidArgumentError(absl::StrCat(
        table.source, ": no ", what, " column (looked for ",
        absl::StrJoin(
            candidates, ", ",
            [](std::string* out, std::string_view name) { out->append(name.data(), name.size()); }),
        "; name it with ", flag, "); columns: ", HeaderList(table)));
  }
  return index;
}

absl::string_view CsvFieldAt(const io::CsvRecord& record, int index) {
  if (index < 0 || static_cast<size_t>(index) >= record.fields.size()) return {};
  return absl::StripAsciiWhitespace(record.fields[index]);
}

absl::StatusOr<double> ParseCoordinate(const io::CsvTable& table, const io::CsvRecord& record,
                                       int index) {
  absl::string_view text = CsvFieldAt(record, index);
  double value = 0;
  if (text.empty()) {
    return absl::InvalidArgumentError(absl::StrCat(table.source, ":", record.line, ": column ",
                                                   table.header[index],
                                                   ": empty, expected a number"));
  }
  if (!io::ParseDecimal(text, &value)) {
    return absl::InvalidArgumentError(absl::StrCat(table.source, ":", record.line, ": column ",
                                                   table.header[index], ": '", text,
                                                   "' is not a number"));
  }
  return value;
}

absl::string_view BaseName(absl::string_view path) {
  size_t slash = path.find_last_of('/');
  return slash == absl::string_view::npos ? path : path.substr(slash + 1);
}

absl::StatusOr<RowFilter> RowFilter::Make(const io::CsvTable& table,
                                          const std::vector<WhereClause>& where,
                                          absl::string_view where_flag) {
  RowFilter filter;
  for (const WhereClause& clause : where) {
    const int index = table.Column(clause.column);
    if (index < 0) {
      return absl::InvalidArgumentError(
          absl::StrCat(where_flag, " ", WhereText(clause), ": ", table.source, " has no column '",
                       clause.column, "'; columns: ", HeaderList(table)));
    }
    Filter& added = filter.filters_.emplace_back();
    added.column = index;
    added.contains = clause.contains;
    if (clause.contains) {
      added.alternatives = ContainsAlternatives(clause.value);
    } else {
      added.value = clause.value;
    }
  }
  return filter;
}

bool RowFilter::Keep(const io::CsvRecord& record) const {
  for (const Filter& filter : filters_) {
    const absl::string_view cell = CsvFieldAt(record, filter.column);
    if (!filter.contains) {
      if (cell != filter.value) return false;
      continue;
    }
    const std::string lowered = absl::AsciiStrToLower(cell);
    if (std::none_of(
            filter.alternatives.begin(), filter.alternatives.end(),
            [&](const std::string& text) { return lowered.find(text) != std::string::npos; })) {
      return false;
    }
  }
  return true;
}

absl::StatusOr<FacilityList> FacilitiesFromTable(const io::CsvTable& table,
                                                 const FacilityColumnFlags& column_flags,
                                                 const std::vector<WhereClause>& where,
                                                 absl::string_view where_flag) {
  absl::StatusOr<int> id =
      ResolveColumn(table, "facility id", "--id-column", column_flags.id, kIdNames, true);
  if (!id.ok()) return id.status();
  absl::StatusOr<int> lat =
      ResolveColumn(table, "latitude", "--lat-column", column_flags.lat, kLatNames, true);
  if (!lat.ok()) return lat.status();
  absl::StatusOr<int> lon =
      ResolveColumn(table, "longitude", "--lon-column", column_flags.lon, kLonNames, true);
  if (!lon.ok()) return lon.status();
  absl::StatusOr<int> name =
      ResolveColumn(table, "name", "--name-column", column_flags.name, kNameNames, false);
  if (!name.ok()) return name.status();
  absl::StatusOr<int> type =
      ResolveColumn(table, "type", "--type-column", column_flags.type, kTypeNames, false);
  if (!type.ok()) return type.status();

  absl::StatusOr<RowFilter> filter = RowFilter::Make(table, where, where_flag);
  if (!filter.ok()) return filter.status();

  FacilityList list;
  list.source = table.source;
  list.columns.id = table.header[*id];
  list.columns.lat = table.header[*lat];
  list.columns.lon = table.header[*lon];
  if (*name >= 0) list.columns.name = table.header[*name];
  if (*type >= 0) list.columns.type = table.header[*type];
  list.rows_read = static_cast<int64_t>(table.records.size());

  for (const io::CsvRecord& record : table.records) {
    if (!filter->Keep(record)) continue;

    absl::string_view facility_id = CsvFieldAt(record, *id);
    if (facility_id.empty()) {
      return absl::InvalidArgumentError(absl::StrCat(table.source, ":", record.line, ": column ",
                                                     list.columns.id, ": empty facility id"));
    }
    absl::StatusOr<double> lat_value = ParseCoordinate(table, record, *lat);
    if (!lat_value.ok()) return lat_value.status();
    absl::StatusOr<double> lon_value = ParseCoordinate(table, record, *lon);
    if (!lon_value.ok()) return lon_value.status();

    carereach::v1::Facility& facility = list.facilities.emplace_back();
    facility.set_id(std::string(facility_id));
    if (*name >= 0) facility.set_name(std::string(CsvFieldAt(record, *name)));
    if (*type >= 0) facility.set_type(std::string(CsvFieldAt(record, *type)));
    facility.mutable_location()->set_lon(*lon_value);
    facility.mutable_location()->set_lat(*lat_value);
    list.csv_lines.push_back(record.line);
  }
  return list;
}

absl::StatusOr<FacilityList> ReadFacilitiesCsv(const std::string& path,
                                               const FacilityColumnFlags& column_flags,
                                               const std::vector<WhereClause>& where,
                                               absl::string_view where_flag) {
  absl::StatusOr<io::CsvTable> table = io::ReadCsvFile(path);
  if (!table.ok()) return table.status();
  return FacilitiesFromTable(*table, column_flags, where, where_flag);
}

std::string FacilitySummaryLine(const FacilityList& list, const std::vector<WhereClause>& where,
                                absl::string_view label) {
  std::string line = absl::StrCat(label, ": kept ", list.facilities.size(), " of ", list.rows_read,
                                  " rows of ", BaseName(list.source));
  if (!where.empty()) {
    absl::StrAppend(&line, " (",
                    absl::StrJoin(where, ", ",
                                  [](std::string* out, const WhereClause& clause) {
                                    absl::StrAppend(out, WhereText(clause));
                                  }),
                    ")");
  }
  return line;
}

std::string AddCsvLineToMessage(absl::string_view message, const FacilityList& list,
                                absl::string_view field) {
  return AddCsvLineToMessage(message, list.source, list.csv_lines, field);
}

namespace {

// The distinct indices i of every "field[i]" in `message` with i < count, in order of appearance.
std::vector<uint64_t> IndicesNamed(absl::string_view message, absl::string_view field,
                                   size_t count) {
  const std::string prefix = absl::StrCat(field, "[");
  std::vector<uint64_t> indices;
  for (size_t start = message.find(prefix); start != absl::string_view::npos;
       start = message.find(prefix, start + 1)) {
    // "destinations[" must not match inside a longer name such as "x_destinations[".
    if (start > 0 && (absl::ascii_isalnum(message[start - 1]) || message[start - 1] == '_')) {
      continue;
    }
    size_t digits = start + prefix.size();
    size_t close = message.find(']', digits);
    uint64_t index = 0;
    if (close == absl::string_view::npos ||
        !absl::SimpleAtoi(message.substr(digits, close - digits), &index) || index >= count) {
      continue;
    }
    if (std::find(indices.begin(), indices.end(), index) == indices.end()) {
      indices.push_back(index);
    }
  }
  return indices;
}

}  // namespace

std::string AddCsvLineToMessage(absl::string_view message, absl::string_view source,
                                const std::vector<int64_t>& csv_lines, absl::string_view field) {
  const std::vector<uint64_t> indices = IndicesNamed(message, field, csv_lines.size());
  if (indices.empty()) return std::string(message);
  std::string note = absl::StrCat(BaseName(source), " line ", csv_lines[indices[0]]);
  for (size_t i = 1; i < indices.size(); ++i) {
    absl::StrAppend(&note, "; ", field, "[", indices[i], "] is line ", csv_lines[indices[i]]);
  }
  return absl::StrCat(message, " (", note, ")");
}

void RowOrigins::Append(absl::string_view source, const std::vector<int64_t>& lines) {
  if (sources_.empty() || sources_.back() != source) sources_.emplace_back(source);
  for (int64_t line : lines) rows_.emplace_back(sources_.size() - 1, line);
}

std::string RowOrigins::Describe(size_t index) const {
  return absl::StrCat(BaseName(sources_[rows_[index].first]), " line ", rows_[index].second);
}

std::string AddRowOriginsToMessage(absl::string_view message, absl::string_view field,
                                   const RowOrigins& origins) {
  const std::vector<uint64_t> indices = IndicesNamed(message, field, origins.size());
  if (indices.empty()) return std::string(message);
  std::string note = origins.Describe(indices[0]);
  for (size_t i = 1; i < indices.size(); ++i) {
    absl::StrAppend(&note, "; ", field, "[", indices[i], "] is ", origins.Describe(indices[i]));
  }
  return absl::StrCat(message, " (", note, ")");
}

}  // namespace carereach::cli
