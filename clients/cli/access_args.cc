// The AccessService commands as declared on the command line: regions, coverage, isochrone,
// matrix (shared_flags.h).
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "clients/cli/args.h"
#include "clients/cli/commands.h"
#include "clients/cli/flags.h"
#include "clients/cli/shared_flags.h"
#include "geo/core/status_macros.h"

namespace carereach::cli {
namespace {

CommandSpec Regions() {
  CommandSpec spec{.command = Command::kRegions, .name = "regions"};
  spec.synopsis = "[--format table|csv|json]";
  spec.summary =
      "lists the server's regions (name, counties, tracts, population, modes, description).";
  AddFormatFlag(spec, At(Of(&Invocation::regions), &RegionsOptions::format),
                {OutputFormat::kTable, OutputFormat::kCsv, OutputFormat::kJson});
  spec.run = [](const Invocation& inv, std::ostream& out, std::ostream&) {
    return RunRegions(inv.global, inv.regions, out);
  };
  return spec;
}

CommandSpec Coverage() {
  CommandSpec spec{.command = Command::kCoverage, .name = "coverage"};
  spec.synopsis = "--region R --facilities FILE.csv (--minutes LIST | --miles LIST) [options]";
  spec.summary = "share of a region's residents within each threshold of the nearest facility.";
  const Field<CoverageOptions> cov = Of(&Invocation::coverage);
  FlagSet& flags = spec.flags;
  flags.Text("region", "R", "region name, as listed by `carereach regions`",
             At(cov, &CoverageOptions::region));
  flags.Text("facilities", "FILE.csv", "facility list; one row per facility",
             At(cov, &CoverageOptions::facilities_path));
  flags.Where("where", "COLUMN=VALUE",
              "keep only rows whose COLUMN equals VALUE (repeatable; all must match); --where "
              "COLUMN~TEXT keeps rows whose COLUMN contains TEXT, ignoring case; TEXT may list "
              "alternatives: 'NAME~MERCY HEALTH|ST JOSEPH MERCY'",
              At(cov, &CoverageOptions::where));
  flags.Numbers("minutes", "LIST", "time thresholds in minutes, comma-separated (e.g. 10,20,30)",
                At(cov, &CoverageOptions::minutes));
  flags.Numbers("miles", "LIST",
                "distance thresholds in miles, comma-separated (e.g. 5,10); at least one of "
                "--minutes / --miles is required",
                At(cov, &CoverageOptions::miles));
  AddTravelFlags(flags, At(cov, &CoverageOptions::travel));
  AddFacilityColumnFlags(flags, At(cov, &CoverageOptions::columns));
  AddFormatFlag(spec, At(cov, &CoverageOptions::format),
                {OutputFormat::kTable, OutputFormat::kCsv, OutputFormat::kJson});
  flags.Switch("counties", "table format: add the per-county table (csv and json always have it)",
               At(cov, &CoverageOptions::counties));
  flags.Text("units-out", "FILE.csv", "also write one row per population unit (tract) to FILE.csv",
             At(cov, &CoverageOptions::units_out));
  spec.validate = [](const Invocation& inv) -> absl::Status {
    const CoverageOptions& cov = inv.coverage;
    RETURN_IF_ERROR(UsageErrorIf(cov.region.empty(), "coverage: --region is required"));
    RETURN_IF_ERROR(
        UsageErrorIf(cov.facilities_path.empty(), "coverage: --facilities FILE.csv is required"));
    RETURN_IF_ERROR(
        UsageErrorIf(cov.minutes.empty() && cov.miles.empty(),
                     "coverage: give at least one threshold with --minutes and/or --miles"));
    return ValidateTravel(cov.travel);
  };
  spec.run = [](const Invocation& inv, std::ostream& out, std::ostream& err) {
    return RunCoverage(inv.global, inv.coverage, out, err);
  };
  return spec;
}

CommandSpec Isochrone() {
  CommandSpec spec{.command = Command::kIsochrone, .name = "isochrone"};
  spec.synopsis = "--region R --facilities FILE.csv --minutes LIST [--out FILE.geojson] [options]";
  spec.summary =
      "the area reachable by road within each threshold of any of the facilities, as a GeoJSON "
      "FeatureCollection (one Feature per threshold, coordinates [lon, lat]). Maps made from "
      "isochrones must credit the road data: \"© OpenStreetMap contributors\" (ODbL).";
  AddIsochroneInputFlags(spec.flags);
  spec.flags.Text("out", "FILE.geojson",
                  "write the GeoJSON to FILE (via FILE.partial) and print a summary; without it "
                  "the GeoJSON goes to stdout",
                  At(Of(&Invocation::isochrone), &IsochroneOptions::out_path));
  spec.validate = [](const Invocation& inv) {
    return ValidateIsochroneInput("isochrone", inv.isochrone);
  };
  spec.run = [](const Invocation& inv, std::ostream& out, std::ostream& err) {
    return RunIsochrone(inv.global, inv.isochrone, out, err);
  };
  return spec;
}

CommandSpec Matrix() {
  CommandSpec spec{.command = Command::kMatrix, .name = "matrix"};
  spec.synopsis = "--region R --origins FILE.csv --destinations FILE.csv [options]";
  spec.summary =
      "drive minutes and road miles from every origin to every destination, streamed one origin "
      "row at a time. --format table: minutes, origins x destinations (at most 20 "
      "destinations); csv: origin_id,destination_id,minutes,miles; json: one object.";
  const Field<MatrixOptions> mat = Of(&Invocation::matrix);
  FlagSet& flags = spec.flags;
  flags.Text("region", "R", "region with a road network", At(mat, &MatrixOptions::region));
  flags.Text("origins", "FILE.csv", "origin facilities", At(mat, &MatrixOptions::origins_path));
  flags.Text("destinations", "FILE.csv",
             "destination facilities (the column flags apply to both files)",
             At(mat, &MatrixOptions::destinations_path));
  flags.Where("origins-where", "COLUMN=VALUE",
              "filter of the origins file, as --where in coverage (repeatable)",
              At(mat, &MatrixOptions::origins_where));
  flags.Where("destinations-where", "COLUMN=VALUE",
              "filter of the destinations file, as --where in coverage (repeatable)",
              At(mat, &MatrixOptions::destinations_where));
  flags.Number("max-minutes", "N",
               "search bound in minutes; pairs beyond it are unreached (server default 120)",
               At(mat, &MatrixOptions::max_minutes));
  AddFormatFlag(spec, At(mat, &MatrixOptions::format),
                {OutputFormat::kTable, OutputFormat::kCsv, OutputFormat::kJson});
  AddDriveFlags(flags, At(mat, &MatrixOptions::drive));
  AddFacilityColumnFlags(flags, At(mat, &MatrixOptions::columns));
  spec.validate = [](const Invocation& inv) -> absl::Status {
    const MatrixOptions& mat = inv.matrix;
    RETURN_IF_ERROR(UsageErrorIf(mat.region.empty(), "matrix: --region is required"));
    RETURN_IF_ERROR(
        UsageErrorIf(mat.origins_path.empty(), "matrix: --origins FILE.csv is required"));
    return UsageErrorIf(mat.destinations_path.empty(),
                        "matrix: --destinations FILE.csv is required");
  };
  spec.run = [](const Invocation& inv, std::ostream& out, std::ostream& err) {
    return RunMatrix(inv.global, inv.matrix, out, err);
  };
  return spec;
}

}  // namespace

void AddIsochroneInputFlags(FlagSet& flags) {
  const Field<IsochroneOptions> iso = Of(&Invocation::isochrone);
  flags.Text("region", "R", "region with a road network", At(iso, &IsochroneOptions::region));
  flags.Text("facilities", "FILE.csv", "start points", At(iso, &IsochroneOptions::facilities_path));
  flags.Where("where", "COLUMN=VALUE", "filter of the facilities, as in coverage (repeatable)",
              At(iso, &IsochroneOptions::where));
  flags.Numbers("minutes", "LIST",
                "thresholds in minutes, comma-separated (server: each in (0, 240], at most 8)",
                At(iso, &IsochroneOptions::minutes));
  flags.Number("buffer-meters", "M",
               "half-width of the band drawn around reached roads, in metres (server: [10, "
               "2000], default 150)",
               At(iso, &IsochroneOptions::buffer_meters));
  AddDriveFlags(flags, At(iso, &IsochroneOptions::drive));
  AddFacilityColumnFlags(flags, At(iso, &IsochroneOptions::columns));
}

absl::Status ValidateIsochroneInput(absl::string_view command, const IsochroneOptions& iso) {
  RETURN_IF_ERROR(
      UsageErrorIf(iso.region.empty(), absl::StrCat(command, ": --region is required")));
  RETURN_IF_ERROR(UsageErrorIf(iso.facilities_path.empty(),
                               absl::StrCat(command, ": --facilities FILE.csv is required")));
  return UsageErrorIf(iso.minutes.empty(),
                      absl::StrCat(command, ": give at least one threshold with --minutes"));
}

void AddAccessCommands(std::vector<CommandSpec>& commands) {
  commands.push_back(Regions());
  commands.push_back(Coverage());
  commands.push_back(Isochrone());
  commands.push_back(Matrix());
}

}  // namespace carereach::cli
