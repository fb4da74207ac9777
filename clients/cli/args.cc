#include "clients/cli/args.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/string_view.h"
#include "absl/strings/strip.h"

namespace carereach::cli {
namespace {

// Which commands a flag applies to: one bit per command.
enum Scope : unsigned {
  kGlobal = 1u << 0,
  kRegions = 1u << 1,
  kCoverage = 1u << 2,
  kIsochrone = 1u << 3,
  kMatrix = 1u << 4,
  kAdequacy = 1u << 5,
  kNetworkCreate = 1u << 6,
  kNetworkImport = 1u << 7,
  kNetworkList = 1u << 8,
  kNetworkShow = 1u << 9,
  kNetworkExport = 1u << 10,
  kNetworkDiff = 1u << 11,
  kNetworkDelete = 1u << 12,
  kReportList = 1u << 13,
  kReportShow = 1u << 14,
  kAnalyzeCoverage = 1u << 15,
  kAnalyzeAdequacy = 1u << 16,
  kRecommend = 1u << 17,
  kAccessRatios = 1u << 18,
};
constexpr unsigned kFacilityCommands = kCoverage | kIsochrone | kMatrix;
constexpr unsigned kDriveCommands = kFacilityCommands | kAdequacy;
constexpr unsigned kNetworkWrite = kNetworkCreate | kNetworkImport;
constexpr unsigned kAnalyses = kAnalyzeCoverage | kAnalyzeAdequacy | kRecommend | kAccessRatios;
// Commands that read network rosters (--roster / --facilities and their column flags).
constexpr unsigned kRosterReaders = kNetworkWrite | kAnalyses;
constexpr unsigned kFormatCommands = kRegions | kCoverage | kMatrix | kAdequacy | kNetworkList |
                                     kNetworkShow | kNetworkDiff | kReportList | kReportShow |
                                     kAnalyses;

// Output formats a command offers.
enum FormatSet : unsigned { kTableOnly = 1, kTableJson = 1 | 4, kAllFormats = 1 | 2 | 4 };

unsigned FormatBit(OutputFormat format) {
  switch (format) {
    case OutputFormat::kTable:
      return 1;
    case OutputFormat::kCsv:
      return 2;
    case OutputFormat::kJson:
      return 4;
  }
  return 0;
}

struct CommandSpec {
  // "network", "report" or "analyze" for two-word commands; empty otherwise.
  absl::string_view group;
  absl::string_view name;
  Command command;
  unsigned scope;
  // Positional arguments after the command words, e.g. "ID FROM TO".
  int positionals;
  absl::string_view positional_names;
  unsigned formats;
};

constexpr CommandSpec kCommands[] = {
    {"", "regions", Command::kRegions, kRegions, 0, "", kAllFormats},
    {"", "coverage", Command::kCoverage, kCoverage, 0, "", kAllFormats},
    {"", "isochrone", Command::kIsochrone, kIsochrone, 0, "", kTableOnly},
    {"", "matrix", Command::kMatrix, kMatrix, 0, "", kAllFormats},
    {"", "adequacy", Command::kAdequacy, kAdequacy, 0, "", kAllFormats},
    {"network", "create", Command::kNetworkCreate, kNetworkCreate, 1, "ID", kTableOnly},
    {"network", "import", Command::kNetworkImport, kNetworkImport, 1, "ID", kTableOnly},
    {"network", "list", Command::kNetworkList, kNetworkList, 0, "", kTableJson},
    {"network", "show", Command::kNetworkShow, kNetworkShow, 1, "ID", kTableJson},
    {"network", "export", Command::kNetworkExport, kNetworkExport, 1, "ID", kTableOnly},
    {"network", "diff", Command::kNetworkDiff, kNetworkDiff, 3, "ID FROM TO", kAllFormats},
    {"network", "delete", Command::kNetworkDelete, kNetworkDelete, 1, "ID", kTableOnly},
    {"report", "list", Command::kReportList, kReportList, 0, "", kTableJson},
    {"report", "show", Command::kReportShow, kReportShow, 1, "REPORT_ID", kTableJson},
    {"analyze", "coverage", Command::kAnalyzeCoverage, kAnalyzeCoverage, 0, "", kAllFormats},
    {"analyze", "adequacy", Command::kAnalyzeAdequacy, kAnalyzeAdequacy, 0, "", kAllFormats},
    {"", "recommend", Command::kRecommend, kRecommend, 0, "", kAllFormats},
    {"", "access-ratios", Command::kAccessRatios, kAccessRatios, 0, "", kAllFormats},
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
    {"tenant", true, kGlobal},
    {"tls-ca", true, kGlobal},
    {"tls-cert", true, kGlobal},
    {"tls-key", true, kGlobal},
    {"tls-server-name", true, kGlobal},
    {"tls", false, kGlobal},
    {"token-file", true, kGlobal},
    {"format", true, kFormatCommands},
    {"region", true, kDriveCommands | kAnalyses},
    {"facilities", true, kCoverage | kIsochrone | kRosterReaders},
    {"roster", true, kRosterReaders},
    // A roster file of `adequacy`, a stored network (selection) of the analyses, a filter of
    // `report list`.
    {"network", true, kAdequacy | kAnalyses | kReportList},
    {"where", true, kCoverage | kIsochrone | kAdequacy | kRosterReaders},
    {"label", true, kAnalyses},
    {"add-roster", true, kAnalyses},
    {"add-facilities", true, kAnalyses},
    {"add-where", true, kAnalyses},
    {"remove", true, kAnalyses},
    {"origins", true, kMatrix},
    {"destinations", true, kMatrix},
    {"origins-where", true, kMatrix},
    {"destinations-where", true, kMatrix},
    {"minutes", true, kCoverage | kIsochrone | kAnalyzeCoverage | kRecommend},
    {"miles", true, kCoverage | kAnalyzeCoverage | kRecommend},
    {"max-minutes", true, kMatrix},
    {"mode", true, kCoverage | kAdequacy | kAnalyses},
    {"circuity", true, kCoverage | kAdequacy | kAnalyses},
    {"speed-mph", true, kCoverage | kAdequacy | kAnalyses},
    {"max-snap-meters", true, kDriveCommands | kAnalyses},
    {"direction", true, kDriveCommands | kAnalyses},
    {"speed-profile", true, kDriveCommands | kAnalyses},
    {"offroad-speed-mph", true, kDriveCommands | kAnalyses},
    {"buffer-meters", true, kIsochrone},
    {"out", true, kIsochrone | kNetworkExport},
    {"id-column", true, kDriveCommands | kRosterReaders},
    {"name-column", true, kDriveCommands | kRosterReaders},
    {"lat-column", true, kDriveCommands | kRosterReaders},
    {"lon-column", true, kDriveCommands | kRosterReaders},
    {"type-column", true, kFacilityCommands | kRosterReaders},
    {"specialty-column", true, kAdequacy | kRosterReaders},
    {"beds-column", true, kAdequacy | kRosterReaders},
    {"telehealth-column", true, kAdequacy | kRosterReaders},
    {"specialty", true, kAdequacy},
    {"specialty-code", true, kRosterReaders},
    {"specialties", true, kAdequacy | kAnalyses},
    {"standards", true, kAdequacy | kAnalyzeAdequacy | kRecommend},
    {"uncovered-out", true, kAdequacy},
    {"data-dir", true, kAdequacy},
    {"units-out", true, kCoverage | kAccessRatios},
    // One name, two flags: a switch of `coverage` and `analyze coverage`, a FIPS list of the
    // others.
    {"counties", false, kCoverage | kAnalyzeCoverage},
    {"counties", true, kAdequacy | kAnalyzeAdequacy | kRecommend},
    {"save-report", false, kAnalyses},
    {"title", true, kAnalyses},
    {"failing-only", false, kAnalyzeAdequacy},
    {"name", true, kNetworkWrite},
    {"description", true, kNetworkWrite},
    {"note", true, kNetworkWrite},
    {"create", false, kNetworkImport},
    {"version", true, kNetworkExport},
    {"candidates", true, kRecommend},
    {"candidates-roster", true, kRecommend},
    {"candidates-facilities", true, kRecommend},
    {"candidates-where", true, kRecommend},
    {"target-share", true, kRecommend},
    {"picks", true, kRecommend},
    {"adequacy-county", true, kRecommend},
    {"adequacy-specialty", true, kRecommend},
    {"catchment-minutes", true, kAccessRatios},
    {"capacity-from-beds", false, kAccessRatios},
};

// The flag named `name`; where two flags share the name, the one of `scope` (the command on
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

bool IsGroup(absl::string_view word) {
  return word == "network" || word == "report" || word == "analyze";
}

// "regions", "network create".
std::string CommandName(const CommandSpec& spec) {
  if (spec.group.empty()) return std::string(spec.name);
  return absl::StrCat(spec.group, " ", spec.name);
}

absl::Status UsageError(absl::string_view message) { return absl::InvalidArgumentError(message); }

// The command named by the first one or two positional arguments; `words` gets how many.
absl::StatusOr<const CommandSpec*> FindCommand(const std::vector<std::string>& positionals,
                                               size_t* words) {
  const std::string& first = positionals[0];
  if (!IsGroup(first)) {
    for (const CommandSpec& spec : kCommands) {
      if (spec.group.empty() && spec.name == first) {
        *words = 1;
        return &spec;
      }
    }
    return UsageError(absl::StrCat("unknown command '", first, "'"));
  }
  std::vector<absl::string_view> subcommands;
  for (const CommandSpec& spec : kCommands) {
    if (spec.group != first) continue;
    if (positionals.size() > 1 && spec.name == positionals[1]) {
      *words = 2;
      return &spec;
    }
    subcommands.push_back(spec.name);
  }
  if (positionals.size() < 2) {
    return UsageError(absl::StrCat("'carereach ", first,
                                   "' needs a subcommand: ", absl::StrJoin(subcommands, ", ")));
  }
  return UsageError(absl::StrCat("unknown command '", first, " ", positionals[1], "' (", first,
                                 " subcommands: ", absl::StrJoin(subcommands, ", "), ")"));
}

// The scope of the command an argument list names, for telling apart flags of one name before
// the positional arguments are known: the first argument that names a command (and for a
// group, the next that names one of its subcommands). 0 when there is none.
unsigned GuessScope(const std::vector<std::string>& args) {
  for (size_t i = 0; i < args.size(); ++i) {
    if (!IsGroup(args[i])) {
      for (const CommandSpec& spec : kCommands) {
        if (spec.group.empty() && spec.name == args[i]) return spec.scope;
      }
      continue;
    }
    for (size_t j = i + 1; j < args.size(); ++j) {
      for (const CommandSpec& spec : kCommands) {
        if (spec.group == args[i] && spec.name == args[j]) return spec.scope;
      }
    }
    return 0;
  }
  return 0;
}

// A flag occurrence on the command line, value already attached.
struct FlagUse {
  const FlagSpec* spec;
  std::string value;
};

struct Tokens {
  bool help = false;
  std::vector<FlagUse> flags;
  std::vector<std::string> positionals;
};

// Splits the arguments into flags (with their values) and positional arguments. `scope`
// chooses between flags of one name.
absl::StatusOr<Tokens> Tokenize(const std::vector<std::string>& args, unsigned scope) {
  Tokens tokens;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& arg = args[i];
    if (arg == "--help" || arg == "-h") {
      tokens.help = true;
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
      const FlagSpec* spec = FindFlag(body, scope);
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
      tokens.flags.push_back({spec, value.value_or("")});
      continue;
    }
    tokens.positionals.push_back(arg);
  }
  return tokens;
}

absl::StatusOr<double> ParseNumber(absl::string_view flag, absl::string_view text) {
  double value = 0;
  absl::string_view trimmed = absl::StripAsciiWhitespace(text);
  if (!absl::SimpleAtod(trimmed, &value) || !std::isfinite(value)) {
    return UsageError(absl::StrCat("--", flag, ": '", text, "' is not a number"));
  }
  return value;
}

// A whole number in [min, max]; `what` names it in errors ("--picks", "FROM").
absl::StatusOr<int> ParseWholeNumber(absl::string_view what, absl::string_view text, int min,
                                     int max) {
  int value = 0;
  if (!absl::SimpleAtoi(absl::StripAsciiWhitespace(text), &value) || value < min || value > max) {
    return UsageError(
        absl::StrCat(what, ": '", text, "' is not a whole number in [", min, ", ", max, "]"));
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
  // The first '=' or '~' separates the column from the value, so values may hold either.
  const size_t op = text.find_first_of("=~");
  if (op == absl::string_view::npos || absl::StripAsciiWhitespace(text.substr(0, op)).empty()) {
    return UsageError(
        absl::StrCat("--", flag, ": '", text, "' is not COLUMN=VALUE or COLUMN~TEXT"));
  }
  WhereClause clause{std::string(absl::StripAsciiWhitespace(text.substr(0, op))),
                     std::string(absl::StripAsciiWhitespace(text.substr(op + 1))), text[op] == '~'};
  if (clause.contains) {
    // An empty alternative would match every row.
    for (absl::string_view alternative : absl::StrSplit(clause.value, '|')) {
      if (absl::StripAsciiWhitespace(alternative).empty()) {
        return UsageError(absl::StrCat("--", flag, ": '", text,
                                       "': TEXT (or one of its '|' alternatives) is empty"));
      }
    }
  }
  return clause;
}

absl::Status SetNumber(absl::string_view flag, absl::string_view value,
                       std::optional<double>& field) {
  absl::StatusOr<double> number = ParseNumber(flag, value);
  if (!number.ok()) return number.status();
  field = *number;
  return absl::OkStatus();
}

absl::Status SetNumber(absl::string_view flag, absl::string_view value, double& field) {
  absl::StatusOr<double> number = ParseNumber(flag, value);
  if (!number.ok()) return number.status();
  field = *number;
  return absl::OkStatus();
}

absl::Status AppendNumbers(absl::string_view flag, absl::string_view value,
                           std::vector<double>& field) {
  absl::StatusOr<std::vector<double>> numbers = ParseNumberList(flag, value);
  if (!numbers.ok()) return numbers.status();
  field.insert(field.end(), numbers->begin(), numbers->end());
  return absl::OkStatus();
}

absl::Status SetText(absl::string_view flag, const std::string& value, std::string& field) {
  if (absl::StripAsciiWhitespace(value).empty()) {
    return UsageError(absl::StrCat("--", flag, ": value is empty"));
  }
  field = value;
  return absl::OkStatus();
}

absl::Status AppendWhere(absl::string_view flag, absl::string_view value,
                         std::vector<WhereClause>& field) {
  absl::StatusOr<WhereClause> where = ParseWhere(flag, value);
  if (!where.ok()) return where.status();
  field.push_back(*std::move(where));
  return absl::OkStatus();
}

// Comma-separated items, trimmed; an empty item is an error.
absl::StatusOr<std::vector<std::string>> ParseItems(absl::string_view flag,
                                                    absl::string_view value) {
  std::vector<std::string> items;
  for (absl::string_view item : absl::StrSplit(value, ',')) {
    item = absl::StripAsciiWhitespace(item);
    if (item.empty()) return UsageError(absl::StrCat("--", flag, ": empty item in '", value, "'"));
    items.emplace_back(item);
  }
  return items;
}

absl::Status CheckFips(absl::string_view flag, absl::string_view item) {
  if (item.size() != 5 || !std::all_of(item.begin(), item.end(), absl::ascii_isdigit)) {
    return UsageError(absl::StrCat("--", flag, ": '", item, "' is not a 5-digit county FIPS code"));
  }
  return absl::OkStatus();
}

absl::Status AppendFips(absl::string_view flag, absl::string_view value,
                        std::vector<std::string>& field) {
  absl::StatusOr<std::vector<std::string>> items = ParseItems(flag, value);
  if (!items.ok()) return items.status();
  for (std::string& item : *items) {
    if (absl::Status s = CheckFips(flag, item); !s.ok()) return s;
    field.push_back(std::move(item));
  }
  return absl::OkStatus();
}

absl::Status AppendCodes(absl::string_view flag, absl::string_view value,
                         std::vector<std::string>& field) {
  absl::StatusOr<std::vector<std::string>> items = ParseItems(flag, value);
  if (!items.ok()) return items.status();
  for (const std::string& item : *items) field.push_back(NormalizeSpecialtyCode(item));
  return absl::OkStatus();
}

// Last path component: the label of an inline roster.
std::string FileBaseName(absl::string_view path) {
  const size_t slash = path.find_last_of('/');
  return std::string(slash == absl::string_view::npos ? path : path.substr(slash + 1));
}

absl::Status ApplyTravel(absl::string_view name, const std::string& value, TravelFlags& travel,
                         bool* handled) {
  *handled = true;
  if (name == "mode") {
    absl::StatusOr<Mode> mode = ParseMode(value);
    if (!mode.ok()) return mode.status();
    travel.mode = *mode;
    return absl::OkStatus();
  }
  if (name == "circuity") return SetNumber(name, value, travel.circuity);
  if (name == "speed-mph") return SetNumber(name, value, travel.speed_mph);
  if (name == "max-snap-meters") return SetNumber(name, value, travel.drive.max_snap_meters);
  if (name == "offroad-speed-mph") return SetNumber(name, value, travel.drive.offroad_speed_mph);
  if (name == "speed-profile") return SetText(name, value, travel.drive.speed_profile);
  if (name == "direction") {
    absl::StatusOr<Direction> direction = ParseDirection(value);
    if (!direction.ok()) return direction.status();
    travel.drive.direction = *direction;
    return absl::OkStatus();
  }
  *handled = false;
  return absl::OkStatus();
}

// The column flags and --specialty-code of the commands that read network rosters.
absl::Status ApplyRead(absl::string_view name, const std::string& value, RosterReadOptions& read,
                       bool* handled) {
  *handled = true;
  RosterColumnFlags& roster = read.roster_columns;
  FacilityColumnFlags& facility = read.facility_columns;
  // Shared by both formats: set both.
  auto both = [&](std::string& roster_field, std::string& facility_field) -> absl::Status {
    if (absl::Status s = SetText(name, value, roster_field); !s.ok()) return s;
    facility_field = roster_field;
    return absl::OkStatus();
  };
  if (name == "id-column") return both(roster.id, facility.id);
  if (name == "name-column") return both(roster.name, facility.name);
  if (name == "lat-column") return both(roster.lat, facility.lat);
  if (name == "lon-column") return both(roster.lon, facility.lon);
  if (name == "type-column") return both(roster.type, facility.type);
  if (name == "specialty-column") return SetText(name, value, roster.specialty);
  if (name == "beds-column") return SetText(name, value, roster.beds);
  if (name == "telehealth-column") return SetText(name, value, roster.telehealth);
  if (name == "specialty-code") {
    if (absl::Status s = SetText(name, value, read.facility_specialty); !s.ok()) return s;
    read.facility_specialty = NormalizeSpecialtyCode(read.facility_specialty);
    return absl::OkStatus();
  }
  *handled = false;
  return absl::OkStatus();
}

RosterSource SourceOf(absl::string_view name, const std::string& path) {
  RosterSource source;
  source.format =
      absl::EndsWith(name, "facilities") ? RosterFormat::kFacilities : RosterFormat::kRoster;
  source.path = path;
  return source;
}

absl::Status ApplyNetwork(const FlagUse& use, NetworkOptions& net) {
  const absl::string_view name = use.spec->name;
  const std::string& value = use.value;
  bool handled = false;
  if (absl::Status s = ApplyRead(name, value, net.read, &handled); handled) return s;
  if (name == "roster" || name == "facilities") {
    if (net.roster) return UsageError("give one roster: --roster FILE or --facilities FILE");
    if (absl::StripAsciiWhitespace(value).empty()) {
      return UsageError(absl::StrCat("--", name, ": value is empty"));
    }
    net.roster = SourceOf(name, value);
    return absl::OkStatus();
  }
  if (name == "where") {
    // The roster flags are applied first (see ParseArgs), so a missing one is missing.
    if (!net.roster)
      return UsageError("--where filters the --roster or --facilities file; give one");
    return AppendWhere(name, value, net.roster->where);
  }
  if (name == "name") return SetText(name, value, net.name);
  if (name == "description") return SetText(name, value, net.description);
  if (name == "note") return SetText(name, value, net.note);
  if (name == "create") {
    net.create_if_missing = true;
    return absl::OkStatus();
  }
  if (name == "version") {
    absl::StatusOr<int> version = ParseWholeNumber("--version", value, 1, INT32_MAX);
    if (!version.ok()) return version.status();
    net.version = *version;
    return absl::OkStatus();
  }
  if (name == "out") return SetText(name, value, net.out_path);
  return absl::InternalError(absl::StrCat("--", name, ": flag not handled"));
}

absl::Status ApplyAnalysis(const FlagUse& use, AnalysisOptions& an) {
  const absl::string_view name = use.spec->name;
  const std::string& value = use.value;
  bool handled = false;
  if (absl::Status s = ApplyRead(name, value, an.read, &handled); handled) return s;
  if (absl::Status s = ApplyTravel(name, value, an.travel, &handled); handled) return s;
  // The selection the binding flags (--label, --where, --add-*, --remove) apply to.
  auto current = [&]() -> absl::StatusOr<SelectionFlags*> {
    if (an.networks.empty()) {
      return UsageError(absl::StrCat("--", name,
                                     " applies to the most recent --network, --roster or "
                                     "--facilities; give one before it"));
    }
    return &an.networks.back();
  };

  if (name == "region") return SetText(name, value, an.region);
  if (name == "network") {
    absl::StatusOr<NetworkRef> ref = ParseNetworkRef("--network", value);
    if (!ref.ok()) return ref.status();
    SelectionFlags& selection = an.networks.emplace_back();
    selection.network_id = ref->network_id;
    selection.version = ref->version;
    return absl::OkStatus();
  }
  if (name == "roster" || name == "facilities") {
    if (absl::StripAsciiWhitespace(value).empty()) {
      return UsageError(absl::StrCat("--", name, ": value is empty"));
    }
    SelectionFlags& selection = an.networks.emplace_back();
    selection.inline_roster = SourceOf(name, value);
    selection.label = FileBaseName(value);
    return absl::OkStatus();
  }
  if (name == "label") {
    absl::StatusOr<SelectionFlags*> selection = current();
    if (!selection.ok()) return selection.status();
    return SetText(name, value, (*selection)->label);
  }
  if (name == "where") {
    if (an.networks.empty() || !an.networks.back().inline_roster) {
      return UsageError(
          "--where filters the most recent --roster or --facilities file and must follow it "
          "(--add-where filters --add-roster / --add-facilities files)");
    }
    return AppendWhere(name, value, an.networks.back().inline_roster->where);
  }
  if (name == "add-roster" || name == "add-facilities") {
    absl::StatusOr<SelectionFlags*> selection = current();
    if (!selection.ok()) return selection.status();
    if (absl::StripAsciiWhitespace(value).empty()) {
      return UsageError(absl::StrCat("--", name, ": value is empty"));
    }
    (*selection)->add.push_back(SourceOf(name, value));
    return absl::OkStatus();
  }
  if (name == "add-where") {
    if (an.networks.empty() || an.networks.back().add.empty()) {
      return UsageError(
          "--add-where filters the most recent --add-roster or --add-facilities file and must "
          "follow it");
    }
    return AppendWhere(name, value, an.networks.back().add.back().where);
  }
  if (name == "remove") {
    absl::StatusOr<SelectionFlags*> selection = current();
    if (!selection.ok()) return selection.status();
    absl::StatusOr<std::vector<std::string>> ids = ParseItems(name, value);
    if (!ids.ok()) return ids.status();
    for (std::string& id : *ids) (*selection)->remove_ids.push_back(std::move(id));
    return absl::OkStatus();
  }
  if (name == "minutes") return AppendNumbers(name, value, an.minutes);
  if (name == "miles") return AppendNumbers(name, value, an.miles);
  if (name == "specialties") return AppendCodes(name, value, an.specialty_codes);
  if (name == "counties") {
    if (!use.spec->takes_value) {
      an.counties = true;
      return absl::OkStatus();
    }
    return AppendFips(name, value, an.county_fips);
  }
  if (name == "standards") return SetText(name, value, an.standards);
  if (name == "save-report") {
    an.save_report = true;
    return absl::OkStatus();
  }
  if (name == "title") return SetText(name, value, an.title);
  if (name == "failing-only") {
    an.failing_only = true;
    return absl::OkStatus();
  }
  if (name == "candidates" || name == "candidates-roster" || name == "candidates-facilities") {
    if (an.candidates) {
      return UsageError(
          "give one candidate pool: --candidates, --candidates-roster or --candidates-facilities");
    }
    SelectionFlags candidates;
    if (name == "candidates") {
      absl::StatusOr<NetworkRef> ref = ParseNetworkRef("--candidates", value);
      if (!ref.ok()) return ref.status();
      candidates.network_id = ref->network_id;
      candidates.version = ref->version;
    } else {
      if (absl::StripAsciiWhitespace(value).empty()) {
        return UsageError(absl::StrCat("--", name, ": value is empty"));
      }
      candidates.inline_roster = SourceOf(name, value);
      candidates.label = FileBaseName(value);
    }
    an.candidates = std::move(candidates);
    return absl::OkStatus();
  }
  if (name == "candidates-where") {
    if (!an.candidates || !an.candidates->inline_roster) {
      return UsageError(
          "--candidates-where filters the --candidates-roster or --candidates-facilities file "
          "and must follow it");
    }
    return AppendWhere(name, value, an.candidates->inline_roster->where);
  }
  if (name == "target-share") {
    if (absl::Status s = SetNumber(name, value, an.target_share); !s.ok()) return s;
    if (*an.target_share < 0 || *an.target_share > 1) {
      return UsageError(
          absl::StrCat("--target-share: ", value, " is outside [0, 1] (a share: 0.8 for 80%)"));
    }
    return absl::OkStatus();
  }
  if (name == "picks") {
    absl::StatusOr<int> picks = ParseWholeNumber("--picks", value, 1, 100);
    if (!picks.ok()) return picks.status();
    an.picks = *picks;
    return absl::OkStatus();
  }
  if (name == "adequacy-county") {
    const std::string fips(absl::StripAsciiWhitespace(value));
    if (absl::Status s = CheckFips(name, fips); !s.ok()) return s;
    an.adequacy_county = fips;
    return absl::OkStatus();
  }
  if (name == "adequacy-specialty") {
    if (absl::Status s = SetText(name, value, an.adequacy_specialty); !s.ok()) return s;
    an.adequacy_specialty = NormalizeSpecialtyCode(an.adequacy_specialty);
    return absl::OkStatus();
  }
  if (name == "catchment-minutes") return SetNumber(name, value, an.catchment_minutes);
  if (name == "capacity-from-beds") {
    an.capacity_from_beds = true;
    return absl::OkStatus();
  }
  if (name == "units-out") return SetText(name, value, an.units_out);
  return absl::InternalError(absl::StrCat("--", name, ": flag not handled"));
}

// The fields that flags shared by the original commands set, for the command being parsed.
// Null where the command has no such field (the scope check keeps those flags out).
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
    case Command::kNetworkList:
    case Command::kNetworkShow:
    case Command::kNetworkDiff:
      return {.format = &inv.network.format};
    case Command::kReportList:
    case Command::kReportShow:
      return {.format = &inv.report.format};
    case Command::kAnalyzeCoverage:
    case Command::kAnalyzeAdequacy:
    case Command::kRecommend:
    case Command::kAccessRatios:
      return {.format = &inv.analysis.format};
    case Command::kHelp:
    case Command::kNetworkCreate:
    case Command::kNetworkImport:
    case Command::kNetworkExport:
    case Command::kNetworkDelete:
      break;
  }
  return {};
}

