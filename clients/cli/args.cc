#include "clients/cli/args.h"

#include <algorithm>
#include <cmath>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/string_view.h"
#include "absl/strings/strip.h"

namespace carereach::cli {
namespace {

// Which commands a flag applies to.
enum Scope : unsigned {
  kGlobal = 1,
  kRegions = 2,
  kCoverage = 4,
  kIsochrone = 8,
  kMatrix = 16,
  kAdequacy = 32,
};
constexpr unsigned kFacilityCommands = kCoverage | kIsochrone | kMatrix;
constexpr unsigned kDriveCommands = kFacilityCommands | kAdequacy;

struct CommandSpec {
  absl::string_view name;
  Command command;
  unsigned scope;
};

constexpr CommandSpec kCommands[] = {
    {"regions", Command::kRegions, kRegions},       {"coverage", Command::kCoverage, kCoverage},
    {"isochrone", Command::kIsochrone, kIsochrone}, {"matrix", Command::kMatrix, kMatrix},
    {"adequacy", Command::kAdequacy, kAdequacy},
};

struct FlagSpec {
  absl::string_view name;  // without the leading "--"
  bool takes_value;
  unsigned scope;
};

constexpr FlagSpec kFlags[] = {
    {"server", true, kGlobal},
    {"timeout-seconds", true, kGlobal},
    {"wait-seconds", true, kGlobal},
    {"format", true, kRegions | kCoverage | kMatrix | kAdequacy},
    {"region", true, kDriveCommands},
    {"facilities", true, kCoverage | kIsochrone},
    {"network", true, kAdequacy},
    {"where", true, kCoverage | kIsochrone | kAdequacy},
    {"origins", true, kMatrix},
    {"destinations", true, kMatrix},
    {"origins-where", true, kMatrix},
    {"destinations-where", true, kMatrix},
    {"minutes", true, kCoverage | kIsochrone},
    {"miles", true, kCoverage},
    {"max-minutes", true, kMatrix},
    {"mode", true, kCoverage | kAdequacy},
    {"circuity", true, kCoverage | kAdequacy},
    {"speed-mph", true, kCoverage | kAdequacy},
    {"max-snap-meters", true, kDriveCommands},
    {"direction", true, kDriveCommands},
    {"speed-profile", true, kDriveCommands},
    {"offroad-speed-mph", true, kDriveCommands},
    {"buffer-meters", true, kIsochrone},
    {"out", true, kIsochrone},
    {"id-column", true, kDriveCommands},
    {"name-column", true, kDriveCommands},
    {"lat-column", true, kDriveCommands},
    {"lon-column", true, kDriveCommands},
    {"type-column", true, kFacilityCommands},
    {"specialty-column", true, kAdequacy},
    {"beds-column", true, kAdequacy},
    {"telehealth-column", true, kAdequacy},
    {"specialty", true, kAdequacy},
    {"specialties", true, kAdequacy},
    {"standards", true, kAdequacy},
    {"uncovered-out", true, kAdequacy},
    {"data-dir", true, kAdequacy},
    {"units-out", true, kCoverage},
    // One name, two flags: a switch of `coverage`, a FIPS list of `adequacy`.
    {"counties", false, kCoverage},
    {"counties", true, kAdequacy},
};

// The flag named `name`; where two commands share the name, the one of `scope` (the command on
// the command line), else the first.
const FlagSpec* FindFlag(absl::string_view name, unsigned scope) {
  const FlagSpec* found = nullptr;
  for (const FlagSpec& spec : kFlags) {
    if (spec.name != name) continue;
    if ((spec.scope & scope) != 0) return &spec;
    if (found == nullptr) found = &spec;
  }
  return found;
}

const CommandSpec* FindCommand(absl::string_view name) {
  for (const CommandSpec& spec : kCommands) {
    if (spec.name == name) return &spec;
  }
  return nullptr;
}

absl::Status UsageError(absl::string_view message) { return absl::InvalidArgumentError(message); }

// A flag occurrence on the command line, value already attached.
struct FlagUse {
  const FlagSpec* spec;
  std::string value;
};

absl::StatusOr<double> ParseNumber(absl::string_view flag, absl::string_view text) {
  double value = 0;
  absl::string_view trimmed = absl::StripAsciiWhitespace(text);
  if (!absl::SimpleAtod(trimmed, &value) || !std::isfinite(value)) {
    return UsageError(absl::StrCat("--", flag, ": '", text, "' is not a number"));
  }
  return value;
}

absl::StatusOr<OutputFormat> ParseFormat(absl::string_view text) {
  if (text == "table") return OutputFormat::kTable;
  if (text == "csv") return OutputFormat::kCsv;
  if (text == "json") return OutputFormat::kJson;
  return UsageError(absl::StrCat("--format: '", text, "' is not one of table, csv, json"));
}

absl::StatusOr<Mode> ParseMode(absl::string_view text) {
  if (text == "straight-line") return Mode::kStraightLine;
  if (text == "drive") return Mode::kDrive;
  return UsageError(absl::StrCat("--mode: '", text, "' is not one of straight-line, drive"));
}

absl::StatusOr<Direction> ParseDirection(absl::string_view text) {
  if (text == "to-facility") return Direction::kToFacility;
  if (text == "from-facility") return Direction::kFromFacility;
  return UsageError(
      absl::StrCat("--direction: '", text, "' is not one of to-facility, from-facility"));
}

absl::StatusOr<WhereClause> ParseWhere(absl::string_view flag, absl::string_view text) {
  std::pair<absl::string_view, absl::string_view> parts =
      absl::StrSplit(text, absl::MaxSplits('=', 1));
  if (text.find('=') == absl::string_view::npos ||
      absl::StripAsciiWhitespace(parts.first).empty()) {
    return UsageError(absl::StrCat("--", flag, ": '", text, "' is not COLUMN=VALUE"));
  }
  return WhereClause{std::string(absl::StripAsciiWhitespace(parts.first)),
                     std::string(absl::StripAsciiWhitespace(parts.second))};
}

// The fields that flags shared by several commands set, for the command being parsed. Null
// where the command has no such field (the scope check keeps those flags out).
struct Targets {
  std::string* region = nullptr;
  OutputFormat* format = nullptr;
  DriveFlags* drive = nullptr;
  FacilityColumnFlags* columns = nullptr;
  std::vector<double>* minutes = nullptr;
  std::string* facilities = nullptr;
  std::vector<WhereClause>* where = nullptr;
  Mode* mode = nullptr;
  std::optional<double>* circuity = nullptr;
  std::optional<double>* speed_mph = nullptr;
};

Targets TargetsOf(Invocation& inv) {
  switch (inv.command) {
    case Command::kRegions:
      return {.format = &inv.regions.format};
    case Command::kCoverage: {
      CoverageOptions& cov = inv.coverage;
      return {.region = &cov.region,
              .format = &cov.format,
              .drive = &cov.drive,
              .columns = &cov.columns,
              .minutes = &cov.minutes,
              .facilities = &cov.facilities_path,
              .where = &cov.where,
              .mode = &cov.mode,
              .circuity = &cov.circuity,
              .speed_mph = &cov.speed_mph};
    }
    case Command::kAdequacy: {
      AdequacyOptions& adq = inv.adequacy;
      return {.region = &adq.region,
              .format = &adq.format,
              .drive = &adq.drive,
              .where = &adq.where,
              .mode = &adq.mode,
              .circuity = &adq.circuity,
              .speed_mph = &adq.speed_mph};
    }
    case Command::kIsochrone: {
      IsochroneOptions& iso = inv.isochrone;
      return {.region = &iso.region,
              .drive = &iso.drive,
              .columns = &iso.columns,
              .minutes = &iso.minutes,
              .facilities = &iso.facilities_path,
              .where = &iso.where};
    }
    case Command::kMatrix: {
      MatrixOptions& mat = inv.matrix;
      return {.region = &mat.region,
              .format = &mat.format,
              .drive = &mat.drive,
              .columns = &mat.columns};
    }
    case Command::kHelp:
      break;
  }
  return {};
}

// Applies one flag to the invocation, whose command is already set.
absl::Status Apply(const FlagUse& use, Invocation& inv) {
  const absl::string_view name = use.spec->name;
  const std::string& value = use.value;
  CoverageOptions& cov = inv.coverage;
  IsochroneOptions& iso = inv.isochrone;
  MatrixOptions& mat = inv.matrix;
  const Targets targets = TargetsOf(inv);
  auto set_number = [&](auto& field) -> absl::Status {
    absl::StatusOr<double> number = ParseNumber(name, value);
    if (!number.ok()) return number.status();
    field = *number;
    return absl::OkStatus();
  };
  auto append_numbers = [&](std::vector<double>& field) -> absl::Status {
    absl::StatusOr<std::vector<double>> numbers = ParseNumberList(name, value);
    if (!numbers.ok()) return numbers.status();
    field.insert(field.end(), numbers->begin(), numbers->end());
    return absl::OkStatus();
  };
  auto set_text = [&](std::string& field) -> absl::Status {
    if (absl::StripAsciiWhitespace(value).empty()) {
      return UsageError(absl::StrCat("--", name, ": value is empty"));
    }
    field = value;
    return absl::OkStatus();
  };
  auto append_where = [&](std::vector<WhereClause>& field) -> absl::Status {
    absl::StatusOr<WhereClause> where = ParseWhere(name, value);
    if (!where.ok()) return where.status();
    field.push_back(*std::move(where));
    return absl::OkStatus();
  };
  // A flag shared by several commands whose target this command lacks: a bug in kFlags.
  auto missing = [&]() {
    return absl::InternalError(absl::StrCat("--", name, ": flag has no target"));
  };

  if (name == "server") return set_text(inv.global.server);
  if (name == "timeout-seconds") {
    if (absl::Status s = set_number(inv.global.timeout_seconds); !s.ok()) return s;
    if (inv.global.timeout_seconds <= 0) {
      return UsageError(absl::StrCat("--timeout-seconds: must be greater than 0, got ", value));
    }
    return absl::OkStatus();
  }
  if (name == "wait-seconds") {
    if (absl::Status s = set_number(inv.global.wait_seconds); !s.ok()) return s;
    if (inv.global.wait_seconds < 0) {
      return UsageError(absl::StrCat("--wait-seconds: must be 0 or more, got ", value));
    }
    return absl::OkStatus();
  }
  if (name == "format") {
    if (targets.format == nullptr) return missing();
    absl::StatusOr<OutputFormat> format = ParseFormat(value);
    if (!format.ok()) return format.status();
    *targets.format = *format;
    return absl::OkStatus();
  }
  if (name == "region") return targets.region ? set_text(*targets.region) : missing();
  if (name == "facilities") return targets.facilities ? set_text(*targets.facilities) : missing();
  if (name == "where") return targets.where ? append_where(*targets.where) : missing();
  if (name == "origins") return set_text(mat.origins_path);
  if (name == "destinations") return set_text(mat.destinations_path);
  if (name == "origins-where") return append_where(mat.origins_where);
  if (name == "destinations-where") return append_where(mat.destinations_where);
  if (name == "minutes") return targets.minutes ? append_numbers(*targets.minutes) : missing();
  if (name == "miles") return append_numbers(cov.miles);
  if (name == "max-minutes") return set_number(mat.max_minutes);
  if (name == "mode") {
    if (targets.mode == nullptr) return missing();
    absl::StatusOr<Mode> mode = ParseMode(value);
    if (!mode.ok()) return mode.status();
    *targets.mode = *mode;
    return absl::OkStatus();
  }
  if (name == "circuity") return targets.circuity ? set_number(*targets.circuity) : missing();
  if (name == "speed-mph") return targets.speed_mph ? set_number(*targets.speed_mph) : missing();
  if (targets.drive != nullptr) {
    DriveFlags& drive = *targets.drive;
    if (name == "max-snap-meters") return set_number(drive.max_snap_meters);
    if (name == "offroad-speed-mph") return set_number(drive.offroad_speed_mph);
    if (name == "speed-profile") return set_text(drive.speed_profile);
    if (name == "direction") {
      absl::StatusOr<Direction> direction = ParseDirection(value);
      if (!direction.ok()) return direction.status();
      drive.direction = *direction;
      return absl::OkStatus();
    }
  }
  if (name == "buffer-meters") return set_number(iso.buffer_meters);
  if (name == "out") return set_text(iso.out_path);
  if (inv.command == Command::kAdequacy) {
    AdequacyOptions& adq = inv.adequacy;
    RosterColumnFlags& columns = adq.columns;
    if (name == "network") return set_text(adq.network_path);
    if (name == "id-column") return set_text(columns.id);
    if (name == "name-column") return set_text(columns.name);
    if (name == "lat-column") return set_text(columns.lat);
    if (name == "lon-column") return set_text(columns.lon);
    if (name == "specialty-column") return set_text(columns.specialty);
    if (name == "beds-column") return set_text(columns.beds);
    if (name == "telehealth-column") return set_text(columns.telehealth);
    if (name == "standards") return set_text(adq.standards);
    if (name == "uncovered-out") return set_text(adq.uncovered_out);
    if (name == "data-dir") return set_text(adq.data_dir);
    if (name == "specialty") {
      if (absl::Status s = set_text(adq.specialty); !s.ok()) return s;
      adq.specialty = NormalizeSpecialtyCode(adq.specialty);
      return absl::OkStatus();
    }
    if (name == "counties" || name == "specialties") {
      for (absl::string_view item : absl::StrSplit(value, ',')) {
        item = absl::StripAsciiWhitespace(item);
        if (item.empty())
          return UsageError(absl::StrCat("--", name, ": empty item in '", value, "'"));
        if (name == "counties") {
          if (item.size() != 5 || !std::all_of(item.begin(), item.end(), absl::ascii_isdigit)) {
            return UsageError(
                absl::StrCat("--counties: '", item, "' is not a 5-digit county FIPS code"));
          }
          adq.county_fips.emplace_back(item);
        } else {
          adq.specialty_codes.push_back(NormalizeSpecialtyCode(item));
        }
      }
      return absl::OkStatus();
    }
  }
  if (targets.columns != nullptr) {
    FacilityColumnFlags& columns = *targets.columns;
    if (name == "id-column") return set_text(columns.id);
    if (name == "name-column") return set_text(columns.name);
    if (name == "lat-column") return set_text(columns.lat);
    if (name == "lon-column") return set_text(columns.lon);
    if (name == "type-column") return set_text(columns.type);
  }
  if (name == "units-out") return set_text(cov.units_out);
  if (name == "counties") {
    cov.counties = true;
    return absl::OkStatus();
  }
  // Every entry of kFlags is handled above.
  return absl::InternalError(absl::StrCat("--", name, ": flag not handled"));
}

// Cross-flag rules of `coverage`.
absl::Status ValidateCoverage(const CoverageOptions& cov) {
  if (cov.region.empty()) return UsageError("coverage: --region is required");
  if (cov.facilities_path.empty()) {
    return UsageError("coverage: --facilities FILE.csv is required");
  }
  if (cov.minutes.empty() && cov.miles.empty()) {
    return UsageError("coverage: give at least one threshold with --minutes and/or --miles");
  }
  if (cov.mode == Mode::kDrive && (cov.circuity || cov.speed_mph)) {
    return UsageError("--circuity and --speed-mph apply to --mode straight-line only");
  }
  if (cov.mode == Mode::kStraightLine && cov.drive.any()) {
    return UsageError(
        "--max-snap-meters, --direction, --speed-profile and --offroad-speed-mph apply to --mode "
        "drive only");
  }
  return absl::OkStatus();
}

absl::Status ValidateAdequacy(const AdequacyOptions& adq) {
  if (adq.region.empty()) return UsageError("adequacy: --region is required");
  if (adq.network_path.empty()) return UsageError("adequacy: --network FILE.csv is required");
  if (!adq.specialty.empty() && !adq.columns.specialty.empty()) {
    return UsageError("--specialty and --specialty-column exclude each other");
  }
  if (adq.mode == Mode::kDrive && (adq.circuity || adq.speed_mph)) {
    return UsageError("--circuity and --speed-mph apply to --mode straight-line only");
  }
  if (adq.mode == Mode::kStraightLine && adq.drive.any()) {
    return UsageError(
        "--max-snap-meters, --direction, --speed-profile and --offroad-speed-mph apply to --mode "
        "drive only");
  }
  return absl::OkStatus();
}

absl::Status ValidateIsochrone(const IsochroneOptions& iso) {
  if (iso.region.empty()) return UsageError("isochrone: --region is required");
  if (iso.facilities_path.empty()) {
    return UsageError("isochrone: --facilities FILE.csv is required");
  }
  if (iso.minutes.empty()) {
    return UsageError("isochrone: give at least one threshold with --minutes");
  }
  return absl::OkStatus();
}

absl::Status ValidateMatrix(const MatrixOptions& mat) {
  if (mat.region.empty()) return UsageError("matrix: --region is required");
  if (mat.origins_path.empty()) return UsageError("matrix: --origins FILE.csv is required");
  if (mat.destinations_path.empty()) {
    return UsageError("matrix: --destinations FILE.csv is required");
  }
  return absl::OkStatus();
}

}  // namespace

std::string NormalizeSpecialtyCode(absl::string_view code) {
  code = absl::StripAsciiWhitespace(code);
  if (!code.empty() && code.size() < 3 &&
      std::all_of(code.begin(), code.end(), absl::ascii_isdigit)) {
    return absl::StrCat(std::string(3 - code.size(), '0'), code);
  }
  return std::string(code);
}

absl::StatusOr<std::vector<double>> ParseNumberList(absl::string_view flag,
                                                    absl::string_view text) {
  std::vector<double> numbers;
  for (absl::string_view item : absl::StrSplit(text, ',')) {
    absl::StatusOr<double> number = ParseNumber(flag, item);
    if (!number.ok()) return number.status();
    numbers.push_back(*number);
  }
  return numbers;
}

absl::StatusOr<Invocation> ParseArgs(const std::vector<std::string>& args,
                                     absl::string_view default_server) {
  Invocation inv;
  if (!default_server.empty()) inv.global.server = std::string(default_server);

  // The command's scope, to tell apart flags of one name ("--counties"): the first argument that
  // names a command.
  unsigned command_scope = 0;
  for (const std::string& arg : args) {
    if (const CommandSpec* command = FindCommand(arg); command != nullptr) {
      command_scope = command->scope;
      break;
    }
  }
  bool help = false;
  std::vector<FlagUse> flags;
  std::vector<std::string> positionals;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& arg = args[i];
    if (arg == "--help" || arg == "-h") {
      help = true;
      continue;
    }
    if (arg.size() > 1 && arg[0] == '-') {
      absl::string_view body = arg;
      if (!absl::ConsumePrefix(&body, "--") || body.empty()) {
        return UsageError(absl::StrCat("unknown flag ", arg));
      }
      std::optional<std::string> value;
      if (size_t eq = body.find('='); eq != absl::string_view::npos) {
        value = std::string(body.substr(eq + 1));
        body = body.substr(0, eq);
      }
      const FlagSpec* spec = FindFlag(body, command_scope);
      if (spec == nullptr) return UsageError(absl::StrCat("unknown flag --", body));
      if (spec->takes_value && !value) {
        // "--region --facilities x" is a missing value, not a region named "--facilities".
        if (i + 1 >= args.size() || absl::StartsWith(args[i + 1], "--")) {
          return UsageError(absl::StrCat("--", body, " needs a value"));
        }
        value = args[++i];
      } else if (!spec->takes_value && value) {
        return UsageError(absl::StrCat("--", body, " takes no value"));
      }
      flags.push_back({spec, value.value_or("")});
      continue;
    }
    positionals.push_back(arg);
  }

