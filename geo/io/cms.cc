#include "geo/io/cms.h"

#include <algorithm>
#include <functional>
#include <initializer_list>
#include <iterator>
#include <limits>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "geo/core/status_macros.h"
#include "geo/io/csv.h"
#include "geo/io/row_parsing.h"

namespace carereach::io {
namespace {

// Debian's Abseil has its own absl::string_view, which std::string_view does not convert to.
absl::string_view AsAbsl(std::string_view s) { return absl::string_view(s.data(), s.size()); }

}  // namespace

// Everything Load read; shared const by the copies of a StandardsSet.
struct StandardsSet::Tables {
  std::vector<CmsCounty> counties;                        // by FIPS
  std::vector<SpecialtyType> specialties;                 // file order
  absl::flat_hash_map<std::string, int> county_index;     // FIPS -> counties
  absl::flat_hash_map<std::string, int> specialty_index;  // code -> specialties
  // criteria[county * specialties.size() + specialty]
  std::vector<std::optional<CountyCriterion>> criteria;

  std::optional<int> CountyIndex(std::string_view fips) const {
    auto it = county_index.find(AsAbsl(fips));
    if (it == county_index.end()) return std::nullopt;
    return it->second;
  }
  std::optional<int> SpecialtyIndex(std::string_view code) const {
    auto it = specialty_index.find(AsAbsl(code));
    if (it == specialty_index.end()) return std::nullopt;
    return it->second;
  }
  size_t CriterionSlot(int county, int specialty) const {
    return static_cast<size_t>(county) * specialties.size() + static_cast<size_t>(specialty);
  }
};

namespace {

using internal::CheckFieldCount;
using internal::LoadKeyedRows;
using internal::ParseCode;
using internal::ParseCount;
using internal::ParseNonNegative;
using internal::ParseStateCode;
using internal::ParseText;

// A specialty code exactly as written ("S03", "007"): letters and digits only, never
// reinterpreted as a number.
absl::StatusOr<std::string> ParseSpecialtyCode(const CsvTable& table, int column,
                                               absl::string_view value) {
  value = absl::StripAsciiWhitespace(value);
  const std::string& name = table.header[column];
  if (value.empty()) return absl::InvalidArgumentError(absl::StrCat(name, " is empty"));
  for (char c : value) {
    if (!absl::ascii_isalnum(static_cast<unsigned char>(c))) {
      return absl::InvalidArgumentError(
          absl::StrCat(name, ": \"", value, "\" is not a specialty code (letters and digits)"));
    }
  }
  return std::string(value);
}

absl::StatusOr<CountyDesignation> ParseDesignationField(const CsvTable& table, int column,
                                                        absl::string_view value) {
  absl::StatusOr<CountyDesignation> designation =
      ParseCountyDesignation(std::string_view(value.data(), value.size()));
  if (!designation.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat(table.header[column], ": ", designation.status().message()));
  }
  return designation;
}

constexpr std::string_view kPrimaryCareCode = "S03";
// Roster codes evaluated together as S03.
constexpr std::string_view kPrimaryCareRosterCodes[] = {"001", "002", "003", "004", "005", "006"};

// --- ma_time_distance_standards.csv ------------------------------------------------------------

enum StandardColumn { kStdCode, kStdName, kStdKind, kStdFirstValue };
absl::StatusOr<bool> ParseKind(const CsvTable& table, int column, absl::string_view value) {
  value = absl::StripAsciiWhitespace(value);
  if (value == "provider") return false;
  if (value == "facility") return true;
  return absl::InvalidArgumentError(
      absl::StrCat(table.header[column], ": \"", value, "\" is neither provider nor facility"));
}

absl::StatusOr<SpecialtyType> ParseStandard(const CsvTable& table, const CsvRecord& record,
                                            const std::vector<int>& col) {
  RETURN_IF_ERROR(CheckFieldCount(table, record));
  SpecialtyType type;
  ASSIGN_OR_RETURN(type.code,
                   ParseSpecialtyCode(table, col[kStdCode], record.fields[col[kStdCode]]));
  ASSIGN_OR_RETURN(type.name, ParseText(table, col[kStdName], record.fields[col[kStdName]]));
  ASSIGN_OR_RETURN(type.facility, ParseKind(table, col[kStdKind], record.fields[col[kStdKind]]));
  for (int d = 0; d < kCountyDesignationCount; ++d) {
    const int minutes_column = col[kStdFirstValue + 2 * d];
    const int miles_column = col[kStdFirstValue + 2 * d + 1];
    ASSIGN_OR_RETURN(type.base_max_minutes[d],
                     ParseNonNegative(table, minutes_column, record.fields[minutes_column]));
    ASSIGN_OR_RETURN(type.base_max_miles[d],
                     ParseNonNegative(table, miles_column, record.fields[miles_column]));
  }
  return type;
}

// --- ma_min_provider_ratios.csv ----------------------------------------------------------------

enum RatioColumn { kRatioCode, kRatioKind, kRatioUnit, kRatioFirstValue };

struct RatioRow {
  int specialty = 0;  // index into the specialties
  bool in_beds = false;
  double per_1000[kCountyDesignationCount] = {};
};

// ---- shared by the county-level files ----------------------------------------------------------

// The loaded county a row names by SSA code and FIPS, or why it cannot be used.
absl::StatusOr<int> ParseCountyRef(const CsvTable& table, const CsvRecord& record, int ssa_column,
                                   int fips_column, const std::vector<CmsCounty>& counties,
                                   const absl::flat_hash_map<std::string, int>& county_index) {
  ASSIGN_OR_RETURN(std::string ssa, ParseCode(table, ssa_column, record.fields[ssa_column], 5));
  if (absl::StripAsciiWhitespace(record.fields[fips_column]).empty()) {
    return absl::InvalidArgumentError(absl::StrCat(
        table.header[fips_column], " is empty: SSA county ", ssa, " has no FIPS code (territory)"));
  }
  ASSIGN_OR_RETURN(std::string fips, ParseCode(table, fips_column, record.fields[fips_column], 5));
  auto it = county_index.find(fips);
  if (it == county_index.end()) {
    return absl::InvalidArgumentError(absl::StrCat(table.header[fips_column], ": county ", fips,
                                                   " is not in ", StandardsSet::kDesignationsFile));
  }
  const CmsCounty& county = counties[it->second];
  if (county.ssa_code != ssa) {
    return absl::InvalidArgumentError(
        absl::StrCat("SSA county ", ssa, " maps to FIPS ", fips, ", which is loaded as SSA county ",
                     county.ssa_code, " (the designations row of ", ssa, " was skipped)"));
  }
  return it->second;
}

absl::StatusOr<int> ParseKnownSpecialty(
    const CsvTable& table, int column, absl::string_view value,
    const absl::flat_hash_map<std::string, int>& specialty_index) {
  ASSIGN_OR_RETURN(std::string code, ParseSpecialtyCode(table, column, value));
  auto it = specialty_index.find(code);
  if (it == specialty_index.end()) {
    return absl::InvalidArgumentError(absl::StrCat(table.header[column], ": \"", code,
                                                   "\" is not in ", StandardsSet::kStandardsFile));
  }
  return it->second;
}

// --- ma_hsd_county_designations_cy2026.csv -----------------------------------------------------

enum DesignationColumn {
  kDesSsa,
  kDesFips,
  kDesState,
  kDesName,
  kDesDesignation,
  kDesTotal,
  kDesRatio95,
  kDesRequired
};

struct CountyRow {
  int64_t line = 0;
  CmsCounty county;
};

absl::StatusOr<CountyRow> ParseCmsCounty(const CsvTable& table, const CsvRecord& record,
                                         const std::vector<int>& col) {
  RETURN_IF_ERROR(CheckFieldCount(table, record));
  CountyRow row;
  row.line = record.line;
  CmsCounty& county = row.county;
  ASSIGN_OR_RETURN(county.ssa_code, ParseCode(table, col[kDesSsa], record.fields[col[kDesSsa]], 5));
  county.state = std::string(absl::StripAsciiWhitespace(record.fields[col[kDesState]]));
  county.name = std::string(absl::StripAsciiWhitespace(record.fields[col[kDesName]]));
  if (absl::StripAsciiWhitespace(record.fields[col[kDesFips]]).empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat(table.header[col[kDesFips]], " is empty: SSA county ", county.ssa_code, " (",
                     county.state, " ", county.name, ") has no FIPS code (territory)"));
  }
  ASSIGN_OR_RETURN(county.fips, ParseCode(table, col[kDesFips], record.fields[col[kDesFips]], 5));