bool IsNetworkCommand(Command command) {
  return command == Command::kNetworkCreate || command == Command::kNetworkImport ||
         command == Command::kNetworkList || command == Command::kNetworkShow ||
         command == Command::kNetworkExport || command == Command::kNetworkDiff ||
         command == Command::kNetworkDelete;
}

// The defaults `env` gives the global options (before any flag).
absl::Status ApplyEnvironment(const Environment& env, GlobalOptions& global) {
  if (!env.server.empty()) global.server = env.server;
  if (!env.tenant.empty()) {
    if (absl::Status s = ValidateTenant("$CAREREACH_TENANT", env.tenant); !s.ok()) return s;
    global.tenant = env.tenant;
    global.tenant_explicit = true;
  }
  global.tls_ca_file = env.tls_ca;
  global.tls_cert_file = env.tls_cert;
  global.tls_key_file = env.tls_key;
  global.tls_server_name = env.tls_server_name;
  // The token itself wins over a file of it.
  global.token = std::string(absl::StripAsciiWhitespace(env.token));
  if (global.token.empty()) global.token_file = env.token_file;
  return absl::OkStatus();
}

// The TLS and token options together (flags and environment merged). `server_name_flag`: the
// command line has --tls-server-name (the variable alone does not turn anything on or off).
absl::Status ValidateSecurity(const GlobalOptions& global, bool server_name_flag) {
  if (!global.tls_cert_file.empty() && global.tls_key_file.empty()) {
    return UsageError(
        "--tls-cert needs --tls-key FILE (or CAREREACH_TLS_KEY), the private key of the client "
        "certificate");
  }
  if (!global.tls_key_file.empty() && global.tls_cert_file.empty()) {
    return UsageError(
        "--tls-key needs --tls-cert FILE (or CAREREACH_TLS_CERT), the client certificate it is "
        "the key of");
  }
  if ((!global.token.empty() || !global.token_file.empty()) && !global.UsesTls()) {
    return UsageError(
        "a bearer token is sent only over TLS: give --tls-ca FILE (or --tls, or "
        "CAREREACH_TLS_CA)");
  }
  if (server_name_flag && !global.UsesTls()) {
    return UsageError("--tls-server-name applies only over TLS: give --tls-ca FILE (or --tls)");
  }
  return absl::OkStatus();
}