  if (help || (!positionals.empty() && positionals[0] == "help")) {
    inv.command = Command::kHelp;
    return inv;
  }
  if (positionals.empty()) return UsageError("no command given");
  const CommandSpec* command = FindCommand(positionals[0]);
  if (command == nullptr) {
    return UsageError(absl::StrCat("unknown command '", positionals[0], "'"));
  }
  inv.command = command->command;
  const unsigned scope = command->scope;
  if (positionals.size() > 1) {
    return UsageError(absl::StrCat("unexpected argument '", positionals[1], "'"));
  }

  for (const FlagUse& use : flags) {
    if ((use.spec->scope & (kGlobal | scope)) == 0) {
      return UsageError(absl::StrCat("--", use.spec->name, " does not apply to 'carereach ",
                                     positionals[0], "'"));
    }
    if (absl::Status s = Apply(use, inv); !s.ok()) return s;
  }
  absl::Status valid;
  switch (inv.command) {
    case Command::kCoverage:
      valid = ValidateCoverage(inv.coverage);
      break;
    case Command::kIsochrone:
      valid = ValidateIsochrone(inv.isochrone);
      break;
    case Command::kMatrix:
      valid = ValidateMatrix(inv.matrix);
      break;
    case Command::kAdequacy:
      valid = ValidateAdequacy(inv.adequacy);
      break;
    case Command::kHelp:
    case Command::kRegions:
      break;
  }
  if (!valid.ok()) return valid;
  return inv;
}

