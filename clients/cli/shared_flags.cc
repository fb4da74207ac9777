#include "clients/cli/shared_flags.h"

#include <algorithm>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/string_view.h"
#include "geo/core/status_macros.h"

namespace carereach::cli {
namespace {

// A text flag of the global options bound to `field`, with its environment default.
Flag& GlobalText(FlagSet& flags, std::string name, std::string value_name, std::string help,
                 std::string GlobalOptions::*field, std::string env_var,
                 std::string Environment::*env_field) {
  Flag& flag = flags.Text(std::move(name), std::move(value_name), std::move(help),
                          At(Of(&Invocation::global), field));
  flag.env_var = std::move(env_var);
  flag.env_field = env_field;
  return flag;
}

// A number of the global options that must be above (or at least) `min`.
void GlobalSeconds(FlagSet& flags, std::string name, std::string help, double GlobalOptions::*field,
                   bool zero_allowed) {
  flags.Add(
      std::move(name), "N", std::move(help),
      [field, zero_allowed](Invocation& inv, absl::string_view origin,
                            const std::string& value) -> absl::Status {
        ASSIGN_OR_RETURN(const double seconds, ParseNumber(origin, value));
        if (zero_allowed ? seconds < 0 : seconds <= 0) {
          return UsageError(absl::StrCat(
              origin, zero_allowed ? ": must be 0 or more, got " : ": must be greater than 0, got ",
              value));
        }
        inv.global.*field = seconds;
        return absl::OkStatus();
      });
}

absl::string_view FormatName(OutputFormat format) {
  switch (format) {
    case OutputFormat::kTable:
      return "table";
    case OutputFormat::kCsv:
      return "csv";
    case OutputFormat::kJson:
      return "json";
  }
  return "";
}

}  // namespace

FlagSet ConnectionFlags() {
  FlagSet flags;
  GlobalText(flags, "server", "HOST:PORT[,HOST:PORT...]",
             "server address (else 127.0.0.1:50051), or several replicas' IP:PORT separated by "
             "commas, or a target such as dns:///NAME:PORT resolving to several; calls are spread "
             "over them (round robin) and reads are retried on another when one is unavailable",
             &GlobalOptions::server, "CAREREACH_SERVER", &Environment::server);
  GlobalText(flags, "region-map", "FILE",
             "JSON {\"regions\": {\"REGION\": \"HOST:PORT,...\"}}: a command's calls about a "
             "region listed there go to its addresses instead of --server",
             &GlobalOptions::region_map_file, "CAREREACH_REGION_MAP", &Environment::region_map);
  GlobalSeconds(flags, "timeout-seconds", "deadline of each request (default 120)",
                &GlobalOptions::timeout_seconds, /*zero_allowed=*/false);
  GlobalSeconds(flags, "wait-seconds",
                "while the server is unavailable (starting, loading, unreachable), retry every "
                "0.2 s for up to N seconds (default 0: no retry)",
                &GlobalOptions::wait_seconds, /*zero_allowed=*/true);
  Flag& tenant = flags.Add(
      "tenant", "NAME",
      "tenant of stored networks and reports (else \"default\"; [A-Za-z0-9._-], 1 to 64); sent "
      "with every request when given, or when there is no token or client certificate (with "
      "one, the server takes the tenant from it)",
      [](Invocation& inv, absl::string_view origin, const std::string& value) {
        RETURN_IF_ERROR(ValidateTenant(origin, value));
        inv.global.tenant = value;
        inv.global.tenant_explicit = true;
        return absl::OkStatus();
      });
  tenant.env_var = "CAREREACH_TENANT";
  tenant.env_field = &Environment::tenant;
  GlobalText(flags, "tls-ca", "FILE", "PEM CA bundle that verifies the server; turns TLS on",
             &GlobalOptions::tls_ca_file, "CAREREACH_TLS_CA", &Environment::tls_ca);
  flags.Switch("tls", "TLS, verifying the server with the system's default roots",
               At(Of(&Invocation::global), &GlobalOptions::tls));
  GlobalText(flags, "tls-cert", "FILE",
             "PEM client certificate, for mutual TLS; needs --tls-key; turns TLS on",
             &GlobalOptions::tls_cert_file, "CAREREACH_TLS_CERT", &Environment::tls_cert);
  GlobalText(flags, "tls-key", "FILE", "PEM private key of --tls-cert",
             &GlobalOptions::tls_key_file, "CAREREACH_TLS_KEY", &Environment::tls_key);
  GlobalText(flags, "tls-server-name", "NAME",
             "name expected in the server's certificate when it is not the --server host",
             &GlobalOptions::tls_server_name, "CAREREACH_TLS_SERVER_NAME",
             &Environment::tls_server_name);
  Flag& token_file = flags.Add(
      "token-file", "FILE",
      "file holding a bearer token (a JWT), sent as \"authorization: Bearer ...\" with every "
      "request; TLS only; the token itself may be given in $CAREREACH_TOKEN instead",
      [](Invocation& inv, absl::string_view origin, const std::string& value) {
        RETURN_IF_ERROR(CheckNotBlank(origin, value));
        // The flag wins over $CAREREACH_TOKEN as well as $CAREREACH_TOKEN_FILE.
        inv.global.token.clear();
        inv.global.token_file = value;
        return absl::OkStatus();
      });
  token_file.env_var = "CAREREACH_TOKEN_FILE";
  token_file.env_field = &Environment::token_file;
  return flags;
}

absl::Status ValidateSecurity(const GlobalOptions& global, const std::vector<std::string>& given) {
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
  // The variable alone does not turn anything on or off.
  const bool server_name_flag =
      std::find(given.begin(), given.end(), "tls-server-name") != given.end();
  if (server_name_flag && !global.UsesTls()) {
    return UsageError("--tls-server-name applies only over TLS: give --tls-ca FILE (or --tls)");
  }
  return absl::OkStatus();
}

void AddTravelFlags(FlagSet& flags, Field<TravelFlags> travel) {
  const size_t first = flags.size();
  flags.Add("mode", "straight-line|drive", "travel model (default straight-line)",
            [travel](Invocation& inv, absl::string_view, const std::string& value) -> absl::Status {
              if (value == "straight-line") {
                travel(inv).mode = Mode::kStraightLine;
              } else if (value == "drive") {
                travel(inv).mode = Mode::kDrive;
              } else {
                return UsageError(
                    absl::StrCat("--mode: '", value, "' is not one of straight-line, drive"));
              }
              return absl::OkStatus();
            });
  flags.Number("circuity", "F",
               "straight-line: road miles per straight-line mile (server default 1.3)",
               At(travel, &TravelFlags::circuity));
  flags.Number("speed-mph", "S", "straight-line: average speed in mph (server default 35)",
               At(travel, &TravelFlags::speed_mph));
  flags.SetGroup(first, "travel model");
  AddDriveFlags(flags, At(travel, &TravelFlags::drive));
}

void AddDriveFlags(FlagSet& flags, Field<DriveFlags> drive) {
  const size_t first = flags.size();
  constexpr char kGroup[] = "drive options";
  flags.Number("max-snap-meters", "M",
               "drive: farthest a tract or facility may be from a road, in metres (server "
               "default 1000)",
               At(drive, &DriveFlags::max_snap_meters));
  flags.Add("direction", "to-facility|from-facility",
            "drive: direction of travel (default to-facility; isochrone: from-facility)",
            [drive](Invocation& inv, absl::string_view, const std::string& value) -> absl::Status {
              if (value == "to-facility") {
                drive(inv).direction = Direction::kToFacility;
              } else if (value == "from-facility") {
                drive(inv).direction = Direction::kFromFacility;
              } else {
                return UsageError(absl::StrCat("--direction: '", value,
                                               "' is not one of to-facility, from-facility"));
              }
              return absl::OkStatus();
            });
  flags.Text("speed-profile", "NAME", "drive: speed profile (default: the region's profile)",
             At(drive, &DriveFlags::speed_profile));
  flags.Number("offroad-speed-mph", "S",
               "drive: speed between a point and its road (server default 10)",
               At(drive, &DriveFlags::offroad_speed_mph));
  flags.SetGroup(first, kGroup);
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

void AddFacilityColumnFlags(FlagSet& flags, Field<FacilityColumnFlags> columns) {
  const size_t first = flags.size();
  constexpr char kGroup[] = "facility CSV columns (matched ignoring case)";
  flags.Text("id-column", "C",
             "facility id column (default: first of ID, facility_id, facility.id, NPI, OBJECTID)",
             At(columns, &FacilityColumnFlags::id));
  flags.Text("name-column", "C", "name column (default: NAME, facility_name, facility.name)",
             At(columns, &FacilityColumnFlags::name));
  flags.Text("lat-column", "C", "latitude column (default: LATITUDE, lat, y)",
             At(columns, &FacilityColumnFlags::lat));
  flags.Text("lon-column", "C", "longitude column (default: LONGITUDE, lon, lng, long, x)",
             At(columns, &FacilityColumnFlags::lon));
  flags.Text("type-column", "C",
             "type column (default: TYPE, hospital.type, facility_type, specialty_code)",
             At(columns, &FacilityColumnFlags::type));
  flags.SetGroup(first, kGroup);
}

void AddRosterColumnFlags(FlagSet& flags, Field<RosterColumnFlags> columns) {
  flags.Text("id-column", "C", "provider id (default: ID, NPI, provider_id, facility_id)",
             At(columns, &RosterColumnFlags::id));
  flags.Text("name-column", "C", "name (default: NAME, provider_name, facility_name; optional)",
             At(columns, &RosterColumnFlags::name));
  flags.Text("lat-column", "C", "latitude (default: LATITUDE, lat, y)",
             At(columns, &RosterColumnFlags::lat));
  flags.Text("lon-column", "C", "longitude (default: LONGITUDE, lon, lng, long, x)",
             At(columns, &RosterColumnFlags::lon));
  flags.Text("specialty-column", "C",
             "CMS specialty code (default: specialty_code, SPECIALTY, cms_specialty_code, code)",
             At(columns, &RosterColumnFlags::specialty));
  flags.Text("beds-column", "C", "staffed beds (default: BEDS; optional; negative = unknown = 0)",
             At(columns, &RosterColumnFlags::beds));
  flags.Text("telehealth-column", "C",
             "telehealth (default: telehealth; optional; true/yes/1/Y = true)",
             At(columns, &RosterColumnFlags::telehealth));
  flags.Text("exclusion-column", "C",
             "why a row does not count toward CMS adequacy, 42 CFR 422.116(a)(3) (default: "
             "exclusion; optional; specialized_hospital, long_term_care_hospital, "
             "pediatric_hospital, residential_facility_only, other_products_only; case, spaces "
             "and hyphens ignored; empty: counts)",
             At(columns, &RosterColumnFlags::exclusion));
}

void AddRosterReadFlags(FlagSet& flags, Field<RosterReadOptions> read) {
  const size_t first = flags.size();
  constexpr char kGroup[] = "roster file options";
  // Shared by both formats: sets the roster and the facility column.
  auto both = [&](std::string name, std::string help, std::string RosterColumnFlags::*roster,
                  std::string FacilityColumnFlags::*facility) {
    flags.Add(std::move(name), "C", std::move(help),
              [read, roster, facility](Invocation& inv, absl::string_view origin,
                                       const std::string& value) {
                RETURN_IF_ERROR(CheckNotBlank(origin, value));
                read(inv).roster_columns.*roster = value;
                read(inv).facility_columns.*facility = value;
                return absl::OkStatus();
              });
  };
  both("id-column", "id column of both formats (default: detected)", &RosterColumnFlags::id,
       &FacilityColumnFlags::id);
  both("name-column", "name column of both formats", &RosterColumnFlags::name,
       &FacilityColumnFlags::name);
  both("lat-column", "latitude column of both formats", &RosterColumnFlags::lat,
       &FacilityColumnFlags::lat);
  both("lon-column", "longitude column of both formats", &RosterColumnFlags::lon,
       &FacilityColumnFlags::lon);
  both("type-column", "type column of both formats", &RosterColumnFlags::type,
       &FacilityColumnFlags::type);
  const Field<RosterColumnFlags> roster = At(read, &RosterReadOptions::roster_columns);
  flags.Text("specialty-column", "C", "roster CSV specialty column, as in adequacy",
             At(roster, &RosterColumnFlags::specialty));
  flags.Text("beds-column", "C", "beds column (both formats), as in adequacy",
             At(roster, &RosterColumnFlags::beds));
  flags.Text("telehealth-column", "C", "roster CSV telehealth column, as in adequacy",
             At(roster, &RosterColumnFlags::telehealth));
  flags.Add("specialty-code", "CODE",
            "specialty code of facility CSV rows (default 040, acute inpatient hospital); beds "
            "from BEDS (or --beds-column) for 040 only; negative or empty beds (HIFLD's -999) "
            "are unknown: 0",
            [read](Invocation& inv, absl::string_view origin, const std::string& value) {
              RETURN_IF_ERROR(CheckNotBlank(origin, value));
              read(inv).facility_specialty = NormalizeSpecialtyCode(value);
              return absl::OkStatus();
            });
  flags.SetGroup(first, kGroup);
}

void AddHtmlFlag(FlagSet& flags, Field<std::string> path) {
  flags.Text("html", "FILE.html",
             "also write the report as one self-contained HTML file (tables, failing rows first, "
             "maps drawn by the server, method, credits; prints cleanly), via FILE.partial",
             std::move(path));
}

void AddFormatFlag(CommandSpec& spec, Field<OutputFormat> format,
                   std::vector<OutputFormat> offered) {
  std::vector<absl::string_view> names;
  for (OutputFormat f : offered) names.push_back(FormatName(f));
  const std::string command = spec.FullName();
  spec.flags.Add(
      "format", absl::StrJoin(names, "|"), "output format (default table)",
      [format, offered, names, command](Invocation& inv, absl::string_view,
                                        const std::string& value) -> absl::Status {
        for (OutputFormat f : {OutputFormat::kTable, OutputFormat::kCsv, OutputFormat::kJson}) {
          if (value != FormatName(f)) continue;
          if (std::find(offered.begin(), offered.end(), f) == offered.end()) {
            return UsageError(absl::StrCat("--format ", value, " does not apply to 'carereach ",
                                           command, "' (formats: ", absl::StrJoin(names, ", "),
                                           ")"));
          }
          format(inv) = f;
          return absl::OkStatus();
        }
        return UsageError(absl::StrCat("--format: '", value, "' is not one of table, csv, json"));
      });
}

}  // namespace carereach::cli