bool IsAnalysisCommand(Command command) {
  return command == Command::kAnalyzeCoverage || command == Command::kAnalyzeAdequacy ||
         command == Command::kRecommend || command == Command::kAccessRatios;
}

// Applies one flag to the invocation, whose command is already set.
absl::Status Apply(const FlagUse& use, const CommandSpec& command, Invocation& inv) {
  const absl::string_view name = use.spec->name;
  const std::string& value = use.value;
  CoverageOptions& cov = inv.coverage;
  IsochroneOptions& iso = inv.isochrone;
  MatrixOptions& mat = inv.matrix;
  const Targets targets = TargetsOf(inv);
  auto set_number = [&](auto& field) { return SetNumber(name, value, field); };
  auto append_numbers = [&](std::vector<double>& field) {
    return AppendNumbers(name, value, field);
  };
  auto set_text = [&](std::string& field) { return SetText(name, value, field); };
  auto append_where = [&](std::vector<WhereClause>& field) {
    return AppendWhere(name, value, field);
  };
  // A flag shared by several commands whose target this command lacks: a bug in kFlags.
  auto missing = [&]() {
    return absl::InternalError(absl::StrCat("--", name, ": flag has no target"));
  };

  if (name == "server") return set_text(inv.global.server);
  if (name == "tenant") {
    if (absl::Status s = ValidateTenant("--tenant", value); !s.ok()) return s;
    inv.global.tenant = value;
    inv.global.tenant_explicit = true;
    return absl::OkStatus();
  }
  if (name == "tls-ca") return set_text(inv.global.tls_ca_file);
  if (name == "tls-cert") return set_text(inv.global.tls_cert_file);
  if (name == "tls-key") return set_text(inv.global.tls_key_file);
  if (name == "tls-server-name") return set_text(inv.global.tls_server_name);
  if (name == "tls") {
    inv.global.tls = true;
    return absl::OkStatus();
  }
  if (name == "token-file") {
    // The flag wins over $CAREREACH_TOKEN as well as $CAREREACH_TOKEN_FILE.
    inv.global.token.clear();
    return set_text(inv.global.token_file);
  }
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
    if ((FormatBit(*format) & command.formats) == 0) {
      std::vector<absl::string_view> offered;
      if (command.formats & 1) offered.push_back("table");
      if (command.formats & 2) offered.push_back("csv");
      if (command.formats & 4) offered.push_back("json");
      return UsageError(absl::StrCat("--format ", value, " does not apply to 'carereach ",
                                     CommandName(command),
                                     "' (formats: ", absl::StrJoin(offered, ", "), ")"));
    }
    *targets.format = *format;
    return absl::OkStatus();
  }
  if (IsNetworkCommand(inv.command)) return ApplyNetwork(use, inv.network);
  if (IsAnalysisCommand(inv.command)) return ApplyAnalysis(use, inv.analysis);
  if (inv.command == Command::kReportList || inv.command == Command::kReportShow) {
    if (name == "network") return set_text(inv.report.network_id);
    return absl::InternalError(absl::StrCat("--", name, ": flag not handled"));
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
    if (name == "counties") return AppendFips(name, value, adq.county_fips);
    if (name == "specialties") return AppendCodes(name, value, adq.specialty_codes);
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

absl::Status ValidateTravel(const TravelFlags& travel) {
  if (travel.mode == Mode::kDrive && (travel.circuity || travel.speed_mph)) {
    return UsageError("--circuity and --speed-mph apply to --mode straight-line only");
  }
  if (travel.mode == Mode::kStraightLine && travel.drive.any()) {
    return UsageError(
        "--max-snap-meters, --direction, --speed-profile and --offroad-speed-mph apply to --mode "
        "drive only");
  }
  return absl::OkStatus();
}

absl::Status ValidateNetwork(Command command, const NetworkOptions& net) {
  if (command == Command::kNetworkImport) {
    if (!net.roster) {
      return UsageError("network import: give the roster with --roster FILE or --facilities FILE");
    }
    if (!net.create_if_missing && (!net.name.empty() || !net.description.empty())) {
      return UsageError(
          "network import: --name and --description name a network that --create creates; "
          "add --create (or set them with 'network create')");
    }
  }
  return absl::OkStatus();
}

absl::Status ValidateAnalysis(const CommandSpec& spec, const AnalysisOptions& an) {
  const std::string command = CommandName(spec);
  if (an.region.empty()) return UsageError(absl::StrCat(command, ": --region is required"));
  if (absl::Status s = ValidateTravel(an.travel); !s.ok()) return s;
  const bool need_network = spec.command != Command::kRecommend;
  if (need_network && an.networks.empty()) {
    return UsageError(
        absl::StrCat(command,
                     ": give the network with --network ID[@VERSION] (repeat it for an alliance), "
                     "--roster FILE or --facilities FILE"));
  }
  switch (spec.command) {
    case Command::kAnalyzeCoverage:
      if (an.minutes.empty() && an.miles.empty()) {
        return UsageError(
            "analyze coverage: give at least one threshold with --minutes and/or --miles");
      }
      break;
    case Command::kRecommend: {
      if (!an.candidates) {
        return UsageError(
            "recommend: give the candidate pool with --candidates ID[@VERSION], "
            "--candidates-roster FILE or --candidates-facilities FILE");
      }
      const bool coverage = !an.minutes.empty() || !an.miles.empty();
      const bool adequacy = !an.adequacy_county.empty() || !an.adequacy_specialty.empty();
      if (coverage && adequacy) {
        return UsageError(
            "recommend: the coverage objective (--minutes / --miles) and the adequacy objective "
            "(--adequacy-county / --adequacy-specialty) exclude each other");
      }
      if (!coverage && !adequacy) {
        return UsageError(
            "recommend: give the objective: --minutes M and/or --miles D (coverage), or "
            "--adequacy-county FIPS --adequacy-specialty CODE (adequacy)");
      }
      if (coverage) {
        if (an.minutes.size() > 1 || an.miles.size() > 1) {
          return UsageError("recommend: --minutes and --miles take one number each");
        }
        if (!an.standards.empty()) {
          return UsageError("recommend: --standards applies to the adequacy objective only");
        }
      } else {
        if (an.adequacy_county.empty() || an.adequacy_specialty.empty()) {
          return UsageError(
              "recommend: the adequacy objective needs both --adequacy-county and "
              "--adequacy-specialty");
        }
        if (an.target_share || !an.county_fips.empty() || !an.specialty_codes.empty()) {
          return UsageError(
              "recommend: --target-share, --counties and --specialties apply to the coverage "
              "objective only");
        }
      }
      break;
    }
    case Command::kAccessRatios:
      if (an.networks.size() > 1) {
        return UsageError(
            "access-ratios: give one network (one --network, --roster or --facilities)");
      }
      if (!an.catchment_minutes) {
        return UsageError("access-ratios: --catchment-minutes is required");
      }
      if (*an.catchment_minutes <= 0) {
        return UsageError(absl::StrCat("--catchment-minutes: must be greater than 0, got ",
                                       *an.catchment_minutes));
      }
      break;
    default:
      break;
  }
  return absl::OkStatus();
}

// Sets the positional arguments after the command words.
absl::Status ApplyPositionals(const CommandSpec& spec, const std::vector<std::string>& args,
                              Invocation& inv) {
  const std::string command = CommandName(spec);
  if (static_cast<int>(args.size()) > spec.positionals) {
    return UsageError(absl::StrCat("unexpected argument '", args[spec.positionals], "'"));
  }
  if (static_cast<int>(args.size()) < spec.positionals) {
    return UsageError(absl::StrCat("'carereach ", command, "' needs ", spec.positional_names,
                                   " (carereach ", command, " ", spec.positional_names, ")"));
  }
  if (spec.positionals == 0) return absl::OkStatus();
  if (spec.command == Command::kReportShow) {
    inv.report.report_id = args[0];
    return absl::OkStatus();
  }
  inv.network.network_id = args[0];
  if (spec.command == Command::kNetworkDiff) {
    absl::StatusOr<int> from = ParseWholeNumber("network diff: FROM", args[1], 1, INT32_MAX);
    if (!from.ok()) return from.status();
    absl::StatusOr<int> to = ParseWholeNumber("network diff: TO", args[2], 1, INT32_MAX);
    if (!to.ok()) return to.status();
    inv.network.from_version = *from;
    inv.network.to_version = *to;
  }
  return absl::OkStatus();
}

}  // namespace

