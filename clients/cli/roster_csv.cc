#include "clients/cli/roster_csv.h"

#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <initializer_list>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/string_view.h"
#include "clients/cli/facilities_csv.h"
#include "clients/cli/output.h"
#include "geo/io/decimal.h"

namespace carereach::cli {
namespace {

// Each list holds carereach's own names, then the names of CMS's Provider and Facility HSD
// tables (hsd_tables.h), matched ignoring case.
const std::initializer_list<std::string_view> kIdNames = {
    "ID", "NPI", "provider_id", "facility_id", "National Provider Identifier (NPI) Number"};
const std::initializer_list<std::string_view> kNameNames = {
    "NAME", "provider_name", "facility_name", "Name of Physician or Mid-Level Practitioner",
    "Facility Name"};
// "Specialty Code" before "SPECIALTY": an HSD Provider table has both, the second holding the
// specialty's name.
const std::initializer_list<std::string_view> kSpecialtyNames = {
    "specialty_code", "Specialty Code", "SPECIALTY", "cms_specialty_code", "code"};
// As the facility reader.
const std::initializer_list<std::string_view> kLatNames = {"LATITUDE", "lat", "y"};
const std::initializer_list<std::string_view> kLonNames = {"LONGITUDE", "lon", "lng", "long", "x"};
const std::initializer_list<std::string_view> kBedsNames = {
    "BEDS", "Number of Staffed, Medicare-Certified Beds"};
const std::initializer_list<std::string_view> kTelehealthNames = {"telehealth"};
const std::initializer_list<std::string_view> kExclusionNames = {"exclusion"};

// "Pediatric hospital", "pediatric-hospital" -> "pediatric_hospital" (the server checks the code).
std::string NormalizeExclusion(absl::string_view text) {
  std::string code(absl::StripAsciiWhitespace(text));
  for (char& c : code) {
    c = (c == ' ' || c == '-') ? '_' : absl::ascii_tolower(static_cast<unsigned char>(c));
  }
  return code;
}
const std::initializer_list<std::string_view> kTypeNames = {
    "TYPE", "hospital.type", "facility_type", "Facility or Service Type"};
// Read only from a file with an SSA county code column (an HSD table, or an export): other
// rosters' address columns (HIFLD's CITY, STATE, ZIP) stay unread, as before schema 4.
const std::initializer_list<std::string_view> kSsaCountyNames = {"ssa_county_code",
                                                                 "SSA State/County Code"};
// A column of carereach.v1.HsdFields: its mutable accessor and names.
struct HsdColumn {
  std::string* (carereach::v1::HsdFields::*field)();
  std::initializer_list<std::string_view> names;
};
const HsdColumn kHsdColumns[] = {
    {&carereach::v1::HsdFields::mutable_ssa_county_code, kSsaCountyNames},
    {&carereach::v1::HsdFields::mutable_contract_type, {"contract_type", "Contract Type"}},
    {&carereach::v1::HsdFields::mutable_street_address,
     {"street_address", "Provider Service Address"}},
    {&carereach::v1::HsdFields::mutable_city, {"city"}},
    {&carereach::v1::HsdFields::mutable_state, {"state"}},
    {&carereach::v1::HsdFields::mutable_zip_code, {"zip_code", "Zip Code"}},
    {&carereach::v1::HsdFields::mutable_medical_group,
     {"medical_group", "Medical Group Affiliation"}},
};

absl::Status RowError(const io::CsvTable& table, const io::CsvRecord& record, int column,
                      absl::string_view what) {
  return absl::InvalidArgumentError(
      absl::StrCat(table.source, ":", record.line, ": column ", table.header[column], ": ", what));
}

absl::StatusOr<bool> ParseTelehealth(const io::CsvTable& table, const io::CsvRecord& record,
                                     int column) {
  const std::string text = absl::AsciiStrToLower(CsvFieldAt(record, column));
  if (text == "true" || text == "yes" || text == "1" || text == "y") return true;
  if (text.empty() || text == "false" || text == "no" || text == "0" || text == "n") return false;
  return RowError(
      table, record, column,
      absl::StrCat("'", CsvFieldAt(record, column), "' is not one of true/yes/1/Y, false/no/0/N"));
}

// Pads a Census code with leading zeros ("1" -> "01") where a spreadsheet dropped them.
std::string ZeroPadded(absl::string_view code, size_t width) {
  if (code.size() >= width) return std::string(code);
  return absl::StrCat(std::string(width - code.size(), '0'), code);
}

}  // namespace

absl::StatusOr<Roster> RosterFromTable(const io::CsvTable& table, const RosterColumnFlags& flags,
                                       const std::vector<WhereClause>& where,
                                       absl::string_view fixed_specialty,
                                       absl::string_view where_flag) {
  absl::StatusOr<int> id =
      ResolveColumn(table, "provider id", "--id-column", flags.id, kIdNames, true);
  if (!id.ok()) return id.status();
  absl::StatusOr<int> lat =
      ResolveColumn(table, "latitude", "--lat-column", flags.lat, kLatNames, true);
  if (!lat.ok()) return lat.status();
  absl::StatusOr<int> lon =
      ResolveColumn(table, "longitude", "--lon-column", flags.lon, kLonNames, true);
  if (!lon.ok()) return lon.status();
  absl::StatusOr<int> name =
      ResolveColumn(table, "name", "--name-column", flags.name, kNameNames, false);
  if (!name.ok()) return name.status();
  // --specialty replaces the column, so the column is only required without it.
  absl::StatusOr<int> specialty =
      ResolveColumn(table, "specialty code", "--specialty-column or --specialty CODE",
                    flags.specialty, kSpecialtyNames, fixed_specialty.empty());
  if (!specialty.ok()) return specialty.status();
  absl::StatusOr<int> beds =
      ResolveColumn(table, "beds", "--beds-column", flags.beds, kBedsNames, false);
  if (!beds.ok()) return beds.status();
  absl::StatusOr<int> telehealth = ResolveColumn(table, "telehealth", "--telehealth-column",
                                                 flags.telehealth, kTelehealthNames, false);
  if (!telehealth.ok()) return telehealth.status();
  absl::StatusOr<int> type =
      ResolveColumn(table, "type", "--type-column", flags.type, kTypeNames, false);
  if (!type.ok()) return type.status();
  // HSD layout: the Provider table's "Specialty" (the specialty's name) is the free-text type.
  const bool hsd_layout = table.FirstColumn(kSsaCountyNames) >= 0;
  if (hsd_layout && *type < 0 && flags.type.empty()) {
    const int named = table.Column("Specialty");
    if (named >= 0 && named != *specialty) type = named;
  }
  // The HSD fields' columns (-1: absent), read in an HSD layout only.
  std::vector<std::pair<const HsdColumn*, int>> hsd_columns;
  if (hsd_layout) {
    for (const HsdColumn& column : kHsdColumns) {
      const int index = table.FirstColumn(column.names);
      if (index >= 0) hsd_columns.emplace_back(&column, index);
    }
  }
  absl::StatusOr<int> exclusion = ResolveColumn(table, "exclusion", "--exclusion-column",
                                                flags.exclusion, kExclusionNames, false);
  if (!exclusion.ok()) return exclusion.status();

  absl::StatusOr<RowFilter> filter = RowFilter::Make(table, where, where_flag);
  if (!filter.ok()) return filter.status();

  Roster roster;
  roster.source = table.source;
  roster.columns.id = table.header[*id];
  roster.columns.lat = table.header[*lat];
  roster.columns.lon = table.header[*lon];
  if (*name >= 0) roster.columns.name = table.header[*name];
  if (*beds >= 0) roster.columns.beds = table.header[*beds];
  if (*telehealth >= 0) roster.columns.telehealth = table.header[*telehealth];
  if (*type >= 0) roster.columns.type = table.header[*type];
  if (*exclusion >= 0) roster.columns.exclusion = table.header[*exclusion];
  if (hsd_layout) {
    std::vector<bool> used(table.header.size(), false);
    for (const int column :
         {*id, *lat, *lon, *name, *specialty, *beds, *telehealth, *type, *exclusion}) {
      if (column >= 0) used[column] = true;
    }
    for (const auto& [column, index] : hsd_columns) used[index] = true;
    for (size_t c = 0; c < used.size(); ++c) {
      if (!used[c]) roster.unread_columns.push_back(table.header[c]);
    }
  }
  if (!fixed_specialty.empty()) {
    roster.fixed_specialty = std::string(fixed_specialty);
    if (*specialty >= 0) roster.ignored_specialty_column = table.header[*specialty];
  } else {
    roster.columns.specialty = table.header[*specialty];
  }
  roster.rows_read = static_cast<int64_t>(table.records.size());

  for (const io::CsvRecord& record : table.records) {
    if (!filter->Keep(record)) continue;

    absl::string_view provider_id = CsvFieldAt(record, *id);
    if (provider_id.empty()) return RowError(table, record, *id, "empty provider id");
    std::string code = std::string(fixed_specialty);
    if (code.empty()) {
      code = NormalizeSpecialtyCode(CsvFieldAt(record, *specialty));
      if (code.empty()) return RowError(table, record, *specialty, "empty specialty code");
    }
    absl::StatusOr<double> lat_value = ParseCoordinate(table, record, *lat);
    if (!lat_value.ok()) return lat_value.status();
    absl::StatusOr<double> lon_value = ParseCoordinate(table, record, *lon);
    if (!lon_value.ok()) return lon_value.status();
    double beds_value = 0;
    if (*beds >= 0) {
      absl::string_view text = CsvFieldAt(record, *beds);
      if (text.empty()) {
        // Only acute inpatient hospitals count in beds; an HSD Facility table leaves other rows'
        // beds empty.
        if (code == "040") ++roster.unknown_beds_rows;
      } else if (!io::ParseDecimal(text, &beds_value)) {
        return RowError(table, record, *beds, absl::StrCat("'", text, "' is not a number"));
      } else if (beds_value < 0) {
        beds_value = 0;
        if (code == "040") ++roster.unknown_beds_rows;
      }
    }
    bool telehealth_value = false;
    if (*telehealth >= 0) {
      absl::StatusOr<bool> parsed = ParseTelehealth(table, record, *telehealth);
      if (!parsed.ok()) return parsed.status();
      telehealth_value = *parsed;
    }

    carereach::v1::NetworkProvider& provider = roster.providers.emplace_back();
    provider.set_id(std::string(provider_id));
    if (*name >= 0) provider.set_name(std::string(CsvFieldAt(record, *name)));
    provider.set_specialty_code(std::move(code));
    provider.mutable_location()->set_lon(*lon_value);
    provider.mutable_location()->set_lat(*lat_value);
    provider.set_beds(beds_value);
    provider.set_telehealth(telehealth_value);
    if (*type >= 0) provider.set_type(std::string(CsvFieldAt(record, *type)));
    if (*exclusion >= 0) provider.set_exclusion(NormalizeExclusion(CsvFieldAt(record, *exclusion)));
    for (const auto& [column, index] : hsd_columns) {
      const absl::string_view text = CsvFieldAt(record, index);
      if (!text.empty()) *(provider.mutable_hsd()->*(column->field))() = std::string(text);
    }
    roster.csv_lines.push_back(record.line);
  }
  return roster;
}

absl::StatusOr<Roster> ReadRosterCsv(const std::string& path, const RosterColumnFlags& flags,
                                     const std::vector<WhereClause>& where,
                                     absl::string_view fixed_specialty,
                                     absl::string_view where_flag) {
  absl::StatusOr<io::CsvTable> table = io::ReadCsvFile(path);
  if (!table.ok()) return table.status();
  return RosterFromTable(*table, flags, where, fixed_specialty, where_flag);
}

absl::StatusOr<Roster> ReadRosterSource(const RosterSource& source, const RosterReadOptions& read,
                                        absl::string_view label, absl::string_view where_flag,
                                        std::ostream& err) {
  absl::StatusOr<Roster> roster =
      source.format == RosterFormat::kFacilities
          ? ReadFacilityRosterCsv(source.path, read.facility_columns, read.roster_columns.beds,
                                  source.where, where_flag, read.facility_specialty)
          : ReadRosterCsv(source.path, read.roster_columns, source.where, "", where_flag);
  if (!roster.ok()) return roster.status();
  err << RosterSummary(*roster, source.where, label);
  if (roster->providers.empty()) {
    return absl::InvalidArgumentError(absl::StrCat("no rows to send: ", source.path, " has ",
                                                   roster->rows_read, " rows and none matched the ",
                                                   where_flag, " filters"));
  }
  return roster;
}

absl::StatusOr<Roster> RosterFromFacilityTable(const io::CsvTable& table,
                                               const FacilityColumnFlags& columns,
                                               absl::string_view beds_column,
                                               const std::vector<WhereClause>& where,
                                               absl::string_view where_flag,
                                               absl::string_view specialty_code) {
  absl::StatusOr<FacilityList> facilities = FacilitiesFromTable(table, columns, where, where_flag);
  if (!facilities.ok()) return facilities.status();
  absl::StatusOr<int> beds =
      ResolveColumn(table, "beds", "--beds-column", std::string(beds_column), kBedsNames, false);
  if (!beds.ok()) return beds.status();
  // Only acute inpatient hospitals count in beds; other rows keep 0 whatever the file says.
  const bool count_beds = specialty_code == "040" && *beds >= 0;

  Roster roster;
  roster.source = facilities->source;
  roster.columns.id = facilities->columns.id;
  roster.columns.name = facilities->columns.name;
  roster.columns.lat = facilities->columns.lat;
  roster.columns.lon = facilities->columns.lon;
  roster.columns.type = facilities->columns.type;
  if (count_beds) roster.columns.beds = table.header[*beds];
  roster.fixed_specialty = std::string(specialty_code);
  roster.fixed_specialty_flag = "--specialty-code";
  roster.rows_read = facilities->rows_read;
  roster.csv_lines = facilities->csv_lines;
  roster.providers.reserve(facilities->facilities.size());

  // The kept rows' records, found by line: both lists are in file order.
  auto record = table.records.begin();
  for (size_t i = 0; i < facilities->facilities.size(); ++i) {
    const carereach::v1::Facility& facility = facilities->facilities[i];
    carereach::v1::NetworkProvider& provider = roster.providers.emplace_back();
    provider.set_id(facility.id());
    provider.set_name(facility.name());
    provider.set_specialty_code(std::string(specialty_code));
    *provider.mutable_location() = facility.location();
    provider.set_type(facility.type());
    if (!count_beds) continue;
    while (record->line != facilities->csv_lines[i]) ++record;
    const absl::string_view text = CsvFieldAt(*record, *beds);
    double beds_value = 0;
    if (text.empty()) {
      ++roster.unknown_beds_rows;
    } else if (!io::ParseDecimal(text, &beds_value)) {
      return RowError(table, *record, *beds, absl::StrCat("'", text, "' is not a number"));
    } else if (beds_value < 0) {
      beds_value = 0;
      ++roster.unknown_beds_rows;
    }
    provider.set_beds(beds_value);
  }
  return roster;
}

absl::StatusOr<Roster> ReadFacilityRosterCsv(const std::string& path,
                                             const FacilityColumnFlags& columns,
                                             absl::string_view beds_column,
                                             const std::vector<WhereClause>& where,
                                             absl::string_view where_flag,
                                             absl::string_view specialty_code) {
  absl::StatusOr<io::CsvTable> table = io::ReadCsvFile(path);
  if (!table.ok()) return table.status();
  return RosterFromFacilityTable(*table, columns, beds_column, where, where_flag, specialty_code);
}

std::string RosterSummary(const Roster& roster, const std::vector<WhereClause>& where,
                          absl::string_view label) {
  std::string text = absl::StrCat(label, ": kept ", roster.providers.size(), " of ",
                                  roster.rows_read, " rows of ", BaseName(roster.source));
  if (!where.empty()) {
    absl::StrAppend(&text, " (",
                    absl::StrJoin(where, ", ",
                                  [](std::string* out, const WhereClause& clause) {
                                    absl::StrAppend(out, WhereText(clause));
                                  }),
                    ")");
  }
  if (!roster.fixed_specialty.empty()) {
    absl::StrAppend(&text, "; specialty ", roster.fixed_specialty, " for every row (",
                    roster.fixed_specialty_flag);
    if (!roster.ignored_specialty_column.empty()) {
      absl::StrAppend(&text, "; column ", roster.ignored_specialty_column, " ignored");
    }
    absl::StrAppend(&text, ")");
  }
  absl::StrAppend(&text, "\n");
  if (!roster.unread_columns.empty()) {
    absl::StrAppend(&text, label,
                    ": note: HSD columns not read (carereach keeps no field for them): ",
                    absl::StrJoin(roster.unread_columns, ", "), "\n");
  }
  if (roster.unknown_beds_rows > 0) {
    absl::StrAppend(&text, label, ": note: ", roster.unknown_beds_rows, " of ",
                    roster.providers.size(), " rows have no usable ", roster.columns.beds,
                    " value (negative, e.g. -999, or empty: unknown); sent as 0 beds\n");
  }
  return text;
}

std::string RoundTripNumber(double value) {
  char buffer[64];
  const std::to_chars_result result = std::to_chars(buffer, buffer + sizeof(buffer), value);
  return std::string(buffer, result.ptr);
}

std::string ExportCsvLine(const carereach::v1::NetworkProvider& provider) {
  return absl::StrCat(
      CsvField(provider.id()), ",", CsvField(provider.name()), ",",
      CsvField(provider.specialty_code()), ",", RoundTripNumber(provider.location().lon()), ",",
      RoundTripNumber(provider.location().lat()), ",", RoundTripNumber(provider.beds()), ",",
      provider.telehealth() ? "true" : "false", ",", CsvField(provider.type()), ",",
      CsvField(provider.exclusion()), ",", CsvField(provider.hsd().ssa_county_code()), ",",
      CsvField(provider.hsd().contract_type()), ",", CsvField(provider.hsd().street_address()), ",",
      CsvField(provider.hsd().city()), ",", CsvField(provider.hsd().state()), ",",
      CsvField(provider.hsd().zip_code()), ",", CsvField(provider.hsd().medical_group()), "\n");
}

absl::StatusOr<TractCentres> TractCentresFromTable(const io::CsvTable& table) {
  int columns[5];
  const char* const kNames[5] = {"STATEFP", "COUNTYFP", "TRACTCE", "LATITUDE", "LONGITUDE"};
  for (int i = 0; i < 5; ++i) {
    columns[i] = table.Column(kNames[i]);
    if (columns[i] < 0) {
      return absl::InvalidArgumentError(
          absl::StrCat(table.source, ": no column ", kNames[i], "; columns: ", HeaderList(table)));
    }
  }
  TractCentres centres;
  centres.reserve(table.records.size());
  for (const io::CsvRecord& record : table.records) {
    absl::StatusOr<double> lat = ParseCoordinate(table, record, columns[3]);
    if (!lat.ok()) return lat.status();
    absl::StatusOr<double> lon = ParseCoordinate(table, record, columns[4]);
    if (!lon.ok()) return lon.status();
    std::string geoid = absl::StrCat(ZeroPadded(CsvFieldAt(record, columns[0]), 2),
                                     ZeroPadded(CsvFieldAt(record, columns[1]), 3),
                                     ZeroPadded(CsvFieldAt(record, columns[2]), 6));
    centres[std::move(geoid)] = LonLatDegrees{*lon, *lat};
  }
  return centres;
}

absl::StatusOr<TractCentres> ReadTractCentres(const std::string& path) {
  absl::StatusOr<io::CsvTable> table = io::ReadCsvFile(path);
  if (!table.ok()) return table.status();
  return TractCentresFromTable(*table);
}

std::string DataDir(absl::string_view flag) {
  if (!flag.empty()) return std::string(flag);
  const char* env = std::getenv("CAREREACH_DATA");
  if (env != nullptr && *env != '\0') return env;
  return "../shared/data";
}

}  // namespace carereach::cli
