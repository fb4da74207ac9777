// The map commands as declared on the command line: map coverage, map adequacy, map isochrone,
// map report (shared_flags.h). Each takes its analysis' own input flags (analyze coverage,
// analyze adequacy, isochrone) and the picture's.
#include <cstdint>
#include <ostream>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "clients/cli/args.h"
#include "clients/cli/flags.h"
#include "clients/cli/map_commands.h"
#include "clients/cli/shared_flags.h"
#include "geo/core/status_macros.h"

namespace carereach::cli {
namespace {

constexpr char kMapGroup[] = "picture options";

Field<MapFlags> Map() { return Of(&Invocation::map); }

CommandSpec MapSpec(Command command, std::string name, std::string synopsis, std::string summary) {
  CommandSpec spec;
  spec.command = command;
  spec.group = "map";
  spec.name = std::move(name);
  spec.synopsis = std::move(synopsis);
  spec.summary = std::move(summary);
  return spec;
}

// --out, --width, --height, --title, and the kind's own: --specialty (adequacy), --color-by-miles
// (coverage).
void AddPictureFlags(FlagSet& flags, Command command) {
  const size_t first = flags.size();
  flags.Text("out", "FILE.png|FILE.svg",
             "where the map goes (required; via FILE.partial); PNG or SVG by the extension",
             At(Map(), &MapFlags::out_path));
  flags.Add("width", "PX", "picture width in pixels, 320 to 4096 (server default 1200)",
            [](Invocation& inv, absl::string_view origin, const std::string& value) {
              ASSIGN_OR_RETURN(inv.map.width_px, ParseWholeNumber(origin, value, 320, 4096));
              return absl::OkStatus();
            });
  flags.Add("height", "PX",
            "picture height in pixels, 240 to 4096 (server default 900); width x height at most "
            "8,388,608",
            [](Invocation& inv, absl::string_view origin, const std::string& value) {
              ASSIGN_OR_RETURN(inv.map.height_px, ParseWholeNumber(origin, value, 240, 4096));
              return absl::OkStatus();
            });
  flags.Text("title", "T", "the map's title (default: made by the server from the analysis)",
             At(Map(), &MapFlags::title));
  flags.SetGroup(first, kMapGroup);
  if (command == Command::kMapAdequacy) {
    flags.Add("specialty", "CODE",
              "the specialty type whose pass / fail fills the counties (default: the type with "
              "the most failing counties)",
              [](Invocation& inv, absl::string_view origin, const std::string& value) {
                RETURN_IF_ERROR(CheckNotBlank(origin, value));
                inv.map.specialty_code = NormalizeSpecialtyCode(value);
                return absl::OkStatus();
              });
  }
  if (command == Command::kMapCoverage) {
    flags.Switch("color-by-miles", "colour residents by miles (--miles) instead of minutes",
                 At(Map(), &MapFlags::color_by_miles));
  }
}

absl::Status ValidatePicture(absl::string_view command, const MapFlags& map) {
  RETURN_IF_ERROR(
      UsageErrorIf(map.out_path.empty(),
                   absl::StrCat(command, ": --out FILE.png or --out FILE.svg is required")));
  RETURN_IF_ERROR(MapFormatOfPath(map.out_path).status());
  const int64_t width_px = map.width_px == 0 ? 1200 : map.width_px;
  const int64_t height_px = map.height_px == 0 ? 900 : map.height_px;
  return UsageErrorIf(width_px * height_px > 8388608,
                      absl::StrCat(command, ": --width x --height is more than 8,388,608 pixels"));
}

CommandSpec MapCoverage() {
  CommandSpec spec = MapSpec(
      Command::kMapCoverage, "coverage",
      "--region R NETWORKS (--minutes LIST | --miles LIST) --out FILE.png|FILE.svg [options]",
      "a map of analyze coverage: residents as dots sized by population and coloured by minutes "
      "(or miles) to the nearest facility at the thresholds, facilities as markers, county "
      "outlines, roads in drive mode. Several NETWORKS draw the alliance, each member's "
      "facilities in its own colour.");
  AddAnalysisInputFlags(spec.flags);
  AddThresholdFlags(spec.flags, "thresholds (at least one; the legend's steps),");
  AddPictureFlags(spec.flags, spec.command);
  spec.validate = [](const Invocation& inv) -> absl::Status {
    RETURN_IF_ERROR(ValidateAnalysisInput("map coverage", inv.analysis, true));
    RETURN_IF_ERROR(
        UsageErrorIf(inv.analysis.minutes.empty() && inv.analysis.miles.empty(),
                     "map coverage: give at least one threshold with --minutes and/or --miles"));
    RETURN_IF_ERROR(UsageErrorIf(inv.map.color_by_miles && inv.analysis.miles.empty(),
                                 "map coverage: --color-by-miles needs --miles"));
    return ValidatePicture("map coverage", inv.map);
  };
  spec.run = [](const Invocation& inv, std::ostream& out, std::ostream& err) {
    return RunMapCoverage(inv.global, inv.analysis, inv.map, out, err);
  };
  return spec;
}

CommandSpec MapAdequacy() {
  CommandSpec spec = MapSpec(
      Command::kMapAdequacy, "adequacy", "--region R NETWORKS --out FILE.png|FILE.svg [options]",
      "a map of analyze adequacy for one specialty type: counties filled pass / fail, the "
      "beneficiaries without access as dots, the network's providers of the type as markers.");
  AddAnalysisInputFlags(spec.flags);
  spec.flags.Fips("counties", "LIST", "only these counties, as in adequacy",
                  At(Of(&Invocation::analysis), &AnalysisOptions::county_fips));
  spec.flags.Text("standards", "NAME", "standards set, as in adequacy",
                  At(Of(&Invocation::analysis), &AnalysisOptions::standards));
  AddPictureFlags(spec.flags, spec.command);
  spec.validate = [](const Invocation& inv) -> absl::Status {
    RETURN_IF_ERROR(ValidateAnalysisInput("map adequacy", inv.analysis, true));
    return ValidatePicture("map adequacy", inv.map);
  };
  spec.run = [](const Invocation& inv, std::ostream& out, std::ostream& err) {
    return RunMapAdequacy(inv.global, inv.analysis, inv.map, out, err);
  };
  return spec;
}

CommandSpec MapIsochrone() {
  CommandSpec spec =
      MapSpec(Command::kMapIsochrone, "isochrone",
              "--region R --facilities FILE.csv --minutes LIST --out FILE.png|FILE.svg [options]",
              "a map of isochrone: the areas reached by road within each threshold as translucent "
              "fills over the roads, the facilities as markers.");
  AddIsochroneInputFlags(spec.flags);
  AddPictureFlags(spec.flags, spec.command);
  spec.validate = [](const Invocation& inv) -> absl::Status {
    RETURN_IF_ERROR(ValidateIsochroneInput("map isochrone", inv.isochrone));
    return ValidatePicture("map isochrone", inv.map);
  };
  spec.run = [](const Invocation& inv, std::ostream& out, std::ostream& err) {
    return RunMapIsochrone(inv.global, inv.isochrone, inv.map, out, err);
  };
  return spec;
}

CommandSpec MapReport() {
  CommandSpec spec =
      MapSpec(Command::kMapReport, "report", "REPORT_ID --out FILE.png|FILE.svg [options]",
              "a map of a saved coverage or adequacy report, recomputed from the request it was "
              "saved with on the stored network versions it used (its title by default).");
  spec.positionals = {"REPORT_ID"};
  spec.set_positionals = [](Invocation& inv, const std::vector<std::string>& args) {
    inv.map.report_id = args[0];
    return absl::OkStatus();
  };
  AddPictureFlags(spec.flags, Command::kMapAdequacy);
  spec.validate = [](const Invocation& inv) { return ValidatePicture("map report", inv.map); };
  spec.run = [](const Invocation& inv, std::ostream& out, std::ostream& err) {
    return RunMapReport(inv.global, inv.map, out, err);
  };
  return spec;
}

}  // namespace

void AddMapCommands(std::vector<CommandSpec>& commands) {
  commands.push_back(MapCoverage());
  commands.push_back(MapAdequacy());
  commands.push_back(MapIsochrone());
  commands.push_back(MapReport());
}

}  // namespace carereach::cli
