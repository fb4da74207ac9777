#ifndef CAREREACH_CLIENTS_CLI_FACILITIES_CSV_H_
#define CAREREACH_CLIENTS_CLI_FACILITIES_CSV_H_

// Facility CSV -> carereach.v1.Facility messages: column detection by common names, --where
// filtering, and row-level errors naming file:line and column. Range checks (latitude in
// [-90, 90], unique ids, ...) are left to the server, whose messages name facilities[i]; the
// `csv_lines` kept here let the CLI point those back at the file. Plain functions and value
// types; thread-compatible.

#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "carereach/v1/access.pb.h"
#include "clients/cli/args.h"
#include "geo/io/csv.h"

namespace carereach::cli {

// The columns used, as spelled in the file's header. `name` and `type` may be empty (absent).
struct FacilityColumns {
  std::string id;
  std::string name;
  std::string lat;
  std::string lon;
  std::string type;
};

struct FacilityList {
  // Path of the file, as given.
  std::string source;
  FacilityColumns columns;
  std::vector<carereach::v1::Facility> facilities;
  // csv_lines[i] is the 1-based file line of facilities[i].
  std::vector<int64_t> csv_lines;
  // Data rows in the file, before --where.
  int64_t rows_read = 0;
};

// The rows of a CSV table that match every --where clause: COLUMN=VALUE (the trimmed cell equals
// VALUE) or COLUMN~TEXT (the cell contains TEXT or one of its '|' alternatives, ignoring ASCII
// case). Shared by the facility and roster readers. Plain value type; thread-compatible.
class RowFilter {
 public:
  // INVALID_ARGUMENT "<where_flag> COL=VAL: FILE has no column 'COL'; columns: ..." when a
  // clause names a column the table lacks.
  static absl::StatusOr<RowFilter> Make(const io::CsvTable& table,
                                        const std::vector<WhereClause>& where,
                                        absl::string_view where_flag);
  bool Keep(const io::CsvRecord& record) const;

 private:
  struct Filter {
    int column = -1;
    // Exact: the value; contains: the lower-cased alternatives.
    std::string value;
    std::vector<std::string> alternatives;
    bool contains = false;
  };
  std::vector<Filter> filters_;
};

// Converts a parsed table. Errors (INVALID_ARGUMENT): a named or required column is missing (the
// message lists the header), an unknown --where column (lists the columns), a row with an empty
// id or a latitude/longitude that is not a number ("path:line: column LATITUDE: ...").
// `where_flag` names the filter flag in messages ("--where", "--origins-where").
absl::StatusOr<FacilityList> FacilitiesFromTable(const io::CsvTable& table,
                                                 const FacilityColumnFlags& column_flags,
                                                 const std::vector<WhereClause>& where,
                                                 absl::string_view where_flag = "--where");

// Reads `path` with io::ReadCsvFile, then FacilitiesFromTable.
absl::StatusOr<FacilityList> ReadFacilitiesCsv(const std::string& path,
                                               const FacilityColumnFlags& column_flags,
                                               const std::vector<WhereClause>& where,
                                               absl::string_view where_flag = "--where");

// The stderr line, e.g. "facilities: kept 7634 of 8013 rows of hifld_hospitals.csv
// (STATUS=OPEN)"; `label` replaces "facilities" (e.g. "origins").
std::string FacilitySummaryLine(const FacilityList& list, const std::vector<WhereClause>& where,
                                absl::string_view label = "facilities");

// Appends the CSV line of the facility a server message refers to: a message containing
// "facilities[12]" gets " (hifld_hospitals.csv line 15)". Other messages are returned unchanged.
// `field` is the request field the list was sent as ("facilities", "origins", "destinations").
std::string AddCsvLineToMessage(absl::string_view message, const FacilityList& list,
                                absl::string_view field = "facilities");

// The same for any list sent as `field`: `csv_lines[i]` is the file line of element i of `source`.
std::string AddCsvLineToMessage(absl::string_view message, absl::string_view source,
                                const std::vector<int64_t>& csv_lines, absl::string_view field);

// Where each element of a list sent to the server came from: file and 1-based line, for lists
// gathered from several files (an analysis' added rows). Plain value type; thread-compatible.
class RowOrigins {
 public:
  // Appends `lines.size()` elements read from `source`.
  void Append(absl::string_view source, const std::vector<int64_t>& lines);
  size_t size() const { return rows_.size(); }
  // "add.csv line 5".
  std::string Describe(size_t index) const;
  absl::string_view source(size_t index) const { return sources_[rows_[index].first]; }

 private:
  std::vector<std::string> sources_;
  // (index into sources_, line).
  std::vector<std::pair<size_t, int64_t>> rows_;
};

// AddCsvLineToMessage for a list from several files: "networks[0].add_providers[3]..." gets
// " (add.csv line 5)"; further elements named get "; networks[0].add_providers[7] is b.csv line
// 2". `field` is the list's path in the request ("networks[0].add_providers").
std::string AddRowOriginsToMessage(absl::string_view message, absl::string_view field,
                                   const RowOrigins& origins);

// Helpers shared with the roster reader (roster_csv.h).

// "a, b, c": the header of `table`, for messages.
std::string HeaderList(const io::CsvTable& table);

// Index of a column: the one named by `flag_value` when given, else the first of `candidates`.
// Returns -1 for an absent optional column; INVALID_ARGUMENT for an absent required or named
// column (naming `flag` and listing the header). `what` names the column in messages.
absl::StatusOr<int> ResolveColumn(const io::CsvTable& table, absl::string_view what,
                                  absl::string_view flag, const std::string& flag_value,
                                  std::initializer_list<std::string_view> candidates,
                                  bool required);

// Field `index` of `record`, trimmed; empty when the index is -1 or past the row's end.
absl::string_view CsvFieldAt(const io::CsvRecord& record, int index);

// Field `index` as a finite number; "path:line: column NAME: ..." otherwise.
absl::StatusOr<double> ParseCoordinate(const io::CsvTable& table, const io::CsvRecord& record,
                                       int index);

// Last path component, for short messages.
absl::string_view BaseName(absl::string_view path);

}  // namespace carereach::cli

#endif  // CAREREACH_CLIENTS_CLI_FACILITIES_CSV_H_