std::string WhereText(const WhereClause& clause) {
  return absl::StrCat(clause.column, clause.contains ? "~" : "=", clause.value);
}

std::vector<std::string> ContainsAlternatives(absl::string_view text) {
  std::vector<std::string> alternatives;
  for (absl::string_view alternative : absl::StrSplit(text, '|')) {
    alternatives.push_back(absl::AsciiStrToLower(absl::StripAsciiWhitespace(alternative)));
  }
  return alternatives;
}

absl::StatusOr<NetworkRef> ParseNetworkRef(absl::string_view flag, absl::string_view text) {
  text = absl::StripAsciiWhitespace(text);
  NetworkRef ref;
  const size_t at = text.find('@');
  ref.network_id = std::string(text.substr(0, at));
  if (ref.network_id.empty()) {
    return UsageError(absl::StrCat(flag, ": '", text, "' is not ID or ID@VERSION"));
  }
  if (at != absl::string_view::npos) {
    const absl::string_view version = text.substr(at + 1);
    if (!absl::SimpleAtoi(version, &ref.version) || ref.version < 1 ||
        !std::all_of(version.begin(), version.end(), absl::ascii_isdigit)) {
      return UsageError(absl::StrCat(flag, ": '", text,
                                     "': VERSION must be a whole number >= 1 (no @: the latest)"));
    }
  }
  return ref;
}

