#ifndef CARERACH_CLIENTS_CLI_ARGS_H_
#define CARERACH_CLIENTS_CLI_ARGS_H_

// Command-line parsing of the `carereach` client: argv -> Invocation, with no I/O and no RPCs, so
// every rule is unit-testable. Plain value types; thread-compatible.

#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace carereach::cli {

// Process exit codes.
inline constexpr int kExitOk = 0;
// An error answered by the server, or bad data (e.g. an unparsable facility row).
inline constexpr int kExitError = 1;
// The command line itself is wrong.
inline constexpr int kExitUsage = 2;

inline constexpr absl::string_view kDefaultServer = "127.0.0.1:50051";

enum class Command { kHelp, kRegions, kCoverage, kIsochrone, kMatrix, kAdequacy };
enum class OutputFormat { kTable, kCsv, kJson };
enum class Mode { kStraightLine, kDrive };
enum class Direction { kDefault, kToFacility, kFromFacility };

// Options every command takes.
struct GlobalOptions {
  // HOST:PORT of the carereach server.
  std::string server = std::string(kDefaultServer);
  // Deadline of each RPC.
  double timeout_seconds = 120;
  // While the server answers UNAVAILABLE (or cannot be reached), retry every 0.2 s until this
  // many seconds have passed. 0: no retry.
  double wait_seconds = 0;
};

// Columns of the facility CSV named on the command line; empty means "detect by common names".
struct FacilityColumnFlags {
  std::string id;
  std::string name;
  std::string lat;
  std::string lon;
  std::string type;
};

// One `--where COLUMN=VALUE`: keep rows whose COLUMN equals VALUE (both trimmed).
struct WhereClause {
  std::string column;
  std::string value;
};

// Drive options (carereach.v1.DriveOptions); unset/empty leaves the server's default.
struct DriveFlags {
  std::optional<double> max_snap_meters;
  Direction direction = Direction::kDefault;
  std::string speed_profile;
  std::optional<double> offroad_speed_mph;

  // True when any flag was given.
  bool any() const {
    return max_snap_meters || direction != Direction::kDefault || !speed_profile.empty() ||
           offroad_speed_mph;
  }
};

struct CoverageOptions {
  std::string region;
  // Path of the facility CSV.
  std::string facilities_path;
  std::vector<WhereClause> where;
  std::vector<double> minutes;
  std::vector<double> miles;
  Mode mode = Mode::kStraightLine;
  // Straight-line model; unset leaves the server's default.
  std::optional<double> circuity;
  std::optional<double> speed_mph;
  // Drive mode only.
  DriveFlags drive;
  FacilityColumnFlags columns;
  OutputFormat format = OutputFormat::kTable;
  // When set, per-unit detail is paged through and written to this CSV file.
  std::string units_out;
  // Table output: add the per-county table (CSV and JSON always include counties).
  bool counties = false;
};

struct RegionsOptions {
  OutputFormat format = OutputFormat::kTable;
};

struct IsochroneOptions {
  std::string region;
  // Path of the facility CSV (the start points).
  std::string facilities_path;
  std::vector<WhereClause> where;
  // Thresholds in minutes.
  std::vector<double> minutes;
  DriveFlags drive;
  // Half-width of the band drawn around reached roads; unset leaves the server's default.
  std::optional<double> buffer_meters;
  FacilityColumnFlags columns;
  // GeoJSON destination; empty writes the GeoJSON to stdout.
  std::string out_path;
};

struct MatrixOptions {
  std::string region;
  // Paths of the two facility CSVs; the column flags apply to both.
  std::string origins_path;
  std::string destinations_path;
  std::vector<WhereClause> origins_where;
  std::vector<WhereClause> destinations_where;
  // Search bound in minutes; unset leaves the server's default (120).
  std::optional<double> max_minutes;
  DriveFlags drive;
  FacilityColumnFlags columns;
  OutputFormat format = OutputFormat::kTable;
};

// Columns of the network roster CSV named on the command line; empty means "detect".
struct RosterColumnFlags {
  std::string id;
  std::string name;
  std::string lat;
  std::string lon;
  std::string specialty;
  std::string beds;
  std::string telehealth;
};

struct AdequacyOptions {
  std::string region;
  // Path of the roster CSV.
  std::string network_path;
  std::vector<WhereClause> where;
  // 5-digit county FIPS codes; empty: every county of the region.
  std::vector<std::string> county_fips;
  // Specialty types ("S03", "040"), numeric codes padded to 3 digits; empty: every type.
  std::vector<std::string> specialty_codes;
  Mode mode = Mode::kStraightLine;
  std::optional<double> circuity;
  std::optional<double> speed_mph;
  DriveFlags drive;
  // Standards set name; empty: the server's default.
  std::string standards;
  // The specialty code of every row (--specialty), for files without a specialty column.
  std::string specialty;
  RosterColumnFlags columns;
  OutputFormat format = OutputFormat::kTable;
  // When set, the uncovered tracts of every result are written here as GeoJSON points.
  std::string uncovered_out;
  // Shared data directory (tract centres for --uncovered-out); empty: $CARERACH_DATA, else
  // ../shared/data.
  std::string data_dir;
};

// "40" -> "040": a numeric specialty code shorter than 3 digits is zero-padded; others are
// returned trimmed and unchanged ("S03", "040").
std::string NormalizeSpecialtyCode(absl::string_view code);

// --format table prints one column per destination, so only up to this many.
inline constexpr int kMaxTableDestinations = 20;

// A parsed command line.
struct Invocation {
  Command command = Command::kHelp;
  GlobalOptions global;
  RegionsOptions regions;
  CoverageOptions coverage;
  IsochroneOptions isochrone;
  MatrixOptions matrix;
  AdequacyOptions adequacy;
};

// Parses the arguments after the program name. `default_server` is the server used when
// --server is absent (the caller passes $CARERACH_SERVER when set). Errors are INVALID_ARGUMENT
// with one line naming the flag, e.g. "--minutes: 'ten' is not a number".
absl::StatusOr<Invocation> ParseArgs(const std::vector<std::string>& args,
                                     absl::string_view default_server = kDefaultServer);

// Parses a comma-separated list of numbers such as "10,20,30". `flag` names the flag in errors.
absl::StatusOr<std::vector<double>> ParseNumberList(absl::string_view flag, absl::string_view text);

// The text printed by `carereach help`.
std::string UsageText();

}  // namespace carereach::cli

#endif  // CARERACH_CLIENTS_CLI_ARGS_H_