  ASSIGN_OR_RETURN(county.state,
                   ParseStateCode(table, col[kDesState], record.fields[col[kDesState]]));
  ASSIGN_OR_RETURN(county.name, ParseText(table, col[kDesName], record.fields[col[kDesName]]));

  ASSIGN_OR_RETURN(county.designation, ParseDesignationField(table, col[kDesDesignation],
                                                             record.fields[col[kDesDesignation]]));

  ASSIGN_OR_RETURN(county.total_beneficiaries,
                   ParseCount(table, col[kDesTotal], record.fields[col[kDesTotal]]));
  ASSIGN_OR_RETURN(county.ratio_95th_percentile_base_population,
                   ParseNonNegative(table, col[kDesRatio95], record.fields[col[kDesRatio95]]));
  ASSIGN_OR_RETURN(county.beneficiaries_required_to_cover,
                   ParseCount(table, col[kDesRequired], record.fields[col[kDesRequired]]));
  return row;
}

// --- ma_hsd_county_criteria_cy2026.csv ---------------------------------------------------------

enum CriterionColumn {
  kCritSsa,
  kCritFips,
  kCritDesignation,
  kCritCode,
  kCritMinutes,
  kCritMiles,
  kCritMinimum
};

struct CriterionRow {
  int64_t line = 0;
  int county = 0;                                             // index into the counties
  int specialty = 0;                                          // index into the specialties
  CountyDesignation designation = CountyDesignation::kRural;  // as the criteria file says
  CountyCriterion criterion;
};

