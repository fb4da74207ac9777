#ifndef CAREREACH_CLIENTS_CLI_ARGS_H_
#define CAREREACH_CLIENTS_CLI_ARGS_H_

// Command-line parsing of the `carereach` client: argv -> Invocation, with no I/O and no RPCs, so
// every rule is unit-testable. Plain value types; thread-compatible.

#include <iosfwd>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "geo/io/specialty_code.h"

namespace carereach::cli {

// Process exit codes.
inline constexpr int kExitOk = 0;
// An error answered by the server, or bad data (e.g. an unparsable facility row).
inline constexpr int kExitError = 1;
// The command line itself is wrong.
inline constexpr int kExitUsage = 2;

inline constexpr absl::string_view kDefaultServer = "127.0.0.1:50051";

inline constexpr absl::string_view kDefaultTenant = "default";

// The specialty code every row of a facility CSV read as a network roster gets by default: acute
// inpatient hospitals.
inline constexpr absl::string_view kDefaultFacilitySpecialty = "040";

enum class Command {
  kHelp,
  kRegions,
  kCoverage,
  kIsochrone,
  kMatrix,
  kAdequacy,
  // Stored networks (NetworkService).
  kNetworkCreate,
  kNetworkImport,
  kNetworkList,
  kNetworkShow,
  kNetworkExport,
  kNetworkDiff,
  kNetworkDelete,
  // Saved reports (NetworkService).
  kReportList,
  kReportShow,
  // Contracting analyses (ContractingService).
  kAnalyzeCoverage,
  kAnalyzeAdequacy,
  kRecommend,
  kAccessRatios,
  // Maps drawn by the server (MapService.RenderMap).
  kMapCoverage,
  kMapAdequacy,
  kMapIsochrone,
  kMapReport,
};
enum class OutputFormat { kTable, kCsv, kJson };
enum class Mode { kStraightLine, kDrive };
enum class Direction { kDefault, kToFacility, kFromFacility };

// Options every command takes.
struct GlobalOptions {
  // The carereach server: HOST:PORT, a comma-separated list of replicas' IP:PORT, or a gRPC
  // target URI such as dns:///NAME:PORT (channel.h, ParseServerTarget).
  std::string server = std::string(kDefaultServer);
  // JSON file naming the replicas that serve each region (channel.h, ApplyRegionMap); empty:
  // every call goes to `server`.
  std::string region_map_file;
  // Deadline of each RPC.
  double timeout_seconds = 120;
  // While the server answers UNAVAILABLE (or cannot be reached), retry every 0.2 s until this
  // many seconds have passed. 0: no retry.
  double wait_seconds = 0;
  // Sent as the "x-carereach-tenant" metadata of a call (see SendsTenant()): 1 to 64 characters
  // of [A-Za-z0-9._-].
  std::string tenant = std::string(kDefaultTenant);
  // True when the tenant was given (--tenant or $CAREREACH_TENANT), not the default.
  bool tenant_explicit = false;

  // TLS: --tls-ca (PEM CA bundle that verifies the server; empty: the system's roots),
  // --tls-cert and --tls-key (a client certificate and its key, for mutual TLS; both or
  // neither), --tls-server-name (the name expected in the server's certificate instead of the
  // --server host), --tls (TLS with the system's roots). Paths, from the flags or
  // $CAREREACH_TLS_CA, $CAREREACH_TLS_CERT, $CAREREACH_TLS_KEY, $CAREREACH_TLS_SERVER_NAME.
  std::string tls_ca_file;
  std::string tls_cert_file;
  std::string tls_key_file;
  std::string tls_server_name;
  bool tls = false;
  // The bearer token (a JWT) sent as "authorization: Bearer <token>" on every call: from
  // $CAREREACH_TOKEN, or read from token_file (--token-file, $CAREREACH_TOKEN_FILE) by
  // LoadCredentialFiles (rpc_client.h).
  std::string token;
  std::string token_file;
  // The contents of tls_ca_file, tls_cert_file and tls_key_file, read by LoadCredentialFiles.
  std::string tls_ca_pem;
  std::string tls_cert_pem;
  std::string tls_key_pem;