absl::Status ValidateTenant(absl::string_view what, absl::string_view tenant) {
  const bool valid = !tenant.empty() && tenant.size() <= 64 &&
                     std::all_of(tenant.begin(), tenant.end(), [](char c) {
                       return absl::ascii_isalnum(c) || c == '.' || c == '_' || c == '-';
                     });
  if (valid) return absl::OkStatus();
  return UsageError(absl::StrCat(what, ": '", tenant,
                                 "' is not 1 to 64 characters of A-Z, a-z, 0-9, '.', '_', '-'"));
}

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
                                     absl::string_view default_server,
                                     absl::string_view default_tenant) {
  Environment env;
  env.server = std::string(default_server);
  env.tenant = std::string(default_tenant);
  return ParseArgs(args, env);
}

absl::StatusOr<Invocation> ParseArgs(const std::vector<std::string>& args, const Environment& env) {
  Invocation inv;
  if (absl::Status s = ApplyEnvironment(env, inv.global); !s.ok()) return s;

  // Flags of one name ("--counties") are told apart by the command, which is known only once
  // the positional arguments are: guess it, and tokenize again if the guess was wrong.
  unsigned scope = GuessScope(args);
  absl::StatusOr<Tokens> tokens = Tokenize(args, scope);
  if (!tokens.ok()) return tokens.status();
  if (tokens->help || (!tokens->positionals.empty() && tokens->positionals[0] == "help")) {
    inv.command = Command::kHelp;
    return inv;
  }
  if (tokens->positionals.empty()) return UsageError("no command given");
  size_t words = 0;
  absl::StatusOr<const CommandSpec*> command = FindCommand(tokens->positionals, &words);
  if (!command.ok()) return command.status();
  if ((*command)->scope != scope) {
    scope = (*command)->scope;
    tokens = Tokenize(args, scope);
    if (!tokens.ok()) return tokens.status();
    command = FindCommand(tokens->positionals, &words);
    if (!command.ok()) return command.status();
  }
  const CommandSpec& spec = **command;
  inv.command = spec.command;
  if (absl::Status s =
          ApplyPositionals(spec,
                           {tokens->positionals.begin() + static_cast<std::ptrdiff_t>(words),
                            tokens->positionals.end()},
                           inv);
      !s.ok()) {
    return s;
  }

  std::vector<FlagUse>& flags = tokens->flags;
  for (const FlagUse& use : flags) {
    if ((use.spec->scope & (kGlobal | spec.scope)) == 0) {
      return UsageError(absl::StrCat("--", use.spec->name, " does not apply to 'carereach ",
                                     CommandName(spec), "'"));
    }
  }
  if ((spec.scope & kNetworkWrite) != 0) {
    // `network create` and `import` take --where before or after the file it filters.
    std::stable_partition(flags.begin(), flags.end(), [](const FlagUse& use) {
      return use.spec->name == "roster" || use.spec->name == "facilities";
    });
  }
  for (const FlagUse& use : flags) {
    if (absl::Status s = Apply(use, spec, inv); !s.ok()) return s;
  }
  const bool server_name_flag = std::any_of(flags.begin(), flags.end(), [](const FlagUse& use) {
    return use.spec->name == "tls-server-name";
  });
  if (absl::Status s = ValidateSecurity(inv.global, server_name_flag); !s.ok()) return s;
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
    case Command::kNetworkCreate:
    case Command::kNetworkImport:
    case Command::kNetworkList:
    case Command::kNetworkShow:
    case Command::kNetworkExport:
    case Command::kNetworkDiff:
    case Command::kNetworkDelete:
      valid = ValidateNetwork(inv.command, inv.network);
      break;
    case Command::kAnalyzeCoverage:
    case Command::kAnalyzeAdequacy:
    case Command::kRecommend:
    case Command::kAccessRatios:
      valid = ValidateAnalysis(spec, inv.analysis);
      break;
    case Command::kHelp:
    case Command::kRegions:
    case Command::kReportList:
    case Command::kReportShow:
      break;
  }
  if (!valid.ok()) return valid;
  return inv;
}