std::string UsageText() {
  return R"(carereach: command-line client of the carereach coverage server.

Usage:
  carereach help | --help
  carereach regions [--format table|csv|json]
  carereach coverage --region R --facilities FILE.csv (--minutes LIST | --miles LIST) [options]
  carereach isochrone --region R --facilities FILE.csv --minutes LIST [--out FILE.geojson]
                      [options]
  carereach matrix --region R --origins FILE.csv --destinations FILE.csv [options]
  carereach adequacy --region R --network FILE.csv [options]

Global flags (any command):
  --server HOST:PORT       server address (default $CARERACH_SERVER, else 127.0.0.1:50051)
  --timeout-seconds N      deadline of each request (default 120)
  --wait-seconds N         while the server is unavailable (starting, loading, unreachable),
                           retry every 0.2 s for up to N seconds (default 0: no retry)

regions: lists the server's regions (name, counties, tracts, population, modes, description).
  --format table|csv|json  output format (default table)

coverage: share of a region's residents within each threshold of the nearest facility.
  --region R               region name, as listed by `carereach regions`
  --facilities FILE.csv    facility list; one row per facility
  --where COLUMN=VALUE     keep only rows whose COLUMN equals VALUE (repeatable; all must match)
  --minutes LIST           time thresholds in minutes, comma-separated (e.g. 10,20,30)
  --miles LIST             distance thresholds in miles, comma-separated (e.g. 5,10)
                           at least one of --minutes / --miles is required
  --mode straight-line|drive
                           travel model (default straight-line)
  --circuity F             straight-line: road miles per straight-line mile (server default 1.3)
  --speed-mph S            straight-line: average speed in mph (server default 35)
  --max-snap-meters M      drive: farthest a tract or facility may be from a road, in metres
                           (server default 1000)
  --direction to-facility|from-facility
                           drive: direction of travel (default to-facility)
  --speed-profile NAME     drive: speed profile (default: the region's profile)
  --offroad-speed-mph S    drive: speed between a point and its road (server default 10)
  --id-column C            facility id column (default: first of ID, facility_id, facility.id,
                           NPI, OBJECTID)
  --name-column C          name column (default: NAME, facility_name, facility.name)
  --lat-column C           latitude column (default: LATITUDE, lat, y)
  --lon-column C           longitude column (default: LONGITUDE, lon, lng, long, x)
  --type-column C          type column (default: TYPE, hospital.type, facility_type,
                           specialty_code)
                           column names are matched case-insensitively
  --format table|csv|json  output format (default table)
  --counties               table format: add the per-county table (csv and json always have it)
  --units-out FILE.csv     also write one row per population unit (tract) to FILE.csv

isochrone: the area reachable by road within each threshold of any of the facilities, as a
GeoJSON FeatureCollection (one Feature per threshold, coordinates [lon, lat]).
  --region R               region with a road network
  --facilities FILE.csv    start points; --where and the column flags as in coverage
  --minutes LIST           thresholds in minutes, comma-separated (server: each in (0, 240],
                           at most 8)
  --out FILE.geojson       write the GeoJSON to FILE (via FILE.partial) and print a summary;
                           without it the GeoJSON goes to stdout
  --direction to-facility|from-facility
                           default from-facility: the area reached from the facilities;
                           to-facility: the area whose residents reach a facility
  --buffer-meters M        half-width of the band drawn around reached roads, in metres
                           (server: [10, 2000], default 150)
  --max-snap-meters M, --speed-profile NAME, --offroad-speed-mph S
                           as in coverage --mode drive
  Maps made from isochrones must credit the road data: "© OpenStreetMap contributors" (ODbL).

matrix: drive minutes and road miles from every origin to every destination, streamed one
origin row at a time.
  --region R               region with a road network
  --origins FILE.csv       origin facilities
  --destinations FILE.csv  destination facilities (the column flags apply to both files)
  --origins-where COLUMN=VALUE, --destinations-where COLUMN=VALUE
                           filters of each file, as --where in coverage (repeatable)
  --max-minutes N          search bound in minutes; pairs beyond it are unreached
                           (server default 120)
  --format table|csv|json  table: minutes, origins x destinations (at most 20 destinations);
                           csv: origin_id,destination_id,minutes,miles; json: one object
                           (default table)
  --max-snap-meters M, --direction D, --speed-profile NAME, --offroad-speed-mph S
                           as in coverage --mode drive
  --id-column C, --name-column C, --lat-column C, --lon-column C, --type-column C
                           as in coverage

adequacy: CMS Medicare Advantage network adequacy (time/distance and minimum number), county by
county and specialty by specialty, of a network roster. Prints the "Specialty Summary by County",
failing results first. Failing results still exit 0: the report is the answer.
  --region R               region name, as listed by `carereach regions`
  --network FILE.csv       roster: one row per provider (or facility) and location, streamed
                           to the server in batches of 5,000 rows
  --where COLUMN=VALUE     keep only rows whose COLUMN equals VALUE (repeatable; all must match)
  --counties LIST          only these counties, 5-digit FIPS, comma-separated (default: all)
  --specialties LIST       only these specialty types, e.g. S03,040 (default: every type of the
                           standards set); "40" means "040"
  --specialty CODE         give every row this specialty code (a file without a specialty
                           column, e.g. --specialty 040 with HIFLD hospitals)
  --standards NAME         standards set (server default cms-ma-cy2026)
  --mode straight-line|drive
                           travel model (default straight-line)
  --circuity F, --speed-mph S
                           straight-line options, as in coverage
  --max-snap-meters M, --direction D, --speed-profile NAME, --offroad-speed-mph S
                           drive options, as in coverage
  --id-column C            provider id (default: ID, NPI, provider_id, facility_id)
  --name-column C          name (default: NAME, provider_name, facility_name; optional)
  --specialty-column C     CMS specialty code (default: specialty_code, SPECIALTY,
                           cms_specialty_code, code)
  --lat-column C, --lon-column C
                           as in coverage
  --beds-column C          staffed beds (default: BEDS; optional; negative = unknown = 0)
  --telehealth-column C    telehealth (default: telehealth; optional; true/yes/1/Y = true)
  --format table|csv|json  output format (default table)
  --uncovered-out FILE.geojson
                           also write the tracts without access of every result as GeoJSON
                           points (tract centres from the Census file under --data-dir)
  --data-dir DIR           shared data directory (default $CARERACH_DATA, else ../shared/data)

Exit status: 0 success, 1 error from the server or in the data, 2 usage error.
See docs/CLI.md for the output formats.
)";
}

}  // namespace carereach::cli