  // Where progress lines go (progress.h): stderr when it is a terminal, else null (none). Set by
  // RunCli from its caller, never by a flag. `command_name` starts the line ("matrix",
  // "analyze adequacy").
  std::ostream* progress_out = nullptr;
  std::string command_name;

  // True when calls go over TLS.
  bool UsesTls() const { return tls || !tls_ca_file.empty() || !tls_cert_file.empty(); }
  // True when the caller presents a credential (a bearer token or a client certificate), from
  // which the server takes the tenant; false in dev mode.
  bool HasCredential() const {
    return !token.empty() || !token_file.empty() || !tls_cert_file.empty();
  }
  // The tenant metadata is sent when the tenant was given, or when there is no credential to
  // take it from (dev mode: the server's "default" tenant is then named too).
  bool SendsTenant() const { return tenant_explicit || !HasCredential(); }
};

// The environment variables the CLI reads; empty means unset. Flags win over them.
struct Environment {
  std::string server;           // $CAREREACH_SERVER: --server
  std::string region_map;       // $CAREREACH_REGION_MAP: --region-map
  std::string tenant;           // $CAREREACH_TENANT: --tenant
  std::string tls_ca;           // $CAREREACH_TLS_CA: --tls-ca
  std::string tls_cert;         // $CAREREACH_TLS_CERT: --tls-cert
  std::string tls_key;          // $CAREREACH_TLS_KEY: --tls-key
  std::string tls_server_name;  // $CAREREACH_TLS_SERVER_NAME: --tls-server-name
  std::string token;            // $CAREREACH_TOKEN: the bearer token itself
  std::string token_file;       // $CAREREACH_TOKEN_FILE: --token-file
};

// Columns of the facility CSV named on the command line; empty means "detect by common names".
struct FacilityColumnFlags {
  std::string id;
  std::string name;
  std::string lat;
  std::string lon;
  std::string type;
};

// One `--where COLUMN=VALUE`: keep rows whose COLUMN equals VALUE (both trimmed), or one
// `--where COLUMN~TEXT` (`contains`): keep rows whose COLUMN contains TEXT, ignoring ASCII case;
// TEXT may list alternatives separated by '|' (any of them matches).
struct WhereClause {
  std::string column;
  std::string value;
  bool contains = false;
};

// "STATE=MI", "NAME~MERCY|TRINITY": the clause as written (trimmed).
std::string WhereText(const WhereClause& clause);

// The alternatives of a `~` clause's TEXT: split at '|', trimmed, lower-cased (ASCII).
std::vector<std::string> ContainsAlternatives(absl::string_view text);

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

// Travel model flags; the straight-line options are unset for the server's defaults
// (carereach.v1.TravelMode, StraightLineOptions, DriveOptions).
struct TravelFlags {
  Mode mode = Mode::kStraightLine;
  std::optional<double> circuity;
  std::optional<double> speed_mph;
  DriveFlags drive;
};

struct CoverageOptions {
  std::string region;
  // Path of the facility CSV.
  std::string facilities_path;
  std::vector<WhereClause> where;
  std::vector<double> minutes;
  std::vector<double> miles;
  TravelFlags travel;
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
  // Free-text type (NetworkProvider.type); not a flag of `adequacy`.
  std::string type;
  // Why a row does not count toward adequacy (NetworkProvider.exclusion).
  std::string exclusion;
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
  TravelFlags travel;
  // Standards set name; empty: the server's default.
  std::string standards;
  // The specialty code of every row (--specialty), for files without a specialty column.
  std::string specialty;
  RosterColumnFlags columns;
  OutputFormat format = OutputFormat::kTable;
  // When set, the uncovered tracts of every result are written here as GeoJSON points.
  std::string uncovered_out;
  // Shared data directory (tract centres for --uncovered-out); empty: $CAREREACH_DATA, else
  // ../shared/data.
  std::string data_dir;
  // --html: also write the report as one self-contained HTML file, with maps.
  std::string html_path;
};

// Where a network roster comes from: a CMS roster CSV (`--roster`, read like `adequacy
// --network`) or a facility CSV (`--facilities`, every row given RosterReadOptions'
// specialty code).
enum class RosterFormat { kRoster, kFacilities };

struct RosterSource {
  RosterFormat format = RosterFormat::kRoster;
  std::string path;
  std::vector<WhereClause> where;
};

// How the roster files of one command are read: the column flags apply to every file of their
// format.
struct RosterReadOptions {
  RosterColumnFlags roster_columns;
  // --id-column, --name-column, --lat-column, --lon-column and --type-column apply to both
  // formats; the beds column of facility files is roster_columns.beds.
  FacilityColumnFlags facility_columns;
  // --specialty-code: the code of every row of a facility file, normalized ("40" -> "040").
  std::string facility_specialty = std::string(kDefaultFacilitySpecialty);
};

// One `--network ID[@VERSION]` (or an inline `--roster` / `--facilities`) of an analysis, with
// the flags that follow it: --label, --where (inline files), --add-roster / --add-facilities
// (with --add-where) and --remove.
struct SelectionFlags {
  // Name in answers; empty: the server's default (the network id), or the file's base name for
  // inline rosters (set by the parser).
  std::string label;
  // A stored network and its version (0: the latest); empty for an inline roster.
  std::string network_id;
  int version = 0;
  // The inline roster, when network_id is empty.
  std::optional<RosterSource> inline_roster;
  // What-ifs: rows added (from these files, in order) and provider ids removed.
  std::vector<RosterSource> add;
  std::vector<std::string> remove_ids;
};

// Options of every `network` subcommand (which fields apply is noted per field).
struct NetworkOptions {
  // Positional ID of every subcommand but list.
  std::string network_id;
  // create, import: the network's name and description (import: with --create only), the
  // version's note, and the roster (optional for create, required for import).
  std::string name;
  std::string description;
  std::string note;
  std::optional<RosterSource> roster;
  RosterReadOptions read;
  // create, import: CMS HSD tables read instead of `roster` (hsd_tables.h); export: the HSD
  // tables written instead of the CSV (both or neither). Empty: not given.
  std::string hsd_providers_path;
  std::string hsd_facilities_path;
  // import --create: create the network when it does not exist.
  bool create_if_missing = false;
  // export: the version (0: the latest) and the destination (empty: stdout).
  int version = 0;
  std::string out_path;
  // diff: the positional FROM and TO versions.
  int from_version = 0;
  int to_version = 0;
  // list, show (table, json), diff (table, csv, json).
  OutputFormat format = OutputFormat::kTable;
};

// Options of `report list` and `report show`.
struct ReportOptions {
  // list --network: only reports computed from this network.
  std::string network_id;
  // show: the positional REPORT_ID.
  std::string report_id;
  OutputFormat format = OutputFormat::kTable;
  // show --html: also write the report as one self-contained HTML file (coverage and adequacy
  // reports with their maps, redrawn from the saved request).
  std::string html_path;
};

// Options of `analyze coverage`, `analyze adequacy`, `recommend` and `access-ratios` (which
// fields apply is noted per field).
struct AnalysisOptions {
  std::string region;
  // In command-line order; several make an alliance (access-ratios: exactly one).
  std::vector<SelectionFlags> networks;
  RosterReadOptions read;
  TravelFlags travel;
  // --specialties: only rows with these codes count (normalized; empty: every row).
  std::vector<std::string> specialty_codes;
  // analyze adequacy and recommend: 5-digit county FIPS codes.
  std::vector<std::string> county_fips;
  bool save_report = false;
  std::string title;
  OutputFormat format = OutputFormat::kTable;

