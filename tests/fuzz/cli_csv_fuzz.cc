// libFuzzer target: the CLI's CSV readers (clients/cli/facilities_csv.cc, roster_csv.cc):
// facility lists, rosters, facility files read as rosters, tract centres, --where clauses, the
// export line and the CSV-line notes added to server messages.
#include <fuzzer/FuzzedDataProvider.h>

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "clients/cli/facilities_csv.h"
#include "clients/cli/flags.h"
#include "clients/cli/roster_csv.h"
#include "geo/io/csv.h"

namespace cli = carereach::cli;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  FuzzedDataProvider fdp(data, size);
  const int reader = fdp.ConsumeIntegralInRange(0, 3);
  std::vector<cli::WhereClause> where;
  if (fdp.ConsumeBool()) {
    absl::StatusOr<cli::WhereClause> clause =
        cli::ParseWhere("--where", fdp.ConsumeRandomLengthString(64));
    if (clause.ok()) where.push_back(*clause);
  }
  const std::string specialty = fdp.ConsumeBool() ? cli::NormalizeSpecialtyCode("040") : "";
  const int message_index = fdp.ConsumeIntegralInRange(0, 64);
  absl::StatusOr<carereach::io::CsvTable> table =
      carereach::io::ParseCsv(fdp.ConsumeRemainingBytesAsString(), "fuzz.csv");
  if (!table.ok()) return 0;
  const std::string message = absl::StrCat("facilities[", message_index, "].location: bad");
  switch (reader) {
    case 0: {
      absl::StatusOr<cli::FacilityList> list =
          cli::FacilitiesFromTable(*table, cli::FacilityColumnFlags{}, where);
      if (!list.ok()) return 0;
      if (list->csv_lines.size() != list->facilities.size()) __builtin_trap();
      (void)cli::FacilitySummaryLine(*list, where);
      (void)cli::AddCsvLineToMessage(message, *list);
      break;
    }
    case 1: {
      absl::StatusOr<cli::Roster> roster =
          cli::RosterFromTable(*table, cli::RosterColumnFlags{}, where, specialty);
      if (!roster.ok()) return 0;
      if (roster->csv_lines.size() != roster->providers.size()) __builtin_trap();
      (void)cli::RosterSummary(*roster, where);
      for (const auto& p : roster->providers) (void)cli::ExportCsvLine(p);
      break;
    }
    case 2: {
      absl::StatusOr<cli::Roster> roster =
          cli::RosterFromFacilityTable(*table, cli::FacilityColumnFlags{}, "", where, "--where",
                                       specialty.empty() ? "040" : "007");
      if (!roster.ok()) return 0;
      (void)cli::RosterSummary(*roster, where, "add-facilities");
      break;
    }
    default:
      (void)cli::TractCentresFromTable(*table);
      break;
  }
  return 0;
}