// --- ma_hsd_certificate_of_need_cy2026.csv -----------------------------------------------------

enum ConColumn { kConSsa, kConFips, kConCode, kConCustomized };

struct ConRow {
  int county = 0;
  int specialty = 0;
  bool customized = false;
};

// The order of Load's reports.
enum { kDesignationsReport, kCriteriaReport, kRatiosReport, kStandardsReport, kConReport };

}  // namespace

absl::StatusOr<CountyDesignation> ParseCountyDesignation(std::string_view text) {
  const absl::string_view trimmed = absl::StripAsciiWhitespace(AsAbsl(text));
  for (CountyDesignation d :
       {CountyDesignation::kLargeMetro, CountyDesignation::kMetro, CountyDesignation::kMicro,
        CountyDesignation::kRural, CountyDesignation::kCeac}) {
    const std::string_view name = CountyDesignationName(d);
    if (absl::EqualsIgnoreCase(trimmed, AsAbsl(name))) return d;
  }
  return absl::InvalidArgumentError(absl::StrCat(
      "\"", trimmed, "\" is not a county designation (Large Metro, Metro, Micro, Rural, CEAC)"));
}

std::string_view CountyDesignationName(CountyDesignation d) {
  switch (d) {
    case CountyDesignation::kLargeMetro:
      return "Large Metro";
    case CountyDesignation::kMetro:
      return "Metro";
    case CountyDesignation::kMicro:
      return "Micro";
    case CountyDesignation::kRural:
      return "Rural";
    case CountyDesignation::kCeac:
      return "CEAC";
  }
  return "?";
}