  // analyze coverage: thresholds; recommend: at most one of each (the coverage objective).
  std::vector<double> minutes;
  std::vector<double> miles;
  // analyze coverage --counties: the per-county table.
  bool counties = false;
  // analyze adequacy, recommend (adequacy objective): the standards set.
  std::string standards;
  // analyze adequacy --failing-only.
  bool failing_only = false;
  // analyze adequacy: the supply outside the network for exception evidence (a stored network
  // or an inline roster) and how many of its providers each failing result lists (unset: the
  // server's default).
  std::optional<SelectionFlags> supply;
  std::optional<int> evidence_providers;
  // analyze adequacy --servicing-report: the Servicing Provider Report's CSV file (empty: none).
  std::string servicing_report_path;

  // recommend: the candidate pool (a stored network or an inline roster), the coverage
  // objective's target share and the number of picks (unset: server defaults), or the
  // adequacy objective.
  std::optional<SelectionFlags> candidates;
  std::optional<double> target_share;
  std::optional<int> picks;
  std::string adequacy_county;
  std::string adequacy_specialty;

  // access-ratios.
  std::optional<double> catchment_minutes;
  bool capacity_from_beds = false;
  std::string units_out;

  // analyze coverage, analyze adequacy, recommend --html: also write the report as one
  // self-contained HTML file (coverage and adequacy with their maps).
  std::string html_path;
};

// The flags of `map coverage|adequacy|isochrone|report` (the analysis' own flags are in
// AnalysisOptions or IsochroneOptions).
struct MapFlags {
  // FILE.png or FILE.svg: the picture's format is the file's extension.
  std::string out_path;
  // 0: the server's defaults (1200 x 900).
  int width_px = 0;
  int height_px = 0;
  // Adequacy: the specialty type whose pass / fail fills the counties (normalized; empty: the
  // type with the most failing counties).
  std::string specialty_code;
  // The map's title; empty: generated by the server (map report: the report's title).
  std::string title;
  // Coverage: colour units by miles instead of minutes.
  bool color_by_miles = false;
  // map report: the positional REPORT_ID.
  std::string report_id;
};

using io::NormalizeSpecialtyCode;  // geo/io/specialty_code.h

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
  NetworkOptions network;
  ReportOptions report;
  AnalysisOptions analysis;
  MapFlags map;
};