std::string UsageText() {
  return R"usage(carereach: command-line client of the carereach coverage server.

Usage:
  carereach help | --help
  carereach regions [--format table|csv|json]
  carereach coverage --region R --facilities FILE.csv (--minutes LIST | --miles LIST) [options]
  carereach isochrone --region R --facilities FILE.csv --minutes LIST [--out FILE.geojson]
                      [options]
  carereach matrix --region R --origins FILE.csv --destinations FILE.csv [options]
  carereach adequacy --region R --network FILE.csv [options]
  carereach network create ID [--name N] [--description D] [--note N] [ROSTER]
  carereach network import ID ROSTER [--note N] [--create [--name N] [--description D]]
  carereach network list [--format table|json]
  carereach network show ID [--format table|json]
  carereach network export ID [--version N] [--out FILE.csv]
  carereach network diff ID FROM TO [--format table|csv|json]
  carereach network delete ID
  carereach report list [--network ID] [--format table|json]
  carereach report show REPORT_ID [--format table|json]
  carereach analyze coverage --region R NETWORKS (--minutes LIST | --miles LIST) [options]
  carereach analyze adequacy --region R NETWORKS [options]
  carereach recommend --region R [NETWORKS] CANDIDATES OBJECTIVE [options]
  carereach access-ratios --region R NETWORK --catchment-minutes M [options]

Global flags (any command):
  --server HOST:PORT       server address (default $CAREREACH_SERVER, else 127.0.0.1:50051)
  --timeout-seconds N      deadline of each request (default 120)
  --wait-seconds N         while the server is unavailable (starting, loading, unreachable),
                           retry every 0.2 s for up to N seconds (default 0: no retry)
  --tenant NAME            tenant of stored networks and reports (default $CAREREACH_TENANT,
                           else "default"; [A-Za-z0-9._-], 1 to 64); sent with every request
                           when given, or when there is no token or client certificate (with
                           one, the server takes the tenant from it)
  --tls-ca FILE            PEM CA bundle that verifies the server; turns TLS on
                           (default $CAREREACH_TLS_CA)
  --tls                    TLS, verifying the server with the system's default roots
  --tls-cert FILE          PEM client certificate, for mutual TLS; needs --tls-key; turns TLS
                           on (default $CAREREACH_TLS_CERT)
  --tls-key FILE           PEM private key of --tls-cert (default $CAREREACH_TLS_KEY)
  --tls-server-name NAME   name expected in the server's certificate when it is not the
                           --server host (default $CAREREACH_TLS_SERVER_NAME)
  --token-file FILE        file holding a bearer token (a JWT), sent as "authorization: Bearer
                           ..." with every request; TLS only (default: the token in
                           $CAREREACH_TOKEN, else the file $CAREREACH_TOKEN_FILE)