double RequiredShare(CountyDesignation d) {
  switch (d) {
    case CountyDesignation::kLargeMetro:
    case CountyDesignation::kMetro:
      return 0.90;
    case CountyDesignation::kMicro:
    case CountyDesignation::kRural:
    case CountyDesignation::kCeac:
      return 0.85;
  }
  return 0.90;
}

StandardsSet::StandardsSet(std::string name, std::shared_ptr<const Tables> tables)
    : name_(std::move(name)), tables_(std::move(tables)) {}

// Reads the five files of a standards set into one Tables, each after the files it refers to.
class StandardsSet::Loader {
 public:
  Loader(const std::string& dir, std::vector<LoadReport>& reports)
      : base_(dir.empty() || dir.back() == '/' ? dir : dir + "/"), reports_(reports) {}

  absl::Status Standards();
  absl::Status Ratios();
  absl::Status Counties();
  absl::Status Criteria();
  absl::Status CertificatesOfNeed();
  std::shared_ptr<Tables> tables() const { return tables_; }

 private:
  absl::StatusOr<RatioRow> ParseRatio(const CsvTable& table, const CsvRecord& record,
                                      const std::vector<int>& col) const;
  absl::StatusOr<CriterionRow> ParseCriterion(const CsvTable& table, const CsvRecord& record,
                                              const std::vector<int>& col) const;
  absl::StatusOr<ConRow> ParseCon(const CsvTable& table, const CsvRecord& record,
                                  const std::vector<int>& col) const;
  std::string PairKey(int county, int specialty) const {
    return absl::StrCat(tables_->counties[county].fips, " ", tables_->specialties[specialty].code);
  }
  // Files a criterion; the first row naming another designation than the designations file
  // adds an issue to the designations report.
  void AddCriterion(CriterionRow& row, std::vector<bool>& designation_reported);

  const std::string base_;
  std::vector<LoadReport>& reports_;
  std::shared_ptr<Tables> tables_ = std::make_shared<Tables>();
  std::vector<int64_t> county_lines_;  // the designations file line of each county
};

absl::StatusOr<StandardsSet> StandardsSet::Load(const std::string& dir, std::string name,
                                                std::vector<LoadReport>* reports) {
  std::vector<LoadReport> local_reports;
  if (reports == nullptr) reports = &local_reports;
  reports->assign(5, LoadReport());
  Loader loader(dir, *reports);
  RETURN_IF_ERROR(loader.Standards());
  RETURN_IF_ERROR(loader.Ratios());
  RETURN_IF_ERROR(loader.Counties());
  RETURN_IF_ERROR(loader.Criteria());
  RETURN_IF_ERROR(loader.CertificatesOfNeed());
  return StandardsSet(std::move(name), loader.tables());
}

// Specialty types and their base standards come first: every other file refers to them. The
// minutes and miles columns are in designation order.
absl::Status StandardsSet::Loader::Standards() {
  const std::initializer_list<std::string_view> standard_columns = {
      "specialty_code", "specialty",    "kind",          "large_metro_minutes", "large_metro_miles",
      "metro_minutes",  "metro_miles",  "micro_minutes", "micro_miles",         "rural_minutes",
      "rural_miles",    "ceac_minutes", "ceac_miles"};
  ASSIGN_OR_RETURN(tables_->specialties,
                   LoadKeyedRows<SpecialtyType>(
                       base_ + kStandardsFile, standard_columns, ParseStandard,
                       [](const SpecialtyType& t) { return t.code; }, "specialty code",
                       &reports_[kStandardsReport]));
  for (size_t i = 0; i < tables_->specialties.size(); ++i) {
    tables_->specialty_index.emplace(tables_->specialties[i].code, static_cast<int>(i));
  }
  return absl::OkStatus();
}