// `ID` or `ID@VERSION` (VERSION a whole number >= 1; none: 0, the latest). `flag` names the flag
// in errors ("--network: 'mercy@x': VERSION must be a whole number >= 1").
struct NetworkRef {
  std::string network_id;
  int version = 0;
};
absl::StatusOr<NetworkRef> ParseNetworkRef(absl::string_view flag, absl::string_view text);

// OK when `tenant` is 1 to 64 characters of [A-Za-z0-9._-]; `what` names its origin in the
// error ("--tenant", "$CAREREACH_TENANT").
absl::Status ValidateTenant(absl::string_view what, absl::string_view tenant);

// Parses the arguments after the program name; `env` supplies the defaults of the flags it
// names (an empty field: unset). Errors are INVALID_ARGUMENT with one line naming the flag,
// e.g. "--minutes: 'ten' is not a number". Besides each flag's own checks: --tls-cert and
// --tls-key go together, a bearer token needs TLS, and --tls-server-name needs TLS. No I/O:
// the files named are read by LoadCredentialFiles (rpc_client.h).
absl::StatusOr<Invocation> ParseArgs(const std::vector<std::string>& args, const Environment& env);

// ParseArgs with only --server and --tenant defaults (e.g. $CAREREACH_SERVER and
// $CAREREACH_TENANT); an empty `default_tenant` leaves the tenant unset ("default", not
// explicit).
absl::StatusOr<Invocation> ParseArgs(const std::vector<std::string>& args,
                                     absl::string_view default_server = kDefaultServer,
                                     absl::string_view default_tenant = {});

// Parses a comma-separated list of numbers such as "10,20,30". `origin` names the flag in errors
// ("--minutes").
absl::StatusOr<std::vector<double>> ParseNumberList(absl::string_view origin,
                                                    absl::string_view text);

// The text printed by `carereach help`, generated from the command declarations (flags.h).
std::string UsageText();

}  // namespace carereach::cli

#endif  // CAREREACH_CLIENTS_CLI_ARGS_H_