regions: lists the server's regions (name, counties, tracts, population, modes, description).
  --format table|csv|json  output format (default table)

coverage: share of a region's residents within each threshold of the nearest facility.
  --region R               region name, as listed by `carereach regions`
  --facilities FILE.csv    facility list; one row per facility
  --where COLUMN=VALUE     keep only rows whose COLUMN equals VALUE (repeatable; all must match)
  --where COLUMN~TEXT      keep only rows whose COLUMN contains TEXT, ignoring case; TEXT may
                           list alternatives: 'NAME~MERCY HEALTH|ST JOSEPH MERCY'
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
  --data-dir DIR           shared data directory (default $CAREREACH_DATA, else ../shared/data)

Network rosters (ROSTER, and the --roster / --facilities files of the analyses):
  --roster FILE.csv        a CMS roster CSV, read as in adequacy --network
  --facilities FILE.csv    a facility CSV, read as in coverage; every row gets --specialty-code
  --specialty-code CODE    specialty code of facility CSV rows (default 040, acute inpatient
                           hospital); beds from BEDS (or --beds-column) for 040 only; negative
                           or empty beds (HIFLD's -999) are unknown: 0
  --where COLUMN=VALUE, --where COLUMN~TEXT
                           filters of the file (repeatable; all must match)
  --id-column, --name-column, --lat-column, --lon-column, --type-column C
                           columns of both formats (default: detected)
  --specialty-column, --beds-column, --telehealth-column C
                           roster columns, as in adequacy
  Rows are sent in batches of 5,000.

network create ID: creates a stored network; with a roster, saved as version 1.
  --name N, --description D, --note N (the note of the version)
network import ID: saves the roster as the network's next version; prints the version.
  --note N; --create: create the network when it does not exist (with --name, --description)
network list: the tenant's networks. network show ID: a network and its versions.
network export ID: one version's rows as CSV, columns id,name,specialty_code,lon,lat,beds,
telehealth,type (re-importable with --roster).
  --version N              the version (default: the latest)
  --out FILE.csv           write to FILE (default: stdout)
network diff ID FROM TO: rows added, removed and changed from version FROM to version TO.
network delete ID: deletes the network (its saved reports stay readable).
report list: saved reports, newest first. --network ID: only those computed from network ID.
report show REPORT_ID: a saved report's metadata and result; --format json adds the request.

Analyses (analyze coverage, analyze adequacy, recommend, access-ratios):
NETWORKS: one or more (several make an alliance: the union of their rosters) of
  --network ID[@VERSION]   a stored network (default: its latest version)
  --roster FILE.csv, --facilities FILE.csv
                           an inline roster (not stored), labelled with the file's name
  each followed by flags that apply to it (the most recent one):
  --label NAME             its name in the answers (default: the id, or the file's name)
  --where COLUMN=VALUE     filter of its --roster / --facilities file (repeatable)
  --add-roster FILE, --add-facilities FILE
                           what-if: rows added for this request only
  --add-where COLUMN=VALUE filter of the most recent --add-roster / --add-facilities file
  --remove ID[,ID...]      what-if: providers removed for this request only (repeatable)
  --specialty-code and the column flags of ROSTER apply to every file.
  --region R               region name
  --mode, --circuity, --speed-mph, --max-snap-meters, --direction, --speed-profile,
  --offroad-speed-mph      travel model, as in coverage
  --specialties LIST       only rows with these specialty codes count, e.g. 040
  --save-report            save the request and the answer as a report (prints its id)
  --title T                the saved report's title
  --format table|csv|json  output format (default table)

analyze coverage: share of residents within each threshold of the network; for an alliance,
each member's share alone, the alliance's without it, its loss if it leaves and gain by joining.
  --minutes LIST, --miles LIST
                           thresholds (at least one)
  --counties               table format: add the per-county table
analyze adequacy: CMS adequacy as in adequacy; for an alliance, the members whose leaving
turns a passing result into a failing one, and a member summary.
  --counties LIST, --specialties LIST, --standards NAME
                           as in adequacy
  --failing-only           only the failing results
recommend: the additions from a candidate pool that most improve coverage or adequacy
(NETWORKS optional: the current network).
  --candidates ID[@VERSION] | --candidates-roster FILE | --candidates-facilities FILE
                           the candidate pool (stored or inline)
  --candidates-where COLUMN=VALUE
                           filter of the candidates file (repeatable)
  coverage objective: --minutes M and/or --miles D (covered = within both), --target-share S
                           (stop at this share, in [0, 1]), --counties LIST, --specialties LIST
  adequacy objective: --adequacy-county FIPS --adequacy-specialty CODE [--standards NAME]
  --picks N                at most N picks, 1 to 100 (server default 10)
access-ratios: two-step floating catchment area access ratios, capacity per 1,000 residents.
  NETWORK                  one --network, --roster or --facilities (what-ifs allowed)
  --catchment-minutes M    the catchment, in travel minutes (required)
  --capacity-from-beds     a provider's capacity is its beds (when > 0), else 1
  --units-out FILE.csv     also write unit_id,county_fips,population,access_per_1000

Exit status: 0 success, 1 error from the server or in the data, 2 usage error.
See docs/CLI.md for the output formats.
)usage";
}

}  // namespace carereach::cli
