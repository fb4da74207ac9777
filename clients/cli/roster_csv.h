#ifndef CAREREACH_CLIENTS_CLI_ROSTER_CSV_H_
#define CAREREACH_CLIENTS_CLI_ROSTER_CSV_H_

// Network rosters: a roster CSV -> carereach.v1.NetworkProvider rows (column detection, --where,
// --specialty, row-level errors naming file:line and column), a facility CSV read as a roster
// (--specialty-code), the export CSV that `network export` writes (and the roster reader reads
// back), and the Census tract centres used to place uncovered tracts. Range checks are left to the
// server, whose messages name providers[i]; `csv_lines` points those back at the file. Plain
// functions and value types; thread-compatible. Coordinates in degrees.

#include <cstdint>
#include <ostream>
#include <string>
#include <unordered_map>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "carereach/v1/adequacy.pb.h"
#include "clients/cli/args.h"
#include "geo/io/csv.h"

namespace carereach::cli {

// The roster columns used, as spelled in the file's header; empty when absent (name, beds,
// telehealth) or replaced by --specialty (specialty).
struct RosterColumns {
  std::string id;
  std::string name;
  std::string specialty;
  std::string lat;
  std::string lon;
  std::string beds;
  std::string telehealth;
  std::string type;
  std::string exclusion;
};

struct Roster {
  // Path of the file, as given.
  std::string source;
  RosterColumns columns;
  // --specialty: the code every row was given; empty when read from a column.
  std::string fixed_specialty;
  // The flag that gave fixed_specialty, for the summary.
  std::string fixed_specialty_flag = "--specialty";
  // The specialty column --specialty overrode, if the file had one.
  std::string ignored_specialty_column;
  std::vector<carereach::v1::NetworkProvider> providers;
  // csv_lines[i] is the 1-based file line of providers[i].
  std::vector<int64_t> csv_lines;
  // Data rows in the file, before --where.
  int64_t rows_read = 0;
  // Kept "040" rows whose beds were negative (HIFLD writes -999 for unknown) or empty: sent as 0.
  int64_t unknown_beds_rows = 0;
  // A file in HSD layout (it has an SSA county code column; hsd_tables.h): its columns that no
  // field holds (e.g. "Letter of Intent"), reported by RosterSummary.
  std::vector<std::string> unread_columns;
};

// Converts a parsed roster table. Errors (INVALID_ARGUMENT): a named or required column is
// missing (lists the header), an unknown --where column, a row with an empty id or specialty,
// or coordinates, beds or telehealth that do not parse ("path:line: column BEDS: ...").
// `fixed_specialty` (--specialty, already normalized) replaces the specialty column.
// `where_flag` names the filter flag in messages. Columns are found by name, carereach's own or
// those of CMS's Provider and Facility HSD tables (with added Latitude and Longitude columns);
// a file with an SSA county code column also fills each row's HsdFields.
absl::StatusOr<Roster> RosterFromTable(const io::CsvTable& table, const RosterColumnFlags& flags,
                                       const std::vector<WhereClause>& where,
                                       absl::string_view fixed_specialty,
                                       absl::string_view where_flag = "--where");
absl::StatusOr<Roster> ReadRosterCsv(const std::string& path, const RosterColumnFlags& flags,
                                     const std::vector<WhereClause>& where,
                                     absl::string_view fixed_specialty,
                                     absl::string_view where_flag = "--where");

// A facility CSV (FacilitiesFromTable's columns, flags and --where) read as a roster: every row
// gets `specialty_code` (already normalized) and the type column's text as its type; beds come
// from the beds column (`beds_column`, else BEDS; optional) for "040" rows only, where a
// negative or empty value is unknown (HIFLD writes -999): 0, counted in unknown_beds_rows. A
// non-numeric beds value of a "040" row is an error naming file:line and column.
absl::StatusOr<Roster> RosterFromFacilityTable(const io::CsvTable& table,
                                               const FacilityColumnFlags& columns,
                                               absl::string_view beds_column,
                                               const std::vector<WhereClause>& where,
                                               absl::string_view where_flag,
                                               absl::string_view specialty_code);
absl::StatusOr<Roster> ReadFacilityRosterCsv(const std::string& path,
                                             const FacilityColumnFlags& columns,
                                             absl::string_view beds_column,
                                             const std::vector<WhereClause>& where,
                                             absl::string_view where_flag,
                                             absl::string_view specialty_code);

// The stderr lines about a roster: rows kept, the specialty source, unknown beds. `label`
// starts each line ("roster", "add-facilities").
std::string RosterSummary(const Roster& roster, const std::vector<WhereClause>& where,
                          absl::string_view label = "roster");

// Reads a --roster file (RosterFromTable with `read.roster_columns`) or a --facilities file
// (RosterFromFacilityTable with `read.facility_columns`, the roster beds column and
// `read.facility_specialty`), writes its RosterSummary to `err` under `label`, and refuses a file
// of which no row is kept (INVALID_ARGUMENT). `where_flag` names the source's filter flag.
absl::StatusOr<Roster> ReadRosterSource(const RosterSource& source, const RosterReadOptions& read,
                                        absl::string_view label, absl::string_view where_flag,
                                        std::ostream& err);

// The CSV `network export` writes: this header, then one line per row. Coordinates and beds
// are written in the shortest form that reads back to the same double, so that RosterFromTable
// reads an export back to the very same rows.
inline constexpr absl::string_view kExportCsvHeader =
    "id,name,specialty_code,lon,lat,beds,telehealth,type,exclusion,ssa_county_code,contract_type,"
    "street_address,city,state,zip_code,medical_group\n";
std::string ExportCsvLine(const carereach::v1::NetworkProvider& provider);

// Shortest decimal text that parses back to `value` exactly ("-83.0457", "101").
std::string RoundTripNumber(double value);

// Census tract centres of population: GEOID (STATEFP+COUNTYFP+TRACTCE, zero-padded 2/3/6) ->
// {lon, lat}. Reads a CenPop2020_Mean_TR.txt-style CSV (BOM, signed coordinates).
struct LonLatDegrees {
  double lon = 0;
  double lat = 0;
};
using TractCentres = std::unordered_map<std::string, LonLatDegrees>;
absl::StatusOr<TractCentres> TractCentresFromTable(const io::CsvTable& table);
absl::StatusOr<TractCentres> ReadTractCentres(const std::string& path);

// The data directory: `flag` when set, else $CAREREACH_DATA, else "../shared/data".
std::string DataDir(absl::string_view flag);

}  // namespace carereach::cli

#endif  // CAREREACH_CLIENTS_CLI_ROSTER_CSV_H_
