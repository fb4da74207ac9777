#ifndef CARERACH_CLIENTS_CLI_ROSTER_CSV_H_
#define CARERACH_CLIENTS_CLI_ROSTER_CSV_H_

// Inputs of `carereach adequacy`: the network roster CSV -> carereach.v1.NetworkProvider rows
// (column detection, --where, --specialty, row-level errors naming file:line and column), and the
// Census tract centres used to place uncovered tracts. Range checks are left to the server, whose
// messages name providers[i]; `csv_lines` points those back at the file. Plain functions and
// value types; thread-compatible. Coordinates in degrees.

#include <cstdint>
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
};

struct Roster {
  // Path of the file, as given.
  std::string source;
  RosterColumns columns;
  // --specialty: the code every row was given; empty when read from a column.
  std::string fixed_specialty;
  // The specialty column --specialty overrode, if the file had one.
  std::string ignored_specialty_column;
  std::vector<carereach::v1::NetworkProvider> providers;
  // csv_lines[i] is the 1-based file line of providers[i].
  std::vector<int64_t> csv_lines;
  // Data rows in the file, before --where.
  int64_t rows_read = 0;
  // Kept rows whose beds were negative (HIFLD writes -999 for unknown) or empty: sent as 0.
  int64_t unknown_beds_rows = 0;
};

// Converts a parsed roster table. Errors (INVALID_ARGUMENT): a named or required column is
// missing (lists the header), an unknown --where column, a row with an empty id or specialty,
// or coordinates, beds or telehealth that do not parse ("path:line: column BEDS: ...").
// `fixed_specialty` (--specialty, already normalized) replaces the specialty column.
absl::StatusOr<Roster> RosterFromTable(const io::CsvTable& table, const RosterColumnFlags& flags,
                                       const std::vector<WhereClause>& where,
                                       absl::string_view fixed_specialty);
absl::StatusOr<Roster> ReadRosterCsv(const std::string& path, const RosterColumnFlags& flags,
                                     const std::vector<WhereClause>& where,
                                     absl::string_view fixed_specialty);

// The stderr lines about a roster: rows kept, the specialty source, unknown beds.
std::string RosterSummary(const Roster& roster, const std::vector<WhereClause>& where);

// Census tract centres of population: GEOID (STATEFP+COUNTYFP+TRACTCE, zero-padded 2/3/6) ->
// {lon, lat}. Reads a CenPop2020_Mean_TR.txt-style CSV (BOM, signed coordinates).
struct LonLatDegrees {
  double lon = 0;
  double lat = 0;
};
using TractCentres = std::unordered_map<std::string, LonLatDegrees>;
absl::StatusOr<TractCentres> TractCentresFromTable(const io::CsvTable& table);
absl::StatusOr<TractCentres> ReadTractCentres(const std::string& path);

// The data directory: `flag` when set, else $CARERACH_DATA, else "../shared/data".
std::string DataDir(absl::string_view flag);

}  // namespace carereach::cli

#endif  // CARERACH_CLIENTS_CLI_ROSTER_CSV_H_