// Minimum ratios, for the types that have one.
absl::StatusOr<RatioRow> StandardsSet::Loader::ParseRatio(const CsvTable& table,
                                                          const CsvRecord& record,
                                                          const std::vector<int>& col) const {
  RETURN_IF_ERROR(CheckFieldCount(table, record));
  RatioRow row;
  ASSIGN_OR_RETURN(row.specialty,
                   ParseKnownSpecialty(table, col[kRatioCode], record.fields[col[kRatioCode]],
                                       tables_->specialty_index));
  ASSIGN_OR_RETURN(bool facility,
                   ParseKind(table, col[kRatioKind], record.fields[col[kRatioKind]]));
  const SpecialtyType& type = tables_->specialties[row.specialty];
  if (facility != type.facility) {
    return absl::InvalidArgumentError(
        absl::StrCat(table.header[col[kRatioKind]], ": ", type.code, " is a ",
                     type.facility ? "facility" : "provider", " type in ", kStandardsFile));
  }
  const absl::string_view unit = absl::StripAsciiWhitespace(record.fields[col[kRatioUnit]]);
  if (unit == "beds_per_1000_beneficiaries") {
    row.in_beds = true;
  } else if (unit != "providers_per_1000_beneficiaries") {
    return absl::InvalidArgumentError(absl::StrCat(
        table.header[col[kRatioUnit]], ": \"", unit,
        "\" is neither providers_per_1000_beneficiaries nor beds_per_1000_beneficiaries"));
  }
  for (int d = 0; d < kCountyDesignationCount; ++d) {
    const int column = col[kRatioFirstValue + d];
    ASSIGN_OR_RETURN(row.per_1000[d], ParseNonNegative(table, column, record.fields[column]));
  }
  return row;
}

absl::Status StandardsSet::Loader::Ratios() {
  ASSIGN_OR_RETURN(
      std::vector<RatioRow> ratios,
      LoadKeyedRows<RatioRow>(
          base_ + kRatiosFile,
          {"specialty_code", "kind", "unit", "large_metro", "metro", "micro", "rural", "ceac"},
          std::bind_front(&Loader::ParseRatio, this),
          [&](const RatioRow& r) { return tables_->specialties[r.specialty].code; },
          "specialty code", &reports_[kRatiosReport]));
  for (const RatioRow& ratio : ratios) {
    SpecialtyType& type = tables_->specialties[ratio.specialty];
    type.has_ratio = true;
    type.ratio_in_beds = ratio.in_beds;
    std::copy(std::begin(ratio.per_1000), std::end(ratio.per_1000), type.ratio_per_1000);
  }
  return absl::OkStatus();
}

// Counties, ordered by FIPS.
absl::Status StandardsSet::Loader::Counties() {
  ASSIGN_OR_RETURN(std::vector<CountyRow> county_rows,
                   LoadKeyedRows<CountyRow>(
                       base_ + kDesignationsFile,
                       {"ssa_county_code", "fips", "state", "county", "county_designation",
                        "total_beneficiaries", "ratio_95th_percentile_base_population",
                        "beneficiaries_required_to_cover"},
                       ParseCmsCounty, [](const CountyRow& r) { return r.county.fips; },
                       "county FIPS", &reports_[kDesignationsReport]));
  std::sort(county_rows.begin(), county_rows.end(),
            [](const CountyRow& a, const CountyRow& b) { return a.county.fips < b.county.fips; });
  county_lines_.reserve(county_rows.size());
  tables_->counties.reserve(county_rows.size());
  for (CountyRow& row : county_rows) {
    tables_->county_index.emplace(row.county.fips, static_cast<int>(tables_->counties.size()));
    county_lines_.push_back(row.line);
    tables_->counties.push_back(std::move(row.county));
  }
  return absl::OkStatus();
}

