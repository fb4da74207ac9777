#include "clients/cli/hsd_tables.h"

#include <span>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "clients/cli/facilities_csv.h"
#include "clients/cli/output.h"
#include "geo/io/csv.h"

namespace carereach::cli {
namespace {

// The CMS columns of each table, in CMS's order (the names RosterFromTable knows), then ours.
constexpr absl::string_view kProviderColumns[] = {
    "SSA State/County Code",
    "Name of Physician or Mid-Level Practitioner",
    "National Provider Identifier (NPI) Number",
    "Specialty",
    "Specialty Code",
    "Contract Type",
    "Provider Service Address",
    "City",
    "State",
    "Zip Code",
    "Medical Group Affiliation",
};
constexpr absl::string_view kFacilityColumns[] = {
    "SSA State/County Code",
    "Facility or Service Type",
    "Specialty Code",
    "National Provider Identifier (NPI) Number",
    "Number of Staffed, Medicare-Certified Beds",
    "Facility Name",
    "Provider Service Address",
    "City",
    "State",
    "Zip Code",
    "Contract Type",
};
constexpr absl::string_view kAddedColumns[] = {"Latitude", "Longitude", "Telehealth", "Exclusion"};

bool IsFacilityCode(absl::string_view code) {
  return code.size() == 3 && code >= "040" && code <= "068";
}

std::string Beds(const carereach::v1::NetworkProvider& p) {
  if (p.beds() == 0 && p.specialty_code() != "040") return "";
  return RoundTripNumber(p.beds());
}

}  // namespace

absl::string_view HsdTableName(HsdTable table) {
  return table == HsdTable::kFacility ? "Facility" : "Provider";
}

HsdTable HsdTableOf(const carereach::v1::NetworkProvider& provider) {
  return IsFacilityCode(provider.specialty_code()) ? HsdTable::kFacility : HsdTable::kProvider;
}

absl::StatusOr<Roster> ReadHsdTable(const std::string& path, HsdTable table,
                                    const RosterColumnFlags& flags) {
  absl::StatusOr<io::CsvTable> csv = io::ReadCsvFile(path);
  if (!csv.ok()) return csv.status();
  if (csv->Column("SSA State/County Code") < 0) {
    return absl::InvalidArgumentError(
        absl::StrCat(path, ": not an HSD ", HsdTableName(table),
                     " table: no SSA State/County Code column; columns: ", HeaderList(*csv)));
  }
  absl::StatusOr<Roster> roster = RosterFromTable(*csv, flags, {}, "");
  if (!roster.ok()) return roster.status();
  for (size_t i = 0; i < roster->providers.size(); ++i) {
    const carereach::v1::NetworkProvider& p = roster->providers[i];
    const HsdTable kind = HsdTableOf(p);
    if (kind != table) {
      return absl::InvalidArgumentError(absl::StrCat(
          path, ":", roster->csv_lines[i], ": specialty code ", p.specialty_code(), " is ",
          kind == HsdTable::kFacility ? "a facility type" : "not a facility type (040..068)",
          "; it belongs in the ", HsdTableName(kind), " table"));
    }
  }
  return roster;
}

std::string HsdHeader(HsdTable table) {
  std::string line;
  const auto columns =
      table == HsdTable::kFacility ? std::span(kFacilityColumns) : std::span(kProviderColumns);
  for (absl::string_view name : columns) absl::StrAppend(&line, CsvField(name), ",");
  absl::StrAppend(&line, absl::StrJoin(kAddedColumns, ","), "\n");
  return line;
}

std::string HsdLine(HsdTable table, const carereach::v1::NetworkProvider& p) {
  const carereach::v1::HsdFields& h = p.hsd();
  std::string line;
  if (table == HsdTable::kFacility) {
    line = absl::StrCat(CsvField(h.ssa_county_code()), ",", CsvField(p.type()), ",",
                        CsvField(p.specialty_code()), ",", CsvField(p.id()), ",", Beds(p), ",",
                        CsvField(p.name()), ",", CsvField(h.street_address()), ",",
                        CsvField(h.city()), ",", CsvField(h.state()), ",", CsvField(h.zip_code()),
                        ",", CsvField(h.contract_type()));
  } else {
    line = absl::StrCat(
        CsvField(h.ssa_county_code()), ",", CsvField(p.name()), ",", CsvField(p.id()), ",",
        CsvField(p.type()), ",", CsvField(p.specialty_code()), ",", CsvField(h.contract_type()),
        ",", CsvField(h.street_address()), ",", CsvField(h.city()), ",", CsvField(h.state()), ",",
        CsvField(h.zip_code()), ",", CsvField(h.medical_group()));
  }
  absl::StrAppend(&line, ",", RoundTripNumber(p.location().lat()), ",",
                  RoundTripNumber(p.location().lon()), ",", p.telehealth() ? "Y" : "N", ",",
                  CsvField(p.exclusion()), "\n");
  return line;
}

}  // namespace carereach::cli
