// The ContractingService commands as declared on the command line: analyze coverage, analyze
// adequacy, recommend, access-ratios (shared_flags.h).
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "clients/cli/args.h"
#include "clients/cli/contracting_commands.h"
#include "clients/cli/flags.h"
#include "clients/cli/shared_flags.h"
#include "geo/core/status_macros.h"

namespace carereach::cli {
namespace {

constexpr char kSelectionGroup[] =
    "NETWORKS: one or more of --network, --roster, --facilities (several make an alliance: the "
    "union of their rosters), each followed by the flags that apply to it";

Field<AnalysisOptions> An() { return Of(&Invocation::analysis); }

// Last path component: the label of an inline roster.
std::string FileBaseName(absl::string_view path) {
  const size_t slash = path.find_last_of('/');
  return std::string(slash == absl::string_view::npos ? path : path.substr(slash + 1));
}

// A selection of a stored network (`ID[@VERSION]`) or of an inline roster file.
absl::StatusOr<SelectionFlags> SelectionOf(absl::string_view origin, const std::string& value,
                                           std::optional<RosterFormat> format) {
  SelectionFlags selection;
  if (!format) {
    ASSIGN_OR_RETURN(const NetworkRef ref, ParseNetworkRef(origin, value));
    selection.network_id = ref.network_id;
    selection.version = ref.version;
    return selection;
  }
  RETURN_IF_ERROR(CheckNotBlank(origin, value));
  selection.inline_roster = RosterSource{*format, value, {}};
  selection.label = FileBaseName(value);
  return selection;
}

// The selection the binding flags (--label, --add-*, --remove) apply to.
absl::StatusOr<SelectionFlags*> Current(Invocation& inv, absl::string_view origin) {
  if (inv.analysis.networks.empty()) {
    return UsageError(absl::StrCat(origin,
                                   " applies to the most recent --network, --roster or "
                                   "--facilities; give one before it"));
  }
  return &inv.analysis.networks.back();
}

// A flag that adds a selection (--network, --roster, --facilities).
void AddSelectionStart(FlagSet& flags, std::string name, std::string value_name, std::string help,
                       std::optional<RosterFormat> format) {
  flags.Add(std::move(name), std::move(value_name), std::move(help),
            [format](Invocation& inv, absl::string_view origin, const std::string& value) {
              ASSIGN_OR_RETURN(SelectionFlags selection, SelectionOf(origin, value, format));
              inv.analysis.networks.push_back(std::move(selection));
              return absl::OkStatus();
            });
}

// --add-roster / --add-facilities: what-if rows of the current selection.
Flag& AddWhatIfFile(FlagSet& flags, std::string name, RosterFormat format) {
  return flags.Add(std::move(name), "FILE", "what-if: rows added for this request only",
                   [format](Invocation& inv, absl::string_view origin, const std::string& value) {
                     ASSIGN_OR_RETURN(SelectionFlags * selection, Current(inv, origin));
                     RETURN_IF_ERROR(CheckNotBlank(origin, value));
                     selection->add.push_back(RosterSource{format, value, {}});
                     return absl::OkStatus();
                   });
}

void AddSelectionFlags(FlagSet& flags) {
  const size_t first = flags.size();
  AddSelectionStart(flags, "network", "ID[@VERSION]",
                    "a stored network (default: its latest version)", std::nullopt);
  AddSelectionStart(flags, "roster", "FILE.csv",
                    "an inline roster (not stored), labelled with the file's name; read as in "
                    "adequacy --network",
                    RosterFormat::kRoster);
  AddSelectionStart(flags, "facilities", "FILE.csv",
                    "an inline facility CSV, read as in coverage; every row gets --specialty-code",
                    RosterFormat::kFacilities);
  flags.Add("label", "NAME", "its name in the answers (default: the id, or the file's name)",
            [](Invocation& inv, absl::string_view origin, const std::string& value) {
              ASSIGN_OR_RETURN(SelectionFlags * selection, Current(inv, origin));
              RETURN_IF_ERROR(CheckNotBlank(origin, value));
              selection->label = value;
              return absl::OkStatus();
            });
  flags.Add("where", "COLUMN=VALUE",
            "filter of its --roster / --facilities file (repeatable); also --where COLUMN~TEXT",
            [](Invocation& inv, absl::string_view origin, const std::string& value) {
              std::vector<SelectionFlags>& networks = inv.analysis.networks;
              RETURN_IF_ERROR(UsageErrorIf(
                  networks.empty() || !networks.back().inline_roster,
                  "--where filters the most recent --roster or --facilities file and must follow "
                  "it (--add-where filters --add-roster / --add-facilities files)"));
              ASSIGN_OR_RETURN(WhereClause clause, ParseWhere(origin, value));
              networks.back().inline_roster->where.push_back(std::move(clause));
              return absl::OkStatus();
            });
  AddWhatIfFile(flags, "add-roster", RosterFormat::kRoster);
  AddWhatIfFile(flags, "add-facilities", RosterFormat::kFacilities);
  flags.Add("add-where", "COLUMN=VALUE",
            "filter of the most recent --add-roster / --add-facilities file",
            [](Invocation& inv, absl::string_view origin, const std::string& value) {
              std::vector<SelectionFlags>& networks = inv.analysis.networks;
              RETURN_IF_ERROR(UsageErrorIf(
                  networks.empty() || networks.back().add.empty(),
                  "--add-where filters the most recent --add-roster or --add-facilities file and "
                  "must follow it"));
              ASSIGN_OR_RETURN(WhereClause clause, ParseWhere(origin, value));
              networks.back().add.back().where.push_back(std::move(clause));
              return absl::OkStatus();
            });
  flags.Add("remove", "ID[,ID...]", "what-if: providers removed for this request only (repeatable)",
            [](Invocation& inv, absl::string_view origin, const std::string& value) {
              ASSIGN_OR_RETURN(SelectionFlags * selection, Current(inv, origin));
              ASSIGN_OR_RETURN(std::vector<std::string> ids, ParseItems(origin, value));
              for (std::string& id : ids) selection->remove_ids.push_back(std::move(id));
              return absl::OkStatus();
            });
  flags.SetGroup(first, kSelectionGroup);
}

}  // namespace

void AddAnalysisInputFlags(FlagSet& flags) {
  flags.Text("region", "R", "region name", At(An(), &AnalysisOptions::region));
  AddSelectionFlags(flags);
  AddRosterReadFlags(flags, At(An(), &AnalysisOptions::read));
  AddTravelFlags(flags, At(An(), &AnalysisOptions::travel));
  flags.Codes("specialties", "LIST", "only rows with these specialty codes count, e.g. 040",
              At(An(), &AnalysisOptions::specialty_codes));
}

// What every analysis needs: the region, a consistent travel model and (but for recommend) a
// network.
absl::Status ValidateAnalysisInput(absl::string_view command, const AnalysisOptions& an,
                                   bool need_network) {
  RETURN_IF_ERROR(UsageErrorIf(an.region.empty(), absl::StrCat(command, ": --region is required")));
  RETURN_IF_ERROR(ValidateTravel(an.travel));
  return UsageErrorIf(
      need_network && an.networks.empty(),
      absl::StrCat(command,
                   ": give the network with --network ID[@VERSION] (repeat it for an alliance), "
                   "--roster FILE or --facilities FILE"));
}

void AddThresholdFlags(FlagSet& flags, absl::string_view what) {
  flags.Numbers("minutes", "LIST", absl::StrCat(what, " in minutes"),
                At(An(), &AnalysisOptions::minutes));
  flags.Numbers("miles", "LIST", absl::StrCat(what, " in miles"),
                At(An(), &AnalysisOptions::miles));
}

namespace {

// The flags every analysis takes.
CommandSpec AnalysisSpec(Command command, std::string group, std::string name, std::string synopsis,
                         std::string summary) {
  CommandSpec spec;
  spec.command = command;
  spec.group = std::move(group);
  spec.name = std::move(name);
  spec.synopsis = std::move(synopsis);
  spec.summary = std::move(summary);
  FlagSet& flags = spec.flags;
  AddAnalysisInputFlags(flags);
  flags.Switch("save-report", "save the request and the answer as a report (prints its id)",
               At(An(), &AnalysisOptions::save_report));
  flags.Text("title", "T", "the saved report's title", At(An(), &AnalysisOptions::title));
  AddFormatFlag(spec, At(An(), &AnalysisOptions::format),
                {OutputFormat::kTable, OutputFormat::kCsv, OutputFormat::kJson});
  return spec;
}

CommandSpec AnalyzeCoverage() {
  CommandSpec spec = AnalysisSpec(
      Command::kAnalyzeCoverage, "analyze", "coverage",
      "--region R NETWORKS (--minutes LIST | --miles LIST) [options]",
      "share of residents within each threshold of the network; for an alliance, each member's "
      "share alone, the alliance's without it, its loss if it leaves and gain by joining.");
  AddThresholdFlags(spec.flags, "thresholds (at least one of --minutes, --miles)");
  spec.flags.Switch("counties", "table format: add the per-county table",
                    At(An(), &AnalysisOptions::counties));
  AddHtmlFlag(spec.flags, At(An(), &AnalysisOptions::html_path));
  spec.validate = [](const Invocation& inv) -> absl::Status {
    const AnalysisOptions& an = inv.analysis;
    RETURN_IF_ERROR(ValidateAnalysisInput("analyze coverage", an, true));
    return UsageErrorIf(an.minutes.empty() && an.miles.empty(),
                        "analyze coverage: give at least one threshold with --minutes and/or "
                        "--miles");
  };
  spec.run = [](const Invocation& inv, std::ostream& out, std::ostream& err) {
    return RunAnalyzeCoverage(inv.global, inv.analysis, out, err);
  };
  return spec;
}

// A pool of providers outside the network: --P (a stored network), --P-roster, --P-facilities
// (a CSV) and --P-where (its filters). recommend's candidates, analyze adequacy's supply.
void AddPoolFlags(FlagSet& flags, const std::string& p,
                  std::optional<SelectionFlags> AnalysisOptions::*pool, const std::string& noun) {
  const auto add = [&](std::string name, std::string value_name, std::string help,
                       std::optional<RosterFormat> format) {
    flags.Add(std::move(name), std::move(value_name), std::move(help),
              [p, pool, noun, format](Invocation& inv, absl::string_view origin,
                                      const std::string& value) {
                RETURN_IF_ERROR(UsageErrorIf((inv.analysis.*pool).has_value(),
                                             absl::StrCat("give one ", noun, ": --", p, ", --", p,
                                                          "-roster or --", p, "-facilities")));
                ASSIGN_OR_RETURN(inv.analysis.*pool, SelectionOf(origin, value, format));
                return absl::OkStatus();
              });
  };
  add(p, "ID[@VERSION]", absl::StrCat("the ", noun, ", a stored network"), std::nullopt);
  add(p + "-roster", "FILE", absl::StrCat("the ", noun, ", a roster CSV"), RosterFormat::kRoster);
  add(p + "-facilities", "FILE", absl::StrCat("the ", noun, ", a facility CSV"),
      RosterFormat::kFacilities);
  flags.Add(p + "-where", "COLUMN=VALUE", absl::StrCat("filter of the ", p, " file (repeatable)"),
            [p, pool](Invocation& inv, absl::string_view origin, const std::string& value) {
              std::optional<SelectionFlags>& selection = inv.analysis.*pool;
              RETURN_IF_ERROR(
                  UsageErrorIf(!selection || !selection->inline_roster,
                               absl::StrCat("--", p, "-where filters the --", p, "-roster or --", p,
                                            "-facilities file and must follow it")));
              ASSIGN_OR_RETURN(WhereClause clause, ParseWhere(origin, value));
              selection->inline_roster->where.push_back(std::move(clause));
              return absl::OkStatus();
            });
}

CommandSpec AnalyzeAdequacy() {
  CommandSpec spec = AnalysisSpec(
      Command::kAnalyzeAdequacy, "analyze", "adequacy", "--region R NETWORKS [options]",
      "CMS adequacy as in adequacy; for an alliance, the members whose leaving turns a passing "
      "result into a failing one, and a member summary. With a supply (providers outside the "
      "network, e.g. every open hospital of the state), each failing result gets exception "
      "evidence: the nearest supply providers of its type and whether any is within the "
      "standard.");
  spec.flags.Fips("counties", "LIST", "only these counties, as in adequacy",
                  At(An(), &AnalysisOptions::county_fips));
  spec.flags.Text("standards", "NAME", "standards set, as in adequacy",
                  At(An(), &AnalysisOptions::standards));
  spec.flags.Switch("failing-only", "only the failing results",
                    At(An(), &AnalysisOptions::failing_only));
  AddPoolFlags(spec.flags, "supply", &AnalysisOptions::supply, "supply");
  spec.flags.Add("evidence-providers", "N",
                 "exception evidence: the nearest N supply providers per failing result, 1 to "
                 "100 (server default 5)",
                 [](Invocation& inv, absl::string_view origin, const std::string& value) {
                   ASSIGN_OR_RETURN(inv.analysis.evidence_providers,
                                    ParseWholeNumber(origin, value, 1, 100));
                   return absl::OkStatus();
                 });
  spec.flags.Text("servicing-report", "FILE.csv",
                  "the Servicing Provider Report: per roster row, the counties it serves within "
                  "both standards, beneficiaries served and whether it counts toward the minimum "
                  "number (also in --format json)",
                  At(An(), &AnalysisOptions::servicing_report_path));
  AddHtmlFlag(spec.flags, At(An(), &AnalysisOptions::html_path));
  spec.validate = [](const Invocation& inv) -> absl::Status {
    RETURN_IF_ERROR(ValidateAnalysisInput("analyze adequacy", inv.analysis, true));
    return UsageErrorIf(inv.analysis.evidence_providers && !inv.analysis.supply,
                        "analyze adequacy: --evidence-providers needs a supply (--supply, "
                        "--supply-roster or --supply-facilities)");
  };
  spec.run = [](const Invocation& inv, std::ostream& out, std::ostream& err) {
    return RunAnalyzeAdequacy(inv.global, inv.analysis, out, err);
  };
  return spec;
}

void AddRecommendFlags(FlagSet& flags) {
  AddPoolFlags(flags, "candidates", &AnalysisOptions::candidates, "candidate pool");
  AddThresholdFlags(flags, "coverage objective: the bound (covered = within both)");
  flags.Add(
      "target-share", "S", "coverage objective: stop at this share, in [0, 1]",
      [](Invocation& inv, absl::string_view origin, const std::string& value) {
        ASSIGN_OR_RETURN(const double share, ParseNumber(origin, value));
        RETURN_IF_ERROR(UsageErrorIf(
            share < 0 || share > 1,
            absl::StrCat("--target-share: ", value, " is outside [0, 1] (a share: 0.8 for 80%)")));
        inv.analysis.target_share = share;
        return absl::OkStatus();
      });
  flags.Fips("counties", "LIST", "coverage objective: only these counties",
             At(An(), &AnalysisOptions::county_fips));
  flags.Add("adequacy-county", "FIPS", "adequacy objective: the county",
            [](Invocation& inv, absl::string_view origin, const std::string& value) {
              const std::string fips(absl::StripAsciiWhitespace(value));
              RETURN_IF_ERROR(CheckFips(origin, fips));
              inv.analysis.adequacy_county = fips;
              return absl::OkStatus();
            });
  flags.Add("adequacy-specialty", "CODE", "adequacy objective: the specialty",
            [](Invocation& inv, absl::string_view origin, const std::string& value) {
              RETURN_IF_ERROR(CheckNotBlank(origin, value));
              inv.analysis.adequacy_specialty = NormalizeSpecialtyCode(value);
              return absl::OkStatus();
            });
  flags.Text("standards", "NAME", "adequacy objective: the standards set",
             At(An(), &AnalysisOptions::standards));
  flags.Add("picks", "N", "at most N picks, 1 to 100 (server default 10)",
            [](Invocation& inv, absl::string_view origin, const std::string& value) {
              ASSIGN_OR_RETURN(inv.analysis.picks, ParseWholeNumber(origin, value, 1, 100));
              return absl::OkStatus();
            });
}

// The objective of recommend: coverage (--minutes / --miles) or adequacy, not both.
absl::Status ValidateObjective(const AnalysisOptions& an) {
  const bool coverage = !an.minutes.empty() || !an.miles.empty();
  const bool adequacy = !an.adequacy_county.empty() || !an.adequacy_specialty.empty();
  RETURN_IF_ERROR(UsageErrorIf(
      coverage && adequacy,
      "recommend: the coverage objective (--minutes / --miles) and the adequacy objective "
      "(--adequacy-county / --adequacy-specialty) exclude each other"));
  RETURN_IF_ERROR(
      UsageErrorIf(!coverage && !adequacy,
                   "recommend: give the objective: --minutes M and/or --miles D (coverage), or "
                   "--adequacy-county FIPS --adequacy-specialty CODE (adequacy)"));
  if (coverage) {
    RETURN_IF_ERROR(UsageErrorIf(an.minutes.size() > 1 || an.miles.size() > 1,
                                 "recommend: --minutes and --miles take one number each"));
    return UsageErrorIf(!an.standards.empty(),
                        "recommend: --standards applies to the adequacy objective only");
  }
  RETURN_IF_ERROR(UsageErrorIf(an.adequacy_county.empty() || an.adequacy_specialty.empty(),
                               "recommend: the adequacy objective needs both --adequacy-county "
                               "and --adequacy-specialty"));
  return UsageErrorIf(an.target_share || !an.county_fips.empty() || !an.specialty_codes.empty(),
                      "recommend: --target-share, --counties and --specialties apply to the "
                      "coverage objective only");
}

CommandSpec Recommend() {
  CommandSpec spec = AnalysisSpec(
      Command::kRecommend, "", "recommend", "--region R [NETWORKS] CANDIDATES OBJECTIVE [options]",
      "the additions from a candidate pool that most improve coverage or adequacy (NETWORKS "
      "optional: the current network). OBJECTIVE: coverage (--minutes M and/or --miles D, "
      "--target-share, --counties, --specialties) or adequacy (--adequacy-county FIPS "
      "--adequacy-specialty CODE [--standards NAME]).");
  AddRecommendFlags(spec.flags);
  AddHtmlFlag(spec.flags, At(An(), &AnalysisOptions::html_path));
  spec.validate = [](const Invocation& inv) -> absl::Status {
    const AnalysisOptions& an = inv.analysis;
    RETURN_IF_ERROR(ValidateAnalysisInput("recommend", an, false));
    RETURN_IF_ERROR(UsageErrorIf(!an.candidates,
                                 "recommend: give the candidate pool with --candidates "
                                 "ID[@VERSION], --candidates-roster FILE or "
                                 "--candidates-facilities FILE"));
    return ValidateObjective(an);
  };
  spec.run = [](const Invocation& inv, std::ostream& out, std::ostream& err) {
    return RunRecommend(inv.global, inv.analysis, out, err);
  };
  return spec;
}

CommandSpec AccessRatios() {
  CommandSpec spec = AnalysisSpec(
      Command::kAccessRatios, "", "access-ratios",
      "--region R NETWORK --catchment-minutes M [options]",
      "two-step floating catchment area access ratios, capacity per 1,000 residents. NETWORK: "
      "one --network, --roster or --facilities (what-ifs allowed).");
  spec.flags.Number("catchment-minutes", "M", "the catchment, in travel minutes (required)",
                    At(An(), &AnalysisOptions::catchment_minutes));
  spec.flags.Switch("capacity-from-beds", "a provider's capacity is its beds (when > 0), else 1",
                    At(An(), &AnalysisOptions::capacity_from_beds));
  spec.flags.Text("units-out", "FILE.csv",
                  "also write unit_id,county_fips,population,access_per_1000",
                  At(An(), &AnalysisOptions::units_out));
  spec.validate = [](const Invocation& inv) -> absl::Status {
    const AnalysisOptions& an = inv.analysis;
    RETURN_IF_ERROR(ValidateAnalysisInput("access-ratios", an, true));
    RETURN_IF_ERROR(
        UsageErrorIf(an.networks.size() > 1,
                     "access-ratios: give one network (one --network, --roster or --facilities)"));
    RETURN_IF_ERROR(
        UsageErrorIf(!an.catchment_minutes, "access-ratios: --catchment-minutes is required"));
    return UsageErrorIf(
        *an.catchment_minutes <= 0,
        absl::StrCat("--catchment-minutes: must be greater than 0, got ", *an.catchment_minutes));
  };
  spec.run = [](const Invocation& inv, std::ostream& out, std::ostream& err) {
    return RunAccessRatios(inv.global, inv.analysis, out, err);
  };
  return spec;
}

}  // namespace

void AddAnalysisCommands(std::vector<CommandSpec>& commands) {
  commands.push_back(AnalyzeCoverage());
  commands.push_back(AnalyzeAdequacy());
  commands.push_back(Recommend());
  commands.push_back(AccessRatios());
}

}  // namespace carereach::cli