// The criteria CMS applies per county x type.
absl::StatusOr<CriterionRow> StandardsSet::Loader::ParseCriterion(
    const CsvTable& table, const CsvRecord& record, const std::vector<int>& col) const {
  RETURN_IF_ERROR(CheckFieldCount(table, record));
  CriterionRow row;
  row.line = record.line;
  ASSIGN_OR_RETURN(row.county, ParseCountyRef(table, record, col[kCritSsa], col[kCritFips],
                                              tables_->counties, tables_->county_index));
  ASSIGN_OR_RETURN(row.designation, ParseDesignationField(table, col[kCritDesignation],
                                                          record.fields[col[kCritDesignation]]));
  ASSIGN_OR_RETURN(row.specialty,
                   ParseKnownSpecialty(table, col[kCritCode], record.fields[col[kCritCode]],
                                       tables_->specialty_index));
  ASSIGN_OR_RETURN(row.criterion.max_minutes,
                   ParseNonNegative(table, col[kCritMinutes], record.fields[col[kCritMinutes]]));
  ASSIGN_OR_RETURN(row.criterion.max_miles,
                   ParseNonNegative(table, col[kCritMiles], record.fields[col[kCritMiles]]));
  ASSIGN_OR_RETURN(int64_t minimum,
                   ParseCount(table, col[kCritMinimum], record.fields[col[kCritMinimum]]));
  if (minimum > std::numeric_limits<int32_t>::max()) {
    return absl::InvalidArgumentError(
        absl::StrCat(table.header[col[kCritMinimum]], ": ", minimum, " is too large"));
  }
  row.criterion.minimum_number = static_cast<int32_t>(minimum);
  return row;
}

absl::Status StandardsSet::Loader::Criteria() {
  ASSIGN_OR_RETURN(
      std::vector<CriterionRow> criteria,
      LoadKeyedRows<CriterionRow>(
          base_ + kCriteriaFile,
          {"ssa_county_code", "fips", "county_designation", "specialty_code", "max_time_minutes",
           "max_distance_miles", "minimum_number"},
          std::bind_front(&Loader::ParseCriterion, this),
          [&](const CriterionRow& r) { return tables_->CriterionSlot(r.county, r.specialty); },
          [&](const CriterionRow& r) { return PairKey(r.county, r.specialty); },
          "county x specialty", &reports_[kCriteriaReport]));
  tables_->criteria.resize(tables_->counties.size() * tables_->specialties.size());
  LoadReport& designations_report = reports_[kDesignationsReport];
  std::vector<bool> designation_reported(tables_->counties.size(), false);
  const size_t designation_issues_from = designations_report.skipped.size();
  for (CriterionRow& row : criteria) AddCriterion(row, designation_reported);
  // Keep the designations report in line order with its "designation differs" entries.
  std::stable_sort(designations_report.skipped.begin() + designation_issues_from,
                   designations_report.skipped.end(),
                   [](const RowIssue& a, const RowIssue& b) { return a.line < b.line; });
  std::inplace_merge(designations_report.skipped.begin(),
                     designations_report.skipped.begin() + designation_issues_from,
                     designations_report.skipped.end(),
                     [](const RowIssue& a, const RowIssue& b) { return a.line < b.line; });
  return absl::OkStatus();
}

void StandardsSet::Loader::AddCriterion(CriterionRow& row,
                                        std::vector<bool>& designation_reported) {
  const CmsCounty& county = tables_->counties[row.county];
  const SpecialtyType& type = tables_->specialties[row.specialty];
  const int d = static_cast<int>(county.designation);
  row.criterion.customized = row.criterion.max_minutes != type.base_max_minutes[d] ||
                             row.criterion.max_miles != type.base_max_miles[d];
  tables_->criteria[tables_->CriterionSlot(row.county, row.specialty)] = row.criterion;
  if (row.designation != county.designation && !designation_reported[row.county]) {
    designation_reported[row.county] = true;
    reports_[kDesignationsReport].skipped.push_back(
        {county_lines_[row.county],
         absl::StrCat("designation differs: ", AsAbsl(CountyDesignationName(county.designation)),
                      " here, ", AsAbsl(CountyDesignationName(row.designation)), " in ",
                      kCriteriaFile, " line ", row.line, "; county ", county.fips, " is kept as ",
                      AsAbsl(CountyDesignationName(county.designation)))});
  }
}

