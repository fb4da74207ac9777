#ifndef CAREREACH_GEO_ACCESS_ADEQUACY_H_
#define CAREREACH_GEO_ACCESS_ADEQUACY_H_

#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "geo/access/coverage.h"
#include "geo/access/hsd_fields.h"
#include "geo/access/region.h"
#include "geo/core/deadline.h"
#include "geo/io/cms.h"

namespace carereach::access {

// CMS Medicare Advantage network adequacy (42 CFR 422.116), county by county and specialty by
// specialty. Plain domain types mirroring proto/carereach/v1/adequacy.proto.

struct NetworkProvider {
  std::string id;
  std::string name;
  std::string specialty_code;  // roster code: "001".."006" (or "S03"), "007".."068"
  geo::LonLat location;        // lon/lat order
  double beds = 0;             // acute inpatient hospitals ("040") only
  bool telehealth = false;
  std::string type;  // free text, reported back (e.g. "GENERAL ACUTE CARE")
  // Empty, or why the provider does not count toward adequacy (kExclusions).
  std::string exclusion;
  HsdFields hsd;  // kept and reported back, not used by the rules
};

// 42 CFR 422.116(a)(3)(i): providers that "do not count toward meeting network adequacy
// criteria". A roster row's `exclusion` is one of these codes (or empty: it counts).
struct Exclusion {
  const char* code;
  const char* reason;  // for people, with the paragraph
};
inline constexpr Exclusion kExclusions[] = {
    {"specialized_hospital", "specialized hospital (42 CFR 422.116(a)(3)(i)(A))"},
    {"long_term_care_hospital", "long-term care hospital (42 CFR 422.116(a)(3)(i)(A))"},
    {"pediatric_hospital", "pediatric/children's hospital (42 CFR 422.116(a)(3)(i)(A))"},
    {"residential_facility_only",
     "only available in a residential facility (42 CFR 422.116(a)(3)(i)(B))"},
    {"other_products_only",
     "contracted only for commercial, Medicaid or other products (42 CFR 422.116(a)(3)(i)(C))"},
};
// The reason of an exclusion code; nullptr for an unknown code (and for "").
const char* ExclusionReason(std::string_view code);

struct AdequacyRequest {
  std::vector<NetworkProvider> roster;
  std::vector<std::string> county_fips;      // empty: every county of the region
  std::vector<std::string> specialty_codes;  // empty: every type of the standards set
  TravelModel travel;
  bool include_uncovered_units = false;
  // When true, the region's units are the request's own beneficiary points (population =
  // beneficiaries) and a county's beneficiaries are their sum, not the CMS total.
  bool own_beneficiary_points = false;
  geo::Deadline deadline;
};

struct CountySpecialtyResult {
  const io::CmsCounty* county = nullptr;
  const io::SpecialtyType* specialty = nullptr;
  std::string county_name;
  double max_minutes = 0, max_miles = 0;
  int64_t beneficiaries = 0;
  double beneficiaries_with_access = 0;
  double share_with_access = 0;
  double required_share = 0;
  double telehealth_credit = 0;
  bool time_distance_pass = false;
  int32_t minimum_number = 0;
  double counted = 0;  // providers, or beds for "040"
  bool minimum_number_pass = false;
  double minimum_number_deficit = 0;
  bool pass = false;
  int32_t providers_serving = 0;
  // The roster rows counted toward the minimum number, in roster order: the first row of each
  // distinct id among the providers within both standards of a unit of the county (42 CFR
  // 422.116(a)(2)(i)); the rule ServicingProviders reports per provider.
  std::vector<int32_t> counted_rows;
  std::vector<std::string> uncovered_unit_ids;
  double uncovered_beneficiaries = 0;
};

struct AdequacySummary {
  int32_t counties = 0;
  int32_t specialty_types = 0;
  int32_t results = 0;
  int32_t failing_results = 0;
  // Roster rows with an exclusion (42 CFR 422.116(a)(3)), never counted, in roster order.
  std::vector<int32_t> excluded_rows;
};

inline constexpr char kBeneficiaryMethod[] =
    "Each county's CMS total of Medicare beneficiaries (HSD reference file) is spread over its "
    "2020 Census tracts in proportion to their population; a beneficiary has access when a "
    "provider of the type lies within both the time and the distance standard of the tract's "
    "centre of population.";

// A region whose units are the caller's beneficiary points (unit population = beneficiaries),
// with the counties of `base`. INVALID_ARGUMENT naming the point: "beneficiary_points[3]...".
absl::StatusOr<Region> RegionFromBeneficiaryPoints(const Region& base,
                                                   std::span<const io::PopulationUnit> points);

inline constexpr char kOwnPointsMethod[] =
    "Beneficiaries are the request's own points (each county's beneficiaries are the sum of its "
    "points); a beneficiary has access when a provider of the type lies within both the time and "
    "the distance standard of its point.";

// At most this many beds on one roster row (the largest US hospitals have about 3,000): sums of
// beds over any roster the server accepts stay finite and exact.
inline constexpr int kMaxBedsPerProvider = 1'000'000;

// Checks a roster: every row's specialty code is a roster code of the standards set, its
// location is valid, beds only on "040", never negative and at most kMaxBedsPerProvider, its
// exclusion empty or a code of kExclusions.
// INVALID_ARGUMENT naming the row: "providers[12].specialty_code: \"099\" is not a CMS HSD
// specialty code"; `field` names the list in messages (e.g. "member_rosters[1].providers",
// "candidates").
absl::Status ValidateRoster(std::span<const NetworkProvider> roster,
                            const io::StandardsSet& standards,
                            std::string_view field = "providers");

// Evaluates every requested county x specialty type, handing each result to `emit` in order
// (counties by FIPS, types in the standards set's order); stops with CANCELLED when `emit`
// returns false. Straight-line mode: geodesic miles, minutes = miles x circuity / speed; drive
// mode needs `drive`. A beneficiary has access when at least one provider of the type is within
// both the time and the distance standard (42 CFR 422.116(a)(2)(i)); in drive mode a
// provider is within both when the fastest route between them is within the time standard and
// that route's length within the distance standard, the rule of FacilityCatchments.
absl::StatusOr<AdequacySummary> EvaluateAdequacy(
    const Region& region, const DriveRegion* drive, const io::StandardsSet& standards,
    const absl::flat_hash_set<std::string>& telehealth_eligible, const AdequacyRequest& request,
    const std::function<bool(const CountySpecialtyResult&)>& emit);

}  // namespace carereach::access

#endif  // CAREREACH_GEO_ACCESS_ADEQUACY_H_
