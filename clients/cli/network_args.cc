// The NetworkService commands as declared on the command line: network create / import / list /
// show / export / diff / delete, report list / show (shared_flags.h).
#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "clients/cli/args.h"
#include "clients/cli/flags.h"
#include "clients/cli/network_commands.h"
#include "clients/cli/shared_flags.h"
#include "geo/core/status_macros.h"

namespace carereach::cli {
namespace {

Field<NetworkOptions> Net() { return Of(&Invocation::network); }

CommandSpec NetworkSpec(Command command, std::string name, std::vector<std::string> positionals,
                        std::string synopsis, std::string summary) {
  CommandSpec spec;
  spec.command = command;
  spec.group = "network";
  spec.name = std::move(name);
  spec.positionals = std::move(positionals);
  spec.synopsis = std::move(synopsis);
  spec.summary = std::move(summary);
  if (!spec.positionals.empty()) {
    spec.set_positionals = [](Invocation& inv, const std::vector<std::string>& args) {
      inv.network.network_id = args[0];
      return absl::OkStatus();
    };
  }
  spec.run = [command](const Invocation& inv, std::ostream& out, std::ostream& err) {
    return RunNetworkCommand(command, inv.global, inv.network, out, err);
  };
  return spec;
}

// --roster / --facilities (applied before the other flags: --where may come before or after
// the file it filters), --where, the column flags, --name, --description, --note.
void AddRosterFlags(FlagSet& flags) {
  for (const RosterFormat format : {RosterFormat::kRoster, RosterFormat::kFacilities}) {
    const bool roster = format == RosterFormat::kRoster;
    flags
        .Add(roster ? "roster" : "facilities", "FILE.csv",
             roster ? "ROSTER: a CMS roster CSV, read as in adequacy --network"
                    : "ROSTER: a facility CSV, read as in coverage; every row gets "
                      "--specialty-code",
             [format](Invocation& inv, absl::string_view origin, const std::string& value) {
               RETURN_IF_ERROR(UsageErrorIf(inv.network.roster.has_value(),
                                            "give one roster: --roster FILE or --facilities FILE"));
               RETURN_IF_ERROR(CheckNotBlank(origin, value));
               inv.network.roster = RosterSource{format, value, {}};
               return absl::OkStatus();
             })
        .applied_first = true;
  }
  flags.Add("where", "COLUMN=VALUE",
            "filter of the ROSTER file (repeatable; all must match); also COLUMN~TEXT",
            [](Invocation& inv, absl::string_view origin, const std::string& value) {
              RETURN_IF_ERROR(
                  UsageErrorIf(!inv.network.roster.has_value(),
                               "--where filters the --roster or --facilities file; give one"));
              ASSIGN_OR_RETURN(WhereClause clause, ParseWhere(origin, value));
              inv.network.roster->where.push_back(std::move(clause));
              return absl::OkStatus();
            });
  flags.Text("hsd-providers", "FILE.csv",
             "ROSTER: CMS's Provider HSD table, with Latitude and Longitude columns (with or "
             "instead of --hsd-facilities)",
             At(Net(), &NetworkOptions::hsd_providers_path));
  flags.Text("hsd-facilities", "FILE.csv",
             "ROSTER: CMS's Facility HSD table, with Latitude and Longitude columns",
             At(Net(), &NetworkOptions::hsd_facilities_path));
  AddRosterReadFlags(flags, At(Net(), &NetworkOptions::read));
  flags.Text("name", "N", "the network's name", At(Net(), &NetworkOptions::name));
  flags.Text("description", "D", "the network's description",
             At(Net(), &NetworkOptions::description));
  flags.Text("note", "N", "the note of the version", At(Net(), &NetworkOptions::note));
}

// The roster of create / import: --roster or --facilities, or the HSD tables, not both.
absl::Status CheckOneRoster(const NetworkOptions& net) {
  return UsageErrorIf(net.roster.has_value() &&
                          (!net.hsd_providers_path.empty() || !net.hsd_facilities_path.empty()),
                      "give one roster: --roster FILE, --facilities FILE, or the HSD tables "
                      "(--hsd-providers FILE, --hsd-facilities FILE)");
}

bool HasRoster(const NetworkOptions& net) {
  return net.roster.has_value() || !net.hsd_providers_path.empty() ||
         !net.hsd_facilities_path.empty();
}

CommandSpec Create() {
  CommandSpec spec =
      NetworkSpec(Command::kNetworkCreate, "create", {"ID"},
                  "ID [--name N] [--description D] [--note N] [ROSTER]",
                  "creates a stored network; with a roster (--roster FILE.csv or --facilities "
                  "FILE.csv), saved as version 1. Rows are sent in batches of 5,000.");
  AddRosterFlags(spec.flags);
  spec.validate = [](const Invocation& inv) { return CheckOneRoster(inv.network); };
  return spec;
}

CommandSpec Import() {
  CommandSpec spec =
      NetworkSpec(Command::kNetworkImport, "import", {"ID"},
                  "ID ROSTER [--note N] [--create [--name N] [--description D]]",
                  "saves the roster as the network's next version; prints the version.");
  AddRosterFlags(spec.flags);
  spec.flags.Switch("create",
                    "create the network when it does not exist (with --name, "
                    "--description)",
                    At(Net(), &NetworkOptions::create_if_missing));
  spec.validate = [](const Invocation& inv) -> absl::Status {
    const NetworkOptions& net = inv.network;
    RETURN_IF_ERROR(UsageErrorIf(!HasRoster(net),
                                 "network import: give the roster with --roster FILE, "
                                 "--facilities FILE or --hsd-providers/--hsd-facilities FILE"));
    RETURN_IF_ERROR(CheckOneRoster(net));
    return UsageErrorIf(!net.create_if_missing && (!net.name.empty() || !net.description.empty()),
                        "network import: --name and --description name a network that --create "
                        "creates; add --create (or set them with 'network create')");
  };
  return spec;
}

CommandSpec Export() {
  CommandSpec spec = NetworkSpec(
      Command::kNetworkExport, "export", {"ID"}, "ID [--version N] [--out FILE.csv]",
      "one version's rows as CSV, columns id,name,specialty_code,lon,lat,beds,telehealth,type,"
      "exclusion and the HSD fields (re-importable with --roster), or as CMS's HSD tables "
      "(--hsd-providers FILE.csv --hsd-facilities FILE.csv).");
  spec.flags.Add("version", "N", "the version (default: the latest)",
                 [](Invocation& inv, absl::string_view origin, const std::string& value) {
                   ASSIGN_OR_RETURN(inv.network.version,
                                    ParseWholeNumber(origin, value, 1, INT32_MAX));
                   return absl::OkStatus();
                 });
  spec.flags.Text("out", "FILE.csv", "write to FILE (default: stdout)",
                  At(Net(), &NetworkOptions::out_path));
  spec.flags.Text("hsd-providers", "FILE.csv",
                  "write CMS's Provider HSD table instead (with --hsd-facilities; docs/CMS.md "
                  "section 15)",
                  At(Net(), &NetworkOptions::hsd_providers_path));
  spec.flags.Text("hsd-facilities", "FILE.csv",
                  "write CMS's Facility HSD table (specialty codes 040..068) instead",
                  At(Net(), &NetworkOptions::hsd_facilities_path));
  spec.validate = [](const Invocation& inv) -> absl::Status {
    const NetworkOptions& net = inv.network;
    RETURN_IF_ERROR(UsageErrorIf(net.hsd_providers_path.empty() != net.hsd_facilities_path.empty(),
                                 "network export: the HSD tables go together: give both "
                                 "--hsd-providers FILE and --hsd-facilities FILE"));
    return UsageErrorIf(!net.hsd_providers_path.empty() && !net.out_path.empty(),
                        "network export: --out writes carereach's CSV; the HSD tables replace it");
  };
  return spec;
}

CommandSpec Diff() {
  CommandSpec spec = NetworkSpec(
      Command::kNetworkDiff, "diff", {"ID", "FROM", "TO"}, "ID FROM TO [--format table|csv|json]",
      "rows added, removed and changed from version FROM to version TO.");
  spec.set_positionals = [](Invocation& inv, const std::vector<std::string>& args) {
    inv.network.network_id = args[0];
    ASSIGN_OR_RETURN(inv.network.from_version,
                     ParseWholeNumber("network diff: FROM", args[1], 1, INT32_MAX));
    ASSIGN_OR_RETURN(inv.network.to_version,
                     ParseWholeNumber("network diff: TO", args[2], 1, INT32_MAX));
    return absl::OkStatus();
  };
  AddFormatFlag(spec, At(Net(), &NetworkOptions::format),
                {OutputFormat::kTable, OutputFormat::kCsv, OutputFormat::kJson});
  return spec;
}

CommandSpec ReportSpec(Command command, std::string name, std::vector<std::string> positionals,
                       std::string synopsis, std::string summary) {
  CommandSpec spec;
  spec.command = command;
  spec.group = "report";
  spec.name = std::move(name);
  spec.positionals = std::move(positionals);
  spec.synopsis = std::move(synopsis);
  spec.summary = std::move(summary);
  AddFormatFlag(spec, At(Of(&Invocation::report), &ReportOptions::format),
                {OutputFormat::kTable, OutputFormat::kJson});
  spec.run = [command](const Invocation& inv, std::ostream& out, std::ostream& err) {
    return RunReportCommand(command, inv.global, inv.report, out, err);
  };
  return spec;
}

}  // namespace

void AddNetworkCommands(std::vector<CommandSpec>& commands) {
  commands.push_back(Create());
  commands.push_back(Import());
  CommandSpec list = NetworkSpec(Command::kNetworkList, "list", {}, "[--format table|json]",
                                 "the tenant's networks.");
  AddFormatFlag(list, At(Net(), &NetworkOptions::format),
                {OutputFormat::kTable, OutputFormat::kJson});
  commands.push_back(std::move(list));
  CommandSpec show = NetworkSpec(Command::kNetworkShow, "show", {"ID"}, "ID [--format table|json]",
                                 "a network and its versions.");
  AddFormatFlag(show, At(Net(), &NetworkOptions::format),
                {OutputFormat::kTable, OutputFormat::kJson});
  commands.push_back(std::move(show));
  commands.push_back(Export());
  commands.push_back(Diff());
  commands.push_back(NetworkSpec(Command::kNetworkDelete, "delete", {"ID"}, "ID",
                                 "deletes the network (its saved reports stay readable)."));

  CommandSpec reports =
      ReportSpec(Command::kReportList, "list", {}, "[--network ID] [--format table|json]",
                 "saved reports, newest first.");
  reports.flags.Text("network", "ID", "only the reports computed from network ID",
                     At(Of(&Invocation::report), &ReportOptions::network_id));
  commands.push_back(std::move(reports));
  CommandSpec report =
      ReportSpec(Command::kReportShow, "show", {"REPORT_ID"}, "REPORT_ID [--format table|json]",
                 "a saved report's metadata and result; --format json adds the request.");
  report.set_positionals = [](Invocation& inv, const std::vector<std::string>& args) {
    inv.report.report_id = args[0];
    return absl::OkStatus();
  };
  AddHtmlFlag(report.flags, At(Of(&Invocation::report), &ReportOptions::html_path));
  commands.push_back(std::move(report));
}

}  // namespace carereach::cli