// Certificate-of-need flags, for county x type pairs that have criteria.
absl::StatusOr<ConRow> StandardsSet::Loader::ParseCon(const CsvTable& table,
                                                      const CsvRecord& record,
                                                      const std::vector<int>& col) const {
  RETURN_IF_ERROR(CheckFieldCount(table, record));
  ConRow row;
  ASSIGN_OR_RETURN(row.county, ParseCountyRef(table, record, col[kConSsa], col[kConFips],
                                              tables_->counties, tables_->county_index));
  ASSIGN_OR_RETURN(row.specialty,
                   ParseKnownSpecialty(table, col[kConCode], record.fields[col[kConCode]],
                                       tables_->specialty_index));
  const absl::string_view flag = absl::StripAsciiWhitespace(record.fields[col[kConCustomized]]);
  if (flag == "Y") {
    row.customized = true;
  } else if (flag != "N") {
    return absl::InvalidArgumentError(
        absl::StrCat(table.header[col[kConCustomized]], ": \"", flag, "\" is neither Y nor N"));
  }
  if (!tables_->criteria[tables_->CriterionSlot(row.county, row.specialty)].has_value()) {
    return absl::InvalidArgumentError(absl::StrCat("county x specialty ",
                                                   PairKey(row.county, row.specialty),
                                                   " has no row in ", kCriteriaFile));
  }
  return row;
}

absl::Status StandardsSet::Loader::CertificatesOfNeed() {
  ASSIGN_OR_RETURN(
      std::vector<ConRow> con,
      LoadKeyedRows<ConRow>(
          base_ + kCertificateOfNeedFile,
          {"ssa_county_code", "fips", "specialty_code", "td_customized"},
          std::bind_front(&Loader::ParseCon, this),
          [&](const ConRow& r) { return tables_->CriterionSlot(r.county, r.specialty); },
          [&](const ConRow& r) { return PairKey(r.county, r.specialty); }, "county x specialty",
          &reports_[kConReport]));
  for (const ConRow& row : con) {
    tables_->criteria[tables_->CriterionSlot(row.county, row.specialty)]->certificate_of_need =
        row.customized;
  }
  return absl::OkStatus();
}

const CmsCounty* StandardsSet::County(std::string_view fips) const {
  const std::optional<int> i = tables_->CountyIndex(fips);
  return i.has_value() ? &tables_->counties[*i] : nullptr;
}

const SpecialtyType* StandardsSet::Specialty(std::string_view code) const {
  const std::optional<int> i = tables_->SpecialtyIndex(code);
  return i.has_value() ? &tables_->specialties[*i] : nullptr;
}

const CountyCriterion* StandardsSet::Criterion(std::string_view fips, std::string_view code) const {
  const std::optional<int> county = tables_->CountyIndex(fips);
  if (!county.has_value()) return nullptr;
  const std::optional<int> specialty = tables_->SpecialtyIndex(code);
  if (!specialty.has_value()) return nullptr;
  const std::optional<CountyCriterion>& criterion =
      tables_->criteria[tables_->CriterionSlot(*county, *specialty)];
  return criterion.has_value() ? &*criterion : nullptr;
}

const std::vector<SpecialtyType>& StandardsSet::specialties() const { return tables_->specialties; }

const std::vector<CmsCounty>& StandardsSet::counties() const { return tables_->counties; }

std::string StandardsSet::EvaluatedAs(std::string_view roster_code) const {
  for (std::string_view primary_care : kPrimaryCareRosterCodes) {
    if (roster_code == primary_care) {
      return Specialty(kPrimaryCareCode) != nullptr ? std::string(kPrimaryCareCode) : std::string();
    }
  }
  return Specialty(roster_code) != nullptr ? std::string(roster_code) : std::string();
}

bool StandardsSet::IsRosterCode(std::string_view code) const { return !EvaluatedAs(code).empty(); }

}  // namespace carereach::io
