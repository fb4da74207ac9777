// The `adequacy` command as declared on the command line (shared_flags.h).
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "clients/cli/args.h"
#include "clients/cli/commands.h"
#include "clients/cli/flags.h"
#include "clients/cli/shared_flags.h"
#include "geo/core/status_macros.h"

namespace carereach::cli {
namespace {

void AddAdequacyFlags(CommandSpec& spec) {
  const Field<AdequacyOptions> adq = Of(&Invocation::adequacy);
  FlagSet& flags = spec.flags;
  flags.Text("region", "R", "region name, as listed by `carereach regions`",
             At(adq, &AdequacyOptions::region));
  flags.Text("network", "FILE.csv",
             "roster: one row per provider (or facility) and location, streamed to the server "
             "in batches of 5,000 rows",
             At(adq, &AdequacyOptions::network_path));
  flags.Where("where", "COLUMN=VALUE",
              "keep only rows whose COLUMN equals VALUE (repeatable; all must match)",
              At(adq, &AdequacyOptions::where));
  flags.Fips("counties", "LIST",
             "only these counties, 5-digit FIPS, comma-separated (default: all)",
             At(adq, &AdequacyOptions::county_fips));
  flags.Codes("specialties", "LIST",
              "only these specialty types, e.g. S03,040 (default: every type of the standards "
              "set); \"40\" means \"040\"",
              At(adq, &AdequacyOptions::specialty_codes));
  flags.Add("specialty", "CODE",
            "give every row this specialty code (a file without a specialty column, e.g. "
            "--specialty 040 with HIFLD hospitals)",
            [](Invocation& inv, absl::string_view origin, const std::string& value) {
              RETURN_IF_ERROR(CheckNotBlank(origin, value));
              inv.adequacy.specialty = NormalizeSpecialtyCode(value);
              return absl::OkStatus();
            });
  flags.Text("standards", "NAME", "standards set (server default cms-ma-cy2026)",
             At(adq, &AdequacyOptions::standards));
  AddTravelFlags(flags, At(adq, &AdequacyOptions::travel));
  AddRosterColumnFlags(flags, At(adq, &AdequacyOptions::columns));
  AddFormatFlag(spec, At(adq, &AdequacyOptions::format),
                {OutputFormat::kTable, OutputFormat::kCsv, OutputFormat::kJson});
  AddHtmlFlag(flags, At(adq, &AdequacyOptions::html_path));
  flags.Text("uncovered-out", "FILE.geojson",
             "also write the tracts without access of every result as GeoJSON points (tract "
             "centres from the Census file under --data-dir)",
             At(adq, &AdequacyOptions::uncovered_out));
  flags.Text("data-dir", "DIR",
             "shared data directory (default $CAREREACH_DATA, else ../shared/data)",
             At(adq, &AdequacyOptions::data_dir));
}

}  // namespace

void AddAdequacyCommands(std::vector<CommandSpec>& commands) {
  CommandSpec& spec = commands.emplace_back();
  spec.command = Command::kAdequacy;
  spec.name = "adequacy";
  spec.synopsis = "--region R --network FILE.csv [options]";
  spec.summary =
      "CMS Medicare Advantage network adequacy (time/distance and minimum number), county by "
      "county and specialty by specialty, of a network roster. Prints the \"Specialty Summary by "
      "County\", failing results first. Failing results still exit 0: the report is the answer.";
  AddAdequacyFlags(spec);
  spec.validate = [](const Invocation& inv) -> absl::Status {
    const AdequacyOptions& adq = inv.adequacy;
    RETURN_IF_ERROR(UsageErrorIf(adq.region.empty(), "adequacy: --region is required"));
    RETURN_IF_ERROR(
        UsageErrorIf(adq.network_path.empty(), "adequacy: --network FILE.csv is required"));
    RETURN_IF_ERROR(UsageErrorIf(!adq.specialty.empty() && !adq.columns.specialty.empty(),
                                 "--specialty and --specialty-column exclude each other"));
    return ValidateTravel(adq.travel);
  };
  spec.run = [](const Invocation& inv, std::ostream& out, std::ostream& err) {
    return RunAdequacy(inv.global, inv.adequacy, out, err);
  };
}

}  // namespace carereach::cli
