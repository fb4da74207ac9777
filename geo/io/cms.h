#ifndef CAREREACH_GEO_IO_CMS_H_
#define CAREREACH_GEO_IO_CMS_H_

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "geo/io/load_report.h"

namespace carereach::io {

// CMS county designation (42 CFR 422.116(c)), in the order of the HSD reference file's columns.
// Arrays indexed by designation use static_cast<int>(designation).
enum class CountyDesignation { kLargeMetro, kMetro, kMicro, kRural, kCeac };
inline constexpr int kCountyDesignationCount = 5;

// "Large Metro", "Metro", "Micro", "Rural", "CEAC" (surrounding spaces and ASCII case ignored);
// INVALID_ARGUMENT for anything else.
absl::StatusOr<CountyDesignation> ParseCountyDesignation(std::string_view text);
// The file spelling: "Large Metro", "Metro", "Micro", "Rural", "CEAC".
std::string_view CountyDesignationName(CountyDesignation d);
// The share of beneficiaries that must have access: 0.90 for Large Metro and Metro, 0.85
// otherwise (the June 2020 final rule, CMS-4190-F2; the paragraph of 42 CFR 422.116 that states
// it was not read: docs/CMS.md, section 6).
double RequiredShare(CountyDesignation d);

// One county of the designations file. Plain value type.
struct CmsCounty {
  std::string fips;      // 5 digits, the key
  std::string ssa_code;  // 5 digits, the SSA state+county code CMS keys its file by
  std::string state;     // USPS
  std::string name;
  CountyDesignation designation = CountyDesignation::kRural;
  int64_t total_beneficiaries = 0;
  double ratio_95th_percentile_base_population = 0;
  // As published: ceil(ratio_95th_percentile_base_population x total_beneficiaries). CMS's
  // minimum numbers are computed from the unrounded product, not from this value (see
  // cms_test.cc, MinimumNumberRuleReproducesTheFile).
  int64_t beneficiaries_required_to_cover = 0;
};

// One CMS specialty type: a provider type (S03, 007..037) or a facility type (040..068).
// Plain value type.
struct SpecialtyType {
  std::string code;  // "S03", "007", ... "068", exactly as written in the files
  std::string name;
  bool facility = false;  // kind == "facility"
  // Base standards per designation (index by static_cast<int>(CountyDesignation)).
  double base_max_minutes[kCountyDesignationCount] = {};
  double base_max_miles[kCountyDesignationCount] = {};
  // Minimum ratio per 1,000 beneficiaries per designation, when the type has one (29 provider
  // types + 040 in beds).
  bool has_ratio = false;
  bool ratio_in_beds = false;  // unit == "beds_per_1000_beneficiaries"
  double ratio_per_1000[kCountyDesignationCount] = {};
};

// The values CMS applies for one county x specialty type. Plain value type.
struct CountyCriterion {
  double max_minutes = 0;
  double max_miles = 0;
  int32_t minimum_number = 0;  // providers, or beds for 040
  // Differs (in minutes or miles) from the base standard for the county's designation.
  bool customized = false;
  // td_customized == "Y" in the certificate-of-need file, when the county x type appears there.
  bool certificate_of_need = false;
};

// A named, versioned set of CMS Medicare Advantage network adequacy standards (e.g.
// "cms-ma-cy2026"): county designations, base time/distance standards, minimum ratios and the
// per-county criteria CMS applies. Immutable once loaded; thread-safe for concurrent const use.
class StandardsSet {
 public:
  // The file names Load reads from its directory, in the order of its reports.
  static constexpr const char* kDesignationsFile = "ma_hsd_county_designations_cy2026.csv";
  static constexpr const char* kCriteriaFile = "ma_hsd_county_criteria_cy2026.csv";
  static constexpr const char* kRatiosFile = "ma_min_provider_ratios.csv";
  static constexpr const char* kStandardsFile = "ma_time_distance_standards.csv";
  static constexpr const char* kCertificateOfNeedFile = "ma_hsd_certificate_of_need_cy2026.csv";

  // Loads the five files from `dir`. `name` names the set in reports. Every skipped row is listed
  // in `reports` (when not null: one LoadReport per file, in the order of the k*File constants
  // above) with its line. Rows are skipped for: an empty FIPS (territories), a malformed code or
  // number, a negative value, an unknown designation, kind or unit, a specialty code absent from
  // the standards file, a county absent from the designations file (or present under another
  // SSA code: Los Angeles has two SSA codes for one FIPS, and only the first is loaded), a
  // duplicate key. One entry in the designations report is not a skipped row: a county whose
  // designation differs from the criteria file's is kept (with the designations file's value)
  // and listed with a message starting "designation differs". Missing files are NOT_FOUND and
  // missing columns INVALID_ARGUMENT, both naming the file.
  static absl::StatusOr<StandardsSet> Load(const std::string& dir, std::string name,
                                           std::vector<LoadReport>* reports);

  const std::string& name() const { return name_; }
  // nullptr if unknown.
  const CmsCounty* County(std::string_view fips) const;
  // nullptr if unknown.
  const SpecialtyType* Specialty(std::string_view code) const;
  // nullptr if the county, the type or the pair is unknown.
  const CountyCriterion* Criterion(std::string_view fips, std::string_view code) const;
  // In file order of the standards file (S03 first).
  const std::vector<SpecialtyType>& specialties() const;
  // Ordered by FIPS.
  const std::vector<CmsCounty>& counties() const;

  // Primary care S03 is evaluated as one group of the roster codes 001-006 (General Practice,
  // Family Practice, Internal Medicine, Geriatrics, Primary Care Physician Assistants, Primary
  // Care Nurse Practitioners). The specialty type a roster code counts toward: "001".."006" ->
  // "S03" (when the set has S03), any other known code (S03 included) -> itself, else empty.
  std::string EvaluatedAs(std::string_view roster_code) const;
  // Whether a roster code is valid: "001".."006" (when the set has S03), or any code of
  // specialties() ("S03" included, so a roster already grouped as primary care is accepted).
  // Equivalent to !EvaluatedAs(code).empty().
  bool IsRosterCode(std::string_view code) const;

 private:
  struct Tables;  // the loaded rows and their hash indexes (cms.cc)
  class Loader;   // reads the files into Tables (cms.cc)

  StandardsSet(std::string name, std::shared_ptr<const Tables> tables);

  std::string name_;
  // Immutable and shared by copies; never null.
  std::shared_ptr<const Tables> tables_;
};

}  // namespace carereach::io

#endif  // CAREREACH_GEO_IO_CMS_H_
